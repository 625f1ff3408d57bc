/**
 * A response decoder compiled once from a schema's AST, for the common case
 * of a body that matches: plain closures for structs, arrays, strings,
 * numbers, literals and refinements, where `effect/Schema`'s interpreter
 * spends most of a page's decode (`deno task bench` measured about 4x
 * `JSON.parse` for a page of 1,000 accounts).
 *
 * It never decides an error: whenever the fast path does not accept the
 * input, the schema's own decoder runs and says what is wrong, and any node
 * it does not know (transformations, declarations, unions of structs, index
 * signatures, nodes with their own parse options) is decoded by the schema's
 * own decoder. What it accepts, it outputs exactly as `Schema.decodeUnknown`
 * with `onExcessProperty: "ignore"` does: a new object with the known keys,
 * in the schema's order; tests/FastDecode.test.ts checks that on generated
 * inputs.
 *
 * @internal
 * @module
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

const reject: unique symbol = Symbol("reject")
type Fast = (input: unknown) => unknown

const options: AST.ParseOptions = { errors: "all", onExcessProperty: "ignore" }

const isRecord = (input: unknown): input is Record<PropertyKey, unknown> =>
  typeof input === "object" && input !== null && !Array.isArray(input)

const isPrimitive = (ast: AST.AST): boolean =>
  ast._tag === "Literal" || ast._tag === "StringKeyword" || ast._tag === "NumberKeyword" ||
  ast._tag === "BooleanKeyword" || ast._tag === "UndefinedKeyword"

/** Whether the schema fails on `undefined` whatever it is: then a union with `undefined` is a plain choice. */
const rejectsUndefined = (ast: AST.AST): boolean => {
  switch (ast._tag) {
    case "StringKeyword":
    case "NumberKeyword":
    case "BooleanKeyword":
    case "TupleType":
      return true
    case "Literal":
      return ast.literal !== undefined
    case "TypeLiteral":
      return ast.propertySignatures.length > 0 || ast.indexSignatures.length > 0
    case "Refinement":
      return rejectsUndefined(ast.from)
    default:
      return false
  }
}

/** The schema's own decoder for a node the fast path does not know. */
const slow = (ast: AST.AST): Fast => {
  const decode = Schema.decodeUnknownEither(Schema.make(ast), options)
  return (input) => {
    const result = decode(input)
    return Either.isRight(result) ? result.right : reject
  }
}

const compile = (ast: AST.AST): Fast => {
  if (Option.isSome(AST.getParseOptionsAnnotation(ast))) return slow(ast)
  switch (ast._tag) {
    case "StringKeyword":
      return (input) => typeof input === "string" ? input : reject
    case "NumberKeyword":
      return (input) => typeof input === "number" ? input : reject
    case "BooleanKeyword":
      return (input) => typeof input === "boolean" ? input : reject
    case "UndefinedKeyword":
      return (input) => input === undefined ? input : reject
    case "Literal": {
      const literal = ast.literal
      return (input) => input === literal ? input : reject
    }
    case "Union": {
      // `Schema.optional(X)`: X or undefined, and X never accepts undefined, so at most one member can.
      const defined = ast.types.filter((member) => member._tag !== "UndefinedKeyword")
      if (defined.length === 1 && ast.types.length === 2 && rejectsUndefined(defined[0])) {
        const member = compile(defined[0])
        return (input) => input === undefined ? input : member(input)
      }
      // Members that are primitives output their input, so trying them in order is what the schema does.
      if (!ast.types.every(isPrimitive)) return slow(ast)
      const members = ast.types.map(compile)
      return (input) => {
        for (const member of members) {
          if (member(input) !== reject) return input
        }
        return reject
      }
    }
    case "Refinement": {
      const from = compile(ast.from)
      return (input) => {
        const value = from(input)
        return value !== reject && Option.isNone(ast.filter(value, options, ast)) ? value : reject
      }
    }
    case "TupleType": {
      if (ast.elements.length !== 0 || ast.rest.length !== 1) return slow(ast)
      const element = compile(ast.rest[0].type)
      return (input) => {
        if (!Array.isArray(input)) return reject
        const output: Array<unknown> = new Array(input.length)
        for (let i = 0; i < input.length; i++) {
          const value = element(input[i])
          if (value === reject) return reject
          output[i] = value
        }
        return output
      }
    }
    case "TypeLiteral": {
      if (ast.indexSignatures.length !== 0 || ast.propertySignatures.length === 0) return slow(ast)
      const properties = ast.propertySignatures.map((property) => ({
        name: property.name,
        isOptional: property.isOptional,
        decode: compile(property.type),
      }))
      return (input) => {
        if (!isRecord(input)) return reject
        const output: Record<PropertyKey, unknown> = {}
        for (const property of properties) {
          const hasKey = Object.prototype.hasOwnProperty.call(input, property.name)
          if (!hasKey && property.isOptional) continue
          const value = property.decode(input[property.name])
          if (value === reject) return reject
          output[property.name] = value
        }
        return output
      }
    }
    default:
      return slow(ast)
  }
}

/**
 * The decoder of `schema` for response bodies (`onExcessProperty: "ignore"`,
 * every error reported): the fast path first, the schema's own decoder when
 * the fast path does not accept the input.
 */
export const responseDecoder = <A>(
  schema: Schema.Schema<A, unknown>,
): (input: unknown) => Either.Either<A, ParseResult.ParseError> => {
  const full = Schema.decodeUnknownEither(schema, options)
  const fast = compile(schema.ast)
  // What the fast path accepts is what `full` would output for the same input: an `A`.
  const accepted = (value: unknown): value is A => value !== reject
  return (input) => {
    const value = fast(input)
    return accepted(value) ? Either.right(value) : full(input)
  }
}
