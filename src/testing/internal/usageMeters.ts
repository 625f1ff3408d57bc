/**
 * Usage meters of event schemas: the seven usage meter operations.
 *
 * @internal
 * @module
 */
import * as Either from "effect/Either"
import { body, literal, name, optional, struct, text } from "./checks.ts"
import { findEventSchema, latest, type StoredEventSchema } from "./eventSchemas.ts"
import { parseRule } from "./jsonLogic.ts"
import { paginated, readList, readPage } from "./paging.ts"
import type { State } from "./state.ts"
import { type Answer, answer, byKey, error, isoDateTime, type OperationInput } from "./wire.ts"

export type UsageMeterStatus = "DRAFT" | "ACTIVE" | "INACTIVE" | "ARCHIVED"

/** A JSON-logic rule: the text as sent (and answered), and its parsed form. */
export interface Rule {
  readonly text: string
  readonly logic: unknown
}

export interface StoredUsageMeter {
  readonly name: string
  readonly eventSchemaName: string
  description: string | undefined
  type: "COUNTER" | "GAUGE" | "TIMER"
  aggregation: "COUNT" | "SUM"
  filters: Rule | undefined
  computation: Rule | undefined
  status: UsageMeterStatus
  /** 1, and one more for each change after the meter was first activated (as events' pipeline info reports it). */
  version: number
  readonly createdAt: number
  updatedAt: number
  lastActivatedAt: number | undefined
}

const statuses = ["DRAFT", "ACTIVE", "INACTIVE", "ARCHIVED"] as const
const aggregations = ["COUNT", "SUM"] as const
const defaultPageSize = 10

const fields = {
  description: optional(text({ max: 255 })),
  type: literal("COUNTER", "GAUGE", "TIMER"),
  aggregation: literal(...aggregations),
  filters: optional(text({ max: 1500 })),
  computation: optional(text({ max: 500 })),
}
const CreateUsageMeterRequest = struct({ name: name(50), ...fields })
const UpdateUsageMeterRequest = struct(fields)

export const usageMeterJson = (meter: StoredUsageMeter) => ({
  name: meter.name,
  ...(meter.description === undefined ? {} : { description: meter.description }),
  type: meter.type,
  status: meter.status,
  aggregation: meter.aggregation,
  ...(meter.filters === undefined ? {} : { filters: meter.filters.text }),
  ...(meter.computation === undefined ? {} : { computation: meter.computation.text }),
  createdAt: isoDateTime(meter.createdAt),
  ...(meter.lastActivatedAt === undefined ? {} : { lastActivatedAt: isoDateTime(meter.lastActivatedAt) }),
  updatedAt: isoDateTime(meter.updatedAt),
})

/** The meter's definition as asked: its rules parsed and checked against the schema, or a 400. */
const definition = (
  schema: StoredEventSchema,
  request: {
    readonly type: "COUNTER" | "GAUGE" | "TIMER"
    readonly aggregation: "COUNT" | "SUM"
    readonly filters?: string | undefined
    readonly computation?: string | undefined
  },
  kept: { readonly filters: Rule | undefined; readonly computation: Rule | undefined },
): Either.Either<{ readonly filters: Rule | undefined; readonly computation: Rule | undefined }, Answer> =>
  Either.gen(function* () {
    if (request.type !== "COUNTER") {
      return yield* Either.left(
        error(400, `type: only COUNTER is supported (the spec: ${request.type} is not supported at the moment)`),
      )
    }
    const version = latest(schema)
    const declared = {
      schema: schema.name,
      attributes: new Set(version.attributes.map((attribute) => attribute.name)),
      dimensions: new Set(version.dimensions.map((dimension) => dimension.name)),
    }
    const rule = (field: "filters" | "computation", text: string | undefined, previous: Rule | undefined) =>
      text === undefined ? Either.right(previous) : Either.mapBoth(parseRule(field, text, declared), {
        onLeft: (problem) => error(400, problem),
        onRight: (logic): Rule | undefined => ({ text, logic }),
      })
    const filters = yield* rule("filters", request.filters, kept.filters)
    const computation = yield* rule("computation", request.computation, kept.computation)
    if (request.aggregation === "SUM" && computation === undefined) {
      return yield* Either.left(error(400, "computation: is missing; a SUM meter adds up what its computation yields"))
    }
    return { filters, computation }
  })

const findMeter = (state: State, params: Readonly<Record<string, string>>): Either.Either<StoredUsageMeter, Answer> =>
  Either.flatMap(findEventSchema(state, params.event_schema_name), (schema) => {
    const meter = state.usageMeters.get(params.usage_meter_name)
    return meter === undefined || meter.eventSchemaName !== schema.name
      ? Either.left(error(404, `Usage meter ${params.usage_meter_name} not found for event schema ${schema.name}`))
      : Either.right(meter)
  })

export const getUsageMetersForEventSchema = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const schema = yield* findEventSchema(state, input.params.event_schema_name)
    const request = yield* readPage(input.query, {
      defaultPageSize,
      sortable: true,
      filters: ["statuses", "aggregations"],
    })
    const wantedStatuses = yield* readList("statuses", request.filters.statuses, statuses)
    const wantedAggregations = yield* readList("aggregations", request.filters.aggregations, aggregations)
    const meters = [...state.usageMeters.values()]
      .filter((meter) =>
        meter.eventSchemaName === schema.name &&
        (wantedStatuses === undefined || wantedStatuses.has(meter.status)) &&
        (wantedAggregations === undefined || wantedAggregations.has(meter.aggregation))
      )
      .sort((a, b) => byKey(a.name, b.name))
    return answer(200, paginated(meters, (meter) => meter.name, request, usageMeterJson))
  }))

export const createUsageMeter = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const schema = yield* findEventSchema(state, input.params.event_schema_name)
    const request = yield* body(CreateUsageMeterRequest, input.body)
    const taken = state.usageMeters.get(request.name)
    if (taken !== undefined) {
      return yield* Either.left(
        error(
          400,
          `name: a usage meter named ${request.name} already exists (of event schema ${taken.eventSchemaName})`,
        ),
      )
    }
    const rules = yield* definition(schema, request, { filters: undefined, computation: undefined })
    const now = state.now()
    const meter: StoredUsageMeter = {
      name: request.name,
      eventSchemaName: schema.name,
      description: request.description,
      type: request.type,
      aggregation: request.aggregation,
      ...rules,
      status: "DRAFT",
      version: 1,
      createdAt: now,
      updatedAt: now,
      lastActivatedAt: undefined,
    }
    state.usageMeters.set(meter.name, meter)
    return answer(201, usageMeterJson(meter))
  }))

export const getUsageMeter = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.map(findMeter(state, input.params), (meter) => answer(200, usageMeterJson(meter))))

export const updateUsageMeter = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const meter = yield* findMeter(state, input.params)
    const request = yield* body(UpdateUsageMeterRequest, input.body)
    if (meter.status === "ACTIVE") {
      return yield* Either.left(error(400, `Usage meter ${meter.name} is ACTIVE; deactivate it before changing it`))
    }
    const schema = yield* findEventSchema(state, meter.eventSchemaName)
    const rules = yield* definition(schema, request, meter)
    if (request.description !== undefined) meter.description = request.description
    meter.type = request.type
    meter.aggregation = request.aggregation
    meter.filters = rules.filters
    meter.computation = rules.computation
    if (meter.lastActivatedAt !== undefined) meter.version++
    meter.updatedAt = state.now()
    return answer(200, usageMeterJson(meter))
  }))

export const activateUsageMeter = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const meter = yield* findMeter(state, input.params)
    const schema = yield* findEventSchema(state, meter.eventSchemaName)
    if (meter.status === "ACTIVE") return answer(200, usageMeterJson(meter))
    const schemaStatus = latest(schema).status
    if (schemaStatus !== "ACTIVE") {
      return yield* Either.left(
        error(400, `Event schema ${schema.name} is ${schemaStatus}; activate it before its usage meter ${meter.name}`),
      )
    }
    const now = state.now()
    meter.status = "ACTIVE"
    meter.lastActivatedAt = now
    meter.updatedAt = now
    return answer(200, usageMeterJson(meter))
  }))

export const deactivateUsageMeter = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const meter = yield* findMeter(state, input.params)
    if (meter.status === "DRAFT") {
      return yield* Either.left(
        error(400, `Usage meter ${meter.name} is DRAFT; only an active meter can be deactivated`),
      )
    }
    if (meter.status === "ACTIVE") {
      meter.status = "INACTIVE"
      meter.updatedAt = state.now()
    }
    return answer(200, usageMeterJson(meter))
  }))

export const deleteUsageMeter = (state: State, input: OperationInput): Answer => {
  const meter = state.usageMeters.get(input.params.usage_meter_name)
  if (meter === undefined) return error(404, `Usage meter ${input.params.usage_meter_name} not found`)
  if (meter.status === "ACTIVE") {
    return error(400, `Usage meter ${meter.name} is ACTIVE; deactivate it before deleting it`)
  }
  state.usageMeters.delete(meter.name)
  return answer(200, { success: true })
}
