/**
 * Which failures are worth retrying, and how long to wait between tries.
 *
 * The client already retries each request on its own (`TogaiConfig`'s
 * `retry` policy: two retries by default). These are the same building
 * blocks, for retrying a whole workflow of your own, or a single call with
 * another policy:
 *
 * - {@link isRetryable}: the predicate. `RateLimited` always (Togai did not
 *   process the request); a 503 or a connection refused before anything was
 *   sent always; `TransportError`, `Timeout`, 502 and 504 only for GET,
 *   PATCH and DELETE, because a POST that failed that way may have been
 *   processed, and sending it again could create a second account.
 * - {@link schedule}: exponential backoff with jitter, a cap on each wait and
 *   on the number of retries, and `Retry-After` honoured up to a cap (a
 *   longer one fails at once with the `RateLimited` error instead of
 *   sleeping).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts, Retry, TogaiConfig } from "@effect-togai/client"
 *
 * const account = Accounts.getAccount("customer-1", "ACC00001").pipe(
 *   TogaiConfig.withRetries(false), // this call's own retries are replaced by the ones below
 *   Effect.retry({ schedule: Retry.schedule({ maxRetries: 5 }), while: Retry.isRetryable }),
 * )
 * ```
 *
 * @module
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleInterval from "effect/ScheduleInterval"
import { defaultRetryPolicy, type RetryPolicyInput } from "./TogaiConfig.ts"
import { RateLimited, ServiceUnavailable, Timeout, TransportError, UnexpectedStatus } from "./TogaiError.ts"

/**
 * Whether a failed request can be sent again with the effect of once: the
 * error says so (`idempotent`: ingestion, which Togai de-duplicates by
 * event id), or its method does (Togai's PATCH sets fields; it does not add).
 */
const safeToResend = (error: {
  readonly method?: string | undefined
  readonly idempotent?: boolean | undefined
}): boolean => error.idempotent ?? (error.method === "GET" || error.method === "DELETE" || error.method === "PATCH")

/**
 * Whether a failure is worth retrying: true for the failures that a second
 * try may fix and that cannot do harm when sent again.
 *
 * | failure | GET, PATCH, DELETE | POST |
 * | --- | --- | --- |
 * | `RateLimited` (429) | yes | yes: Togai did not process it |
 * | `ServiceUnavailable`, `UnexpectedStatus` 503 | yes | yes: Togai did not process it |
 * | `UnexpectedStatus` 502, 504 | yes | no: it may have been processed |
 * | `TransportError` while connecting (refused, DNS, TLS) | yes | yes: nothing was sent |
 * | `TransportError` after sending, or unknown | yes | no |
 * | `Timeout` | yes | no |
 * | anything else (4xx, 500, `DecodeError`, `InvalidRequest`) | no | no |
 *
 * Ingestion (`Events.ingest`, `Events.ingestBatch`) is a POST that is safe
 * to send again, because Togai de-duplicates events by their `id`: its
 * errors say `idempotent: true` and follow the GET column. An error whose
 * method is unknown is treated like a POST.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts, Retry } from "@effect-togai/client"
 *
 * const accounts = Accounts.getAccounts("customer-1").pipe(
 *   Effect.retry({ schedule: Retry.schedule(), while: Retry.isRetryable }),
 * )
 * ```
 *
 * @since 0.1.0
 */
export const isRetryable = (error: unknown): boolean => {
  if (error instanceof RateLimited || error instanceof ServiceUnavailable) return true
  if (error instanceof UnexpectedStatus) {
    return error.status === 503 || ((error.status === 502 || error.status === 504) && safeToResend(error))
  }
  if (error instanceof TransportError) return error.phase === "connect" || safeToResend(error)
  if (error instanceof Timeout) return safeToResend(error)
  return false
}

/**
 * The options of {@link schedule}: the same fields as the client's retry
 * policy, each with the default of `TogaiConfig.defaultRetryPolicy`.
 *
 * @since 0.1.0
 */
export type ScheduleOptions = RetryPolicyInput

/**
 * What the schedule decided for one failure: which retry comes next and
 * how long it waits first.
 *
 * @since 0.1.0
 */
export interface Step {
  /** The retry this wait precedes: 1 for the first retry. */
  readonly retry: number
  /** The wait before it. */
  readonly delay: Duration.Duration
}

/**
 * The wait before retry number `retries + 1` after `error`, or `undefined`
 * when the schedule should stop. `random` is in [0, 1).
 */
const nextDelay = (
  policy: {
    readonly maxRetries: number
    readonly baseMillis: number
    readonly maxMillis: number
    readonly maxRetryAfterMillis: number
  },
  retries: number,
  error: unknown,
  random: number,
): number | undefined => {
  if (!(retries < policy.maxRetries)) return undefined
  // exponential, capped, then "equal jitter": between half and all of the step, so retries spread but still back off
  const step = Math.min(policy.maxMillis, policy.baseMillis * 2 ** retries)
  const backoff = Math.round(step / 2 + (step / 2) * random)
  if ((error instanceof RateLimited || error instanceof ServiceUnavailable) && error.retryAfter !== undefined) {
    const retryAfter = Duration.toMillis(error.retryAfter)
    if (retryAfter > policy.maxRetryAfterMillis) return undefined
    return Math.max(backoff, retryAfter)
  }
  return backoff
}

/**
 * The retry schedule: exponential backoff from `baseDelay` (doubling, with
 * jitter between half and all of each step, never longer than `maxDelay`),
 * at most `maxRetries` retries, and, after a `RateLimited` error with
 * `retryAfter`, a wait of at least that long; a `retryAfter` beyond
 * `maxRetryAfter` stops the schedule at once, so the `RateLimited` error is
 * the result instead of a long sleep.
 *
 * It retries whatever it is given: pair it with {@link isRetryable} (as
 * `while`) so that only safe failures are retried. It reads the errors it
 * receives, so it works with any error type.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts, Retry } from "@effect-togai/client"
 *
 * const account = Accounts.getAccount("customer-1", "ACC00001").pipe(
 *   Effect.retry({ schedule: Retry.schedule({ maxRetries: 4, maxRetryAfter: "2 minutes" }), while: Retry.isRetryable }),
 * )
 * ```
 *
 * @since 0.1.0
 */
export const schedule = (options: ScheduleOptions = {}): Schedule.Schedule<Step, unknown> => {
  const maxRetries = options.maxRetries ?? defaultRetryPolicy.maxRetries
  const policy = {
    maxRetries: Number.isNaN(maxRetries) ? 0 : maxRetries,
    baseMillis: Duration.toMillis(options.baseDelay ?? defaultRetryPolicy.baseDelay),
    maxMillis: Duration.toMillis(options.maxDelay ?? defaultRetryPolicy.maxDelay),
    maxRetryAfterMillis: Duration.toMillis(options.maxRetryAfter ?? defaultRetryPolicy.maxRetryAfter),
  }
  return Schedule.makeWithState(0, (now, error: unknown, retries: number) =>
    Effect.map(Random.next, (random) => {
      const delay = nextDelay(policy, retries, error, random)
      const step: Step = { retry: retries + 1, delay: Duration.millis(delay ?? 0) }
      return delay === undefined
        ? [retries, step, ScheduleDecision.done] as const
        : [retries + 1, step, ScheduleDecision.continueWith(ScheduleInterval.after(now + delay))] as const
    }))
}
