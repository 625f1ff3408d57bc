/**
 * `deno task bench`: what the client costs per call, per streamed account and
 * per decoded page, as ratios against a raw `fetch` + `JSON.parse` baseline
 * measured in the same run: after a warm-up, the median over many rounds of
 * each round's ratio to the baseline of that round.
 *
 * Each table has a floor row: the least a correct Effect call (or stream)
 * does, with no client around it. The client's own cost is its distance to
 * the floor; the floor's distance to raw `fetch` is what the guarantees
 * (abort on interruption, a deadline over the whole exchange, decoding)
 * cost in Effect on this runtime.
 *
 * The server (bench/server.ts) runs in its own process and answers canned
 * bytes, so the figures measure the clients.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import process from "node:process"
// Types only: the client measured is imported below, once, from this checkout or from `--client`'s, so a run holds
// one copy of it (two with `--compare`): more copies would make the code they share with effect megamorphic.
import type { Accounts, Togai } from "../mod.ts"
import { callLoop } from "./callLoop.ts"
import { effectFloor, requestHeaders } from "./floor.ts"
import { pageAt, totalAccounts } from "./server.ts"
import { startServer } from "./serverProcess.ts"

const token = "tok_bench_0000"
const customerId = "CUST01"
const accountId = "ACC00001"
const newAccount = { id: "ACC00002", name: "Secondary Account", aliases: ["acme_secondary"] }

const args = new Set(Deno.args)
/** `--quick`: fewer calls and rounds, to check the script itself. */
const quick = args.has("--quick")
/**
 * `--compare=DIR`: also measures the client of another checkout (say, main
 * before a change, from `git worktree add DIR <commit>`), in the same run,
 * against the same baselines: the before and after of a change in one run.
 * Needs `--allow-read=DIR` to import it.
 */
const compareDir = Deno.args.find((arg) => arg.startsWith("--compare="))?.slice("--compare=".length)
/**
 * `--client=DIR`: the client measured as "client" is another checkout's
 * (with `--compare`, the before and after of any one change, both from
 * other checkouts). Needs `--allow-read=DIR`.
 */
const clientDir = Deno.args.find((arg) => arg.startsWith("--client="))?.slice("--client=".length)
/**
 * Many short rounds rather than a few long ones: this machine is shared, and
 * a burst of someone else's work can slow a whole round. Every ratio is the
 * median, over the rounds, of a case's time against the baseline's time in
 * the same round (at most a second apart), so a burst moves a few rounds'
 * ratios, not the median. 25 rounds of 200 sequential calls make as many
 * calls per case as 5 rounds of 1,000 did.
 */
const rounds = quick ? 3 : 25
const sequentialCalls = quick ? 100 : 200
const concurrentCalls = quick ? 200 : 400
const concurrency = 32
const streamRounds = quick ? 1 : 9
const streamPageSize = 100
const decodeRounds = quick ? 3 : 15
const decodesPerRound = quick ? 20 : 100

// ---------------------------------------------------------------------------
// measuring

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** A thing to time: it does `units` units of work per run. */
interface Case {
  readonly name: string
  readonly run: () => Promise<void> | void
  readonly units: number
}

/**
 * The medians of one case, per unit: wall time and this process's CPU time
 * (µs), and the medians over the rounds of its wall and CPU time against the
 * baseline's in the same round.
 */
interface Timing {
  readonly wall: number
  readonly cpu: number
  readonly ratio: number
  readonly cpuRatio: number
}

const noTiming: Timing = { wall: NaN, cpu: NaN, ratio: NaN, cpuRatio: NaN }

/**
 * Runs every case once as a warm-up, then `roundCount` rounds of every case,
 * rotating the order each round so no case always runs first, and returns
 * each case's medians, its ratios taken against `baseline` (the name of one
 * of the cases) round by round. CPU time is this process's (user + system):
 * the client's own cost, which the server, in its own process, does not add to.
 */
const measure = async (
  cases: ReadonlyArray<Case>,
  roundCount: number,
  baseline: string,
): Promise<Map<string, Timing>> => {
  for (const c of cases) await c.run()
  const times = new Map<string, { wall: Array<number>; cpu: Array<number> }>(
    cases.map((c) => [c.name, { wall: [], cpu: [] }]),
  )
  for (let round = 0; round < roundCount; round++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + round) % cases.length]
      const cpuBefore = process.cpuUsage()
      const start = performance.now()
      await c.run()
      const wall = ((performance.now() - start) * 1000) / c.units
      const cpu = process.cpuUsage(cpuBefore)
      times.get(c.name)?.wall.push(wall)
      times.get(c.name)?.cpu.push((cpu.user + cpu.system) / c.units)
    }
  }
  const base = times.get(baseline)
  if (base === undefined) throw new Error(`no case named ${baseline}`)
  /** The median over the rounds of `values[round] / against[round]`. */
  const pairedRatio = (values: ReadonlyArray<number>, against: ReadonlyArray<number>) =>
    median(values.map((value, round) => value / against[round]))
  return new Map(
    [...times].map(([name, { wall, cpu }]) => [name, {
      wall: median(wall),
      cpu: median(cpu),
      ratio: pairedRatio(wall, base.wall),
      cpuRatio: pairedRatio(cpu, base.cpu),
    }]),
  )
}

const rows: Array<ReadonlyArray<string>> = []
const row = (...cells: ReadonlyArray<string>) => rows.push(cells)
const fixed = (n: number, digits = 1) => n.toFixed(digits)
const check = (ok: boolean) => (ok ? "ok" : "MISSED")

// ---------------------------------------------------------------------------
// the contenders

const headers = requestHeaders(token)
const postHeaders = { ...headers, "content-type": "application/json" }

const rawGetAccount = (url: string) => async () => {
  const response = await fetch(`${url}/customers/${customerId}/accounts/${accountId}`, { headers })
  const body = await response.text()
  if (response.status !== 200) throw new Error(`status ${response.status}`)
  JSON.parse(body)
}

const rawCreateAccount = (url: string) => async () => {
  const response = await fetch(`${url}/customers/${customerId}/accounts`, {
    method: "POST",
    headers: postHeaders,
    body: JSON.stringify(newAccount),
  })
  const body = await response.text()
  if (response.status !== 201) throw new Error(`status ${response.status}`)
  JSON.parse(body)
}

/** `calls` calls of `one`, `width` at a time. */
const rawLoop = (one: () => Promise<void>, calls: number, width: number) => async () => {
  let started = 0
  const worker = async () => {
    while (started < calls) {
      started++
      await one()
    }
  }
  await Promise.all(Array.from({ length: width }, worker))
}

type Runtime = ManagedRuntime.ManagedRuntime<Togai.Requirements, never>

/**
 * The span settings measured: the default (an operation span and an HTTP
 * span per attempt, trace headers sent, as `@effect/platform` does), the
 * two lighter settings README suggests for bulk jobs, and tracing off.
 */
type Spans = "default" | "noTraceHeaders" | "operationSpanOnly" | "off"

const spanSettings: Record<Spans, <A, E, R>(program: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>> = {
  default: (program) => program,
  noTraceHeaders: (program) => Effect.locally(program, HttpClient.currentTracerPropagation, false),
  operationSpanOnly: (program) => Effect.locally(program, HttpClient.currentTracerDisabledWhen, () => true),
  off: (program) => Effect.withTracerEnabled(program, false),
}

/** `calls` calls of `one`, `width` at a time (see bench/callLoop.ts), run with the span settings given. */
const clientLoop = <A, E>(
  runtime: Runtime,
  one: Effect.Effect<A, E, Togai.Requirements>,
  calls: number,
  width: number,
  settings: Spans,
) =>
() => runtime.runPromise(spanSettings[settings](callLoop(one, calls, width)))

// ---------------------------------------------------------------------------

/** The other checkout's client and decoders, typed as this one's (the shapes are the same; only the code differs). */
interface Checkout {
  readonly client: typeof import("../mod.ts")
  readonly endpoints: typeof import("../src/internal/endpoints.ts")
}

const loadCheckout = async (dir: string): Promise<Checkout> => {
  const root = new URL(`file://${Deno.realPathSync(dir)}/`)
  return {
    client: await import(new URL("mod.ts", root).href),
    endpoints: await import(new URL("src/internal/endpoints.ts", root).href),
  }
}

const before = compareDir === undefined ? undefined : await loadCheckout(compareDir)
const { client: ours, endpoints: ourEndpoints }: Checkout = clientDir === undefined
  ? { client: await import("../mod.ts"), endpoints: await import("../src/internal/endpoints.ts") }
  : await loadCheckout(clientDir)

const server = await startServer()
try {
  const url = server.url
  // Default settings: only the token and the server's address are given.
  const defaultRuntime: Runtime = ManagedRuntime.make(ours.Togai.layer({ token, baseUrl: url }))
  // The same client over @effect/platform's FetchHttpClient, for comparison.
  const platformRuntime: Runtime = ManagedRuntime.make(
    Layer.mergeAll(ours.Auth.bearer(token), ours.TogaiConfig.layer({ baseUrl: url }), FetchHttpClient.layer),
  )

  const beforeRuntime: Runtime | undefined = before === undefined
    ? undefined
    : ManagedRuntime.make(before.client.Togai.layer({ token, baseUrl: url }))

  console.log(
    `Togai client benchmark: Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores, ` +
      `${rounds} rounds; ratios: medians of the per-round ratios to the baseline${quick ? ", --quick" : ""}` +
      `${clientDir === undefined ? "" : `; "client" rows: the client of ${clientDir}`}` +
      `${compareDir === undefined ? "" : `; "before" rows: the client of ${compareDir}`}\n`,
  )

  // 1. per-call cost -------------------------------------------------------
  const operations = [
    {
      name: "getAccount",
      raw: rawGetAccount(url),
      floor: effectFloor(
        `${url}/customers/${customerId}/accounts/${accountId}`,
        { headers },
        ourEndpoints.accounts.getAccount.decodeResponse,
      ),
      client: ours.Accounts.getAccount(customerId, accountId),
      before: before?.client.Accounts.getAccount(customerId, accountId),
    },
    {
      name: "createAccount",
      raw: rawCreateAccount(url),
      floor: effectFloor(
        `${url}/customers/${customerId}/accounts`,
        { method: "POST", headers: postHeaders, body: JSON.stringify(newAccount) },
        ourEndpoints.accounts.createAccount.decodeResponse,
      ),
      client: ours.Accounts.createAccount(customerId, newAccount),
      before: before?.client.Accounts.createAccount(customerId, newAccount),
    },
  ]
  for (const [width, calls] of [[1, sequentialCalls], [concurrency, concurrentCalls]] as const) {
    for (const operation of operations) {
      /** A case that runs `one` through `runtime` with the span settings given. */
      const clientCase = (
        name: string,
        runtime: Runtime,
        one: Effect.Effect<unknown, unknown, Togai.Requirements>,
        settings: Spans,
      ): Case => ({ name, run: clientLoop(runtime, one, calls, width, settings), units: calls })
      const cases: Array<Case> = [
        { name: "raw", run: rawLoop(operation.raw, calls, width), units: calls },
        clientCase("default", defaultRuntime, operation.client, "default"),
        clientCase("noTraceHeaders", defaultRuntime, operation.client, "noTraceHeaders"),
        clientCase("operationSpanOnly", defaultRuntime, operation.client, "operationSpanOnly"),
        clientCase("untraced", defaultRuntime, operation.client, "off"),
        clientCase("platform", platformRuntime, operation.client, "default"),
        clientCase("floor", defaultRuntime, operation.floor, "off"),
      ]
      if (beforeRuntime !== undefined && operation.before !== undefined) {
        cases.push(
          clientCase("before", beforeRuntime, operation.before, "default"),
          clientCase("beforeUntraced", beforeRuntime, operation.before, "off"),
        )
      }
      const t = await measure(cases, rounds, "raw")
      const mode = width === 1 ? "sequential" : `concurrency ${width}`
      const line = (label: string, name: string, goal: number | undefined) => {
        const timing = t.get(name) ?? noTiming
        const ratio = timing.ratio
        row(
          name === "raw" ? `${operation.name}, ${mode}` : "",
          label,
          `${fixed(timing.wall)} µs`,
          `${fixed(ratio, 2)}x`,
          `${fixed(timing.cpu)} µs (${fixed(timing.cpuRatio, 2)}x)`,
          goal === undefined ? "" : `≤ ${fixed(goal, 2)}x ${check(ratio <= goal)}`,
        )
      }
      line("raw fetch + JSON.parse", "raw", undefined)
      line("client, default (spans on)", "default", 1.5)
      line("  spans on, no trace headers", "noTraceHeaders", undefined)
      line("  operation spans only (no HTTP span)", "operationSpanOnly", undefined)
      line("client, tracing off", "untraced", 1.25)
      line("client over FetchHttpClient.layer", "platform", undefined)
      line("floor: Effect.async + abort + timeout + decode", "floor", undefined)
      if (beforeRuntime !== undefined) {
        line("before: client, default (spans on)", "before", undefined)
        line("before: client, tracing off", "beforeUntraced", undefined)
      }
    }
  }

  // 2. streaming ----------------------------------------------------------
  /** The page after `nextToken` (the first page for ""), as every stream below asks for it. */
  const pageUrl = (nextToken: string) =>
    `${url}/customers/${customerId}/accounts?pageSize=${streamPageSize}${
      nextToken === "" ? "" : `&nextToken=${nextToken}`
    }`
  /** How many of a stream's accounts are active: what every stream case computes. */
  const countActive = <E, R>(accounts: Stream.Stream<{ readonly status: string }, E, R>) =>
    Stream.runFold(accounts, 0, (active, account) => account.status === "ACTIVE" ? active + 1 : active)
  const rawStream = async (): Promise<number> => {
    let active = 0
    let nextToken = ""
    do {
      const response = await fetch(pageUrl(nextToken), { headers })
      const page = JSON.parse(await response.text())
      for (const account of page.data) if (account.status === "ACTIVE") active++
      nextToken = page.nextToken ?? ""
    } while (nextToken !== "")
    return active
  }
  const streamWith =
    (runtime: Runtime, stream: typeof Accounts.stream, spans: Spans = "default") => (): Promise<number> =>
      runtime.runPromise(spanSettings[spans](countActive(stream(customerId, { pageSize: streamPageSize }))))
  /**
   * The least a correct Effect stream does: the pages of the raw loop, each fetched by {@link effectFloor} (abort,
   * deadline, the client's decoder), in `Stream.paginateChunkEffect`, tracing off. What the client adds (input
   * checks, status mapping, retries, rate limit, the repeated-token check, spans) is the difference to its rows.
   */
  const floorStream = Stream.paginateChunkEffect(
    "",
    (nextToken) =>
      Effect.map(
        effectFloor(
          pageUrl(nextToken),
          { headers },
          ourEndpoints.accounts.getAccounts.decodeResponse,
        ),
        (page) =>
          [
            Chunk.unsafeFromArray(page.data ?? []),
            page.nextToken === undefined || page.nextToken === "" ? Option.none() : Option.some(page.nextToken),
          ] as const,
      ),
  )
  const streams: Array<readonly [string, () => Promise<number>]> = [
    ["raw", rawStream],
    ["client", streamWith(defaultRuntime, ours.Accounts.stream)],
    ["operationSpanOnly", streamWith(defaultRuntime, ours.Accounts.stream, "operationSpanOnly")],
    ["untraced", streamWith(defaultRuntime, ours.Accounts.stream, "off")],
    ["floor", () => defaultRuntime.runPromise(spanSettings.off(countActive(floorStream)))],
  ]
  if (before !== undefined && beforeRuntime !== undefined) {
    streams.push(["before", streamWith(beforeRuntime, before.client.Accounts.stream)])
  }
  const expectedActive = totalAccounts - totalAccounts / 10
  for (const [name, run] of streams) {
    const active = await run()
    if (active !== expectedActive) throw new Error(`${name} stream counted ${active}, expected ${expectedActive}`)
  }
  const s = await measure(
    streams.map(([name, run]) => ({ name, run: async () => void await run(), units: totalAccounts })),
    streamRounds,
    "raw",
  )
  const throughput = (name: string) => 1e6 / (s.get(name)?.wall ?? NaN)
  const streamCpu = (name: string) => s.get(name)?.cpu ?? NaN
  /** Throughput against the raw loop's: the inverse of the time's median ratio (an odd number of rounds). */
  const throughputRatio = (name: string) => 1 / (s.get(name)?.ratio ?? NaN)
  const streamRatio = throughputRatio("client")
  const label = `stream ${totalAccounts.toLocaleString("en")} accounts, pages of ${streamPageSize}`
  row(
    label,
    "raw loop: fetch + JSON.parse per page",
    `${fixed(throughput("raw") / 1000, 0)}k accounts/s`,
    "1.00x",
    `${fixed(streamCpu("raw"), 2)} µs/account`,
    "",
  )
  /** A stream row: throughput against the raw loop's, and CPU per account. */
  const streamRow = (label: string, name: string, goal: string) =>
    row(
      "",
      label,
      `${fixed(throughput(name) / 1000, 0)}k accounts/s`,
      `${fixed(throughputRatio(name), 2)}x`,
      `${fixed(streamCpu(name), 2)} µs/account (${fixed(s.get(name)?.cpuRatio ?? NaN, 2)}x)`,
      goal,
    )
  streamRow("Accounts.stream, default", "client", `≥ 0.80x ${check(streamRatio >= 0.8)}`)
  streamRow("  operation spans only (no HTTP span)", "operationSpanOnly", "")
  streamRow("Accounts.stream, tracing off", "untraced", "")
  streamRow("floor: Stream.paginateChunkEffect of the Effect.async floor", "floor", "")
  if (s.has("before")) streamRow("before: Accounts.stream, default", "before", "")

  // Memory: the heap after a forced GC every 10 pages, against the heap before the stream.
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) {
    row("", "memory", "run with --v8-flags=--expose-gc", "", "", "")
  } else {
    const sampleEvery = 10 * streamPageSize
    const memory = async (run: (sample: () => void) => Promise<unknown>) => {
      gc()
      const before = Deno.memoryUsage().heapUsed
      let peak = 0
      let seen = 0
      await run(() => {
        if (++seen % sampleEvery === 0) {
          gc()
          peak = Math.max(peak, Deno.memoryUsage().heapUsed - before)
        }
      })
      return peak / 2 ** 20
    }
    const rawGrowth = await memory(async (sample) => {
      let nextToken = ""
      do {
        const response = await fetch(pageUrl(nextToken), { headers })
        const page = JSON.parse(await response.text())
        for (const _ of page.data) sample()
        nextToken = page.nextToken ?? ""
      } while (nextToken !== "")
    })
    const clientGrowth = await memory((sample) =>
      defaultRuntime.runPromise(
        Stream.runForEach(ours.Accounts.stream(customerId, { pageSize: streamPageSize }), () => Effect.sync(sample)),
      )
    )
    row("", "peak heap growth (after GC, every 10 pages): raw", `${fixed(rawGrowth)} MB`, "", "", "")
    row(
      "",
      "peak heap growth (after GC, every 10 pages): client",
      `${fixed(clientGrowth)} MB`,
      "",
      "",
      `< 30 MB ${check(clientGrowth < 30)}`,
    )
  }

  // 3. decoding ------------------------------------------------------------
  const pageText = JSON.stringify(pageAt(0, 1_000))
  // What the client runs on a response body, and the schema's own decoder it falls back to.
  const decodePage = ourEndpoints.accounts.getAccounts.decodeResponse
  const schemaDecodePage = Schema.decodeUnknownEither(ours.Schemas.AccountPaginatedResponse, {
    errors: "all",
    onExcessProperty: "ignore",
  })
  if (Either.isLeft(decodePage(JSON.parse(pageText)))) throw new Error("the benchmark page does not decode")
  let sink = 0
  type PageDecoder = (json: unknown) => Either.Either<{ readonly data?: ReadonlyArray<unknown> | undefined }, unknown>
  /** `decodesPerRound` parses of the page, each decoded with `decode`. */
  const decoding = (name: string, decode: PageDecoder): Case => ({
    name,
    run: () => {
      for (let i = 0; i < decodesPerRound; i++) {
        const page = decode(JSON.parse(pageText))
        if (Either.isRight(page)) sink += page.right.data?.length ?? 0
      }
    },
    units: decodesPerRound,
  })
  const decodeCases: Array<Case> = [
    // The baseline: the page as parsed (one small object around its data, next to 1,000 accounts parsed).
    decoding("parse", (json) =>
      Either.right(
        typeof json === "object" && json !== null && "data" in json && Array.isArray(json.data)
          ? { data: json.data }
          : {},
      )),
    decoding("decode", decodePage),
    decoding("schema", schemaDecodePage),
  ]
  if (before !== undefined) decodeCases.push(decoding("before", before.endpoints.accounts.getAccounts.decodeResponse))
  const d = await measure(decodeCases, decodeRounds, "parse")
  if (sink === 0) throw new Error("nothing decoded")
  const parse = d.get("parse")?.wall ?? NaN
  /** A decode row: time per page against `JSON.parse` alone. */
  const decodeRow = (label: string, name: string) => {
    const timing = d.get(name)
    if (timing !== undefined) row("", label, `${fixed(timing.wall)} µs`, `${fixed(timing.ratio, 2)}x`, "", "")
  }
  row("decode a page of 1,000 accounts", "JSON.parse", `${fixed(parse)} µs`, "1.00x", "", "")
  decodeRow("JSON.parse + the client's decoder", "decode")
  decodeRow("JSON.parse + Schema.decodeUnknownEither (AccountPaginatedResponse)", "schema")
  decodeRow("before: JSON.parse + the client's decoder", "before")

  await defaultRuntime.dispose()
  await platformRuntime.dispose()
  await beforeRuntime?.dispose()
} finally {
  await server.close()
}

row("", "", "wall time", "ratio", "client CPU", "goal")
rows.unshift(rows.pop() ?? [])
const widths = [0, 1, 2, 3, 4, 5].map((i) => Math.max(...rows.map((r) => r[i].length)))
for (const r of rows) console.log(r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd())
