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
