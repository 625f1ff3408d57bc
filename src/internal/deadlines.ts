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
 * requests that are due and waits for the next. A request that settles
 * drops its callback at once (the callback holds the request's whole
 * state: at concurrency 32 there is always an older request in flight, and
 * `deno task bench:gc` saw the held states promoted out of V8's young
 * generation by the thousand), and its entry leaves the queue as soon as
 * nothing older is still in flight.
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

interface Entry {
  readonly at: number
  /** Dropped once the entry is done: it holds the request's whole state, and the queue may hold the entry a while. */
  expire: (() => void) | undefined
}

/** The deadlines of one timeout length, oldest first, from `head`; `timer` waits for the oldest. */
interface Queue {
  entries: Array<Entry>
  head: number
  timer: ReturnType<typeof setTimeout> | undefined
}

const queues = new Map<number, Queue>()

/** Whether this runtime's timers can be unref'd: learnt from the first timer. */
let unrefs: boolean | undefined

/** Drops settled entries from the head; empties the array once nothing is left, compacts it once most is behind. */
const dropSettled = (queue: Queue): void => {
  while (queue.head < queue.entries.length && queue.entries[queue.head].expire === undefined) queue.head++
  if (queue.head === queue.entries.length) {
    queue.entries = []
    queue.head = 0
  } else if (queue.head > 1024 && queue.head * 2 > queue.entries.length) {
    queue.entries = queue.entries.slice(queue.head)
    queue.head = 0
  }
}

/** Sets the queue's timer for its oldest entry, unref'd; whether it could be unref'd. */
const arm = (queue: Queue, now: number): boolean => {
  const timer = setTimeout(() => fire(queue), Math.max(0, queue.entries[queue.head].at - now))
  queue.timer = timer
  const unref: unknown = (timer as { unref?: unknown }).unref
  if (typeof unref !== "function") return false
  unref.call(timer)
  return true
}

const fire = (queue: Queue): void => {
  queue.timer = undefined
  const now = performance.now()
  for (; queue.head < queue.entries.length; queue.head++) {
    const entry = queue.entries[queue.head]
    const expire = entry.expire
    if (expire === undefined) continue
    if (entry.at > now) break
    entry.expire = undefined
    expire()
  }
  dropSettled(queue)
  if (queue.head < queue.entries.length) arm(queue, now)
}

/**
 * Calls `expire` once `millis` have passed, unless `clear` is called
 * first. `millis` must be at most what `setTimeout` can wait (2^31 - 1).
 */
export const deadline = (millis: number, expire: () => void): Deadline => {
  if (unrefs !== false) {
    let queue = queues.get(millis)
    if (queue === undefined) queues.set(millis, queue = { entries: [], head: 0, timer: undefined })
    const now = performance.now()
    const entry: Entry = { at: now + millis, expire }
    queue.entries.push(entry)
    if (queue.timer !== undefined || (unrefs = arm(queue, now))) {
      const owner = queue
      return {
        clear: () => {
          if (entry.expire === undefined) return
          entry.expire = undefined
          dropSettled(owner)
        },
      }
    }
    // A timer that would keep the process alive: from now on, one timer per request, cleared with it.
    clearTimeout(queue.timer)
    queues.delete(millis)
  }
  const timer = setTimeout(expire, millis)
  return { clear: () => clearTimeout(timer) }
}
