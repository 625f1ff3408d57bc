/**
 * Event schemas and their versions: the eight event schema operations.
 *
 * @internal
 * @module
 */
import * as Either from "effect/Either"
import { array, body, name, optional, refine, struct, text } from "./checks.ts"
import { paginated, readList, readPage } from "./paging.ts"
import type { State } from "./state.ts"
import { type Answer, answer, byKey, error, isoDateTime, type OperationInput } from "./wire.ts"

export type EventSchemaStatus = "DRAFT" | "ACTIVE" | "INACTIVE" | "ARCHIVED"

export interface EventSchemaVersion {
  readonly name: string
  readonly description: string | undefined
  readonly version: number
  status: EventSchemaStatus
  readonly attributes: ReadonlyArray<{ readonly name: string; readonly default_unit?: string | undefined }>
  readonly dimensions: ReadonlyArray<{ readonly name: string }>
  readonly createdAt: number
  updatedAt: number
}

/** A schema's versions, oldest first: the last is the live one. */
export interface StoredEventSchema {
  readonly name: string
  readonly versions: Array<EventSchemaVersion>
}

const statuses = ["DRAFT", "ACTIVE", "INACTIVE", "ARCHIVED"] as const
const defaultPageSize = 10

const unique = <A extends { readonly name: string }>(items: ReadonlyArray<A>, path: string): string | undefined => {
  const seen = new Set<string>()
  for (const item of items) {
    if (seen.has(item.name)) return `${path}: ${item.name} is given twice`
    seen.add(item.name)
  }
  return undefined
}

const attributes = refine(
  array(struct({ name: name(50), default_unit: optional(text({ max: 10 })) }), { max: 50 }),
  unique,
)
const dimensions = refine(array(struct({ name: name(50) }), { max: 50 }), unique)
const description = text({ max: 255 })

const CreateEventSchemaRequest = struct({ name: name(50), description: optional(description), attributes, dimensions })
const UpdateEventSchemaRequest = struct({ description: optional(description), attributes, dimensions })

export const latest = (schema: StoredEventSchema): EventSchemaVersion => schema.versions[schema.versions.length - 1]

export const eventSchemaJson = (version: EventSchemaVersion) => ({
  name: version.name,
  ...(version.description === undefined ? {} : { description: version.description }),
  version: version.version,
  status: version.status,
  attributes: version.attributes.map((attribute) => ({ ...attribute })),
  dimensions: version.dimensions.map((dimension) => ({ ...dimension })),
  createdAt: isoDateTime(version.createdAt),
  updatedAt: isoDateTime(version.updatedAt),
})

/** The usage meters of a schema, by name. */
export const metersOfSchema = (state: State, schemaName: string): ReadonlyArray<string> =>
  [...state.usageMeters.values()].filter((meter) => meter.eventSchemaName === schemaName).map((meter) => meter.name)
    .sort(byKey)

export const findEventSchema = (state: State, schemaName: string): Either.Either<StoredEventSchema, Answer> => {
  const schema = state.eventSchemas.get(schemaName)
  return schema === undefined ? Either.left(error(404, `Event schema ${schemaName} not found`)) : Either.right(schema)
}

export const listEventSchemas = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const request = yield* readPage(input.query, { defaultPageSize, sortable: true, filters: ["statuses"] })
    const wanted = yield* readList("statuses", request.filters.statuses, statuses)
    const schemas = [...state.eventSchemas.values()]
      .filter((schema) => wanted === undefined || wanted.has(latest(schema).status))
      .sort((a, b) => byKey(a.name, b.name))
    return answer(
      200,
      paginated(schemas, (schema) => schema.name, request, (schema) => ({
        ...eventSchemaJson(latest(schema)),
        associatedUsageMeters: metersOfSchema(state, schema.name),
      })),
    )
  }))

export const createEventSchema = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const request = yield* body(CreateEventSchemaRequest, input.body)
    if (state.eventSchemas.has(request.name)) {
      return yield* Either.left(error(400, `name: an event schema named ${request.name} already exists`))
    }
    const now = state.now()
    const version: EventSchemaVersion = {
      name: request.name,
      description: request.description,
      version: 1,
      status: "DRAFT",
      attributes: request.attributes,
      dimensions: request.dimensions,
      createdAt: now,
      updatedAt: now,
    }
    state.eventSchemas.set(request.name, { name: request.name, versions: [version] })
    return answer(201, eventSchemaJson(version))
  }))

export const getEventSchema = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const schema = yield* findEventSchema(state, input.params.event_schema_name)
    const versionText = input.query.get("version")
    if (versionText === null) return answer(200, eventSchemaJson(latest(schema)))
    if (!/^\d+$/.test(versionText) || Number(versionText) < 1) {
      return yield* Either.left(error(400, `version: expected an integer from 1, got ${JSON.stringify(versionText)}`))
    }
    const version = schema.versions.find((entry) => entry.version === Number(versionText))
    if (version === undefined) {
      return yield* Either.left(error(404, `Version ${versionText} of event schema ${schema.name} not found`))
    }
    return answer(200, eventSchemaJson(version))
  }))

export const updateEventSchema = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const schema = yield* findEventSchema(state, input.params.event_schema_name)
    const request = yield* body(UpdateEventSchemaRequest, input.body)
    const current = latest(schema)
    const now = state.now()
    const next: EventSchemaVersion = {
      name: schema.name,
      description: request.description ?? current.description,
      // A draft changes in place; once activated, a change is a new version and the old one is archived.
      version: current.status === "DRAFT" ? current.version : current.version + 1,
      status: current.status,
      attributes: request.attributes,
      dimensions: request.dimensions,
      createdAt: current.status === "DRAFT" ? current.createdAt : now,
      updatedAt: now,
    }
    if (current.status === "DRAFT") schema.versions[schema.versions.length - 1] = next
    else {
      current.status = "ARCHIVED"
      current.updatedAt = now
      schema.versions.push(next)
    }
    return answer(200, eventSchemaJson(next))
  }))

export const deleteEventSchema = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const schema = yield* findEventSchema(state, input.params.event_schema_name)
    if (latest(schema).status === "ACTIVE") {
      return yield* Either.left(error(400, `Event schema ${schema.name} is ACTIVE; deactivate it before deleting it`))
    }
    const meters = metersOfSchema(state, schema.name)
    if (meters.length > 0) {
      return yield* Either.left(
        error(400, `Event schema ${schema.name} has usage meters (${meters.join(", ")}); delete them first`),
      )
    }
    state.eventSchemas.delete(schema.name)
    return answer(200, { success: true })
  }))

export const listEventSchemaVersions = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.map(
    findEventSchema(state, input.params.event_schema_name),
    (schema) => answer(200, { data: schema.versions.map(eventSchemaJson) }),
  ))

export const activateEventSchema = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.map(findEventSchema(state, input.params.event_schema_name), (schema) => {
    const current = latest(schema)
    if (current.status !== "ACTIVE") {
      current.status = "ACTIVE"
      current.updatedAt = state.now()
    }
    return answer(200, eventSchemaJson(current))
  }))

export const deactivateEventSchema = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const schema = yield* findEventSchema(state, input.params.event_schema_name)
    const current = latest(schema)
    if (current.status === "DRAFT") {
      return yield* Either.left(
        error(400, `Event schema ${schema.name} is DRAFT; only an active schema can be deactivated`),
      )
    }
    if (current.status === "ACTIVE") {
      current.status = "INACTIVE"
      current.updatedAt = state.now()
    }
    return answer(200, eventSchemaJson(current))
  }))
