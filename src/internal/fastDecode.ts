/**
 * A response decoder compiled once from a schema's AST, for the common case
 * of a body that matches: plain closures for structs, arrays, strings,
 * numbers, literals and refinements, where `effect/Schema`'s interpreter
 * spends most of a page's decode (`deno task bench` measured about 4x
 * `JSON.parse` for a page of 1,000 accounts; this decoder about 1.3x).
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
 * Where the time goes, and what it does instead:
 * - refinements: a filter builds an `Option` (and an issue when it fails) on
 *   every call; our own `Text` carries its bounds in a `TextLengthId`
 *   annotation and is checked with `hasLengthBetween`, and Effect's
 *   `minItems`, `maxItems`, `int`, `greaterThanOrEqualTo` and
 *   `lessThanOrEqualTo` are recognised by their schema id (and checked
 *   inline, an array's bounds before its elements); any other filter is
 *   called as the schema calls it;
 * - unions of literals are a `===` check; `Schema.optional(X)` is X or
 *   `undefined`, decided by the struct without a call;
 * - structs: every struct shares one closure, so `output[name] = value` key
 *   by key is a megamorphic store, the most expensive step. When the input's
 *   keys are the schema's, in its order (optional ones may be missing), the
 *   output is a copy of the input (`{ ...input }`, one step) with the values
 *   that decode to new ones (structs, arrays) put back, its keys read by
 *   `for...in`, and a `Text` or a two-literal union checked in that loop
 *   without a call; any other input takes the key by key path. That relies on
 *   the input being a JSON value, as `JSON.parse` returns it: a copy would
 *   also keep an own enumerable symbol key, which JSON cannot have.
 *
 * @internal
 * @module
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { hasLengthBetween, type TextLength, TextLengthId } from "./text.ts"

const reject: unique symbol = Symbol("reject")
type Fast = (input: unknown) => unknown

const options: AST.ParseOptions = { errors: "all", onExcessProperty: "ignore" }

const hasOwn = Object.prototype.hasOwnProperty

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
    case "Transformation":
      return rejectsUndefined(ast.from)
    case "Union":
      return ast.types.every(rejectsUndefined)
    default:
      return false
  }
}

/** The members of a union, with the members of nested unions in their place (they decode the same). */
const flatMembers = (ast: AST.Union): Array<AST.AST> | undefined => {
  const out: Array<AST.AST> = []
  for (const member of ast.types) {
    if (member._tag !== "Union") out.push(member)
    else if (Option.isSome(AST.getParseOptionsAnnotation(member))) return undefined
    else {
      const inner = flatMembers(member)
      if (inner === undefined) return undefined
      out.push(...inner)
    }
  }
  return out
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
    case "Union":
      return compileUnion(ast)
    case "Refinement":
      return compileRefinement(ast)
    case "TupleType":
      return compileArray(ast, 0, Infinity)
    case "TypeLiteral":
      return compileStruct(ast)
    default:
      return slow(ast)
  }
}

/** An array (`Schema.Array`) of `minItems` to `maxItems` elements. */
const compileArray = (ast: AST.TupleType, minItems: number, maxItems: number): Fast => {
  if (ast.elements.length !== 0 || ast.rest.length !== 1) return slow(ast)
  const element = compile(ast.rest[0].type)
  return (input) => {
    if (!Array.isArray(input)) return reject
    const length = input.length
    if (length < minItems || length > maxItems) return reject
    const output: Array<unknown> = new Array(length)
    for (let i = 0; i < length; i++) {
      const value = element(input[i])
      if (value === reject) return reject
      output[i] = value
    }
    return output
  }
}

const compileUnion = (ast: AST.Union): Fast => {
  const members = flatMembers(ast)
  if (members === undefined) return slow(ast)
  // Literals (and `undefined`) only: the input is the output when it is one of them.
  if (members.every((member) => member._tag === "Literal" || member._tag === "UndefinedKeyword")) {
    const literals = members.map((member) => member._tag === "Literal" ? member.literal : undefined)
    if (literals.length === 2) {
      const [a, b] = literals
      return (input) => input === a || input === b ? input : reject
    }
    return (input) => {
      for (const literal of literals) {
        if (input === literal) return input
      }
      return reject
    }
  }
  // `Schema.optional(X)`: X or undefined, and X never accepts undefined, so at most one member can.
  const defined = members.filter((member) => member._tag !== "UndefinedKeyword")
  if (defined.length === 1 && members.length === 2 && rejectsUndefined(defined[0])) {
    const member = compile(defined[0])
    return (input) => input === undefined ? input : member(input)
  }
  // Members that are primitives output their input, so trying them in order is what the schema does.
  if (!members.every(isPrimitive)) return slow(ast)
  const compiled = members.map(compile)
  return (input) => {
    for (const member of compiled) {
      if (member(input) !== reject) return input
    }
    return reject
  }
}

/** A refinement's filter as the fast path runs it: on the output of the refinement's `from`, whether it passes. */
type FastPredicate = (value: unknown) => boolean

/** The bound a built-in filter was made with, read from the JSON Schema it describes itself with. */
const jsonSchemaNumber = (ast: AST.Refinement, key: string): number | undefined => {
  const jsonSchema = AST.getJSONSchemaAnnotation(ast)
  if (Option.isNone(jsonSchema)) return undefined
  const bound: unknown = Reflect.get(jsonSchema.value, key)
  return typeof bound === "number" && Number.isFinite(bound) ? bound : undefined
}

/** The bounds of Effect's own `minItems` / `maxItems`, if the filter agrees with them on both sides. */
const itemsBounds = (ast: AST.Refinement): { readonly min: number; readonly max: number } | undefined => {
  const schemaId = AST.getSchemaIdAnnotation(ast)
  if (Option.isNone(schemaId)) return undefined
  const accepts = (length: number) => Option.isNone(ast.filter(new Array(length).fill(0), options, ast))
  if (schemaId.value === Schema.MaxItemsSchemaId) {
    const max = jsonSchemaNumber(ast, "maxItems")
    return max !== undefined && accepts(max) && !accepts(max + 1) ? { min: 0, max } : undefined
  }
  if (schemaId.value === Schema.MinItemsSchemaId) {
    const min = jsonSchemaNumber(ast, "minItems")
    return min !== undefined && min >= 1 && accepts(min) && !accepts(min - 1) ? { min, max: Infinity } : undefined
  }
  return undefined
}

/**
 * The predicate of a refinement the fast path knows: our own `Text` (by its
 * `TextLengthId` annotation), and Effect's own `minItems`, `maxItems`,
 * `int`, `greaterThanOrEqualTo` and `lessThanOrEqualTo`, recognised by
 * their schema id, their bound read from their JSON Schema annotation, and
 * only if the filter itself agrees on both sides of the bound (an
 * annotation overridden by hand is not trusted).
 */
const knownPredicate = (ast: AST.Refinement): FastPredicate | undefined => {
  const text = AST.getAnnotation<TextLength>(ast, TextLengthId)
  if (Option.isSome(text)) {
    const { minLength, maxLength } = text.value
    return (value) => typeof value === "string" && hasLengthBetween(value, minLength, maxLength)
  }
  const schemaId = AST.getSchemaIdAnnotation(ast)
  if (Option.isNone(schemaId)) return undefined
  const accepts = (value: unknown) => Option.isNone(ast.filter(value, options, ast))
  switch (schemaId.value) {
    case Schema.MaxItemsSchemaId:
    case Schema.MinItemsSchemaId: {
      const bounds = itemsBounds(ast)
      return bounds && ((value) => Array.isArray(value) && value.length >= bounds.min && value.length <= bounds.max)
    }
    case Schema.IntSchemaId:
      return accepts(1) && !accepts(1.5) && !accepts(2 ** 53)
        ? (value) => typeof value === "number" && Number.isSafeInteger(value)
        : undefined
    case Schema.GreaterThanOrEqualToSchemaId: {
      const min = jsonSchemaNumber(ast, "minimum")
      return min !== undefined && accepts(min) && !accepts(min - 1)
        ? (value) => typeof value === "number" && value >= min
        : undefined
    }
    case Schema.LessThanOrEqualToSchemaId: {
      const max = jsonSchemaNumber(ast, "maximum")
      return max !== undefined && accepts(max) && !accepts(max + 1)
        ? (value) => typeof value === "number" && value <= max
        : undefined
    }
    default:
      return undefined
  }
}

const compileRefinement = (ast: AST.Refinement): Fast => {
  // Our own `Text`: a string of `minLength` to `maxLength` characters, checked without calling the filter.
  const textLength = AST.getAnnotation<TextLength>(ast, TextLengthId)
  if (
    Option.isSome(textLength) && ast.from._tag === "StringKeyword" &&
    Option.isNone(AST.getParseOptionsAnnotation(ast.from))
  ) {
    const { minLength, maxLength } = textLength.value
    return (input) => typeof input === "string" && hasLengthBetween(input, minLength, maxLength) ? input : reject
  }
  // A chain of refinements (`Int.pipe(greaterThanOrEqualTo(1), lessThanOrEqualTo(10))`) is checked in one closure,
  // innermost first as the schema does; an array's `minItems` / `maxItems` by the array's own decoder.
  const checks: Array<FastPredicate> = []
  let minItems = 0
  let maxItems = Infinity
  let onlyItems = true
  let node: AST.AST = ast
  while (node._tag === "Refinement" && (node === ast || Option.isNone(AST.getParseOptionsAnnotation(node)))) {
    const refinement: AST.Refinement = node
    const bounds = itemsBounds(refinement)
    if (bounds === undefined) onlyItems = false
    else {
      minItems = Math.max(minItems, bounds.min)
      maxItems = Math.min(maxItems, bounds.max)
    }
    checks.unshift(
      knownPredicate(refinement) ?? ((value) => Option.isNone(refinement.filter(value, options, refinement))),
    )
    node = refinement.from
  }
  const noOptions = Option.isNone(AST.getParseOptionsAnnotation(node))
  if (onlyItems && noOptions && node._tag === "TupleType" && node.elements.length === 0 && node.rest.length === 1) {
    return compileArray(node, minItems, maxItems)
  }
  const from = compile(node)
  if (checks.length === 1) {
    const [check] = checks
    if (node._tag === "StringKeyword" && noOptions) {
      return (input) => typeof input === "string" && check(input) ? input : reject
    }
    return (input) => {
      const value = from(input)
      return value !== reject && check(value) ? value : reject
    }
  }
  return (input) => {
    const value = from(input)
    if (value === reject) return reject
    for (const check of checks) {
      if (!check(value)) return reject
    }
    return value
  }
}

interface Property {
  readonly name: PropertyKey
  readonly isOptional: boolean
  /** Whether `undefined` is a value of the property (`Schema.optional`): then it needs no decoding. */
  readonly orUndefined: boolean
  readonly decode: Fast
  /**
   * A value that decodes to itself checked in the struct's own loop, without a call: `text` for our `Text`
   * (`typeof` string, `hasLengthBetween(value, min, max)`), `either` for a union of two literals (`a` or `b`).
   */
  readonly inline: "text" | "either" | undefined
  readonly min: number
  readonly max: number
  readonly a: unknown
  readonly b: unknown
}

/** How a struct checks a property in its own loop, if it can (see `Property.inline`). */
const inlineOf = (ast: AST.AST): Pick<Property, "inline" | "min" | "max" | "a" | "b"> => {
  const none = { inline: undefined, min: 0, max: 0, a: undefined, b: undefined }
  if (Option.isSome(AST.getParseOptionsAnnotation(ast))) return none
  if (ast._tag === "Refinement" && ast.from._tag === "StringKeyword") {
    const text = AST.getAnnotation<TextLength>(ast, TextLengthId)
    if (Option.isNone(text) || Option.isSome(AST.getParseOptionsAnnotation(ast.from))) return none
    return { ...none, inline: "text", min: text.value.minLength, max: text.value.maxLength }
  }
  if (ast._tag === "Union" && ast.types.length === 2) {
    const [a, b] = ast.types
    if (a._tag === "Literal" && b._tag === "Literal") return { ...none, inline: "either", a: a.literal, b: b.literal }
  }
  return none
}

/**
 * The X of `Schema.optional(X)` (a union of X and `undefined`) when X rejects
 * `undefined`: then a struct decodes an `undefined` value as itself and any
 * other with X's decoder, as the schema's union does.
 */
const optionalMember = (ast: AST.AST): AST.AST | undefined => {
  if (ast._tag !== "Union" || ast.types.length !== 2 || Option.isSome(AST.getParseOptionsAnnotation(ast))) {
    return undefined
  }
  const defined = ast.types.filter((member) => member._tag !== "UndefinedKeyword")
  return defined.length === 1 && rejectsUndefined(defined[0]) ? defined[0] : undefined
}

const noKey: unique symbol = Symbol("noKey")

/** How many inputs skip a struct's copy path after one whose keys did not match. */
const retryCopyAfter = 15

const compileStruct = (ast: AST.TypeLiteral): Fast => {
  if (ast.indexSignatures.length !== 0 || ast.propertySignatures.length === 0) return slow(ast)
  const properties: ReadonlyArray<Property> = ast.propertySignatures.map((property) => {
    const member = optionalMember(property.type)
    return {
      name: property.name,
      isOptional: property.isOptional,
      orUndefined: member !== undefined,
      decode: compile(member ?? property.type),
      ...inlineOf(member ?? property.type),
    }
  })
  const count = properties.length
  // The properties and, last, a required one no key is: matching the input's keys stops there.
  const steps: ReadonlyArray<Property> = [...properties, {
    name: noKey,
    isOptional: false,
    orUndefined: false,
    decode: () => reject,
    inline: undefined,
    min: 0,
    max: 0,
    a: undefined,
    b: undefined,
  }]
  // The input's own keys are the schema's, in its order: a copy of the input is the output but for the values that
  // decode to new ones (structs, arrays), which is much cheaper than adding the keys one by one (every struct shares
  // this code, so each `output[name]` is a megamorphic store). A key `for...in` cannot list, or that a copy would
  // not keep as a key, leaves the schema to the key by key path.
  const copyable = properties.every((property) => typeof property.name === "string" && property.name !== "__proto__")
  // After an input whose keys were not the schema's (the API added a field, say), the next ones likely are not either:
  // they skip the copy, which would be made for nothing, and one in `retryCopyAfter` tries it again.
  let skipCopies = 0
  return (input) => {
    if (!isRecord(input)) return reject
    if (skipCopies > 0) skipCopies--
    else if (copyable) {
      const copy: Record<PropertyKey, unknown> = { ...input }
      let i = 0
      let same = true
      for (const key in copy) {
        let property = steps[i]
        if (property.name !== key) {
          // Optional keys the input does not have (one it has later, out of order, fails the next match).
          while (property.isOptional) {
            property = steps[++i]
            if (property.name === key) break
          }
          if (property.name !== key) {
            same = false
            skipCopies = retryCopyAfter
            break
          }
        }
        i++
        const raw = copy[key]
        if (raw === undefined && property.orUndefined) continue
        if (property.inline === "text") {
          if (typeof raw === "string" && hasLengthBetween(raw, property.min, property.max)) continue
          return reject
        }
        if (property.inline === "either") {
          if (raw === property.a || raw === property.b) continue
          return reject
        }
        const value = property.decode(raw)
        if (value === reject) return reject
        if (value !== raw) copy[key] = value
      }
      if (same) {
        while (steps[i].isOptional) i++
        if (i === count) return copy
        skipCopies = retryCopyAfter
      }
    }
    const output: Record<PropertyKey, unknown> = {}
    for (let i = 0; i < count; i++) {
      const property = properties[i]
      const name = property.name
      if (property.isOptional && !hasOwn.call(input, name)) continue
      const raw = input[name]
      let value = raw
      if (raw !== undefined || !property.orUndefined) {
        value = property.decode(raw)
        if (value === reject) return reject
      }
      output[name] = value
    }
    return output
  }
}

/** Whether `Object.prototype` has no enumerable keys, as in any sane runtime: then `for...in` lists own keys only. */
const objectPrototypeIsPlain = (): boolean => {
  for (const _ in Object.prototype) return false
  return true
}

/**
 * The decoder of `schema` for response bodies (`onExcessProperty: "ignore"`,
 * every error reported): the fast path first, the schema's own decoder when
 * the fast path does not accept the input. Its input is a parsed JSON body
 * (what `JSON.parse` returns).
 */
export const responseDecoder = <A>(
  schema: Schema.Schema<A, unknown>,
): (input: unknown) => Either.Either<A, ParseResult.ParseError> => {
  const full = Schema.decodeUnknownEither(schema, options)
  const fast = compile(schema.ast)
  // What the fast path accepts is what `full` would output for the same input: an `A`.
  const accepted = (value: unknown): value is A => value !== reject
  return (input) => {
    const value = objectPrototypeIsPlain() ? fast(input) : reject
    return accepted(value) ? Either.right(value) : full(input)
  }
}
