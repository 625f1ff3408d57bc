/**
 * The demo's usage-based billing loop (`examples/usage-billing.ts`), tested
 * as a user tests a workflow: with nothing but `Simulator.layer`, and the
 * expected usage and revenue worked out by hand from the rides it sends.
 */
import assert from "node:assert/strict"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import { Simulator } from "../src/testing/mod.ts"
import { cities, names, prices, ride, usageBillingWorkflow } from "../examples/usage-billing.ts"

const periodStart = DateTime.unsafeMake("2026-11-01T00:00:00Z")

Deno.test("the billing loop: 10,000 rides metered and priced across the tier boundary, the wrong ones reported", async () => {
  const events = 10_000
  const lines: Array<string> = []
  const report = await Effect.runPromise(
    usageBillingWorkflow({ events, periodStart }, (line) => Effect.sync(() => void lines.push(line))).pipe(
      Effect.provide(Simulator.layer({ now: () => DateTime.toDate(periodStart) })),
    ),
  )

  // by hand: every ride counts; kilometres only in the first two cities
  let kilometres = 0
  for (let i = 0; i < events; i++) {
    const { city, distance } = ride(i)
    if (city !== cities[2]) kilometres += distance
  }
  const rideRevenue = prices.ridesUpTo * prices.ridePrice + (events - prices.ridesUpTo) * prices.rideAfterPrice
  assert.deepEqual(report.totals[names.rides], { usage: events, revenue: rideRevenue })
  assert.equal(report.totals[names.distance].usage, kilometres)
  assert.ok(Math.abs(report.totals[names.distance].revenue - kilometres * prices.perKilometre) < 1e-6)

  assert.equal(report.sent, events + 3)
  assert.equal(report.accepted, events + 1, "the rides, and the event whose attribute fails later")
  assert.deepEqual(report.rejected.map((rejection) => rejection.id?.slice(0, 20)), [
    "ride-unknown-account",
    "x".repeat(20),
  ])
  assert.match(report.rejected[1].reason, /id: Expected 1 to 255 characters, got 300/)
  assert.deepEqual(report.failedInProcessing, [{ id: "ride-bad-attribute", status: "INGESTION_FAILED_UNITS_INVALID" }])

  // the days add up to the period, and every day of the 30 had rides
  assert.equal(report.revenueByDay.length, 30)
  assert.equal(report.revenueByDay[0].day, "2026-11-01")
  const total = report.revenueByDay.reduce((sum, day) => sum + day.revenue, 0)
  assert.ok(Math.abs(total - (rideRevenue + kilometres * prices.perKilometre)) < 1e-6)
  assert.ok(report.revenueByDay.every((day) => day.revenue > 0))
  assert.ok(lines.some((line) => line.startsWith("5. Send 10,000 rides")))
})
