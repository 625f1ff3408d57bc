/**
 * JSON-logic (jsonlogic.com), the language of a usage meter's `filters`
 * and `computation`. The contract carries each rule as a string; a caller
 * may write it as a string or as the rule itself, which is sent as its JSON
 * text. A rule that is not JSON fails as `InvalidRequest` before anything
 * is sent.
 *
 * @module
 */
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { Text } from "../internal/fields.ts"

/**
 * A JSON-logic rule as an object, e.g. `{ ">": [{ var: "attributes.distance" }, 100] }`.
 *
 * @since 0.2.0
 * @category models
 */
export type JsonLogicRule = { readonly [operator: string]: unknown }

/**
 * A JSON-logic rule as a caller writes it: its JSON text, or the rule itself.
 *
 * @since 0.2.0
 * @category models
 */
export type JsonLogicInput = string | JsonLogicRule

const Rule = /* @__PURE__ */ Schema.Union(
  Schema.String,
  Schema.Record({ key: Schema.String, value: Schema.Unknown }),
)

/**
 * A JSON-logic field of at most `maxLength` characters on the wire. Reading
 * keeps Togai's text as it is; sending writes a rule object as JSON and
 * checks that a text is JSON.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema"
 * import { Schemas } from "@effect-togai/client"
 *
 * Schema.encodeSync(Schemas.JsonLogic(500))({ "*": [{ var: "attributes.distance" }, 0.4] })
 * // '{"*":[{"var":"attributes.distance"},0.4]}'
 * ```
 *
 * @since 0.2.0
 * @category schemas
 */
export const JsonLogic = (maxLength: number): Schema.Schema<JsonLogicInput, string> =>
  Schema.transformOrFail(Text(0, maxLength), Rule, {
    strict: true,
    decode: (text) => ParseResult.succeed(text),
    encode: (rule, _, ast) => {
      if (typeof rule !== "string") return ParseResult.succeed(JSON.stringify(rule))
      try {
        JSON.parse(rule)
        return ParseResult.succeed(rule)
      } catch {
        return ParseResult.fail(new ParseResult.Type(ast, rule, "Expected a JSON-logic rule as JSON text"))
      }
    },
  })

/**
 * A JSON-logic field as Togai answers it: its text (what the contract
 * says), or the rule as an object (what the spec's own examples show). Read
 * either way, without parsing the text.
 *
 * @since 0.2.0
 * @category schemas
 */
export const JsonLogicAnswer = (maxLength: number): Schema.Schema<JsonLogicInput, string | JsonLogicRule> =>
  Schema.Union(Text(0, maxLength), Schema.Record({ key: Schema.String, value: Schema.Unknown }))
