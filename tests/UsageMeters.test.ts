/**
 * The seven usage meter operations and the usage meter stream against a
 * real HTTP server on loopback that records what it received: the exact
 * request bytes (query filters, JSON-logic sent as its text), the decoded
 * answers, input refused before sending, and every documented error status
 * mapped to its tag.
 */
import assert from "node:assert/strict"
import * as Chunk from "effect/Chunk"
import type * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { Togai, TogaiError } from "../mod.ts"
import * as UsageMeters from "../src/UsageMeters.ts"
import { json, type Recorded, startServer } from "./support/server.ts"
import { checkStatusTags } from "./support/statuses.ts"
import { failure, run, success, token } from "./support/run.ts"

const filters = { in: [{ var: "dimensions.city" }, ["chennai", "mumbai"]] }
const computation = { "*": [{ var: "attributes.distance" }, 0.4] }

const usageMeter = {
  name: "Distance",
  description: "Kilometres driven in Chennai and Mumbai",
  type: "COUNTER",
  status: "DRAFT",
  aggregation: "SUM",
  filters: JSON.stringify(filters),
  computation: JSON.stringify(computation),
  createdAt: "2024-03-01T10:00:00Z",
  lastActivatedAt: "2024-03-01T11:00:00+05:30",
  updatedAt: "2024-03-02T10:00:00.500Z",
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

Deno.test("getUsageMetersForEventSchema sends statuses, aggregations, sortOrder and paging and decodes the page", async () => {
  const page = { data: [usageMeter], nextToken: "tok2", context: { pageSize: 5, sortOrder: "ASC" } }
  await using server = startServer(() => json(200, page))
  const result = success(
    await run(
      UsageMeters.getUsageMetersForEventSchema("ride_completed", {
        statuses: ["DRAFT", "ACTIVE"],
        aggregations: ["COUNT", "SUM"],
        sortOrder: "DESC",
        pageSize: 5,
        nextToken: "tok1",
      }),
      server.url,
    ),
  )
  expectRequest(server.requests[0], {
    method: "GET",
    rawPath: "/event_schema/ride_completed/usage_meters",
    query: { statuses: "DRAFT,ACTIVE", aggregations: "COUNT,SUM", sortOrder: "DESC", pageSize: "5", nextToken: "tok1" },
  })
  assert.equal(result.nextToken, "tok2")
  assert.deepEqual(result.context, { pageSize: 5, sortOrder: "ASC" })
  const [first] = result.data ?? []
  assert.equal(first.name, "Distance")
  assert.equal(first.aggregation, "SUM")
  assert.equal(first.filters, JSON.stringify(filters), "JSON-logic reads back as Togai's text")
  assert.equal(first.createdAt?.epochMillis, Date.UTC(2024, 2, 1, 10))
  assert.equal(first.lastActivatedAt?.epochMillis, Date.UTC(2024, 2, 1, 5, 30))
  assert.equal(first.updatedAt?.epochMillis, Date.UTC(2024, 2, 2, 10, 0, 0, 500))

  success(await run(UsageMeters.getUsageMetersForEventSchema("ride_completed"), server.url))
  expectRequest(server.requests[1], { method: "GET", rawPath: "/event_schema/ride_completed/usage_meters" })
})

Deno.test("createUsageMeter sends a JSON-logic object as its JSON text and decodes the 201 answer", async () => {
  await using server = startServer(() => json(201, usageMeter))
  const result = success(
    await run(
      UsageMeters.createUsageMeter("ride_completed", {
        name: "Distance",
        description: "Kilometres driven in Chennai and Mumbai",
        type: "COUNTER",
        aggregation: "SUM",
        filters,
        computation: '{"*": [{"var": "attributes.distance"}, 0.4]}',
      }),
      server.url,
    ),
  )
  const [request] = server.requests
  expectRequest(request, {
    method: "POST",
    rawPath: "/event_schema/ride_completed/usage_meters",
    body: {
      name: "Distance",
      description: "Kilometres driven in Chennai and Mumbai",
      type: "COUNTER",
      aggregation: "SUM",
      filters: '{"in":[{"var":"dimensions.city"},["chennai","mumbai"]]}',
      computation: '{"*": [{"var": "attributes.distance"}, 0.4]}',
    },
  })
  const sent = JSON.parse(request.body)
  assert.equal(typeof sent.filters, "string", "the rule object goes as a string, as the contract carries it")
  assert.deepEqual(JSON.parse(sent.filters), filters)
  assert.equal(sent.computation, '{"*": [{"var": "attributes.distance"}, 0.4]}', "a JSON text is sent as it is")
  assert.equal(result.status, "DRAFT")
  assert.equal(result.createdAt?.epochMillis, Date.UTC(2024, 2, 1, 10))

  await using ok = startServer(() => json(200, usageMeter))
  const error = failure(
    await run(
      UsageMeters.createUsageMeter("ride_completed", { name: "Rides", type: "COUNTER", aggregation: "COUNT" }),
      ok.url,
    ),
  )
  assert.ok(error._tag === "UnexpectedStatus" && error.status === 200, "create answers 201 per the spec")
})

Deno.test("getUsageMeter sends GET with both names as path segments and decodes the meter", async () => {
  await using server = startServer(() => json(200, usageMeter))
  const result = success(await run(UsageMeters.getUsageMeter("ride_completed", "Distance"), server.url))
  expectRequest(server.requests[0], { method: "GET", rawPath: "/event_schema/ride_completed/usage_meters/Distance" })
  assert.equal(result.computation, JSON.stringify(computation))
  assert.equal(result.lastActivatedAt?.epochMillis, Date.UTC(2024, 2, 1, 5, 30))
})

Deno.test("updateUsageMeter sends PATCH with the rule objects as JSON text", async () => {
  await using server = startServer(() =>
    json(200, { ...usageMeter, computation: '{"*":[{"var":"attributes.distance"},0.5]}' })
  )
  const result = success(
    await run(
      UsageMeters.updateUsageMeter("ride_completed", "Distance", {
        type: "COUNTER",
        aggregation: "SUM",
        computation: { "*": [{ var: "attributes.distance" }, 0.5] },
      }),
      server.url,
    ),
  )
  expectRequest(server.requests[0], {
    method: "PATCH",
    rawPath: "/event_schema/ride_completed/usage_meters/Distance",
    body: { type: "COUNTER", aggregation: "SUM", computation: '{"*":[{"var":"attributes.distance"},0.5]}' },
  })
  assert.equal(result.computation, '{"*":[{"var":"attributes.distance"},0.5]}')
  assert.equal(result.updatedAt?.epochMillis, Date.UTC(2024, 2, 2, 10, 0, 0, 500))
})

Deno.test("activateUsageMeter and deactivateUsageMeter POST to their own paths without a body", async () => {
  let status = "ACTIVE"
  await using server = startServer(() => json(200, { ...usageMeter, status }))
  const active = success(await run(UsageMeters.activateUsageMeter("ride_completed", "Distance"), server.url))
  status = "INACTIVE"
  const inactive = success(await run(UsageMeters.deactivateUsageMeter("ride_completed", "Distance"), server.url))
  expectRequest(server.requests[0], {
    method: "POST",
    rawPath: "/event_schema/ride_completed/usage_meters/Distance/activate",
  })
  expectRequest(server.requests[1], {
    method: "POST",
    rawPath: "/event_schema/ride_completed/usage_meters/Distance/deactivate",
  })
  assert.equal(active.status, "ACTIVE")
  assert.equal(inactive.status, "INACTIVE")
  assert.equal(active.lastActivatedAt?.epochMillis, Date.UTC(2024, 2, 1, 5, 30))
  assert.equal(inactive.updatedAt?.epochMillis, Date.UTC(2024, 2, 2, 10, 0, 0, 500))
})

Deno.test("deleteUsageMeter sends DELETE /usage_meter/{name} without a body", async () => {
  await using server = startServer(() => json(200, { success: true }))
  const result = success(await run(UsageMeters.deleteUsageMeter("Distance"), server.url))
  expectRequest(server.requests[0], { method: "DELETE", rawPath: "/usage_meter/Distance" })
  assert.deepEqual(result, { success: true })
})

Deno.test("both names are percent-encoded as exactly one path segment each", async () => {
  await using server = startServer(() => json(200, usageMeter))
  success(await run(UsageMeters.getUsageMeter("ride/completed", "Distance?km"), server.url))
  success(await run(UsageMeters.activateUsageMeter("ride completed", "Distance #2"), server.url))
  await using deleted = startServer(() => json(200, { success: true }))
  success(await run(UsageMeters.deleteUsageMeter("../Distance"), deleted.url))
  assert.equal(server.requests[0].rawPath, "/event_schema/ride%2Fcompleted/usage_meters/Distance%3Fkm")
  assert.equal([...server.requests[0].query].length, 0)
  assert.equal(server.requests[1].rawPath, "/event_schema/ride%20completed/usage_meters/Distance%20%232/activate")
  assert.equal(deleted.requests[0].rawPath, "/usage_meter/..%2FDistance")
})

/** A server that pages `names` two at a time; the last page carries `lastToken` (absent when undefined). */
const pagingServer = (names: ReadonlyArray<string>, lastToken: string | undefined) =>
  startServer((request) => {
    const start = Number((request.query.get("nextToken") ?? "page-0").slice("page-".length))
    const data = names.slice(start, start + 2).map((name) => ({ ...usageMeter, name }))
    const nextToken = start + 2 < names.length ? `page-${start + 2}` : lastToken
    return json(200, nextToken === undefined ? { data } : { data, nextToken })
  })

Deno.test("UsageMeters.stream follows nextToken over every page, keeping the filters, and stops at the last", async (t) => {
  const names = ["m1", "m2", "m3", "m4", "m5"]
  for (const [label, lastToken] of [["no nextToken", undefined], ["an empty nextToken", ""]] as const) {
    await t.step(`the last page has ${label}`, async () => {
      await using server = pagingServer(names, lastToken)
      const all = success(
        await run(
          Stream.runCollect(
            UsageMeters.stream("ride_completed", { statuses: ["ACTIVE"], aggregations: ["SUM"], pageSize: 2 }),
          ),
          server.url,
        ),
      )
      assert.deepEqual(Chunk.toReadonlyArray(all).map((meter) => meter.name), names)
      assert.equal(Chunk.unsafeGet(all, 4).createdAt?.epochMillis, Date.UTC(2024, 2, 1, 10))
      assert.deepEqual(server.requests.map((r) => r.query.get("nextToken")), [null, "page-2", "page-4"])
      for (const request of server.requests) {
        const nextToken = request.query.get("nextToken")
        expectRequest(request, {
          method: "GET",
          rawPath: "/event_schema/ride_completed/usage_meters",
          query: {
            statuses: "ACTIVE",
            aggregations: "SUM",
            pageSize: "2",
            ...(nextToken === null ? {} : { nextToken }),
          },
        })
      }
    })
  }
})

Deno.test("UsageMeters.stream fetches only the pages a consumer pulls", async () => {
  await using server = pagingServer(["m1", "m2", "m3", "m4", "m5"], undefined)
  const firstTwo = success(
    await run(Stream.runCollect(Stream.take(UsageMeters.stream("ride_completed", { pageSize: 2 }), 2)), server.url),
  )
  assert.equal(Chunk.size(firstTwo), 2)
  assert.equal(server.requests.length, 1)
})

Deno.test("UsageMeters.stream surfaces a page's error as its tag", async () => {
  await using server = startServer(() => json(404, { message: "Event schema nope not found" }))
  const error = failure(await run(Stream.runCollect(UsageMeters.stream("nope")), server.url))
  assert.ok(error._tag === "NotFound" && error.serverMessage === "Event schema nope not found")
  assert.equal(error.operation, "getUsageMetersForEventSchema")
})

Deno.test("input that breaks the contract fails as InvalidRequest naming the field, and sends nothing", async (t) => {
  const meter = { name: "Distance", type: "COUNTER", aggregation: "SUM" } as const
  const cases: ReadonlyArray<
    readonly [string, Effect.Effect<unknown, TogaiError.TogaiError, Togai.Requirements>, RegExp]
  > = [
    [
      "filters that are not JSON",
      UsageMeters.createUsageMeter("ride_completed", { ...meter, filters: "dimensions.city == chennai" }),
      /filters: Expected a JSON-logic rule as JSON text/,
    ],
    [
      "a computation that is not JSON",
      UsageMeters.updateUsageMeter("ride_completed", "Distance", {
        type: "COUNTER",
        aggregation: "SUM",
        computation: "{*: 2}",
      }),
      /computation: Expected a JSON-logic rule as JSON text/,
    ],
    [
      "filters over 1500 characters once written as JSON",
      UsageMeters.createUsageMeter("ride_completed", {
        ...meter,
        filters: { in: [{ var: "dimensions.city" }, Array.from({ length: 200 }, (_, i) => `city-${i}`)] },
      }),
      /filters: Expected at most 1500 characters/,
    ],
    [
      "a meter name with a character the pattern refuses",
      UsageMeters.createUsageMeter("ride_completed", { ...meter, name: "distance.km" }),
      /\bname: Expected a string matching the pattern/,
    ],
    [
      "an unknown aggregation",
      UsageMeters.createUsageMeter("ride_completed", { ...meter, aggregation: "AVG" as "SUM" }),
      /aggregation: Expected "COUNT", actual "AVG"/,
    ],
    [
      "an update without a type",
      UsageMeters.updateUsageMeter("ride_completed", "Distance", { aggregation: "SUM" } as {
        type: "COUNTER"
        aggregation: "SUM"
      }),
      /type: is missing/,
    ],
    [
      "an unknown field",
      UsageMeters.createUsageMeter("ride_completed", { ...meter, status: "ACTIVE" } as typeof meter),
      /status: is unexpected/,
    ],
    [
      "an unknown status filter",
      UsageMeters.getUsageMetersForEventSchema("ride_completed", { statuses: ["LIVE" as "ACTIVE"] }),
      /statuses\.0: Expected "DRAFT", actual "LIVE"/,
    ],
    [
      "no aggregations",
      UsageMeters.getUsageMetersForEventSchema("ride_completed", { aggregations: [] }),
      /aggregations: Expected an array of at least 1/,
    ],
    [
      "a page size of -1",
      UsageMeters.getUsageMetersForEventSchema("ride_completed", { pageSize: -1 }),
      /pageSize: Expected a positive number/,
    ],
    [
      "an empty event schema name",
      UsageMeters.getUsageMeter("", "Distance"),
      /event_schema_name: must not be empty/,
    ],
    [
      "a usage meter name over 50 characters",
      UsageMeters.activateUsageMeter("ride_completed", "m".repeat(51)),
      /usage_meter_name: expected at most 50 characters, got 51/,
    ],
    [
      "a dot-dot usage meter name",
      UsageMeters.deactivateUsageMeter("ride_completed", ".."),
      /usage_meter_name: "\.\." cannot be sent/,
    ],
    ["an empty usage meter name to delete", UsageMeters.deleteUsageMeter(""), /usage_meter_name: must not be empty/],
  ]
  await using server = startServer(() => json(200, usageMeter))
  for (const [label, effect, field] of cases) {
    await t.step(label, async () => {
      const error = failure(await run(effect, server.url))
      assert.equal(error._tag, "InvalidRequest")
      assert.match(error.message, field)
      assert.match(error.message, /nothing was sent/)
    })
  }
  await t.step("a stream with no statuses", async () => {
    const error = failure(
      await run(Stream.runCollect(UsageMeters.stream("ride_completed", { statuses: [] })), server.url),
    )
    assert.ok(error._tag === "InvalidRequest" && /statuses/.test(error.issues))
  })
  assert.equal(server.requests.length, 0, "no request reached the server")
})

/** Every operation, called with valid input. */
const operations: Record<string, () => Effect.Effect<unknown, TogaiError.TogaiError, Togai.Requirements>> = {
  getUsageMetersForEventSchema: () => UsageMeters.getUsageMetersForEventSchema("ride_completed"),
  createUsageMeter: () =>
    UsageMeters.createUsageMeter("ride_completed", { name: "Rides", type: "COUNTER", aggregation: "COUNT" }),
  getUsageMeter: () => UsageMeters.getUsageMeter("ride_completed", "Rides"),
  updateUsageMeter: () =>
    UsageMeters.updateUsageMeter("ride_completed", "Rides", { type: "COUNTER", aggregation: "COUNT" }),
  activateUsageMeter: () => UsageMeters.activateUsageMeter("ride_completed", "Rides"),
  deactivateUsageMeter: () => UsageMeters.deactivateUsageMeter("ride_completed", "Rides"),
  deleteUsageMeter: () => UsageMeters.deleteUsageMeter("Rides"),
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

Deno.test("a rule answered as an object, as the spec's own examples do, is read as it came", async () => {
  // the contract types `computation` as a string; the spec's UsageMeter example answers it as an object
  await using server = startServer(() => json(200, { ...usageMeter, computation }))
  const meter = success(await run(UsageMeters.getUsageMeter("ride_completed", "Distance"), server.url))
  assert.deepEqual(meter.computation, computation)
})

Deno.test("a success body that breaks the contract is a DecodeError naming the field", async () => {
  await using server = startServer(() => json(200, { ...usageMeter, aggregation: "AVERAGE" }))
  const error = failure(await run(UsageMeters.getUsageMeter("ride_completed", "Distance"), server.url))
  assert.ok(error._tag === "DecodeError" && error.issues.includes("aggregation"))
})
