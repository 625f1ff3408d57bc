/**
 * Runs deadlines where `setTimeout` returns a number, as in browsers and
 * some edge runtimes (no `unref`): run as its own process by
 * tests/Deadlines.test.ts. Prints what fired, in order, as JSON.
 */
const realSetTimeout = globalThis.setTimeout
const realClearTimeout = globalThis.clearTimeout
const handles = new Map<number, ReturnType<typeof realSetTimeout>>()
let next = 0
let armed = 0
const numericSetTimeout = (callback: () => void, millis?: number): number => {
  const id = ++next
  armed++
  handles.set(id, realSetTimeout(callback, millis))
  return id
}
const numericClearTimeout = (id: number | undefined): void => {
  if (id === undefined) return
  realClearTimeout(handles.get(id))
  handles.delete(id)
}
Object.assign(globalThis, { setTimeout: numericSetTimeout, clearTimeout: numericClearTimeout })

const { deadline } = await import("../../src/internal/deadlines.ts")
const fired: Array<string> = []
deadline(20, () => fired.push("first"))
deadline(20, () => fired.push("cleared")).clear()
deadline(30, () => fired.push("third"))
// A long one, cleared: with ref'd numeric timers, leaving it armed would keep this process alive for a minute.
deadline(60_000, () => fired.push("long")).clear()
await new Promise((resolve) => realSetTimeout(resolve, 100))
console.log(JSON.stringify({ fired, armed }))
