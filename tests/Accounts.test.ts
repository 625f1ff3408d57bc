/**
 * The eight account operations against a real HTTP server on loopback that
 * records what it received: the exact request bytes, the decoded answers,
 * and every documented error status mapped to its tag. Paging runs against
 * the Togai simulator, whose tokens are opaque as Togai's are.
 */
import assert from "node:assert/strict"
import * as Cause from "effect/Cause"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import * as Chunk from "effect/Chunk"
import { Accounts, type Togai, type TogaiError } from "../mod.ts"
import { json, startServer } from "./support/server.ts"
import { checkStatusTags } from "./support/statuses.ts"
import { failure, run, success, token } from "./support/run.ts"
import { Simulator } from "../src/testing/mod.ts"

const account = {
  id: "ACC00001",
  name: "Primary Account",
  aliases: [{ alias: "acme_primary", status: "ACTIVE" }],
  status: "ACTIVE",
}

Deno.test("createAccount sends POST with the JSON body and decodes the 201 answer", async () => {
  await using server = startServer(() => json(201, account))
  const result = success(
    await run(
      Accounts.createAccount("CUST01", { id: "ACC00001", name: "Primary Account", aliases: ["acme_primary"] }),
      server.url,
    ),
  )
  assert.deepEqual(result, account)
  assert.equal(server.requests.length, 1)
  const [request] = server.requests
  assert.equal(request.method, "POST")
  assert.equal(request.rawPath, "/customers/CUST01/accounts")
  assert.equal([...request.query].length, 0)
  assert.equal(request.headers.get("authorization"), `Bearer ${token}`)
  assert.equal(request.headers.get("accept"), "application/json")
  assert.equal(request.headers.get("content-type"), "application/json")
  assert.match(request.headers.get("user-agent") ?? "", /^effect-togai-client\/\d+\.\d+\.\d+/)
  assert.deepEqual(JSON.parse(request.body), { id: "ACC00001", name: "Primary Account", aliases: ["acme_primary"] })
})

Deno.test("getAccount sends GET without a body or Content-Type and decodes the account", async () => {
  await using server = startServer(() => json(200, account))
  const result = success(await run(Accounts.getAccount("CUST01", "ACC00001"), server.url))
  assert.deepEqual(result, account)
  const [request] = server.requests
  assert.equal(request.method, "GET")
  assert.equal(request.rawPath, "/customers/CUST01/accounts/ACC00001")
  assert.equal(request.headers.get("content-type"), null)
  assert.equal(request.body, "")
})

Deno.test("getAccounts sends nextToken and pageSize as query strings and decodes the page", async () => {
  const page = { data: [account], nextToken: "tok2", context: { pageSize: 10, sortOrder: "ASC" } }
  await using server = startServer(() => json(200, page))
  const result = success(await run(Accounts.getAccounts("CUST01", { nextToken: "tok1", pageSize: 10 }), server.url))
  assert.deepEqual(result, page)
  const [request] = server.requests
  assert.equal(request.method, "GET")
  assert.equal(request.rawPath, "/customers/CUST01/accounts")
  assert.equal(request.query.get("nextToken"), "tok1")
  assert.equal(request.query.get("pageSize"), "10")

  success(await run(Accounts.getAccounts("CUST01"), server.url))
  assert.equal([...server.requests[1].query].length, 0, "no query parameters when none are given")
})

Deno.test("getAccounts reads the spec example's lower-case sortOrder", async () => {
  await using server = startServer(() => json(200, { data: [], context: { pageSize: 10, sortOrder: "asc" } }))
  const result = success(await run(Accounts.getAccounts("CUST01"), server.url))
  assert.deepEqual(result.context, { pageSize: 10, sortOrder: "ASC" })
})

Deno.test("updateAccount sends PATCH with the new name", async () => {
  await using server = startServer(() => json(200, { ...account, name: "New Account Name" }))
  const result = success(
    await run(Accounts.updateAccount("CUST01", "ACC00001", { name: "New Account Name" }), server.url),
  )
  assert.equal(result.name, "New Account Name")
  const [request] = server.requests
  assert.equal(request.method, "PATCH")
  assert.equal(request.rawPath, "/customers/CUST01/accounts/ACC00001")
  assert.equal(request.headers.get("content-type"), "application/json")
  assert.deepEqual(JSON.parse(request.body), { name: "New Account Name" })
})

Deno.test("deleteAccount sends DELETE and decodes the success response", async () => {
  await using server = startServer(() => json(200, { success: true }))
  const result = success(await run(Accounts.deleteAccount("CUST01", "ACC00001"), server.url))
  assert.deepEqual(result, { success: true })
  const [request] = server.requests
  assert.equal(request.method, "DELETE")
  assert.equal(request.rawPath, "/customers/CUST01/accounts/ACC00001")
  assert.equal(request.body, "")
})

Deno.test("addAliases and removeAliases POST the aliases to their own paths", async () => {
  await using server = startServer(() => json(200, account))
  success(await run(Accounts.addAliases("CUST01", "ACC00001", { aliases: ["account2@acme.com"] }), server.url))
  success(await run(Accounts.removeAliases("CUST01", "ACC00001", { aliases: ["+1234567890"] }), server.url))
  const [add, remove] = server.requests
  assert.equal(add.method, "POST")
  assert.equal(add.rawPath, "/customers/CUST01/accounts/ACC00001/add_aliases")
  assert.deepEqual(JSON.parse(add.body), { aliases: ["account2@acme.com"] })
  assert.equal(remove.method, "POST")
  assert.equal(remove.rawPath, "/customers/CUST01/accounts/ACC00001/remove_aliases")
  assert.deepEqual(JSON.parse(remove.body), { aliases: ["+1234567890"] })
})

Deno.test("associatePricePlan sends dates as YYYY-MM-DD and decodes date-times as DateTime", async () => {
  const answer = {
    accountId: "ACC00001",
    accountName: "Primary Account",
    pricingSchedules: [
      { pricePlanName: "Rides", override: null, startDate: "2022-01-01T00:00:00", endDate: "2022-02-01T00:00:00" },
      {
        pricePlanName: "Rides",
        override: {
          type: "USAGE",
          usageConfig: {
            rides: {
              name: "rides",
              rateStrategy: "PER_UNIT",
              slabStrategy: "TIER",
              slabs: [{ rate: 100, startAfter: 0, order: 1 }],
            },
          },
        },
        startDate: "2022-02-01T00:00:00.000+00:00",
        endDate: "9999-01-01T00:00:00Z",
      },
    ],
  }
  await using server = startServer(() => json(200, answer))
  const rateCardOverride = {
    type: "USAGE",
    usageConfig: {
      rides: {
        name: "rides",
        rateStrategy: "PER_UNIT",
        slabStrategy: "TIER",
        slabs: [{ rate: 100, startAfter: 0, order: 1 }, { rate: 40, startAfter: 10, order: 2 }],
      },
    },
  } as const
  const result = success(
    await run(
      Accounts.associatePricePlan("CUST01", "ACC00001", {
        pricePlanName: "Rides - Pro plan",
        effectiveFrom: DateTime.unsafeMake("2022-07-04"),
        effectiveUntil: DateTime.unsafeMake("2022-10-04T18:30:00Z"),
        rateCardOverride,
      }),
      server.url,
    ),
  )
  const [request] = server.requests
  assert.equal(request.method, "POST")
  assert.equal(request.rawPath, "/customers/CUST01/accounts/ACC00001/price_plans")
  assert.deepEqual(JSON.parse(request.body), {
    pricePlanName: "Rides - Pro plan",
    effectiveFrom: "2022-07-04",
    effectiveUntil: "2022-10-04",
    rateCardOverride,
  })
  assert.equal(result.accountId, "ACC00001")
  assert.equal(result.pricingSchedules.length, 2)
  const [first, second] = result.pricingSchedules
  assert.equal(first.override, undefined, "a null override decodes as absent")
  assert.ok(DateTime.isDateTime(first.startDate))
  assert.equal(DateTime.formatIso(first.startDate), "2022-01-01T00:00:00.000Z", "no offset means UTC")
  assert.equal(DateTime.formatIso(second.endDate), "9999-01-01T00:00:00.000Z")
  assert.equal(second.override?.usageConfig?.rides.rateStrategy, "PER_UNIT")
})

Deno.test("unknown fields in a response are ignored", async () => {
  await using server = startServer(() => json(200, { ...account, createdAt: "2024-01-01", region: "eu" }))
  const result = success(await run(Accounts.getAccount("CUST01", "ACC00001"), server.url))
  assert.deepEqual(result, account)
})

/** Every operation, called with valid input. */
const operations: Record<string, () => Effect.Effect<unknown, TogaiError.TogaiError, Togai.Requirements>> = {
  createAccount: () => Accounts.createAccount("CUST01", { id: "ACC00001", name: "Primary Account" }),
  getAccounts: () => Accounts.getAccounts("CUST01"),
  getAccount: () => Accounts.getAccount("CUST01", "ACC00001"),
  updateAccount: () => Accounts.updateAccount("CUST01", "ACC00001", { name: "Renamed" }),
  deleteAccount: () => Accounts.deleteAccount("CUST01", "ACC00001"),
  addAliases: () => Accounts.addAliases("CUST01", "ACC00001", { aliases: ["alias-1"] }),
  removeAliases: () => Accounts.removeAliases("CUST01", "ACC00001", { aliases: ["alias-1"] }),
  associatePricePlan: () => Accounts.associatePricePlan("CUST01", "ACC00001", { pricePlanName: "Rides" }),
}

const statuses = [
  [400, "BadRequest"],
  [401, "Unauthorized"],
  [403, "Forbidden"],
  [404, "NotFound"],
  [429, "RateLimited"],
  [500, "UnexpectedStatus"],
  [503, "UnexpectedStatus"],
  [418, "UnexpectedStatus"],
] as const

Deno.test("every documented error status of every operation maps to its tag", (t) =>
  checkStatusTags(t, operations, statuses))

Deno.test("a 429 carries Retry-After, in seconds or as an HTTP date", async () => {
  {
    await using server = startServer(() => json(429, { message: "slow down" }, { "retry-after": "7" }))
    const error = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), server.url))
    assert.equal(error._tag, "RateLimited")
    assert.ok(error._tag === "RateLimited" && error.retryAfter !== undefined)
    assert.equal(Duration.toSeconds(error.retryAfter), 7)
    assert.match(error.message, /Retry after 7 s/)
  }
  {
    const inThirtySeconds = new Date(Date.now() + 30_000).toUTCString()
    await using server = startServer(() => json(429, { message: "slow down" }, { "retry-after": inThirtySeconds }))
    const error = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), server.url))
    assert.ok(error._tag === "RateLimited" && error.retryAfter !== undefined)
    const seconds = Duration.toSeconds(error.retryAfter)
    assert.ok(seconds > 20 && seconds <= 30, `about 30 s, got ${seconds}`)
  }
  {
    await using server = startServer(() => json(429, { message: "slow down" }))
    const error = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), server.url))
    assert.ok(error._tag === "RateLimited" && error.retryAfter === undefined)
  }
})

Deno.test("an HTML or empty error body still yields the status's tag", async () => {
  {
    await using server = startServer(() =>
      new Response("<html><body>404 Not Found</body></html>", { status: 404, headers: { "content-type": "text/html" } })
    )
    const error = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), server.url))
    assert.equal(error._tag, "NotFound")
    assert.ok(error._tag === "NotFound" && error.serverMessage === undefined)
    assert.match(error.message, /404/)
  }
  {
    await using server = startServer(() => new Response(null, { status: 502 }))
    const error = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), server.url))
    assert.ok(error._tag === "UnexpectedStatus" && error.status === 502)
  }
})

Deno.test("a success body that breaks the contract is a DecodeError naming the field", async () => {
  {
    await using server = startServer(() => json(200, { ...account, id: 5 }))
    const error = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), server.url))
    assert.equal(error._tag, "DecodeError")
    assert.match(error.message, /id/)
    assert.match(error.message, /getAccount/)
  }
  {
    await using server = startServer(() => json(200, { ...account, status: "DELETED" }))
    const error = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), server.url))
    assert.ok(error._tag === "DecodeError" && error.issues.includes("status"))
  }
  {
    await using server = startServer(() => new Response("<html>oops</html>", { status: 200 }))
    const error = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), server.url))
    assert.ok(error._tag === "DecodeError" && error.issues === "the body is not JSON")
  }
  {
    await using server = startServer(() => json(200, account))
    const error = failure(await run(Accounts.createAccount("CUST01", { id: "A1", name: "Acme" }), server.url))
    assert.ok(error._tag === "UnexpectedStatus" && error.status === 200, "create answers 201 per the spec")
  }
})

Deno.test("a refused connection is a TransportError", async () => {
  const server = startServer(() => json(200, account))
  const url = server.url
  await server.close()
  const error = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), url))
  assert.equal(error._tag, "TransportError")
  assert.match(error.message, /getAccount got no answer from Togai/)
})

Deno.test("path parameters are percent-encoded as exactly one segment each", async () => {
  await using server = startServer(() => json(200, { ...account, id: "../x" }))
  success(await run(Accounts.getAccount("a/b?c#d", "../x"), server.url))
  success(await run(Accounts.getAccount("ünï cødé", "%2F"), server.url))
  assert.equal(server.requests[0].rawPath, "/customers/a%2Fb%3Fc%23d/accounts/..%2Fx")
  assert.equal([...server.requests[0].query].length, 0)
  assert.equal(server.requests[1].rawPath, "/customers/%C3%BCn%C3%AF%20c%C3%B8d%C3%A9/accounts/%252F")
})

Deno.test("input that breaks the contract fails as InvalidRequest and sends nothing", async (t) => {
  const cases: ReadonlyArray<
    readonly [string, Effect.Effect<unknown, TogaiError.TogaiError, Togai.Requirements>, RegExp]
  > = [
    ["an id over 50 characters", Accounts.getAccount("CUST01", "x".repeat(51)), /account_id: expected at most 50/],
    ["an empty customer id", Accounts.getAccount("", "ACC00001"), /customer_id: must not be empty/],
    ["a dot-dot id", Accounts.deleteAccount("CUST01", ".."), /account_id/],
    ["a name under 3 characters", Accounts.createAccount("CUST01", { id: "A1", name: "ab" }), /name/],
    [
      "11 aliases",
      Accounts.createAccount("CUST01", {
        id: "A1",
        name: "Acme",
        aliases: Array.from({ length: 11 }, (_, i) => `alias-${i}`),
      }),
      /aliases/,
    ],
    ["0 aliases to add", Accounts.addAliases("CUST01", "A1", { aliases: [] }), /aliases/],
    ["an alias of 2 characters", Accounts.removeAliases("CUST01", "A1", { aliases: ["ab"] }), /aliases\.0/],
    [
      "an order of 11",
      Accounts.associatePricePlan("CUST01", "A1", {
        pricePlanName: "Rides",
        rateCardOverride: {
          type: "USAGE",
          usageConfig: {
            rides: {
              name: "rides",
              rateStrategy: "FLAT",
              slabStrategy: "TIER",
              slabs: [{ rate: 1, startAfter: 0, order: 11 }],
            },
          },
        },
      }),
      /rateCardOverride\.usageConfig\.rides\.slabs\.0\.order/,
    ],
    [
      "effectiveUntil without effectiveFrom",
      Accounts.associatePricePlan("CUST01", "A1", {
        pricePlanName: "Rides",
        effectiveUntil: DateTime.unsafeMake("2024-01-01"),
      }),
      /effectiveUntil/,
    ],
    [
      "an unknown field",
      Accounts.updateAccount("CUST01", "A1", { name: "Acme", nickname: "x" } as { name: string }),
      /nickname/,
    ],
    ["a page size of 0", Accounts.getAccounts("CUST01", { pageSize: 0 }), /pageSize/],
  ]
  await using server = startServer(() => json(200, account))
  for (const [label, effect, field] of cases) {
    await t.step(label, async () => {
      const error = failure(await run(effect, server.url))
      assert.equal(error._tag, "InvalidRequest")
      assert.match(error.message, field)
      assert.match(error.message, /nothing was sent/)
    })
  }
  assert.equal(server.requests.length, 0, "no request reached the server")
})

/** A simulated Togai whose customer CUST01 has `total` accounts, ACC000 to ACC<total-1>. */
const withAccounts = (total: number) =>
  Simulator.make({
    customers: [{
      id: "CUST01",
      accounts: Array.from(
        { length: total },
        (_, i) => ({ id: `ACC${String(i).padStart(3, "0")}`, name: `Account ${i}` }),
      ),
    }],
  })

const runOn = <A, E>(simulator: Simulator.TogaiSimulator, effect: Effect.Effect<A, E, Simulator.Services>) =>
  Effect.runPromiseExit(effect.pipe(Effect.provide(Simulator.layerFrom(simulator, { retry: false }))))

/** The `nextToken` each list request sent, `null` for the first page. */
const tokensSent = (simulator: Simulator.TogaiSimulator) =>
  simulator.requests().map((request) => new URLSearchParams(request.query).get("nextToken"))

Deno.test("Accounts.stream follows nextToken over every page and stops at the last", async () => {
  const simulator = withAccounts(7)
  const all = success(await runOn(simulator, Stream.runCollect(Accounts.stream("CUST01", { pageSize: 3 }))))
  assert.deepEqual(Chunk.toReadonlyArray(all).map((a) => a.id), [
    "ACC000",
    "ACC001",
    "ACC002",
    "ACC003",
    "ACC004",
    "ACC005",
    "ACC006",
  ])
  const tokens = tokensSent(simulator)
  assert.equal(tokens.length, 3)
  assert.equal(tokens[0], null, "the first page is asked for without a token")
  assert.ok(tokens[1] !== null && tokens[2] !== null && tokens[1] !== tokens[2], "each later page with its own token")
  assert.ok(simulator.requests().every((r) => new URLSearchParams(r.query).get("pageSize") === "3"))
})

Deno.test("Accounts.stream fetches only the pages a consumer pulls", async () => {
  const simulator = withAccounts(100)
  const firstFour = success(
    await runOn(simulator, Stream.runCollect(Stream.take(Accounts.stream("CUST01", { pageSize: 3 }), 4))),
  )
  assert.equal(Chunk.size(firstFour), 4)
  assert.equal(simulator.requests().length, 2, "4 accounts at 3 a page need exactly 2 pages")

  const stream = Accounts.stream("CUST01", { pageSize: 3 })
  assert.equal(simulator.requests().length, 2, "building a stream sends nothing")
  success(await runOn(simulator, Stream.runCollect(Stream.take(stream, 1))))
  assert.equal(simulator.requests().length, 3)
})

Deno.test("Accounts.stream fails with PaginationError when the server repeats a token", async () => {
  let calls = 0
  await using server = startServer(() => {
    calls++
    return json(200, { data: [account], nextToken: calls === 1 ? "A" : calls === 2 ? "B" : "A" })
  })
  const error = failure(await run(Stream.runCollect(Accounts.stream("CUST01")), server.url))
  assert.equal(error._tag, "PaginationError")
  assert.match(error.message, /"A" a second time/)
  assert.equal(server.requests.length, 3)
})

Deno.test("Accounts.stream surfaces a page's error as its tag", async () => {
  const simulator = withAccounts(5)
  simulator.injectFault({ operation: "getAccounts", fault: { kind: "serverError", status: 503 } })
  const unavailable = failure(await runOn(simulator, Stream.runCollect(Accounts.stream("CUST01"))))
  assert.ok(unavailable._tag === "UnexpectedStatus" && unavailable.status === 503)
  const unknown = failure(await runOn(simulator, Stream.runCollect(Accounts.stream("NOBODY"))))
  assert.ok(unknown._tag === "NotFound" && unknown.serverMessage === "Customer NOBODY not found")
})

Deno.test("the token never appears in any error, its message, its JSON or its cause", async () => {
  const errors: Array<unknown> = []
  const causes: Array<string> = []
  for (const status of [400, 401, 403, 404, 429, 500]) {
    // a hostile server echoes the Authorization header back
    await using server = startServer((request) =>
      json(status, { message: `you sent ${request.headers.get("authorization")}` })
    )
    const exit = await run(Accounts.getAccount("CUST01", "ACC00001"), server.url)
    errors.push(failure(exit))
    if (Exit.isFailure(exit)) causes.push(Cause.pretty(exit.cause))
  }
  const closed = startServer(() => json(200, account))
  await closed.close()
  errors.push(failure(await run(Accounts.getAccount("CUST01", "ACC00001"), closed.url)))
  errors.push(failure(await run(Accounts.getAccount("CUST01", "x".repeat(60)), closed.url)))
  for (const error of errors) {
    assert.ok(error instanceof Error)
    for (const text of [error.message, String(error), JSON.stringify(error), Deno.inspect(error)]) {
      assert.ok(!text.includes(token), `token leaked in: ${text}`)
    }
  }
  assert.equal(causes.length, 6)
  for (const cause of causes) assert.ok(!cause.includes(token), `token leaked in: ${cause}`)
  assert.match(String(errors[0]), /you sent Bearer <redacted>/, "an echoed header is scrubbed, the rest kept")
})

Deno.test("path parameter lengths count characters, as the spec's maxLength does, not UTF-16 units", async () => {
  await using server = startServer(() => json(200, account))
  const thirtyEmoji = "🧾".repeat(30) // 30 characters, 60 UTF-16 units: within maxLength 50
  success(await run(Accounts.getAccount(thirtyEmoji, "ACC00001"), server.url))
  assert.equal(server.requests.length, 1)
  assert.equal(decodeURIComponent(server.requests[0].rawPath.split("/")[2]), thirtyEmoji)

  const error = failure(await run(Accounts.getAccount("🧾".repeat(51), "ACC00001"), server.url))
  assert.equal(error._tag, "InvalidRequest")
  assert.match(error.message, /customer_id: expected at most 50 characters, got 51/)
  assert.equal(server.requests.length, 1, "nothing more was sent")
})
