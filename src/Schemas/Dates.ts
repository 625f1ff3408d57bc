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

/**
 * A calendar date, `YYYY-MM-DD` on the wire (OpenAPI `format: date`), a
 * `DateTime.Utc` at midnight UTC in TypeScript. Encoding takes the UTC
 * calendar day of any `DateTime`, so `DateTime.unsafeMake("2024-07-01")`
 * and a `DateTime` later that day both send `2024-07-01`.
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
export const TogaiDate: Schema.Schema<DateTime.Utc, string> = Schema.transformOrFail(
  Schema.String.annotations({ jsonSchema: { type: "string", format: "date" } }),
  Schema.DateTimeUtcFromSelf,
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
    encode: (dateTime) => ParseResult.succeed(DateTime.formatIsoDateUtc(dateTime)),
  },
).annotations({ identifier: "TogaiDate" })

const zoneSuffix = /(Z|[+-]\d{2}:?\d{2})$/i

/**
 * An instant, ISO 8601 on the wire (OpenAPI `format: date-time`), a
 * `DateTime.Utc` in TypeScript. Togai sometimes omits the offset
 * (`2022-01-01T00:00:00`); such a time is read as UTC, never as the local
 * time of the machine that decodes it.
 *
 * @since 0.1.0
 */
export const TogaiDateTime: Schema.Schema<DateTime.Utc, string> = Schema.transformOrFail(
  Schema.String.annotations({ jsonSchema: { type: "string", format: "date-time" } }),
  Schema.DateTimeUtcFromSelf,
  {
    strict: true,
    decode: (input, _, ast) => {
      const withZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(input) && !zoneSuffix.test(input) ? `${input}Z` : input
      const dateTime = /^\d{4}-\d{2}-\d{2}/.test(input) ? DateTime.make(withZone) : undefined
      return dateTime !== undefined && dateTime._tag === "Some"
        ? ParseResult.succeed(DateTime.toUtc(dateTime.value))
        : ParseResult.fail(
          new ParseResult.Type(ast, input, `Expected an ISO 8601 date-time, got ${JSON.stringify(input)}`),
        )
    },
    encode: (dateTime) => ParseResult.succeed(DateTime.formatIso(dateTime)),
  },
).annotations({ identifier: "TogaiDateTime" })
