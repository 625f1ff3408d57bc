/**
 * The floor both benchmark scripts measure the client against.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { deadline } from "../src/internal/deadlines.ts"
import { userAgent } from "../src/internal/version.ts"

/** The headers the client sends on a GET with this token, as the raw baseline and the floor send them too. */
export const requestHeaders = (token: string): Record<string, string> => ({
  accept: "application/json",
  "user-agent": userAgent,
  authorization: `Bearer ${token}`,
})

/**
 * The least a correct Effect call can do, without the client: one
 * `Effect.async` around `fetch` that reads the body and decodes it with the
 * client's decoder, a deadline that aborts it (one timer per timeout
 * length, as the client keeps them), and an abort on interruption. The
 * abort is not the `Effect.async` canceler, which costs an `Effect.onExit`
 * per call, but, as in the client, one `Effect.matchCauseEffect` in an
 * uninterruptible region around the call. Everything the client adds on
 * top (input checks, headers, status mapping, retries, rate limit, spans)
 * is the difference between this row and the client's.
 */
export const effectFloor = <A>(
  url: string,
  init: RequestInit,
  decode: (json: unknown) => Either.Either<A, unknown>,
): Effect.Effect<A, unknown> =>
  Effect.suspend(() => {
    let abort: (() => void) | undefined
    const call = Effect.async<A, unknown>((resume) => {
      const controller = new AbortController()
      const timer = deadline(60_000, () => controller.abort())
      abort = () => {
        timer.clear()
        controller.abort()
      }
      fetch(url, { ...init, signal: controller.signal }).then((response) => response.text()).then(
        (body) => {
          abort = undefined
          timer.clear()
          const decoded = decode(JSON.parse(body))
          resume(Either.isRight(decoded) ? Effect.succeed(decoded.right) : Effect.fail(decoded.left))
        },
        (cause: unknown) => {
          abort = undefined
          timer.clear()
          resume(Effect.fail(cause))
        },
      )
    })
    return Effect.uninterruptibleMask((restore) =>
      Effect.matchCauseEffect(restore(call), {
        onFailure: (cause) => {
          abort?.()
          return Effect.failCause(cause)
        },
        onSuccess: Effect.succeed,
      })
    )
  })
