/**
 * Togai's Metrics group: events, usage and revenue over a time window,
 * aggregated by day, week or month, filtered and grouped by account,
 * customer, usage meter or event status (`getMetrics`).
 *
 * The window is two `DateTime`s, sent as ISO 8601; one whose `endTime` is
 * not after its `startTime` fails as `InvalidRequest` before anything is
 * sent, as does a query that breaks the contract (more than five filters,
 * the same query twice, a field the contract does not know). The data
 * points' timestamps decode to `DateTime.Utc`.
 *
 * @example
 * ```ts
 * import * as DateTime from "effect/DateTime"
 * import * as Effect from "effect/Effect"
 * import { Metrics, Togai } from "@effect-togai/client"
 *
 * const dailyEvents = Metrics.getMetrics({
 *   startTime: DateTime.unsafeMake("2024-07-01T00:00:00Z"),
 *   endTime: DateTime.unsafeMake("2024-08-01T00:00:00Z"),
 *   metricQueries: [{
 *     id: "events-per-day",
 *     name: "EVENTS",
 *     aggregationPeriod: "DAY",
 *     groupBy: "EVENT_STATUS",
 *     filters: [{ fieldName: "ACCOUNT_ID", fieldValues: ["ACC00001"] }],
 *   }],
 * }).pipe(
 *   Effect.map((response) => response.results.flatMap((result) => result.data)),
 *   Effect.provide(Togai.layer({ token: "..." })),
 * )
 * ```
 *
 * @module
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Effect from "effect/Effect"
import type { Auth } from "./Auth.ts"
import * as endpoints from "./internal/endpoints.ts"
import { execute } from "./internal/executor.ts"
import type { GetMetricsRequest, GetMetricsResponse } from "./Schemas/Metrics.ts"
import type { OperationError } from "./TogaiError.ts"

/**
 * What `getMetrics` can fail with: the statuses its contract documents
 * (400, 401, 403, 429), and what any call can.
 *
 * @since 0.2.0
 * @category errors
 */
export type MetricsError = OperationError<400 | 401 | 403 | 429>

/**
 * Gets up to five metrics over a time window in one request (`POST
 * /metrics`); each result holds at most 100 data points, one per
 * aggregation period (and per group, with `groupBy`).
 *
 * @example
 * ```ts
 * import * as DateTime from "effect/DateTime"
 * import * as Effect from "effect/Effect"
 * import { Metrics } from "@effect-togai/client"
 *
 * const monthlyUsage = Metrics.getMetrics({
 *   startTime: DateTime.unsafeMake("2024-01-01T00:00:00Z"),
 *   endTime: DateTime.unsafeMake("2024-07-01T00:00:00Z"),
 *   metricQueries: [{
 *     id: "usage",
 *     name: "USAGE",
 *     aggregationPeriod: "MONTH",
 *     filters: [{ fieldName: "CUSTOMER_ID", fieldValues: ["customer-1"] }],
 *   }],
 * }).pipe(
 *   Effect.map((response) => response.results[0]?.data[0]?.metricValues ?? []),
 * )
 * ```
 *
 * @since 0.2.0
 */
export const getMetrics = (
  body: GetMetricsRequest,
): Effect.Effect<GetMetricsResponse, MetricsError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.getMetrics, { body })
