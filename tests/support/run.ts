import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Cause from "effect/Cause"
import * as Option from "effect/Option"
import { Togai } from "../../mod.ts"

/** The token every test uses; tests check that it never shows in an error. */
export const token = "tok_test_SECRET_4242"

/**
 * Runs an operation the way a user would, with `Togai.layer` pointed at
 * `baseUrl`. Retries are off unless asked for, so a status maps to exactly
 * one request.
 */
export const run = <A, E>(
  effect: Effect.Effect<A, E, Togai.Requirements>,
  baseUrl: string,
  options: Partial<Togai.Options> = {},
): Promise<Exit.Exit<A, E>> =>
  Effect.runPromiseExit(effect.pipe(Effect.provide(Togai.layer({ token, baseUrl, retry: false, ...options }))))

/** The value of a successful exit; throws with the cause otherwise. */
export const success = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isSuccess(exit)) return exit.value
  throw new Error(`expected success, got ${Cause.pretty(exit.cause)}`)
}

/** The typed error of a failed exit; throws if it succeeded or died. */
export const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isFailure(exit)) {
    const error = Cause.failureOption(exit.cause)
    if (Option.isSome(error)) return error.value
    throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  }
  throw new Error(`expected a failure, got success: ${JSON.stringify(exit.value)}`)
}
