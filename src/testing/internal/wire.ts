/**
 * What every operation of the simulator's state receives and answers, and
 * the wire forms of its values (dates as Togai writes them).
 *
 * @internal
 * @module
 */

/** An answer before it becomes a `Response`; `body` is wire JSON, `undefined` for no content. */
export interface Answer {
  readonly status: number
  readonly body: unknown
}

/** What every operation receives once routed and authorized. */
export interface OperationInput {
  /** The path parameters by the spec's names, percent-decoded. */
  readonly params: Readonly<Record<string, string>>
  /** The query, by the spec's parameter names. */
  readonly query: URLSearchParams
  /** The parsed JSON body; `undefined` when there was none. */
  readonly body: unknown
}

/** The longest `message` an `ErrorResponse` may carry (the spec's `maxLength`). */
const maxMessageLength = 500

export const answer = (status: number, body: unknown): Answer => ({ status, body })

/** A text cut to `max` characters (code points), an ellipsis marking the cut. */
export const truncate = (text: string, max: number): string => {
  const characters = [...text]
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join("")}…`
}

/** An error answer, `{"message"}`, cut to the 500 characters the spec allows. */
export const error = (status: number, message: string): Answer => ({
  status,
  body: { message: truncate(message, maxMessageLength) },
})

/** A `date-time` as Togai writes it: ISO 8601 in UTC, milliseconds only when there are some. */
export const isoDateTime = (millis: number): string => new Date(millis).toISOString().replace(".000Z", "Z")

/** A `date`: `YYYY-MM-DD` of the UTC day. */
export const isoDate = (millis: number): string => new Date(millis).toISOString().slice(0, 10)

/** Midnight UTC of the day `millis` falls on. */
export const startOfDay = (millis: number): number => {
  const date = new Date(millis)
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())
}

/** The open end the spec's examples show for a period without an end. */
export const openEnd: number = Date.UTC(9999, 0, 1)

/** Compares two strings by code unit, as a sort key. */
export const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
