/**
 * The building blocks the generated schemas (`src/Schemas/*.ts`) and the
 * endpoint table are made of, where the project decides something the spec
 * does not say (see `tools/overrides.ts` for why each exists).
 *
 * @internal
 * @module
 */
import * as DateTime from "effect/DateTime"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/** The length of a text as JSON Schema counts it: in characters (Unicode code points), not UTF-16 units. */
export const characterCount = (text: string): number => {
  let count = 0
  for (const _ of text) count++
  return count
}

/** Whether a text has `minLength` to `maxLength` characters; most texts are decided without counting. */
export const hasLengthBetween = (text: string, minLength: number, maxLength: number): boolean => {
  if (text.length <= maxLength && Math.ceil(text.length / 2) >= minLength) return true
  const count = characterCount(text)
  return count >= minLength && count <= maxLength
}

/**
 * A string of `minLength` to `maxLength` characters, counted as the spec's
 * `minLength` / `maxLength` count them: an emoji is one character, where
 * `string.length` (and `Schema.maxLength`) would count two.
 */
export const Text = (minLength: number, maxLength: number = Number.POSITIVE_INFINITY): Schema.Schema<string> =>
  Schema.String.pipe(
    Schema.filter(
      (text) =>
        hasLengthBetween(text, minLength, maxLength) ||
        (maxLength === Number.POSITIVE_INFINITY
          ? `Expected at least ${minLength} characters, got ${characterCount(text)}`
          : `Expected ${minLength === 0 ? "at most" : `${minLength} to`} ${maxLength} characters, got ${
            characterCount(text)
          }`),
      {
        jsonSchema: {
          ...(minLength === 0 ? {} : { minLength }),
          ...(maxLength === Number.POSITIVE_INFINITY ? {} : { maxLength }),
        },
        arbitrary: () => (fc) =>
          fc.string({
            unit: "binary",
            minLength,
            maxLength: maxLength === Number.POSITIVE_INFINITY ? minLength + 20 : maxLength,
          }),
      },
    ),
  )

/**
 * `PaginationOptions.sortOrder`: `ASC` or `DESC`, read in either case
 * (the spec's own examples write `asc`).
 */
export const SortOrder: Schema.Schema<"ASC" | "DESC", "ASC" | "DESC" | "asc" | "desc"> = /* @__PURE__ */ Schema
  .transform(
    Schema.Literal("ASC", "DESC", "asc", "desc"),
    Schema.Literal("ASC", "DESC"),
    {
      strict: true,
      decode: (order) => order === "asc" || order === "ASC" ? "ASC" as const : "DESC" as const,
      encode: (order) => order,
    },
  )

/** The spec's `uniqueItems: true`: no two items equal (as JSON). */
export const uniqueItems = <A, I, R>() =>
(self: Schema.Schema<ReadonlyArray<A>, I, R>): Schema.Schema<
  ReadonlyArray<A>,
  I,
  R
> =>
  self.pipe(Schema.filter((items) => {
    const seen = new Set<string>()
    for (let index = 0; index < items.length; index++) {
      const key = JSON.stringify(items[index])
      if (seen.has(key)) return { path: [index], message: "Expected unique items, got a repeated one" }
      seen.add(key)
    }
    return true
  }, { jsonSchema: { uniqueItems: true } }))

/** `AssociatePricePlanRequest`: `effectiveUntil` only with `effectiveFrom`, and not before it. */
export const effectiveWindow = (request: {
  readonly effectiveFrom?: DateTime.Utc | undefined
  readonly effectiveUntil?: DateTime.Utc | undefined
}): true | Schema.FilterIssue => {
  if (request.effectiveUntil === undefined) return true
  if (request.effectiveFrom === undefined) {
    return { path: ["effectiveUntil"], message: "effectiveUntil is expected only together with effectiveFrom" }
  }
  return DateTime.lessThan(request.effectiveUntil, request.effectiveFrom)
    ? { path: ["effectiveUntil"], message: "effectiveUntil is before effectiveFrom" }
    : true
}

/** `GetMetricsRequest`: the window ends after it starts. */
export const timeWindow = (request: {
  readonly startTime: DateTime.Utc
  readonly endTime: DateTime.Utc
}): true | Schema.FilterIssue =>
  DateTime.greaterThan(request.endTime, request.startTime) ||
  { path: ["endTime"], message: "endTime must be after startTime" }

// ---------------------------------------------------------------------------------------------------------------
// Path and query parameters: what can be sent as one segment or one value.

/** Whether a string is well-formed UTF-16 (no lone surrogate), so that it has a UTF-8 form to send. */
const isWellFormed = (text: string): boolean =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)

/** A text that can be sent in a URL: no lone surrogate (it has no UTF-8 form, and would be sent as U+FFFD). */
const Sendable = /* @__PURE__ */ Schema.String.pipe(
  Schema.filter((text) => isWellFormed(text) || "Expected well-formed text, got a lone surrogate (no UTF-8 form)"),
)

/**
 * A path parameter: 1 to `maxLength` characters (the spec's own limit of
 * that parameter), well-formed, and not a dot segment (`.` and `..` are
 * removed by URL parsers, even percent-encoded).
 */
export const PathSegment = (maxLength: number): Schema.Schema<string> =>
  Sendable.pipe(
    Schema.filter((text) => {
      if (text === "") return "must not be empty"
      if (text === "." || text === "..") return `"${text}" cannot be sent as a path segment`
      return hasLengthBetween(text, 1, maxLength) ||
        `expected at most ${maxLength} characters, got ${characterCount(text)}`
    }, { jsonSchema: { minLength: 1, maxLength } }),
  )

/** The opaque `nextToken` of a list operation, passed back as the server gave it. */
export const NextToken: Schema.Schema<string> = Sendable

/** Free text in a query (an account id, a status). */
export const QueryText: Schema.Schema<string> = Sendable

/** `pageSize`: a positive integer, sent as its decimal text. */
export const PageSize: Schema.Schema<number, string> = /* @__PURE__ */ Schema.NumberFromString.pipe(
  Schema.int(),
  Schema.positive(),
)

/** An event schema `version`: an integer from 1, sent as its decimal text. */
export const Version: Schema.Schema<number, string> = /* @__PURE__ */ Schema.NumberFromString.pipe(
  Schema.int(),
  Schema.greaterThanOrEqualTo(1),
)

/** `sortOrder` of a list request. */
export const SortOrderParameter: Schema.Schema<"ASC" | "DESC"> = /* @__PURE__ */ Schema.Literal("ASC", "DESC")

/** A list of the spec's enum values, sent comma-separated (`statuses=DRAFT,ACTIVE`). */
export const ListOf = <const L extends ReadonlyArray<string>>(
  ...values: L
): Schema.Schema<ReadonlyArray<L[number]>, string> =>
  Schema.transform(
    Schema.String,
    Schema.Array(Schema.Literal(...values)).pipe(Schema.minItems(1)),
    {
      strict: true,
      decode: (text) => text.split(",").map((value) => value.trim()) as ReadonlyArray<L[number]>,
      encode: (list) => list.join(","),
    },
  )

/** A `DateTime`, or a number of epoch milliseconds: sent as epoch milliseconds (the spec's int64). */
export const EpochMillis: Schema.Schema<DateTime.DateTime | number, string> = /* @__PURE__ */ Schema
  .transformOrFail(
    Schema.String,
    Schema.Union(Schema.DateTimeUtcFromSelf, Schema.DateTimeZonedFromSelf, Schema.Int.pipe(Schema.nonNegative())),
    {
      strict: true,
      decode: (text, _, ast) =>
        /^\d+$/.test(text)
          ? ParseResult.succeed(Number(text))
          : ParseResult.fail(new ParseResult.Type(ast, text, "Expected epoch milliseconds")),
      encode: (value) => ParseResult.succeed(String(typeof value === "number" ? value : DateTime.toEpochMillis(value))),
    },
  )
