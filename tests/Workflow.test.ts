/**
 * How a user tests a billing workflow offline: the workflow of
 * `examples/workflow.ts`, run with nothing but `Simulator.layer(...)`, no
 * account, no network, no hand-written mock.
 */
import assert from "node:assert/strict"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { Simulator } from "../src/testing/mod.ts"
import { billingWorkflow, customerId } from "../examples/workflow.ts"
import { failure } from "./support/run.ts"

const TogaiTest = Simulator.layer({
  customers: [{ id: customerId, name: "ACME Mobility" }],
  pricePlans: ["Rides - Basic", "Rides - Pro plan"],
  now: () => new Date("2025-05-01T12:00:00Z"),
  settings: { retry: { baseDelay: "5 millis" } }, // the client's own retries, with short backoffs for the test
})

Deno.test("the billing workflow runs offline and recovers from two rate-limited listings", async () => {
  const lines: Array<string> = []
  const say = (line: string) => Effect.sync(() => void lines.push(line))
  const program = Effect.gen(function* () {
    // Retry-After: 0, so the test does not wait; the demo asks for 1 s.
    yield* Simulator.injectFault({ operation: "getAccounts", fault: { kind: "rateLimit", retryAfter: 0 }, times: 2 })
    const result = yield* billingWorkflow(say)
    return { result, log: yield* Simulator.requests }
  })
  const { result, log } = await Effect.runPromise(program.pipe(Effect.provide(TogaiTest)))

  assert.deepEqual(result.listed, ["ACC-DEMO-1", "ACC-DEMO-2", "ACC-DEMO-3"])
  assert.deepEqual(result.aliases, [
    { alias: "rides-eu", status: "ACTIVE" },
    { alias: "billing@acme.example", status: "ACTIVE" },
    { alias: "+15550100", status: "ARCHIVED" },
  ])
  assert.deepEqual(result.schedules, [
    { pricePlanName: "Rides - Basic", from: "2025-05-01", until: "2030-01-01", override: false },
    { pricePlanName: "Rides - Pro plan", from: "2030-01-01", until: "open end", override: true },
  ])
  assert.equal(result.renamed, "Rides - Americas")
  assert.match(result.afterDelete, /^NotFound/)
  assert.equal(log.filter((request) => request.status === 429).length, 2)
  const retries = lines.filter((line) => line.includes("Togai.getAccounts: retry"))
  assert.equal(retries.length, 2, "each retry is told")
  assert.ok(retries.every((line) => line.includes("429 Too Many Requests")))
  assert.equal(log.filter((request) => request.operation === "deleteAccount" && request.status === 200).length, 3)
})

Deno.test("the workflow stops with NotFound when Togai does not know the customer", async () => {
  const exit = await Effect.runPromiseExit(
    billingWorkflow(() => Effect.void).pipe(Effect.provide(Simulator.layer({ customers: [{ id: "someone-else" }] }))),
  )
  assert.ok(Exit.isFailure(exit))
  const error = failure(exit)
  assert.ok(error._tag === "NotFound" && error.operation === "createAccount")
  assert.match(error.message, /Customer demo-customer not found/)
})

Deno.test("the workflow gives up with RateLimited when Togai keeps rate-limiting past the retries", async () => {
  const lines: Array<string> = []
  const simulator = Simulator.make({
    customers: [{ id: customerId }],
    pricePlans: ["Rides - Basic", "Rides - Pro plan"],
  })
  simulator.injectFault({ operation: "getAccounts", fault: { kind: "rateLimit", retryAfter: 0 }, times: Infinity })
  const exit = await Effect.runPromiseExit(
    billingWorkflow((line) => Effect.sync(() => void lines.push(line))).pipe(
      Effect.provide(Simulator.layerFrom(simulator, { retry: { maxRetries: 3, baseDelay: "1 millis" } })),
    ),
  )
  const error = failure(exit)
  assert.ok(error._tag === "RateLimited" && error.operation === "getAccounts")
  assert.equal(simulator.requests().filter((request) => request.status === 429).length, 4, "1 attempt and 3 retries")
  assert.equal(lines.filter((line) => line.includes(": retry ")).length, 3, "no promise of a retry not made")
  assert.equal(simulator.accounts(customerId).length, 3, "the accounts created before the listing stay")
})
