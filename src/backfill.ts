/**
 * The backfill tool: sends a file of usage events to Togai, at its
 * ingestion quota, and loses none.
 *
 * ```sh
 * deno run -A jsr:@effect-togai/client/backfill events.ndjson
 * ```
 *
 * It reads NDJSON (one event per line, as Togai's API takes it) or CSV
 * (a header row, then one event per row), shows its progress, writes every
 * rejected record with its line number and the reason to
 * `FILE.rejected.ndjson`, and keeps a checkpoint (`FILE.checkpoint.json`)
 * so a run that is killed resumes where it stopped when started again:
 * nothing is lost, and since every event keeps its id (a line without one
 * gets an id derived from its number and text), nothing is metered twice.
 * Without `TOGAI_API_TOKEN` it sends to the built-in simulator, to try a
 * file first. `--help` lists every flag.
 *
 * @module
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import type * as Layer from "effect/Layer"
import process from "node:process"
import { parseArgs } from "node:util"
import type { Auth } from "./Auth.ts"
import type { Event } from "./Schemas/Events.ts"
import * as Simulator from "./testing/Simulator.ts"
import * as Togai from "./Togai.ts"
import * as TogaiConfig from "./TogaiConfig.ts"
import { IngestionIncomplete } from "./internal/ingestion.ts"
import { csvColumnsHelp } from "./internal/backfill/input.ts"
import { BackfillProblem, runBackfill, type RunStats } from "./internal/backfill/run.ts"

const help = `Sends a file of usage events to Togai at its ingestion quota, losing none.

Usage:
  deno task backfill FILE [flags]
  deno run -A jsr:@effect-togai/client/backfill FILE [flags]

FILE holds one event per line as NDJSON, Togai's Event as its API takes it:
  {"eventName":"ride","accountId":"ACC1","eventTimestamp":"2026-11-01T09:30:00Z","id":"ride-1",
   "eventAttributes":[{"attributeName":"distance","attributeValue":"12.5","attributeValueUnit":"km"}],
   "dimensions":{"city":"Chennai"}}
  (or "attributes":{"distance":12.5}; eventTimestamp may be epoch milliseconds), or, for a .csv file,
  a header row naming ${csvColumnsHelp}, then one event per row.
  An event without an id gets one derived from its line number and text, so sending the file
  again, or resuming, sends the same ids: Togai meters an id once.

What it writes:
  FILE.rejected.ndjson   every rejected record: {"line":12,"reason":"...","record":"..."}
                         (a line that is not JSON or lacks a field, an event that breaks Togai's
                         contract, an event Togai answered it would not take)
  FILE.checkpoint.json   where the run stands; a run killed half way resumes from it when started
                         again with the same FILE. When the file is done, the checkpoint says so.

Flags:
  --format ndjson|csv    how FILE is written (default: csv for a .csv name, ndjson otherwise)
  --batch-size N         events per request, 1 to 100 (default 100, Togai's limit)
  --concurrency N        requests in flight (default 4)
  --rate N               requests a second (default 50, Togai's documented ingestion quota;
                         0 turns the client's limit off)
  --retries N            attempts after a 429, a 503 or a dropped connection (default 8)
  --base-url URL         Togai's API (default TOGAI_BASE_URL, else ${TogaiConfig.defaultSettings.baseUrl})
  --checkpoint PATH      where the checkpoint is kept (default FILE.checkpoint.json)
  --rejected PATH        where rejected records go (default FILE.rejected.ndjson)
  --restart              ignore the checkpoint and send the file from its first line
  --simulator            send to the built-in simulator even when TOGAI_API_TOKEN is set
  --progress MODE        bar (a bar redrawn in place), lines (a line every --every seconds),
                         none; by default bar on a terminal and lines otherwise
  --every SECONDS        seconds between progress lines (default 10)
  -h, --help             this text

Environment:
  TOGAI_API_TOKEN        your API token; without it the run goes to the built-in simulator
                         (in this process, nothing leaves the machine; it creates each account the
                         file names, keeps no checkpoint and writes FILE.simulator.rejected.ndjson),
                         so you can try a file first
  TOGAI_BASE_URL         Togai's API, unless --base-url is given

Exit status: 0 every event accepted; 1 some records rejected (see FILE.rejected.ndjson);
2 the file, a flag or the checkpoint stops the run before it starts; 3 Togai stopped
answering (run the same command again to resume); 130 interrupted (the same: resume).
`

const flags = {
  format: { type: "string" },
  "batch-size": { type: "string" },
  concurrency: { type: "string" },
  rate: { type: "string" },
  retries: { type: "string" },
  "base-url": { type: "string" },
  checkpoint: { type: "string" },
  rejected: { type: "string" },
  restart: { type: "boolean" },
  simulator: { type: "boolean" },
  progress: { type: "string" },
  every: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const

class UsageError extends Error {}

const integer = (name: string, value: string | undefined, fallback: number, min: number, max: number): number => {
  if (value === undefined) return fallback
  const number = Number(value)
  if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
    throw new UsageError(`--${name} is ${JSON.stringify(value)}; it takes a whole number from ${min} to ${max}`)
  }
  return number
}

const count = (n: number): string => Math.round(n).toLocaleString("en-US")

const duration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return "?"
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`
}

const bytes = (n: number): string =>
  n < 1e3
    ? `${n} B`
    : n < 1e6
    ? `${(n / 1e3).toFixed(1)} kB`
    : n < 1e9
    ? `${(n / 1e6).toFixed(1)} MB`
    : `${(n / 1e9).toFixed(2)} GB`

interface Rates {
  readonly percent: string
  readonly perSecond: number
  readonly left: number
}

const ratesOf = (stats: RunStats, startRecords: number): Rates => {
  const elapsed = (performance.now() - stats.startedAt) / 1000
  const done = stats.doneOffset - stats.startOffset
  const bytesPerSecond = elapsed > 0 ? done / elapsed : 0
  return {
    percent: stats.size === 0 ? "100.0" : (100 * stats.doneOffset / stats.size).toFixed(1),
    perSecond: elapsed > 0 ? (stats.records - startRecords) / elapsed : 0,
    left: bytesPerSecond > 0 ? (stats.size - stats.doneOffset) / bytesPerSecond : Number.POSITIVE_INFINITY,
  }
}

const encoder = new TextEncoder()
const writeErr = (text: string): void => {
  const data = encoder.encode(text)
  let written = 0
  while (written < data.length) written += Deno.stderr.writeSync(data.subarray(written))
}

const barLine = (stats: RunStats, startRecords: number): string => {
  const rates = ratesOf(stats, startRecords)
  const width = 24
  const filled = stats.size === 0 ? width : Math.min(width, Math.round(width * stats.doneOffset / stats.size))
  return `\r\x1b[2K[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${rates.percent}%  ` +
    `${count(stats.sent)} sent  ${count(stats.accepted)} accepted  ${count(stats.rejected)} rejected  ` +
    `${count(rates.perSecond)} events/s  ${duration(rates.left)} left`
}

const plainLine = (file: string, stats: RunStats, startRecords: number): string => {
  const rates = ratesOf(stats, startRecords)
  return `backfill: ${rates.percent}% of ${file} (to line ${count(stats.line)}): ${count(stats.sent)} sent, ` +
    `${count(stats.accepted)} accepted, ${count(stats.rejected)} rejected, ${count(rates.perSecond)} events/s, ` +
    `about ${duration(rates.left)} left\n`
}

/**
 * Runs the backfill tool with command-line arguments (`Deno.args`) and
 * resolves to its exit status: 0 when every event was accepted, 1 when
 * some records were rejected, 2 when the file, a flag or the checkpoint
 * stops the run before it starts, 3 when Togai stopped answering (run it
 * again to resume), 130 when interrupted. Progress goes to standard error,
 * the one-line summary to standard output.
 *
 * @example
 * ```ts
 * import { main } from "@effect-togai/client/backfill"
 *
 * // Sends rides.ndjson to the built-in simulator when TOGAI_API_TOKEN is not set.
 * const status = await main(["rides.ndjson", "--progress", "none"])
 * if (status !== 0) console.error(`backfill ended with status ${status}`)
 * ```
 *
 * @since 0.2.0
 */
export const main = async (args: ReadonlyArray<string>): Promise<number> => {
  let parsed
  try {
    parsed = parseArgs({ args: [...args], options: flags, allowPositionals: true, strict: true })
  } catch (cause) {
    writeErr(`backfill: ${cause instanceof Error ? cause.message : cause}\nRun with --help for the flags.\n`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) {
    writeErr(help)
    return 0
  }
  try {
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length === 0 ? "name the file to send: backfill FILE" : "give one file at a time",
      )
    }
    const file = positionals[0]
    const format = values.format ?? (file.toLowerCase().endsWith(".csv") ? "csv" : "ndjson")
    if (format !== "ndjson" && format !== "csv") {
      throw new UsageError(`--format is ${JSON.stringify(format)}; it takes ndjson or csv`)
    }
    const batchSize = integer("batch-size", values["batch-size"], 100, 1, 100)
    const concurrency = integer("concurrency", values.concurrency, 4, 1, 64)
    const rate = integer("rate", values.rate, 50, 0, 100_000)
    const retries = integer("retries", values.retries, 8, 0, 100)
    const every = integer("every", values.every, 10, 1, 86_400)
    const progress = values.progress ?? (Deno.stderr.isTerminal() ? "bar" : "lines")
    if (progress !== "bar" && progress !== "lines" && progress !== "none") {
      throw new UsageError(`--progress is ${JSON.stringify(progress)}; it takes bar, lines or none`)
    }
    const token = process.env.TOGAI_API_TOKEN
    const simulated = values.simulator === true || token === undefined || token === ""
    const settings: TogaiConfig.SettingsInput = { retry: { maxRetries: retries } }

    let layer: Layer.Layer<Auth | HttpClient.HttpClient | TogaiConfig.TogaiConfig>
    let target: string
    let onEvent: ((event: Event) => void) | undefined
    if (simulated) {
      const simulator = Simulator.make({ quota: Simulator.togaiQuota })
      const known = new Set<string>()
      onEvent = (event) => {
        if (known.has(event.accountId)) return
        known.add(event.accountId)
        try {
          simulator.addCustomer({
            id: `backfill-${known.size}`,
            accounts: [{ id: event.accountId, name: `Account ${event.accountId}`.slice(0, 255) }],
          })
        } catch {
          // An account id Togai would not take: its events are rejected, as Togai would reject them.
        }
      }
      layer = Simulator.layerFrom(simulator, settings)
      target = "simulator"
      writeErr(
        `backfill: ${
          values.simulator ? "--simulator is set" : "TOGAI_API_TOKEN is not set"
        }, so this run goes to the built-in Togai simulator (in this process; nothing leaves the machine). ` +
          "It creates each account the file names, and keeps no checkpoint. " +
          "Set TOGAI_API_TOKEN (and TOGAI_BASE_URL) to send to Togai.\n",
      )
    } else {
      const baseUrl = values["base-url"] ?? process.env.TOGAI_BASE_URL ?? TogaiConfig.defaultSettings.baseUrl
      const merged = TogaiConfig.mergeSettings(TogaiConfig.defaultSettings, { ...settings, baseUrl })
      const misconfigured = TogaiConfig.validate(merged)
      if (misconfigured !== undefined) throw new UsageError(misconfigured.message)
      layer = Togai.layer({ token, ...settings, baseUrl })
      target = merged.baseUrl
    }

    const checkpoint = simulated ? undefined : values.checkpoint ?? `${file}.checkpoint.json`
    // A trial run never touches what a real run wrote (its checkpoint counts the real rejected file's bytes).
    const rejected = values.rejected ?? (simulated ? `${file}.simulator.rejected.ndjson` : `${file}.rejected.ndjson`)
    const stats: RunStats = {
      size: 0,
      startOffset: 0,
      doneOffset: 0,
      readOffset: 0,
      line: 0,
      records: 0,
      accepted: 0,
      rejected: 0,
      sent: 0,
      startedAt: performance.now(),
      resumedAfterLine: undefined,
    }
    let startRecords = 0
    const started = Effect.sync(() => {
      startRecords = stats.records
      stats.startedAt = performance.now()
      const resuming = stats.resumedAfterLine === undefined
        ? ""
        : `; resuming after line ${count(stats.resumedAfterLine)} (${checkpoint})`
      writeErr(
        `backfill: sending ${file} (${format.toUpperCase()}, ${bytes(stats.size)}) to ${target}, ${batchSize} ` +
          `events a request, ${concurrency} in flight, ${
            rate === 0 ? "no rate limit" : `at most ${rate} requests a second`
          }${resuming}\n`,
      )
    })
    const report = progress === "none"
      ? Effect.void
      : Effect.sync(() =>
        writeErr(progress === "bar" ? barLine(stats, startRecords) : plainLine(file, stats, startRecords))
      )
    const reporter = Effect.zipRight(
      started,
      Effect.forever(Effect.zipRight(Effect.sleep(progress === "bar" ? 250 : every * 1000), report)),
    )

    // The reporter starts once the checkpoint is read (the run sets `size` first), and stops with the run.
    const program = runBackfill({
      file,
      format,
      checkpoint,
      rejected,
      restart: values.restart === true,
      target,
      onEvent,
      ingest: {
        batchSize,
        concurrency,
        rateLimit: rate === 0 ? false : { limit: rate, interval: "1 second" },
      },
      onStart: reporter,
    }, stats).pipe(Effect.provide(layer))

    const fiber = Effect.runFork(program)
    let interrupts = 0
    const onSignal = () => {
      interrupts += 1
      if (interrupts > 1) Deno.exit(130)
      writeErr("\nbackfill: stopping; saving the checkpoint (press Ctrl-C again to quit at once)\n")
      fiber.unsafeInterruptAsFork(fiber.id())
    }
    const signals: Array<Deno.Signal> = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"]
    for (const signal of signals) Deno.addSignalListener(signal, onSignal)
    const exit = await Effect.runPromise(Fiber.await(fiber))
    for (const signal of signals) Deno.removeSignalListener(signal, onSignal)
    if (progress === "bar") writeErr(`${barLine(stats, startRecords)}\n`)

    const resume = checkpoint === undefined
      ? "the simulator keeps no checkpoint: run it again to send the file again"
      : `run the same command to resume after line ${count(stats.line)} (${checkpoint})`
    if (Exit.isSuccess(exit)) {
      const elapsed = (performance.now() - stats.startedAt) / 1000
      const where = stats.rejected === 0 ? "" : ` (written to ${rejected})`
      const prefix = exit.value.alreadyComplete
        ? `backfill: ${file} was sent completely by an earlier run (${checkpoint}; --restart sends it again): `
        : `backfill: ${file} sent: `
      const pace = exit.value.alreadyComplete
        ? ""
        : `, in ${duration(elapsed)} (${count(ratesOf(stats, startRecords).perSecond)} events/s)`
      console.log(
        `${prefix}${count(stats.records)} records, ${count(stats.accepted)} accepted, ` +
          `${count(stats.rejected)} rejected${where}${pace}`,
      )
      return stats.rejected === 0 ? 0 : 1
    }
    if (Cause.isInterruptedOnly(exit.cause)) {
      console.log(
        `backfill: interrupted: ${count(stats.records)} records have their answer (${count(stats.accepted)} ` +
          `accepted, ${count(stats.rejected)} rejected); ${resume}`,
      )
      return 130
    }
    const failure = Cause.failureOption(exit.cause)
    if (failure._tag === "Some" && failure.value instanceof BackfillProblem) {
      writeErr(`backfill: ${failure.value.message}\n`)
      return 2
    }
    if (failure._tag === "Some" && failure.value instanceof IngestionIncomplete) {
      writeErr(`backfill: ${failure.value.cause.message}\n`)
      console.log(
        `backfill: stopped: ${count(stats.records)} records have their answer (${count(stats.accepted)} ` +
          `accepted, ${count(stats.rejected)} rejected); ${resume}`,
      )
      return 3
    }
    writeErr(`backfill: stopped by a bug, please report it: ${Cause.pretty(exit.cause).slice(0, 2_000)}\n`)
    return 70
  } catch (cause) {
    if (cause instanceof UsageError) {
      writeErr(`backfill: ${cause.message}\nRun with --help for the flags.\n`)
      return 2
    }
    throw cause
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args))
