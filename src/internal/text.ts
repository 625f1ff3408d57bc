/**
 * Text length as Togai's contract counts it.
 *
 * @internal
 * @module
 */

/** The length of a text as JSON Schema counts it: in characters (Unicode code points), not UTF-16 units. */
export const characterCount = (text: string): number => {
  let count = 0
  for (const _ of text) count++
  return count
}

/**
 * Whether a text has `minLength` to `maxLength` characters. A text has
 * between half its UTF-16 length (rounded up) and its UTF-16 length in
 * characters, so most texts are decided without counting.
 */
export const hasLengthBetween = (text: string, minLength: number, maxLength: number): boolean => {
  if (text.length <= maxLength && Math.ceil(text.length / 2) >= minLength) return true
  const count = characterCount(text)
  return count >= minLength && count <= maxLength
}

/**
 * Annotation id of a string filter that is exactly
 * `hasLengthBetween(text, minLength, maxLength)`: the response decoder's
 * fast path then checks the length itself instead of calling the filter.
 */
export const TextLengthId: unique symbol = Symbol("@effect-togai/client/TextLength")

/** What a `TextLengthId` annotation holds: the bounds, in characters. */
export interface TextLength {
  readonly minLength: number
  readonly maxLength: number
}
