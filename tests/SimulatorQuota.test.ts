/**
 * The simulator's quotas: past Togai's requests-a-second a request is a 429
 * with Retry-After, counted apart for ingestion and the rest, so a workflow
 * can be shown to stay inside them.
 */
import assert from "node:assert/strict"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Accounts, RateLimit } from "../mod.ts"
import { Simulator } from "../src/testing/mod.ts"
import { failure, success } from "./support/run.ts"

const seeded = (quota: Simulator.Options["quota"], now?: () => Date) =>
  Simulator.make({
    quota,
    now,
    customers: [{ id: "CUST01", accounts: [{ id: "ACC1", name: "Primary" }] }],
  })

Deno.test("past the quota of a second, requests answer 429 with the seconds left as Retry-After", async () => {
  // the business clock stands still; quotas count in real time all the same
  const simulator = seeded({ other: 2 }, () => new Date("2026-01-01T00:00:00Z"))
  const layer = Simulator.layerFrom(simulator, { retry: false })
  const call = Effect.runPromiseExit(Accounts.getAccount("CUST01", "ACC1").pipe(Effect.provide(layer)))
  success(await call)
  success(await Effect.runPromiseExit(Accounts.getAccount("CUST01", "ACC1").pipe(Effect.provide(layer))))
  const limited = failure(
    await Effect.runPromiseExit(Accounts.getAccount("CUST01", "ACC1").pipe(Effect.provide(layer))),
  )
  assert.equal(limited._tag, "RateLimited")
  assert.ok(limited._tag === "RateLimited" && limited.retryAfter !== undefined)
  assert.equal(simulator.requests().at(-1)?.status, 429)
  // a second later the bucket has refilled
  await new Promise((resolve) => setTimeout(resolve, 1100))
  success(await Effect.runPromiseExit(Accounts.getAccount("CUST01", "ACC1").pipe(Effect.provide(layer))))
})

Deno.test("a client-side RateLimit under the quota gets no 429 at all", async () => {
  const simulator = seeded({ other: 5 })
  const layer = Layer.merge(Simulator.layerFrom(simulator), RateLimit.layer({ limit: 4, interval: "1 second" }))
  const program = Effect.forEach(
    Array.from({ length: 8 }, () => Accounts.getAccount("CUST01", "ACC1")),
    (call) => call,
    { concurrency: 8 },
  )
  success(await Effect.runPromiseExit(program.pipe(Effect.provide(layer))))
  assert.equal(simulator.requests().length, 8)
  assert.ok(simulator.requests().every((request) => request.status === 200))
})

Deno.test("without a quota option nothing is limited", async () => {
  const simulator = seeded(undefined)
  const layer = Simulator.layerFrom(simulator, { retry: false })
  const program = Effect.forEach(
    Array.from({ length: 30 }, () => Accounts.getAccount("CUST01", "ACC1")),
    (call) => call,
    { concurrency: 30 },
  )
  success(await Effect.runPromiseExit(program.pipe(Effect.provide(layer))))
  assert.ok(simulator.requests().every((request) => request.status === 200))
})
