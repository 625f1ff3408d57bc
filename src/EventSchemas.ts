/**
 * Togai's EventSchemas group: the eight operations on the schemas that
 * events are ingested against, and a `Stream` over every event schema.
 *
 * An event schema names an event (`ride_completed`) and the attributes
 * (numbers, such as `distance`) and dimensions (labels, such as `city`) it
 * carries. A schema is created as a draft, activated to accept events, and
 * versioned on each update. Every operation returns an `Effect` that needs
 * an `HttpClient` and `Auth` (provide both at once with `Togai.layer`) and
 * fails with a tagged error of `TogaiError` (`EventSchemasError`):
 * `Effect.catchTag` recovers from exactly the ones a caller understands.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { EventSchemas, Togai } from "@effect-togai/client"
 *
 * const program = Effect.gen(function* () {
 *   yield* EventSchemas.createEventSchema({
 *     name: "ride_completed",
 *     description: "Cab ride completed",
 *     attributes: [{ name: "distance", default_unit: "km" }, { name: "time", default_unit: "min" }],
 *     dimensions: [{ name: "city" }, { name: "ride_type" }],
 *   })
 *   const active = yield* EventSchemas.activateEventSchema("ride_completed")
 *   const versions = yield* EventSchemas.listEventSchemaVersions("ride_completed")
 *   return { active, versions: versions.data.map((schema) => schema.version) }
 * })
 *
 * Effect.runPromise(program.pipe(Effect.provide(Togai.layer({ token: "..." }))))
 * ```
 *
 * @module
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import type { Auth } from "./Auth.ts"
import * as endpoints from "./internal/endpoints.ts"
import { execute } from "./internal/executor.ts"
import { paginate } from "./internal/paginate.ts"
import type { BaseSuccessResponse } from "./Schemas/Common.ts"
import type {
  CreateEventSchemaRequest,
  EventSchema,
  EventSchemaListData,
  EventSchemaListPaginatedResponse,
  EventSchemaVersionsResponse,
  GetEventSchemaOptions,
  ListEventSchemasOptions,
  UpdateEventSchemaRequest,
} from "./Schemas/EventSchemas.ts"
import type { OperationError, PaginationError } from "./TogaiError.ts"

/**
 * What an EventSchemas operation can fail with: the statuses its contract
 * documents (400, 401, 403, 404, 429), and what any call can.
 *
 * @since 0.2.0
 * @category errors
 */
export type EventSchemasError = OperationError<400 | 401 | 403 | 404 | 429>

/**
 * Gets one page of event schemas (`GET /event_schema`), optionally only
 * those of the given `statuses` and in a `sortOrder`. Pass the page's
 * `nextToken` back to get the next one, or use {@link stream} to read them
 * all.
 *
 * @example
 * ```ts
 * import { EventSchemas } from "@effect-togai/client"
 *
 * const firstPage = EventSchemas.listEventSchemas({ statuses: ["DRAFT", "ACTIVE"], sortOrder: "DESC", pageSize: 20 })
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const listEventSchemas = (
  options: ListEventSchemasOptions = {},
): Effect.Effect<EventSchemaListPaginatedResponse, EventSchemasError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.listEventSchemas, { query: options })

/**
 * Every event schema (of the given `statuses`, in the given `sortOrder`),
 * page after page. A page is fetched only when the consumer pulls past the
 * previous one, so `Stream.take(n)` fetches only the pages it needs. The
 * stream ends on the last page (no or empty `nextToken`) and fails with
 * `PaginationError` if the server hands out a token twice or too many empty
 * pages in a row, rather than looping forever.
 *
 * @example
 * ```ts
 * import * as Stream from "effect/Stream"
 * import { EventSchemas } from "@effect-togai/client"
 *
 * const unmetered = EventSchemas.stream({ statuses: ["ACTIVE"], pageSize: 50 }).pipe(
 *   Stream.filter((schema) => (schema.associatedUsageMeters ?? []).length === 0),
 *   Stream.map((schema) => schema.name),
 *   Stream.runCollect,
 * )
 * ```
 *
 * @since 0.2.0
 * @category streams
 */
export const stream = (
  options: Omit<ListEventSchemasOptions, "nextToken"> = {},
): Stream.Stream<EventSchemaListData, EventSchemasError | PaginationError, HttpClient.HttpClient | Auth> =>
  paginate(endpoints.listEventSchemas, { query: options })

/**
 * Creates an event schema (`POST /event_schema`, 201), as a draft: activate
 * it with {@link activateEventSchema} before ingesting events against it.
 *
 * @example
 * ```ts
 * import { EventSchemas } from "@effect-togai/client"
 *
 * const created = EventSchemas.createEventSchema({
 *   name: "ride_completed",
 *   description: "Cab ride completed",
 *   attributes: [{ name: "distance", default_unit: "km" }],
 *   dimensions: [{ name: "city" }],
 * })
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const createEventSchema = (
  body: CreateEventSchemaRequest,
): Effect.Effect<EventSchema, EventSchemasError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.createEventSchema, { body })

/**
 * Gets an event schema (`GET /event_schema/{event_schema_name}`): its
 * latest version, or the `version` asked for.
 *
 * @example
 * ```ts
 * import { EventSchemas } from "@effect-togai/client"
 *
 * const latest = EventSchemas.getEventSchema("ride_completed")
 * const second = EventSchemas.getEventSchema("ride_completed", { version: 2 })
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const getEventSchema = (
  eventSchemaName: string,
  options: GetEventSchemaOptions = {},
): Effect.Effect<EventSchema, EventSchemasError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.getEventSchema, { path: { event_schema_name: eventSchemaName }, query: options })

/**
 * Updates an event schema's description, attributes and dimensions (`PATCH
 * /event_schema/{event_schema_name}`), which makes a new version of it.
 *
 * @example
 * ```ts
 * import { EventSchemas } from "@effect-togai/client"
 *
 * const updated = EventSchemas.updateEventSchema("ride_completed", {
 *   attributes: [{ name: "distance", default_unit: "km" }, { name: "time", default_unit: "min" }],
 *   dimensions: [{ name: "city" }, { name: "ride_type" }],
 * })
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const updateEventSchema = (
  eventSchemaName: string,
  body: UpdateEventSchemaRequest,
): Effect.Effect<EventSchema, EventSchemasError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.updateEventSchema, { path: { event_schema_name: eventSchemaName }, body })

/**
 * Deletes an event schema (`DELETE /event_schema/{event_schema_name}`).
 *
 * @example
 * ```ts
 * import { EventSchemas } from "@effect-togai/client"
 *
 * const deleted = EventSchemas.deleteEventSchema("ride_completed")
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const deleteEventSchema = (
  eventSchemaName: string,
): Effect.Effect<BaseSuccessResponse, EventSchemasError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.deleteEventSchema, { path: { event_schema_name: eventSchemaName } })

/**
 * Lists every version of an event schema (`GET
 * /event_schema/{event_schema_name}/versions`), in one answer.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { EventSchemas } from "@effect-togai/client"
 *
 * const versionNumbers = EventSchemas.listEventSchemaVersions("ride_completed").pipe(
 *   Effect.map((versions) => versions.data.map((schema) => schema.version)),
 * )
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const listEventSchemaVersions = (
  eventSchemaName: string,
): Effect.Effect<EventSchemaVersionsResponse, EventSchemasError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.listEventSchemaVersions, { path: { event_schema_name: eventSchemaName } })

/**
 * Activates an event schema (`POST
 * /event_schema/{event_schema_name}/activate`), so that events are
 * ingested against it.
 *
 * @example
 * ```ts
 * import { EventSchemas } from "@effect-togai/client"
 *
 * const active = EventSchemas.activateEventSchema("ride_completed")
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const activateEventSchema = (
  eventSchemaName: string,
): Effect.Effect<EventSchema, EventSchemasError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.activateEventSchema, { path: { event_schema_name: eventSchemaName } })

/**
 * Deactivates an event schema (`POST
 * /event_schema/{event_schema_name}/deactivate`).
 *
 * @example
 * ```ts
 * import { EventSchemas } from "@effect-togai/client"
 *
 * const inactive = EventSchemas.deactivateEventSchema("ride_completed")
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const deactivateEventSchema = (
  eventSchemaName: string,
): Effect.Effect<EventSchema, EventSchemasError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.deactivateEventSchema, { path: { event_schema_name: eventSchemaName } })
