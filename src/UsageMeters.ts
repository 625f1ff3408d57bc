/**
 * Togai's UsageMeters group: the seven operations on the meters that turn
 * an event schema's events into billable usage, and a `Stream` over every
 * meter of an event schema.
 *
 * A meter picks the events it counts with `filters` and, for a `SUM` meter,
 * what each event adds with `computation`: both are JSON-logic
 * (jsonlogic.com), written as the rule itself (sent as its JSON text) or as
 * that text. A rule that is not JSON fails as `InvalidRequest`, unsent.
 * Every operation returns an `Effect` that needs an `HttpClient` and `Auth`
 * (provide both at once with `Togai.layer`) and fails with a tagged error of
 * `TogaiError` (`UsageMetersError`): `Effect.catchTag` recovers from
 * exactly the ones a caller understands.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Togai, UsageMeters } from "@effect-togai/client"
 *
 * // kilometres driven on rides in Chennai or Mumbai, at 0.4 per kilometre
 * const program = Effect.gen(function* () {
 *   yield* UsageMeters.createUsageMeter("ride_completed", {
 *     name: "Distance",
 *     description: "Kilometres driven in Chennai and Mumbai",
 *     type: "COUNTER",
 *     aggregation: "SUM",
 *     filters: { in: [{ var: "dimensions.city" }, ["chennai", "mumbai"]] },
 *     computation: { "*": [{ var: "attributes.distance" }, 0.4] },
 *   })
 *   return yield* UsageMeters.activateUsageMeter("ride_completed", "Distance")
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
  CreateUsageMeterRequest,
  GetUsageMetersForEventSchemaOptions,
  UpdateUsageMeterRequest,
  UsageMeter,
  UsageMeterPaginatedResponse,
} from "./Schemas/UsageMeters.ts"
import type { OperationError, PaginationError } from "./TogaiError.ts"

/**
 * What a UsageMeters operation can fail with: the statuses its contract
 * documents (400, 401, 403, 404, 429), and what any call can.
 *
 * @since 0.2.0
 * @category errors
 */
export type UsageMetersError = OperationError<400 | 401 | 403 | 404 | 429>

/**
 * Gets one page of an event schema's usage meters (`GET
 * /event_schema/{event_schema_name}/usage_meters`), optionally only those of
 * the given `statuses` and `aggregations`, in a `sortOrder`. Pass the page's
 * `nextToken` back to get the next one, or use {@link stream} to read them
 * all.
 *
 * @example
 * ```ts
 * import { UsageMeters } from "@effect-togai/client"
 *
 * const firstPage = UsageMeters.getUsageMetersForEventSchema("ride_completed", {
 *   statuses: ["ACTIVE"],
 *   aggregations: ["SUM"],
 *   pageSize: 20,
 * })
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const getUsageMetersForEventSchema = (
  eventSchemaName: string,
  options: GetUsageMetersForEventSchemaOptions = {},
): Effect.Effect<UsageMeterPaginatedResponse, UsageMetersError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.getUsageMetersForEventSchema, { path: { event_schema_name: eventSchemaName }, query: options })

/**
 * Every usage meter of an event schema (of the given `statuses` and
 * `aggregations`, in the given `sortOrder`), page after page. A page is
 * fetched only when the consumer pulls past the previous one, so
 * `Stream.take(n)` fetches only the pages it needs. The stream ends on the
 * last page (no or empty `nextToken`) and fails with `PaginationError` if the
 * server hands out a token twice or too many empty pages in a row, rather
 * than looping forever.
 *
 * @example
 * ```ts
 * import * as Stream from "effect/Stream"
 * import { UsageMeters } from "@effect-togai/client"
 *
 * const drafts = UsageMeters.stream("ride_completed", { statuses: ["DRAFT"], pageSize: 50 }).pipe(
 *   Stream.map((meter) => meter.name),
 *   Stream.runCollect,
 * )
 * ```
 *
 * @since 0.2.0
 * @category streams
 */
export const stream = (
  eventSchemaName: string,
  options: Omit<GetUsageMetersForEventSchemaOptions, "nextToken"> = {},
): Stream.Stream<UsageMeter, UsageMetersError | PaginationError, HttpClient.HttpClient | Auth> =>
  paginate(endpoints.getUsageMetersForEventSchema, { path: { event_schema_name: eventSchemaName }, query: options })

/**
 * Creates a usage meter on an event schema (`POST
 * /event_schema/{event_schema_name}/usage_meters`, 201), as a draft.
 * `filters` and `computation` take a JSON-logic rule or its JSON text.
 *
 * @example
 * ```ts
 * import { UsageMeters } from "@effect-togai/client"
 *
 * const rides = UsageMeters.createUsageMeter("ride_completed", {
 *   name: "Rides",
 *   description: "Long cab rides",
 *   type: "COUNTER",
 *   aggregation: "COUNT",
 *   filters: '{">": [{"var": "attributes.distance"}, 100]}',
 * })
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const createUsageMeter = (
  eventSchemaName: string,
  body: CreateUsageMeterRequest,
): Effect.Effect<UsageMeter, UsageMetersError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.createUsageMeter, { path: { event_schema_name: eventSchemaName }, body })

/**
 * Gets one usage meter of an event schema (`GET
 * /event_schema/{event_schema_name}/usage_meters/{usage_meter_name}`).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { UsageMeters } from "@effect-togai/client"
 *
 * const meterOrNull = UsageMeters.getUsageMeter("ride_completed", "Distance").pipe(
 *   Effect.catchTag("NotFound", () => Effect.succeed(null)),
 * )
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const getUsageMeter = (
  eventSchemaName: string,
  usageMeterName: string,
): Effect.Effect<UsageMeter, UsageMetersError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.getUsageMeter, {
    path: { event_schema_name: eventSchemaName, usage_meter_name: usageMeterName },
  })

/**
 * Updates a usage meter (`PATCH
 * /event_schema/{event_schema_name}/usage_meters/{usage_meter_name}`):
 * `type` and `aggregation` are always sent, the rest only when given.
 *
 * @example
 * ```ts
 * import { UsageMeters } from "@effect-togai/client"
 *
 * const updated = UsageMeters.updateUsageMeter("ride_completed", "Distance", {
 *   type: "COUNTER",
 *   aggregation: "SUM",
 *   computation: { "*": [{ var: "attributes.distance" }, 0.5] },
 * })
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const updateUsageMeter = (
  eventSchemaName: string,
  usageMeterName: string,
  body: UpdateUsageMeterRequest,
): Effect.Effect<UsageMeter, UsageMetersError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.updateUsageMeter, {
    path: { event_schema_name: eventSchemaName, usage_meter_name: usageMeterName },
    body,
  })

/**
 * Activates a usage meter (`POST
 * .../usage_meters/{usage_meter_name}/activate`), so that it meters the
 * events ingested from then on.
 *
 * @example
 * ```ts
 * import { UsageMeters } from "@effect-togai/client"
 *
 * const active = UsageMeters.activateUsageMeter("ride_completed", "Distance")
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const activateUsageMeter = (
  eventSchemaName: string,
  usageMeterName: string,
): Effect.Effect<UsageMeter, UsageMetersError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.activateUsageMeter, {
    path: { event_schema_name: eventSchemaName, usage_meter_name: usageMeterName },
  })

/**
 * Deactivates a usage meter (`POST
 * .../usage_meters/{usage_meter_name}/deactivate`).
 *
 * @example
 * ```ts
 * import { UsageMeters } from "@effect-togai/client"
 *
 * const inactive = UsageMeters.deactivateUsageMeter("ride_completed", "Distance")
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const deactivateUsageMeter = (
  eventSchemaName: string,
  usageMeterName: string,
): Effect.Effect<UsageMeter, UsageMetersError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.deactivateUsageMeter, {
    path: { event_schema_name: eventSchemaName, usage_meter_name: usageMeterName },
  })

/**
 * Deletes a usage meter (`DELETE /usage_meter/{usage_meter_name}`): the one
 * operation of the group that names a meter without its event schema.
 *
 * @example
 * ```ts
 * import { UsageMeters } from "@effect-togai/client"
 *
 * const deleted = UsageMeters.deleteUsageMeter("Distance")
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const deleteUsageMeter = (
  usageMeterName: string,
): Effect.Effect<BaseSuccessResponse, UsageMetersError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.deleteUsageMeter, { path: { usage_meter_name: usageMeterName } })
