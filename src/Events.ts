/**
 * Togai's Events group: ingesting usage events, one at a time (`ingest`) or
 * up to 100 in a request (`ingestBatch`), and reading them back with their
 * ingestion status (`getEvents`, `stream`, `getSingleEvent`).
 *
 * An event's `id` is Togai's idempotency key: Togai recognises a retry of
 * the same id and does not meter it twice. So ingestion, although a POST,
 * is retried like a GET (a 429, a 503, a dropped connection, a timeout), and
 * the retried request carries the same events with the same ids. Give every
 * event an id of its own (a UUID), made once, before the first try.
 *
 * Every operation returns an `Effect` that needs an `HttpClient` and `Auth`
 * (provide both at once with `Togai.layer`) and fails with the tagged errors
 * of the statuses its contract documents: `Effect.catchTag` recovers from
 * exactly the ones a caller understands.
 *
 * @example
 * ```ts
 * import * as DateTime from "effect/DateTime"
 * import * as Effect from "effect/Effect"
 * import { Events, Togai } from "@effect-togai/client"
 *
 * const program = Effect.gen(function* () {
 *   const result = yield* Events.ingestBatch({
 *     events: [{
 *       id: crypto.randomUUID(),
 *       eventName: "rideCompleted",
 *       eventTimestamp: DateTime.unsafeMake("2024-07-01T10:15:00Z"),
 *       accountId: "ACC00001",
 *       eventAttributes: [{ attributeName: "distance", attributeValue: "12.5", attributeValueUnit: "Kilometers" }],
 *       dimensions: { city: "Chennai" },
 *     }],
 *   })
 *   for (const rejected of result.errors) {
 *     yield* Effect.logWarning(`Togai rejected ${rejected.eventPayload?.id}: ${rejected.message}`)
 *   }
 *   // what Togai made of the account's events since July 1st
 *   return yield* Events.getEvents({ accountId: "ACC00001", startTime: DateTime.unsafeMake("2024-07-01") })
 * })
 *
 * Effect.runPromise(program.pipe(Effect.provide(Togai.layer({ token: "..." }))))
 * ```
 *
 * @module
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import type { Auth } from "./Auth.ts"
import * as endpoints from "./internal/endpoints.ts"
import { execute, executeWithStatus } from "./internal/executor.ts"
import { paginate } from "./internal/paginate.ts"
import type {
  EventWithStatus,
  GetEventResponse,
  GetEventsOptions as GetEventsQuery,
  GetEventsResponse,
  IngestBatchEventRequest,
  IngestError,
  IngestEventRequest,
} from "./Schemas/Events.ts"
import type { OperationError, PaginationError } from "./TogaiError.ts"

/**
 * What `ingest` and `ingestBatch` can fail with: the statuses their contract
 * documents (400, 401, 422 when the payload is over Togai's limits, 429, 503),
 * and what any call can. 429 and 503 are retried on their own first.
 *
 * @since 0.2.0
 * @category errors
 */
export type IngestionError = OperationError<400 | 401 | 422 | 429 | 503>

/**
 * What `getEvents` and `stream` can fail with: the statuses their contract
 * documents (400, 401, 403, 422 when the query is over Togai's limits, 429),
 * and what any call can.
 *
 * @since 0.2.0
 * @category errors
 */
export type GetEventsError = OperationError<400 | 401 | 403 | 422 | 429>

/**
 * What `getSingleEvent` can fail with: the statuses its contract documents
 * (400, 401, 403, 429), and what any call can.
 *
 * @since 0.2.0
 * @category errors
 */
export type GetSingleEventError = OperationError<400 | 401 | 403 | 429>

/**
 * Ingests one event (`POST /ingest`). Togai answers 202 with no body: the
 * event was accepted for processing, which `getSingleEvent` reports on later.
 *
 * @example
 * ```ts
 * import * as DateTime from "effect/DateTime"
 * import { Events } from "@effect-togai/client"
 *
 * const accepted = Events.ingest({
 *   event: {
 *     id: "c0b1306d-f506-43a6-856b-69221efaee6b",
 *     eventName: "rideCompleted",
 *     eventTimestamp: DateTime.unsafeMake("2024-07-01T10:15:00Z"),
 *     accountId: "ACC00001",
 *     eventAttributes: [{ attributeName: "distance", attributeValue: "12.5", attributeValueUnit: "Kilometers" }],
 *     dimensions: { city: "Chennai" },
 *   },
 * })
 * ```
 *
 * @since 0.2.0
 */
export const ingest = (
  body: IngestEventRequest,
): Effect.Effect<void, IngestionError, HttpClient.HttpClient | Auth> => execute(endpoints.ingest, { body })

/**
 * What `ingestBatch` answered. Both of Togai's answers are successes: 202
 * when every event was accepted, 207 when some were not. `errors` lists
 * each rejected event with Togai's message and the event as Togai read it;
 * the events not listed were accepted.
 *
 * @since 0.2.0
 * @category models
 */
export interface IngestBatchResult {
  /** The status Togai answered with: 202 (all accepted) or 207 (some rejected). */
  readonly status: 202 | 207
  /** Whether every event was accepted: a 202 that lists no rejected event. */
  readonly allAccepted: boolean
  /** The rejected events, each with Togai's `message` and its `eventPayload`; empty when all were accepted. */
  readonly errors: ReadonlyArray<IngestError>
}

/**
 * Ingests 1 to 100 events in one request (`POST /ingestBatch`). A batch
 * that Togai takes only in part is no failure: the result says which
 * events were rejected and why (`status` 207, `allAccepted` false). A batch
 * outside 1 to 100 events, or an event that breaks the contract, fails as
 * `InvalidRequest` before anything is sent.
 *
 * @example
 * ```ts
 * import * as DateTime from "effect/DateTime"
 * import * as Effect from "effect/Effect"
 * import { Events } from "@effect-togai/client"
 *
 * const rejectedIds = Events.ingestBatch({
 *   events: ["ride-1", "ride-2"].map((id) => ({
 *     id,
 *     eventName: "rideCompleted",
 *     eventTimestamp: DateTime.unsafeMake("2024-07-01T10:15:00Z"),
 *     accountId: "ACC00001",
 *     eventAttributes: [{ attributeName: "distance", attributeValue: "12.5" }],
 *     dimensions: {},
 *   })),
 * }).pipe(
 *   Effect.map((result) => result.allAccepted ? [] : result.errors.map((error) => error.eventPayload?.id)),
 * )
 * ```
 *
 * @since 0.2.0
 */
export const ingestBatch = (
  body: IngestBatchEventRequest,
): Effect.Effect<IngestBatchResult, IngestionError, HttpClient.HttpClient | Auth> =>
  Effect.map(executeWithStatus(endpoints.ingestBatch, { body }), ({ status, value }): IngestBatchResult => {
    // the table admits 202 and 207 only; any other status failed before this
    const partial = status === 207
    return { status: partial ? 207 : 202, allAccepted: !partial && value.errors.length === 0, errors: value.errors }
  })

/**
 * Which events to get: filters by `status` (e.g. `PROCESSED`), `accountId`
 * and a time window (`startTime`, `endTime`, each a `DateTime` or epoch
 * milliseconds, sent as epoch milliseconds), a `pageSize` (Togai's maximum
 * and default is 50) and the `nextToken` of the previous page.
 *
 * @since 0.2.0
 * @category models
 */
export type GetEventsOptions = GetEventsQuery

/**
 * Gets one page of ingested events with their ingestion status (`GET
 * /events`). Pass the page's `nextToken` back to get the next one, or use
 * {@link stream} to read them all.
 *
 * @example
 * ```ts
 * import * as DateTime from "effect/DateTime"
 * import { Events } from "@effect-togai/client"
 *
 * const firstPage = Events.getEvents({
 *   accountId: "ACC00001",
 *   status: "PROCESSED",
 *   startTime: DateTime.unsafeMake("2024-07-01"),
 *   endTime: Date.now(),
 *   pageSize: 50,
 * })
 * ```
 *
 * @since 0.2.0
 */
export const getEvents = (
  options: GetEventsOptions = {},
): Effect.Effect<GetEventsResponse, GetEventsError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.getEvents, { query: options })

/**
 * The filters and page size of {@link stream}: those of
 * {@link GetEventsOptions}, without `nextToken`, which the stream follows
 * itself.
 *
 * @since 0.2.0
 * @category models
 */
export type StreamOptions = Omit<GetEventsOptions, "nextToken">

/**
 * Every event that matches the filters, page after page. A page is fetched
 * only when the consumer pulls past the previous one, so `Stream.take(n)`
 * fetches only the pages it needs. The stream ends on the last page (no or
 * empty `nextToken`) and fails with `PaginationError` if the server hands
 * out a token twice or too many empty pages in a row, rather than looping
 * forever.
 *
 * @example
 * ```ts
 * import * as DateTime from "effect/DateTime"
 * import * as Stream from "effect/Stream"
 * import { Events } from "@effect-togai/client"
 *
 * const failedIds = Events.stream({ accountId: "ACC00001", startTime: DateTime.unsafeMake("2024-07-01") }).pipe(
 *   Stream.filter((event) => event.ingestionStatus.status === "INGESTION_FAILED"),
 *   Stream.map((event) => event.eventPayload.id),
 *   Stream.runCollect,
 * )
 * ```
 *
 * @since 0.2.0
 */
export const stream = (
  options: StreamOptions = {},
): Stream.Stream<EventWithStatus, GetEventsError | PaginationError, HttpClient.HttpClient | Auth> =>
  paginate(endpoints.getEvents, { query: options })

/**
 * Gets one event by its id (`GET /events/{event_id}`), with its ingestion
 * status and what Togai's pipeline made of it: the event schema, the usage
 * meters and the units they computed, the price plans, the account and the
 * customer.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Events } from "@effect-togai/client"
 *
 * const status = Events.getSingleEvent("c0b1306d-f506-43a6-856b-69221efaee6b").pipe(
 *   Effect.map((response) => response.events?.[0]?.ingestionStatus.status),
 * )
 * ```
 *
 * @since 0.2.0
 */
export const getSingleEvent = (
  eventId: string,
): Effect.Effect<GetEventResponse, GetSingleEventError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.getSingleEvent, { path: { event_id: eventId } })

// ---------------------------------------------------------------------------------------------------------------
// Ingestion at Togai's quota: batching, pacing, safe retries and the bookkeeping of what was acknowledged
// (src/internal/ingestion.ts), and the event constructor.

export { event, ingestAll, IngestionIncomplete, ingestStream, noProgress } from "./internal/ingestion.ts"
export type {
  AttributeValue,
  BatchResult,
  EventInput,
  IngestAll,
  IngestAllOptions,
  IngestBatchError,
  IngestionProgress,
  IngestionSummary,
  IngestOptions,
  IngestStream,
  InvalidEvent,
  RejectedByTogai,
  Rejection,
} from "./internal/ingestion.ts"
