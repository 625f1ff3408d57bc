/**
 * The Togai simulator: its state transitions through the client, every
 * error status it answers, every fault it injects, both transports (in
 * process and loopback, with Deno's server and node:http), and its request
 * log, which never holds the token.
 */
import assert from "node:assert/strict"
import * as Chunk from "effect/Chunk"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import { Accounts, Auth, Togai, type TogaiConfig } from "../mod.ts"
import { Simulator } from "../src/testing/mod.ts"
import { listen } from "../src/testing/internal/loopback.ts"
import { failure, success } from "./support/run.ts"

const customer = "CUST01"
const other = "CUST02"

/** Runs an effect against a simulator, in process, with retries off. */
const runOn = <A, E>(
  simulator: Simulator.TogaiSimulator,
  effect: Effect.Effect<A, E, Simulator.Services>,
  settings: TogaiConfig.SettingsInput = {},
): Promise<Exit.Exit<A, E>> =>
  Effect.runPromiseExit(effect.pipe(Effect.provide(Simulator.layerFrom(simulator, { retry: false, ...settings }))))

const seeded = (options: Simulator.Options = {}) =>
  Simulator.make({
    customers: [{ id: customer, name: "ACME" }, { id: other }],
    pricePlans: ["Rides - Basic", "Rides - Pro plan"],
    now: () => new Date("2024-03-15T10:20:30Z"),
    ...options,
  })

/** A raw request to the simulator's handler, for what the client refuses to send. */
const raw = async (
  simulator: Simulator.TogaiSimulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${simulator.token}` },
): Promise<{ readonly status: number; readonly json: unknown }> => {
  const response = await simulator.handle(
    new Request(`${Simulator.baseUrl}${path}`, {
      method,
      headers: { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    }),
  )
  return { status: response.status, json: await response.json() }
}

const messageOf = (json: unknown): string => {
  assert.ok(typeof json === "object" && json !== null && "message" in json && typeof json.message === "string")
  return json.message
}

Deno.test("an account goes through create, get, update, aliases, price plans and delete", async () => {
  const simulator = seeded()
  const program = Effect.gen(function* () {
    const created = yield* Accounts.createAccount(customer, {
      id: "ACC00001",
      name: "Primary Account",
      aliases: ["acme_primary"],
    })
    assert.deepEqual(created, {
      id: "ACC00001",
      name: "Primary Account",
      status: "ACTIVE",
      aliases: [{ alias: "acme_primary", status: "ACTIVE" }],
    })
    assert.deepEqual(yield* Accounts.getAccount(customer, "ACC00001"), created)

    const renamed = yield* Accounts.updateAccount(customer, "ACC00001", { name: "Renamed Account" })
    assert.equal(renamed.name, "Renamed Account")

    const added = yield* Accounts.addAliases(customer, "ACC00001", { aliases: ["account2@acme.com", "+1234567890"] })
    assert.deepEqual(added.aliases?.map((a) => a.alias), ["acme_primary", "account2@acme.com", "+1234567890"])

    const removed = yield* Accounts.removeAliases(customer, "ACC00001", { aliases: ["+1234567890"] })
    assert.deepEqual(removed.aliases?.find((a) => a.alias === "+1234567890"), {
      alias: "+1234567890",
      status: "ARCHIVED",
    })
    const readded = yield* Accounts.addAliases(customer, "ACC00001", { aliases: ["+1234567890"] })
    assert.equal(readded.aliases?.length, 3, "an archived alias added again comes back, not twice")
    assert.ok(readded.aliases?.every((a) => a.status === "ACTIVE"))

    const associated = yield* Accounts.associatePricePlan(customer, "ACC00001", { pricePlanName: "Rides - Basic" })
    assert.equal(associated.accountName, "Renamed Account")
    assert.equal(associated.pricingSchedules.length, 1)

    assert.deepEqual(yield* Accounts.deleteAccount(customer, "ACC00001"), { success: true })
    return yield* Effect.flip(Accounts.getAccount(customer, "ACC00001"))
  })
  const afterDelete = success(await runOn(simulator, program))
  assert.equal(afterDelete._tag, "NotFound")
  assert.match(afterDelete.message, /Account ACC00001 not found for customer CUST01/)
  assert.deepEqual(simulator.accounts(customer), [])
  assert.deepEqual(
    simulator.requests().map((r) => `${r.operation} ${r.status}`),
    [
      "createAccount 201",
      "getAccount 200",
      "updateAccount 200",
      "addAliases 200",
      "removeAliases 200",
      "addAliases 200",
      "associatePricePlan 200",
      "deleteAccount 200",
      "getAccount 404",
    ],
  )
})

Deno.test("seeded customers and accounts are there from the start; accounts belong to their customer", async () => {
  const simulator = seeded({
    customers: [{ id: customer, accounts: [{ id: "ACC1", name: "Seeded", aliases: ["seed-alias"] }] }, { id: other }],
  })
  assert.equal(success(await runOn(simulator, Accounts.getAccount(customer, "ACC1"))).name, "Seeded")
  const elsewhere = failure(await runOn(simulator, Accounts.getAccount(other, "ACC1")))
  assert.equal(elsewhere._tag, "NotFound")
  const unknown = failure(await runOn(simulator, Accounts.getAccounts("NOBODY")))
  assert.ok(unknown._tag === "NotFound" && unknown.serverMessage === "Customer NOBODY not found")
  assert.throws(() => Simulator.make({ customers: [{ id: "C", accounts: [{ id: "A", name: "ab" }] }] }), /name/)
})

Deno.test("the contract is enforced with a 400 that says what was wrong", async (t) => {
  const simulator = seeded({
    customers: [{ id: customer, accounts: [{ id: "ACC1", name: "Holder", aliases: ["taken-alias"] }] }, { id: other }],
  })
  const cases: ReadonlyArray<readonly [string, string, string, unknown, RegExp]> = [
    ["a name under 3 characters", "POST", `/customers/${customer}/accounts`, { id: "A2", name: "ab" }, /name/],
    ["a missing id", "POST", `/customers/${customer}/accounts`, { name: "Acme" }, /id.*missing/i],
    ["an unknown field", "PATCH", `/customers/${customer}/accounts/ACC1`, { name: "Acme", nick: "x" }, /nick/],
    ["a body that is not JSON", "PATCH", `/customers/${customer}/accounts/ACC1`, "{name:", /not valid JSON/],
    ["no body", "POST", `/customers/${customer}/accounts/ACC1/add_aliases`, undefined, /JSON body/],
    ["0 aliases to add", "POST", `/customers/${customer}/accounts/ACC1/add_aliases`, { aliases: [] }, /aliases/],
    ["an id of 51 characters", "GET", `/customers/${customer}/accounts/${"x".repeat(51)}`, undefined, /account_id/],
    [
      "a duplicate account id",
      "POST",
      `/customers/${other}/accounts`,
      { id: "ACC1", name: "Again" },
      /ACC1 already exists/,
    ],
    [
      "an alias another account holds",
      "POST",
      `/customers/${other}/accounts`,
      { id: "A3", name: "Other", aliases: ["taken-alias"] },
      /taken-alias is already an alias of another account/,
    ],
    [
      "the same alias twice",
      "POST",
      `/customers/${customer}/accounts/ACC1/add_aliases`,
      { aliases: ["twice", "twice"] },
      /twice/,
    ],
    [
      "more than 10 aliases in all",
      "POST",
      `/customers/${customer}/accounts/ACC1/add_aliases`,
      { aliases: Array.from({ length: 10 }, (_, i) => `alias-${i}`) },
      /at most 10 aliases.*11/,
    ],
    [
      "removing an alias the account does not hold",
      "POST",
      `/customers/${customer}/accounts/ACC1/remove_aliases`,
      { aliases: ["never-held"] },
      /never-held is not an active alias/,
    ],
    [
      "effectiveUntil without effectiveFrom",
      "POST",
      `/customers/${customer}/accounts/ACC1/price_plans`,
      { pricePlanName: "Rides - Basic", effectiveUntil: "2024-01-01" },
      /effectiveUntil/,
    ],
    [
      "a date that is not YYYY-MM-DD",
      "POST",
      `/customers/${customer}/accounts/ACC1/price_plans`,
      { pricePlanName: "Rides - Basic", effectiveFrom: "01/02/2024" },
      /effectiveFrom/,
    ],
    [
      "effectiveFrom before the account has a price plan",
      "POST",
      `/customers/${customer}/accounts/ACC1/price_plans`,
      { pricePlanName: "Rides - Basic", effectiveFrom: "2024-01-01" },
      /effectiveFrom: expected only if the account already has a price plan/,
    ],
    ["a page size of 0", "GET", `/customers/${customer}/accounts?pageSize=0`, undefined, /pageSize/],
    ["a nextToken it never issued", "GET", `/customers/${customer}/accounts?nextToken=bogus`, undefined, /nextToken/],
  ]
  for (const [label, method, path, body, message] of cases) {
    await t.step(label, async () => {
      const { status, json } = await raw(simulator, method, path, body)
      assert.equal(status, 400)
      assert.match(messageOf(json), message)
    })
  }
  assert.deepEqual(simulator.account(customer, "ACC1")?.aliases, [{ alias: "taken-alias", status: "ACTIVE" }])
  assert.deepEqual(simulator.accounts(other), [], "nothing was created by a rejected request")
})

Deno.test("a client sees the simulator's 400 as BadRequest with its message", async () => {
  const simulator = seeded({ customers: [{ id: customer, accounts: [{ id: "ACC1", name: "Holder" }] }] })
  const error = failure(await runOn(simulator, Accounts.createAccount(customer, { id: "ACC1", name: "Again" })))
  assert.ok(error._tag === "BadRequest" && error.serverMessage === "An account with id ACC1 already exists")
})

Deno.test("pages follow an opaque nextToken with pageSize and context, and the stream reads them all", async () => {
  const ids = Array.from({ length: 23 }, (_, i) => `ACC${String(i).padStart(2, "0")}`)
  const simulator = seeded({
    customers: [{ id: customer, accounts: [...ids].reverse().map((id) => ({ id, name: `Account ${id}` })) }],
  })
  const first = success(await runOn(simulator, Accounts.getAccounts(customer, { pageSize: 10 })))
  assert.deepEqual(first.data?.map((a) => a.id), ids.slice(0, 10), "sorted by id")
  assert.deepEqual(first.context, { pageSize: 10, sortOrder: "ASC" })
  assert.ok(first.nextToken !== undefined)
  assert.deepEqual(JSON.parse(atob(first.nextToken)), { lastItemId: "ACC09", pageSize: 10, sortOrder: "asc" })

  const second = success(await runOn(simulator, Accounts.getAccounts(customer, { nextToken: first.nextToken })))
  assert.deepEqual(second.data?.map((a) => a.id), ids.slice(10, 20), "the token carries the page size")
  const third = success(await runOn(simulator, Accounts.getAccounts(customer, { nextToken: second.nextToken })))
  assert.deepEqual(third.data?.map((a) => a.id), ids.slice(20))
  assert.equal(third.nextToken, undefined, "no nextToken on the last page")

  const defaults = success(await runOn(simulator, Accounts.getAccounts(customer)))
  assert.equal(defaults.data?.length, 10)
  assert.deepEqual(defaults.context, { pageSize: 10, sortOrder: "ASC" })

  simulator.clearRequests()
  const streamed = success(await runOn(simulator, Stream.runCollect(Accounts.stream(customer, { pageSize: 7 }))))
  assert.deepEqual(Chunk.toReadonlyArray(streamed).map((a) => a.id), ids)
  assert.equal(simulator.requests().length, 4, "23 accounts at 7 a page are 4 pages")
})

Deno.test("price plan associations keep pricing schedules consistent with their dates", async () => {
  const simulator = seeded({ customers: [{ id: customer, accounts: [{ id: "ACC1", name: "Primary" }] }] })
  const override = {
    type: "USAGE",
    usageConfig: {
      rides: {
        name: "rides",
        rateStrategy: "PER_UNIT",
        slabStrategy: "TIER",
        slabs: [{ rate: 100, startAfter: 0, order: 1 }],
      },
    },
  } as const
  const program = Effect.gen(function* () {
    const first = yield* Accounts.associatePricePlan(customer, "ACC1", { pricePlanName: "Rides - Basic" })
    assert.deepEqual(
      first.pricingSchedules.map((
        s,
      ) => [s.pricePlanName, DateTime.formatIso(s.startDate), DateTime.formatIso(s.endDate)]),
      [["Rides - Basic", "2024-03-15T00:00:00.000Z", "9999-01-01T00:00:00.000Z"]],
      "no effectiveFrom starts today (UTC), no effectiveUntil is open",
    )
    const second = yield* Accounts.associatePricePlan(customer, "ACC1", {
      pricePlanName: "Rides - Pro plan",
      effectiveFrom: DateTime.unsafeMake("2024-07-04"),
      effectiveUntil: DateTime.unsafeMake("2024-10-04"),
      rateCardOverride: override,
    })
    assert.equal(second.pricingSchedules[1].override?.usageConfig?.rides.rateStrategy, "PER_UNIT")
    const third = yield* Accounts.associatePricePlan(customer, "ACC1", {
      pricePlanName: "Rides - Pro plan",
      effectiveFrom: DateTime.unsafeMake("2024-12-01"),
    })
    return third
  })
  const result = success(await runOn(simulator, program))
  assert.equal(result.accountId, "ACC1")
  assert.deepEqual(
    simulator.pricingSchedules(customer, "ACC1").map((
      s,
    ) => [s.pricePlanName, s.startDate, s.endDate, s.override !== null]),
    [
      ["Rides - Basic", "2024-03-15T00:00:00Z", "2024-07-04T00:00:00Z", false],
      ["Rides - Pro plan", "2024-07-04T00:00:00Z", "2024-10-04T00:00:00Z", true],
      ["Rides - Basic", "2024-10-04T00:00:00Z", "2024-12-01T00:00:00Z", false],
      ["Rides - Pro plan", "2024-12-01T00:00:00Z", "9999-01-01T00:00:00Z", false],
    ],
    "a new association closes the previous schedule at its date; the plan it interrupted resumes after it",
  )
  const unknown = failure(
    await runOn(simulator, Accounts.associatePricePlan(customer, "ACC1", { pricePlanName: "Nope" })),
  )
  assert.ok(unknown._tag === "NotFound" && unknown.serverMessage === "Price plan Nope not found")
})

Deno.test("credentials: no or a wrong token is 401, an API key works, a limited token gets 403 elsewhere", async () => {
  const simulator = seeded({
    customers: [{ id: customer, accounts: [{ id: "ACC1", name: "Primary" }] }, { id: other }],
    limitedTokens: [{ token: "limited-token", customers: [other] }],
  })
  const none = await raw(simulator, "GET", `/customers/${customer}/accounts/ACC1`, undefined, {})
  assert.equal(none.status, 401)
  assert.match(messageOf(none.json), /Missing or invalid credentials/)

  const get = Accounts.getAccount(customer, "ACC1")
  const wrong = failure(await runOn(simulator, get.pipe(Effect.provide(Auth.bearer("wrong-token")))))
  assert.equal(wrong._tag, "Unauthorized")
  assert.equal(success(await runOn(simulator, get.pipe(Effect.provide(Auth.apiKey(simulator.token))))).id, "ACC1")

  const limited = failure(await runOn(simulator, get.pipe(Effect.provide(Auth.bearer("limited-token")))))
  assert.ok(limited._tag === "Forbidden" && limited.serverMessage === "This token has no rights to customer CUST01")
  const own = success(
    await runOn(simulator, Accounts.getAccounts(other).pipe(Effect.provide(Auth.apiKey("limited-token")))),
  )
  assert.deepEqual(own.data, [])
})

Deno.test("unknown routes are 404 and wrong methods 405, with a message", async () => {
  const simulator = seeded()
  const unknown = await raw(simulator, "GET", "/nowhere")
  assert.equal(unknown.status, 404)
  assert.match(messageOf(unknown.json), /No Togai operation at GET \/nowhere/)
  const method = await raw(simulator, "PUT", `/customers/${customer}/accounts`)
  assert.equal(method.status, 405)
})

Deno.test("fault: the next N requests of an operation answer 429 with Retry-After, others are untouched", async () => {
  const simulator = seeded({ customers: [{ id: customer, accounts: [{ id: "ACC1", name: "Primary" }] }] })
  simulator.injectFault({ operation: "getAccount", fault: { kind: "rateLimit", retryAfter: 2 }, times: 2 })
  const listed = success(await runOn(simulator, Accounts.getAccounts(customer)))
  assert.equal(listed.data?.length, 1, "another operation is not affected")
  for (let i = 0; i < 2; i++) {
    const error = failure(await runOn(simulator, Accounts.getAccount(customer, "ACC1")))
    assert.ok(error._tag === "RateLimited" && error.retryAfter !== undefined)
    assert.equal(Duration.toSeconds(error.retryAfter), 2)
  }
  assert.equal(success(await runOn(simulator, Accounts.getAccount(customer, "ACC1"))).id, "ACC1", "the third passes")

  const httpDate = new Date(Date.now() + 60_000).toUTCString()
  simulator.injectFault({ fault: { kind: "rateLimit", retryAfter: httpDate } })
  const response = await simulator.fetch(`${Simulator.baseUrl}/customers/${customer}/accounts`, {
    headers: { authorization: `Bearer ${simulator.token}` },
  })
  assert.equal(response.status, 429)
  assert.equal(response.headers.get("retry-after"), httpDate)
  await response.body?.cancel()
})

Deno.test("fault: a global fault hits every operation; 5xx answers as UnexpectedStatus", async () => {
  const simulator = seeded({ customers: [{ id: customer, accounts: [{ id: "ACC1", name: "Primary" }] }] })
  simulator.injectFault({ fault: { kind: "serverError" }, times: 2 })
  simulator.injectFault({ fault: { kind: "serverError", status: 500 } })
  const first = failure(await runOn(simulator, Accounts.getAccounts(customer)))
  const second = failure(await runOn(simulator, Accounts.deleteAccount(customer, "ACC1")))
  const third = failure(await runOn(simulator, Accounts.getAccount(customer, "ACC1")))
  assert.ok(first._tag === "UnexpectedStatus" && first.status === 503)
  assert.ok(second._tag === "UnexpectedStatus" && second.status === 503)
  assert.ok(third._tag === "UnexpectedStatus" && third.status === 500)
  assert.ok(
    simulator.account(customer, "ACC1") !== undefined,
    "a request answered with an injected 5xx changes nothing",
  )
  simulator.injectFault({ fault: { kind: "serverError" }, times: Infinity })
  simulator.clearFaults()
  assert.equal(success(await runOn(simulator, Accounts.getAccount(customer, "ACC1"))).id, "ACC1")
})

Deno.test("fault: latency delays the answer; a client timeout aborts it and the simulator stops waiting", async () => {
  const simulator = seeded({ customers: [{ id: customer, accounts: [{ id: "ACC1", name: "Primary" }] }] })
  simulator.injectFault({ operation: "getAccount", fault: { kind: "latency", delay: "20 millis" } })
  assert.equal(success(await runOn(simulator, Accounts.getAccount(customer, "ACC1"))).id, "ACC1")

  // An hour of latency against a 50 ms timeout: Deno's sanitizer fails the test if the simulator's timer outlives it.
  simulator.injectFault({ operation: "getAccount", fault: { kind: "latency", delay: "1 hour" } })
  const error = failure(await runOn(simulator, Accounts.getAccount(customer, "ACC1"), { timeout: "50 millis" }))
  assert.ok(error._tag === "Timeout")
  assert.equal(simulator.requests().at(-1)?.outcome, "aborted")
})

Deno.test("fault: a dropped connection is a TransportError; afterProcessing drops the answer of a done request", async () => {
  const simulator = seeded()
  simulator.injectFault({ operation: "createAccount", fault: { kind: "disconnect" } })
  const dropped = failure(await runOn(simulator, Accounts.createAccount(customer, { id: "ACC1", name: "Primary" })))
  assert.equal(dropped._tag, "TransportError")
  assert.deepEqual(simulator.accounts(customer), [], "dropped before processing: nothing was created")
  assert.equal(simulator.requests().at(-1)?.outcome, "dropped")

  await assert.rejects(
    async () => {
      simulator.injectFault({ fault: { kind: "disconnect" } })
      await simulator.fetch(`${Simulator.baseUrl}/customers/${customer}/accounts`)
    },
    TypeError,
    "in process, fetch rejects with a TypeError as a network error does",
  )

  simulator.injectFault({ operation: "createAccount", fault: { kind: "disconnect", afterProcessing: true } })
  const lost = failure(await runOn(simulator, Accounts.createAccount(customer, { id: "ACC1", name: "Primary" })))
  assert.equal(lost._tag, "TransportError")
  assert.equal(simulator.account(customer, "ACC1")?.name, "Primary", "the request took effect before the drop")
  const retried = failure(await runOn(simulator, Accounts.createAccount(customer, { id: "ACC1", name: "Primary" })))
  assert.equal(retried._tag, "BadRequest", "a blind retry of a create meets the duplicate")
})

Deno.test("fault: a malformed body is a DecodeError, after the request took effect", async () => {
  const simulator = seeded()
  simulator.injectFault({ operation: "createAccount", fault: { kind: "malformedBody" } })
  const error = failure(await runOn(simulator, Accounts.createAccount(customer, { id: "ACC1", name: "Primary" })))
  assert.ok(error._tag === "DecodeError" && error.status === 201 && error.issues === "the body is not JSON")
  assert.ok(simulator.account(customer, "ACC1") !== undefined)

  simulator.injectFault({ operation: "getAccount", fault: { kind: "malformedBody", body: '{"id": 5}' } })
  const field = failure(await runOn(simulator, Accounts.getAccount(customer, "ACC1")))
  assert.ok(field._tag === "DecodeError" && field.issues.includes("id"))
})

Deno.test("the request log has method, path, query, headers and body, never the token", async () => {
  const simulator = seeded({ customers: [{ id: customer, accounts: [{ id: "ACC1", name: "Primary" }] }] })
  success(await runOn(simulator, Accounts.updateAccount(customer, "ACC1", { name: "Renamed" })))
  success(
    await runOn(
      simulator,
      Accounts.getAccounts(customer, { pageSize: 5 }).pipe(Effect.provide(Auth.apiKey(simulator.token))),
    ),
  )
  const [update, list] = simulator.requests()
  assert.equal(update.method, "PATCH")
  assert.equal(update.path, "/customers/CUST01/accounts/ACC1")
  assert.equal(update.operation, "updateAccount")
  assert.deepEqual(JSON.parse(update.body), { name: "Renamed" })
  assert.equal(update.headers["authorization"], "<redacted>")
  assert.equal(update.headers["content-type"], "application/json")
  assert.equal(list.query, "?pageSize=5")
  assert.equal(list.headers["x-api-key"], "<redacted>")
  assert.ok(!JSON.stringify(simulator.requests()).includes(simulator.token), "the token is nowhere in the log")
})

Deno.test("Simulator.layer alone runs a workflow, and the Simulator service reaches the log and faults", async () => {
  const program = Effect.gen(function* () {
    yield* Simulator.injectFault({ operation: "getAccounts", fault: { kind: "rateLimit", retryAfter: 0 } })
    yield* Accounts.createAccount(customer, { id: "ACC1", name: "Primary" })
    const limited = yield* Effect.flip(Accounts.getAccounts(customer))
    const page = yield* Accounts.getAccounts(customer)
    const log = yield* Simulator.requests
    return { limited: limited._tag, ids: page.data?.map((a) => a.id), statuses: log.map((r) => r.status) }
  })
  const result = await Effect.runPromise(
    program.pipe(Effect.provide(Simulator.layer({ customers: [{ id: customer }], settings: { retry: false } }))),
  )
  assert.deepEqual(result, { limited: "RateLimited", ids: ["ACC1"], statuses: [201, 429, 200] })
})

Deno.test("each Simulator.layer provide starts a fresh simulator", async () => {
  const layer = Simulator.layer({ customers: [{ id: customer }] })
  const create = Accounts.createAccount(customer, { id: "ACC1", name: "Primary" }).pipe(Effect.provide(layer))
  success(await Effect.runPromiseExit(create))
  success(await Effect.runPromiseExit(create))
})

/** The same workflow over a real port, through `Togai.layer`, as an app would call Togai. */
const overLoopback = async (server: Simulator.LoopbackServer, simulator: Simulator.TogaiSimulator) => {
  const run = <A, E>(effect: Effect.Effect<A, E, Togai.Requirements>, settings: TogaiConfig.SettingsInput = {}) =>
    Effect.runPromiseExit(
      effect.pipe(
        Effect.provide(Togai.layer({ token: simulator.token, baseUrl: server.url, retry: false, ...settings })),
      ),
    )
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
  const created = success(
    await run(Accounts.createAccount(customer, { id: "a/b c", name: "Primary", aliases: ["x-1"] })),
  )
  assert.equal(created.id, "a/b c")
  assert.equal(success(await run(Accounts.getAccount(customer, "a/b c"))).name, "Primary")
  assert.equal(simulator.requests().at(-1)?.path, "/customers/CUST01/accounts/a%2Fb%20c")

  simulator.injectFault({ fault: { kind: "rateLimit", retryAfter: 3 } })
  const limited = failure(await run(Accounts.getAccount(customer, "a/b c")))
  assert.ok(limited._tag === "RateLimited" && limited.retryAfter !== undefined)

  simulator.injectFault({ fault: { kind: "disconnect" } })
  assert.equal(failure(await run(Accounts.getAccount(customer, "a/b c")))._tag, "TransportError")

  simulator.injectFault({ fault: { kind: "latency", delay: "1 hour" } })
  assert.equal(failure(await run(Accounts.getAccount(customer, "a/b c"), { timeout: "50 millis" }))._tag, "Timeout")

  assert.deepEqual(success(await run(Accounts.deleteAccount(customer, "a/b c"))), { success: true })
  const unauthorized = failure(
    await Effect.runPromiseExit(
      Accounts.getAccounts(customer).pipe(Effect.provide(Togai.layer({ token: "wrong", baseUrl: server.url }))),
    ),
  )
  assert.equal(unauthorized._tag, "Unauthorized")
}

Deno.test("served on 127.0.0.1 with Deno.serve, the same simulator answers over a real socket", async () => {
  const simulator = seeded()
  await using server = await simulator.listen()
  await overLoopback(server, simulator)
})

Deno.test("served on 127.0.0.1 with node:http (the Node path), the same simulator answers over a real socket", async () => {
  const simulator = seeded()
  await using server = await listen(simulator.handle, 0, "node")
  await overLoopback(server, simulator)
})

/** The files a module imports, following relative imports, static and dynamic. */
const importGraph = async (entry: URL, dynamic: boolean): Promise<Map<string, string>> => {
  const seen = new Map<string, string>()
  const visit = async (url: URL) => {
    if (seen.has(url.href)) return
    const text = await Deno.readTextFile(url)
    seen.set(url.href, text)
    const pattern = dynamic ? /(?:from|import\()\s*"(\.[^"]+)"/g : /from\s+"(\.[^"]+)"/g
    for (const match of text.matchAll(pattern)) await visit(new URL(match[1], url))
  }
  await visit(entry)
  return seen
}

Deno.test("the main entry never imports the simulator; the in-process path has no Deno.* or node:", async () => {
  const main = await importGraph(new URL("../mod.ts", import.meta.url), true)
  assert.ok([...main.keys()].every((file) => !file.includes("/testing/")), "mod.ts reaches no testing module")

  const inProcess = await importGraph(new URL("../src/testing/mod.ts", import.meta.url), false)
  assert.ok([...inProcess.keys()].some((file) => file.endsWith("/testing/internal/handler.ts")))
  for (const [file, text] of inProcess) {
    const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "")
    assert.ok(!/"node:/.test(code) && !/\bDeno\./.test(code), `${file} uses Deno.* or node:`)
  }
})
