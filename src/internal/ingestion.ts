/**
 * Event ingestion at scale, over `ingestBatch`: {@link ingestAll} (a
 * stream of events in, a summary out), {@link ingestStream} (the same as a
 * stream transformation, one result per batch) and {@link event} (an
 * `Event` from what a caller has at hand). `Events` re-exports them.
 *
 * How a run goes. Events are pulled from the caller's stream and grouped
 * into batches of `batchSize` (or fewer, once `flushAfter` has passed);
 * each event is checked against the contract on its own, so one bad event
 * is rejected alone (`InvalidEvent`, never sent) instead of failing its
 * batch; the rest of the batch goes to Togai through the one executor, with
 * the layer's retry policy (429, 503 and dropped connections are sent again
 * with the same event ids, which Togai de-duplicates) under the ingestion
 * quota. At most `concurrency` batches are in flight, and no event is pulled
 * while they are: memory holds a few batches, however long the stream.
 *
 * Nothing lost, nothing counted twice. Results come out in the order of the
 * stream, so what has been acknowledged is always a prefix of it: the first
 * `acknowledged` events have their answer (accepted, or rejected with a
 * reason); every event after them that was taken from the stream is
 * `unacknowledged` and is safe to send again, because Togai meters an id
 * once. A run that fails says so in `IngestionIncomplete`; a run that is
 * interrupted says the same in the `progress` Ref of {@link ingestAll}, or
 * by the last result {@link ingestStream} emitted.
 *
 * @module
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { dual } from "effect/Function"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type * as RateLimiter from "effect/RateLimiter"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Auth, type Credential } from "../Auth.ts"
import { RateLimit } from "../RateLimit.ts"
import type * as RateLimitOptions from "../RateLimit.ts"
import {
  Event,
  type EventAttribute,
  type EventEncoded,
  type IngestBatchEventRequestEncoded,
  type IngestBatchEventResponse,
} from "../Schemas/Events.ts"
import {
  BadRequest,
  ConfigurationError,
  InvalidRequest,
  type OperationError,
  UnprocessableEntity,
} from "../TogaiError.ts"
import type { Endpoint } from "./endpoint.ts"
import * as endpoints from "./endpoints.ts"
import { hasLengthBetween } from "./fields.ts"
import { bounded, executeWithStatus, formatIssues, scrub } from "./executor.ts"

// ---------------------------------------------------------------------------------------------------------------
// Models

/**
 * How a run batches, paces and parallelises its requests.
 *
 * @since 0.2.0
 * @category models
 */
export interface IngestOptions {
  /** Events per `ingestBatch` request, 1 to 100 (the contract's limit); 100 by default. */
  readonly batchSize?: number | undefined
  /**
   * The longest an event waits for its batch to fill: a slow live stream
   * sends what it has after this long. About a second (`"1 second"`) by
   * default.
   */
  readonly flushAfter?: Duration.DurationInput | undefined
  /** How many batches may be in flight at once; 4 by default. */
  readonly concurrency?: number | undefined
  /**
   * The quota `ingestBatch` requests keep to, retries included: by default
   * Togai's documented ingestion quota, 50 requests a second. Requests are
   * spread evenly, 2 % under the quota (one each 20.4 ms for 50 a second,
   * no bursts): the network moves each request by a few milliseconds, and
   * a quota Togai counts in a strict one-second window would see the 51st
   * of a second on an exact 20 ms grid (measured: 1.6 % of requests 429'd,
   * none with the margin). `false` turns it off. Each run paces itself;
   * runs that share a quota should share one limiter instead: pass `false`
   * and provide `RateLimit.layer`. A `RateLimit` layer in context applies as
   * well, on top of this.
   */
  readonly rateLimit?: RateLimitOptions.Options | false | undefined
}

/**
 * The options of {@link ingestAll}: those of every run, and where to leave
 * the run's progress.
 *
 * @since 0.2.0
 * @category models
 */
export interface IngestAllOptions extends IngestOptions {
  /**
   * Set to the run's {@link IngestionProgress} when the run ends, however
   * it ends: completed, failed, or interrupted (Ctrl-C, `Effect.timeout`,
   * a fiber interrupted). Read it after an interruption to know exactly
   * which events were acknowledged and which to send again. (For progress
   * while the run goes on, use `ingestStream`: each result is a checkpoint.)
   */
  readonly progress?: Ref.Ref<IngestionProgress> | undefined
}

/**
 * An event Togai answered it would not take, in a 207 (or a 400 or 422 for
 * its whole batch), with Togai's message.
 *
 * @since 0.2.0
 * @category models
 */
export interface RejectedByTogai {
  readonly _tag: "RejectedByTogai"
  /**
   * The event, as it was given; `undefined` only when Togai's answer did
   * not say which event it meant (`IngestError.eventPayload` absent).
   */
  readonly event: Event | undefined
  /** Togai's message (`IngestError.message`), or a description of the status. */
  readonly reason: string
  /** The status of the answer: 207 for one event, 400 or 422 for the whole batch. */
  readonly status: number
}

/**
 * An event that breaks Togai's contract (an id over 255 characters, more
 * than 50 attributes, a field the contract does not know): the client
 * rejected it and never sent it. The rest of its batch was sent.
 *
 * @since 0.2.0
 * @category models
 */
export interface InvalidEvent {
  readonly _tag: "InvalidEvent"
  /** The event, as it was given. */
  readonly event: Event
  /** What is wrong with it, field by field. */
  readonly reason: string
  /** The client's error, as an operation that breaks the contract fails with it. */
  readonly error: InvalidRequest
}

/**
 * A rejected event and why: `RejectedByTogai` or `InvalidEvent`.
 *
 * @since 0.2.0
 * @category models
 */
export type Rejection = RejectedByTogai | InvalidEvent

/**
 * What one batch came to, as {@link ingestStream} emits it, in the order of
 * the stream.
 *
 * @since 0.2.0
 * @category models
 */
export interface BatchResult {
  /** The batch's events, in the order of the stream, invalid ones included. */
  readonly events: ReadonlyArray<Event>
  /** How many of them Togai accepted. */
  readonly accepted: number
  /** The rejected ones, in the order of the batch, each with its reason. */
  readonly rejected: ReadonlyArray<Rejection>
  /** Togai's answer (202, 207; 400 or 422 when it refused the whole batch); `undefined` if nothing was sent. */
  readonly status: number | undefined
  /**
   * How many events of the stream, from its start to this batch's last,
   * have their answer: a checkpoint. To resume after a failure or an
   * interruption, send the stream again from this position
   * (`Stream.drop(acknowledged)`).
   */
  readonly acknowledged: number
}

/**
 * What a run that completed came to.
 *
 * @since 0.2.0
 * @category models
 */
export interface IngestionSummary {
  /** How many events the stream held. */
  readonly events: number
  /** How many of them Togai accepted. */
  readonly accepted: number
  /** Every rejected event with its reason, in the order of the stream. */
  readonly rejected: ReadonlyArray<Rejection>
}

/**
 * Where a run stands: the first `acknowledged` events of the stream have
 * their answer; `unacknowledged` are the events taken from the stream
 * after them, which Togai has not acknowledged (it may have received some:
 * sending them again is safe, it meters an id once).
 *
 * @since 0.2.0
 * @category models
 */
export interface IngestionProgress {
  /** How many events, from the start of the stream, have their answer. */
  readonly acknowledged: number
  /** How many of those Togai accepted. */
  readonly accepted: number
  /** Those it (or the client) rejected, with their reasons. */
  readonly rejected: ReadonlyArray<Rejection>
  /** The events taken from the stream after the acknowledged ones; send them again to resume. */
  readonly unacknowledged: ReadonlyArray<Event>
}

/**
 * A run that has not started: the value to make a `progress` Ref with.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Ref from "effect/Ref"
 * import * as Stream from "effect/Stream"
 * import { Events } from "@effect-togai/client"
 *
 * const program = Effect.gen(function* () {
 *   const progress = yield* Ref.make(Events.noProgress)
 *   const events = Stream.make(Events.event({ eventName: "ride", accountId: "ACC1" }))
 *   yield* Events.ingestAll(events, { progress }).pipe(Effect.timeout("1 minute"), Effect.ignore)
 *   return yield* Ref.get(progress) // what was acknowledged, and what to send again
 * })
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const noProgress: IngestionProgress = { acknowledged: 0, accepted: 0, rejected: [], unacknowledged: [] }

/**
 * What a batch can fail with once the layer's retries are spent: the
 * errors `ingestBatch` documents and those of any call.
 *
 * @since 0.2.0
 * @category errors
 */
export type IngestBatchError = OperationError<400 | 401 | 422 | 429 | 503>

/** A field of a value the client made itself: typed, never decoded, so never checked again. */
const made = <A>(identifier: string): Schema.Schema<A> => Schema.declare((_: unknown): _ is A => true, { identifier })

type IngestionIncompleteFields = {
  readonly acknowledged: typeof Schema.Number
  readonly accepted: typeof Schema.Number
  readonly rejected: Schema.Schema<ReadonlyArray<Rejection>>
  readonly unacknowledged: Schema.Schema<ReadonlyArray<Event>>
  readonly cause: Schema.Schema<IngestBatchError>
}

const IngestionIncompleteBase: Schema.TaggedErrorClass<
  IngestionIncomplete,
  "IngestionIncomplete",
  { readonly _tag: Schema.tag<"IngestionIncomplete"> } & IngestionIncompleteFields
> = /* @__PURE__ */ Schema.TaggedError<IngestionIncomplete>()("IngestionIncomplete", {
  acknowledged: Schema.Number,
  accepted: Schema.Number,
  rejected: made<ReadonlyArray<Rejection>>("Rejections"),
  unacknowledged: made<ReadonlyArray<Event>>("Events"),
  cause: made<IngestBatchError>("IngestBatchError"),
})

/**
 * A run stopped before the end of its stream: a batch failed for good (the
 * layer's retries were spent on 429, 503 or dropped connections, or Togai
 * answered 401 or another status no retry can fix). The error says exactly
 * where the run stands, so a caller can resume: the first `acknowledged`
 * events of the stream have their answer; send `unacknowledged` again, then
 * the rest of the stream (or, if the stream can be read again, the stream
 * from position `acknowledged`). Nothing is metered twice: Togai
 * recognises an event id it has seen.
 *
 * @since 0.2.0
 * @category errors
 */
export class IngestionIncomplete extends IngestionIncompleteBase {
  /** How many events, from the start of the stream, have their answer (accepted or rejected). */
  declare readonly acknowledged: number
  /** How many of those Togai accepted. */
  declare readonly accepted: number
  /**
   * Those rejected, with their reasons. From `ingestAll`, all of them; from
   * `ingestStream`, none: its results delivered each one already.
   */
  declare readonly rejected: ReadonlyArray<Rejection>
  /**
   * Every event taken from the stream after the acknowledged ones, in
   * order: in flight, answered after an earlier batch failed, or waiting
   * for its batch. Togai may have some of them; sending them again is safe.
   */
  declare readonly unacknowledged: ReadonlyArray<Event>
  /** Why the batch failed: the error of its last attempt. */
  declare readonly cause: IngestBatchError
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return `Ingestion stopped: ${this.acknowledged} events have their answer (${this.accepted} accepted, ` +
      `${this.acknowledged - this.accepted} rejected), ${this.unacknowledged.length} taken from the stream are not ` +
      `acknowledged. ${this.cause.message} Resume by sending the unacknowledged events and the rest of the ` +
      "stream again: Togai meters an event id once."
  }
}

// ---------------------------------------------------------------------------------------------------------------
// event(): an Event from what a caller has at hand

/**
 * An attribute's value: a number (written as the string the contract
 * wants), a numeric string, or either with its unit.
 *
 * @since 0.2.0
 * @category models
 */
export type AttributeValue =
  | number
  | bigint
  | string
  | { readonly value: number | bigint | string; readonly unit?: string | undefined }

/**
 * What {@link event} takes: the event's name and account, and what it
 * measured as plain objects.
 *
 * @since 0.2.0
 * @category models
 */
export interface EventInput {
  /** The event schema's name. */
  readonly eventName: string
  /** The account's id or one of its aliases. */
  readonly accountId: string
  /** The idempotency key; a fresh UUID (`crypto.randomUUID()`) when absent. Give your own to make retries safe across processes. */
  readonly id?: string | undefined
  /** When it happened; now (`Date.now()`) when absent. */
  readonly eventTimestamp?: DateTime.DateTime.Input | undefined
  /** Attributes by name: `{ distance: 12.5 }` or `{ distance: { value: 12.5, unit: "Kilometers" } }`; `undefined` values are left out. */
  readonly attributes?: { readonly [name: string]: AttributeValue | undefined } | undefined
  /** Dimensions by name; numbers and booleans are written as strings, `undefined` values left out. */
  readonly dimensions?: { readonly [name: string]: string | number | boolean | undefined } | undefined
}

const attribute = (name: string, value: AttributeValue): EventAttribute =>
  typeof value === "object"
    ? value.unit === undefined
      ? { attributeName: name, attributeValue: String(value.value) }
      : { attributeName: name, attributeValue: String(value.value), attributeValueUnit: value.unit }
    : { attributeName: name, attributeValue: String(value) }

/**
 * An `Event` from plain values, with what callers forget filled in: a
 * fresh `id` (a UUID) and `eventTimestamp` (now) unless given, attributes
 * and dimensions from plain objects, numbers written as the strings the
 * contract wants (`12.5` becomes `"12.5"`). It checks nothing: an event
 * that breaks the contract is rejected as `InvalidEvent` when ingested,
 * without being sent. A timestamp that names no instant (an unparseable
 * string, an invalid `Date`) throws, as `DateTime.unsafeMake` does.
 *
 * @example
 * ```ts
 * import { Events } from "@effect-togai/client"
 *
 * const ride = Events.event({
 *   eventName: "ride",
 *   accountId: "ACC00001",
 *   attributes: { distance: { value: 12.5, unit: "Kilometers" }, minutes: 31 },
 *   dimensions: { city: "Chennai", surge: true },
 * })
 * // ride.id: a fresh UUID; ride.eventTimestamp: now;
 * // ride.eventAttributes[0]: { attributeName: "distance", attributeValue: "12.5", attributeValueUnit: "Kilometers" }
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const event = (input: EventInput): Event => {
  const eventAttributes: Array<EventAttribute> = []
  for (const [name, value] of Object.entries(input.attributes ?? {})) {
    if (value !== undefined) eventAttributes.push(attribute(name, value))
  }
  const dimensions: Record<string, string> = {}
  for (const [name, value] of Object.entries(input.dimensions ?? {})) {
    if (value !== undefined) dimensions[name] = String(value)
  }
  return {
    eventName: input.eventName,
    id: input.id ?? crypto.randomUUID(),
    eventTimestamp: input.eventTimestamp === undefined
      ? DateTime.unsafeNow()
      : DateTime.toUtc(DateTime.unsafeMake(input.eventTimestamp)),
    accountId: input.accountId,
    eventAttributes,
    dimensions,
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Options

interface Settings {
  readonly batchSize: number
  readonly flushAfter: Duration.Duration
  readonly concurrency: number
  readonly rateLimit: { readonly limit: number; readonly interval: Duration.Duration } | undefined
}

/** How far under the quota requests are spread: for the network's jitter against a strict window. */
const paceMargin = 0.02

/** Togai's documented quota for `ingestBatch`: 50 requests a second. */
const ingestionQuota = { limit: 50, interval: "1 second" } as const

const misconfigured = (setting: string, issue: string, example: string): ConfigurationError =>
  new ConfigurationError({ setting, issue, example })

const positiveDuration = (input: Duration.DurationInput | undefined, fallback: Duration.DurationInput) =>
  Option.filter(
    Duration.decodeUnknown(input ?? fallback),
    (duration) => Duration.isFinite(duration) && Duration.greaterThan(duration, Duration.zero),
  )

const settingsOf = (options: IngestOptions): Either.Either<Settings, ConfigurationError> => {
  const batchSize = options.batchSize ?? 100
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100) {
    return Either.left(misconfigured("batchSize", `is ${batchSize}; a batch holds 1 to 100 events`, "100"))
  }
  const concurrency = options.concurrency ?? 4
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    return Either.left(misconfigured("concurrency", `is ${concurrency}; it counts batches in flight`, "4"))
  }
  const flushAfter = positiveDuration(options.flushAfter, "1 second")
  if (Option.isNone(flushAfter)) {
    return Either.left(misconfigured("flushAfter", "is not a duration longer than zero", `"1 second"`))
  }
  let rateLimit: Settings["rateLimit"] = undefined
  if (options.rateLimit !== false) {
    const quota = options.rateLimit ?? ingestionQuota
    const interval = positiveDuration(quota.interval, "1 second")
    if (!(quota.limit > 0) || !Number.isFinite(quota.limit) || Option.isNone(interval)) {
      return Either.left(
        misconfigured(
          "rateLimit",
          "needs a limit above zero and an interval longer than zero",
          `{ limit: 50, interval: "1 second" }`,
        ),
      )
    }
    rateLimit = { limit: quota.limit, interval: interval.value }
  }
  return Either.right({ batchSize, flushAfter: flushAfter.value, concurrency, rateLimit })
}

// ---------------------------------------------------------------------------------------------------------------
// The pace

/**
 * One permit each `interval / limit`, plus the margin, on a fixed grid of
 * the clock: the rate holds over a long run (a chain of sleeps drifts
 * slower, by the timers' lateness), and there is no burst after a pause,
 * so neither a token bucket nor a sliding window is overrun by the
 * client's own timing; the margin absorbs the network's. Permits are
 * handed out in the order they are asked for.
 */
const pace = (limit: number, interval: Duration.Duration): RateLimiter.RateLimiter => {
  const spacing = (Duration.toMillis(interval) / limit) * (1 + paceMargin)
  let next = Number.NEGATIVE_INFINITY
  const permit = Effect.flatMap(Clock.currentTimeMillis, (now) => {
    const at = Math.max(now, next)
    next = at + spacing
    return at <= now ? Effect.void : Effect.sleep(Duration.millis(at - now))
  })
  return (effect) => Effect.zipRight(permit, effect)
}

// ---------------------------------------------------------------------------------------------------------------
// One batch

const encodeEvent = /* @__PURE__ */ Schema.encodeUnknownEither(Event, { errors: "all", onExcessProperty: "error" })

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== "object" || value === null) return false
  const prototype = Object.getPrototypeOf(value)
  return (prototype === Object.prototype || prototype === null) && Object.getOwnPropertySymbols(value).length === 0
}

const isText = (value: unknown, min: number, max: number): value is string =>
  typeof value === "string" && hasLengthBetween(value, min, max)

/**
 * The event as `Event`'s schema encodes it, for an event that plainly
 * meets the contract; `undefined` for anything else, which the schema then
 * decides (and explains). It accepts only what the schema accepts (plain
 * objects, the contract's fields and no other, texts of the contract's
 * lengths, a `DateTime.Utc`), and writes what the schema writes, at a
 * thirtieth of its cost: a million events a run is what ingestion is for
 * (bench/ingestion.ts). `tests/Ingestion.test.ts` holds it to the schema.
 */
const plainlyValid = (event: unknown): EventEncoded | undefined => {
  if (!isPlainObject(event) || Object.keys(event).length !== 6) return undefined
  const { eventName, id, eventTimestamp, accountId, eventAttributes, dimensions } = event
  if (
    !isText(eventName, 0, 255) || !isText(id, 1, 255) || !isText(accountId, 0, 255) ||
    !DateTime.isDateTime(eventTimestamp) || !DateTime.isUtc(eventTimestamp) ||
    !Array.isArray(eventAttributes) || eventAttributes.length > 50 || !isPlainObject(dimensions)
  ) return undefined
  const attributes: Array<EventAttribute> = []
  for (const attribute of eventAttributes) {
    if (!isPlainObject(attribute)) return undefined
    const { attributeName, attributeValue, attributeValueUnit } = attribute
    if (!isText(attributeName, 0, 50) || !isText(attributeValue, 0, 50)) return undefined
    const fields = Object.keys(attribute).length
    if (attributeValueUnit === undefined) {
      if (fields !== (Object.hasOwn(attribute, "attributeValueUnit") ? 3 : 2)) return undefined
      attributes.push({ attributeName, attributeValue })
    } else {
      if (!isText(attributeValueUnit, 0, 50) || fields !== 3) return undefined
      attributes.push({ attributeName, attributeValue, attributeValueUnit })
    }
  }
  const wireDimensions: Record<string, string> = {}
  for (const name in dimensions) {
    const value = dimensions[name]
    if (typeof value !== "string") return undefined
    wireDimensions[name] = value
  }
  return {
    eventName,
    id,
    eventTimestamp: DateTime.formatIso(eventTimestamp),
    accountId,
    eventAttributes: attributes,
    dimensions: wireDimensions,
  }
}

/**
 * The event as it goes over the wire, or why it breaks the contract (the
 * caller's input may hold the secret, pasted in the wrong field: the
 * issues are scrubbed, as the executor scrubs them).
 */
const checked = (event: Event, credential: Credential): EventEncoded | InvalidRequest => {
  try {
    const plain = plainlyValid(event)
    if (plain !== undefined) return plain
    const encoded = encodeEvent(event)
    return Either.isRight(encoded)
      ? encoded.right
      : new InvalidRequest({ operation: "ingestBatch", issues: formatIssues(encoded.left, credential) })
  } catch (cause) {
    // A value that throws when read (a getter, a BigInt): still the caller's input.
    const reason = cause instanceof Error ? cause.message : String(cause)
    return new InvalidRequest({
      operation: "ingestBatch",
      issues: bounded(scrub(`the event could not be encoded: ${reason}`, credential), 300),
    })
  }
}

/** For tests: the fast path of {@link checked}, to hold it to the schema. */
export const plainlyValidForTests: (event: unknown) => EventEncoded | undefined = plainlyValid

/**
 * `ingestBatch` with a body already encoded, event by event, when each was
 * checked: the executor sends it as it is, so an event is encoded once.
 */
const preEncoded = (
  endpoint: typeof endpoints.ingestBatch,
): Endpoint<IngestBatchEventResponse, IngestBatchEventRequestEncoded, unknown, 400 | 401 | 422 | 429 | 503> => ({
  ...endpoint,
  _types: undefined,
  encodeBody: Either.right,
})

const ingestBatchEncoded = /* @__PURE__ */ preEncoded(endpoints.ingestBatch)

/** What a batch came to, before its place in the stream is known. */
interface Outcome {
  readonly events: ReadonlyArray<Event>
  readonly accepted: number
  readonly rejected: ReadonlyArray<Rejection>
  readonly status: number | undefined
}

/** A batch's failure, told apart from the caller's stream's own (which may be a Togai error too). */
class BatchFailed {
  constructor(readonly error: IngestBatchError) {}
}

const refusedBatch = (error: IngestBatchError): error is BadRequest | UnprocessableEntity =>
  error instanceof BadRequest || error instanceof UnprocessableEntity

/** Togai's 207: each error names its event by the payload's id, matched to the batch's events in order. */
const rejectionsOf = (
  sent: ReadonlyArray<readonly [index: number, event: Event]>,
  errors: IngestBatchEventResponse["errors"],
  status: number,
  credential: Credential,
): Array<readonly [index: number, rejection: RejectedByTogai]> => {
  const byId = new Map<string, Array<readonly [number, Event]>>()
  for (const entry of sent) {
    const same = byId.get(entry[1].id)
    if (same === undefined) byId.set(entry[1].id, [entry])
    else same.push(entry)
  }
  return errors.map((error, position) => {
    // Togai's words, as the executor treats a server's text: a token it echoes is not repeated, and never at length.
    const reason = error.message === undefined
      ? "Togai rejected the event without a message"
      : bounded(scrub(error.message, credential), 1_000)
    const match = error.eventPayload === undefined ? undefined : byId.get(error.eventPayload.id)?.shift()
    return match === undefined
      ? [Number.MAX_SAFE_INTEGER - errors.length + position, {
        _tag: "RejectedByTogai",
        event: error.eventPayload,
        reason,
        status,
      }] as const
      : [match[0], { _tag: "RejectedByTogai", event: match[1], reason, status }] as const
  })
}

const sendBatch = (
  events: ReadonlyArray<Event>,
): Effect.Effect<Outcome, BatchFailed, HttpClient.HttpClient | Auth> =>
  Effect.flatMap(Auth, (credential) => {
    const rejected: Array<readonly [number, Rejection]> = []
    const sent: Array<readonly [number, Event]> = []
    const body: Array<EventEncoded> = []
    for (let index = 0; index < events.length; index++) {
      const event = events[index]
      const wire = checked(event, credential)
      if (wire instanceof InvalidRequest) {
        rejected.push([index, { _tag: "InvalidEvent", event, reason: wire.issues, error: wire }])
      } else {
        sent.push([index, event])
        body.push(wire)
      }
    }
    const outcome = (
      accepted: number,
      status: number | undefined,
      more: ReadonlyArray<readonly [number, Rejection]>,
    ): Outcome => ({
      events,
      accepted,
      status,
      rejected: (more.length === 0 ? rejected : [...rejected, ...more].sort((a, b) => a[0] - b[0])).map((entry) =>
        entry[1]
      ),
    })
    if (body.length === 0) return Effect.succeed(outcome(0, undefined, []))
    return executeWithStatus(ingestBatchEncoded, { body: { events: body } }).pipe(
      Effect.map(({ status, value }) => {
        const more = value.errors.length === 0 ? [] : rejectionsOf(sent, value.errors, status, credential)
        return outcome(Math.max(0, body.length - more.length), status, more)
      }),
      Effect.catchAll((error) =>
        refusedBatch(error)
          ? Effect.succeed(outcome(
            0,
            error.status,
            sent.map(([index, event]) =>
              [index, {
                _tag: "RejectedByTogai",
                event,
                reason: error.serverMessage ?? error.message,
                status: error.status,
              }] as const
            ),
          ))
          : Effect.fail(new BatchFailed(error))
      ),
    )
  })

// ---------------------------------------------------------------------------------------------------------------
// Batches

/**
 * Batches of `size`, or fewer once the batch's first element has waited
 * `within`: `Stream.groupedWithin`'s contract, at a tenth of its cost per
 * batch (it moves elements one at a time; this slices the chunks the
 * stream already has, and races the clock only while a batch is part
 * full). Nothing is pulled before a batch is asked for (backpressure): a
 * pull that the clock overtook is kept and awaited for the next batch, so
 * no element is lost or reordered. A stream that fails fails the batches
 * at once; elements not yet in a batch were never taken.
 */
const batches = <A, E, R>(
  stream: Stream.Stream<A, E, R>,
  size: number,
  within: Duration.Duration,
): Stream.Stream<Chunk.Chunk<A>, E, R> =>
  Stream.unwrapScoped(Effect.gen(function* () {
    const scope = yield* Effect.scope
    const pull = yield* Stream.toPull(stream)
    let buffer: Chunk.Chunk<A> = Chunk.empty()
    let ended = false
    let pending: Fiber.Fiber<Chunk.Chunk<A>, Option.Option<E>> | undefined
    const take = (): Chunk.Chunk<A> => {
      const [batch, rest] = Chunk.splitAt(buffer, size)
      buffer = rest
      return batch
    }
    const received = (chunk: Chunk.Chunk<A>): void => {
      buffer = Chunk.isEmpty(buffer) ? chunk : Chunk.appendAll(buffer, chunk)
    }
    const end = (error: Option.Option<E>): Effect.Effect<void, Option.Option<E>> => {
      if (Option.isSome(error)) return Effect.fail(error)
      ended = true
      return Effect.void
    }
    const next: Effect.Effect<Chunk.Chunk<A>, Option.Option<E>, R> = Effect.gen(function* () {
      // Nothing waits yet: wait for the first elements with no clock running.
      while (Chunk.isEmpty(buffer) && !ended) {
        const waited = pending
        pending = undefined
        yield* Effect.matchEffect(waited === undefined ? pull : Fiber.join(waited), {
          onSuccess: (chunk) => Effect.sync(() => received(chunk)),
          onFailure: end,
        })
      }
      if (Chunk.isEmpty(buffer)) return yield* Effect.fail(Option.none())
      const deadline = (yield* Clock.currentTimeMillis) + Duration.toMillis(within)
      while (buffer.length < size && !ended) {
        const left = deadline - (yield* Clock.currentTimeMillis)
        if (left <= 0) break
        pending ??= yield* Effect.forkIn(pull, scope)
        const arrived = yield* Fiber.await(pending).pipe(Effect.timeout(Duration.millis(left)), Effect.option)
        if (Option.isNone(arrived)) break
        pending = undefined
        const exit = arrived.value
        if (Exit.isSuccess(exit)) received(exit.value)
        else {
          const failure = Cause.failureOption(exit.cause)
          if (Option.isNone(failure)) return yield* Effect.failCause(exit.cause as Cause.Cause<never>)
          yield* end(failure.value)
        }
      }
      return take()
    })
    return Stream.repeatEffectOption(next)
  }))

// ---------------------------------------------------------------------------------------------------------------
// The run

/**
 * The events taken from the stream and not yet acknowledged, in order.
 * Results come out in stream order, so each result acknowledges the
 * oldest events here.
 */
class Tracker {
  private taken: Array<Event> = []
  private head = 0
  acknowledged = 0
  accepted = 0

  take(events: Chunk.Chunk<Event>): void {
    for (const event of events) this.taken.push(event)
  }

  acknowledge(outcome: Outcome): void {
    this.head += outcome.events.length
    this.acknowledged += outcome.events.length
    this.accepted += outcome.accepted
    if (this.head >= 1024 && this.head * 2 >= this.taken.length) {
      this.taken = this.taken.slice(this.head)
      this.head = 0
    }
  }

  unacknowledged(): ReadonlyArray<Event> {
    return this.taken.slice(this.head)
  }

  progress(rejected: ReadonlyArray<Rejection>): IngestionProgress {
    return {
      acknowledged: this.acknowledged,
      accepted: this.accepted,
      rejected,
      unacknowledged: this.unacknowledged(),
    }
  }

  incomplete(error: IngestBatchError, rejected: ReadonlyArray<Rejection>): IngestionIncomplete {
    return new IngestionIncomplete({ ...this.progress(rejected), cause: error })
  }
}

const run = <E, R>(
  events: Stream.Stream<Event, E, R>,
  options: IngestOptions,
  tracker: Tracker,
): Stream.Stream<BatchResult, BatchFailed | ConfigurationError | E, R | HttpClient.HttpClient | Auth> =>
  Either.match(settingsOf(options), {
    onLeft: (problem) => Stream.fail(problem),
    onRight: (settings) => {
      const quota = settings.rateLimit === undefined
        ? undefined
        : pace(settings.rateLimit.limit, settings.rateLimit.interval)
      const send = quota === undefined
        ? sendBatch
        : (batch: ReadonlyArray<Event>) =>
          Effect.flatMap(RateLimit, (outer) => {
            const both: RateLimiter.RateLimiter = (effect) => outer(quota(effect))
            return Effect.provideService(sendBatch(batch), RateLimit, both)
          })
      // Batches of batchSize, or fewer once flushAfter has passed; concurrency of them in flight, their results in
      // the order of the stream. Both operators pull only as fast as batches are answered (backpressure).
      return events.pipe(
        (events) => batches(events, settings.batchSize, settings.flushAfter),
        Stream.tap((batch) => Effect.sync(() => tracker.take(batch))),
        Stream.mapEffect((batch) => send(Chunk.toReadonlyArray(batch)), { concurrency: settings.concurrency }),
        Stream.map((outcome): BatchResult => {
          tracker.acknowledge(outcome)
          return { ...outcome, acknowledged: tracker.acknowledged }
        }),
      )
    },
  })

const isStream = (u: unknown): u is Stream.Stream<unknown, unknown, unknown> =>
  Predicate.hasProperty(u, Stream.StreamTypeId)

/**
 * The type of {@link ingestStream}: data-first, or as a stream
 * transformation for `pipe`.
 *
 * @since 0.2.0
 * @category models
 */
export interface IngestStream {
  (options?: IngestOptions): <E, R>(
    events: Stream.Stream<Event, E, R>,
  ) => Stream.Stream<BatchResult, IngestionIncomplete | ConfigurationError | E, R | HttpClient.HttpClient | Auth>
  <E, R>(
    events: Stream.Stream<Event, E, R>,
    options?: IngestOptions,
  ): Stream.Stream<BatchResult, IngestionIncomplete | ConfigurationError | E, R | HttpClient.HttpClient | Auth>
}

/**
 * Ingests a stream of events in batches and emits one {@link BatchResult}
 * per batch, in the order of the stream: for a progress bar, or to act on
 * each rejection as it happens. Each result's `acknowledged` is a
 * checkpoint: every event up to it has its answer. The options and the
 * guarantees are those of {@link ingestAll}; the stream fails with
 * `IngestionIncomplete` when a batch fails for good, and with the source
 * stream's own error if that fails.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 * import { Events } from "@effect-togai/client"
 *
 * const rides = Stream.range(1, 10_000).pipe(
 *   Stream.map((n) => Events.event({ eventName: "ride", accountId: "ACC00001", attributes: { distance: n } })),
 * )
 *
 * const program = rides.pipe(
 *   Events.ingestStream({ batchSize: 100 }),
 *   Stream.runForEach((result) =>
 *     Effect.gen(function* () {
 *       for (const rejection of result.rejected) yield* Effect.logWarning(`${rejection.event?.id}: ${rejection.reason}`)
 *       yield* Effect.log(`${result.acknowledged} events done`)
 *     })
 *   ),
 * )
 * ```
 *
 * @since 0.2.0
 */
export const ingestStream: IngestStream = dual(
  (args) => isStream(args[0]),
  <E, R>(
    events: Stream.Stream<Event, E, R>,
    options: IngestOptions = {},
  ): Stream.Stream<BatchResult, IngestionIncomplete | ConfigurationError | E, R | HttpClient.HttpClient | Auth> =>
    Stream.suspend(() => {
      const tracker = new Tracker()
      return Stream.mapError(
        run(events, options, tracker),
        (error) => error instanceof BatchFailed ? tracker.incomplete(error.error, []) : error,
      )
    }),
)

/**
 * The type of {@link ingestAll}: data-first, or pipeable.
 *
 * @since 0.2.0
 * @category models
 */
export interface IngestAll {
  (options?: IngestAllOptions): <E, R>(
    events: Stream.Stream<Event, E, R>,
  ) => Effect.Effect<
    IngestionSummary,
    IngestionIncomplete | ConfigurationError | E,
    R | HttpClient.HttpClient | Auth
  >
  <E, R>(
    events: Stream.Stream<Event, E, R>,
    options?: IngestAllOptions,
  ): Effect.Effect<IngestionSummary, IngestionIncomplete | ConfigurationError | E, R | HttpClient.HttpClient | Auth>
}

/**
 * Ingests a stream of events, however long, and says how many Togai
 * accepted and which it rejected, with why: Togai's message from a 207, or
 * the client's own `InvalidRequest` for an event that breaks the contract
 * (that one is never sent; the rest of its batch is).
 *
 * - Batches of `batchSize` events (100 by default, the contract's limit),
 *   or fewer once `flushAfter` has passed (about a second), so a slow live
 *   stream is not held back.
 * - `concurrency` batches in flight (4 by default), paced to Togai's
 *   ingestion quota (`rateLimit`, 50 requests a second by default).
 * - Backpressure: events are pulled only as fast as Togai takes them, so
 *   memory stays flat however long the stream.
 * - Retries follow the layer's retry policy (`Togai.layer({ retry })`): a
 *   batch that met 429, 503 or a dropped connection is sent again with the
 *   same event ids, which Togai meters once.
 * - When a batch fails for good, the run fails with `IngestionIncomplete`,
 *   which says which events were acknowledged and which to send again.
 *   When the run is interrupted, the `progress` Ref says the same.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 * import { Events, Togai } from "@effect-togai/client"
 *
 * const rides = Stream.range(1, 10_000).pipe(
 *   Stream.map((n) => Events.event({ eventName: "ride", accountId: "ACC00001", attributes: { distance: n } })),
 * )
 *
 * const program = Events.ingestAll(rides, { batchSize: 100, concurrency: 4 }).pipe(
 *   Effect.tap((summary) => Effect.log(`${summary.accepted} accepted, ${summary.rejected.length} rejected`)),
 *   Effect.catchTag("IngestionIncomplete", (incomplete) =>
 *     Effect.logError(`stopped after ${incomplete.acknowledged}; ${incomplete.unacknowledged.length} to send again`)),
 *   Effect.provide(Togai.layer({ token: "...", retry: { maxRetries: 5 } })),
 * )
 * ```
 *
 * @since 0.2.0
 */
export const ingestAll: IngestAll = dual(
  (args) => isStream(args[0]),
  <E, R>(
    events: Stream.Stream<Event, E, R>,
    options: IngestAllOptions = {},
  ): Effect.Effect<IngestionSummary, IngestionIncomplete | ConfigurationError | E, R | HttpClient.HttpClient | Auth> =>
    Effect.suspend(() => {
      const tracker = new Tracker()
      const rejected: Array<Rejection> = []
      const progress = options.progress
      return Stream.runForEach(run(events, options, tracker), (result) =>
        Effect.sync(() => {
          for (const rejection of result.rejected) rejected.push(rejection)
        })).pipe(
          // Once the run has stopped, nothing more is taken from the stream: the tracker is exact, however it ended.
          Effect.onExit(() =>
            progress === undefined ? Effect.void : Effect.suspend(() => Ref.set(progress, tracker.progress(rejected)))
          ),
          Effect.mapError((error) => error instanceof BatchFailed ? tracker.incomplete(error.error, rejected) : error),
          Effect.map((): IngestionSummary => ({ events: tracker.acknowledged, accepted: tracker.accepted, rejected })),
        )
    }),
)
