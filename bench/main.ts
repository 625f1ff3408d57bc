/**
 * `deno task bench`: what the client costs the program that calls it, as
 * ratios measured in the same run (README, Performance).
 *
 * Per call (`getAccount` and `createAccount`, one at a time and 32 at a
 * time), wall time and this process's CPU time for three contenders:
 * - raw `fetch` + `JSON.parse`: the floor, 1.00x;
 * - the naive Effect client: `@effect/platform`'s `FetchHttpClient`, an
 *   `HttpClientRequest`, `HttpClientResponse.schemaBodyJson(Schemas.Account)`,
 *   the default tracer, no retries, no timeout;
 * - this client through its public API, with `Togai.layer`'s defaults.
 * The goal: the client costs at most what the naive client does, in wall
 * time and in CPU time. It does more (input validation, retries, a timeout,
 * redaction), so this guards against regressions; it is not a race.
 *
 * Then `Accounts.stream` over the server's 100,000 accounts in pages of
 * 1,000: accounts per second against a raw `fetch` page loop, and the heap's
 * growth after GC while it runs (goal: under 30 MB).
 *
 * Then the ingestion rows (bench/ingestion.ts, its own server): `Events.ingestAll`
 * against a raw `fetch` loop, and at a quota that the server enforces; and
 * the backfill tool on a file of a million lines, whole and killed half way
 * then resumed (bench/backfill.ts).
 *
 * The machine is shared, so every case runs in many short rounds, taking
 * turns; a ratio is the median over the rounds of one case's time against
 * another's in the same round, so a burst of someone else's work moves a
 * few rounds, not the median. The server (bench/server.ts) runs in its own
 * process and answers canned bytes; CPU time is this process's only.
 *
 * `--quick`: fewer calls and rounds, to check the script itself.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Stream from "effect/Stream"
import process from "node:process"
import { Accounts, Schemas, Togai } from "../mod.ts"
import { callLoop } from "./callLoop.ts"
import { oneAccount, totalAccounts } from "./server.ts"
import { main as ingestion } from "./ingestion.ts"
import { startServer } from "./serverProcess.ts"

const token = "tok_bench_0000"
const customerId = "CUST01"
const accountId = "ACC00001"
const newAccount = { id: "ACC00002", name: "Secondary Account", aliases: ["acme_secondary"] }

const quick = Deno.args.includes("--quick")
const rounds = quick ? 3 : 41
const sequentialCalls = quick ? 50 : 200
const concurrentCalls = quick ? 100 : 400
const concurrency = 32
const streamRounds = quick ? 1 : 15
const streamPageSize = 1_000

// ---------------------------------------------------------------------------
// measuring

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** A thing to time: it does `units` units of work (calls, accounts) per run. */
interface Case {
  readonly name: string
  readonly run: () => Promise<unknown>
  readonly units: number
}

/** Per round, one case's wall and CPU time per unit (µs). */
interface Samples {
  readonly wall: Array<number>
  readonly cpu: Array<number>
}

/**
 * Runs every case once as a warm-up, then `roundCount` rounds of every case,
 * rotating the order each round so that no case always runs first. CPU time
 * is this process's, user + system (all its threads: Deno's fetch runs on
 * them too).
 */
const measure = async (cases: ReadonlyArray<Case>, roundCount: number): Promise<Map<string, Samples>> => {
  for (const c of cases) await c.run()
  const samples = new Map<string, Samples>(cases.map((c) => [c.name, { wall: [], cpu: [] }]))
  for (let round = 0; round < roundCount; round++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + round) % cases.length]
      const cpuBefore = process.cpuUsage()
      const start = performance.now()
      await c.run()
      const wall = ((performance.now() - start) * 1000) / c.units
      const cpu = process.cpuUsage(cpuBefore)
      samples.get(c.name)?.wall.push(wall)
      samples.get(c.name)?.cpu.push((cpu.user + cpu.system) / c.units)
    }
  }
  return samples
}

/** The median over the rounds of `values[round] / against[round]`. */
const pairedRatio = (values: ReadonlyArray<number>, against: ReadonlyArray<number>): number =>
  median(values.map((value, round) => value / against[round]))

const samplesOf = (samples: Map<string, Samples>, name: string): Samples => {
  const found = samples.get(name)
  if (found === undefined) throw new Error(`no case named ${name}`)
  return found
}

const rows: Array<ReadonlyArray<string>> = [["", "", "wall / call", "ratio", "CPU / call", "ratio"]]
const row = (...cells: ReadonlyArray<string>) => rows.push(cells)
const verdicts: Array<string> = []
const fixed = (n: number, digits = 1) => n.toFixed(digits)
const check = (ok: boolean) => (ok ? "ok" : "MISSED")

// ---------------------------------------------------------------------------
// the contenders

/** What every contender sends on a GET: JSON wanted, and the token. */
const headers = { accept: "application/json", authorization: `Bearer ${token}` }
const postHeaders = { ...headers, "content-type": "application/json" }

const rawCall = (url: string, init: RequestInit, status: number) => async () => {
  const response = await fetch(url, init)
  const body = await response.text()
  if (response.status !== status) throw new Error(`status ${response.status}`)
  return JSON.parse(body)
}

/** `calls` calls of `one`, `width` at a time, as bench/callLoop.ts makes them for Effect. */
const rawLoop = (one: () => Promise<unknown>, calls: number, width: number) => async () => {
  let started = 0
  const worker = async () => {
    while (started < calls) {
      started++
      await one()
    }
  }
  await Promise.all(Array.from({ length: width }, worker))
}

/** The naive Effect client: send the request, check the status, decode the body with the schema. */
const naiveCall = (request: HttpClientRequest.HttpClientRequest, status: number) =>
  Effect.flatMap(HttpClient.HttpClient, (client) => client.execute(request)).pipe(
    Effect.flatMap((response) =>
      response.status === status
        ? HttpClientResponse.schemaBodyJson(Schemas.Account)(response)
        : Effect.fail(new Error(`status ${response.status}`))
    ),
  )

// ---------------------------------------------------------------------------

const server = await startServer()
try {
  const url = server.url
  const accountUrl = `${url}/customers/${customerId}/accounts/${accountId}`
  const accountsUrl = `${url}/customers/${customerId}/accounts`
  // Default settings: only the token and the server's address are given.
  const client = ManagedRuntime.make(Togai.layer({ token, baseUrl: url }))
  const naive = ManagedRuntime.make(FetchHttpClient.layer)

  console.log(
    `Togai client benchmark: Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores, ${rounds} rounds` +
      `${quick ? " (--quick)" : ""}; ratios are medians of per-round ratios, to raw fetch + JSON.parse\n`,
  )

  // 1. per call ------------------------------------------------------------
  const operations = [
    {
      name: "getAccount",
      raw: rawCall(accountUrl, { headers }, 200),
      naive: naiveCall(
        HttpClientRequest.get(accountUrl).pipe(HttpClientRequest.bearerToken(token), HttpClientRequest.acceptJson),
        200,
      ),
      client: Accounts.getAccount(customerId, accountId),
    },
    {
      name: "createAccount",
      raw: rawCall(accountsUrl, { method: "POST", headers: postHeaders, body: JSON.stringify(newAccount) }, 201),
      naive: naiveCall(
        HttpClientRequest.post(accountsUrl).pipe(
          HttpClientRequest.bearerToken(token),
          HttpClientRequest.acceptJson,
          HttpClientRequest.bodyUnsafeJson(newAccount),
        ),
        201,
      ),
      client: Accounts.createAccount(customerId, newAccount),
    },
  ]
  for (const operation of operations) {
    // Every contender gets the same account back, or the figures compare different work.
    const answers = [
      await operation.raw(),
      await naive.runPromise(operation.naive),
      await client.runPromise(operation.client),
    ]
    for (const answer of answers) {
      if (answer.name !== oneAccount.name) {
        throw new Error(`${operation.name}: unexpected answer ${JSON.stringify(answer)}`)
      }
    }
  }
  for (const [width, calls] of [[1, sequentialCalls], [concurrency, concurrentCalls]] as const) {
    for (const operation of operations) {
      const samples = await measure([
        { name: "raw", run: rawLoop(operation.raw, calls, width), units: calls },
        { name: "naive", run: () => naive.runPromise(callLoop(operation.naive, calls, width)), units: calls },
        { name: "client", run: () => client.runPromise(callLoop(operation.client, calls, width)), units: calls },
      ], rounds)
      const raw = samplesOf(samples, "raw")
      const label = `${operation.name}, ${width === 1 ? "sequential" : `${width} at a time`}`
      const line = (first: string, name: string, description: string) => {
        const { wall, cpu } = samplesOf(samples, name)
        row(
          first,
          description,
          `${fixed(median(wall))} µs`,
          `${fixed(pairedRatio(wall, raw.wall), 2)}x`,
          `${fixed(median(cpu))} µs`,
          `${fixed(pairedRatio(cpu, raw.cpu), 2)}x`,
        )
      }
      line(label, "raw", "raw fetch + JSON.parse (floor)")
      line("", "naive", "naive Effect (FetchHttpClient + schemaBodyJson)")
      line("", "client", "client (Togai.layer defaults)")
      const ours = samplesOf(samples, "client")
      const theirs = samplesOf(samples, "naive")
      for (
        const [kind, ratio] of [["wall", pairedRatio(ours.wall, theirs.wall)], [
          "CPU ",
          pairedRatio(ours.cpu, theirs.cpu),
        ]] as const
      ) {
        verdicts.push(
          `${label.padEnd(28)} ${kind}: client / naive = ${fixed(ratio, 2)} (goal <= 1.0) ${check(ratio <= 1)}`,
        )
      }
    }
  }

  // 2. the stream ----------------------------------------------------------
  const pageUrl = (nextToken: string) =>
    `${accountsUrl}?pageSize=${streamPageSize}${nextToken === "" ? "" : `&nextToken=${nextToken}`}`
  /** Every account of every page, each handed to `each`, with raw `fetch` + `JSON.parse`. */
  const rawPages = async (each: (account: { readonly status: string }) => void) => {
    let nextToken = ""
    do {
      const response = await fetch(pageUrl(nextToken), { headers })
      const page = JSON.parse(await response.text())
      for (const account of page.data) each(account)
      nextToken = page.nextToken ?? ""
    } while (nextToken !== "")
  }
  const accountStream = Accounts.stream(customerId, { pageSize: streamPageSize })
  // What both stream cases compute: how many accounts are active.
  const rawActive = async () => {
    let active = 0
    await rawPages((account) => {
      if (account.status === "ACTIVE") active++
    })
    return active
  }
  const clientActive = () =>
    client.runPromise(
      Stream.runFold(accountStream, 0, (active, account) => account.status === "ACTIVE" ? active + 1 : active),
    )
  const expectedActive = totalAccounts - totalAccounts / 10
  for (const [name, run] of [["raw", rawActive], ["client", clientActive]] as const) {
    const active = await run()
    if (active !== expectedActive) throw new Error(`${name} stream counted ${active}, expected ${expectedActive}`)
  }
  const s = await measure([
    { name: "raw", run: rawActive, units: totalAccounts },
    { name: "client", run: clientActive, units: totalAccounts },
  ], streamRounds)
  const rawStream = samplesOf(s, "raw")
  const clientStream = samplesOf(s, "client")
  const perSecond = (wall: ReadonlyArray<number>) => `${fixed(1e3 / median(wall), 0)}k accounts/s`
  const streamLabel = `stream ${totalAccounts.toLocaleString("en")} accounts, pages of ${
    streamPageSize.toLocaleString("en")
  }`
  row(
    streamLabel,
    "raw fetch + JSON.parse page loop",
    perSecond(rawStream.wall),
    "1.00x",
    `${fixed(median(rawStream.cpu), 2)} µs/account`,
    "1.00x",
  )
  // Throughput against the raw loop's: the inverse of the time's median ratio.
  const throughputRatio = 1 / pairedRatio(clientStream.wall, rawStream.wall)
  row(
    "",
    "Accounts.stream (Togai.layer defaults)",
    perSecond(clientStream.wall),
    `${fixed(throughputRatio, 2)}x`,
    `${fixed(median(clientStream.cpu), 2)} µs/account`,
    `${fixed(pairedRatio(clientStream.cpu, rawStream.cpu), 2)}x`,
  )

  // The heap after a forced GC at every page, against the heap after one before the stream: what the stream keeps.
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) {
    verdicts.push("stream heap growth: not measured (run with --v8-flags=--expose-gc)")
  } else {
    const growth = async (run: (each: () => void) => Promise<unknown>) => {
      gc()
      const before = Deno.memoryUsage().heapUsed
      let peak = 0
      let seen = 0
      await run(() => {
        if (++seen % streamPageSize === 0) {
          gc()
          peak = Math.max(peak, Deno.memoryUsage().heapUsed - before)
        }
      })
      gc()
      return { peak: peak / 2 ** 20, after: (Deno.memoryUsage().heapUsed - before) / 2 ** 20 }
    }
    const rawGrowth = await growth((each) => rawPages(each))
    const clientGrowth = await growth((each) =>
      client.runPromise(Stream.runForEach(accountStream, () => Effect.sync(each)))
    )
    verdicts.push(
      `stream heap growth (after GC, every page): raw ${fixed(rawGrowth.peak)} MB, ` +
        `client ${fixed(clientGrowth.peak)} MB, ${fixed(clientGrowth.after)} MB after the stream ` +
        `(goal < 30 MB) ${check(clientGrowth.peak < 30)}`,
    )
  }

  await client.dispose()
  await naive.dispose()
} finally {
  await server.close()
}

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
for (const r of rows) console.log(r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd())
console.log("")
for (const verdict of verdicts) console.log(verdict)

console.log("")
await ingestion({ quick })

// The backfill tool on a file of a million lines (bench/backfill.ts): it reads and writes files under .tmp/, so it runs
// in a process of its own, with those permissions.
console.log("")
const backfill = await new Deno.Command("deno", {
  args: [
    "run",
    "--allow-read",
    "--allow-write=.tmp",
    "--allow-net=127.0.0.1",
    "--allow-run=deno",
    "--allow-env",
    new URL("./backfill.ts", import.meta.url).pathname,
    ...(quick ? ["--quick"] : []),
  ],
  cwd: new URL("../", import.meta.url),
  stdout: "inherit",
  stderr: "inherit",
}).output()
if (!backfill.success) Deno.exit(1)
