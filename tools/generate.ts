/**
 * The generator: reads Togai's contract (`../shared/spec/togai-openapi.yaml`)
 * and writes, for all of its schemas and operations,
 * - `src/Schemas/<Group>.ts`: every schema by its spec name, as an
 *   `effect/Schema` schema with its TypeScript types, the spec's descriptions
 *   as JSDoc, one file per API group (`Common.ts` for what several groups
 *   share, `Other.ts` for what no operation uses), and `src/Schemas/mod.ts`;
 * - `src/internal/endpoints.ts`: the endpoint table (operationId, method,
 *   path, path and query parameters with their constraints, success statuses
 *   with their schemas, documented error statuses, retry safety, pagination).
 *
 * What the project decides rather than reads is in `tools/overrides.ts`.
 *
 * `deno task generate` writes the files; `deno task generate --check` fails
 * (exit 1) when a committed file differs from what the spec gives.
 *
 * @module
 */
import { parse } from "yaml"
import * as O from "./overrides.ts"

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
type JsonObject = { readonly [key: string]: Json }

const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)
const obj = (node: Json | undefined, key: string): JsonObject => {
  const value = isObject(node) ? node[key] : undefined
  return isObject(value) ? value : {}
}
const arr = (node: Json | undefined, key: string): ReadonlyArray<Json> => {
  const value = isObject(node) ? node[key] : undefined
  return Array.isArray(value) ? value : []
}
const str = (node: Json | undefined, key: string): string | undefined => {
  const value = isObject(node) ? node[key] : undefined
  return typeof value === "string" ? value : undefined
}
const num = (node: Json | undefined, key: string): number | undefined => {
  const value = isObject(node) ? node[key] : undefined
  return typeof value === "number" ? value : undefined
}

const specUrl = new URL("../../shared/spec/togai-openapi.yaml", import.meta.url)
const spec: JsonObject = (() => {
  const parsed: unknown = parse(Deno.readTextFileSync(specUrl))
  if (!isObject(parsed)) throw new Error("the spec is not a YAML mapping")
  return parsed
})()
const specSchemas = obj(obj(spec, "components"), "schemas")

const resolve = (node: Json): Json => {
  let current = node
  for (let step = 0; step < 10; step++) {
    const ref = str(current, "$ref")
    if (ref === undefined) return current
    let target: Json = spec
    for (const part of ref.slice(2).split("/")) target = isObject(target) ? target[part] : null
    current = target
  }
  throw new Error("$ref chain too long")
}
const refName = (node: Json): string | undefined => str(node, "$ref")?.replace("#/components/schemas/", "")

/** `RateCardUsage_value` -> `RateCardUsageValue`. */
const tsName = (specName: string): string =>
  specName.split("_").map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join("")

/** `start_time` -> `startTime`. */
const camel = (name: string): string => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())

/** A schema with its `allOf` merged into one object, as the spec's two `allOf`s mean it. */
const flatten = (node: JsonObject): JsonObject => {
  const parts = arr(node, "allOf")
  if (parts.length === 0) return node
  const merged = parts.map((part) => {
    const name = refName(part)
    const node = flatten(obj({ part: resolve(part) }, "part"))
    return name === undefined ? node : renamed(name, node)
  })
  return {
    type: "object",
    ...(str(node, "description") === undefined ? {} : { description: str(node, "description") ?? "" }),
    properties: Object.assign({}, ...merged.map((part) => obj(part, "properties"))),
    required: [...new Set(merged.flatMap((part) => arr(part, "required")))],
  }
}

/** A schema's properties with the names `O.renamedProperties` corrects. */
const renamed = (owner: string, node: JsonObject): JsonObject => {
  const properties = obj(node, "properties")
  if (!Object.keys(properties).some((key) => `${owner}.${key}` in O.renamedProperties)) return node
  return {
    ...node,
    properties: Object.fromEntries(
      Object.entries(properties).map(([key, value]) => [O.renamedProperties[`${owner}.${key}`] ?? key, value]),
    ),
  }
}

const schemaNode = (name: string): JsonObject => renamed(name, flatten(obj(specSchemas, name)))

/** The schemas a node refers to, directly. */
const directRefs = (node: Json, out: Set<string> = new Set()): Set<string> => {
  const name = refName(node)
  if (name !== undefined) out.add(name)
  else if (Array.isArray(node)) { for (const item of node) directRefs(item, out) }
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) if (key !== "example") directRefs(value, out)
  }
  return out
}

const refsOf = (name: string): Set<string> => directRefs(obj(specSchemas, name))

const closure = (roots: Iterable<string>): Set<string> => {
  const seen = new Set<string>()
  const visit = (name: string) => {
    if (seen.has(name)) return
    seen.add(name)
    for (const next of refsOf(name)) visit(next)
  }
  for (const root of roots) visit(root)
  return seen
}

// ---------------------------------------------------------------------------------------------------------------
// Operations

const methods = ["get", "post", "patch", "delete", "put"] as const

interface Operation {
  readonly operationId: string
  readonly method: string
  readonly path: string
  readonly group: string
  readonly summary: string
  readonly description: string
  readonly pathParameters: ReadonlyArray<{ readonly name: string; readonly maxLength: number | undefined }>
  readonly queryParameters: ReadonlyArray<{ readonly name: string; readonly description: string | undefined }>
  readonly body: string | undefined
  readonly success: ReadonlyArray<{ readonly status: number; readonly schema: string | undefined }>
  readonly errors: ReadonlyArray<number>
}

const jsonSchemaOf = (node: Json): Json => {
  const media = obj(obj(resolve(node), "content"), "application/json")
  return media.schema ?? null
}

const operations: ReadonlyArray<Operation> = Object.entries(obj(spec, "paths")).flatMap(([path, item]) =>
  methods.filter((method) => isObject(obj(item, method)) && method in (item as JsonObject)).map((method) => {
    const node = obj(item, method)
    const operationId = str(node, "operationId")
    if (operationId === undefined) throw new Error(`${method} ${path} has no operationId`)
    const tag = str({ tag: arr(node, "tags")[0] ?? null }, "tag") ?? ""
    const group = O.groups[tag]
    if (group === undefined) throw new Error(`${operationId}: the tag ${tag} belongs to no group (tools/overrides.ts)`)
    const parameters = [...arr(item, "parameters"), ...arr(node, "parameters")].map(resolve).filter(isObject)
    const statuses = Object.keys(obj(node, "responses"))
    const success = statuses.filter((status) => /^2\d\d$/.test(status)).map((status) => {
      const schema = jsonSchemaOf(obj(node, "responses")[status])
      return { status: Number(status), schema: schema === null ? undefined : refName(schema) }
    })
    return {
      operationId,
      method: method.toUpperCase(),
      path,
      group,
      summary: str(node, "summary") ?? operationId,
      description: str(node, "description") ?? "",
      pathParameters: parameters.filter((parameter) => parameter.in === "path").map((parameter) => {
        const schema = isObject(parameter.schema)
          ? parameter.schema
          : obj(obj(obj(parameter, "content"), "application/json"), "schema")
        return { name: str(parameter, "name") ?? "", maxLength: num(schema, "maxLength") }
      }),
      queryParameters: parameters.filter((parameter) => parameter.in === "query").map((parameter) => ({
        name: str(parameter, "name") ?? "",
        description: str(parameter, "description"),
      })),
      body: operationBody(node),
      success,
      errors: statuses.filter((status) => /^[45]\d\d$/.test(status)).map(Number),
    }
  })
)

function operationBody(node: JsonObject): string | undefined {
  if (!("requestBody" in node)) return undefined
  const schema = jsonSchemaOf(node.requestBody)
  const name = schema === null ? undefined : refName(schema)
  if (name === undefined) throw new Error("a request body that is not a named schema")
  return name
}

// ---------------------------------------------------------------------------------------------------------------
// Which file each schema goes to

const groupsBySchema = new Map<string, Set<string>>()
for (const operation of operations) {
  const roots = [
    ...(operation.body === undefined ? [] : [operation.body]),
    ...operation.success.flatMap((success) => success.schema === undefined ? [] : [success.schema]),
    // every error response is an ErrorResponse
    "ErrorResponse",
  ]
  for (const name of closure(roots)) {
    const set = groupsBySchema.get(name) ?? new Set<string>()
    set.add(operation.group)
    groupsBySchema.set(name, set)
  }
}
const fileOf = (name: string): string => {
  const set = groupsBySchema.get(name)
  if (set === undefined) return "Other"
  return set.size === 1 ? [...set][0] : "Common"
}
const requestSchemas = closure(operations.flatMap((operation) => operation.body === undefined ? [] : [operation.body]))

// ---------------------------------------------------------------------------------------------------------------
// Types and schema expressions

/** Whether a schema's wire form differs from its TypeScript form (dates, or an override that transforms). */
const transformedMemo = new Map<string, boolean>()
const isTransformed = (name: string): boolean => {
  const known = transformedMemo.get(name)
  if (known !== undefined) return known
  transformedMemo.set(name, false)
  const node = schemaNode(name)
  const result = nodeTransformed(node, name)
  transformedMemo.set(name, result)
  return result
}
const nodeTransformed = (node: JsonObject, owner: string | undefined, property?: string): boolean => {
  if (owner !== undefined && property !== undefined) {
    const override = O.fields[`${owner}.${property}`] ?? O.corrections[`${owner}.${property}`]
    if (override !== undefined) return override.type !== override.encoded || /Encoded\b/.test(override.encoded)
  }
  const ref = refName(node)
  if (ref !== undefined) return isTransformed(ref)
  const format = str(node, "format")
  if (format !== undefined && format in O.formats) return true
  if (node.type === "array") return nodeTransformed(obj(node, "items"), undefined)
  const additional = node.additionalProperties
  if (isObject(additional) && nodeTransformed(additional, undefined)) return true
  for (const [key, value] of Object.entries(obj(node, "properties"))) {
    if (isObject(value) && nodeTransformed(value, owner, propertyName(owner, key))) return true
  }
  return false
}

/** Properties are renamed in `schemaNode` already. */
const propertyName = (_owner: string | undefined, key: string): string => key

/** What one file uses, to write its imports. */
interface Uses {
  readonly names: Set<string>
  dateTime: boolean
  fields: boolean
  dates: Set<string>
  jsonLogic: boolean
}

const newUses = (): Uses => ({ names: new Set(), dateTime: false, fields: false, dates: new Set(), jsonLogic: false })

interface Expression {
  readonly schema: string
  readonly type: string
  readonly encoded: string
}

const literalUnion = (values: ReadonlyArray<Json>): Expression => {
  const literals = values.map((value) => JSON.stringify(value))
  return { schema: `Schema.Literal(${literals.join(", ")})`, type: literals.join(" | "), encoded: literals.join(" | ") }
}

const noteOverride = (expression: string, uses: Uses) => {
  if (expression.includes("F.")) uses.fields = true
  for (const date of ["TogaiDate", "TogaiDateTime"]) {
    if (new RegExp(`\\b${date}\\b`).test(expression)) uses.dates.add(date)
  }
  if (expression.includes("JsonLogic")) uses.jsonLogic = true
  if (expression.includes("DateTime.")) uses.dateTime = true
  for (const match of expression.matchAll(/\b([A-Z][A-Za-z]+?)(Encoded)?\b/g)) {
    if (match[1] in specByTsName) uses.names.add(match[1])
  }
}

const specByTsName: Record<string, string> = Object.fromEntries(
  Object.keys(specSchemas).map((name) => [tsName(name), name]),
)

const expression = (node: JsonObject, uses: Uses): Expression => {
  const ref = refName(node)
  if (ref !== undefined) {
    const name = tsName(ref)
    uses.names.add(name)
    return { schema: name, type: name, encoded: isTransformed(ref) ? `${name}Encoded` : name }
  }
  const format = str(node, "format")
  if (node.type === "string" && format !== undefined && format in O.formats) {
    const override = O.formats[format]
    noteOverride(override.schema, uses)
    uses.dateTime = true
    return override
  }
  if (Array.isArray(node.enum)) return literalUnion(node.enum)
  switch (node.type) {
    case "string": {
      const minLength = num(node, "minLength")
      const maxLength = num(node, "maxLength")
      const pattern = str(node, "pattern")
      let schema = "Schema.String"
      if (minLength !== undefined || maxLength !== undefined) {
        uses.fields = true
        schema = `F.Text(${minLength ?? 0}${maxLength === undefined ? "" : `, ${maxLength}`})`
      }
      if (pattern !== undefined) schema += `.pipe(Schema.pattern(new RegExp(${JSON.stringify(pattern)})))`
      return { schema, type: "string", encoded: "string" }
    }
    case "integer": {
      const checks = [
        ...(num(node, "minimum") === undefined ? [] : [`Schema.greaterThanOrEqualTo(${num(node, "minimum")})`]),
        ...(num(node, "maximum") === undefined ? [] : [`Schema.lessThanOrEqualTo(${num(node, "maximum")})`]),
      ]
      return {
        schema: checks.length === 0 ? "Schema.Int" : `Schema.Int.pipe(${checks.join(", ")})`,
        type: "number",
        encoded: "number",
      }
    }
    case "number":
      // finite: JSON has no NaN or Infinity (JSON.stringify would send null, which the spec rejects)
      return { schema: "Schema.JsonNumber", type: "number", encoded: "number" }
    case "boolean":
      return { schema: "Schema.Boolean", type: "boolean", encoded: "boolean" }
    case "array": {
      const item = expression(obj(node, "items"), uses)
      const minItems = num(node, "minItems")
      const maxItems = num(node, "maxItems")
      const checks = [
        ...(minItems === undefined || minItems === 0 ? [] : [`Schema.minItems(${minItems})`]),
        ...(maxItems === undefined ? [] : [`Schema.maxItems(${maxItems})`]),
        ...(node.uniqueItems === true ? ["F.uniqueItems()"] : []),
      ]
      if (node.uniqueItems === true) uses.fields = true
      return {
        schema: `Schema.Array(${item.schema})${checks.length === 0 ? "" : `.pipe(${checks.join(", ")})`}`,
        type: `ReadonlyArray<${item.type}>`,
        encoded: `ReadonlyArray<${item.encoded}>`,
      }
    }
    case "object":
    case undefined: {
      const additional = node.additionalProperties
      if (Object.keys(obj(node, "properties")).length === 0 && isObject(additional)) {
        const value = expression(additional, uses)
        return {
          schema: `Schema.Record({ key: Schema.String, value: ${value.schema} })`,
          type: `{ readonly [key: string]: ${value.type} }`,
          encoded: `{ readonly [key: string]: ${value.encoded} }`,
        }
      }
      if (Object.keys(obj(node, "properties")).length === 0) {
        return { schema: "Schema.Unknown", type: "unknown", encoded: "unknown" }
      }
      throw new Error(`an inline object with properties: ${JSON.stringify(node).slice(0, 200)}`)
    }
    default:
      throw new Error(`unknown type ${String(node.type)}`)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// JSDoc

const fallbackDocs: Record<string, string> = {
  createdAt: "When it was created.",
  updatedAt: "When it was last changed.",
  lastActivatedAt: "When it was last activated.",
  nextToken: "Pass it back to get the next page; absent or empty on the last page.",
  context: "How the page was produced.",
  data: "The items of this page.",
  status: "Its status.",
  name: "Its name.",
  id: "Its identifier.",
  version: "Its version.",
  message: "What happened, in Togai's words.",
}

const escapeDoc = (text: string): string => text.replace(/\*\//g, "*\\/").replace(/^@/gm, "\\@")

const docLines = (text: string, indent: string): string => {
  const lines = text.trim().split("\n").map((line) => line.trimEnd())
  return lines.map((line) => `${indent} *${line === "" ? "" : ` ${line}`}`).join("\n")
}

const doc = (indent: string, ...paragraphs: ReadonlyArray<string>): string =>
  `${indent}/**\n${
    paragraphs.filter((p) => p.trim() !== "").map((p) => docLines(p, indent)).join(`\n${indent} *\n`)
  }\n${indent} */`

const schemaDoc = (specName: string, node: JsonObject): string => {
  const description = str(node, "description")?.trim()
  return description === undefined || description === "" ? `Togai's \`${specName}\`.` : escapeDoc(description)
}

const modelTags = "@since 0.2.0\n@category models"

// ---------------------------------------------------------------------------------------------------------------
// One schema

const emitSchema = (specName: string, uses: Uses): string => {
  const node = schemaNode(specName)
  const name = tsName(specName)
  const transformed = isTransformed(specName)
  const description = schemaDoc(specName, node)
  const identifier = `identifier: ${JSON.stringify(specName)}`
  const out: Array<string> = []
  const schemaType = transformed ? `Schema.Schema<${name}, ${name}Encoded>` : `Schema.Schema<${name}>`

  if (node.type === "string" && Array.isArray(node.enum)) {
    const literal = literalUnion(node.enum)
    out.push(`${doc("", description, `(spec: \`${specName}\`)`, modelTags)}\nexport type ${name} = ${literal.type}`)
    out.push(
      `${doc("", description, modelTags)}\nexport const ${name}: ${schemaType} = /* @__PURE__ */ ${literal.schema}` +
        `.annotations({ ${identifier} })`,
    )
    return out.join("\n\n")
  }

  const properties = Object.entries(obj(node, "properties"))
  const required = new Set(arr(node, "required").map(String))
  const additional = node.additionalProperties
  if (properties.length === 0) {
    // a map: `additionalProperties` with a schema
    const value = expression(node, uses)
    out.push(`${doc("", description, `(spec: \`${specName}\`)`, modelTags)}\nexport type ${name} = ${value.type}`)
    if (transformed) {
      out.push(
        `${doc("", `\`${name}\` as it goes over the wire.`, modelTags)}\nexport type ${name}Encoded = ${value.encoded}`,
      )
    }
    out.push(
      `${doc("", description, modelTags)}\nexport const ${name}: ${schemaType} = /* @__PURE__ */ ${value.schema}` +
        `.annotations({ ${identifier} })`,
    )
    return out.join("\n\n")
  }

  const declared = new Set(properties.map(([key]) => propertyName(specName, key)))
  for (const field of required) {
    if (!declared.has(field)) throw new Error(`${specName}: required ${field} is not a property (tools/overrides.ts)`)
  }

  const typeFields: Array<string> = []
  const encodedFields: Array<string> = []
  const schemaFields: Array<string> = []
  for (const [key, value] of properties) {
    if (!isObject(value)) continue
    const field = propertyName(specName, key)
    const override = O.fields[`${specName}.${field}`] ?? O.corrections[`${specName}.${field}`]
    const expr = override ?? expression(value, uses)
    if (override !== undefined) noteOverride(override.schema, uses)
    const optional = !required.has(field)
    const fieldDoc = escapeDoc(str(value, "description")?.trim() ?? "") || str(resolve(value), "description")?.trim() ||
      fallbackDocs[field] || `The \`${field}\` field of \`${specName}\`.`
    const documented = override === undefined ? fieldDoc : `${fieldDoc}\n\nThis client's choice: ${override.why}.`
    const mark = optional ? "?" : ""
    const key_ = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(field) ? field : JSON.stringify(field)
    const orUndefined = optional ? " | undefined" : ""
    typeFields.push(`${doc("  ", documented)}\n  readonly ${key_}${mark}: ${expr.type}${orUndefined}`)
    encodedFields.push(`${doc("  ", fieldDoc)}\n  readonly ${key_}${mark}: ${expr.encoded}${orUndefined}`)
    const propertySchema = override?.schema.startsWith("Schema.optional")
      ? override.schema
      : optional
      ? `Schema.optional(${expr.schema})`
      : expr.schema
    schemaFields.push(`  ${key_}: ${propertySchema},`)
  }
  const open = additional === true
  if (open) {
    typeFields.push(`${doc("  ", "Any other field, as the spec allows.")}\n  readonly [key: string]: unknown`)
    encodedFields.push(`${doc("  ", "Any other field, as the spec allows.")}\n  readonly [key: string]: unknown`)
  }
  out.push(
    `${doc("", description, `(spec: \`${specName}\`)`, modelTags)}\nexport interface ${name} {\n${
      typeFields.join("\n")
    }\n}`,
  )
  if (transformed) {
    out.push(
      `${
        doc("", `\`${name}\` as it goes over the wire: dates as strings.`, modelTags)
      }\nexport interface ${name}Encoded {\n${encodedFields.join("\n")}\n}`,
    )
  }
  const rule = O.objectRules[specName]
  if (rule !== undefined) uses.fields = true
  const struct = `Schema.Struct({\n${schemaFields.join("\n")}\n}${
    open ? ", Schema.Record({ key: Schema.String, value: Schema.Unknown })" : ""
  })`
  const requestNote = requestSchemas.has(specName)
    ? "Sent closed: a field the contract does not know fails as `InvalidRequest`, unsent."
    : ""
  out.push(
    `${
      doc("", description, requestNote, rule === undefined ? "" : `Also: ${rule.why}.`, modelTags)
    }\nexport const ${name}: ${schemaType} = /* @__PURE__ */ ${struct}${
      rule === undefined ? "" : `.pipe(Schema.filter(${rule.filter}))`
    }.annotations({ ${identifier} })`,
  )
  return out.join("\n\n")
}

const queryOverride = (operationId: string, name: string): O.FieldOverride => {
  const override = O.queryParameters[`${operationId}.${name}`] ?? O.queryParameters[name]
  if (override === undefined) {
    throw new Error(`${operationId}: query parameter ${name} has no schema (tools/overrides.ts)`)
  }
  return override
}

/** The options object of an operation with query parameters: each parameter by its camelCase name. */
const emitOptions = (operation: Operation, uses: Uses): string => {
  const fields = operation.queryParameters.map((parameter) => {
    const override = queryOverride(operation.operationId, parameter.name)
    if (override.type.includes("DateTime.")) uses.dateTime = true
    const description = escapeDoc(parameter.description?.trim() ?? "") ||
      `${override.why.charAt(0).toUpperCase()}${override.why.slice(1)} (\`${parameter.name}\` on the wire).`
    return `${doc("  ", description)}\n  readonly ${camel(parameter.name)}?: ${override.type} | undefined`
  })
  const name = `${operation.operationId.charAt(0).toUpperCase()}${operation.operationId.slice(1)}Options`
  return `${
    doc("", `The query options of \`${operation.operationId}\` (${operation.method} ${operation.path}).`, modelTags)
  }\nexport interface ${name} {\n${fields.join("\n")}\n}`
}

// ---------------------------------------------------------------------------------------------------------------
// Files

const header = (title: string) =>
  `// Generated by tools/generate.ts from ../shared/spec/togai-openapi.yaml: do not edit by hand.\n// Run \`deno task generate\` after changing the generator or tools/overrides.ts.\n/**\n * ${title}\n *\n * @module\n */`

const topological = (names: ReadonlyArray<string>): ReadonlyArray<string> => {
  const inFile = new Set(names)
  const ordered: Array<string> = []
  const seen = new Set<string>()
  const visit = (name: string) => {
    if (seen.has(name)) return
    seen.add(name)
    for (const next of [...refsOf(name)].sort()) if (inFile.has(next)) visit(next)
    ordered.push(name)
  }
  for (const name of [...names].sort()) visit(name)
  return ordered
}

const fileTitles: Record<string, string> = {
  Common: "The schemas that several of Togai's API groups share: accounts, rate cards, pages, errors.",
  Other: "The schemas of Togai's contract that no operation of it uses (organisation signup, status).",
}

const schemaFiles = new Map<string, string>()
const allFiles = [...new Set(Object.keys(specSchemas).map(fileOf))].sort()
for (const file of allFiles) {
  const names = Object.keys(specSchemas).filter((name) => fileOf(name) === file)
  const uses = newUses()
  const bodies = topological(names).map((name) => emitSchema(name, uses))
  for (const operation of operations) {
    if (operation.group !== file || operation.queryParameters.length === 0) continue
    bodies.push(emitOptions(operation, uses))
  }
  const imports: Array<string> = []
  if (uses.dateTime) imports.push(`import type * as DateTime from "effect/DateTime"`)
  imports.push(`import * as Schema from "effect/Schema"`)
  if (uses.fields) imports.push(`import * as F from "../internal/fields.ts"`)
  if (uses.dates.size > 0) imports.push(`import { ${[...uses.dates].sort().join(", ")} } from "./Dates.ts"`)
  if (uses.jsonLogic) {
    const names = ["JsonLogic", "JsonLogicAnswer", "type JsonLogicInput", "type JsonLogicRule"].filter((name) =>
      bodies.some((body) => new RegExp(`\\b${name.replace("type ", "")}\\b`).test(body))
    )
    imports.push(`import { ${names.join(", ")} } from "./JsonLogic.ts"`)
  }
  const byFile = new Map<string, Array<string>>()
  for (const used of uses.names) {
    const specName = specByTsName[used]
    const from = fileOf(specName)
    if (from === file) continue
    const list = byFile.get(from) ?? []
    list.push(used)
    if (isTransformed(specName)) list.push(`type ${used}Encoded`)
    byFile.set(from, list)
  }
  for (const [from, list] of [...byFile].sort()) {
    imports.push(`import { ${list.sort().join(", ")} } from "./${from}.ts"`)
  }
  const title = fileTitles[file] ?? `The request and response schemas of Togai's ${file} operations.`
  schemaFiles.set(
    `src/Schemas/${file}.ts`,
    `${
      header(
        `${title} Each schema is exported as a schema and a type of the same name, by its name in the spec (\`RateCardUsage_value\` as \`RateCardUsageValue\`).`,
      )
    }\n${imports.join("\n")}\n\n${bodies.join("\n\n")}\n`,
  )
}

schemaFiles.set(
  "src/Schemas/mod.ts",
  `${
    header(
      "Every request and response schema of Togai's contract, by its name in the spec, with the date and JSON-logic schemas they use.",
    )
  }\n${[...allFiles, "Dates", "JsonLogic"].sort().map((file) => `export * from "./${file}.ts"`).join("\n")}\n`,
)

// ---------------------------------------------------------------------------------------------------------------
// The endpoint table

const paginationOf = (operation: Operation): string => {
  if (!operation.queryParameters.some((parameter) => parameter.name === "nextToken")) return "undefined"
  const success = operation.success[0]?.schema
  if (success === undefined) throw new Error(`${operation.operationId}: pages without a schema`)
  const properties = obj(schemaNode(success), "properties")
  if (!("nextToken" in properties)) throw new Error(`${operation.operationId}: pages without nextToken`)
  const items = Object.entries(properties).find(([, value]) => isObject(value) && value.type === "array")?.[0]
  if (items === undefined) throw new Error(`${operation.operationId}: pages without an items array`)
  return `{ items: ${JSON.stringify(items)}, nextToken: "nextToken" }`
}

const endpointEntries = operations.map((operation) => {
  const schemaRef = (specName: string) => `${fileOf(specName)}.${tsName(specName)}`
  const query = operation.queryParameters.map((parameter) => {
    const override = queryOverride(operation.operationId, parameter.name)
    return `    ${camel(parameter.name)}: [${JSON.stringify(parameter.name)}, ${override.schema}],`
  })
  const pathParameters = operation.pathParameters.map((parameter) => {
    const corrected = O.pathParameterMaxLength[`${operation.operationId}.${parameter.name}`]?.maxLength
    const maxLength = corrected ?? parameter.maxLength
    if (maxLength === undefined) throw new Error(`${operation.operationId}: ${parameter.name} has no maxLength`)
    return `${parameter.name}: ${maxLength}`
  })
  const success = operation.success.map((entry) =>
    `${entry.status}: ${entry.schema === undefined ? "undefined" : schemaRef(entry.schema)}`
  )
  const taggedErrors = operation.errors.filter((status) => O.taggedStatuses.includes(status))
  const summary = `\`${operation.operationId}\`: ${operation.method} ${operation.path}. ${operation.summary}${
    operation.description === "" || operation.description === operation.summary ? "" : ` (${operation.description})`
  }`
  return `${doc("", escapeDoc(summary))}\nexport const ${operation.operationId} = /* @__PURE__ */ endpoint({
  operation: ${JSON.stringify(operation.operationId)},
  group: ${JSON.stringify(operation.group)},
  method: ${JSON.stringify(operation.method)},
  path: ${JSON.stringify(operation.path)},
  pathParameters: { ${pathParameters.join(", ")} },
  query: {
${query.join("\n")}
  },
  body: ${operation.body === undefined ? "undefined" : schemaRef(operation.body)},
  success: { ${success.join(", ")} },
  errors: [${taggedErrors.join(", ")}],
  idempotent: ${O.idempotentByEventId.includes(operation.operationId) ? '"eventIds"' : '"method"'},
  pagination: ${paginationOf(operation)},
})`
})

const endpointFiles = [
  ...new Set(operations.flatMap((operation) => [
    ...(operation.body === undefined ? [] : [fileOf(operation.body)]),
    ...operation.success.flatMap((success) => success.schema === undefined ? [] : [fileOf(success.schema)]),
  ])),
].sort()

const endpointsFile = `${
  header(
    "Togai's operations as data, one entry per operationId of the spec: the table the executor, the group modules, the simulator and the conformance test all read.",
  )
}
${endpointFiles.map((file) => `import * as ${file} from "../Schemas/${file}.ts"`).join("\n")}
import { endpoint } from "./endpoint.ts"
import * as F from "./fields.ts"

${endpointEntries.join("\n\n")}

/** Every operation of the spec, by operationId. Group modules import their endpoints one by one, so a bundle keeps only the ones it calls. */
export const all = {
${operations.map((operation) => `  ${operation.operationId},`).join("\n")}
} as const
`

// ---------------------------------------------------------------------------------------------------------------
// Write or check

const files = new Map([...schemaFiles, ["src/internal/endpoints.ts", endpointsFile]])

const format = async (path: string, text: string): Promise<string> => {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=ts", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    cwd: new URL("..", import.meta.url),
  })
  const child = command.spawn()
  const writer = child.stdin.getWriter()
  await writer.write(new TextEncoder().encode(text))
  await writer.close()
  const { code, stdout, stderr } = await child.output()
  if (code !== 0) throw new Error(`deno fmt failed on ${path}: ${new TextDecoder().decode(stderr)}\n${text}`)
  return new TextDecoder().decode(stdout)
}

const root = new URL("..", import.meta.url)
const check = Deno.args.includes("--check")
let stale = 0
for (const [path, text] of files) {
  const formatted = await format(path, text)
  const url = new URL(path, root)
  let current: string | undefined
  try {
    current = Deno.readTextFileSync(url)
  } catch {
    current = undefined
  }
  if (current === formatted) continue
  if (check) {
    stale++
    console.error(`stale: ${path} differs from what the spec and tools/overrides.ts give`)
  } else {
    Deno.writeTextFileSync(url, formatted)
    console.log(`wrote ${path}`)
  }
}
// A schema file of a group that no longer exists is stale too.
for (const entry of Deno.readDirSync(new URL("src/Schemas/", root))) {
  const path = `src/Schemas/${entry.name}`
  if (files.has(path) || path === "src/Schemas/Dates.ts" || path === "src/Schemas/JsonLogic.ts") continue
  if (check) {
    stale++
    console.error(`stale: ${path} is not generated`)
  } else {
    Deno.removeSync(new URL(path, root))
    console.log(`removed ${path}`)
  }
}
if (check && stale > 0) {
  console.error(`${stale} generated file(s) are stale: run deno task generate`)
  Deno.exit(1)
}
console.log(
  `${check ? "checked" : "generated"}: ${
    Object.keys(specSchemas).length
  } schemas in ${allFiles.length} files, ${operations.length} operations`,
)
