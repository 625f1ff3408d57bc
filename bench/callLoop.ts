/**
 * The loop the benchmark runs Effect calls in: `calls` calls of `one`,
 * `width` at a time, as bench/main.ts's raw loop makes them, `width`
 * fibers each making calls one after the other until all are made (rather
 * than `Effect.forEach` with a concurrency, which forks a fiber per call
 * and would measure that too).
 */
import * as Effect from "effect/Effect"

/** `calls` calls of `one`, `width` at a time. */
export const callLoop = <A, E, R>(
  one: Effect.Effect<A, E, R>,
  calls: number,
  width: number,
): Effect.Effect<void, E, R> =>
  Effect.suspend(() => {
    let started = 0
    const worker = Effect.whileLoop({
      while: () => started < calls,
      body: () => {
        started++
        return one
      },
      step: () => {},
    })
    return width === 1
      ? worker
      : Effect.all(Array.from({ length: width }, () => worker), { concurrency: "unbounded", discard: true })
  })
