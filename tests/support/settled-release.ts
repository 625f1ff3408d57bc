/**
 * Run by tests/Deadlines.test.ts with `--v8-flags=--expose-gc`: while one
 * old request is still in flight (so its timeout's queue never empties),
 * 1,000 newer ones settle. Prints how many of the settled requests' states
 * are still reachable after a full collection: the state their `expire`
 * callbacks close over must be let go when they settle, not when the queue
 * gets past the old request.
 */
import { deadline } from "../../src/internal/deadlines.ts"

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc")

const inFlight = deadline(60_000, () => {})
const states: Array<WeakRef<object>> = []
for (let i = 0; i < 1_000; i++) {
  // What a request's deadline callback holds: its controller, its span, its answer's continuation...
  const state = { controller: new AbortController(), payload: new Array(64).fill(i) }
  states.push(new WeakRef(state))
  deadline(60_000, () => state.controller.abort()).clear()
}
// WeakRef targets are kept to the end of the current job; collect after it.
await new Promise((resolve) => setTimeout(resolve, 0))
gc()
console.log(JSON.stringify({ reachable: states.filter((state) => state.deref() !== undefined).length }))
inFlight.clear()
