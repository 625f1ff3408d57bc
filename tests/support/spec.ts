/**
 * Togai's OpenAPI document, read from `../shared/spec/` (never copied into
 * the repository), with a JSON Schema validator (ajv) that knows every
 * component schema, and a fast-check generator of JSON that a spec schema
 * accepts. The conformance tests judge our schemas against these.
 */
import Ajv from "ajv"
import addFormats from "ajv-formats"
import * as FastCheck from "effect/FastCheck"
import { parse } from "yaml"

/** A node of the parsed YAML. */
export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }

/** A JSON object node. */
export type JsonObject = { readonly [key: string]: Json }

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The object at `key` of `node`, or an empty object. */
export const objectAt = (node: Json | undefined, key: string): JsonObject => {
  const value = isObject(node) ? node[key] : undefined
  return isObject(value) ? value : {}
}

/** The array at `key` of `node`, or an empty array. */
export const arrayAt = (node: Json | undefined, key: string): ReadonlyArray<Json> => {
  const value = isObject(node) ? node[key] : undefined
  return Array.isArray(value) ? value : []
}

/** The string at `key` of `node`, if it is one. */
export const stringAt = (node: Json | undefined, key: string): string | undefined => {
  const value = isObject(node) ? node[key] : undefined
  return typeof value === "string" ? value : undefined
}

const specUrl = new URL("../../../shared/spec/togai-openapi.yaml", import.meta.url)

/**
 * The spec as YAML 1.2 reads it (the core schema: `2022-07-04` stays a
 * string, an unquoted `+1234567890` is an integer), as every YAML 1.2
 * tool that a Togai user might point at it reads it.
 */
export const spec: JsonObject = (() => {
  const parsed: unknown = parse(Deno.readTextFileSync(specUrl))
  if (!isObject(parsed)) throw new Error("the spec is not a YAML mapping")
  return parsed
})()

/** `components/schemas`, by name. */
export const specSchemas: JsonObject = objectAt(objectAt(spec, "components"), "schemas")

/** Follows a local `$ref` (`#/components/...`) to its node. */
export const resolveRef = (ref: string): Json => {
  if (!ref.startsWith("#/")) throw new Error(`not a local $ref: ${ref}`)
  let node: Json = spec
  for (const part of ref.slice(2).split("/")) {
    if (!isObject(node) || !(part in node)) throw new Error(`$ref ${ref} does not resolve`)
    node = node[part]
  }
  return node
}

/** The node itself, or what its `$ref` points at (once per step, until no `$ref` is left). */
export const deref = (node: Json): Json => {
  let current = node
  for (let step = 0; step < 10; step++) {
    const ref = stringAt(current, "$ref")
    if (ref === undefined) return current
    current = resolveRef(ref)
  }
  throw new Error("$ref chain too long")
}

/** The name of a `#/components/schemas/X` reference. */
export const schemaRefName = (node: Json): string | undefined => {
  const ref = stringAt(node, "$ref")
  return ref?.startsWith("#/components/schemas/") ? ref.slice("#/components/schemas/".length) : undefined
}

/** One operation of the spec. */
export interface SpecOperation {
  readonly operationId: string
  readonly method: string
  readonly path: string
  readonly node: JsonObject
}

const httpMethods = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"])

/** Every operation of the spec, in document order. */
export const specOperations: ReadonlyArray<SpecOperation> = Object.entries(objectAt(spec, "paths")).flatMap((
  [path, item],
) =>
  Object.entries(isObject(item) ? item : {}).flatMap(([method, node]) => {
    const operationId = stringAt(node, "operationId")
    return httpMethods.has(method) && operationId !== undefined && isObject(node)
      ? [{ operationId, method: method.toUpperCase(), path, node }]
      : []
  })
)

// ajv knows the spec's OpenAPI-only keywords as annotations, and the formats `date` and `date-time` as RFC 3339.
const ajv = new Ajv.default({ strict: false, allErrors: true })
addFormats.default(ajv, ["date", "date-time"])
// OpenAPI's numeric formats: `double` is any JSON number, `int32` a 32-bit integer.
ajv.addFormat("double", { type: "number", validate: () => true })
ajv.addFormat("int32", { type: "number", validate: (n: number) => n >= -2_147_483_648 && n <= 2_147_483_647 })
ajv.addSchema({ $id: "togai", components: objectAt(spec, "components") })

/**
 * Validates `value` against the spec's component schema `name` ($refs
 * resolved); the list of problems, empty when the spec accepts it.
 */
export const specProblems = (name: string, value: unknown): ReadonlyArray<string> => {
  const validate = ajv.getSchema(`togai#/components/schemas/${name}`)
  if (validate === undefined) throw new Error(`no schema ${name} in the spec`)
  if (validate(value)) return []
  return (validate.errors ?? []).map((error) => `${error.instancePath || "(root)"} ${error.message ?? error.keyword}`)
}

/** Options of {@link arbitraryFromSpec}. */
export interface GenerateOptions {
  /** Add unknown fields where the spec leaves objects open (no `additionalProperties`). */
  readonly extraFields: boolean
}

/**
 * RFC 3339 date-times in the forms ajv's `date-time` accepts: `T`, `t` or a
 * space, `Z`, `z` or an offset (`+05:30`, `-0800`, `+01`), zero to six
 * fraction digits, and now and then a leap second.
 */
const dateTimeArbitrary: FastCheck.Arbitrary<string> = FastCheck.oneof(
  {
    weight: 19,
    arbitrary: FastCheck.tuple(
      FastCheck.date({
        min: new Date("0001-01-01T00:00:00Z"),
        max: new Date("9999-12-31T23:59:59Z"),
        noInvalidDate: true,
      }),
      FastCheck.constantFrom("T", "t", " "),
      FastCheck.integer({ min: 0, max: 6 }),
      FastCheck.constantFrom("Z", "z", "+00:00", "+05:30", "-08:00", "-0800", "+01"),
    ).map(([date, separator, fractionDigits, zone]) => {
      const iso = date.toISOString() // YYYY-MM-DDTHH:mm:ss.sssZ
      const fraction = fractionDigits === 0 ? "" : `.${(iso.slice(20, 23) + "123").slice(0, fractionDigits)}`
      return `${iso.slice(0, 10)}${separator}${iso.slice(11, 19)}${fraction}${zone}`
    }),
  },
  { weight: 1, arbitrary: FastCheck.constantFrom("2016-12-31T23:59:60Z", "2016-12-31t23:59:60.5z") },
)

const dateArbitrary: FastCheck.Arbitrary<string> = FastCheck.date({
  min: new Date("0001-01-01T00:00:00Z"),
  max: new Date("9999-12-31T00:00:00Z"),
  noInvalidDate: true,
}).map((date) => date.toISOString().slice(0, 10))

/**
 * Generates JSON that the spec schema `node` accepts: every keyword the
 * Accounts schemas use (`type`, `enum`, `properties`, `required`,
 * `additionalProperties`, `items`, `minItems`/`maxItems`,
 * `minLength`/`maxLength`, `minimum`/`maximum`, `format` `date` and
 * `date-time`) is honoured; any other keyword fails the generation, so a
 * new keyword in the spec cannot pass unnoticed.
 */
export const arbitraryFromSpec = (node: Json, options: GenerateOptions): FastCheck.Arbitrary<Json> => {
  const schema = deref(node)
  if (!isObject(schema)) throw new Error(`not a schema: ${JSON.stringify(node)}`)
  const known = new Set([
    "type",
    "enum",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "format",
    "description",
    "example",
    "title",
  ])
  for (const keyword of Object.keys(schema)) {
    if (!known.has(keyword)) throw new Error(`arbitraryFromSpec does not know the keyword ${keyword}`)
  }
  const enumValues = arrayAt(schema, "enum")
  if (enumValues.length > 0) return FastCheck.constantFrom(...enumValues)
  const number = (key: string): number | undefined => {
    const value = schema[key]
    return typeof value === "number" ? value : undefined
  }
  switch (stringAt(schema, "type")) {
    case "string": {
      const format = stringAt(schema, "format")
      if (format === "date-time") return dateTimeArbitrary
      if (format === "date") return dateArbitrary
      return FastCheck.string({
        unit: "binary",
        minLength: number("minLength") ?? 0,
        maxLength: number("maxLength") ?? 60,
        size: "max",
      })
    }
    case "integer":
      return FastCheck.integer({
        min: number("minimum") ?? -2_147_483_648,
        max: number("maximum") ?? 2_147_483_647,
      })
    case "number":
      return FastCheck.double({
        noNaN: true,
        noDefaultInfinity: true,
        min: number("minimum"),
        max: number("maximum"),
      })
    case "boolean":
      return FastCheck.boolean()
    case "array":
      return FastCheck.array(arbitraryFromSpec(schema.items ?? {}, options), {
        minLength: number("minItems") ?? 0,
        maxLength: Math.min(number("maxItems") ?? 4, 4),
      })
    case "object": {
      const properties = objectAt(schema, "properties")
      const required = arrayAt(schema, "required").filter((key): key is string => typeof key === "string")
      const fields = FastCheck.record(
        Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, arbitraryFromSpec(value, options)])),
        { requiredKeys: required },
      )
      const additional = schema.additionalProperties
      const mapValues = isObject(additional)
        ? FastCheck.dictionary(FastCheck.string({ maxLength: 12 }), arbitraryFromSpec(additional, options), {
          maxKeys: 3,
        })
        : additional === undefined && options.extraFields
        ? FastCheck.dictionary(FastCheck.constantFrom("addedLater", "x_extra", "meta"), FastCheck.jsonValue(), {
          maxKeys: 2,
        })
        : FastCheck.constant({})
      // Declared properties win over generated extra keys of the same name.
      return FastCheck.tuple(mapValues, fields).map(([extra, declared]): Json => ({ ...extra, ...declared }))
    }
    default:
      throw new Error(`arbitraryFromSpec cannot generate ${JSON.stringify(schema)}`)
  }
}
