/**
 * The ingestion benchmark's Togai stand-in (bench/ingestion.ts): a loopback
 * server for `POST /ingestBatch` that runs in a process of its own, so it
 * never shares the measured client's event loop, and that reports what it
 * saw. Run alone, it listens on 127.0.0.1 on a free port, prints
 * `{"port": N}` as its first line and exits when its stdin closes;
 * {@link startIngestionServer} does all that from the benchmark.
 *
 * Routes:
 * - `POST /ingestBatch`: without a quota, reads the body, counts its bytes
 *   and answers 202 `{"errors":[]}` from canned bytes (parsing nothing, so
 *   the figures measure the clients, not the server). With a quota, a
 *   request past it is answered 429 with `Retry-After` (whole seconds, as
 *   HTTP writes it) and its events are not taken; an admitted one is parsed
 *   and its events counted, and de-duplicated by id, as Togai does;
 * - `POST /reset?limit=N&policy=bucket|window`: forgets every count and
 *   id, and sets the quota: `limit` requests a second (0, the default, is
 *   none), enforced by a token bucket (`bucket`: holds `limit` tokens,
 *   refilled at `limit` a second, as the simulator and most gateways do)
 *   or a sliding window (`window`: at most `limit` admitted requests in
 *   any 1 s, the strictest reading of "N a second");
 * - `GET /stats`: the counts since the last reset, as {@link Stats}.
 */

import { serveUntilStdinCloses, spawnServer } from "./serverProcess.ts"

/** What the server saw since the last reset. */
export interface Stats {
  /** Every `POST /ingestBatch`, admitted or not. */
  readonly requests: number
  /** Those answered 429. */
  readonly rateLimited: number
  /** The bytes of every request body read (all of them, 429s included). */
  readonly bodyBytes: number
  /** Events in admitted requests (parsed only under a quota), duplicates included. */
  readonly events: number
  /** Distinct event ids in admitted requests (only under a quota). */
  readonly distinctIds: number
  /** Milliseconds from the first admitted request to the last, on the server's clock. */
  readonly admittedSpanMillis: number
}

/** How a quota is enforced. */
export type Policy = "bucket" | "window"

/** A running ingestion server, seen from the benchmark. */
export interface IngestionServer {
  readonly url: string
  /** Forgets the counts and the ids and sets the quota (`limit` 0: none). */
  readonly reset: (limit: number, policy?: Policy) => Promise<void>
  readonly stats: () => Promise<Stats>
  readonly close: () => Promise<void>
}

/** Starts this file in a process of its own and waits until it listens. Needs `--allow-run=deno`. */
export const startIngestionServer = async (): Promise<IngestionServer> => {
  const { url, close } = await spawnServer(new URL(import.meta.url))
  const control = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${url}${path}`, init)
    const body = await response.text()
    if (response.status !== 200) throw new Error(`${path}: status ${response.status}: ${body}`)
    return body
  }
  return {
    url,
    reset: async (limit, policy = "bucket") => {
      await control(`/reset?limit=${limit}&policy=${policy}`, { method: "POST" })
    },
    stats: async () => JSON.parse(await control("/stats")),
    close,
  }
}

// ---------------------------------------------------------------------------
// the server

const jsonHeaders = { "content-type": "application/json" }
const accepted = new TextEncoder().encode(JSON.stringify({ errors: [] }))
const decoder = new TextDecoder()

let limit = 0
let policy: Policy = "bucket"
let requests = 0
let rateLimited = 0
let bodyBytes = 0
let events = 0
let ids = new Set<string>()
let firstAdmitted = Number.NaN
let lastAdmitted = Number.NaN
/** The token bucket: tokens left at `refilledAt`. */
let tokens = 0
let refilledAt = 0
/** The sliding window: the times of the admitted requests of the last second, oldest first. */
let admitted: Array<number> = []

const reset = (newLimit: number, newPolicy: Policy) => {
  limit = newLimit
  policy = newPolicy
  requests = 0
  rateLimited = 0
  bodyBytes = 0
  events = 0
  ids = new Set()
  firstAdmitted = Number.NaN
  lastAdmitted = Number.NaN
  tokens = newLimit
  refilledAt = performance.now()
  admitted = []
}

/** Admits a request now, or says how many milliseconds until one would be. */
const admit = (now: number): number => {
  if (policy === "bucket") {
    tokens = Math.min(limit, tokens + ((now - refilledAt) * limit) / 1000)
    refilledAt = now
    if (tokens >= 1) {
      tokens -= 1
      return 0
    }
    return ((1 - tokens) * 1000) / limit
  }
  while (admitted.length > 0 && admitted[0] <= now - 1000) admitted.shift()
  if (admitted.length < limit) {
    admitted.push(now)
    return 0
  }
  return admitted[0] + 1000 - now
}

const ingestBatch = async (request: Request): Promise<Response> => {
  requests++
  const body = new Uint8Array(await request.arrayBuffer())
  bodyBytes += body.length
  if (limit > 0) {
    const now = performance.now()
    const wait = admit(now)
    if (wait > 0) {
      rateLimited++
      return new Response(JSON.stringify({ message: "Too many requests" }), {
        status: 429,
        headers: { ...jsonHeaders, "retry-after": String(Math.max(1, Math.ceil(wait / 1000))) },
      })
    }
    if (Number.isNaN(firstAdmitted)) firstAdmitted = now
    lastAdmitted = now
    const batch: { events: Array<{ id: string }> } = JSON.parse(decoder.decode(body))
    for (const event of batch.events) {
      events++
      ids.add(event.id)
    }
  }
  return new Response(accepted, { status: 202, headers: jsonHeaders })
}

const handler = (request: Request): Response | Promise<Response> => {
  const url = new URL(request.url)
  if (url.pathname === "/ingestBatch" && request.method === "POST") return ingestBatch(request)
  if (url.pathname === "/stats" && request.method === "GET") {
    const stats: Stats = {
      requests,
      rateLimited,
      bodyBytes,
      events,
      distinctIds: ids.size,
      admittedSpanMillis: Number.isNaN(firstAdmitted) ? 0 : lastAdmitted - firstAdmitted,
    }
    return new Response(JSON.stringify(stats), { status: 200, headers: jsonHeaders })
  }
  if (url.pathname === "/reset" && request.method === "POST") {
    const newLimit = Number(url.searchParams.get("limit") ?? "0")
    const newPolicy = url.searchParams.get("policy") ?? "bucket"
    if (!Number.isFinite(newLimit) || newLimit < 0 || (newPolicy !== "bucket" && newPolicy !== "window")) {
      return new Response(JSON.stringify({ message: "bad reset" }), { status: 400, headers: jsonHeaders })
    }
    reset(newLimit, newPolicy)
    return new Response("{}", { status: 200, headers: jsonHeaders })
  }
  return new Response(null, { status: 404 })
}

if (import.meta.main) {
  reset(0, "bucket")
  await serveUntilStdinCloses(handler)
}
