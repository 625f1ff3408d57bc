/**
 * `getMetrics`: EVENTS (how many events), USAGE (units metered) and
 * REVENUE (what the units earn, see `billing.ts`), in UTC buckets of a DAY,
 * a WEEK (from Monday) or a MONTH, filtered and grouped as the spec's
 * `MetricQueryFilterEntry` table allows.
 *
 * @internal
 * @module
 */
import * as Either from "effect/Either"
import { revenues } from "./billing.ts"
import { array, body, dateTime, literal, optional, type Read, string, struct } from "./checks.ts"
import { accountByIdOrAlias } from "./customers.ts"
import { statusClass } from "./events.ts"
import type { State } from "./state.ts"
import { type Answer, answer, byKey, error, isoDateTime, type OperationInput, startOfDay } from "./wire.ts"

type MetricName = "EVENTS" | "USAGE" | "REVENUE"
type FieldName = "ACCOUNT_ID" | "CUSTOMER_ID" | "EVENT_STATUS" | "USAGE_METER_NAME"
type Period = "DAY" | "WEEK" | "MONTH"

const maxQueries = 5
const maxDataPoints = 100
const day = 86_400_000

/** The spec's table: the filters and groupBy fields of each metric. */
const allowed: Readonly<
  Record<MetricName, { readonly filters: ReadonlyArray<FieldName>; readonly groupBy: ReadonlyArray<FieldName> }>
> = {
  EVENTS: { filters: ["ACCOUNT_ID", "CUSTOMER_ID", "EVENT_STATUS"], groupBy: ["ACCOUNT_ID", "EVENT_STATUS"] },
  USAGE: { filters: ["ACCOUNT_ID", "CUSTOMER_ID", "USAGE_METER_NAME"], groupBy: ["ACCOUNT_ID", "USAGE_METER_NAME"] },
  REVENUE: { filters: ["ACCOUNT_ID", "CUSTOMER_ID", "USAGE_METER_NAME"], groupBy: ["ACCOUNT_ID", "USAGE_METER_NAME"] },
}

const MetricQuery = struct({
  id: string,
  name: literal("EVENTS", "USAGE", "REVENUE"),
  aggregationPeriod: literal("DAY", "WEEK", "MONTH"),
  groupBy: optional(string),
  filters: optional(array(struct({ fieldName: string, fieldValues: array(string) }), { min: 1, max: 5 })),
})
const GetMetricsRequest = struct({
  startTime: dateTime,
  endTime: dateTime,
  metricQueries: array(MetricQuery, { min: 1, max: maxQueries }),
})

/** One contribution to a metric: when, for whom, and how much. */
interface Point {
  readonly timestamp: number
  readonly value: number
  readonly fields: Readonly<Record<FieldName, string>>
}

const bucketStart = (period: Period, millis: number): number => {
  const date = new Date(millis)
  if (period === "MONTH") return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)
  const midnight = startOfDay(millis)
  return period === "DAY" ? midnight : midnight - ((date.getUTCDay() + 6) % 7) * day
}

const nextBucket = (period: Period, start: number): number => {
  const date = new Date(start)
  return period === "MONTH"
    ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)
    : start + (period === "DAY" ? day : 7 * day)
}

/** The starts of the buckets a window needs, and `undefined` past `limit`. */
const bucketsOf = (period: Period, start: number, end: number, limit: number): ReadonlyArray<number> | undefined => {
  const buckets: Array<number> = []
  for (let bucket = bucketStart(period, start); bucket < end; bucket = nextBucket(period, bucket)) {
    if (buckets.length === limit) return undefined
    buckets.push(bucket)
  }
  return buckets
}

/** Every contribution to a metric, before filters. */
const pointsOf = (state: State, name: MetricName): ReadonlyArray<Point> => {
  const events = [...state.events.values()]
  const fields = (
    event: {
      readonly accountId: string
      readonly customerId: string
      readonly status: Parameters<typeof statusClass>[0]
    },
    meter: string,
  ) => ({
    ACCOUNT_ID: event.accountId,
    CUSTOMER_ID: event.customerId,
    EVENT_STATUS: statusClass(event.status),
    USAGE_METER_NAME: meter,
  })
  switch (name) {
    case "EVENTS":
      return events.map((event) => ({ timestamp: event.timestamp, value: 1, fields: fields(event, "") }))
    case "USAGE":
      return events.flatMap((event) =>
        [...event.units].map(([meter, units]) => ({
          timestamp: event.timestamp,
          value: units,
          fields: fields(event, meter),
        }))
      )
    case "REVENUE":
      return revenues(state).map((revenue) => ({
        timestamp: revenue.event.timestamp,
        value: revenue.amount,
        fields: fields(revenue.event, revenue.meter),
      }))
  }
}

type Query = Read<typeof MetricQuery>

/** The filters of a query, by field, once checked against the table and the state. */
const readFilters = (
  state: State,
  query: Query,
  path: string,
): Either.Either<ReadonlyMap<FieldName, ReadonlySet<string>>, Answer> => {
  const filters = new Map<FieldName, ReadonlySet<string>>()
  for (const [index, filter] of (query.filters ?? []).entries()) {
    const at = `${path}.filters.${index}`
    const field = allowed[query.name].filters.find((name) => name === filter.fieldName)
    if (field === undefined) {
      return Either.left(
        error(
          400,
          `${at}.fieldName: ${query.name} is filtered by ${allowed[query.name].filters.join(", ")}, not ${
            JSON.stringify(filter.fieldName)
          }`,
        ),
      )
    }
    if (filters.has(field)) return Either.left(error(400, `${at}.fieldName: ${field} is given twice`))
    if (filter.fieldValues.length === 0) {
      return Either.left(error(400, `${at}.fieldValues: expected one or more values`))
    }
    let values = filter.fieldValues
    for (const value of filter.fieldValues) {
      const known = field === "ACCOUNT_ID"
        ? accountByIdOrAlias(state, value) !== undefined
        : field === "CUSTOMER_ID"
        ? state.customers.has(value)
        : field === "USAGE_METER_NAME"
        ? state.usageMeters.has(value)
        : ["PROCESSED", "UNPROCESSED", "IN_PROGRESS"].includes(value)
      if (!known) {
        return Either.left(error(
          400,
          field === "EVENT_STATUS"
            ? `${at}.fieldValues: expected PROCESSED, UNPROCESSED or IN_PROGRESS, got ${JSON.stringify(value)}`
            : `${at}.fieldValues: no ${
              field === "ACCOUNT_ID" ? "account" : field === "CUSTOMER_ID" ? "customer" : "usage meter"
            } ${value}`,
        ))
      }
    }
    if (field === "CUSTOMER_ID" && values.length > 1) {
      return Either.left(error(400, `${at}.fieldValues: CUSTOMER_ID takes at most one customer`))
    }
    // An alias stands for its account, as it does when ingesting.
    if (field === "ACCOUNT_ID") values = values.map((value) => accountByIdOrAlias(state, value)?.id ?? value)
    filters.set(field, new Set(values))
  }
  return Either.right(filters)
}

export const getMetrics = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const request = yield* body(GetMetricsRequest, input.body)
    if (request.endTime <= request.startTime) {
      return yield* Either.left(error(400, "endTime: expected a time after startTime"))
    }
    const ids = new Set<string>()
    const results = []
    for (const [index, query] of request.metricQueries.entries()) {
      const path = `metricQueries.${index}`
      if (ids.has(query.id)) return yield* Either.left(error(400, `${path}.id: ${query.id} is given twice`))
      ids.add(query.id)
      const groupBy = query.groupBy === undefined
        ? undefined
        : allowed[query.name].groupBy.find((field) => field === query.groupBy)
      if (query.groupBy !== undefined && groupBy === undefined) {
        return yield* Either.left(
          error(
            400,
            `${path}.groupBy: ${query.name} is grouped by ${allowed[query.name].groupBy.join(" or ")}, not ${
              JSON.stringify(query.groupBy)
            }`,
          ),
        )
      }
      const filters = yield* readFilters(state, query, path)
      const buckets = bucketsOf(query.aggregationPeriod, request.startTime, request.endTime, maxDataPoints)
      if (buckets === undefined) {
        return yield* Either.left(
          error(
            400,
            `${path}.aggregationPeriod: the window needs more than ${maxDataPoints} data points of a ` +
              `${query.aggregationPeriod}; ask for a shorter window or a longer period`,
          ),
        )
      }
      const series = new Map<string, Array<number>>()
      if (groupBy === undefined) series.set("", buckets.map(() => 0))
      for (const point of pointsOf(state, query.name)) {
        if (point.timestamp < request.startTime || point.timestamp >= request.endTime) continue
        if ([...filters].some(([field, values]) => !values.has(point.fields[field]))) continue
        const group = groupBy === undefined ? "" : point.fields[groupBy]
        const values = series.get(group) ?? buckets.map(() => 0)
        series.set(group, values)
        const bucket = bucketStart(query.aggregationPeriod, point.timestamp)
        values[buckets.indexOf(bucket)] += point.value
      }
      results.push({
        id: query.id,
        name: query.name,
        data: [...series].sort(([a], [b]) => byKey(a, b)).map(([group, values]) => ({
          ...(groupBy === undefined ? {} : { groupedBy: { fieldName: groupBy, fieldValue: group } }),
          timestamps: buckets.map(isoDateTime),
          metricValues: values,
        })),
      })
    }
    return answer(200, { results })
  }))
