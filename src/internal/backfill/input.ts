/**
 * The backfill tool's input: a file read as records (an NDJSON line, a CSV
 * record), each with its line number and the byte offset just after it, so
 * a checkpoint can name a place to resume from; and each record made an
 * `Event`, or the reason it cannot be one.
 *
 * @module
 */
import { parse as parseCsv } from "csv-parse/sync"
import * as DateTime from "effect/DateTime"
import { v5 as uuidV5 } from "uuid"
import type { Event, EventAttribute } from "../../Schemas/Events.ts"

/** A line or record of the file. */
export interface Line {
  /** Its line number, from 1 (for a CSV record spanning lines, its first). */
  readonly line: number
  /** The number of its last line (a CSV record may span lines): a run resumes after it. */
  readonly last: number
  /** The byte offset just after it (after its newline): where to resume once it has its answer. */
  readonly end: number
  /** Its text, without the newline; `undefined` for a line over the limit, which is not kept. */
  readonly text: string | undefined
}

/** The longest line kept; a longer one is a rejection (it cannot be an event of at most 50 short attributes). */
export const maxLineBytes = 1 << 20

const newline = 10

/**
 * The lines of a file from a byte offset, in arrays of the lines each read
 * completed (a read is a mebibyte), so a million lines are a thousand pulls.
 * `\r\n` ends a line as `\n` does; a byte order mark before the first line
 * is dropped; invalid UTF-8 is read as U+FFFD (the event is then what it
 * says, and Togai or the contract decides).
 */
export async function* readLines(
  path: string,
  from: { readonly offset: number; readonly line: number },
): AsyncGenerator<Array<Line>> {
  const file = await Deno.open(path, { read: true })
  try {
    if (from.offset > 0) await file.seek(from.offset, Deno.SeekMode.Start)
    const decoder = new TextDecoder()
    const decode = (bytes: Uint8Array, start: number): string => {
      let text = decoder.decode(bytes)
      if (text.endsWith("\r")) text = text.slice(0, -1)
      if (start === 0 && text.startsWith("\uFEFF")) text = text.slice(1)
      return text
    }
    const buffer = new Uint8Array(1 << 20)
    let carry: Uint8Array | undefined
    let overlong = false
    let offset = from.offset
    let line = from.line
    for (;;) {
      const read = await file.read(buffer)
      if (read === null) break
      let chunk = buffer.subarray(0, read)
      if (carry !== undefined) {
        const joined = new Uint8Array(carry.length + chunk.length)
        joined.set(carry)
        joined.set(chunk, carry.length)
        chunk = joined
        carry = undefined
      }
      const lines: Array<Line> = []
      let start = 0
      for (let at = chunk.indexOf(newline); at !== -1; at = chunk.indexOf(newline, start)) {
        const lineStart = offset
        offset += at - start + 1
        line += 1
        lines.push({
          line,
          last: line,
          end: offset,
          text: overlong || at - start > maxLineBytes ? undefined : decode(chunk.subarray(start, at), lineStart),
        })
        overlong = false
        start = at + 1
      }
      if (start < chunk.length) {
        // The start of a line the next read completes; past the limit only its length is kept.
        if (overlong || chunk.length - start > maxLineBytes) {
          overlong = true
          offset += chunk.length - start
          carry = undefined
        } else {
          carry = chunk.slice(start)
        }
      }
      if (lines.length > 0) yield lines
    }
    if (overlong) {
      yield [{ line: line + 1, last: line + 1, end: offset, text: undefined }]
    } else if (carry !== undefined) {
      yield [{ line: line + 1, last: line + 1, end: offset + carry.length, text: decode(carry, offset) }]
    }
  } finally {
    file.close()
  }
}

// ---------------------------------------------------------------------------------------------------------------
// CSV records

/** A record of a CSV file: its first line, the offset after its last, and its text (its lines joined by `\n`). */
export interface CsvRecord extends Line {
  /** A quoted field opened on this line and never closed: the line is rejected, and the lines after it read again. */
  readonly unclosed?: true | undefined
}

/** The most lines one quoted field may span before its opening quote is taken for a mistake. */
const maxRecordLines = 1_000

const quote = 34
const comma = 44

/**
 * Whether a quoted field is still open at the end of a line, given whether
 * one was open at its start. Only a quote that starts a field opens one
 * (RFC 4180): a stray quote inside an unquoted field (`12" screen`) is that
 * line's mistake, and must not join the lines after it into one record.
 */
const openAtEnd = (text: string, openAtStart: boolean): boolean => {
  if (!openAtStart && !text.includes('"')) return false
  let quoted = openAtStart
  let fieldStart = !openAtStart
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at)
    if (quoted) {
      if (code !== quote) continue
      if (text.charCodeAt(at + 1) === quote) at++
      else quoted = false
    } else if (code === quote && fieldStart) {
      quoted = true
    } else {
      fieldStart = code === comma
    }
  }
  return quoted
}

/**
 * Joins lines into CSV records: a record goes on while a quoted field is
 * open (RFC 4180), so a field may hold a newline. A quote that is never closed would swallow the rest of the
 * file; after {@link maxRecordLines} lines its first line is rejected on
 * its own and the lines after it are read again as records.
 */
export class CsvRecords {
  private pending: Array<Line> = []

  push(line: Line, out: Array<CsvRecord>): void {
    if (this.pending.length === 0) {
      if (line.text === undefined || !openAtEnd(line.text, false)) {
        out.push(line)
        return
      }
      this.pending.push(line)
      return
    }
    this.pending.push(line)
    // An overlong line inside a quoted field: the record cannot be read; it ends where a quote closes it, if one does.
    if (line.text === undefined || !openAtEnd(line.text, true)) {
      out.push(this.joined())
    } else if (this.pending.length >= maxRecordLines) {
      const [first, ...rest] = this.pending
      this.pending = []
      out.push({ line: first.line, last: first.line, end: first.end, text: undefined, unclosed: true })
      for (const next of rest) this.push(next, out)
    }
  }

  /** At the end of the file: a record still open is its lines' mistake; each is read on its own. */
  end(out: Array<CsvRecord>): void {
    if (this.pending.length === 0) return
    const [first, ...rest] = this.pending
    this.pending = []
    out.push({ line: first.line, last: first.line, end: first.end, text: undefined, unclosed: true })
    for (const next of rest) this.push(next, out)
    this.end(out)
  }

  private joined(): CsvRecord {
    const lines = this.pending
    this.pending = []
    const last = lines[lines.length - 1]
    const texts: Array<string> = []
    for (const line of lines) {
      if (line.text === undefined) return { line: lines[0].line, last: last.line, end: last.end, text: undefined }
      texts.push(line.text)
    }
    return { line: lines[0].line, last: last.line, end: last.end, text: texts.join("\n") }
  }
}

// Records are joined by "\n" (a line's "\r\n" is read as "\n"): a lone "\r" is a character of its field, never a record's
// end, or csv-parse, which guesses the delimiter from the first line break it meets, would shift every row after it.
const csvOptions = { relax_column_count: true, relax_quotes: false, record_delimiter: "\n" } as const

/**
 * The fields of each record, or why a record is not CSV: the records are
 * parsed together (a parse costs the same for one record as for a
 * thousand), and one by one only when that fails, to say which.
 */
export const csvFields = (texts: ReadonlyArray<string>): Array<Array<string> | { readonly error: string }> => {
  if (texts.length === 0) return []
  try {
    const rows: Array<Array<string>> = parseCsv(texts.join("\n"), csvOptions)
    if (rows.length === texts.length) return rows
  } catch {
    // one of them is not CSV: find which, below
  }
  return texts.map((text) => {
    try {
      const rows: Array<Array<string>> = parseCsv(text, csvOptions)
      return rows.length === 1 ? rows[0] : { error: `holds ${rows.length} records where one was expected` }
    } catch (cause) {
      return { error: `is not CSV: ${cause instanceof Error ? cause.message.replace(/ at line \d+/, "") : cause}` }
    }
  })
}

// ---------------------------------------------------------------------------------------------------------------
// Events

/** The namespace of the ids the tool derives (UUID v5): fixed, so the same line gets the same id in every run. */
const idNamespace = "8f3c2a5e-6b1d-5e4f-9a7c-2d0b1e4f6a8c"

/**
 * The id of an event its line gives none: a UUID derived from the line's
 * number and text, so a resumed run, or the same file sent again, sends
 * the same id and Togai meters the event once.
 */
export const derivedId = (line: number, text: string): string => uuidV5(`${line}\n${text}`, idNamespace)

const zoned = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i

/** An instant from an ISO 8601 text with its zone, or epoch milliseconds (a number, or digits). */
export const timestampOf = (value: unknown): DateTime.Utc | string => {
  if (value === undefined || value === null || value === "") return "eventTimestamp is missing"
  const millis = typeof value === "number"
    ? value
    : typeof value === "string" && /^\d{1,16}$/.test(value)
    ? Number(value)
    : undefined
  if (millis !== undefined) {
    const instant = Number.isSafeInteger(millis) ? DateTime.make(millis) : undefined
    return instant?._tag === "Some"
      ? DateTime.toUtc(instant.value)
      : `eventTimestamp ${value} is not epoch milliseconds (an integer)`
  }
  if (typeof value !== "string") {
    return `eventTimestamp is a ${typeof value}, not an ISO 8601 text or epoch milliseconds`
  }
  const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value)
  if (!zoned.test(value.trim())) {
    return `eventTimestamp ${shown} has no time zone; write it as 2026-11-01T09:30:00Z or with an offset (+05:30)`
  }
  const instant = DateTime.make(value.trim())
  return instant._tag === "Some" ? DateTime.toUtc(instant.value) : `eventTimestamp ${shown} is not a date and time`
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const textOf = (value: unknown): string | undefined =>
  typeof value === "string" ? value : typeof value === "number" && Number.isFinite(value) ? String(value) : undefined

const ndjsonFields = new Set([
  "eventName",
  "accountId",
  "eventTimestamp",
  "id",
  "eventAttributes",
  "attributes",
  "dimensions",
])

/**
 * An NDJSON line as an event: Togai's `Event` as its API takes it (and as
 * `getEvents` answers it, so an export can be sent again), with these
 * liberties: `id` may be left out (it is derived), `eventTimestamp` may be
 * epoch milliseconds, numbers are written as the strings the contract
 * wants, and `attributes` may be an object (`{ "distance": 12.5 }` or
 * `{ "distance": { "value": 12.5, "unit": "km" } }`) instead of
 * `eventAttributes`. Anything else the contract checks when the event is
 * ingested; a field the contract does not know is a mistake worth hearing
 * of (a typo loses the value), so it is a rejection.
 */
export const eventFromJson = (line: number, text: string): Event | string | undefined => {
  if (text.trim() === "") return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    return `not JSON: ${cause instanceof SyntaxError ? cause.message : cause}`
  }
  if (!isRecord(value)) return `not a JSON object (an event is one object per line)`
  for (const key of Object.keys(value)) {
    if (!ndjsonFields.has(key)) {
      return `unknown field ${JSON.stringify(key.slice(0, 60))}; an event has eventName, accountId, eventTimestamp, ` +
        "id, eventAttributes (or attributes) and dimensions"
    }
  }
  if (value.eventAttributes !== undefined && value.attributes !== undefined) {
    return "has both eventAttributes and attributes; give one"
  }
  const eventName = textOf(value.eventName)
  if (eventName === undefined) return value.eventName === undefined ? "eventName is missing" : "eventName is not a text"
  const accountId = textOf(value.accountId)
  if (accountId === undefined) return value.accountId === undefined ? "accountId is missing" : "accountId is not a text"
  const eventTimestamp = timestampOf(value.eventTimestamp)
  if (typeof eventTimestamp === "string") return eventTimestamp
  const id = value.id === undefined || value.id === null || value.id === "" ? derivedId(line, text) : textOf(value.id)
  if (id === undefined) return "id is not a text"

  const eventAttributes: Array<EventAttribute> = []
  if (value.eventAttributes !== undefined) {
    if (!Array.isArray(value.eventAttributes)) return "eventAttributes is not an array"
    for (const attribute of value.eventAttributes) {
      if (!isRecord(attribute)) return "eventAttributes holds something that is not an object"
      const { attributeName, attributeValue, attributeValueUnit, ...rest } = attribute
      const unknown = Object.keys(rest)[0]
      if (unknown !== undefined) return `eventAttributes: unknown field ${JSON.stringify(unknown.slice(0, 60))}`
      const name = textOf(attributeName)
      const amount = textOf(attributeValue)
      if (name === undefined || amount === undefined) {
        return "eventAttributes: each needs an attributeName and an attributeValue (a number or a numeric text)"
      }
      const unit = attributeValueUnit === undefined || attributeValueUnit === null
        ? undefined
        : textOf(attributeValueUnit)
      if (unit === undefined && attributeValueUnit !== undefined && attributeValueUnit !== null) {
        return `eventAttributes: attributeValueUnit of ${name} is not a text`
      }
      eventAttributes.push(
        unit === undefined
          ? { attributeName: name, attributeValue: amount }
          : { attributeName: name, attributeValue: amount, attributeValueUnit: unit },
      )
    }
  } else if (value.attributes !== undefined) {
    if (!isRecord(value.attributes)) return "attributes is not an object"
    for (const [name, given] of Object.entries(value.attributes)) {
      if (given === undefined || given === null) continue
      const amount = textOf(isRecord(given) ? given.value : given)
      if (amount === undefined) return `attributes.${name.slice(0, 60)} is not a number or a numeric text`
      const unit = isRecord(given) && given.unit !== undefined && given.unit !== null ? textOf(given.unit) : undefined
      eventAttributes.push(
        unit === undefined
          ? { attributeName: name, attributeValue: amount }
          : { attributeName: name, attributeValue: amount, attributeValueUnit: unit },
      )
    }
  }

  const dimensions: Record<string, string> = {}
  if (value.dimensions !== undefined && value.dimensions !== null) {
    if (!isRecord(value.dimensions)) return "dimensions is not an object"
    for (const [name, given] of Object.entries(value.dimensions)) {
      if (given === undefined || given === null) continue
      if (typeof given === "object") return `dimensions.${name.slice(0, 60)} is not a text`
      dimensions[name] = String(given)
    }
  }
  return { eventName, id, eventTimestamp, accountId, eventAttributes, dimensions }
}

/** Where each column of a CSV file goes in an event. */
export type CsvColumn =
  | { readonly kind: "eventName" | "accountId" | "eventTimestamp" | "id" }
  | { readonly kind: "attribute" | "unit" | "dimension"; readonly name: string }

/** The columns a CSV header may name, for messages and `--help`. */
export const csvColumnsHelp = "eventName, accountId, eventTimestamp, id (optional), attributes.NAME, " +
  "units.NAME (the unit of attributes.NAME) and dimensions.NAME"

/** The header's columns, or what is wrong with it (a file the tool cannot read at all). */
export const csvHeader = (fields: ReadonlyArray<string>): Array<CsvColumn> | string => {
  const columns: Array<CsvColumn> = []
  const seen = new Set<string>()
  for (const raw of fields) {
    const field = raw.trim()
    if (seen.has(field)) return `the header names ${JSON.stringify(field)} twice`
    seen.add(field)
    const [prefix, ...rest] = field.split(".")
    const name = rest.join(".")
    if (field === "eventName" || field === "accountId" || field === "eventTimestamp" || field === "id") {
      columns.push({ kind: field })
    } else if (prefix === "attributes" && name !== "") columns.push({ kind: "attribute", name })
    else if (prefix === "units" && name !== "") columns.push({ kind: "unit", name })
    else if (prefix === "dimensions" && name !== "") columns.push({ kind: "dimension", name })
    else return `the header's column ${JSON.stringify(field.slice(0, 60))} is not one of ${csvColumnsHelp}`
  }
  for (const required of ["eventName", "accountId", "eventTimestamp"] as const) {
    if (!seen.has(required)) return `the header has no ${required} column (it needs ${csvColumnsHelp})`
  }
  for (const column of columns) {
    if (column.kind === "unit" && !seen.has(`attributes.${column.name}`)) {
      return `the header has units.${column.name} but no attributes.${column.name}`
    }
  }
  return columns
}

/** A CSV row as an event: empty cells are left out (an attribute, a dimension, the id, which is then derived). */
export const eventFromCsv = (
  columns: ReadonlyArray<CsvColumn>,
  line: number,
  text: string,
  fields: ReadonlyArray<string>,
): Event | string => {
  if (fields.length !== columns.length) {
    return `has ${fields.length} fields where the header has ${columns.length}`
  }
  let eventName = ""
  let accountId = ""
  let timestamp = ""
  let id = ""
  const values = new Map<string, string>()
  const units = new Map<string, string>()
  const dimensions: Record<string, string> = {}
  for (let index = 0; index < columns.length; index++) {
    const column = columns[index]
    const field = fields[index]
    switch (column.kind) {
      case "eventName":
        eventName = field
        break
      case "accountId":
        accountId = field
        break
      case "eventTimestamp":
        timestamp = field.trim()
        break
      case "id":
        id = field
        break
      case "attribute":
        if (field !== "") values.set(column.name, field.trim())
        break
      case "unit":
        if (field !== "") units.set(column.name, field)
        break
      case "dimension":
        if (field !== "") dimensions[column.name] = field
        break
    }
  }
  if (eventName === "") return "eventName is missing"
  if (accountId === "") return "accountId is missing"
  const eventTimestamp = timestampOf(timestamp)
  if (typeof eventTimestamp === "string") return eventTimestamp
  const eventAttributes: Array<EventAttribute> = []
  for (const [name, value] of values) {
    const unit = units.get(name)
    eventAttributes.push(
      unit === undefined
        ? { attributeName: name, attributeValue: value }
        : { attributeName: name, attributeValue: value, attributeValueUnit: unit },
    )
  }
  return {
    eventName,
    id: id === "" ? derivedId(line, text) : id,
    eventTimestamp,
    accountId,
    eventAttributes,
    dimensions,
  }
}
