/**
 * The simulator's request checks: small typed readers of parsed JSON that
 * apply the contract's rules (required fields, closed objects, lengths in
 * characters, enums, patterns, item counts, formats) and name every field
 * that breaks them, as `path: what is wrong`. They are written by hand from
 * the spec, apart from the client's generated schemas, so the simulator
 * judges what a client sends on its own.
 *
 * @internal
 * @module
 */
import * as Either from "effect/Either"
import { type Answer, error } from "./wire.ts"

/** Reads a value at `path`: the value as the operation uses it, or what is wrong with it. */
export type Check<A> = (input: unknown, path: string) => Either.Either<A, ReadonlyArray<string>>

/** A field that may be absent. */
export interface Optional<A> {
  readonly optional: Check<A>
}

type Fields = Readonly<Record<string, Check<unknown> | Optional<unknown>>>

type Simplify<A> = { readonly [K in keyof A]: A[K] }

/** The value a `struct` of `F` reads. */
export type Struct<F extends Fields> = Simplify<
  & { readonly [K in keyof F as F[K] extends Optional<unknown> ? never : K]: F[K] extends Check<infer A> ? A : never }
  & {
    readonly [K in keyof F as F[K] extends Optional<unknown> ? K : never]?:
      | (F[K] extends Optional<infer A> ? A : never)
      | undefined
  }
>

/** The value a check reads. */
export type Read<C> = C extends Check<infer A> ? A : never

const at = (path: string, key: string | number): string => (path === "" ? String(key) : `${path}.${key}`)

const problem = (path: string, message: string): Either.Either<never, ReadonlyArray<string>> =>
  Either.left([`${path === "" ? "(body)" : path}: ${message}`])

const describe = (value: unknown): string =>
  value === null
    ? "null"
    : Array.isArray(value)
    ? "an array"
    : typeof value === "string"
    ? JSON.stringify(value)
    : typeof value

export const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The length of a text as JSON Schema counts it: in characters (code points), not UTF-16 units. */
export const characters = (text: string): number => {
  let count = 0
  for (const _ of text) count++
  return count
}

/** A string of `min` (0 when absent) to `max` characters, matching `pattern` if given. */
export const text = (
  options: { readonly min?: number; readonly max: number; readonly pattern?: RegExp; readonly patternHint?: string },
): Check<string> =>
(input, path) => {
  if (typeof input !== "string") return problem(path, `expected a string, got ${describe(input)}`)
  const min = options.min ?? 0
  const count = characters(input)
  if (count < min || count > options.max) {
    if (min === 1 && count === 0) return problem(path, "must not be empty")
    return problem(path, `expected ${min === 0 ? "at most" : `${min} to`} ${options.max} characters, got ${count}`)
  }
  if (options.pattern !== undefined && !options.pattern.test(input)) {
    return problem(
      path,
      `${JSON.stringify(input)} ${options.patternHint ?? `does not match ${options.pattern.source}`}`,
    )
  }
  return Either.right(input)
}

/** Any string (the spec gives no bounds). */
export const string: Check<string> = (input, path) =>
  typeof input === "string" ? Either.right(input) : problem(path, `expected a string, got ${describe(input)}`)

/** The spec's names of event schemas, attributes, dimensions and usage meters: `^[\sa-zA-Z0-9_-]*$`. */
export const name = (max: number): Check<string> =>
  text({
    min: 1,
    max,
    pattern: /^[\sa-zA-Z0-9_-]*$/,
    patternHint: "may hold only letters, digits, spaces, _ and -",
  })

/** A finite number (JSON has no NaN or Infinity). */
export const number: Check<number> = (input, path) =>
  typeof input === "number" && Number.isFinite(input)
    ? Either.right(input)
    : problem(path, `expected a number, got ${describe(input)}`)

/** An integer, within bounds when given. */
export const integer =
  (options: { readonly min?: number; readonly max?: number } = {}): Check<number> => (input, path) => {
    if (typeof input !== "number" || !Number.isSafeInteger(input)) {
      return problem(path, `expected an integer, got ${describe(input)}`)
    }
    if (options.min !== undefined && input < options.min) return problem(path, `expected at least ${options.min}`)
    if (options.max !== undefined && input > options.max) return problem(path, `expected at most ${options.max}`)
    return Either.right(input)
  }

/** One of the spec's enum values. */
export const literal = <const L extends ReadonlyArray<string>>(...values: L): Check<L[number]> => (input, path) => {
  const found = values.find((value) => value === input)
  return found !== undefined
    ? Either.right(found)
    : problem(path, `expected one of ${values.join(", ")}, got ${describe(input)}`)
}

/** An array of `min` (0 when absent) to `max` items, each read by `item`. */
export const array = <A>(
  item: Check<A>,
  options: { readonly min?: number; readonly max?: number } = {},
): Check<ReadonlyArray<A>> =>
(input, path) => {
  if (!Array.isArray(input)) return problem(path, `expected an array, got ${describe(input)}`)
  const min = options.min ?? 0
  if (input.length < min || (options.max !== undefined && input.length > options.max)) {
    const bounds = options.max === undefined
      ? `at least ${min}`
      : min === 0
      ? `at most ${options.max}`
      : `${min} to ${options.max}`
    return problem(path, `expected ${bounds} items, got ${input.length}`)
  }
  return all(input.map((value, index) => item(value, at(path, index))))
}

/** An object with any keys, each value read by `value` (the spec's `additionalProperties`). */
export const record = <A>(value: Check<A>): Check<Readonly<Record<string, A>>> => (input, path) => {
  if (!isRecord(input)) return problem(path, `expected an object, got ${describe(input)}`)
  const keys = Object.keys(input)
  return Either.map(
    all(keys.map((key) => value(input[key], at(path, key)))),
    (values) => Object.fromEntries(keys.map((key, index) => [key, values[index]])),
  )
}

/** Marks a field of a `struct` as one that may be absent. */
export const optional = <A>(check: Check<A>): Optional<A> => ({ optional: check })

/**
 * A closed object: the fields the spec declares, required unless
 * `optional`; any other field is a problem (the spec's
 * `additionalProperties: false`, which the simulator applies to every
 * request object, as the client does).
 */
export const struct = <F extends Fields>(fields: F): Check<Struct<F>> => (input, path) => {
  if (!isRecord(input)) return problem(path, `expected an object, got ${describe(input)}`)
  const problems: Array<string> = []
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(fields, key)) problems.push(`${at(path, key)}: is not a field of this request`)
  }
  const read: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(fields)) {
    if (!Object.hasOwn(input, key)) {
      if (typeof field === "function") problems.push(`${at(path, key)}: is missing`)
      continue
    }
    const check = typeof field === "function" ? field : field.optional
    const result = check(input[key], at(path, key))
    if (Either.isRight(result)) read[key] = result.right
    else problems.push(...result.left)
  }
  // Every declared field was read by its own check just above.
  return problems.length > 0 ? Either.left(problems) : Either.right(read as Struct<F>)
}

/** A further rule over what `check` read: `rule` answers the problem (with its path) or `undefined`. */
export const refine =
  <A>(check: Check<A>, rule: (value: A, path: string) => string | undefined): Check<A> => (input, path) =>
    Either.flatMap(check(input, path), (value) => {
      const found = rule(value, path)
      return found === undefined ? Either.right(value) : Either.left([found])
    })

/** A `date` (`YYYY-MM-DD`), read as midnight UTC in milliseconds. */
export const date: Check<number> = (input, path) => {
  const millis = typeof input === "string" ? parseDate(input) : undefined
  return millis === undefined
    ? problem(path, `expected a date as YYYY-MM-DD, got ${describe(input)}`)
    : Either.right(millis)
}

/** A `date-time` (RFC 3339; no offset reads as UTC), read as milliseconds. */
export const dateTime: Check<number> = (input, path) => {
  const millis = typeof input === "string" ? parseDateTime(input) : undefined
  return millis === undefined
    ? problem(path, `expected an ISO 8601 date-time, got ${describe(input)}`)
    : Either.right(millis)
}

const all = <A>(results: ReadonlyArray<Either.Either<A, ReadonlyArray<string>>>) => {
  const problems = results.flatMap((result) => (Either.isLeft(result) ? result.left : []))
  return problems.length > 0
    ? Either.left(problems)
    : Either.right(results.flatMap((result) => (Either.isRight(result) ? [result.right] : [])))
}

/** Midnight UTC of a `YYYY-MM-DD`, or `undefined` if it is none (2024-02-30 is none). */
export const parseDate = (input: string): number | undefined => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input)
  if (match === null) return undefined
  const millis = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
  return new Date(millis).toISOString().slice(0, 10) === input ? millis : undefined
}

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/

/** The instant of an RFC 3339 date-time (seconds and offset optional, no offset read as UTC), or `undefined`. */
export const parseDateTime = (input: string): number | undefined => {
  const match = rfc3339.exec(input)
  if (match === null) return undefined
  const [, year, month, day, hours, minutes, seconds = "00", fraction = "", zone = "Z"] = match
  const day0 = parseDate(`${year}-${month}-${day}`)
  if (day0 === undefined || Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 60) return undefined
  const millis = fraction === "" ? 0 : Math.floor(Number(`0${fraction}`) * 1000)
  return day0 + ((Number(hours) * 60 + Number(minutes) - offsetMinutes(zone)) * 60 + Number(seconds)) * 1000 + millis
}

/** The minutes east of UTC of `Z`, `+05`, `+0530` or `+05:30`. */
const offsetMinutes = (zone: string): number => {
  if (zone.toUpperCase() === "Z") return 0
  const digits = zone.slice(1).replace(":", "")
  const minutes = Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2)) : 0)
  return zone[0] === "-" ? -minutes : minutes
}

/** Reads a request body with `check`, or answers 400 naming every field that is wrong. */
export const body = <A>(check: Check<A>, input: unknown): Either.Either<A, Answer> =>
  Either.mapLeft(check(input, ""), (problems) => error(400, problems.join("; ")))
