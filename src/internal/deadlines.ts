/**
 * Deadlines for in-flight requests, kept by one timer per timeout length
 * instead of one `setTimeout` per request.
 *
 * `deno task bench` measured a timer per request (armed, then cleared when
 * the answer is in) among the largest costs of a call on Deno, whose
 * `setTimeout` is Node's, with its own objects per timer. Every request
 * with the same timeout gets its deadline in the order it started, so the
 * deadlines of one timeout length form a queue: a request joins at the
 * tail, the one timer waits for the head, and when it fires it expires the
 * requests that are due and waits for the next. A request that settles is
 * marked done and leaves the queue as soon as nothing older is still in
 * flight.
 *
 * The timer must not keep a process alive on its own (a script that made
 * its last call would otherwise wait out the timeout before exiting), so it
 * is unref'd; a request in flight keeps the event loop alive itself, so its
 * deadline still fires. Where a runtime's timer has no `unref` (browsers and
 * some edge runtimes give a number), each request gets its own timer, armed
 * and cleared as before.
 *
 * @internal
 * @module
 */

/** One request's deadline. */
export interface Deadline {
  /** Marks the request settled: its deadline will not fire. */
  readonly clear: () => void
}

interface Entry extends Deadline {
  readonly at: number
  readonly expire: () => void
  done: boolean
}

interface Queue {
  readonly millis: number
  entries: Array<Entry>
  /** Index of the oldest entry still in `entries`. */
  head: number
  timer: ReturnType<typeof setTimeout> | undefined
}

const queues = new Map<number, Queue>()

/** Whether this runtime's timers can be unref'd: learnt from the first timer. */
let unrefSupported: boolean | undefined

const unref = (timer: ReturnType<typeof setTimeout>): boolean => {
  const candidate = timer as unknown as { unref?: unknown }
  if (typeof candidate === "object" && candidate !== null && typeof candidate.unref === "function") {
    ;(candidate.unref as () => void).call(candidate)
    return true
  }
  return false
}

/** Drops settled entries from the head, and compacts the array once most of it is behind the head. */
const dropSettled = (queue: Queue): void => {
  const { entries } = queue
  while (queue.head < entries.length && entries[queue.head].done) queue.head++
  if (queue.head === entries.length) {
    queue.entries = []
    queue.head = 0
  } else if (queue.head > 1024 && queue.head * 2 > entries.length) {
    queue.entries = entries.slice(queue.head)
    queue.head = 0
  }
}

/** Sets the queue's timer for its oldest entry; whether the timer could be unref'd. */
const arm = (queue: Queue, now: number): boolean => {
  const next = queue.entries[queue.head]
  queue.timer = setTimeout(() => fire(queue), Math.max(0, next.at - now))
  return unref(queue.timer)
}

const fire = (queue: Queue): void => {
  queue.timer = undefined
  const now = performance.now()
  const { entries } = queue
  while (queue.head < entries.length) {
    const entry = entries[queue.head]
    if (!entry.done) {
      if (entry.at > now) break
      entry.done = true
      entry.expire()
    }
    queue.head++
  }
  dropSettled(queue)
  if (queue.head < queue.entries.length) arm(queue, now)
}

const ownTimer = (millis: number, expire: () => void): Deadline => {
  const timer = setTimeout(expire, millis)
  return { clear: () => clearTimeout(timer) }
}

/**
 * Calls `expire` once `millis` have passed, unless `clear` is called
 * first. `millis` must be at most what `setTimeout` can wait (2^31 - 1).
 */
export const deadline = (millis: number, expire: () => void): Deadline => {
  if (unrefSupported === false) return ownTimer(millis, expire)
  let queue = queues.get(millis)
  if (queue === undefined) {
    queue = { millis, entries: [], head: 0, timer: undefined }
    queues.set(millis, queue)
  }
  const now = performance.now()
  const owner = queue
  const entry: Entry = {
    at: now + millis,
    expire,
    done: false,
    clear: () => {
      if (entry.done) return
      entry.done = true
      if (owner.entries[owner.head] === entry) dropSettled(owner)
    },
  }
  queue.entries.push(entry)
  if (queue.timer === undefined) {
    const unrefd = arm(queue, now)
    if (unrefSupported === undefined) {
      unrefSupported = unrefd
      if (!unrefd) {
        // A timer that would keep the process alive: go back to one timer per request.
        clearTimeout(queue.timer)
        queue.timer = undefined
        queues.delete(millis)
        return ownTimer(millis, expire)
      }
    }
  }
  return entry
}
