/**
 * Creates 500 accounts with bounded concurrency while staying under the
 * server's rate limit, instead of collecting 429s.
 *
 *     deno run --allow-net=127.0.0.1 examples/bulk-create.ts
 *
 * Self-contained: it starts its own stand-in for Togai on 127.0.0.1 that
 * accepts `createAccount` and answers 429 (with `Retry-After: 1`) to any
 * request beyond 200 in the last second. The client limits itself with
 * `RateLimit.layer({ limit: 18, interval: "100 millis" })`: a token bucket
 * that lets a burst of 18 through, then one request every 6 ms (100/18 ms,
 * rounded up), so no second holds more than 18 + 167 = 185 of its
 * requests. A short interval
 * keeps the bursts small; `{ limit: 200, interval: "1 second" }` would
 * allow a burst of 200 and then 200 more in the same second.
 *
 * For comparison it then runs the same job without the limit: the server
 * answers 429s, which the client's retry policy absorbs by waiting out
 * each `Retry-After` (a request that meets three 429s in a row fails).
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Accounts, RateLimit, Togai } from "../mod.ts"

/** What a run did, as the server saw it. */
export interface Report {
  readonly created: number
  readonly failed: number
  /** The 429s the server answered (each one retried by the client after its `Retry-After`). */
  readonly rateLimited: number
  /** The most requests the server received within any one second. */
  readonly busiestSecond: number
  readonly seconds: number
}

/** A stand-in for Togai's `createAccount` that allows at most `serverLimit` requests in any one second. */
const startServer = (serverLimit: number) => {
  const arrivals: Array<number> = []
  const ids = new Set<string>()
  let rateLimited = 0
  let busiestSecond = 0
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const now = performance.now()
    while (arrivals.length > 0 && arrivals[0] <= now - 1000) arrivals.shift()
    if (arrivals.length >= serverLimit) {
      rateLimited++
      return Response.json({ message: "Too many requests" }, { status: 429, headers: { "retry-after": "1" } })
    }
    arrivals.push(now)
    busiestSecond = Math.max(busiestSecond, arrivals.length)
    const body: { id: string; name: string } = await request.json()
    ids.add(body.id)
    return Response.json({ id: body.id, name: body.name, status: "ACTIVE" }, { status: 201 })
  })
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    stats: () => ({ accounts: ids.size, rateLimited, busiestSecond }),
    close: () => server.shutdown(),
  }
}

/**
 * Creates `count` accounts, `concurrency` at a time, under a client-side
 * limit of `limit` requests per second (none when undefined), against a
 * server that allows `serverLimit` per second.
 */
export const bulkCreate = async (
  options: { count: number; concurrency: number; limit: number | undefined; serverLimit: number },
): Promise<Report> => {
  const server = startServer(options.serverLimit)
  const started = performance.now()
  try {
    const TogaiLive = Layer.merge(
      Togai.layer({ token: "example-token", baseUrl: server.url }),
      options.limit === undefined ? Layer.empty : RateLimit.layer({ limit: options.limit, interval: "100 millis" }),
    )
    const ids = Array.from({ length: options.count }, (_, index) => `ACC${String(index + 1).padStart(5, "0")}`)
    const results = await Effect.runPromise(
      Effect.forEach(
        ids,
        (id) => Effect.either(Accounts.createAccount("CUST01", { id, name: `Bulk account ${id}` })),
        { concurrency: options.concurrency },
      ).pipe(Effect.provide(TogaiLive)),
    )
    const failed = results.filter((result) => result._tag === "Left").length
    const { rateLimited, busiestSecond } = server.stats()
    return {
      created: results.length - failed,
      failed,
      rateLimited,
      busiestSecond,
      seconds: (performance.now() - started) / 1000,
    }
  } finally {
    await server.close()
  }
}

const describe = (report: Report): string =>
  `created ${report.created} accounts (${report.failed} failed) in ${report.seconds.toFixed(1)} s; ` +
  `the server answered 429 ${report.rateLimited} times; busiest second: ${report.busiestSecond} requests`

if (import.meta.main) {
  const job = { count: 500, concurrency: 20, serverLimit: 200 }
  console.log(
    `with RateLimit.layer({ limit: 18, interval: "100 millis" }): ${describe(await bulkCreate({ ...job, limit: 18 }))}`,
  )
  console.log(`without a client-side limit: ${describe(await bulkCreate({ ...job, limit: undefined }))}`)
}
