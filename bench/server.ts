/**
 * The benchmark's Togai stand-in: a loopback HTTP server that answers with
 * canned bytes, so the figures measure the clients and not the server. It
 * runs in its own process (bench/main.ts starts it with `Deno.command`) so
 * it never shares the clients' event loop.
 *
 * It listens on 127.0.0.1 on a free port, prints `{"port": N}` as its first
 * line, and exits when its stdin closes (when the benchmark ends, or dies).
 *
 * Routes:
 * - `GET  /customers/{c}/accounts/{a}`: 200 with one account;
 * - `POST /customers/{c}/accounts`: reads the body, 201 with one account;
 * - `GET  /customers/{c}/accounts?pageSize=N&nextToken=T`: a page of N
 *   accounts out of {@link totalAccounts}; the token is the index of the
 *   page's first account, and the last page has an empty `nextToken`.
 */

import { serveUntilStdinCloses } from "./serverProcess.ts"

/** How many accounts the paged route holds. */
export const totalAccounts = 100_000

/** The account the single-account routes answer with. */
export const oneAccount = {
  id: "ACC00001",
  name: "Primary Account",
  aliases: [{ alias: "acme_primary", status: "ACTIVE" }, { alias: "acme_1", status: "ACTIVE" }],
  status: "ACTIVE",
}

/** The i-th account of the paged route. */
export const accountAt = (i: number) => ({
  id: `ACC${String(i).padStart(6, "0")}`,
  name: `Account number ${i}`,
  aliases: [{ alias: `alias_${i}`, status: "ACTIVE" }],
  status: i % 10 === 0 ? "ARCHIVED" : "ACTIVE",
})

/** The page of `pageSize` accounts that starts at `start`, as Togai would send it. */
export const pageAt = (start: number, pageSize: number, total: number = totalAccounts) => {
  const end = Math.min(total, start + pageSize)
  const data = []
  for (let i = start; i < end; i++) data.push(accountAt(i))
  return { data, nextToken: end < total ? String(end) : "", context: { pageSize, sortOrder: "ASC" } }
}

const encoder = new TextEncoder()
const jsonHeaders = { "content-type": "application/json" }
const accountBytes = encoder.encode(JSON.stringify(oneAccount))
/** Pages by "start/pageSize", encoded once: the server's cost per request stays constant. */
const pages = new Map<string, Uint8Array<ArrayBuffer>>()

const pageBytes = (start: number, pageSize: number): Uint8Array<ArrayBuffer> => {
  const key = `${start}/${pageSize}`
  let bytes = pages.get(key)
  if (bytes === undefined) {
    bytes = encoder.encode(JSON.stringify(pageAt(start, pageSize)))
    pages.set(key, bytes)
  }
  return bytes
}

const handler = async (request: Request): Promise<Response> => {
  const url = new URL(request.url)
  const parts = url.pathname.split("/")
  // ["", "customers", c, "accounts", a?]
  if (parts[1] !== "customers" || parts[3] !== "accounts") return new Response(null, { status: 404 })
  if (parts.length === 5 && request.method === "GET") {
    return new Response(accountBytes, { status: 200, headers: jsonHeaders })
  }
  if (parts.length === 4 && request.method === "POST") {
    await request.arrayBuffer()
    return new Response(accountBytes, { status: 201, headers: jsonHeaders })
  }
  if (parts.length === 4 && request.method === "GET") {
    const pageSize = Number(url.searchParams.get("pageSize") ?? "50")
    const start = Number(url.searchParams.get("nextToken") || "0")
    if (!Number.isSafeInteger(pageSize) || pageSize < 1 || !Number.isSafeInteger(start) || start < 0) {
      return new Response(JSON.stringify({ message: "bad page" }), { status: 400, headers: jsonHeaders })
    }
    return new Response(pageBytes(start, pageSize), { status: 200, headers: jsonHeaders })
  }
  return new Response(null, { status: 405 })
}

if (import.meta.main) await serveUntilStdinCloses(handler)
