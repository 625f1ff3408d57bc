/**
 * The library against Togai's OpenAPI document (`../shared/spec/togai-openapi.yaml`),
 * all of it, by iterating what the generator wrote rather than a list kept by
 * hand: every exported schema against the spec's schema of its name; every
 * operation of the endpoint table (`src/internal/endpoints.ts`) against the
 * spec's operation; every documented status of every operation through the
 * one send path (`execute`) and a real server on loopback; every example of
 * the spec through our schemas; every constraint of the spec beside the JSON
 * Schema of ours.
 *
 * Where the spec contradicts itself (an example its own schema rejects), the
 * test lists it as a spec inconsistency instead of bending our schemas; where
 * we differ from the spec on purpose, the difference is listed with its
 * reason (tools/overrides.ts). Both lists are asserted exactly, so that a new
 * spec version, or a change of the generator, is looked at.
 */
import assert from "node:assert/strict"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as JSONSchema from "effect/JSONSchema"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import * as Schemas from "../src/Schemas/mod.ts"
import type { Endpoint, TaggedStatus } from "../src/internal/endpoint.ts"
import { all } from "../src/internal/endpoints.ts"
import { execute, type Input } from "../src/internal/executor.ts"
import { failure, run, success } from "./support/run.ts"
import { json, startServer } from "./support/server.ts"
import {
  arbitraryFromSpec,
  arrayAt,
  deref,
  isObject,
  type Json,
  type JsonObject,
  mediaSchemaName,
  nodeAccepts,
  objectAt,
  readings,
  requestSchemaNames,
  resolveRef,
  schemaRefName,
  spec,
  specOperations,
  specProblems,
  specProblemsAsRead,
  specSchemas,
  specSchemasAsRead,
  stringAt,
} from "./support/spec.ts"

/** Any of our (context-free) schemas; Effect's own alias for a heterogeneous collection of them. */
type AnySchema = Schema.Schema.AnyNoContext

/** Any operation of the table, its types forgotten: the tests drive them all alike. */
type AnyEndpoint = Endpoint<unknown, unknown, unknown, TaggedStatus>

const endpoints: Readonly<Record<string, AnyEndpoint>> = all

const isContextFreeSchema = (value: unknown): value is AnySchema => Schema.isSchema(value)

/** The spec name a schema of ours carries in its `identifier` annotation. */
const identifierOf = (schema: { readonly ast: AST.AST }): string | undefined =>
  Option.getOrUndefined(AST.getIdentifierAnnotation(schema.ast))

/** `RateCardUsage_value` -> `RateCardUsageValue`: the generator's TypeScript name for a spec name. */
const tsName = (specName: string): string =>
  specName.split("_").map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join("")

// ---------------------------------------------------------------------------------------------------------------
// Schemas: what src/Schemas/mod.ts exports, against the spec's components/schemas.

/**
 * What `src/Schemas/mod.ts` exports at runtime beside the spec's schemas: the
 * date schemas the generated ones use for `format: date` and `date-time`, and
 * the JSON-logic schemas of usage meters' `filters` and `computation` (as sent,
 * and as read).
 */
const helperExports = ["JsonLogic", "JsonLogicAnswer", "TogaiDate", "TogaiDateTime"]

/** Every schema `src/Schemas/mod.ts` exports, by the spec name it carries. */
const exportedSchemas: ReadonlyMap<string, AnySchema> = (() => {
  const byName = new Map<string, AnySchema>()
  for (const [exportName, value] of Object.entries(Schemas)) {
    if (helperExports.includes(exportName) || !isContextFreeSchema(value)) continue
    byName.set(identifierOf(value) ?? `(${exportName} has no identifier)`, value)
  }
  return byName
})()

const requireSchema = (name: string): AnySchema => {
  const schema = exportedSchemas.get(name)
  if (schema === undefined) throw new Error(`src/Schemas/mod.ts exports no schema for the spec's ${name}`)
  return schema
}

Deno.test("every exported schema is named after a schema of the spec, and carries that name", () => {
  const problems: Array<string> = []
  const others: Array<string> = []
  for (const [exportName, value] of Object.entries(Schemas)) {
    if (!isContextFreeSchema(value) || helperExports.includes(exportName)) {
      others.push(exportName)
      continue
    }
    const identifier = identifierOf(value)
    if (identifier === undefined) problems.push(`${exportName} carries no identifier`)
    else if (!(identifier in specSchemas)) problems.push(`${exportName} carries ${identifier}, no schema of the spec`)
    else if (tsName(identifier) !== exportName) problems.push(`${exportName} carries ${identifier}`)
  }
  const missing = Object.keys(specSchemas).filter((name) => !exportedSchemas.has(name))
  console.log(
    `schemas: ${Object.keys(specSchemas).length - missing.length}/${
      Object.keys(specSchemas).length
    } of the spec exported by name`,
  )
  assert.deepEqual(problems, [])
  assert.deepEqual(missing, [], "schemas of the spec that src/Schemas/mod.ts does not export")
  assert.deepEqual(others.sort(), helperExports, "the runtime exports that are not a schema of the spec")
  assert.equal(exportedSchemas.size, 79)
})

// ---------------------------------------------------------------------------------------------------------------
// Operations: the generated table against the spec's paths.

const specOperation = (operationId: string) => {
  const operation = specOperations.find((candidate) => candidate.operationId === operationId)
  if (operation === undefined) throw new Error(`the spec has no operation ${operationId}`)
  return operation
}

const parametersOf = (operationId: string): ReadonlyArray<JsonObject> =>
  arrayAt(specOperation(operationId).node, "parameters").map(deref).filter(isObject)

/** A parameter's schema, as the spec writes it (under `schema`, or `content` for the path parameters). */
const parameterSchema = (parameter: JsonObject): JsonObject =>
  isObject(parameter.schema)
    ? parameter.schema
    : objectAt(objectAt(objectAt(parameter, "content"), "application/json"), "schema")

const responsesOf = (operationId: string): JsonObject => objectAt(specOperation(operationId).node, "responses")

const successStatuses = (operationId: string): ReadonlyArray<string> =>
  Object.keys(responsesOf(operationId)).filter((status) => /^2\d\d$/.test(status))

const errorStatuses = (operationId: string): ReadonlyArray<number> =>
  Object.keys(responsesOf(operationId)).filter((status) => /^[45]\d\d$/.test(status)).map(Number)

/** The statuses with a tag of their own, and the tag. Every other status is the spec's `default`. */
const tagOfStatus: Readonly<Record<number, string>> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  422: "UnprocessableEntity",
  429: "RateLimited",
  503: "ServiceUnavailable",
}

const pathParamsOf = (template: string): ReadonlyArray<string> =>
  [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1])

/** `start_time` -> `startTime`: the option name callers use for a query parameter. */
const camel = (name: string): string => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())

/** How one operation of the table differs from the spec's; empty when it agrees. */
const operationDifferences = (operationId: string, endpoint: AnyEndpoint): ReadonlyArray<string> => {
  const out: Array<string> = []
  const expect = (what: string, ours: unknown, theirs: unknown) => {
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
      out.push(`${operationId}: ${what} is ${JSON.stringify(ours)}, the spec's ${JSON.stringify(theirs)}`)
    }
  }
  const operation = specOperation(operationId)
  const parameters = parametersOf(operationId)
  expect("operation", endpoint.operation, operationId)
  expect("method", endpoint.method, operation.method)
  expect("path", endpoint.path, operation.path)
  // Path parameters, in the template's order, each with the spec's maxLength.
  const specPath = parameters.filter((parameter) => parameter.in === "path")
  expect("path parameters", Object.keys(endpoint.pathParameters), pathParamsOf(operation.path))
  expect("path parameters", Object.keys(endpoint.pathParameters).sort(), specPath.map((p) => p.name).sort())
  expect(
    "path maxLengths",
    endpoint.pathParameters,
    Object.fromEntries(specPath.map((p) => [stringAt(p, "name") ?? "", parameterSchema(p).maxLength ?? null])),
  )
  // Query parameters: the spec's wire names, each under its camelCase option name.
  const specQuery = parameters.filter((parameter) => parameter.in === "query").map((p) => stringAt(p, "name") ?? "")
  expect("query names", Object.values(endpoint.query).map(([wire]) => wire).sort(), [...specQuery].sort())
  for (const [option, [wire]] of Object.entries(endpoint.query)) expect(`query option of ${wire}`, option, camel(wire))
  // Body, success statuses and their schemas, documented error statuses.
  const bodySchema = mediaSchemaName(operation.node.requestBody ?? null)
  expect("body", endpoint.body === undefined ? null : identifierOf(endpoint.body), bodySchema ?? null)
  expect(
    "success",
    Object.fromEntries(
      Object.entries(endpoint.success).map(([status, schema]) => [status, schema ? identifierOf(schema) : null]),
    ),
    Object.fromEntries(
      successStatuses(operationId).map((status) => [status, mediaSchemaName(responsesOf(operationId)[status]) ?? null]),
    ),
  )
  expect("errors", [...endpoint.errors].sort(), errorStatuses(operationId).filter((status) => status in tagOfStatus))
  // Pagination: the operations that take a nextToken, over the answer's one array and its nextToken.
  const successSchema =
    specSchemasAsRead[mediaSchemaName(responsesOf(operationId)[successStatuses(operationId)[0]]) ?? ""]
  const arrays = Object.entries(objectAt(successSchema, "properties")).filter(([, node]) =>
    isObject(node) && node.type === "array"
  )
  expect(
    "pagination",
    endpoint.pagination ?? null,
    specQuery.includes("nextToken")
      ? { items: arrays.length === 1 ? arrays[0][0] : "?", nextToken: "nextToken" }
      : null,
  )
  // Retry safety: by method, but for ingestion, whose Event.id the spec calls the idempotency key.
  expect("idempotent", endpoint.idempotent, bodySchemaHasEventIds(bodySchema) ? "eventIds" : "method")
  return out
}

/** Whether a body is a list or a wrapper of `Event`s, whose `id` the spec describes as the idempotency key. */
const bodySchemaHasEventIds = (name: string | undefined): boolean => {
  if (name === undefined) return false
  const idDescription = stringAt(objectAt(objectAt(specSchemas.Event, "properties"), "id"), "description") ?? ""
  assert.match(idDescription, /idempotency key/)
  return Object.values(objectAt(specSchemas[name], "properties")).some((property) =>
    schemaRefName(property) === "Event" || schemaRefName(objectAt(property, "items")) === "Event"
  )
}

/** Where the table differs from the spec on purpose (tools/overrides.ts), each with why. */
const expectedTableDifferences: ReadonlyArray<string> = [
  // pathParameterMaxLength: Event.id allows 255 characters, so an event ingested with an id longer than the spec's
  // 50 for this parameter could never be read back.
  'getSingleEvent: path maxLengths is {"event_id":255}, the spec\'s {"event_id":50}',
]

Deno.test("each of the spec's operations is in the table with its method, path, parameters, body and statuses", async (t) => {
  const specIds = specOperations.map((operation) => operation.operationId)
  assert.equal(new Set(specIds).size, specIds.length, "operationIds are unique in the spec")
  assert.deepEqual(Object.keys(endpoints).sort(), [...specIds].sort())
  let agreeing = 0
  const deliberate: Array<string> = []
  for (const operationId of specIds) {
    await t.step(operationId, () => {
      const differences = operationDifferences(operationId, endpoints[operationId])
      assert.deepEqual(differences, expectedTableDifferences.filter((line) => line.startsWith(`${operationId}: `)))
      deliberate.push(...differences)
      agreeing++
    })
  }
  console.log(
    `operations: ${agreeing}/${specIds.length} agree with the spec (${deliberate.length} deliberate difference)`,
  )
  for (const line of deliberate) console.log(`  deliberate: ${line}`)
  assert.equal(agreeing, 38)
  assert.deepEqual(deliberate, expectedTableDifferences)
})

Deno.test("the operation check notices a changed row", () => {
  const { getAccount } = all
  const changed: AnyEndpoint = {
    ...getAccount,
    method: "POST",
    pathParameters: { customer_id: 50, account_id: 49 },
    errors: [400, 401, 404, 429],
  }
  assert.deepEqual(operationDifferences("getAccount", changed), [
    'getAccount: method is "POST", the spec\'s "GET"',
    'getAccount: path maxLengths is {"customer_id":50,"account_id":49}, the spec\'s {"customer_id":50,"account_id":50}',
    "getAccount: errors is [400,401,404,429], the spec's [400,401,403,404,429]",
  ])
})

// ---------------------------------------------------------------------------------------------------------------
// Examples of the spec, by where they stand.

interface Example {
  /** Where it stands in the spec. */
  readonly where: string
  /** The component schema it is an example of. */
  readonly schema: string
  /** Whether the client sends it (decoded closed, as a request is encoded) or reads it (open). */
  readonly direction: "request" | "response"
  readonly value: Json
}

/** Every example of a media type (`example` and `examples`, $refs followed), labelled by where it stands. */
const mediaExamples = (media: JsonObject, where: string): ReadonlyArray<{ where: string; value: Json }> => [
  ...("example" in media ? [{ where: `${where} example`, value: media.example }] : []),
  ...Object.entries(objectAt(media, "examples")).map(([name, example]) => {
    const resolved = deref(example)
    return {
      where: stringAt(example, "$ref")?.slice(2) ?? `${where} examples.${name}`,
      value: isObject(resolved) && "value" in resolved ? resolved.value : null,
    }
  }),
]

/** The schema and examples of a request body or response (`$ref`s followed). */
const mediaOf = (bodyOrResponse: Json, where: string) => {
  const media = objectAt(objectAt(deref(bodyOrResponse), "content"), "application/json")
  return { schema: schemaRefName(media.schema ?? null), examples: mediaExamples(media, where) }
}

/** The `example` a component schema carries inline, if any. */
const schemaExample = (name: string): ReadonlyArray<Json> => {
  const schema = specSchemas[name]
  return isObject(schema) && "example" in schema ? [schema.example] : []
}

/**
 * The examples of components/examples that nothing in the spec refers to,
 * and the schema each is an example of (by its content: `PricingScheduleUsage`
 * is a PricingSchedule, `RateCardBundle` a RateCard of type BUNDLE).
 */
const unreferencedExamples: Readonly<Record<string, string>> = {
  PricingScheduleUsage: "PricingSchedule",
  PricingScheduleBundle: "PricingSchedule",
  RateCardBundle: "RateCard",
  RateCardUsage: "RateCard",
}

/**
 * Every example of the spec: of each operation's request body and answers,
 * of components/requestBodies and components/responses (used or not), of
 * components/examples (referenced or not), and each component schema's
 * inline example, with each property's example checked in place inside it.
 */
const collectExamples = (): ReadonlyArray<Example> => {
  const examples = new Map<string, Example>()
  const add = (example: Example) => {
    const key = `${example.where} (${example.schema})`
    if (!examples.has(key)) examples.set(key, example)
  }
  const addMedia = (bodyOrResponse: Json, where: string, direction: Example["direction"]) => {
    const { schema, examples } = mediaOf(bodyOrResponse, where)
    if (schema === undefined) return
    for (const example of examples) add({ ...example, schema, direction })
  }
  for (const operation of specOperations) {
    addMedia(operation.node.requestBody ?? null, `${operation.operationId} request`, "request")
    for (const [status, response] of Object.entries(objectAt(operation.node, "responses"))) {
      addMedia(response, `${operation.operationId} ${status} response`, "response")
    }
  }
  const components = objectAt(spec, "components")
  for (const [name, body] of Object.entries(objectAt(components, "requestBodies"))) {
    addMedia(body, `components/requestBodies/${name}`, "request")
  }
  for (const [name, response] of Object.entries(objectAt(components, "responses"))) {
    addMedia(response, `components/responses/${name}`, "response")
  }
  const referenced = new Set([...examples.values()].map((example) => example.where))
  for (const name of Object.keys(objectAt(components, "examples"))) {
    const where = `components/examples/${name}`
    const schema = unreferencedExamples[name]
    if (referenced.has(where)) {
      assert.equal(schema, undefined, `${where} is referenced: it is no longer an unreferenced example`)
      continue
    }
    if (schema === undefined) throw new Error(`${where} is referenced by nothing: which schema is it an example of?`)
    const value = objectAt(objectAt(components, "examples"), name).value ?? null
    add({ where, schema, direction: requestSchemaNames.has(schema) ? "request" : "response", value })
  }
  for (const name of Object.keys(specSchemas)) {
    const direction = requestSchemaNames.has(name) ? "request" : "response"
    const [own] = schemaExample(name)
    if (own !== undefined) add({ where: `components/schemas/${name} example`, schema: name, direction, value: own })
    for (const [property, node] of Object.entries(objectAt(specSchemas[name], "properties"))) {
      if (!isObject(node) || !("example" in node)) continue
      // A property's example is checked in place, inside its schema's own example (every such schema has one).
      assert.ok(isObject(own), `${name} has property examples but no example of its own`)
      add({
        where: `components/schemas/${name}.${property} example`,
        schema: name,
        direction,
        value: { ...own, [property]: node.example },
      })
    }
  }
  return [...examples.values()]
}

const allExamples = collectExamples()

/**
 * Reads an example as the client would: what it reads (a response), decoded
 * open; what it sends (a request), decoded closed and encoded again, as it
 * would go over the wire. The problem, if any.
 */
const clientProblems = (example: Pick<Example, "schema" | "direction" | "value">): string | undefined => {
  const schema = requireSchema(example.schema)
  const options = { errors: "all", onExcessProperty: example.direction === "request" ? "error" : "ignore" } as const
  const decoded = Schema.decodeUnknownEither(schema, options)(example.value)
  if (Either.isLeft(decoded)) return oneLine(decoded.left)
  if (example.direction === "response") return undefined
  const encoded = Schema.encodeEither(schema, options)(decoded.right)
  return Either.isLeft(encoded) ? `we would not send it: ${oneLine(encoded.left)}` : undefined
}

/** A parse error's issues on one line, each at its path (an optional field's "Expected undefined" left out). */
const oneLine = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .filter((issue) => !issue.message.startsWith("Expected undefined, actual"))
    .map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`)
    .join("; ")

/** Where a body the server test uses came from. */
type BodySource = "a spec example" | "a spec example the spec rejects, read on purpose" | "generated from the spec"

const bodySources: Record<BodySource, Array<string>> = {
  "a spec example": [],
  "a spec example the spec rejects, read on purpose": [],
  "generated from the spec": [],
}

/**
 * A body for `schemaName` in `direction`: the first of the spec's
 * `candidates` that the spec (as the project reads it) accepts and the client
 * can read or send; for an answer, else the first the client reads anyway
 * (its inconsistency is listed, and read on purpose); else, when the spec
 * has no usable example at all, a value generated from the spec's schema
 * (seeded: the same on every run). Each use is counted by source.
 */
const bodyFor = (
  schemaName: string,
  direction: Example["direction"],
  candidates: ReadonlyArray<Json>,
  where: string,
): Json => {
  const usable = (value: Json) => clientProblems({ schema: schemaName, direction, value }) === undefined
  const valid = candidates.find((value) => specProblemsAsRead(schemaName, value).length === 0 && usable(value))
  if (valid !== undefined) {
    bodySources["a spec example"].push(where)
    return valid
  }
  const read = direction === "response" ? candidates.find(usable) : undefined
  if (read !== undefined) {
    bodySources["a spec example the spec rejects, read on purpose"].push(where)
    return read
  }
  const generated = FastCheck.sample(
    arbitraryFromSpec({ $ref: `#/components/schemas/${schemaName}` }, { extraFields: false }),
    { seed: 42, numRuns: 200 },
  ).find((value) => specProblemsAsRead(schemaName, value).length === 0 && usable(value))
  if (generated === undefined) throw new Error(`${where}: nothing usable for ${schemaName}, not even generated`)
  bodySources["generated from the spec"].push(where)
  return generated
}

// ---------------------------------------------------------------------------------------------------------------
// Statuses: every operation through `execute` and a loopback server, with input from the spec's examples.

/** The example text of a query parameter; the spec gives `statuses` and `aggregations` none. */
const queryExample = (operationId: string, parameter: JsonObject): string => {
  const example = parameterSchema(parameter).example
  if (typeof example === "string" || typeof example === "number") return String(example)
  // A value of the enum that the parameter filters by: EventSchema.status, UsageMeter.status and .aggregation.
  const filtered = operationId === "listEventSchemas" ? "EventSchema" : "UsageMeter"
  const field = parameter.name === "aggregations" ? "aggregation" : "status"
  const [value] = arrayAt(objectAt(objectAt(specSchemas[filtered], "properties"), field), "enum")
  if (typeof value !== "string") throw new Error(`${operationId}: no example for ${String(parameter.name)}`)
  return value
}

/** An operation's call as the spec's examples make it, and what should go over the wire for it. */
interface Call {
  readonly input: Input
  readonly rawPath: string
  readonly query: Readonly<Record<string, string>>
  readonly bodySchema: string | undefined
}

const callOf = (operationId: string): Call => {
  const endpoint = endpoints[operationId]
  const parameters = parametersOf(operationId)
  const pathValues = Object.fromEntries(
    parameters.filter((parameter) => parameter.in === "path").map((parameter) => {
      const example = parameterSchema(parameter).example
      if (typeof example !== "string") throw new Error(`${operationId}: ${String(parameter.name)} has no example`)
      return [stringAt(parameter, "name") ?? "", example]
    }),
  )
  const queryTexts = Object.fromEntries(
    parameters.filter((parameter) => parameter.in === "query").map((parameter) => [
      stringAt(parameter, "name") ?? "",
      queryExample(operationId, parameter),
    ]),
  )
  // Query options are what a caller passes: the example's text decoded by the option's own schema.
  const query = Object.fromEntries(
    Object.entries(endpoint.query).map((
      [option, [wire, schema]],
    ) => [option, Schema.decodeUnknownSync(schema)(queryTexts[wire])]),
  )
  const bodySchema = mediaSchemaName(specOperation(operationId).node.requestBody ?? null)
  let body: unknown = undefined
  if (endpoint.body !== undefined && bodySchema !== undefined) {
    const { examples } = mediaOf(specOperation(operationId).node.requestBody ?? null, "request")
    const candidates = [...examples.map((example) => example.value), ...schemaExample(bodySchema)]
    // The body a caller holds: the spec's example, decoded by our schema as a caller's own data would be.
    const json = bodyFor(bodySchema, "request", candidates, `${operationId} request`)
    body = Schema.decodeUnknownSync(endpoint.body, { onExcessProperty: "error" })(json)
  }
  return {
    input: { path: pathValues, query, body },
    rawPath: endpoint.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(pathValues[name])),
    query: queryTexts,
    bodySchema,
  }
}

/** A body of an operation's answer for `status`: the answer's own example, or its schema's (see {@link bodyFor}). */
const responseExample = (operationId: string, status: string): Json | undefined => {
  const { schema, examples } = mediaOf(responsesOf(operationId)[status], `${operationId} ${status} response`)
  if (schema === undefined) return undefined
  const candidates = [...examples.map((example) => example.value), ...schemaExample(schema)]
  return bodyFor(schema, "response", candidates, `${operationId} ${status}`)
}

/** An error body of the spec for `status`: that status's example, or the operation's `default` one. */
const errorExample = (operationId: string, status: string): Json => {
  const responses = responsesOf(operationId)
  const candidates = [status, "default"].flatMap((key) =>
    key in responses ? mediaOf(responses[key], key).examples.map((example) => example.value) : []
  )
  const valid = candidates.find((candidate) => specProblems("ErrorResponse", candidate).length === 0)
  if (valid === undefined) throw new Error(`${operationId} ${status}: the spec has no error example it accepts`)
  return valid
}

const tagOf = (error: unknown): string | undefined =>
  isObject(error) && typeof error._tag === "string" ? error._tag : undefined

Deno.test("each documented status of each operation maps to its value or its tag, through a real server", async (t) => {
  let answer: () => Response = () => new Response(null, { status: 500 })
  await using server = startServer(() => answer())
  let cases = 0
  let mapped = 0
  for (const operationId of specOperations.map((operation) => operation.operationId)) {
    await t.step(operationId, async () => {
      const endpoint = endpoints[operationId]
      const call = callOf(operationId)
      const send = () => run(execute(endpoint, call.input), server.url)

      // Each success status, with the spec's example body, decodes; the request is the spec's.
      for (const status of successStatuses(operationId)) {
        cases++
        const body = responseExample(operationId, status)
        answer = () => body === undefined ? new Response(null, { status: Number(status) }) : json(Number(status), body)
        const value = success(await send())
        const schema = endpoint.success[Number(status)]
        if (schema !== undefined) {
          assert.deepEqual(value, Schema.decodeUnknownSync(schema, { onExcessProperty: "ignore" })(body))
        }
        const request = server.requests[server.requests.length - 1]
        assert.equal(request.method, endpoint.method)
        assert.equal(request.rawPath, call.rawPath)
        assert.deepEqual(Object.fromEntries(request.query), call.query)
        if (call.bodySchema === undefined) assert.equal(request.body, "")
        else assert.deepEqual(specProblems(call.bodySchema, JSON.parse(request.body)), [], request.body)
        mapped++
      }

      // Each documented error status becomes its tag, with the status and the server's message.
      for (const status of errorStatuses(operationId)) {
        cases++
        const body = errorExample(operationId, String(status))
        answer = () => json(status, body)
        const error = failure(await send())
        assert.equal(tagOf(error), tagOfStatus[status] ?? "UnexpectedStatus", `${operationId} answered ${status}`)
        assert.ok(isObject(error))
        assert.equal(error.status, status)
        assert.equal(error.serverMessage, stringAt(body, "message"))
        mapped++
      }

      // Any other status is the spec's `default`: UnexpectedStatus. That includes a tagged status this operation
      // does not document (its error type does not name it), and a 2xx that is not its success.
      const undocumented2xx = [200, 201].find((status) => !successStatuses(operationId).includes(String(status)))
      const others = [
        ...Object.keys(tagOfStatus).map(Number).filter((status) => !errorStatuses(operationId).includes(status)),
        418,
        500,
        undocumented2xx ?? 299,
      ]
      for (const status of others) {
        cases++
        answer = () => json(status, errorExample(operationId, "default"))
        const error = failure(await send())
        assert.equal(tagOf(error), "UnexpectedStatus", `${operationId} answered ${status}`)
        assert.ok(isObject(error))
        assert.equal(error.status, status)
        mapped++
      }
    })
  }
  console.log(`statuses mapped: ${mapped}/${cases} (every documented status, and undocumented ones, of 38 operations)`)
  for (const [source, uses] of Object.entries(bodySources)) {
    console.log(`  bodies from ${source}: ${uses.length}${uses.length > 0 ? ` (${uses.join(", ")})` : ""}`)
  }
  assert.equal(mapped, cases)
})

// ---------------------------------------------------------------------------------------------------------------
// Examples: every example of the spec through the spec's schema and through ours.

/** One line of the report: where, what the spec's own schema says, and what we do with it. */
const inconsistency = (where: string, we: "decode it" | "reject it", ...problems: ReadonlyArray<string>): string =>
  `${where}: ${problems.join("; ")} -> we ${we}`

/**
 * The spec's examples that its own schemas reject. Each is a fact about the
 * spec, not about us; the note says why it is broken, and what the client
 * does with it (tools/overrides.ts: `brokenExamplesWhy`).
 */
const expectedSpecInconsistencies: ReadonlyArray<string> = [
  // Customers: every example writes a billingAddress shorter than the spec's minLength of 50. Sent, we keep the
  // spec's limit (we reject it); read, we accept any length (tools/overrides.ts corrections: Customer.billingAddress).
  // The paginated one also leaves out the required createdAt and updatedAt, and writes sortOrder in lower case.
  inconsistency(
    "components/examples/CustomerPaginatedResponse (CustomerPaginatedResponse)",
    "reject it",
    "/data/0 must have required property 'createdAt'",
    "/data/0 must have required property 'updatedAt'",
    "/data/0/billingAddress must NOT have fewer than 50 characters",
    "/context/sortOrder must be equal to one of the allowed values",
  ),
  inconsistency(
    "components/examples/CreateCustomerRequest (CreateCustomerRequest)",
    "reject it",
    "/billingAddress must NOT have fewer than 50 characters",
  ),
  inconsistency(
    "components/examples/UpdateCustomerRequest (UpdateCustomerRequest)",
    "reject it",
    "/billingAddress must NOT have fewer than 50 characters",
  ),
  inconsistency(
    "components/schemas/CreateCustomerRequest example (CreateCustomerRequest)",
    "reject it",
    "/billingAddress must NOT have fewer than 50 characters",
  ),
  inconsistency(
    "components/schemas/UpdateCustomerRequest example (UpdateCustomerRequest)",
    "reject it",
    "/billingAddress must NOT have fewer than 50 characters",
  ),
  inconsistency(
    "components/examples/Customer (Customer)",
    "decode it",
    "/billingAddress must NOT have fewer than 50 characters",
  ),
  inconsistency(
    "components/schemas/Customer example (Customer)",
    "decode it",
    "/billingAddress must NOT have fewer than 50 characters",
  ),
  inconsistency(
    "components/schemas/Customer.status example (Customer)",
    "decode it",
    "/billingAddress must NOT have fewer than 50 characters",
  ),
  inconsistency(
    "components/schemas/CreateCustomerResponse example (CreateCustomerResponse)",
    "decode it",
    "/billingAddress must NOT have fewer than 50 characters",
  ),
  inconsistency(
    "components/schemas/CustomerPaginatedResponse example (CustomerPaginatedResponse)",
    "decode it",
    "/data/0/billingAddress must NOT have fewer than 50 characters",
    "/data/1/billingAddress must NOT have fewer than 50 characters",
  ),
  // The same, and its account lacks the required status, and its aliases are one object, not an array.
  inconsistency(
    "components/examples/CreateCustomerResponse (CreateCustomerResponse)",
    "reject it",
    "/billingAddress must NOT have fewer than 50 characters",
    "/account must have required property 'status'",
    "/account/aliases must be array",
  ),
  // `- alias: +1234567890` is unquoted: YAML 1.2 reads the integer 1234567890, and an alias is a string. The
  // paginated one also writes sortOrder in lower case (we read it: a leniency below).
  inconsistency(
    "components/examples/AccountPaginatedResponse (AccountPaginatedResponse)",
    "reject it",
    "/data/0/aliases/1/alias must be string",
    "/context/sortOrder must be equal to one of the allowed values",
  ),
  inconsistency("components/examples/Account (Account)", "reject it", "/aliases/1/alias must be string"),
  inconsistency(
    "components/examples/AddAccountAliasesRequest (AddAccountAliasesRequest)",
    "reject it",
    "/aliases/1 must be string",
  ),
  inconsistency(
    "components/examples/RemoveAccountAliasesRequest (RemoveAccountAliasesRequest)",
    "reject it",
    "/aliases/1 must be string",
  ),
  // `override: null` (not nullable in OpenAPI 3.0; we read it as absent, a leniency below), date-times without an
  // offset (we read them as UTC, a leniency below), and a usageConfig entry without its required `name`, which we
  // do not invent.
  inconsistency(
    "components/examples/AssociatePricePlanResponse (AssociatePricePlanResponse)",
    "reject it",
    "/pricingSchedules/0/override must be object",
    '/pricingSchedules/0/startDate must match format "date-time"',
    '/pricingSchedules/0/endDate must match format "date-time"',
    "/pricingSchedules/1/override/usageConfig/rides - local must have required property 'name'",
    '/pricingSchedules/1/startDate must match format "date-time"',
    '/pricingSchedules/1/endDate must match format "date-time"',
  ),
  // EventSchemaListData's allOf, read literally (a closed EventSchema admits no associatedUsageMeters: see the
  // readings below), and sortOrder in lower case: we read both.
  inconsistency(
    "components/examples/EventSchemaListPaginatedResponse (EventSchemaListPaginatedResponse)",
    "decode it",
    "/data/0 must NOT have additional properties (associatedUsageMeters)",
    "/context/sortOrder must be equal to one of the allowed values",
  ),
  // The spec gives an EventSchema, a response with its version and status, as the example of the create and update
  // requests (whose name cannot be updated either); we would not send those fields.
  inconsistency(
    "components/examples/EventSchema (CreateEventSchemaRequest)",
    "reject it",
    "(root) must NOT have additional properties (version)",
    "(root) must NOT have additional properties (status)",
  ),
  inconsistency(
    "components/examples/EventSchema (UpdateEventSchemaRequest)",
    "reject it",
    "(root) must NOT have additional properties (name)",
    "(root) must NOT have additional properties (version)",
    "(root) must NOT have additional properties (status)",
  ),
  // A usage meter's computation written as a JSON-logic object where the spec says a string (we read both:
  // corrections UsageMeter.filters and .computation), and a version that UsageMeter does not declare (ignored).
  inconsistency(
    "components/examples/UsageMeterPaginatedResponse (UsageMeterPaginatedResponse)",
    "decode it",
    "/data/0 must NOT have additional properties (version)",
    "/data/0/computation must be string",
    "/context/sortOrder must be equal to one of the allowed values",
  ),
  inconsistency("components/examples/UsageMeter (UsageMeter)", "decode it", "/computation must be string"),
  // Price plans: the pricingCycle lacks the required startOffset (the examples write offsetDays instead), rate
  // cards' usageConfig entries and bundles lack their required name, date-times have no offset, the listed plan
  // writes billingType for the required pricingType and an unquoted dayOffset: 4 (an integer, not a string).
  inconsistency(
    "components/examples/PricePlanPaginatedResponse (PricePlanPaginatedResponse)",
    "reject it",
    "/data/0 must have required property 'pricingType'",
    "/data/0 must NOT have additional properties (billingType)",
    "/data/0/pricingCycle/startOffset/dayOffset must be string",
    '/data/0/createdAt must match format "date-time"',
    '/data/0/updatedAt must match format "date-time"',
  ),
  inconsistency(
    "components/examples/CreatePricePlanRequestUsage (CreatePricePlanRequest)",
    "reject it",
    "/pricingCycle must have required property 'startOffset'",
    "/rateCard/usageConfig/rides - local must have required property 'name'",
  ),
  inconsistency(
    "components/examples/CreatePricePlanRequestBundle (CreatePricePlanRequest)",
    "reject it",
    "/pricingCycle must have required property 'startOffset'",
    "/rateCard/bundleConfig/bundles/0 must have required property 'name'",
    "/rateCard/bundleConfig/bundles/1 must have required property 'name'",
    "/rateCard/bundleConfig/bundles/2 must have required property 'name'",
  ),
  inconsistency(
    "components/examples/PricePlan (PricePlan)",
    "reject it",
    "/pricingCycle must have required property 'startOffset'",
    "/pricingSchedule/0/ratePayload/usageConfig/rides - local must have required property 'name'",
    '/pricingSchedule/0/startDate must match format "date-time"',
    '/pricingSchedule/0/endDate must match format "date-time"',
    "/pricingSchedule/1/ratePayload/bundleConfig/bundles/0 must have required property 'name'",
    "/pricingSchedule/1/ratePayload/bundleConfig/bundles/1 must have required property 'name'",
    "/pricingSchedule/1/ratePayload/bundleConfig/bundles/2 must have required property 'name'",
    '/pricingSchedule/1/startDate must match format "date-time"',
    '/pricingSchedule/1/endDate must match format "date-time"',
  ),
  inconsistency(
    "components/examples/UpdatePricePlanRequest (UpdatePricePlanRequest)",
    "reject it",
    "/pricingCycle must have required property 'startOffset'",
  ),
  inconsistency(
    "components/examples/PricingScheduleUsage (PricingSchedule)",
    "reject it",
    "/ratePayload/usageConfig/rides - local must have required property 'name'",
    '/startDate must match format "date-time"',
    '/endDate must match format "date-time"',
  ),
  inconsistency(
    "components/examples/PricingScheduleBundle (PricingSchedule)",
    "reject it",
    "/ratePayload/bundleConfig/bundles/0 must have required property 'name'",
    "/ratePayload/bundleConfig/bundles/1 must have required property 'name'",
    "/ratePayload/bundleConfig/bundles/2 must have required property 'name'",
    '/startDate must match format "date-time"',
    '/endDate must match format "date-time"',
  ),
  inconsistency(
    "components/examples/RateCardBundle (RateCard)",
    "reject it",
    "/bundleConfig/bundles/0 must have required property 'name'",
    "/bundleConfig/bundles/1 must have required property 'name'",
    "/bundleConfig/bundles/2 must have required property 'name'",
  ),
  inconsistency(
    "components/examples/RateCardUsage (RateCard)",
    "reject it",
    "/usageConfig/rides - local must have required property 'name'",
  ),
  // Events: `attributeValue: 50` and `costCenterCode: 1234` are unquoted (integers, where the spec says strings), as
  // is one `accountId: 1`; timestamps have no offset; the ingestion status INGESTION_COMPLETED (or
  // INGESTION_COMPLETED_EVENT_NOT_BILLED) is none of IngestionStatus's enum; and the single event carries
  // eventPipelineInfo, which the literal allOf rejects (see the readings below).
  inconsistency(
    "components/examples/IngestEventRequest (IngestEventRequest)",
    "reject it",
    '/event/eventTimestamp must match format "date-time"',
    "/event/eventAttributes/0/attributeValue must be string",
    "/event/eventAttributes/1/attributeValue must be string",
    "/event/dimensions/costCenterCode must be string",
  ),
  inconsistency(
    "components/examples/IngestEventBatchRequest (IngestBatchEventRequest)",
    "reject it",
    '/events/0/eventTimestamp must match format "date-time"',
    "/events/0/eventAttributes/0/attributeValue must be string",
    "/events/0/eventAttributes/1/attributeValue must be string",
    "/events/0/dimensions/costCenterCode must be string",
    '/events/1/eventTimestamp must match format "date-time"',
    "/events/1/accountId must be string",
    "/events/1/eventAttributes/0/attributeValue must be string",
    "/events/1/eventAttributes/1/attributeValue must be string",
    "/events/1/dimensions/costCenterCode must be string",
  ),
  inconsistency(
    "components/examples/GetEventsResponse (GetEventsResponse)",
    "reject it",
    "/events/0/eventPayload/eventAttributes/0/attributeValue must be string",
    "/events/0/eventPayload/eventAttributes/1/attributeValue must be string",
    "/events/0/eventPayload/dimensions/costCenterCode must be string",
    "/events/0/ingestionStatus/status must be equal to one of the allowed values",
    "/events/1/eventPayload/eventAttributes/0/attributeValue must be string",
    "/events/1/eventPayload/eventAttributes/1/attributeValue must be string",
    "/events/1/eventPayload/dimensions/costCenterCode must be string",
    "/events/1/ingestionStatus/status must be equal to one of the allowed values",
  ),
  inconsistency(
    "components/examples/GetEventResponse (GetEventResponse)",
    "reject it",
    "/events/0 must NOT have additional properties (eventPipelineInfo)",
    "/events/0/eventPayload/eventAttributes/0/attributeValue must be string",
    "/events/0/eventPayload/eventAttributes/1/attributeValue must be string",
    "/events/0/eventPayload/dimensions/costCenterCode must be string",
    "/events/0/ingestionStatus/status must be equal to one of the allowed values",
  ),
  inconsistency(
    "components/schemas/GetEventsResponse example (GetEventsResponse)",
    "reject it",
    "/events/0/ingestionStatus/status must be equal to one of the allowed values",
    "/events/1/ingestionStatus/status must be equal to one of the allowed values",
    "/events/2/ingestionStatus/status must be equal to one of the allowed values",
    "/events/3/ingestionStatus/status must be equal to one of the allowed values",
    "/events/4/ingestionStatus/status must be equal to one of the allowed values",
  ),
  inconsistency(
    "components/schemas/GetEventsResponse.nextToken example (GetEventsResponse)",
    "reject it",
    "/events/0/ingestionStatus/status must be equal to one of the allowed values",
    "/events/1/ingestionStatus/status must be equal to one of the allowed values",
    "/events/2/ingestionStatus/status must be equal to one of the allowed values",
    "/events/3/ingestionStatus/status must be equal to one of the allowed values",
    "/events/4/ingestionStatus/status must be equal to one of the allowed values",
  ),
  inconsistency(
    "components/schemas/EventWithStatus example (EventWithStatus)",
    "reject it",
    "/ingestionStatus/status must be equal to one of the allowed values",
  ),
  inconsistency(
    "components/schemas/IngestionStatus example (IngestionStatus)",
    "reject it",
    "/status must be equal to one of the allowed values",
  ),
  inconsistency(
    "components/schemas/IngestionStatus.status example (IngestionStatus)",
    "reject it",
    "/status must be equal to one of the allowed values",
  ),
  inconsistency(
    "components/schemas/IngestionStatus.statusDescription example (IngestionStatus)",
    "reject it",
    "/status must be equal to one of the allowed values",
  ),
  // Metrics: the answer's data is one object where the spec says an array of data points.
  inconsistency(
    "components/examples/GetMetricsResponse (GetMetricsResponse)",
    "reject it",
    "/results/0/data must be array",
    "/results/1/data must be array",
  ),
  // Signup (no operation uses it): the email pattern admits no `@`, so john@example.com fails; the phone is unquoted.
  inconsistency(
    "components/examples/SignupRequest (SignupRequest)",
    "reject it",
    '/userDetails/email must match pattern "^[A-Za-z0-9_+]{8,100}$"',
    "/userDetails/phone must be string",
  ),
  // components/responses/GetMetricsResponse gives an ErrorResponse as its example.
  inconsistency(
    "components/responses/GetMetricsResponse examples.ErrorResponse (GetMetricsResponse)",
    "reject it",
    "(root) must have required property 'results'",
    "(root) must NOT have additional properties (message)",
  ),
  // CreateUsageMeterRequest's own example writes aggregation: DRAFT, a status, not COUNT or SUM.
  inconsistency(
    "components/schemas/CreateUsageMeterRequest example (CreateUsageMeterRequest)",
    "reject it",
    "/aggregation must be equal to one of the allowed values",
  ),
  inconsistency(
    "components/schemas/CreateUsageMeterRequest.type example (CreateUsageMeterRequest)",
    "reject it",
    "/aggregation must be equal to one of the allowed values",
  ),
  inconsistency(
    "components/schemas/CreateUsageMeterRequest.aggregation example (CreateUsageMeterRequest)",
    "reject it",
    "/aggregation must be equal to one of the allowed values",
  ),
  inconsistency(
    "components/schemas/CreateUsageMeterRequest.filters example (CreateUsageMeterRequest)",
    "reject it",
    "/aggregation must be equal to one of the allowed values",
  ),
  inconsistency(
    "components/schemas/CreateUsageMeterRequest.computation example (CreateUsageMeterRequest)",
    "reject it",
    "/aggregation must be equal to one of the allowed values",
  ),
  // Examples the spec's generator wrote with a placeholder: `null` for every item of a list of allOf schemas, and for
  // every MetricName (a $ref to an enum); and five identical attributes and dimensions where the spec says
  // uniqueItems (twice the same metric query, too).
  inconsistency(
    "components/schemas/EventSchemaListPaginatedResponse example (EventSchemaListPaginatedResponse)",
    "reject it",
    "/data/0 must be object",
    "/data/1 must be object",
  ),
  inconsistency(
    "components/schemas/GetEventResponse example (GetEventResponse)",
    "reject it",
    "/events/0 must be object",
    "/events/1 must be object",
  ),
  inconsistency(
    "components/schemas/GetMetricsRequest example (GetMetricsRequest)",
    "reject it",
    "/metricQueries/0/name must be string",
    "/metricQueries/0/name must be equal to one of the allowed values",
    "/metricQueries/1/name must be string",
    "/metricQueries/1/name must be equal to one of the allowed values",
    "/metricQueries must NOT have duplicate items (items ## 0 and 1 are identical)",
  ),
  inconsistency(
    "components/schemas/MetricQuery example (MetricQuery)",
    "reject it",
    "/name must be string",
    "/name must be equal to one of the allowed values",
  ),
  inconsistency(
    "components/schemas/GetMetricsResponse example (GetMetricsResponse)",
    "reject it",
    "/results/0/name must be string",
    "/results/0/name must be equal to one of the allowed values",
    "/results/1/name must be string",
    "/results/1/name must be equal to one of the allowed values",
  ),
  inconsistency(
    "components/schemas/MetricQueryResponse example (MetricQueryResponse)",
    "reject it",
    "/name must be string",
    "/name must be equal to one of the allowed values",
  ),
  inconsistency(
    "components/schemas/EventSchemaVersionsResponse example (EventSchemaVersionsResponse)",
    "reject it",
    "/data/0/attributes must NOT have duplicate items (items ## 3 and 4 are identical)",
    "/data/0/dimensions must NOT have duplicate items (items ## 3 and 4 are identical)",
    "/data/1/attributes must NOT have duplicate items (items ## 3 and 4 are identical)",
    "/data/1/dimensions must NOT have duplicate items (items ## 3 and 4 are identical)",
  ),
  inconsistency(
    "components/schemas/EventSchema example (EventSchema)",
    "reject it",
    "/attributes must NOT have duplicate items (items ## 3 and 4 are identical)",
    "/dimensions must NOT have duplicate items (items ## 3 and 4 are identical)",
  ),
  inconsistency(
    "components/schemas/EventSchema.version example (EventSchema)",
    "reject it",
    "/attributes must NOT have duplicate items (items ## 3 and 4 are identical)",
    "/dimensions must NOT have duplicate items (items ## 3 and 4 are identical)",
  ),
  inconsistency(
    "components/schemas/EventSchema.status example (EventSchema)",
    "reject it",
    "/attributes must NOT have duplicate items (items ## 3 and 4 are identical)",
    "/dimensions must NOT have duplicate items (items ## 3 and 4 are identical)",
  ),
]

/**
 * The spec's examples that its schemas accept and the client refuses, on
 * purpose, each with why.
 */
const expectedRefusals: ReadonlyArray<string> = [
  // UpdateUsageMeterRequest's example (and so each of its property examples, checked in place) writes filters that
  // are no JSON (a `"or": [...]` pair inside an array): the client refuses to send a JSON-logic rule that is not
  // JSON, as InvalidRequest (tools/overrides.ts: UpdateUsageMeterRequest.filters).
  ...["", ".type", ".aggregation", ".filters", ".computation"].map((property) =>
    `components/schemas/UpdateUsageMeterRequest${property} example (UpdateUsageMeterRequest): the spec accepts it, ` +
    "we do not: we would not send it: filters: Expected a JSON-logic rule as JSON text"
  ),
]

Deno.test("every example of the spec decodes with our schemas, or is a listed spec inconsistency", () => {
  const inconsistencies: Array<string> = []
  const mismatches: Array<string> = []
  let decoded = 0
  for (const example of allExamples) {
    const specSays = specProblems(example.schema, example.value)
    const ours = clientProblems(example)
    if (ours === undefined) decoded++
    if (specSays.length === 0) {
      if (ours !== undefined) {
        mismatches.push(`${example.where} (${example.schema}): the spec accepts it, we do not: ${ours}`)
      }
    } else {
      inconsistencies.push(
        `${example.where} (${example.schema}): ${specSays.join("; ")} -> we ${
          ours === undefined ? "decode it" : "reject it"
        }`,
      )
    }
  }
  console.log(
    `examples: ${allExamples.length} in the spec, ${decoded} decode with ours, ` +
      `${inconsistencies.length} violate the spec's own schema (listed), ` +
      `${mismatches.length} that the spec accepts and we refuse on purpose (listed)`,
  )
  for (const line of inconsistencies) console.log(`  spec inconsistency: ${line}`)
  for (const line of mismatches) console.log(`  refused: ${line}`)
  assert.deepEqual(mismatches, expectedRefusals)
  assert.deepEqual([...inconsistencies].sort(), [...expectedSpecInconsistencies].sort())
})

// ---------------------------------------------------------------------------------------------------------------
// Leniencies and readings: what the spec says and we read otherwise, each on purpose.

/** A field of an example of the spec, by path. */
const exampleAt = (ref: string, ...path: ReadonlyArray<string | number>): Json => {
  let node: Json = objectAt(resolveRef(ref), "value")
  for (const key of path) {
    node = Array.isArray(node) && typeof key === "number"
      ? node[key]
      : isObject(node) && typeof key === "string"
      ? node[key]
      : null
  }
  return node
}

const decodeResponse = <A, I>(schema: Schema.Schema<A, I>, value: unknown): A =>
  Schema.decodeUnknownSync(schema, { onExcessProperty: "ignore" })(value)

Deno.test("the deliberate response-side leniencies: what the spec rejects and we read, each on purpose", async (t) => {
  await t.step("unknown response fields are ignored (additionalProperties: false binds the server, not us)", () => {
    const [example] = schemaExample("Account")
    const withNewField = { ...(isObject(example) ? example : {}), createdAt: "2024-01-01T00:00:00Z" }
    assert.notDeepEqual(specProblems("Account", withNewField), [])
    assert.equal("createdAt" in decodeResponse(Schemas.Account, withNewField), false)
  })

  await t.step("PlanOverride.override accepts null, as the spec's own example sends it", () => {
    const schedule = exampleAt("#/components/examples/AssociatePricePlanResponse", "pricingSchedules", 0)
    assert.ok(specProblems("PlanOverride", schedule).includes("/override must be object"))
    assert.equal(decodeResponse(Schemas.PlanOverride, schedule).override, undefined)
  })

  await t.step("date-times without an offset, as in the spec's own example, read as UTC", () => {
    const schedule = exampleAt("#/components/examples/AssociatePricePlanResponse", "pricingSchedules", 0)
    assert.ok(specProblems("PlanOverride", schedule).includes('/startDate must match format "date-time"'))
    assert.equal(decodeResponse(Schemas.PlanOverride, schedule).startDate.epochMillis, Date.UTC(2022, 0, 1))
  })

  await t.step("PaginationOptions.sortOrder accepts lower case, as the spec's own example writes it", () => {
    const context = exampleAt("#/components/examples/AccountPaginatedResponse", "context")
    assert.deepEqual(specProblems("PaginationOptions", context), [
      "/sortOrder must be equal to one of the allowed values",
    ])
    assert.equal(decodeResponse(Schemas.PaginationOptions, context).sortOrder, "ASC")
  })
})

Deno.test("the spec's readings (tests/support/spec.ts): each is needed, and ours agrees with it", async (t) => {
  const changed = Object.keys(specSchemas).filter((name) =>
    JSON.stringify(specSchemas[name]) !== JSON.stringify(specSchemasAsRead[name])
  )
  assert.deepEqual(changed.sort(), Object.keys(readings).sort())

  // EventSchema's own example repeats its attributes and dimensions (a listed inconsistency): one of each.
  const [eventSchema] = schemaExample("EventSchema")
  const listData = {
    ...(isObject(eventSchema) ? eventSchema : {}),
    attributes: arrayAt(eventSchema, "attributes").slice(0, 1),
    dimensions: arrayAt(eventSchema, "dimensions").slice(0, 1),
    associatedUsageMeters: ["rides"],
  }
  const [eventWithStatus] = schemaExample("EventWithStatus")
  const pipelineInfo = { eventSchema: { name: "rides", version: 1 }, usageMeters: [] }
  const withPipelineInfo = { ...(isObject(eventWithStatus) ? eventWithStatus : {}), eventPipelineInfo: pipelineInfo }
  // The example's status INGESTION_COMPLETED is not of the enum (a listed inconsistency): use one that is.
  const validStatus = { ...withPipelineInfo, ingestionStatus: { status: "INGESTION_COMPLETED_EVENT_METERED" } }

  await t.step(
    "EventSchemaListData: literally, the allOf of a closed EventSchema admits no associatedUsageMeters",
    () => {
      assert.ok(
        specProblems("EventSchemaListData", listData).some((problem) =>
          problem.startsWith("(root) must NOT have additional properties")
        ),
      )
      assert.deepEqual(specProblemsAsRead("EventSchemaListData", listData), [])
      assert.deepEqual(decodeResponse(Schemas.EventSchemaListData, listData).associatedUsageMeters, ["rides"])
    },
  )

  await t.step("EventWithStatusAndEventPipelineInfo: literally, nothing satisfies both parts of its allOf", () => {
    assert.ok(
      specProblems("EventWithStatusAndEventPipelineInfo", validStatus).some((problem) =>
        problem.startsWith("(root) must NOT have additional properties")
      ),
    )
    const { eventPipelineInfo: _, ...withoutIt } = validStatus
    assert.ok(
      specProblems("EventWithStatusAndEventPipelineInfo", withoutIt).includes(
        "(root) must have required property 'eventPipelineInfo'",
      ),
    )
    assert.deepEqual(specProblemsAsRead("EventWithStatusAndEventPipelineInfo", validStatus), [])
    assert.deepEqual(
      decodeResponse(Schemas.EventWithStatusAndEventPipelineInfo, validStatus).eventPipelineInfo,
      pipelineInfo,
    )
  })

  await t.step("EventWithStatusAndEventPipelineInfo_allOf: literally, eventPipelineInfo may be anything", () => {
    const anything = { eventPipelineInfo: 42 }
    assert.deepEqual(specProblems("EventWithStatusAndEventPipelineInfo_allOf", anything), [])
    assert.ok(specProblemsAsRead("EventWithStatusAndEventPipelineInfo_allOf", anything).length > 0)
    assert.ok(Either.isLeft(Schema.decodeUnknownEither(Schemas.EventWithStatusAndEventPipelineInfoAllOf)(anything)))
  })
})

// ---------------------------------------------------------------------------------------------------------------
// Constraints: the spec's schema beside `JSONSchema.make` of ours (the encoded side, as it goes over the wire).

/** The keywords compared one to one; `minItems: 0` is the same as none, `uniqueItems: false` as none. */
const comparedKeywords = [
  "type",
  "format",
  "pattern",
  "maxLength",
  "minLength",
  "maxItems",
  "minItems",
  "uniqueItems",
  "minimum",
  "maximum",
]

/** OpenAPI's numeric formats only restate the type (and JSON numbers are doubles). */
const numericFormats = new Set(["double", "int32", "int64"])

/** Our JSON Schema node with its `$ref` into `$defs` merged in (Effect puts refinements beside the `$ref`). */
const derefOurs = (node: JsonObject, defs: JsonObject): JsonObject => {
  const ref = stringAt(node, "$ref")
  if (ref === undefined) return node
  const { $ref: _, ...siblings } = node
  return { ...derefOurs(objectAt(defs, ref.replace("#/$defs/", "")), defs), ...siblings }
}

const ourRefName = (node: JsonObject): string | undefined => stringAt(node, "$ref")?.replace("#/$defs/", "")

const normalise = (keyword: string, value: Json | undefined): Json | undefined =>
  (keyword === "minItems" && value === 0) || (keyword === "uniqueItems" && value === false) ? undefined : value

/** `additionalProperties` as a JSON Schema means it: closed, open (absent, `true`, or a schema of anything), or a schema. */
const additionalOf = (node: JsonObject): "closed" | "open" | JsonObject => {
  const additional = node.additionalProperties
  if (additional === false) return "closed"
  if (!isObject(additional)) return "open"
  // Effect writes `unknown` as { $id: "/schemas/unknown", title: "unknown" }: a schema that accepts anything.
  const constraining = Object.keys(additional).filter((key) => !["$id", "title", "description"].includes(key))
  return constraining.length === 0 ? "open" : additional
}

/** An `allOf` of the spec as one object, literally: its parts' properties and required fields together. */
const mergeAllOf = (node: JsonObject, path: string, out: Array<string>): JsonObject => {
  const parts = arrayAt(node, "allOf")
  if (parts.length === 0) return node
  const names = parts.map((part) => schemaRefName(part) ?? "an inline schema")
  out.push(`${path}: an allOf of ${names.join(" and ")} in the spec, one object in ours`)
  const resolved = parts.map(deref).filter(isObject)
  return {
    type: "object",
    properties: Object.assign({}, ...resolved.map((part) => objectAt(part, "properties"))),
    required: [...new Set(resolved.flatMap((part) => arrayAt(part, "required")))],
    ...(resolved.some((part) => part.additionalProperties === false) ? { additionalProperties: false } : {}),
  }
}

/**
 * Walks the spec's schema and ours side by side and describes every
 * difference. A reference to another named schema is compared by name
 * only: that schema is walked from its own root.
 */
const compareSchemas = (spec: Json, ours: JsonObject, defs: JsonObject, path: string, out: Array<string>): void => {
  // An `anyOf` of ours is ours accepting more than the spec: the branch of the spec's type is compared, and each
  // other branch is a difference (`[X, null]`: ours also accepts null).
  const anyOf = arrayAt(derefOurs(ours, defs), "anyOf").filter(isObject)
  if (anyOf.length > 0) {
    const specNode = deref(spec)
    const specType = schemaRefName(spec) !== undefined ? "object" : stringAt(specNode, "type")
    const typeOf = (branch: JsonObject) => stringAt(derefOurs(branch, defs), "type")
    const matching = anyOf.filter((branch) => typeOf(branch) === specType)
    if (matching.length !== 1) {
      out.push(`${path}: ours is an anyOf the walk does not understand`)
      return
    }
    for (const branch of anyOf) {
      if (branch !== matching[0]) out.push(`${path}: ours also accepts ${typeOf(branch) ?? "another schema"}`)
    }
    compareSchemas(spec, matching[0], defs, path, out)
    return
  }
  const specName = schemaRefName(spec)
  if (specName !== undefined) {
    const ourName = ourRefName(ours)
    if (ourName !== specName) {
      out.push(`${path}: the spec refers to ${specName}, ours to ${ourName ?? "an inline schema"}`)
    }
    return
  }
  const literal = deref(spec)
  if (!isObject(literal)) throw new Error(`${path}: not a schema`)
  const s = mergeAllOf(literal, path, out)
  const o = derefOurs(ours, defs)
  for (const keyword of comparedKeywords) {
    const specValue = normalise(keyword, s[keyword])
    const ourValue = normalise(keyword, o[keyword])
    if (JSON.stringify(specValue) !== JSON.stringify(ourValue)) {
      if (keyword === "format" && typeof specValue === "string" && numericFormats.has(specValue)) {
        if (ourValue === undefined) continue
      }
      out.push(`${path}: ${keyword} is ${JSON.stringify(specValue)} in the spec, ${JSON.stringify(ourValue)} in ours`)
    }
  }
  const specEnum = arrayAt(s, "enum").map(String).sort()
  const ourEnum = arrayAt(o, "enum").map(String).sort()
  if (JSON.stringify(specEnum) !== JSON.stringify(ourEnum)) {
    out.push(`${path}: enum is ${specEnum.join("|") || "-"} in the spec, ${ourEnum.join("|") || "-"} in ours`)
  }
  if (s.type === "object") {
    const specRequired = arrayAt(s, "required").map(String).sort()
    const ourRequired = arrayAt(o, "required").map(String).sort()
    if (JSON.stringify(specRequired) !== JSON.stringify(ourRequired)) {
      out.push(`${path}: required is [${specRequired}] in the spec, [${ourRequired}] in ours`)
    }
    const specProperties = objectAt(s, "properties")
    const ourProperties = objectAt(o, "properties")
    for (const name of new Set([...Object.keys(specProperties), ...Object.keys(ourProperties)])) {
      const ourProperty = ourProperties[name]
      if (!(name in specProperties)) out.push(`${path}.${name}: ours only`)
      else if (!isObject(ourProperty)) out.push(`${path}.${name}: the spec's only`)
      else compareSchemas(specProperties[name], ourProperty, defs, `${path}.${name}`, out)
    }
    const specAdditional = additionalOf(s)
    const ourAdditional = additionalOf(o)
    if (isObject(specAdditional) && isObject(ourAdditional)) {
      compareSchemas(specAdditional, ourAdditional, defs, `${path}[*]`, out)
    } else if (isObject(specAdditional) || isObject(ourAdditional)) {
      out.push(`${path}: additionalProperties is a schema on one side only`)
    } else if (specAdditional !== ourAdditional) {
      out.push(`${path}: additionalProperties is ${specAdditional} in the spec, ${ourAdditional} in ours`)
    }
  }
  if (s.type === "array") {
    compareSchemas(s.items ?? {}, objectAt(o, "items"), defs, `${path}[]`, out)
  }
}

/** Every difference between the spec's constraints and the JSON Schema of ours. */
const constraintDifferences = (): ReadonlyArray<string> => {
  const differences: Array<string> = []
  for (const name of Object.keys(specSchemas)) {
    // Through JSON, as any JSON Schema tool would read it.
    const ours: unknown = JSON.parse(JSON.stringify(JSONSchema.make(requireSchema(name))))
    if (!isObject(ours)) throw new Error(`JSONSchema.make(${name}) is not an object`)
    compareSchemas(specSchemas[name], ours, objectAt(ours, "$defs"), name, differences)
  }
  return differences
}

/**
 * Every difference between the spec's constraints and ours that is on
 * purpose, each with its reason (tools/overrides.ts). A new one, or one that
 * goes away, fails the test.
 */
const expectedConstraintDifferences: ReadonlyArray<string> = [
  // Request objects are closed when we send them (an unknown field is InvalidRequest); the spec leaves these open.
  "AccountAliases: additionalProperties is open in the spec, closed in ours",
  "BundleStrategy: additionalProperties is open in the spec, closed in ours",
  "BundleStrategy_usageMeters_value: additionalProperties is open in the spec, closed in ours",
  "EventSchemaListData_allOf: additionalProperties is open in the spec, closed in ours",
  "EventWithStatusAndEventPipelineInfo_allOf: additionalProperties is open in the spec, closed in ours",
  "MetricDataPointsGroupedBy: additionalProperties is open in the spec, closed in ours",
  "PricingCycle: additionalProperties is open in the spec, closed in ours",
  "PricingCycle_startOffset: additionalProperties is open in the spec, closed in ours",
  "RateCard: additionalProperties is open in the spec, closed in ours",
  "RateCardBundle: additionalProperties is open in the spec, closed in ours",
  "RateCardUsage_value: additionalProperties is open in the spec, closed in ours",
  "StatusResponse: additionalProperties is open in the spec, closed in ours",
  "UsageStrategy: additionalProperties is open in the spec, closed in ours",
  // tools/overrides.ts: the spec's own examples answer a 23-character address; minLength binds what a client sends
  "CreateCustomerResponse.billingAddress: minLength is 50 in the spec, undefined in ours",
  // tools/overrides.ts: the spec's own examples answer a 23-character address; minLength binds what a client sends
  "Customer.billingAddress: minLength is 50 in the spec, undefined in ours",
  // the generator merges an allOf into one object, as the spec means it (a literal allOf of closed parts admits nothing)
  "EventSchemaListData: an allOf of EventSchema and EventSchemaListData_allOf in the spec, one object in ours",
  // tools/overrides.ts: answers may carry a rule as an object, as the spec's own examples do
  "UsageMeter.filters: ours also accepts object",
  // tools/overrides.ts: answers may carry a rule as an object, as the spec's own examples do
  "UsageMeter.computation: ours also accepts object",
  // the spec's own examples write the sort order in lower case
  "PaginationOptions.sortOrder: enum is ASC|DESC in the spec, ASC|DESC|asc|desc in ours",
  // the spec's own example sends override: null
  "PlanOverride.override: ours also accepts null",
  // tools/overrides.ts: the idempotency key is never empty
  "Event.id: minLength is undefined in the spec, 1 in ours",
  // tools/overrides.ts: an empty page is an answer, not a DecodeError
  "GetEventsResponse.events: minItems is 1 in the spec, undefined in ours",
  // the generator merges an allOf into one object, as the spec means it (a literal allOf of closed parts admits nothing)
  "EventWithStatusAndEventPipelineInfo: an allOf of EventWithStatus and EventWithStatusAndEventPipelineInfo_allOf in the spec, one object in ours",
  // tools/overrides.ts: the required eventPipelineInfo is declared as EventPipelineInfo; the lower-case name is the one that can be both
  "EventWithStatusAndEventPipelineInfo.EventPipelineInfo: the spec's only",
  // tools/overrides.ts: the required eventPipelineInfo is declared as EventPipelineInfo; the lower-case name is the one that can be both
  "EventWithStatusAndEventPipelineInfo.eventPipelineInfo: ours only",
  // tools/overrides.ts: at most five queries a request, and at least one
  "GetMetricsRequest.metricQueries: maxItems is undefined in the spec, 5 in ours",
  // tools/overrides.ts: at most five queries a request, and at least one
  "GetMetricsRequest.metricQueries: minItems is undefined in the spec, 1 in ours",
  // the generator merges an allOf into one object, as the spec means it (a literal allOf of closed parts admits nothing)
  "EventWithStatusAndEventPipelineInfo_allOf.EventPipelineInfo: the spec's only",
  // the generator merges an allOf into one object, as the spec means it (a literal allOf of closed parts admits nothing)
  "EventWithStatusAndEventPipelineInfo_allOf.eventPipelineInfo: ours only",
  // tools/overrides.ts: the required eventPipelineInfo is declared as EventPipelineInfo; the lower-case name is the one that can be both
  'EventPipelineInfo_pricePlans_inner.id: format is "uuid" in the spec, undefined in ours',
]

/**
 * Differences that are not a choice of tools/overrides.ts: defects of the
 * generated (or hand-written) schemas, reported to the generator's owner.
 * Listed so that the test stays an exact account; remove a line when its
 * defect is fixed (the test then fails until it is).
 */
const reportedConstraintDefects: ReadonlyArray<string> = []

Deno.test("required fields, enums, lengths, bounds and additionalProperties agree with the spec", () => {
  const differences = constraintDifferences()
  const deliberate = new Set(expectedConstraintDifferences)
  const reported = new Set(reportedConstraintDefects)
  console.log(
    `constraint differences: ${differences.length} over ${exportedSchemas.size} schemas, ` +
      `${differences.filter((line) => deliberate.has(line)).length} deliberate, ` +
      `${differences.filter((line) => reported.has(line)).length} reported defects`,
  )
  for (const line of differences) {
    console.log(`  ${deliberate.has(line) ? "deliberate" : reported.has(line) ? "DEFECT" : "UNEXPECTED"}: ${line}`)
  }
  assert.deepEqual([...differences].sort(), [...expectedConstraintDifferences, ...reportedConstraintDefects].sort())
})

Deno.test("the constraint walk notices a changed constraint", () => {
  const tooShortId = Schema.Struct({
    id: Schema.String.pipe(Schema.maxLength(49)),
    name: Schema.String.pipe(Schema.minLength(3), Schema.maxLength(255)),
    status: Schema.Literal("ACTIVE"),
  })
  const ours: unknown = JSON.parse(JSON.stringify(JSONSchema.make(tooShortId)))
  assert.ok(isObject(ours))
  const differences: Array<string> = []
  compareSchemas(specSchemas.Account, ours, objectAt(ours, "$defs"), "Account", differences)
  assert.deepEqual(differences, [
    "Account.id: maxLength is 50 in the spec, 49 in ours",
    "Account.aliases: the spec's only",
    "Account.status: enum is ACTIVE|ARCHIVED in the spec, ACTIVE in ours",
  ])
})

// ---------------------------------------------------------------------------------------------------------------
// Parameters: the spec's examples of path and query parameters are what our table accepts.

Deno.test("every parameter example of the spec is valid for the spec and for our table", () => {
  const problems: Array<string> = []
  let checked = 0
  for (const { operationId } of specOperations) {
    const endpoint = endpoints[operationId]
    for (const parameter of parametersOf(operationId)) {
      const schema = parameterSchema(parameter)
      if (!("example" in schema)) continue
      checked++
      const name = stringAt(parameter, "name") ?? ""
      if (!nodeAccepts(schema, schema.example)) problems.push(`${operationId} ${name}: the spec rejects its example`)
      const input: Input = parameter.in === "path"
        ? { path: { ...callOf(operationId).input.path, [name]: String(schema.example) } }
        : { query: { [camel(name)]: Schema.decodeUnknownSync(endpoint.query[camel(name)][1])(String(schema.example)) } }
      const encoded = parameter.in === "path" ? endpoint.encodePath(input.path) : endpoint.encodeQuery(input.query)
      if (Either.isLeft(encoded)) {
        problems.push(`${operationId} ${name}: ours rejects ${JSON.stringify(schema.example)}`)
      }
    }
  }
  console.log(`parameter examples: ${checked}, valid for the spec and ours: ${checked - problems.length}`)
  assert.deepEqual(problems, [])
})
