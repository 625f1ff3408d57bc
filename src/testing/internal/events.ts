/**
 * Event ingestion and the event log: `ingest`, `ingestBatch`, `getEvents`
 * and `getSingleEvent`. Ingestion is synchronous: an accepted event is
 * metered (or fails) before the answer leaves.
 *
 * @internal
 * @module
 */
import * as Either from "effect/Either"
import { billingPeriodAt } from "./billing.ts"
import { array, body, dateTime, optional, type Read, record, string, struct, text } from "./checks.ts"
import { accountByIdOrAlias, type StoredAccount } from "./customers.ts"
import { latest } from "./eventSchemas.ts"
import { type EventData, passes, units } from "./jsonLogic.ts"
import { page, readPage } from "./paging.ts"
import { metersOf } from "./pricing.ts"
import type { State } from "./state.ts"
import { type Answer, answer, byKey, error, isoDate, isoDateTime, type OperationInput, truncate } from "./wire.ts"

export type IngestionStatus =
  | "INGESTION_IN_PROGRESS"
  | "INGESTION_FAILED"
  | "INGESTION_FAILED_SCHEMA_NOT_DEFINED"
  | "INGESTION_FAILED_UNITS_INVALID"
  | "INGESTION_COMPLETED_NO_MATCHING_METERS"
  | "INGESTION_COMPLETED_EVENT_METERED"
  | "INGESTION_COMPLETED_EVENT_NOT_METERED"
  | "UNKNOWN"

const ingestionStatuses: ReadonlyArray<IngestionStatus> = [
  "INGESTION_IN_PROGRESS",
  "INGESTION_FAILED",
  "INGESTION_FAILED_SCHEMA_NOT_DEFINED",
  "INGESTION_FAILED_UNITS_INVALID",
  "INGESTION_COMPLETED_NO_MATCHING_METERS",
  "INGESTION_COMPLETED_EVENT_METERED",
  "INGESTION_COMPLETED_EVENT_NOT_METERED",
  "UNKNOWN",
]

/** How the metrics and `getEvents` group ingestion statuses: completed ones are PROCESSED, failed ones UNPROCESSED. */
export const statusClass = (status: IngestionStatus): "PROCESSED" | "UNPROCESSED" | "IN_PROGRESS" =>
  status.startsWith("INGESTION_COMPLETED")
    ? "PROCESSED"
    : status === "INGESTION_IN_PROGRESS"
    ? "IN_PROGRESS"
    : "UNPROCESSED"

const EventAttribute = struct({
  attributeName: text({ max: 50 }),
  attributeValue: text({ max: 50 }),
  attributeValueUnit: optional(text({ max: 50 })),
})

/** The spec's `Event`. */
const Event = struct({
  eventName: text({ min: 1, max: 255 }),
  id: text({ min: 1, max: 255 }),
  eventTimestamp: dateTime,
  accountId: text({ min: 1, max: 255 }),
  eventAttributes: array(EventAttribute, { max: 50 }),
  dimensions: record(string),
})

type Event = Read<typeof Event>

const IngestEventRequest = struct({ event: Event })
const IngestBatchEventRequest = struct({ events: array(Event, { min: 1, max: 100 }) })

/** What the event pipeline did with an event, as `EventPipelineInfo`. */
export interface PipelineInfo {
  readonly eventSchema?: { readonly name: string; readonly version: number }
  readonly usageMeters?: ReadonlyArray<{
    readonly name: string
    readonly version: number
    readonly status: "PROCESSED_FILTERED_OUT" | "PROCESSED_UNITS_COMPUTED"
    readonly units?: number
  }>
  readonly pricePlans?: ReadonlyArray<{
    readonly name: string
    readonly id: string
    readonly cycleStart: string
    readonly cycleEnd: string
    readonly usageMeters: ReadonlyArray<string>
  }>
  readonly account: { readonly id: string; readonly name: string }
  readonly customer: { readonly id: string; readonly name: string }
}

export interface StoredEvent {
  /** Ingestion order; kept when a failed event is sent again. */
  readonly sequence: number
  /** The event as received, its timestamp in UTC. */
  readonly payload: ReturnType<typeof payloadJson>
  readonly id: string
  readonly timestamp: number
  /** The account it was ingested for (by id or alias), and that account's customer. */
  readonly accountId: string
  readonly customerId: string
  readonly status: IngestionStatus
  readonly statusDescription: string
  readonly pipeline: PipelineInfo
  /** Units by usage meter, for the meters that metered it. */
  readonly units: ReadonlyMap<string, number>
}

/** The spec's `maxLength` of a `statusDescription`. */
const maxStatusDescription = 250

const payloadJson = (event: Event) => ({ ...event, eventTimestamp: isoDateTime(event.eventTimestamp) })

const numeric = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/** The event's data for usage meters' rules, or why its attributes and dimensions do not fit its schema. */
const eventData = (
  event: Event,
  schemaName: string,
  declared: { readonly attributes: ReadonlySet<string>; readonly dimensions: ReadonlySet<string> },
): Either.Either<EventData, string> => {
  const attributes = new Map<string, number>()
  for (const attribute of event.eventAttributes) {
    const { attributeName, attributeValue } = attribute
    if (!declared.attributes.has(attributeName)) {
      return Either.left(`attribute ${attributeName} is not declared by event schema ${schemaName}`)
    }
    if (attributes.has(attributeName)) return Either.left(`attribute ${attributeName} is given twice`)
    if (!numeric.test(attributeValue.trim()) || !Number.isFinite(Number(attributeValue))) {
      return Either.left(`attribute ${attributeName}: ${JSON.stringify(attributeValue)} is not a number`)
    }
    attributes.set(attributeName, Number(attributeValue))
  }
  for (const dimension of Object.keys(event.dimensions)) {
    if (!declared.dimensions.has(dimension)) {
      return Either.left(`dimension ${dimension} is not declared by event schema ${schemaName}`)
    }
  }
  return Either.right({ attributes: Object.fromEntries(attributes), dimensions: event.dimensions })
}

/** What processing an event came to: recorded (metered or failed), a duplicate, or rejected. */
type Outcome = "recorded" | "duplicate" | { readonly rejected: string }

/** Meters (or fails) one well-formed event and records it. */
const process = (state: State, event: Event): Outcome => {
  const account = accountByIdOrAlias(state, event.accountId)
  if (account === undefined) return { rejected: `accountId: no account has the id or active alias ${event.accountId}` }
  const previous = state.events.get(event.id)
  // The id is the idempotency key: a completed event is never metered twice; a failed one may be sent again.
  if (previous !== undefined && statusClass(previous.status) === "PROCESSED") return "duplicate"
  const customer = state.customers.get(account.customerId)
  const base = {
    sequence: previous?.sequence ?? state.nextEventSequence(),
    payload: payloadJson(event),
    id: event.id,
    timestamp: event.eventTimestamp,
    accountId: account.id,
    customerId: account.customerId,
  }
  const who = {
    account: { id: account.id, name: account.name },
    customer: { id: account.customerId, name: customer?.name ?? account.customerId },
  }
  const fail = (status: IngestionStatus, description: string, pipeline: PipelineInfo = who): Outcome => {
    state.events.set(event.id, {
      ...base,
      status,
      statusDescription: truncate(description, maxStatusDescription),
      pipeline,
      units: new Map(),
    })
    return "recorded"
  }

  const schema = state.eventSchemas.get(event.eventName)
  if (schema === undefined) {
    return fail("INGESTION_FAILED_SCHEMA_NOT_DEFINED", `No event schema is named ${event.eventName}`)
  }
  const version = latest(schema)
  const withSchema = { ...who, eventSchema: { name: schema.name, version: version.version } }
  if (version.status !== "ACTIVE") {
    return fail(
      "INGESTION_FAILED_SCHEMA_NOT_DEFINED",
      `Event schema ${schema.name} is ${version.status}; only events of an ACTIVE schema are metered`,
      withSchema,
    )
  }
  const data = eventData(event, schema.name, {
    attributes: new Set(version.attributes.map((attribute) => attribute.name)),
    dimensions: new Set(version.dimensions.map((dimension) => dimension.name)),
  })
  if (Either.isLeft(data)) return fail("INGESTION_FAILED_UNITS_INVALID", data.left, withSchema)

  const meters = [...state.usageMeters.values()]
    .filter((meter) => meter.eventSchemaName === schema.name && meter.status === "ACTIVE")
    .sort((a, b) => byKey(a.name, b.name))
  const metered = new Map<string, number>()
  const usageMeters: Array<NonNullable<PipelineInfo["usageMeters"]>[number]> = []
  for (const meter of meters) {
    const passed = passes(meter.filters?.logic, data.right)
    if (Either.isLeft(passed)) {
      return fail(
        "INGESTION_FAILED_UNITS_INVALID",
        `usage meter ${meter.name}: filters failed: ${passed.left}`,
        withSchema,
      )
    }
    if (!passed.right) {
      usageMeters.push({ name: meter.name, version: meter.version, status: "PROCESSED_FILTERED_OUT" })
      continue
    }
    const computed = meter.aggregation === "COUNT" ? Either.right(1) : units(meter.computation?.logic, data.right)
    if (Either.isLeft(computed)) {
      return fail("INGESTION_FAILED_UNITS_INVALID", `usage meter ${meter.name}: ${computed.left}`, withSchema)
    }
    metered.set(meter.name, computed.right)
    usageMeters.push({
      name: meter.name,
      version: meter.version,
      status: "PROCESSED_UNITS_COMPUTED",
      units: computed.right,
    })
  }

  const [status, description]: readonly [IngestionStatus, string] = meters.length === 0
    ? ["INGESTION_COMPLETED_NO_MATCHING_METERS", `Event schema ${schema.name} has no ACTIVE usage meter`]
    : metered.size === 0
    ? [
      "INGESTION_COMPLETED_EVENT_NOT_METERED",
      `Every ACTIVE usage meter of event schema ${schema.name} filtered it out`,
    ]
    : ["INGESTION_COMPLETED_EVENT_METERED", `Metered by ${[...metered.keys()].join(", ")}`]
  state.events.set(event.id, {
    ...base,
    status,
    statusDescription: truncate(description, maxStatusDescription),
    pipeline: { ...withSchema, usageMeters, pricePlans: pricePlansOf(state, account, event.eventTimestamp, metered) },
    units: metered,
  })
  return "recorded"
}

/** The price plan an event's account had when it happened, with its billing period. */
const pricePlansOf = (
  state: State,
  account: StoredAccount,
  millis: number,
  metered: ReadonlyMap<string, number>,
): NonNullable<PipelineInfo["pricePlans"]> => {
  const period = billingPeriodAt(state, account, millis)
  if (period === undefined) return []
  const priced = new Set(metersOf(period.rateCard))
  return [{
    name: period.plan.name,
    id: period.plan.id,
    cycleStart: isoDate(period.start),
    cycleEnd: isoDate(period.end),
    usageMeters: [...metered.keys()].filter((meter) => priced.has(meter)),
  }]
}

export const ingest = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const request = yield* body(IngestEventRequest, input.body)
    const outcome = process(state, request.event)
    if (typeof outcome === "object") return yield* Either.left(error(422, outcome.rejected))
    // The spec's 202 has no content.
    return answer(202, undefined)
  }))

export const ingestBatch = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.map(body(IngestBatchEventRequest, input.body), (request) => {
    const errors: Array<{ readonly message: string; readonly eventPayload: unknown }> = []
    for (const event of request.events) {
      const outcome = process(state, event)
      if (typeof outcome === "object") errors.push({ message: outcome.rejected, eventPayload: payloadJson(event) })
    }
    return answer(errors.length === 0 ? 202 : 207, { errors })
  }))

/** A sort key in time order, then ingestion order, that compares as text. */
const eventKey = (event: StoredEvent): string =>
  `${String(event.timestamp + 8.64e15).padStart(17, "0")}:${String(event.sequence).padStart(12, "0")}`

const eventWithStatus = (event: StoredEvent) => ({
  eventPayload: event.payload,
  ingestionStatus: { status: event.status, statusDescription: event.statusDescription },
})

const epochMillis = (name: string, value: string | undefined): Either.Either<number | undefined, Answer> =>
  value === undefined
    ? Either.right(undefined)
    : /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value))
    ? Either.right(Number(value))
    : Either.left(error(400, `${name}: expected epoch milliseconds (an integer), got ${JSON.stringify(value)}`))

export const getEvents = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const request = yield* readPage(input.query, {
      defaultPageSize: 50,
      maxPageSize: 50,
      filters: ["status", "account_id", "start_time", "end_time"],
    })
    const { status, account_id: accountId } = request.filters
    if (status !== undefined && !["PROCESSED", "UNPROCESSED", "IN_PROGRESS", ...ingestionStatuses].includes(status)) {
      return yield* Either.left(
        error(
          400,
          `status: expected PROCESSED, UNPROCESSED, IN_PROGRESS or an ingestion status, got ${JSON.stringify(status)}`,
        ),
      )
    }
    const start = yield* epochMillis("start_time", request.filters.start_time)
    const end = yield* epochMillis("end_time", request.filters.end_time)
    // An alias names its account, as it does when ingesting.
    const account = accountId === undefined ? undefined : accountByIdOrAlias(state, accountId)?.id ?? accountId
    const events = [...state.events.values()]
      .filter((event) =>
        (status === undefined || event.status === status || statusClass(event.status) === status) &&
        (account === undefined || event.accountId === account) &&
        (start === undefined || event.timestamp >= start) &&
        (end === undefined || event.timestamp < end)
      )
      .sort((a, b) => byKey(eventKey(a), eventKey(b)))
    const { data, nextToken } = page(events, eventKey, request)
    return answer(200, { events: data.map(eventWithStatus), ...(nextToken === undefined ? {} : { nextToken }) })
  }))

/** An event as `getSingleEvent` answers it (`EventWithStatusAndEventPipelineInfo`). */
export const eventJson = (event: StoredEvent) => ({ ...eventWithStatus(event), eventPipelineInfo: event.pipeline })

export const getSingleEvent = (state: State, input: OperationInput): Answer => {
  const event = state.events.get(input.params.event_id)
  return event === undefined
    ? error(404, `Event ${input.params.event_id} not found`)
    : answer(200, { events: [eventJson(event)] })
}
