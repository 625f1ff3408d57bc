/**
 * Togai's two date formats as schemas: `date` (`YYYY-MM-DD`) and
 * `date-time` (ISO 8601). Both decode to `DateTime.Utc`, so callers compare
 * and compute with dates instead of parsing strings.
 *
 * @module
 */
import * as DateTime from "effect/DateTime"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/

/** The instants that a `YYYY-MM-DD` can name: years 0000 to 9999. */
const dateRange = {
  min: /* @__PURE__ */ new Date("0000-01-01T00:00:00.000Z"),
  max: /* @__PURE__ */ new Date("9999-12-31T23:59:59.999Z"),
}

/** A `DateTime.Utc` whose generated values (`Arbitrary.make`) are ones a `YYYY-MM-DD` (or a date-time) can carry. */
const DateTimeUtcInDateRange = /* @__PURE__ */ Schema.DateTimeUtcFromSelf.annotations({
  arbitrary: () => (fc) => fc.date({ ...dateRange, noInvalidDate: true }).map((date) => DateTime.unsafeFromDate(date)),
})

/**
 * A calendar date, `YYYY-MM-DD` on the wire (OpenAPI `format: date`), a
 * `DateTime.Utc` at midnight UTC in TypeScript. Encoding takes the UTC
 * calendar day of any `DateTime`, so `DateTime.unsafeMake("2024-07-01")`
 * and a `DateTime` later that day both send `2024-07-01`. A `DateTime`
 * outside the years 0000 to 9999 has no `YYYY-MM-DD` and fails to encode
 * (so a request carrying one fails as `InvalidRequest`, unsent).
 *
 * @example
 * ```ts
 * import * as DateTime from "effect/DateTime"
 * import * as Schema from "effect/Schema"
 * import { Schemas } from "@effect-togai/client"
 *
 * Schema.encodeSync(Schemas.TogaiDate)(DateTime.unsafeMake("2024-07-01T15:30:00Z")) // "2024-07-01"
 * ```
 *
 * @since 0.1.0
 */
export const TogaiDate: Schema.Schema<DateTime.Utc, string> = /* @__PURE__ */ Schema.transformOrFail(
  Schema.String.annotations({ jsonSchema: { type: "string", format: "date" } }),
  DateTimeUtcInDateRange,
  {
    strict: true,
    decode: (input, _, ast) => {
      const match = datePattern.exec(input)
      const date = match === null ? undefined : DateTime.make(`${input}T00:00:00Z`)
      // A date such as 2024-02-30 parses in JavaScript as March 1st: formatting it back exposes that.
      return date !== undefined && date._tag === "Some" && DateTime.formatIsoDateUtc(date.value) === input
        ? ParseResult.succeed(date.value)
        : ParseResult.fail(
          new ParseResult.Type(ast, input, `Expected a date as YYYY-MM-DD, got ${JSON.stringify(input)}`),
        )
    },
    encode: (dateTime, _, ast) => {
      const date = DateTime.formatIsoDateUtc(dateTime)
      // Past 9999 (or before year 0) toISOString writes "+010000-01-01...", which is no YYYY-MM-DD.
      return datePattern.test(date) ? ParseResult.succeed(date) : ParseResult.fail(
        new ParseResult.Type(
          ast,
          dateTime,
          `Expected a date from 0000-01-01 to 9999-12-31 (YYYY-MM-DD), got ${DateTime.formatIso(dateTime)}`,
        ),
      )
    },
  },
).annotations({ identifier: "TogaiDate" })

/** RFC 3339 `date-time` (what OpenAPI's `format: date-time` means), with the seconds and the offset optional. */
const rfc3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/

/**
 * Rewrites an RFC 3339 date-time into the one form every runtime's `Date`
 * parses: `T` and `Z` in upper case (RFC 3339 allows lower case), a space
 * separator as `T`, the offset as `+HH:MM`, UTC when there is no offset, and
 * a leap second (`hh:mm:60`) as `hh:mm:59` (the decoder adds the second back).
 * Other text is left as it is.
 */
const normaliseDateTime = (input: string): string => {
  const match = rfc3339.exec(input)
  if (match === null) return input
  const [, date, hours, minutes, seconds = "00", fraction = "", zone = "Z"] = match
  const offset = zone.toUpperCase() === "Z"
    ? "Z"
    : zone.length === 3
    ? `${zone}:00`
    : `${zone.slice(0, 3)}:${zone.slice(-2)}`
  const millis = fraction === "" ? "" : fraction.slice(0, 4).padEnd(4, "0")
  return seconds === "60"
    ? `${date}T${hours}:${minutes}:59${millis}${offset}`
    : `${date}T${hours}:${minutes}:${seconds}${millis}${offset}`
}

/**
 * An instant, ISO 8601 on the wire (OpenAPI `format: date-time`), a
 * `DateTime.Utc` in TypeScript. Togai sometimes omits the offset
 * (`2022-01-01T00:00:00`); such a time is read as UTC, never as the local
 * time of the machine that decodes it. Every RFC 3339 form is read: `t`
 * and `z` in lower case, a space for `T`, offsets `+01`, `+0100` and
 * `+01:00`, any number of fraction digits, and a leap second. An instant
 * outside the years 0000 to 9999 has no such form and fails to encode (a
 * request carrying one fails as `InvalidRequest`, unsent).
 *
 * @since 0.1.0
 */
export const TogaiDateTime: Schema.Schema<DateTime.Utc, string> = /* @__PURE__ */ Schema.transformOrFail(
  Schema.String.annotations({ jsonSchema: { type: "string", format: "date-time" } }),
  DateTimeUtcInDateRange,
  {
    strict: true,
    decode: (input, _, ast) => {
      const normalised = normaliseDateTime(input)
      const dateTime = /^\d{4}-\d{2}-\d{2}/.test(input) ? DateTime.make(normalised) : undefined
      // A leap second reads as the instant one second after hh:mm:59.
      const leap = rfc3339.exec(input)?.[4] === "60" ? 1000 : 0
      return dateTime !== undefined && dateTime._tag === "Some"
        ? ParseResult.succeed(DateTime.toUtc(DateTime.add(dateTime.value, { millis: leap })))
        : ParseResult.fail(
          new ParseResult.Type(ast, input, `Expected an ISO 8601 date-time, got ${JSON.stringify(input)}`),
        )
    },
    encode: (dateTime, _, ast) => {
      const text = DateTime.formatIso(dateTime)
      // Past 9999 (or before year 0) toISOString writes "+010000-01-01T...", which no RFC 3339 reader takes.
      return /^\d{4}-/.test(text) ? ParseResult.succeed(text) : ParseResult.fail(
        new ParseResult.Type(ast, dateTime, `Expected an instant from year 0000 to 9999, got ${text}`),
      )
    },
  },
).annotations({ identifier: "TogaiDateTime" })
