/**
 * The eight event schema operations and the event schema stream against a
 * real HTTP server on loopback that records what it received: the exact
 * request bytes (query filters, `version`), the decoded answers, input
 * refused before sending, and every documented error status mapped to its
 * tag.
 */
import assert from "node:assert/strict"
import * as Chunk from "effect/Chunk"
import type * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { Togai, TogaiError } from "../mod.ts"
import * as EventSchemas from "../src/EventSchemas.ts"
import { json, type Recorded, startServer } from "./support/server.ts"
import { checkStatusTags } from "./support/statuses.ts"
import { failure, run, success, token } from "./support/run.ts"

const eventSchema = {
  name: "ride_completed",
  description: "Cab ride completed",
  version: 2,
  status: "ACTIVE",
  attributes: [{ name: "distance", default_unit: "km" }, { name: "time" }],
  dimensions: [{ name: "city" }, { name: "ride_type" }],
  createdAt: "2024-03-01T10:00:00Z",
  updatedAt: "2024-03-02T10:00:00.250Z",
}

const schemaBody = {
  name: "ride_completed",
  description: "Cab ride completed",
  attributes: [{ name: "distance", default_unit: "km" }, { name: "time" }],
  dimensions: [{ name: "city" }, { name: "ride_type" }],
}

/** Checks one recorded request: method, raw path, the whole query, and a JSON body with its Content-Type or none. */
const expectRequest = (
  request: Recorded,
  expected: {
    readonly method: string
    readonly rawPath: string
    readonly query?: Readonly<Record<string, string>>
    readonly body?: unknown
  },
) => {
  assert.equal(request.method, expected.method)
  assert.equal(request.rawPath, expected.rawPath)
  const sorted = (entries: Iterable<[string, string]>) => [...entries].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
  assert.deepEqual(sorted(request.query), sorted(Object.entries(expected.query ?? {})))
  assert.equal(request.headers.get("authorization"), `Bearer ${token}`)
  assert.equal(request.headers.get("accept"), "application/json")
  if (expected.body === undefined) {
    assert.equal(request.headers.get("content-type"), null, "no Content-Type without a body")
    assert.equal(request.body, "")
  } else {
    assert.equal(request.headers.get("content-type"), "application/json")
    assert.deepEqual(JSON.parse(request.body), expected.body)
  }
}

Deno.test("listEventSchemas sends statuses, sortOrder and paging as query strings and decodes the page", async () => {
  const page = {
    data: [{ ...eventSchema, associatedUsageMeters: ["Rides", "Distance"] }],
    nextToken: "tok2",
    context: { pageSize: 5, sortOrder: "desc" },
  }
  await using server = startServer(() => json(200, page))
  const result = success(
    await run(
      EventSchemas.listEventSchemas({
        statuses: ["DRAFT", "ACTIVE"],
        sortOrder: "DESC",
        pageSize: 5,
        nextToken: "tok1",
      }),
      server.url,
    ),
  )
  expectRequest(server.requests[0], {
    method: "GET",
    rawPath: "/event_schema",
    query: { statuses: "DRAFT,ACTIVE", sortOrder: "DESC", pageSize: "5", nextToken: "tok1" },
  })
  assert.equal(result.nextToken, "tok2")
  assert.deepEqual(result.context, { pageSize: 5, sortOrder: "DESC" })
  const [first] = result.data ?? []
  assert.equal(first.name, "ride_completed")
  assert.equal(first.version, 2)
  assert.deepEqual(first.associatedUsageMeters, ["Rides", "Distance"])
  assert.equal(first.createdAt?.epochMillis, Date.UTC(2024, 2, 1, 10))
  assert.equal(first.updatedAt?.epochMillis, Date.UTC(2024, 2, 2, 10, 0, 0, 250))

  success(await run(EventSchemas.listEventSchemas(), server.url))
  expectRequest(server.requests[1], { method: "GET", rawPath: "/event_schema" })
})

Deno.test("createEventSchema sends POST /event_schema with the JSON body and decodes the 201 answer", async () => {
  await using server = startServer(() => json(201, { ...eventSchema, version: 1, status: "DRAFT" }))
  const result = success(await run(EventSchemas.createEventSchema(schemaBody), server.url))
  expectRequest(server.requests[0], { method: "POST", rawPath: "/event_schema", body: schemaBody })
  assert.equal(result.status, "DRAFT")
  assert.equal(result.version, 1)
  assert.deepEqual(result.attributes, schemaBody.attributes)
  assert.equal(result.createdAt?.epochMillis, Date.UTC(2024, 2, 1, 10))

  await using ok = startServer(() => json(200, eventSchema))
  const error = failure(await run(EventSchemas.createEventSchema(schemaBody), ok.url))
  assert.ok(error._tag === "UnexpectedStatus" && error.status === 200, "create answers 201 per the spec")
})

Deno.test("getEventSchema sends GET, with version=2 only when asked, and decodes the schema", async () => {
  await using server = startServer(() => json(200, eventSchema))
  const latest = success(await run(EventSchemas.getEventSchema("ride_completed"), server.url))
  const second = success(await run(EventSchemas.getEventSchema("ride_completed", { version: 2 }), server.url))
  expectRequest(server.requests[0], { method: "GET", rawPath: "/event_schema/ride_completed" })
  expectRequest(server.requests[1], { method: "GET", rawPath: "/event_schema/ride_completed", query: { version: "2" } })
  assert.equal(latest.name, "ride_completed")
  assert.equal(second.version, 2)
  assert.equal(second.updatedAt?.epochMillis, Date.UTC(2024, 2, 2, 10, 0, 0, 250))
})

Deno.test("updateEventSchema sends PATCH with the new attributes and dimensions", async () => {
  await using server = startServer(() => json(200, { ...eventSchema, version: 3 }))
  const body = { attributes: [{ name: "distance" }], dimensions: [{ name: "city" }] }
  const result = success(await run(EventSchemas.updateEventSchema("ride_completed", body), server.url))
  expectRequest(server.requests[0], { method: "PATCH", rawPath: "/event_schema/ride_completed", body })
  assert.equal(result.version, 3)
})

Deno.test("deleteEventSchema sends DELETE without a body and decodes the success response", async () => {
  await using server = startServer(() => json(200, { success: true }))
  const result = success(await run(EventSchemas.deleteEventSchema("ride_completed"), server.url))
  expectRequest(server.requests[0], { method: "DELETE", rawPath: "/event_schema/ride_completed" })
  assert.deepEqual(result, { success: true })
})

Deno.test("listEventSchemaVersions sends GET .../versions and decodes every version", async () => {
  const versions = {
    data: [
      { ...eventSchema, version: 1, status: "ARCHIVED", createdAt: "2024-01-01T00:00:00" },
      { ...eventSchema, version: 2 },
    ],
  }
  await using server = startServer(() => json(200, versions))
  const result = success(await run(EventSchemas.listEventSchemaVersions("ride_completed"), server.url))
  expectRequest(server.requests[0], { method: "GET", rawPath: "/event_schema/ride_completed/versions" })
  assert.deepEqual(result.data.map((schema) => [schema.version, schema.status]), [[1, "ARCHIVED"], [2, "ACTIVE"]])
  assert.equal(result.data[0].createdAt?.epochMillis, Date.UTC(2024, 0, 1), "a date-time without an offset is UTC")
})

Deno.test("activateEventSchema and deactivateEventSchema POST to their own paths without a body", async () => {
  let status = "ACTIVE"
  await using server = startServer(() => json(200, { ...eventSchema, status }))
  const active = success(await run(EventSchemas.activateEventSchema("ride_completed"), server.url))
  status = "INACTIVE"
  const inactive = success(await run(EventSchemas.deactivateEventSchema("ride_completed"), server.url))
  expectRequest(server.requests[0], { method: "POST", rawPath: "/event_schema/ride_completed/activate" })
  expectRequest(server.requests[1], { method: "POST", rawPath: "/event_schema/ride_completed/deactivate" })
  assert.equal(active.status, "ACTIVE")
  assert.equal(inactive.status, "INACTIVE")
  assert.equal(active.createdAt?.epochMillis, Date.UTC(2024, 2, 1, 10))
  assert.equal(inactive.updatedAt?.epochMillis, Date.UTC(2024, 2, 2, 10, 0, 0, 250))
})

Deno.test("an event schema name is percent-encoded as exactly one path segment", async () => {
  await using server = startServer(() => json(200, eventSchema))
  success(await run(EventSchemas.getEventSchema("rides/v2?x#y"), server.url))
  success(await run(EventSchemas.activateEventSchema("ride completed"), server.url))
  assert.equal(server.requests[0].rawPath, "/event_schema/rides%2Fv2%3Fx%23y")
  assert.equal([...server.requests[0].query].length, 0)
  assert.equal(server.requests[1].rawPath, "/event_schema/ride%20completed/activate")
})

/** A server that pages `names` two at a time; the last page carries `lastToken` (absent when undefined). */
const pagingServer = (names: ReadonlyArray<string>, lastToken: string | undefined) =>
  startServer((request) => {
    const start = Number((request.query.get("nextToken") ?? "page-0").slice("page-".length))
    const data = names.slice(start, start + 2).map((name) => ({ ...eventSchema, name }))
    const nextToken = start + 2 < names.length ? `page-${start + 2}` : lastToken
    return json(200, nextToken === undefined ? { data } : { data, nextToken })
  })

Deno.test("EventSchemas.stream follows nextToken over every page, keeping the filters, and stops at the last", async (t) => {
  const names = ["a", "b", "c", "d", "e", "f"]
  for (const [label, lastToken] of [["no nextToken", undefined], ["an empty nextToken", ""]] as const) {
    await t.step(`the last page has ${label}`, async () => {
      await using server = pagingServer(names, lastToken)
      const all = success(
        await run(
          Stream.runCollect(EventSchemas.stream({ statuses: ["ACTIVE", "INACTIVE"], sortOrder: "ASC", pageSize: 2 })),
          server.url,
        ),
      )
      assert.deepEqual(Chunk.toReadonlyArray(all).map((schema) => schema.name), names)
      assert.equal(Chunk.unsafeGet(all, 5).createdAt?.epochMillis, Date.UTC(2024, 2, 1, 10))
      assert.deepEqual(server.requests.map((r) => r.query.get("nextToken")), [null, "page-2", "page-4"])
      for (const request of server.requests) {
        const nextToken = request.query.get("nextToken")
        expectRequest(request, {
          method: "GET",
          rawPath: "/event_schema",
          query: {
            statuses: "ACTIVE,INACTIVE",
            sortOrder: "ASC",
            pageSize: "2",
            ...(nextToken === null ? {} : { nextToken }),
          },
        })
      }
    })
  }
})

Deno.test("EventSchemas.stream surfaces a page's error as its tag", async () => {
  await using server = startServer((request) =>
    request.query.has("nextToken")
      ? json(429, { message: "slow down" }, { "retry-after": "3" })
      : json(200, { data: [eventSchema], nextToken: "next" })
  )
  const error = failure(await run(Stream.runCollect(EventSchemas.stream()), server.url))
  assert.ok(error._tag === "RateLimited" && error.serverMessage === "slow down")
  assert.equal(error.operation, "listEventSchemas")
  assert.equal(server.requests.length, 2)
})

Deno.test("input that breaks the contract fails as InvalidRequest naming the field, and sends nothing", async (t) => {
  const cases: ReadonlyArray<
    readonly [string, Effect.Effect<unknown, TogaiError.TogaiError, Togai.Requirements>, RegExp]
  > = [
    [
      "a version of 0",
      EventSchemas.getEventSchema("ride_completed", { version: 0 }),
      /version: Expected a number greater than or equal to 1/,
    ],
    [
      "a version of 1.5",
      EventSchemas.getEventSchema("ride_completed", { version: 1.5 }),
      /version: Expected an integer/,
    ],
    ["no statuses", EventSchemas.listEventSchemas({ statuses: [] }), /statuses: Expected an array of at least 1/],
    [
      "an unknown status",
      EventSchemas.listEventSchemas({ statuses: ["DELETED"] as unknown as ReadonlyArray<"DRAFT"> }),
      /statuses\.0: Expected "DRAFT", actual "DELETED"/,
    ],
    [
      "an unknown sort order",
      EventSchemas.listEventSchemas({ sortOrder: "asc" as unknown as "ASC" }),
      /sortOrder: Expected "ASC", actual "asc"/,
    ],
    ["a page size of 0", EventSchemas.listEventSchemas({ pageSize: 0 }), /pageSize: Expected a positive number/],
    ["an empty name", EventSchemas.getEventSchema(""), /event_schema_name: must not be empty/],
    [
      "a name over 50 characters",
      EventSchemas.deleteEventSchema("x".repeat(51)),
      /event_schema_name: expected at most 50/,
    ],
    ["a dot-dot name", EventSchemas.activateEventSchema(".."), /event_schema_name: "\.\." cannot be sent/],
    ["a dot name", EventSchemas.listEventSchemaVersions("."), /event_schema_name: "\." cannot be sent/],
    [
      "a name with a lone surrogate",
      EventSchemas.deactivateEventSchema("ride\uD800"),
      /event_schema_name: Expected well-formed text/,
    ],
    [
      "a schema name with a character the pattern refuses",
      EventSchemas.createEventSchema({ ...schemaBody, name: "ride.completed!" }),
      /\bname: Expected a string matching the pattern/,
    ],
    [
      "51 attributes",
      EventSchemas.createEventSchema({
        ...schemaBody,
        attributes: Array.from({ length: 51 }, (_, i) => ({ name: `attribute_${i}` })),
      }),
      /attributes: Expected an array of at most 50/,
    ],
    [
      "a unit over 10 characters",
      EventSchemas.updateEventSchema("ride_completed", {
        attributes: [{ name: "distance", default_unit: "kilometres!" }],
        dimensions: [],
      }),
      /attributes\.0\.default_unit: Expected at most 10 characters/,
    ],
    [
      "an update without dimensions",
      EventSchemas.updateEventSchema("ride_completed", { attributes: [] } as unknown as {
        attributes: []
        dimensions: []
      }),
      /dimensions: is missing/,
    ],
    [
      "an unknown field",
      EventSchemas.createEventSchema({ ...schemaBody, version: 2 } as typeof schemaBody),
      /version: is unexpected/,
    ],
  ]
  await using server = startServer(() => json(200, eventSchema))
  for (const [label, effect, field] of cases) {
    await t.step(label, async () => {
      const error = failure(await run(effect, server.url))
      assert.equal(error._tag, "InvalidRequest")
      assert.match(error.message, field)
      assert.match(error.message, /nothing was sent/)
    })
  }
  await t.step("a stream with no statuses", async () => {
    const error = failure(await run(Stream.runCollect(EventSchemas.stream({ statuses: [] })), server.url))
    assert.ok(error._tag === "InvalidRequest" && /statuses/.test(error.issues))
  })
  assert.equal(server.requests.length, 0, "no request reached the server")
})

/** Every operation, called with valid input. */
const operations: Record<string, () => Effect.Effect<unknown, TogaiError.TogaiError, Togai.Requirements>> = {
  listEventSchemas: () => EventSchemas.listEventSchemas(),
  createEventSchema: () => EventSchemas.createEventSchema(schemaBody),
  getEventSchema: () => EventSchemas.getEventSchema("ride_completed", { version: 1 }),
  updateEventSchema: () => EventSchemas.updateEventSchema("ride_completed", { attributes: [], dimensions: [] }),
  deleteEventSchema: () => EventSchemas.deleteEventSchema("ride_completed"),
  listEventSchemaVersions: () => EventSchemas.listEventSchemaVersions("ride_completed"),
  activateEventSchema: () => EventSchemas.activateEventSchema("ride_completed"),
  deactivateEventSchema: () => EventSchemas.deactivateEventSchema("ride_completed"),
}

const statuses = [
  [400, "BadRequest"],
  [401, "Unauthorized"],
  [403, "Forbidden"],
  [404, "NotFound"],
  [429, "RateLimited"],
  [422, "UnexpectedStatus"],
  [500, "UnexpectedStatus"],
  [503, "UnexpectedStatus"],
] as const

Deno.test("every documented error status of every operation maps to its tag", (t) =>
  checkStatusTags(t, operations, statuses))

Deno.test("a success body that breaks the contract is a DecodeError naming the field", async () => {
  await using server = startServer(() => json(200, { ...eventSchema, version: 0 }))
  const error = failure(await run(EventSchemas.getEventSchema("ride_completed"), server.url))
  assert.ok(error._tag === "DecodeError" && error.issues.includes("version"))
})
