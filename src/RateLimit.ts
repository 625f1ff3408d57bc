/**
 * Client-side rate limiting: at most `limit` requests per `interval`,
 * across every operation that shares the layer, so a bulk job stays under
 * Togai's limit instead of collecting 429s.
 *
 * Without the layer nothing is limited, and operations need nothing more:
 * `RateLimit` is a `Context.Reference` whose default lets every request
 * through. Each HTTP request takes one permit, retries included; the wait
 * for a permit is not part of the per-request timeout (an `Effect.timeout`
 * around the call covers it).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import { Accounts, RateLimit, Togai } from "@effect-togai/client"
 *
 * const TogaiLive = Layer.merge(
 *   Togai.layer({ token: "..." }),
 *   RateLimit.layer({ limit: 50, interval: "1 second" }),
 * )
 *
 * const program = Effect.forEach(
 *   ["ACC1", "ACC2", "ACC3"],
 *   (id) => Accounts.createAccount("customer-1", { id, name: `Account ${id}` }),
 *   { concurrency: 10 },
 * ).pipe(Effect.provide(TogaiLive))
 * ```
 *
 * @module
 */
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as RateLimiter from "effect/RateLimiter"

/**
 * How many requests a {@link layer} lets through.
 *
 * @since 0.1.0
 */
export interface Options {
  /** How many requests per `interval`. */
  readonly limit: number
  /** The length of the window, e.g. `"1 second"`. */
  readonly interval: Duration.DurationInput
  /**
   * `token-bucket` (the default) lets a burst of `limit` through, then one
   * request each `interval / limit`; `fixed-window` lets `limit` through
   * per window.
   */
  readonly algorithm?: "token-bucket" | "fixed-window" | undefined
}

/** Lets every request through at once: the default when no layer is provided. */
const unlimited = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> => effect

const RateLimitBase: Context.ReferenceClass<RateLimit, "@effect-togai/client/RateLimit", RateLimiter.RateLimiter> =
  Context.Reference<RateLimit>()("@effect-togai/client/RateLimit", {
    defaultValue: (): RateLimiter.RateLimiter => unlimited,
  })

/**
 * The rate limiter every request waits on; by default, none. Provide one
 * with {@link layer}, or any `RateLimiter` of your own with
 * `Layer.succeed(RateLimit.RateLimit, limiter)` to share it with other
 * work.
 *
 * @since 0.1.0
 */
export class RateLimit extends RateLimitBase {}

/**
 * A layer that limits every Togai request it serves to `limit` per
 * `interval`. One limiter is shared by all operations the layer is
 * provided to; it lives as long as the layer's scope.
 *
 * @example
 * ```ts
 * import { RateLimit } from "@effect-togai/client"
 *
 * // stay a little under the limit of your Togai plan
 * const TwentyPerSecond = RateLimit.layer({ limit: 20, interval: "1 second" })
 * ```
 *
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<RateLimit> =>
  Layer.scoped(
    RateLimit,
    RateLimiter.make({ limit: options.limit, interval: options.interval, algorithm: options.algorithm }),
  )
