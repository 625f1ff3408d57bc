/**
 * The five customer operations and the customer stream against a real HTTP
 * server on loopback that records what it received: the exact request
 * bytes, the decoded answers, input refused before sending, and every
 * documented error status mapped to its tag.
 */
import assert from "node:assert/strict"
import * as Chunk from "effect/Chunk"
import type * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { Togai, TogaiError } from "../mod.ts"
import * as Customers from "../src/Customers.ts"
import { json, type Recorded, startServer } from "./support/server.ts"
import { checkStatusTags } from "./support/statuses.ts"
import { failure, run, success, token } from "./support/run.ts"

/** 58 characters: the contract asks a billing address for 50 to 1000. */
const billingAddress = "201 Boulevard, Suite 400, Seattle, WA 98101, United States"

const customer = {
  id: "CUST00001",
  name: "ACME Enterprise",
  primaryEmail: "admin@example.com",
  billingAddress,
  status: "ACTIVE",
  createdAt: "2020-07-04T12:00:00.000Z",
  updatedAt: "2020-07-05T08:30:00+02:00",
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

Deno.test("getCustomers sends GET /customers with nextToken and pageSize and decodes the page", async () => {
  const page = { data: [customer], nextToken: "tok2", context: { pageSize: 5, sortOrder: "asc" } }
  await using server = startServer(() => json(200, page))
  const result = success(await run(Customers.getCustomers({ nextToken: "tok1", pageSize: 5 }), server.url))
  expectRequest(server.requests[0], {
    method: "GET",
    rawPath: "/customers",
    query: { nextToken: "tok1", pageSize: "5" },
  })
  assert.equal(result.nextToken, "tok2")
  assert.deepEqual(result.context, { pageSize: 5, sortOrder: "ASC" })
  assert.equal(result.data?.length, 1)
  const [first] = result.data ?? []
  assert.equal(first.id, "CUST00001")
  assert.equal(first.status, "ACTIVE")
  assert.equal(first.createdAt.epochMillis, Date.UTC(2020, 6, 4, 12))
  assert.equal(first.updatedAt.epochMillis, Date.UTC(2020, 6, 5, 6, 30), "the offset is applied")

  success(await run(Customers.getCustomers(), server.url))
  expectRequest(server.requests[1], { method: "GET", rawPath: "/customers" })
})

Deno.test("createCustomer sends POST /customers with the JSON body and decodes the 201 answer", async () => {
  const answer = {
    id: "CUST00001",
    name: "ACME Enterprise",
    primaryEmail: "admin@example.com",
    billingAddress,
    account: {
      id: "ACC00001",
      name: "Primary Account",
      aliases: [{ alias: "acme_primary", status: "ACTIVE" }],
      status: "ACTIVE",
    },
  }
  await using server = startServer(() => json(201, answer))
  const body = {
    id: "CUST00001",
    name: "ACME Enterprise",
    primaryEmail: "admin@example.com",
    billingAddress,
    account: { id: "ACC00001", name: "Primary Account", aliases: ["acme_primary"] },
  }
  const result = success(await run(Customers.createCustomer(body), server.url))
  assert.equal(server.requests.length, 1)
  expectRequest(server.requests[0], { method: "POST", rawPath: "/customers", body })
  assert.deepEqual(result, answer)

  await using ok = startServer(() => json(200, answer))
  const error = failure(await run(Customers.createCustomer(body), ok.url))
  assert.ok(error._tag === "UnexpectedStatus" && error.status === 200, "create answers 201 per the spec")
})

Deno.test("getCustomer sends GET with the id percent-encoded as one segment and decodes the dates", async () => {
  await using server = startServer(() => json(200, customer))
  const result = success(await run(Customers.getCustomer("CUST/01 ü"), server.url))
  expectRequest(server.requests[0], { method: "GET", rawPath: "/customers/CUST%2F01%20%C3%BC" })
  assert.equal(result.billingAddress, billingAddress)
  assert.equal(result.createdAt.epochMillis, Date.UTC(2020, 6, 4, 12))
  assert.equal(result.updatedAt.epochMillis, Date.UTC(2020, 6, 5, 6, 30))
})

Deno.test("updateCustomer sends PATCH with only the fields given", async () => {
  await using server = startServer(() => json(200, { ...customer, primaryEmail: "billing@example.com" }))
  const result = success(
    await run(Customers.updateCustomer("CUST00001", { primaryEmail: "billing@example.com" }), server.url),
  )
  expectRequest(server.requests[0], {
    method: "PATCH",
    rawPath: "/customers/CUST00001",
    body: { primaryEmail: "billing@example.com" },
  })
  assert.equal(result.primaryEmail, "billing@example.com")
  assert.equal(result.updatedAt.epochMillis, Date.UTC(2020, 6, 5, 6, 30))
})

Deno.test("deleteCustomer sends DELETE without a body and decodes the success response", async () => {
  await using server = startServer(() => json(200, { success: true }))
  const result = success(await run(Customers.deleteCustomer("CUST00001"), server.url))
  expectRequest(server.requests[0], { method: "DELETE", rawPath: "/customers/CUST00001" })
  assert.deepEqual(result, { success: true })
})

/** A server that pages `ids` two at a time; the last page carries `lastToken` (absent when undefined). */
const pagingServer = (ids: ReadonlyArray<string>, lastToken: string | undefined) =>
  startServer((request) => {
    const start = Number((request.query.get("nextToken") ?? "page-0").slice("page-".length))
    const data = ids.slice(start, start + 2).map((id) => ({ ...customer, id }))
    const nextToken = start + 2 < ids.length ? `page-${start + 2}` : lastToken
    return json(200, nextToken === undefined ? { data } : { data, nextToken })
  })

Deno.test("Customers.stream follows nextToken over every page and stops at the last", async (t) => {
  const ids = ["C1", "C2", "C3", "C4", "C5"]
  for (const [label, lastToken] of [["no nextToken", undefined], ["an empty nextToken", ""]] as const) {
    await t.step(`the last page has ${label}`, async () => {
      await using server = pagingServer(ids, lastToken)
      const all = success(await run(Stream.runCollect(Customers.stream({ pageSize: 2 })), server.url))
      assert.deepEqual(Chunk.toReadonlyArray(all).map((c) => c.id), ids)
      assert.equal(Chunk.unsafeGet(all, 0).createdAt.epochMillis, Date.UTC(2020, 6, 4, 12))
      assert.equal(server.requests.length, 3)
      assert.deepEqual(server.requests.map((r) => r.query.get("nextToken")), [null, "page-2", "page-4"])
      for (const request of server.requests) {
        expectRequest(request, {
          method: "GET",
          rawPath: "/customers",
          query: {
            pageSize: "2",
            ...(request.query.has("nextToken") ? { nextToken: request.query.get("nextToken") ?? "" } : {}),
          },
        })
      }
    })
  }
})

Deno.test("Customers.stream fetches only the pages a consumer pulls", async () => {
  await using server = pagingServer(["C1", "C2", "C3", "C4", "C5"], undefined)
  const firstThree = success(
    await run(Stream.runCollect(Stream.take(Customers.stream({ pageSize: 2 }), 3)), server.url),
  )
  assert.deepEqual(Chunk.toReadonlyArray(firstThree).map((c) => c.id), ["C1", "C2", "C3"])
  assert.equal(server.requests.length, 2)
})

Deno.test("Customers.stream surfaces a page's error as its tag", async () => {
  await using server = startServer((request) =>
    request.query.has("nextToken")
      ? json(403, { message: "not allowed" })
      : json(200, { data: [customer], nextToken: "next" })
  )
  const error = failure(await run(Stream.runCollect(Customers.stream()), server.url))
  assert.ok(error._tag === "Forbidden" && error.serverMessage === "not allowed")
  assert.equal(error.operation, "getCustomers")
  assert.equal(server.requests.length, 2)
})

Deno.test("input that breaks the contract fails as InvalidRequest naming the field, and sends nothing", async (t) => {
  const valid = { id: "CUST00001", name: "ACME Enterprise", primaryEmail: "admin@example.com", billingAddress }
  const cases: ReadonlyArray<
    readonly [string, Effect.Effect<unknown, TogaiError.TogaiError, Togai.Requirements>, RegExp]
  > = [
    [
      "a billing address under 50 characters",
      Customers.createCustomer({ ...valid, billingAddress: "201 Boulevard, WA 53123" }),
      /billingAddress: Expected 50 to 1000 characters, got 23/,
    ],
    ["a name under 3 characters", Customers.createCustomer({ ...valid, name: "AB" }), /\bname: Expected 3 to 255/],
    [
      "an id over 50 characters",
      Customers.createCustomer({ ...valid, id: "x".repeat(51) }),
      /\bid: Expected at most 50/,
    ],
    [
      "an account name under 3 characters",
      Customers.createCustomer({ ...valid, account: { id: "ACC1", name: "ab" } }),
      /account\.name: Expected 3 to 255/,
    ],
    ["an empty customer id", Customers.getCustomer(""), /customer_id: must not be empty/],
    ["a customer id over 50", Customers.deleteCustomer("x".repeat(51)), /customer_id: expected at most 50/],
    ["a dot-dot customer id", Customers.updateCustomer("..", { name: "ACME" }), /customer_id: "\.\." cannot be sent/],
    [
      "an unknown field",
      Customers.updateCustomer("CUST00001", { name: "ACME", status: "ARCHIVED" } as { name: string }),
      /status: is unexpected/,
    ],
    [
      "a short address in an update",
      Customers.updateCustomer("CUST00001", { billingAddress: "x" }),
      /billingAddress: Expected 50/,
    ],
    ["a page size of 0", Customers.getCustomers({ pageSize: 0 }), /pageSize: Expected a positive number/],
    ["a page size of 2.5", Customers.getCustomers({ pageSize: 2.5 }), /pageSize: Expected an integer/],
  ]
  await using server = startServer(() => json(200, customer))
  for (const [label, effect, field] of cases) {
    await t.step(label, async () => {
      const error = failure(await run(effect, server.url))
      assert.equal(error._tag, "InvalidRequest")
      assert.match(error.message, field)
      assert.match(error.message, /nothing was sent/)
    })
  }
  await t.step("a stream with a page size of 0", async () => {
    const error = failure(await run(Stream.runCollect(Customers.stream({ pageSize: 0 })), server.url))
    assert.ok(error._tag === "InvalidRequest" && /pageSize/.test(error.issues))
  })
  assert.equal(server.requests.length, 0, "no request reached the server")
})

/** Every operation, called with valid input. */
const operations: Record<string, () => Effect.Effect<unknown, TogaiError.TogaiError, Togai.Requirements>> = {
  getCustomers: () => Customers.getCustomers(),
  createCustomer: () =>
    Customers.createCustomer({ id: "CUST00001", name: "ACME", primaryEmail: "a@example.com", billingAddress }),
  getCustomer: () => Customers.getCustomer("CUST00001"),
  updateCustomer: () => Customers.updateCustomer("CUST00001", { name: "ACME" }),
  deleteCustomer: () => Customers.deleteCustomer("CUST00001"),
}

const statuses = [
  [400, "BadRequest"],
  [401, "Unauthorized"],
  [403, "Forbidden"],
  [404, "NotFound"],
  [429, "RateLimited"],
  [500, "UnexpectedStatus"],
  [503, "UnexpectedStatus"],
] as const

Deno.test("every documented error status of every operation maps to its tag", (t) =>
  checkStatusTags(t, operations, statuses))

Deno.test("a success body that breaks the contract is a DecodeError naming the field", async () => {
  await using server = startServer(() => json(200, { ...customer, createdAt: "yesterday" }))
  const error = failure(await run(Customers.getCustomer("CUST00001"), server.url))
  assert.ok(error._tag === "DecodeError" && error.issues.includes("createdAt"))
})
