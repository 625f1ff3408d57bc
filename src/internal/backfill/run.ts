/**
 * One backfill run: a file's events through `Events.ingestStream`, every
 * rejection written with its line number, and a checkpoint a killed run
 * resumes from.
 *
 * The checkpoint names a byte offset of the file: every record before it
 * has its answer (accepted, or written to the rejected file), and the
 * rejected file's length at that moment. A run resumes by cutting the
 * rejected file back to that length and reading the file from that
 * offset, so each rejection is written once; events sent after the
 * checkpoint was saved are sent again, with the same ids, and Togai meters
 * them once. Results come out of `ingestStream` in the order of the file,
 * so the acknowledged records are always a prefix of it.
 *
 * @module
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { Auth } from "../../Auth.ts"
import type { Event } from "../../Schemas/Events.ts"
import {
  type BatchResult,
  type IngestionIncomplete,
  type IngestOptions,
  ingestStream,
  type Rejection,
} from "../ingestion.ts"
import {
  type CsvColumn,
  csvFields,
  csvHeader,
  type CsvRecord,
  CsvRecords,
  eventFromCsv,
  eventFromJson,
  type Line,
  maxLineBytes,
  readLines,
} from "./input.ts"

/** What a run reads, where it writes, and how it sends. */
export interface RunSettings {
  readonly file: string
  readonly format: "ndjson" | "csv"
  /** Where the checkpoint is kept; `undefined` keeps none (the simulator: its state is gone with the process). */
  readonly checkpoint: string | undefined
  readonly rejected: string
  /** Ignore a checkpoint and start from the first line. */
  readonly restart: boolean
  /** Where events go (a base URL, or "simulator"): a checkpoint is for the target it was made with. */
  readonly target: string
  readonly ingest: IngestOptions
  /** Called with each event before it is sent (the simulator creates the accounts the file names). */
  readonly onEvent?: ((event: Event) => void) | undefined
  /** Runs beside the run once it knows where it starts (a progress display); stopped when the run ends. */
  readonly onStart?: Effect.Effect<unknown> | undefined
  /** The least time between two checkpoint writes (they are also written at the end, however the run ends). */
  readonly checkpointEvery?: number | undefined
}

/** Where a run stands, for the progress display; updated as the run goes. */
export interface RunStats {
  /** The file's size in bytes. */
  size: number
  /** The offset the run started from (0, or the checkpoint's). */
  startOffset: number
  /** The offset up to which every record has its answer. */
  doneOffset: number
  /** The offset up to which the file has been read. */
  readOffset: number
  /** The line number of the last record with its answer. */
  line: number
  /** Records (events and bad lines) with their answer, from the start of the file. */
  records: number
  /** Events Togai accepted, from the start of the file. */
  accepted: number
  /** Records rejected (by Togai, by the contract, or unreadable), from the start of the file. */
  rejected: number
  /** Events sent in this run. */
  sent: number
  /** When this run started (`performance.now()`). */
  startedAt: number
  /** The line this run resumed after, if it resumed. */
  resumedAfterLine: number | undefined
}

/** A run that cannot go on: the file, the checkpoint or a setting; `exitCode` 2. */
export class BackfillProblem extends Data.TaggedError("BackfillProblem")<{ readonly message: string }> {}

/** What a run came to. */
export interface RunSummary {
  readonly stats: RunStats
  /** The file had been sent completely by an earlier run (its checkpoint says so); nothing was sent. */
  readonly alreadyComplete: boolean
}

interface Checkpoint {
  readonly version: 1
  readonly file: string
  readonly size: number
  readonly modified: number | null
  readonly format: "ndjson" | "csv"
  readonly target: string
  readonly offset: number
  readonly line: number
  readonly records: number
  readonly accepted: number
  readonly rejected: number
  readonly rejectedBytes: number
  readonly complete: boolean
  readonly savedAt: string
}

const isCheckpoint = (value: unknown): value is Checkpoint => {
  if (typeof value !== "object" || value === null) return false
  const c = value as Record<string, unknown>
  return c.version === 1 && typeof c.offset === "number" && typeof c.line === "number" &&
    typeof c.records === "number" && typeof c.accepted === "number" && typeof c.rejected === "number" &&
    typeof c.rejectedBytes === "number" && typeof c.size === "number" && typeof c.target === "string" &&
    typeof c.complete === "boolean" && (c.format === "ndjson" || c.format === "csv")
}

const problem = (message: string) => new BackfillProblem({ message })

const describe = (cause: unknown): string => cause instanceof Error ? cause.message : String(cause)

const readCheckpoint = (
  settings: RunSettings,
  info: Deno.FileInfo,
): Effect.Effect<Checkpoint | undefined, BackfillProblem> =>
  Effect.suspend(() => {
    const path = settings.checkpoint
    if (path === undefined || settings.restart) return Effect.succeed(undefined)
    let text: string
    try {
      text = Deno.readTextFileSync(path)
    } catch (cause) {
      if (cause instanceof Deno.errors.NotFound) return Effect.succeed(undefined)
      return Effect.fail(problem(`cannot read the checkpoint ${path}: ${describe(cause)}`))
    }
    let checkpoint: unknown
    try {
      checkpoint = JSON.parse(text)
    } catch {
      checkpoint = undefined
    }
    const restart = `; pass --restart to send the file from its first line (ids already sent are not metered again)`
    if (!isCheckpoint(checkpoint)) {
      return Effect.fail(problem(`the checkpoint ${path} is not one this tool wrote${restart}`))
    }
    const modified = info.mtime?.getTime() ?? null
    if (checkpoint.size !== info.size || checkpoint.modified !== modified) {
      return Effect.fail(problem(`${settings.file} has changed since the checkpoint ${path} was saved${restart}`))
    }
    if (checkpoint.format !== settings.format) {
      return Effect.fail(
        problem(`the checkpoint ${path} was made reading ${checkpoint.format}, not ${settings.format}${restart}`),
      )
    }
    if (checkpoint.target !== settings.target) {
      return Effect.fail(
        problem(`the checkpoint ${path} was made sending to ${checkpoint.target}, not ${settings.target}${restart}`),
      )
    }
    if (checkpoint.offset > info.size) {
      return Effect.fail(problem(`the checkpoint ${path} points past the end of the file${restart}`))
    }
    return Effect.succeed(checkpoint)
  })

/** A file written with `writeSync`, every byte of it (a write may take fewer than it is given). */
const writeAll = (file: Deno.FsFile, bytes: Uint8Array): void => {
  let written = 0
  while (written < bytes.length) written += file.writeSync(bytes.subarray(written))
}

interface Pending {
  readonly line: number
  readonly last: number
  readonly end: number
  readonly text: string | undefined
  /** Bad lines between the event before this one and this one, to be written in their place. */
  readonly badBefore: ReadonlyArray<Bad> | undefined
}

interface Bad {
  readonly line: number
  readonly last: number
  readonly end: number
  readonly reason: string
  readonly text: string | undefined
}

/** The first record of a CSV file: its header, and where the data starts. */
const readCsvHeader = (
  file: string,
): Effect.Effect<{ columns: Array<CsvColumn>; line: number; end: number }, BackfillProblem> =>
  Effect.tryPromise({
    try: async () => {
      const records = new CsvRecords()
      for await (const lines of readLines(file, { offset: 0, line: 0 })) {
        const out: Array<CsvRecord> = []
        for (const line of lines) records.push(line, out)
        for (const record of out) {
          if (record.text === undefined) return `${file}: line ${record.line}, the header, cannot be read`
          if (record.text.trim() === "") continue
          const [fields] = csvFields([record.text])
          if (!Array.isArray(fields)) return `${file}: the header ${fields.error}`
          const columns = csvHeader(fields)
          return typeof columns === "string" ? `${file}: ${columns}` : { columns, line: record.last, end: record.end }
        }
      }
      return `${file} is empty: a CSV file starts with a header row`
    },
    catch: (cause) => problem(`cannot read ${file}: ${describe(cause)}`),
  }).pipe(
    Effect.flatMap((header) => typeof header === "string" ? Effect.fail(problem(header)) : Effect.succeed(header)),
  )

/**
 * Sends a file's events and writes its rejections, resuming from the
 * checkpoint if there is one. Fails with `BackfillProblem` when the file,
 * the checkpoint or a setting stops it before it starts, and with
 * `IngestionIncomplete` when Togai stopped answering (the checkpoint then
 * says where to resume, and is saved however the run ends, an
 * interruption included).
 */
export const runBackfill = (
  settings: RunSettings,
  stats: RunStats,
): Effect.Effect<RunSummary, BackfillProblem | IngestionIncomplete, HttpClient.HttpClient | Auth> =>
  Effect.gen(function* () {
    const info = yield* Effect.try({
      try: () => Deno.statSync(settings.file),
      catch: (cause) => problem(`cannot read ${settings.file}: ${describe(cause)}`),
    })
    if (!info.isFile) return yield* Effect.fail(problem(`${settings.file} is not a file`))
    const checkpoint = yield* readCheckpoint(settings, info)
    stats.size = info.size
    if (checkpoint !== undefined) {
      Object.assign(stats, {
        startOffset: checkpoint.offset,
        doneOffset: checkpoint.offset,
        readOffset: checkpoint.offset,
        line: checkpoint.line,
        records: checkpoint.records,
        accepted: checkpoint.accepted,
        rejected: checkpoint.rejected,
        resumedAfterLine: checkpoint.complete ? undefined : checkpoint.line,
      })
      if (checkpoint.complete) return { stats, alreadyComplete: true }
    }
    const header = settings.format === "csv" ? yield* readCsvHeader(settings.file) : undefined
    if (header !== undefined && checkpoint === undefined) {
      Object.assign(stats, {
        startOffset: header.end,
        doneOffset: header.end,
        readOffset: header.end,
        line: header.line,
      })
    }

    const cannotWrite = (cause: unknown) => problem(`cannot write ${settings.rejected}: ${describe(cause)}`)
    const rejectedFile = yield* Effect.acquireRelease(
      Effect.try({
        try: () => Deno.openSync(settings.rejected, { create: true, write: true, read: false }),
        catch: cannotWrite,
      }),
      (file) => Effect.sync(() => file.close()),
    )
    const kept = checkpoint?.rejectedBytes ?? 0
    const length = yield* Effect.try({ try: () => rejectedFile.statSync().size, catch: cannotWrite })
    if (length < kept) {
      return yield* Effect.fail(problem(
        `${settings.rejected} is shorter than the checkpoint ${settings.checkpoint} says it was: it was changed ` +
          "since; restore it, or pass --restart to send the file from its first line",
      ))
    }
    // What a killed run wrote after its last checkpoint is written again, in its place.
    yield* Effect.try({
      try: () => {
        rejectedFile.truncateSync(kept)
        rejectedFile.seekSync(0, Deno.SeekMode.End)
      },
      catch: cannotWrite,
    })
    if (settings.onStart !== undefined) yield* Effect.forkScoped(settings.onStart)
    let rejectedBytes = checkpoint?.rejectedBytes ?? 0
    const encoder = new TextEncoder()
    const writeRejection = (entry: Record<string, unknown>): void => {
      const bytes = encoder.encode(`${JSON.stringify(entry)}\n`)
      writeAll(rejectedFile, bytes)
      rejectedBytes += bytes.length
      stats.rejected += 1
    }
    const writeBad = (bad: Bad): void => {
      writeRejection(
        bad.text === undefined ? { line: bad.line, reason: bad.reason } : {
          line: bad.line,
          reason: bad.reason,
          record: bad.text,
        },
      )
      stats.records += 1
    }

    const identity = { file: settings.file, size: info.size, modified: info.mtime?.getTime() ?? null }
    let savedAt = 0
    const save = (complete: boolean): void => {
      if (settings.checkpoint === undefined) return
      const value: Checkpoint = {
        version: 1,
        ...identity,
        format: settings.format,
        target: settings.target,
        offset: stats.doneOffset,
        line: stats.line,
        records: stats.records,
        accepted: stats.accepted,
        rejected: stats.rejected,
        rejectedBytes,
        complete,
        savedAt: new Date().toISOString(),
      }
      // Written whole to a side file, then renamed over the checkpoint: a kill leaves the old one or the new one.
      const temporary = `${settings.checkpoint}.${Deno.pid}.tmp`
      Deno.writeTextFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`)
      Deno.renameSync(temporary, settings.checkpoint)
      savedAt = performance.now()
    }
    const checkpointEvery = settings.checkpointEvery ?? 50

    // The events taken from the file and not yet answered, oldest first, with the bad lines read between them.
    const pending: Array<Pending> = []
    let head = 0
    let badSince: Array<Bad> | undefined
    const bad = (entry: Bad): void => {
      if (head === pending.length) {
        // Nothing before it is waiting for Togai: it has its answer now.
        writeBad(entry)
        stats.doneOffset = entry.end
        stats.line = entry.last
      } else {
        ;(badSince ??= []).push(entry)
      }
    }
    const take = (line: Line, event: Event): Event => {
      settings.onEvent?.(event)
      pending.push({ line: line.line, last: line.last, end: line.end, text: line.text, badBefore: badSince })
      badSince = undefined
      return event
    }
    const tooLong = `the line is longer than ${maxLineBytes / (1 << 20)} MiB; an event is far shorter`

    const columns = header?.columns
    const csv = new CsvRecords()
    const recordsOf = (lines: ReadonlyArray<Line>): Array<Event> => {
      const events: Array<Event> = []
      if (columns === undefined) {
        for (const line of lines) {
          stats.readOffset = line.end
          if (line.text === undefined) {
            bad({ ...line, reason: tooLong })
            continue
          }
          const event = eventFromJson(line.line, line.text)
          if (event === undefined) continue
          if (typeof event === "string") bad({ ...line, reason: event })
          else events.push(take(line, event))
        }
        return events
      }
      const records: Array<CsvRecord> = []
      for (const line of lines) csv.push(line, records)
      const texts: Array<string> = []
      const readable: Array<CsvRecord> = []
      for (const record of records) {
        if (record.text !== undefined && record.text.trim() !== "") {
          texts.push(record.text)
          readable.push(record)
        }
      }
      const fields = csvFields(texts)
      let next = 0
      for (const record of records) {
        stats.readOffset = record.end
        if (record.text === undefined) {
          bad({
            ...record,
            reason: record.unclosed ? "a quoted field opened on this line is never closed" : tooLong,
          })
          continue
        }
        if (record.text.trim() === "") continue
        const row = fields[next++]
        if (!Array.isArray(row)) {
          bad({ ...record, reason: `the record ${row.error}` })
          continue
        }
        const event = eventFromCsv(columns, record.line, record.text, row)
        if (typeof event === "string") bad({ ...record, reason: event })
        else events.push(take(record, event))
      }
      return events
    }

    const acknowledge = (result: BatchResult): void => {
      const rejections = new Map<Event, Rejection>()
      const unmatched: Array<Rejection> = []
      for (const rejection of result.rejected) {
        if (rejection.event === undefined) unmatched.push(rejection)
        else rejections.set(rejection.event, rejection)
      }
      for (const event of result.events) {
        const entry = pending[head]
        pending[head++] = undefined as never
        for (const earlier of entry.badBefore ?? []) writeBad(earlier)
        const rejection = rejections.get(event)
        if (rejection !== undefined) {
          writeRejection({
            line: entry.line,
            reason: rejection.reason,
            ...(rejection._tag === "RejectedByTogai" ? { status: rejection.status } : {}),
            ...(entry.text === undefined ? {} : { record: entry.text }),
          })
        }
        stats.records += 1
        stats.doneOffset = entry.end
        stats.line = entry.last
      }
      for (const rejection of unmatched) {
        // Togai named an event the batch did not hold: written as it said, with the lines of its batch.
        writeRejection({
          line: null,
          reason: rejection.reason,
          ...(rejection._tag === "RejectedByTogai" ? { status: rejection.status } : {}),
          event: rejection.event ?? null,
        })
      }
      stats.accepted += result.accepted
      stats.sent += result.events.length - result.rejected.filter((r) => r._tag === "InvalidEvent").length
      if (head >= 4096 && head * 2 >= pending.length) {
        pending.splice(0, head)
        head = 0
      }
      if (performance.now() - savedAt >= checkpointEvery) save(false)
    }

    const lines = Stream.fromAsyncIterable(
      readLines(settings.file, { offset: stats.readOffset, line: stats.line }),
      (cause) => problem(`cannot read ${settings.file}: ${describe(cause)}`),
    )
    const events = Stream.concat(
      Stream.mapConcat(lines, recordsOf),
      // A CSV record still open at the end of the file: its lines, read on their own.
      Stream.suspend(() => {
        if (columns === undefined) return Stream.empty
        const rest: Array<CsvRecord> = []
        csv.end(rest)
        return rest.length === 0 ? Stream.empty : Stream.fromIterable(recordsOf(rest))
      }),
    )
    yield* ingestStream(events, settings.ingest).pipe(
      Stream.runForEach((result) => Effect.sync(() => acknowledge(result))),
      Effect.catchTag("ConfigurationError", (error) => Effect.fail(problem(error.message))),
      Effect.onExit(() => Effect.sync(() => save(false))),
    )
    // Bad lines after the last event: nothing is waiting for Togai now.
    for (const entry of badSince ?? []) {
      writeBad(entry)
      stats.line = entry.last
    }
    badSince = undefined
    stats.doneOffset = info.size
    save(true)
    return { stats, alreadyComplete: false }
  }).pipe(Effect.scoped)
