// Run by `deno task node-check` under Node, next to the compiled package: one call of every module of the
// package, over real HTTP, against the Togai simulator (`@effect-togai/client/testing`) served with node:http on
// 127.0.0.1, through the package's entry points and `Togai.layer` (FetchHttpClient). Any failed assertion exits
// non-zero.
import assert from "node:assert/strict"
import * as Chunk from "effect/Chunk"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import {
  Accounts,
  Customers,
  Events,
  EventSchemas,
  Metrics,
  PricePlans,
  Retry,
  Schemas,
  Togai,
  TogaiError,
  UsageMeters,
} from "@effect-togai/client"
import * as AccountsEntry from "@effect-togai/client/Accounts"
import { Simulator } from "@effect-togai/client/testing"

const periodStart = DateTime.unsafeMake("2026-11-01T00:00:00Z")
const simulator = Simulator.make({ now: () => DateTime.toDate(periodStart) })
const server = await simulator.listen()
const TogaiLive = Togai.layer({ token: simulator.token, baseUrl: server.url, retry: false })

const program = Effect.gen(function* () {
  yield* EventSchemas.createEventSchema({ name: "ride", attributes: [{ name: "distance" }], dimensions: [] })
  const schema = yield* EventSchemas.activateEventSchema("ride")
  yield* UsageMeters.createUsageMeter("ride", {
    name: "distance",
    type: "COUNTER",
    aggregation: "SUM",
    computation: { var: "attributes.distance" },
  })
  const meter = yield* UsageMeters.activateUsageMeter("ride", "distance")
  yield* PricePlans.createPricePlan({
    name: "Rides",
    pricingCycle: {
      interval: "MONTHLY",
      startType: "STATIC",
      startOffset: { dayOffset: "1", monthOffset: "NIL" },
      gracePeriod: 0,
    },
    rateCard: {
      type: "USAGE",
      usageConfig: {
        distance: {
          name: "Distance",
          rateStrategy: "PER_UNIT",
          slabStrategy: "TIER",
          slabs: [{ order: 1, startAfter: 0, rate: 2 }],
        },
      },
    },
  })
  const plan = yield* PricePlans.activatePricePlan("Rides")
  yield* Customers.createCustomer({
    id: "customer/1",
    name: "ACME Mobility",
    primaryEmail: "billing@acme.example",
    billingAddress: "201 Boulevard, Suite 400, Seattle, WA 98101, United States",
    account: { id: "ACC1", name: "Primary" },
  })
  yield* Accounts.associatePricePlan("customer/1", "ACC1", { pricePlanName: "Rides" })
  const account = yield* AccountsEntry.getAccount("customer/1", "ACC1")
  const customers = yield* Stream.runCollect(Customers.stream({ pageSize: 1 }))
  const batch = yield* Events.ingestBatch({
    events: [1, 2, 3].map((n) =>
      Events.event({
        id: `ride-${n}`,
        eventName: "ride",
        accountId: "ACC1",
        eventTimestamp: periodStart,
        attributes: { distance: n },
      })
    ),
  })
  const listed = yield* Events.getEvents({ accountId: "ACC1" })
  const metrics = yield* Metrics.getMetrics({
    startTime: periodStart,
    endTime: DateTime.add(periodStart, { days: 1 }),
    metricQueries: [{ id: "revenue", name: "REVENUE", aggregationPeriod: "DAY" }],
  })
  const missing = yield* Customers.getCustomer("nobody").pipe(
    Effect.map(() => "found"),
    Effect.catchTag("NotFound", (error) => Effect.succeed(`NotFound ${error.status}`)),
  )
  const invalid = yield* Accounts.createAccount("customer/1", { id: "x", name: "ab" }).pipe(
    Effect.flip,
    Effect.map((error) => error._tag),
  )
  return { schema, meter, plan, account, customers, batch, listed, metrics, missing, invalid }
})

try {
  const result = await Effect.runPromise(program.pipe(Effect.provide(TogaiLive)))
  assert.equal(result.schema.status, "ACTIVE")
  assert.equal(result.meter.status, "ACTIVE")
  assert.equal(result.plan.status, "ACTIVE")
  assert.deepEqual(result.account, { id: "ACC1", name: "Primary", status: "ACTIVE", aliases: [] })
  assert.deepEqual(Chunk.toReadonlyArray(result.customers).map((customer) => customer.id), ["customer/1"])
  assert.equal(result.batch.status, 202)
  assert.equal(result.listed.events.length, 3)
  assert.ok(DateTime.isDateTime(result.listed.events[0].eventPayload.eventTimestamp))
  assert.deepEqual(result.metrics.results[0].data[0].metricValues, [12])
  assert.equal(result.missing, "NotFound 404")
  assert.equal(result.invalid, "InvalidRequest")
  assert.deepEqual(Schema.decodeUnknownSync(Schemas.Account)(result.account), result.account)
  assert.ok(Retry.isRetryable(new TogaiError.RateLimited({ operation: "getAccount", status: 429 })))
  const log = simulator.requests()
  // The id "customer/1" travelled as one percent-encoded segment.
  assert.ok(log.some((request) => request.path === "/customers/customer%2F1/accounts/ACC1"), JSON.stringify(log))
  console.log(`node smoke: ok on Node ${process.version} (${log.length} requests to the simulator over node:http)`)
} finally {
  await server.close()
}
