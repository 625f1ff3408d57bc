/**
 * The backfill tool on a 1,000,000-line NDJSON file (issue 16), against
 * the ingestion server of bench/ingestionServer.ts in a process of its
 * own, with no server-side limit (`--rate 0`: what the tool itself costs,
 * not Togai's quota) and de-duplication by id, as Togai does:
 *
 * 1. a whole run: wall time, events/s and peak memory (the tool's resident
 *    set, as getrusage reports it), against a raw baseline in the
 *    same run: a `fetch` loop in a process of its own that reads the same
 *    file, `JSON.parse`s each line, and sends the same batches of 100 at the
 *    same concurrency, with no checks, retries, checkpoint or progress;
 * 2. a run killed (SIGKILL) once the server holds half the ids, then the
 *    same command again: ids missing at the server (goal 0), ids sent twice
 *    (the batches in flight, and answered after the last checkpoint, at
 *    the kill; the server's de-duplication absorbs them), and the two
 *    runs' wall time together.
 *
 * Rounds alternate tool and raw; figures are medians. Files go to `.tmp/`.
 * `--quick`: 50,000 lines, one round; `--lines N`: N lines.
 *
 * deno run --allow-read --allow-write=.tmp --allow-net=127.0.0.1 --allow-run=deno --allow-env bench/backfill.ts
 */
import process from "node:process"
import { startIngestionServer } from "./ingestionServer.ts"

const quick = Deno.args.includes("--quick")
const linesFlag = Deno.args.indexOf("--lines")
const lines = linesFlag === -1 ? quick ? 50_000 : 1_000_000 : Number(Deno.args[linesFlag + 1])
const rounds = quick ? 1 : 3
const concurrency = 4
const batchSize = 100
const token = "tok_bench_backfill_0000"
const root = new URL("../", import.meta.url)

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** This process's peak resident set so far, in MB (getrusage's `ru_maxrss`, through node:process). */
const peakMegabytes = (): number => process.resourceUsage().maxRSS / 1024

/** The last line a measured process writes to stderr: its own peak (another process's /proc needs --allow-all). */
const reportPeak = () => console.error(JSON.stringify({ peakMegabytes: peakMegabytes() }))

interface Run {
  readonly code: number
  readonly seconds: number
  readonly peakMegabytes: number
}

/** Runs a deno program until it exits (`stop` may kill it early), and reads the peak it reported. */
const runDeno = async (
  args: ReadonlyArray<string>,
  env: Record<string, string>,
  stop?: (child: Deno.ChildProcess) => Promise<void>,
): Promise<Run> => {
  const started = performance.now()
  const child = new Deno.Command("deno", { args: [...args], cwd: root, env, stdout: "null", stderr: "piped" }).spawn()
  const stopping = stop?.(child)
  const stderr = new Response(child.stderr).text()
  const status = await child.status
  await stopping
  const seconds = (performance.now() - started) / 1000
  const text = await stderr
  if (!status.success && stop === undefined) throw new Error(`deno ${args.join(" ")}: ${text}`)
  const last = text.trimEnd().split("\n").at(-1) ?? ""
  const peak = last.startsWith(`{"peakMegabytes"`) ? JSON.parse(last).peakMegabytes ?? Number.NaN : Number.NaN
  return { code: status.code, seconds, peakMegabytes: peak }
}

// ---------------------------------------------------------------------------
// the raw baseline: run as `bench/backfill.ts --raw FILE URL`

const raw = async (file: string, url: string) => {
  const text = await Deno.readFile(file)
  const decoder = new TextDecoder()
  const batches: Array<Array<unknown>> = []
  let batch: Array<unknown> = []
  let start = 0
  // The whole file at once: the floor of reading and parsing it (the tool streams it, in a mebibyte at a time).
  for (let at = text.indexOf(10); at !== -1; at = text.indexOf(10, start)) {
    batch.push(JSON.parse(decoder.decode(text.subarray(start, at))))
    start = at + 1
    if (batch.length === batchSize) {
      batches.push(batch)
      batch = []
    }
  }
  if (batch.length > 0) batches.push(batch)
  let next = 0
  const worker = async () => {
    while (next < batches.length) {
      const events = batches[next++]
      const response = await fetch(`${url}/ingestBatch`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ events }),
      })
      await response.arrayBuffer()
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

if (Deno.args[0] === "--raw") {
  await raw(Deno.args[1], Deno.args[2])
  reportPeak()
  Deno.exit(0)
}
if (Deno.args[0] === "--tool") {
  // The tool as `deno run src/backfill.ts` runs it, with its peak reported at the end.
  const { main } = await import("../src/backfill.ts")
  const code = await main(Deno.args.slice(1))
  reportPeak()
  Deno.exit(code)
}

// ---------------------------------------------------------------------------
// the benchmark

const dir = new URL(".tmp/bench-backfill/", root).pathname
await Deno.mkdir(dir, { recursive: true })
const file = `${dir}events.ndjson`
{
  const out = await Deno.open(file, { create: true, write: true, truncate: true })
  const encoder = new TextEncoder()
  const base = Date.UTC(2026, 10, 1)
  for (let from = 0; from < lines; from += 10_000) {
    let chunk = ""
    for (let n = from; n < Math.min(lines, from + 10_000); n++) {
      chunk += `{"eventName":"ride","accountId":"ACC${n % 100}","eventTimestamp":"${
        new Date(base + n * 1000).toISOString()
      }","id":"ev-${n}","eventAttributes":[{"attributeName":"distance","attributeValue":"${
        (n % 500) / 10
      }","attributeValueUnit":"km"}],"dimensions":{"city":"Chennai"}}\n`
    }
    await out.write(encoder.encode(chunk))
  }
  out.close()
}
const size = (await Deno.stat(file)).size
const server = await startIngestionServer()
const env = { TOGAI_API_TOKEN: token, TOGAI_BASE_URL: server.url, NO_COLOR: "1" }
const toolArgs = (extra: ReadonlyArray<string> = []) => [
  "run",
  "--allow-read",
  "--allow-write",
  "--allow-net=127.0.0.1",
  "--allow-env",
  new URL(import.meta.url).pathname,
  "--tool",
  file,
  "--rate",
  "0",
  "--progress",
  "none",
  "--concurrency",
  String(concurrency),
  ...extra,
]
const rawArgs = ["run", "--allow-read", "--allow-net=127.0.0.1", new URL(import.meta.url).pathname, "--raw", file]
// Every server reset: no limit to speak of, but admitted requests are parsed and their ids de-duplicated.
const unlimited = 1e9

console.log(
  `backfill: ${lines.toLocaleString("en-US")} lines, ${(size / 1e6).toFixed(0)} MB of NDJSON, ${rounds} rounds`,
)
const toolRuns: Array<Run> = []
const rawRuns: Array<Run> = []
const lost: Array<number> = []
for (let round = 0; round < rounds; round++) {
  await server.reset(unlimited)
  rawRuns.push(await runDeno([...rawArgs, server.url], env))
  await server.reset(unlimited)
  toolRuns.push(await runDeno(toolArgs(["--restart"]), env))
  const stats = await server.stats()
  lost.push(lines - stats.distinctIds)
}

// Killed half way, then resumed.
const resumes: Array<{ missing: number; twice: number; seconds: number; killedAt: number }> = []
for (let round = 0; round < rounds; round++) {
  await server.reset(unlimited)
  let killedAt = 0
  const first = await runDeno(toolArgs(["--restart"]), env, async (child) => {
    for (;;) {
      const stats = await server.stats()
      if (stats.distinctIds >= lines / 2) {
        child.kill("SIGKILL")
        killedAt = stats.distinctIds
        return
      }
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  })
  const second = await runDeno(toolArgs(), env)
  const stats = await server.stats()
  resumes.push({
    missing: lines - stats.distinctIds,
    twice: stats.events - stats.distinctIds,
    seconds: first.seconds + second.seconds,
    killedAt,
  })
}
await server.close()
await Deno.remove(dir, { recursive: true })

const toolSeconds = median(toolRuns.map((run) => run.seconds))
const rawSeconds = median(rawRuns.map((run) => run.seconds))
const rows = [
  ["case", "wall", "events/s", "peak RSS", "vs raw"],
  [
    "raw fetch loop (holds the file)",
    `${rawSeconds.toFixed(1)} s`,
    Math.round(lines / rawSeconds).toLocaleString("en-US"),
    `${median(rawRuns.map((run) => run.peakMegabytes)).toFixed(0)} MB`,
    "1.00x",
  ],
  [
    "backfill tool",
    `${toolSeconds.toFixed(1)} s`,
    Math.round(lines / toolSeconds).toLocaleString("en-US"),
    `${median(toolRuns.map((run) => run.peakMegabytes)).toFixed(0)} MB`,
    `${(rawSeconds / toolSeconds).toFixed(2)}x throughput`,
  ],
  [
    "killed at half, resumed",
    `${median(resumes.map((resume) => resume.seconds)).toFixed(1)} s`,
    "",
    "",
    `missing ${Math.max(...resumes.map((r) => r.missing))}, sent twice ${
      median(resumes.map((r) => r.twice))
    } (median), killed at ${median(resumes.map((r) => r.killedAt)).toLocaleString("en-US")}`,
  ],
]
const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)))
for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join("  "))
console.log(`ids lost in whole runs: ${Math.max(...lost)} (goal 0); missing after resume: goal 0`)
