/**
 * The ingestion rows of `deno task bench` (issue 16): what `Events.ingestAll`
 * costs against a raw `fetch` loop, and whether it keeps to a quota that a
 * server enforces. bench/main.ts runs {@link main} after its own rows;
 * `deno task bench:ingestion` runs it alone (`--quick` as well).
 *
 * 1. No server-side limit. The events are plain `Event` values with fixed
 *    ids (`ev-${n}`), one attribute and a timestamp of their own, made as
 *    the stream is pulled. Three contenders, batches of 100, 4 and 8 in
 *    flight:
 *    - a raw loop (the floor) that makes the wire objects itself
 *      (timestamps written with `toISOString`, as the client's encoder
 *      writes them), sends the batches with `fetch` at the same concurrency
 *      and parses each answer;
 *    - the naive Effect program, as bench/main.ts has its naive Effect
 *      client: the same `Event` values as an Effect `Stream`,
 *      `Stream.grouped(100)`, each batch written to the wire the raw loop's
 *      cheap way (the same objects, `DateTime.formatIso` for the
 *      timestamp) and sent with `@effect/platform`'s `HttpClient.execute`
 *      (`FetchHttpClient.layer`, an `HttpClientRequest` with
 *      `bodyUnsafeJson`, the default tracer, no retries, no timeout) in
 *      `Stream.mapEffect` at the same concurrency, the answer read and
 *      parsed as the raw loop does, `Stream.runDrain`;
 *    - `Events.ingestAll` (`rateLimit: false`, `Togai.layer`'s defaults
 *      otherwise).
 *    All three send the same bytes: a warm-up checks the server received as
 *    many body bytes from each.
 *    Why the naive program: on loopback a batch's round trip with raw
 *    `fetch` is a few hundred µs, and bare `HttpClient.execute` adds about
 *    140 µs to it and Effect's `Stream` machinery about 220 µs more (a
 *    colleague's profile), so no Effect program reaches 0.9x of the raw
 *    loop here. The raw loop stays as the floor and the goal
 *    (client / raw) stays printed; client / naive is the honest baseline,
 *    a guard as in bench/main.ts: the client, which does more (validation,
 *    retries, a timeout, results in order, rejections kept), should keep at
 *    least 0.9x of the naive program's throughput.
 *    - The ratios: 1,000,000 events take the client about 15 s here, so
 *      1M x many rounds would take minutes; instead the six contenders
 *      (raw, naive and client, at 4 and at 8) take turns in 7 rounds of
 *      100,000 events (after a warm-up of each), and client / raw (client /
 *      naive) is the median over the rounds of raw's (naive's) time over
 *      the client's in the same round, as bench/main.ts computes its
 *      ratios. Goals: client / raw at least 0.9x (the issue's); client /
 *      naive at least 0.9x (the guard).
 *    - 1,000,000 events: one run of raw, of the naive program, then of the
 *      client, at 4 in flight, for events per second, this process's CPU
 *      per event (`process.cpuUsage()`: user + system, all threads, fetch's
 *      included) and the heap's growth: after a forced GC before the run
 *      and after one every 50,000 events pulled from the source (20 GCs, in
 *      every run alike; their time and CPU are left out of the run's
 *      figures). Goal (the client's): under 50 MB.
 * 2. A server that enforces Togai's ingestion quota, 50 requests a second:
 *    past it, 429 with `Retry-After` (whole seconds); it de-duplicates by
 *    event id and counts the distinct ids. `Events.ingestAll` with its
 *    default pace (50 a second, one each 20 ms) and
 *    `Togai.layer({ retry: { maxRetries: 5 } })` sends 25,000 events (250
 *    batches of 100, about 5 s), once against a token bucket (50 tokens,
 *    refilled at 50 a second: how the simulator and most gateways count)
 *    and once against a sliding window (at most 50 admitted in any 1 s: the
 *    strictest reading of "50 a second"). Printed: events a second against
 *    the 5,000 the quota allows (wall time of the run; 250 requests on a
 *    20 ms grid span 249 gaps, so a perfect run reads about 100.4 %; goal:
 *    at least 95 %), events lost (sent, less the distinct ids the server
 *    took; goal: none) and 429s as a share of requests (goal: at most 1 %).
 *
 * The server (bench/ingestionServer.ts) runs in its own process on a free
 * loopback port, answers canned bytes when there is no quota, and reports
 * its counts at `GET /stats`. The machine is shared, so only same-run ratios
 * and medians mean much; one-run figures (1M, the quota) move with the load.
 *
 * `--quick`: 3 rounds of 10,000, 50,000 events for the heap, 5,000 at the
 * quota, to check the script itself.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Stream from "effect/Stream"
import process from "node:process"
import { Events, type Schemas, Togai } from "../mod.ts"
import { type IngestionServer, type Policy, startIngestionServer } from "./ingestionServer.ts"

const token = "tok_bench_0000"
const accountId = "ACC00001"
const batchSize = 100
const baseMillis = Date.UTC(2026, 10, 1)
const quotaPerSecond = 50

/** How big each part of the run is. */
interface Sizes {
  readonly rounds: number
  readonly roundEvents: number
  readonly bigEvents: number
  readonly heapEvery: number
  readonly quotaEvents: number
}

const sizesOf = (quick: boolean): Sizes =>
  quick
    ? { rounds: 3, roundEvents: 10_000, bigEvents: 50_000, heapEvery: 5_000, quotaEvents: 5_000 }
    : { rounds: 7, roundEvents: 100_000, bigEvents: 1_000_000, heapEvery: 50_000, quotaEvents: 25_000 }

// ---------------------------------------------------------------------------
// the events, as each contender has them

/** Called with the number of each event as it is made: where the heap is sampled. */
type OnEvent = ((n: number) => void) | undefined

/** The n-th event as a caller of the client holds it. */
const eventAt = (n: number): Schemas.Event => ({
  eventName: "ride",
  id: `ev-${n}`,
  eventTimestamp: DateTime.unsafeMake(baseMillis + n),
  accountId,
  eventAttributes: [{ attributeName: "distance", attributeValue: String(n % 40) }],
  dimensions: {},
})

/** The n-th event as the raw loop writes it: the wire's shape, in the order the client's encoder writes it. */
const wireAt = (n: number) => ({
  eventName: "ride",
  id: `ev-${n}`,
  eventTimestamp: new Date(baseMillis + n).toISOString(),
  accountId,
  eventAttributes: [{ attributeName: "distance", attributeValue: String(n % 40) }],
  dimensions: {},
})

/** An event written to the wire the raw loop's cheap way: the same object, the timestamp as an ISO string. */
const wireOf = (event: Schemas.Event) => ({ ...event, eventTimestamp: DateTime.formatIso(event.eventTimestamp) })

// ---------------------------------------------------------------------------
// the contenders

const rawHeaders = {
  accept: "application/json",
  "content-type": "application/json",
  authorization: `Bearer ${token}`,
}

/**
 * `count` events in batches of 100 with `fetch`, `concurrency` at a time,
 * each answer parsed: the floor. Answers how many were accepted.
 */
const rawIngest = async (url: string, count: number, concurrency: number, onEvent?: OnEvent): Promise<number> => {
  let next = 0
  let accepted = 0
  const worker = async () => {
    while (next < count) {
      const first = next
      const end = Math.min(count, first + batchSize)
      next = end
      const events = []
      for (let n = first; n < end; n++) {
        onEvent?.(n)
        events.push(wireAt(n))
      }
      const response = await fetch(`${url}/ingestBatch`, {
        method: "POST",
        headers: rawHeaders,
        body: JSON.stringify({ events }),
      })
      const text = await response.text()
      if (response.status !== 202 && response.status !== 207) throw new Error(`raw: status ${response.status}`)
      accepted += events.length - JSON.parse(text).errors.length
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return accepted
}

type Naive = ManagedRuntime.ManagedRuntime<HttpClient.HttpClient, never>

/**
 * `count` events through the naive Effect program: a `Stream` of the
 * client's events, `Stream.grouped`, `HttpClient.execute` in
 * `Stream.mapEffect`, each answer read and parsed as the raw loop does.
 * Answers how many were accepted.
 */
const naiveIngest = async (
  naive: Naive,
  url: string,
  count: number,
  concurrency: number,
  onEvent?: OnEvent,
): Promise<number> => {
  let accepted = 0
  await naive.runPromise(
    Stream.range(0, count - 1).pipe(
      Stream.map((n) => {
        onEvent?.(n)
        return eventAt(n)
      }),
      Stream.grouped(batchSize),
      Stream.mapEffect((batch) => {
        const events = Array.from(batch, wireOf)
        return HttpClient.execute(
          HttpClientRequest.post(`${url}/ingestBatch`).pipe(
            HttpClientRequest.bearerToken(token),
            HttpClientRequest.acceptJson,
            HttpClientRequest.bodyUnsafeJson({ events }),
          ),
        ).pipe(
          Effect.flatMap((response) =>
            Effect.flatMap(response.text, (text) => {
              if (response.status !== 202 && response.status !== 207) {
                return Effect.fail(new Error(`naive: status ${response.status}`))
              }
              accepted += events.length - JSON.parse(text).errors.length
              return Effect.void
            })
          ),
        )
      }, { concurrency }),
      Stream.runDrain,
    ),
  )
  return accepted
}

type Client = ManagedRuntime.ManagedRuntime<Togai.Requirements, never>

/** `count` events through `Events.ingestAll`. Answers how many were accepted. */
const clientIngest = async (
  client: Client,
  count: number,
  options: Events.IngestOptions,
  onEvent?: OnEvent,
): Promise<number> => {
  const events = Stream.range(0, count - 1).pipe(
    Stream.map((n) => {
      onEvent?.(n)
      return eventAt(n)
    }),
  )
  const summary = await client.runPromise(Events.ingestAll(events, { batchSize, flushAfter: "1 second", ...options }))
  if (summary.events !== count || summary.rejected.length !== 0) {
    throw new Error(`client: ${summary.events} events, ${summary.rejected.length} rejected, of ${count}`)
  }
  return summary.accepted
}

// ---------------------------------------------------------------------------
// measuring (as bench/main.ts does)

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** One run's wall time and this process's CPU time, both in µs per event. */
interface Sample {
  readonly wall: number
  readonly cpu: number
}

const timed = async (events: number, run: () => Promise<number>): Promise<Sample> => {
  const cpuBefore = process.cpuUsage()
  const start = performance.now()
  const accepted = await run()
  const wall = ((performance.now() - start) * 1000) / events
  const cpu = process.cpuUsage(cpuBefore)
  if (accepted !== events) throw new Error(`${accepted} of ${events} events accepted`)
  return { wall, cpu: (cpu.user + cpu.system) / events }
}

interface Case {
  readonly name: string
  readonly run: () => Promise<number>
}

/**
 * A warm-up of every case, then `rounds` rounds of every case, the order
 * rotated each round so that no case always runs first.
 */
const measure = async (
  cases: ReadonlyArray<Case>,
  rounds: number,
  events: number,
): Promise<Map<string, Array<Sample>>> => {
  for (const c of cases) await timed(events, c.run)
  const samples = new Map<string, Array<Sample>>(cases.map((c) => [c.name, []]))
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + round) % cases.length]
      samples.get(c.name)?.push(await timed(events, c.run))
    }
  }
  return samples
}

const samplesOf = (samples: Map<string, Array<Sample>>, name: string): Array<Sample> => {
  const found = samples.get(name)
  if (found === undefined) throw new Error(`no case named ${name}`)
  return found
}

/** One contender's throughput over another's: the median over the rounds of the other's time over this one's. */
const throughputRatio = (ours: ReadonlyArray<Sample>, theirs: ReadonlyArray<Sample>): number =>
  median(ours.map((sample, round) => theirs[round].wall / sample.wall))

const gc = (globalThis as { gc?: () => void }).gc

/**
 * Runs `run` with a forced GC before it and every `every` events, and
 * answers its sample, less the time and CPU of those GCs (the
 * measurement's own cost, a seventh of the client's run otherwise), with
 * the heap's peak growth over the first GC.
 */
const withHeap = async (
  events: number,
  every: number,
  run: (onEvent: OnEvent) => Promise<number>,
): Promise<Sample & { readonly peakMb: number | undefined }> => {
  if (gc === undefined) return { ...await timed(events, () => run(undefined)), peakMb: undefined }
  gc()
  const before = Deno.memoryUsage().heapUsed
  let peak = 0
  let gcWall = 0
  let gcCpu = 0
  const sample = await timed(events, () =>
    run((n) => {
      if (n % every === every - 1) {
        const cpuBefore = process.cpuUsage()
        const start = performance.now()
        gc()
        peak = Math.max(peak, Deno.memoryUsage().heapUsed - before)
        gcWall += performance.now() - start
        const cpu = process.cpuUsage(cpuBefore)
        gcCpu += cpu.user + cpu.system
      }
    }))
  return {
    wall: sample.wall - (gcWall * 1000) / events,
    cpu: sample.cpu - gcCpu / events,
    peakMb: peak / 2 ** 20,
  }
}

// ---------------------------------------------------------------------------
// printing

const fixed = (n: number, digits = 1) => n.toFixed(digits)
const check = (ok: boolean) => (ok ? "ok" : "MISSED")
const count = (n: number) => n.toLocaleString("en")
const perSecond = (microsPerEvent: number) => `${count(Math.round(1e6 / microsPerEvent))} events/s`

const printTable = (rows: ReadonlyArray<ReadonlyArray<string>>) => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)))
  for (const r of rows) console.log(r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd())
}

// ---------------------------------------------------------------------------

/** 1. No server-side limit: the client against the raw loop and the naive Effect program. */
const unlimited = async (server: IngestionServer, sizes: Sizes, verdicts: Array<string>) => {
  await server.reset(0)
  const client: Client = ManagedRuntime.make(Togai.layer({ token, baseUrl: server.url }))
  const naive: Naive = ManagedRuntime.make(FetchHttpClient.layer)
  try {
    // The same bytes on the wire, or the figures compare different work.
    const wireBytes = async (run: () => Promise<number>) => {
      await server.reset(0)
      await run()
      return (await server.stats()).bodyBytes
    }
    const rawBytes = await wireBytes(() => rawIngest(server.url, 2_000, 4))
    const naiveBytes = await wireBytes(() => naiveIngest(naive, server.url, 2_000, 4))
    const clientBytes = await wireBytes(() => clientIngest(client, 2_000, { concurrency: 4, rateLimit: false }))
    if (rawBytes !== naiveBytes || rawBytes !== clientBytes) {
      throw new Error(
        `raw sent ${rawBytes} body bytes, the naive Effect program ${naiveBytes}, the client ${clientBytes}`,
      )
    }

    const widths = [4, 8]
    const samples = await measure(
      widths.flatMap((width) => [
        { name: `raw ${width}`, run: () => rawIngest(server.url, sizes.roundEvents, width) },
        { name: `naive ${width}`, run: () => naiveIngest(naive, server.url, sizes.roundEvents, width) },
        {
          name: `client ${width}`,
          run: () => clientIngest(client, sizes.roundEvents, { concurrency: width, rateLimit: false }),
        },
      ]),
      sizes.rounds,
      sizes.roundEvents,
    )
    const rawName = "raw fetch loop (floor)"
    const naiveName = "naive Effect (Stream.grouped, HttpClient.execute)"
    const clientName = "Events.ingestAll, rateLimit: false"
    const times = (ratio: number) => `${fixed(ratio, 2)}x`
    const rows: Array<ReadonlyArray<string>> = [[
      `ingestion, no server limit (${sizes.rounds} rounds of ${count(sizes.roundEvents)}, medians)`,
      "",
      "throughput",
      "vs raw",
      "vs naive",
      "CPU / event",
    ]]
    for (const width of widths) {
      const raw = samplesOf(samples, `raw ${width}`)
      const theirs = samplesOf(samples, `naive ${width}`)
      const ours = samplesOf(samples, `client ${width}`)
      const ratio = throughputRatio(ours, raw)
      const guard = throughputRatio(ours, theirs)
      const cpu = (of: ReadonlyArray<Sample>) => `${fixed(median(of.map((s) => s.cpu)), 2)} µs`
      const throughput = (of: ReadonlyArray<Sample>) => perSecond(median(of.map((s) => s.wall)))
      rows.push([`batches of ${batchSize}, ${width} in flight`, rawName, throughput(raw), "1.00x", "", cpu(raw)])
      rows.push(["", naiveName, throughput(theirs), times(throughputRatio(theirs, raw)), "1.00x", cpu(theirs)])
      rows.push(["", clientName, throughput(ours), times(ratio), times(guard), cpu(ours)])
      verdicts.push(
        `ingestAll, ${width} in flight: client / raw throughput = ${fixed(ratio, 2)}x (goal >= 0.9x) ${
          check(ratio >= 0.9)
        }`,
      )
      verdicts.push(
        `ingestAll, ${width} in flight: client / naive Effect throughput = ${fixed(guard, 2)}x (guard >= 0.9x) ${
          check(guard >= 0.9)
        }`,
      )
    }

    // One long run of each, the heap watched.
    const raw = await withHeap(
      sizes.bigEvents,
      sizes.heapEvery,
      (onEvent) => rawIngest(server.url, sizes.bigEvents, 4, onEvent),
    )
    const theirs = await withHeap(
      sizes.bigEvents,
      sizes.heapEvery,
      (onEvent) => naiveIngest(naive, server.url, sizes.bigEvents, 4, onEvent),
    )
    const ours = await withHeap(
      sizes.bigEvents,
      sizes.heapEvery,
      (onEvent) => clientIngest(client, sizes.bigEvents, { concurrency: 4, rateLimit: false }, onEvent),
    )
    const heap = (mb: number | undefined) => mb === undefined ? "not measured" : `${fixed(mb)} MB`
    rows.push([
      `${count(sizes.bigEvents)} events, 4 in flight (one run each)`,
      rawName,
      perSecond(raw.wall),
      "1.00x",
      "",
      `${fixed(raw.cpu, 2)} µs`,
      `heap growth ${heap(raw.peakMb)}`,
    ])
    rows.push([
      "",
      naiveName,
      perSecond(theirs.wall),
      times(raw.wall / theirs.wall),
      "1.00x",
      `${fixed(theirs.cpu, 2)} µs`,
      `heap growth ${heap(theirs.peakMb)}`,
    ])
    rows.push([
      "",
      clientName,
      perSecond(ours.wall),
      times(raw.wall / ours.wall),
      times(theirs.wall / ours.wall),
      `${fixed(ours.cpu, 2)} µs`,
      `heap growth ${heap(ours.peakMb)}`,
    ])
    rows[0] = [...rows[0], "heap (after GC)"]
    printTable(rows)
    console.log("")
    verdicts.push(
      ours.peakMb === undefined
        ? "ingestAll heap growth: not measured (run with --v8-flags=--expose-gc)"
        : `ingestAll heap growth over ${count(sizes.bigEvents)} events (after GC, every ${count(sizes.heapEvery)}): ${
          fixed(ours.peakMb)
        } MB (goal < 50 MB) ${check(ours.peakMb < 50)}`,
    )
    verdicts.push(
      `ingestAll CPU: ${fixed(ours.cpu, 2)} µs an event (raw loop ${fixed(raw.cpu, 2)} µs, naive Effect ${
        fixed(theirs.cpu, 2)
      } µs)`,
    )
  } finally {
    await client.dispose()
    await naive.dispose()
  }
}

/** 2. A server that enforces the quota: the client's default pace and the layer's retries. */
const atQuota = async (server: IngestionServer, sizes: Sizes, verdicts: Array<string>) => {
  const client: Client = ManagedRuntime.make(
    Togai.layer({ token, baseUrl: server.url, retry: { maxRetries: 5 } }),
  )
  const allowed = quotaPerSecond * batchSize
  const rows: Array<ReadonlyArray<string>> = [[
    `ingestion at a quota of ${quotaPerSecond} requests/s (${count(sizes.quotaEvents)} events, default rateLimit)`,
    "throughput",
    "of the quota",
    "events lost",
    "429s / requests",
    "CPU / event",
    "server's span",
  ]]
  try {
    // A short warm-up, so that the first measured batches do not pay for compiling.
    await server.reset(0)
    await clientIngest(client, 2_000, { concurrency: 4, rateLimit: false })
    const policies: ReadonlyArray<readonly [Policy, string]> = [
      ["bucket", "token bucket (50, refilled 50/s)"],
      ["window", "sliding 1 s window (50 at most)"],
    ]
    for (const [policy, description] of policies) {
      await server.reset(quotaPerSecond, policy)
      // A run that fails (retries spent) still counts: what the server took says what was lost.
      let failed: string | undefined
      const sample = await timed(
        sizes.quotaEvents,
        () =>
          clientIngest(client, sizes.quotaEvents, { concurrency: 4 }).catch((error) => {
            failed = error instanceof Error ? error.message : String(error)
            return sizes.quotaEvents
          }),
      )
      const stats = await server.stats()
      if (failed !== undefined) verdicts.push(`ingestAll at the quota, ${policy}: the run FAILED: ${failed}`)
      const share = 1e6 / sample.wall / allowed
      const lost = sizes.quotaEvents - stats.distinctIds
      const limitedShare = (100 * stats.rateLimited) / stats.requests
      rows.push([
        description,
        perSecond(sample.wall),
        `${fixed(100 * share)} %`,
        String(lost),
        `${stats.rateLimited} of ${stats.requests} (${fixed(limitedShare, 2)} %)`,
        `${fixed(sample.cpu, 2)} µs`,
        `${fixed(stats.admittedSpanMillis / 1000, 2)} s`,
      ])
      verdicts.push(
        `ingestAll at the quota, ${policy}: ${fixed(100 * share)} % of ${count(allowed)} events/s (goal >= 95 %) ${
          check(share >= 0.95)
        }; ${lost} lost (goal 0) ${check(lost === 0)}; ${fixed(limitedShare, 2)} % 429s (goal <= 1 %) ${
          check(limitedShare <= 1)
        }`,
      )
    }
  } finally {
    await client.dispose()
  }
  printTable(rows)
  console.log("")
}

/**
 * Runs the ingestion rows and prints them, with a verdict for each goal.
 * Needs `--allow-net=127.0.0.1 --allow-run=deno`, and `--v8-flags=--expose-gc`
 * for the heap.
 */
export const main = async (options: { readonly quick: boolean }): Promise<void> => {
  const sizes = sizesOf(options.quick)
  const verdicts: Array<string> = []
  console.log(
    `Ingestion benchmark: Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores` +
      `${options.quick ? " (--quick)" : ""}\n`,
  )
  const server = await startIngestionServer()
  try {
    await unlimited(server, sizes, verdicts)
    await atQuota(server, sizes, verdicts)
  } finally {
    await server.close()
  }
  for (const verdict of verdicts) console.log(verdict)
}

if (import.meta.main) await main({ quick: Deno.args.includes("--quick") })
