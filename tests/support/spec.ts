/**
 * Togai's OpenAPI document, read from `../shared/spec/` (never copied into
 * the repository), with a JSON Schema validator (ajv) that knows every
 * component schema, which schemas are requests and which responses, the
 * three places where the project reads the spec otherwise than literally
 * ({@link readings}), and a fast-check generator of JSON that a spec schema
 * accepts. The conformance tests judge our schemas against these.
 */
import Ajv, { type ErrorObject } from "ajv"
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

/** The names of the component schemas a node refers to, directly (examples are data, not references). */
const directRefs = (node: Json, out: Set<string>): Set<string> => {
  const name = schemaRefName(node)
  if (name !== undefined) out.add(name)
  else if (Array.isArray(node)) { for (const item of node) directRefs(item, out) }
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) if (key !== "example") directRefs(value, out)
  }
  return out
}

/** The component schemas `roots` are made of: the roots and every schema they refer to, transitively. */
export const schemaClosure = (roots: Iterable<string>): ReadonlySet<string> => {
  const seen = new Set<string>()
  const visit = (name: string) => {
    if (seen.has(name)) return
    seen.add(name)
    for (const next of directRefs(specSchemas[name] ?? null, new Set())) visit(next)
  }
  for (const root of roots) visit(root)
  return seen
}

/** The schema named by the `application/json` media of a request body or response (`$ref`s followed). */
export const mediaSchemaName = (bodyOrResponse: Json): string | undefined => {
  const content = objectAt(deref(bodyOrResponse), "content")
  return schemaRefName(objectAt(content, "application/json").schema ?? null)
}

/** The schemas of the operations' request bodies. */
export const requestBodySchemas: ReadonlySet<string> = new Set(
  specOperations.flatMap((operation) => {
    const name = mediaSchemaName(operation.node.requestBody ?? null)
    return name === undefined ? [] : [name]
  }),
)

/** The schemas of the operations' answers, success and error. */
export const responseBodySchemas: ReadonlySet<string> = new Set(
  specOperations.flatMap((operation) =>
    Object.values(objectAt(operation.node, "responses")).flatMap((response) => {
      const name = mediaSchemaName(response)
      return name === undefined ? [] : [name]
    })
  ),
)

/**
 * The request schemas: every schema reachable from a request body. The
 * client sends them closed (`onExcessProperty: "error"`), all the way down.
 */
export const requestSchemaNames: ReadonlySet<string> = schemaClosure(requestBodySchemas)

/**
 * The response schemas: every schema reachable from an answer, and those no
 * operation uses at all (organisation signup, status), which are read as
 * every answer is: open (`onExcessProperty: "ignore"`).
 */
export const responseSchemaNames: ReadonlySet<string> = (() => {
  const reachable = schemaClosure(responseBodySchemas)
  return new Set(Object.keys(specSchemas).filter((name) => reachable.has(name) || !requestSchemaNames.has(name)))
})()

// ---------------------------------------------------------------------------------------------------------------
// The spec as this project reads it, where read literally it cannot mean what it says.

/**
 * The component schemas that the project reads otherwise than literally,
 * each with why. The generator (tools/generate.ts, tools/overrides.ts)
 * reads them so; tests/Conformance.test.ts shows each reading necessary.
 */
export const readings: Readonly<Record<string, string>> = {
  EventSchemaListData: "an allOf of EventSchema, which is closed (additionalProperties: false), and of " +
    "EventSchemaListData_allOf: read literally, no instance may carry the one property the second part adds " +
    "(associatedUsageMeters); read as one closed object with the properties of both",
  EventWithStatusAndEventPipelineInfo: "an allOf of the closed EventWithStatus and of " +
    "EventWithStatusAndEventPipelineInfo_allOf, which requires eventPipelineInfo: read literally, no instance " +
    "satisfies both; read as one closed object with the properties of both",
  EventWithStatusAndEventPipelineInfo_allOf: "requires eventPipelineInfo but declares EventPipelineInfo, so read " +
    "literally eventPipelineInfo may be anything; read as declaring eventPipelineInfo (camelCase, as every other " +
    "property of the spec)",
}

/** Properties declared under a name that the reading corrects, by schema. */
const renamedProperties: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  EventWithStatusAndEventPipelineInfo_allOf: { EventPipelineInfo: "eventPipelineInfo" },
}

const readSchema = (name: string): JsonObject => {
  const node = specSchemas[name]
  if (!isObject(node)) throw new Error(`no schema ${name} in the spec`)
  const renames = renamedProperties[name]
  if (renames !== undefined) {
    return {
      ...node,
      properties: Object.fromEntries(
        Object.entries(objectAt(node, "properties")).map(([key, value]) => [renames[key] ?? key, value]),
      ),
    }
  }
  const parts = arrayAt(node, "allOf")
  if (parts.length === 0) return node
  const read = parts.map((part) => {
    const partName = schemaRefName(part)
    const resolved = partName === undefined ? deref(part) : readSchema(partName)
    if (!isObject(resolved) || resolved.type !== "object") throw new Error(`${name}: an allOf part is not an object`)
    return resolved
  })
  return {
    type: "object",
    properties: Object.assign({}, ...read.map((part) => objectAt(part, "properties"))),
    required: [...new Set(read.flatMap((part) => arrayAt(part, "required")))],
    ...(read.some((part) => part.additionalProperties === false) ? { additionalProperties: false } : {}),
  }
}

/** `components/schemas` as the project reads them: the spec's own, but for the {@link readings}. */
export const specSchemasAsRead: JsonObject = Object.fromEntries(
  Object.keys(specSchemas).map((name) => [name, readSchema(name)]),
)

// ajv knows the spec's OpenAPI-only keywords as annotations, the formats `date` and `date-time` as RFC 3339, and
// `uuid` as RFC 4122.
const ajv = new Ajv.default({ strict: false, allErrors: true })
addFormats.default(ajv, ["date", "date-time", "uuid"])
// OpenAPI's numeric formats: `double` is any JSON number, `int32` a 32-bit integer.
ajv.addFormat("double", { type: "number", validate: () => true })
ajv.addFormat("int32", { type: "number", validate: (n: number) => n >= -2_147_483_648 && n <= 2_147_483_647 })
ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) })
ajv.addSchema({ $id: "togai", components: objectAt(spec, "components") })
ajv.addSchema({ $id: "togai-as-read", components: { ...objectAt(spec, "components"), schemas: specSchemasAsRead } })

/** One problem ajv found, at its path; an unknown property by its name. */
const describeError = (error: ErrorObject): string => {
  const property = error.keyword === "additionalProperties" ? ` (${String(error.params.additionalProperty)})` : ""
  return `${error.instancePath || "(root)"} ${error.message ?? error.keyword}${property}`
}

const problemsOf = (document: string, name: string, value: unknown): ReadonlyArray<string> => {
  const validate = ajv.getSchema(`${document}#/components/schemas/${name}`)
  if (validate === undefined) throw new Error(`no schema ${name} in the spec`)
  if (validate(value)) return []
  // Each problem once: both parts of an allOf report an item that is no object.
  return [...new Set((validate.errors ?? []).map(describeError))]
}

/**
 * Validates `value` against the spec's component schema `name`, read
 * literally ($refs resolved); the list of problems, empty when the spec
 * accepts it.
 */
export const specProblems = (name: string, value: unknown): ReadonlyArray<string> => problemsOf("togai", name, value)

/** As {@link specProblems}, against the spec as the project reads it (see {@link readings}). */
export const specProblemsAsRead = (name: string, value: unknown): ReadonlyArray<string> =>
  problemsOf("togai-as-read", name, value)

const compiledNodes = new Map<string, (value: unknown) => boolean>()

/** Whether an inline schema of the spec (a parameter's, say; no `$ref`s) accepts `value`. */
export const nodeAccepts = (node: Json, value: unknown): boolean => {
  const key = JSON.stringify(node)
  let validate = compiledNodes.get(key)
  if (validate === undefined) {
    const compiled = ajv.compile(isObject(node) ? node : {})
    validate = (candidate) => compiled(candidate) === true
    compiledNodes.set(key, validate)
  }
  return validate(value)
}

/** JSON with object keys sorted: equal for values that JSON Schema's `uniqueItems` calls equal. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(
    value,
    (_, node: unknown) =>
      isObject(node) ? Object.fromEntries(Object.keys(node).sort().map((key) => [key, node[key]])) : node,
  )

/** Options of {@link arbitraryFromSpec}. */
export interface GenerateOptions {
  /** Add unknown fields where the spec leaves objects open (no `additionalProperties`, or `true`). */
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

/** The length of a text as JSON Schema counts it: in code points. */
const codePoints = (text: string): number => [...text].length

/** The keywords {@link arbitraryFromSpec} honours (or, for annotations, may ignore). */
const generatedKeywords = new Set([
  "type",
  "enum",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "format",
  "description",
  "example",
  "title",
])

/** The string formats {@link arbitraryFromSpec} generates. */
const stringFormats: Readonly<Record<string, FastCheck.Arbitrary<string>>> = {
  "date-time": dateTimeArbitrary,
  date: dateArbitrary,
  uuid: FastCheck.uuid(),
}

/**
 * Generates JSON that the spec schema `node` accepts, as the project reads
 * the spec ({@link specSchemasAsRead}: `$ref`s resolve there): every
 * keyword the spec's schemas use (`type`, `enum`, `properties`, `required`,
 * `additionalProperties`, `items`, `minItems`/`maxItems`, `uniqueItems`,
 * `minLength`/`maxLength`, `pattern`, `minimum`/`maximum`, `format` `date`,
 * `date-time` and `uuid`) is honoured; any other keyword (an `allOf` not
 * read away, say) fails the generation, so a new keyword in the spec cannot
 * pass unnoticed.
 */
export const arbitraryFromSpec = (node: Json, options: GenerateOptions): FastCheck.Arbitrary<Json> => {
  const name = schemaRefName(node)
  const schema = name === undefined ? deref(node) : specSchemasAsRead[name]
  if (!isObject(schema)) throw new Error(`not a schema: ${JSON.stringify(node)}`)
  for (const keyword of Object.keys(schema)) {
    if (!generatedKeywords.has(keyword)) throw new Error(`arbitraryFromSpec does not know the keyword ${keyword}`)
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
      if (format !== undefined && format in stringFormats) return stringFormats[format]
      if (format !== undefined) throw new Error(`arbitraryFromSpec does not know the format ${format}`)
      const minLength = number("minLength") ?? 0
      const maxLength = number("maxLength") ?? 60
      const pattern = stringAt(schema, "pattern")
      if (pattern !== undefined) {
        return FastCheck.stringMatching(new RegExp(pattern)).filter((text) =>
          codePoints(text) >= minLength && codePoints(text) <= maxLength
        )
      }
      return FastCheck.string({ unit: "binary", minLength, maxLength, size: "max" })
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
    case "array": {
      const items = arbitraryFromSpec(schema.items ?? {}, options)
      const lengths = { minLength: number("minItems") ?? 0, maxLength: Math.min(number("maxItems") ?? 4, 4) }
      return schema.uniqueItems === true
        ? FastCheck.uniqueArray(items, { ...lengths, selector: canonicalJson })
        : FastCheck.array(items, lengths)
    }
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
        : (additional === undefined || additional === true) && options.extraFields
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
