/**
 * A usage-based billing workflow end to end, as an app writes it: define
 * what is metered (an event schema, a COUNT meter and a filtered SUM meter),
 * price it (a tiered plan), onboard a customer with its account, associate
 * the plan, send a month of usage through `Events.ingestAll` (with a few
 * deliberately invalid events), and read usage and revenue back with
 * `Metrics.getMetrics`. `billing-workflow.ts` runs it (`deno task demo`);
 * `tests/UsageBilling.test.ts` tests it offline against the simulator.
 */
import * as Console from "effect/Console"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Accounts, Customers, Events, EventSchemas, Metrics, PricePlans, type Schemas, UsageMeters } from "../mod.ts"

/** The names the workflow creates. */
export const names = {
  eventSchema: "ride",
  rides: "rides",
  distance: "distance",
  pricePlan: "Rides - Metro",
  customer: "acme-mobility",
  account: "ACME-RIDES",
} as const

/** The cities of the rides; the distance meter counts only the first two. */
export const cities = ["chennai", "mumbai", "pune"] as const

/** Ride `i` of a run: its city, distance and day of the month; the same every run, so totals can be worked out. */
export const ride = (i: number) => ({
  city: cities[i % cities.length],
  distance: (i % 20) + 1,
  day: i % 30,
})

/** The plan's tiers: rides cost 1.00 each up to 5,000 in a month, 0.50 after; distance 0.10 a kilometre. */
export const prices = { ridesUpTo: 5_000, ridePrice: 1, rideAfterPrice: 0.5, perKilometre: 0.1 } as const

/** What the workflow found, for the demo to print and the test to check. */
export interface Report {
  readonly sent: number
  readonly accepted: number
  readonly rejected: ReadonlyArray<{ readonly id: string | undefined; readonly reason: string }>
  readonly failedInProcessing: ReadonlyArray<{ readonly id: string; readonly status: string }>
  /** Per meter: usage and revenue over the period. */
  readonly totals: Readonly<Record<string, { readonly usage: number; readonly revenue: number }>>
  /** Per day of the period (UTC midnight, ISO date): revenue of all meters. */
  readonly revenueByDay: ReadonlyArray<{ readonly day: string; readonly revenue: number }>
}

const sum = (values: ReadonlyArray<number>): number => values.reduce((total, value) => total + value, 0)

/**
 * Runs the loop from an empty Togai: `events` rides spread over the 30 days
 * from `periodStart` (a UTC midnight), then three invalid ones.
 */
export const usageBillingWorkflow = (
  options: { readonly events: number; readonly periodStart: DateTime.Utc },
  say: (line: string) => Effect.Effect<void> = Console.log,
) =>
  Effect.gen(function* () {
    yield* say("1. Define what is metered: an event schema 'ride' (distance in km; the city as a dimension)")
    yield* EventSchemas.createEventSchema({
      name: names.eventSchema,
      description: "A completed ride",
      attributes: [{ name: "distance", default_unit: "kms" }],
      dimensions: [{ name: "city" }],
    })
    yield* EventSchemas.activateEventSchema(names.eventSchema)

    yield* say("2. Two usage meters on it: every ride (COUNT), and kilometres in Chennai and Mumbai (SUM)")
    yield* UsageMeters.createUsageMeter(names.eventSchema, {
      name: names.rides,
      description: "Rides taken",
      type: "COUNTER",
      aggregation: "COUNT",
    })
    yield* UsageMeters.createUsageMeter(names.eventSchema, {
      name: names.distance,
      description: "Kilometres driven in the metro cities",
      type: "COUNTER",
      aggregation: "SUM",
      // JSON-logic as objects: the client sends them as the JSON text the contract wants
      filters: { in: [{ var: "dimensions.city" }, ["chennai", "mumbai"]] },
      computation: { var: "attributes.distance" },
    })
    yield* UsageMeters.activateUsageMeter(names.eventSchema, names.rides)
    yield* UsageMeters.activateUsageMeter(names.eventSchema, names.distance)

    yield* say(
      `3. Price it: '${names.pricePlan}', rides ${prices.ridePrice.toFixed(2)} each up to ${prices.ridesUpTo}, ` +
        `${prices.rideAfterPrice.toFixed(2)} after; ${prices.perKilometre.toFixed(2)} a kilometre`,
    )
    yield* PricePlans.createPricePlan({
      name: names.pricePlan,
      description: "Metro rides, monthly",
      pricingCycle: {
        interval: "MONTHLY",
        startType: "STATIC",
        startOffset: { dayOffset: "1", monthOffset: "NIL" },
        gracePeriod: 0,
      },
      rateCard: {
        type: "USAGE",
        usageConfig: {
          [names.rides]: {
            name: "Rides",
            rateStrategy: "PER_UNIT",
            slabStrategy: "TIER",
            slabs: [
              { order: 1, startAfter: 0, rate: prices.ridePrice },
              { order: 2, startAfter: prices.ridesUpTo, rate: prices.rideAfterPrice },
            ],
          },
          [names.distance]: {
            name: "Distance",
            rateStrategy: "PER_UNIT",
            slabStrategy: "TIER",
            slabs: [{ order: 1, startAfter: 0, rate: prices.perKilometre }],
          },
        },
      },
    })
    yield* PricePlans.activatePricePlan(names.pricePlan)

    yield* say("4. Onboard a customer with its account, and put the account on the plan")
    yield* Customers.createCustomer({
      id: names.customer,
      name: "ACME Mobility",
      primaryEmail: "billing@acme.example",
      billingAddress: "201 Boulevard, Suite 400, Seattle, WA 98101, United States",
      account: { id: names.account, name: "ACME rides", aliases: ["acme-rides"] },
    })
    yield* Accounts.associatePricePlan(names.customer, names.account, { pricePlanName: names.pricePlan })

    yield* say(`5. Send ${options.events.toLocaleString("en")} rides over 30 days, and 3 that are wrong on purpose`)
    const start = DateTime.toEpochMillis(options.periodStart)
    const rides = Stream.range(0, options.events - 1).pipe(
      Stream.map((i) => {
        const { city, distance, day } = ride(i)
        return Events.event({
          id: `ride-${i}`,
          eventName: names.eventSchema,
          // every other ride by the account's alias: Togai takes either
          accountId: i % 2 === 0 ? names.account : "acme-rides",
          eventTimestamp: start + day * 86_400_000 + (i % 86_400) * 1000,
          attributes: { distance },
          dimensions: { city },
        })
      }),
    )
    const wrong = Stream.make(
      // an account Togai does not know: Togai rejects it (207)
      Events.event({ id: "ride-unknown-account", eventName: names.eventSchema, accountId: "NO-SUCH-ACCOUNT" }),
      // an id of 300 characters breaks the contract: the client rejects it and never sends it
      Events.event({ id: "x".repeat(300), eventName: names.eventSchema, accountId: names.account }),
      // an attribute the schema does not declare: accepted, then fails in Togai's pipeline (not metered)
      Events.event({
        id: "ride-bad-attribute",
        eventName: names.eventSchema,
        accountId: names.account,
        eventTimestamp: start,
        attributes: { speed: 80 },
      }),
    )
    const summary = yield* Events.ingestAll(Stream.concat(rides, wrong))
    yield* say(
      `   ${summary.accepted.toLocaleString("en")} of ${summary.events.toLocaleString("en")} accepted, ` +
        `${summary.rejected.length} rejected (expected: the two wrong on purpose)`,
    )
    for (const rejection of summary.rejected) {
      const id = rejection.event?.id
      yield* say(`   - ${id === undefined ? "?" : id.length > 24 ? `${id.slice(0, 21)}...` : id}: ${rejection.reason}`)
    }
    const failed = yield* Events.getEvents({ accountId: names.account, status: "UNPROCESSED" })
    const failedInProcessing = failed.events.map((event) => ({
      id: event.eventPayload.id,
      status: event.ingestionStatus.status,
    }))
    for (const event of failedInProcessing) {
      yield* say(`   - ${event.id}: accepted, then ${event.status} (expected: the undeclared attribute)`)
    }

    yield* say("6. Read usage and revenue of the period back")
    const end = DateTime.add(options.periodStart, { days: 30 })
    const filters = [{ fieldName: "ACCOUNT_ID", fieldValues: [names.account] }]
    const metrics = yield* Metrics.getMetrics({
      startTime: options.periodStart,
      endTime: end,
      metricQueries: [
        { id: "usage", name: "USAGE", aggregationPeriod: "DAY", groupBy: "USAGE_METER_NAME", filters },
        { id: "revenue", name: "REVENUE", aggregationPeriod: "DAY", groupBy: "USAGE_METER_NAME", filters },
      ],
    })
    const series = (id: string): ReadonlyArray<Schemas.MetricDataPoints> =>
      metrics.results.find((result) => result.id === id)?.data ?? []
    const byMeter = (id: string, meter: string): ReadonlyArray<number> =>
      series(id).find((points) => points.groupedBy?.fieldValue === meter)?.metricValues ?? []
    const totals = Object.fromEntries(
      [names.rides, names.distance].map((meter) => [meter, {
        usage: sum(byMeter("usage", meter)),
        revenue: sum(byMeter("revenue", meter)),
      }]),
    )
    const days = series("revenue")[0]?.timestamps ?? []
    const revenueByDay = days.map((timestamp, index) => ({
      day: DateTime.formatIsoDateUtc(timestamp),
      revenue: sum(series("revenue").map((points) => points.metricValues[index] ?? 0)),
    }))
    return {
      sent: summary.events,
      accepted: summary.accepted,
      rejected: summary.rejected.map((rejection) => ({ id: rejection.event?.id, reason: rejection.reason })),
      failedInProcessing,
      totals,
      revenueByDay,
    } satisfies Report
  })

/** The report as a small table and a per-day bar chart, for a terminal. */
export const render = (report: Report): ReadonlyArray<string> => {
  const money = (value: number) => value.toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 })
  const lines = [
    "",
    "   meter       usage        revenue",
    ...Object.entries(report.totals).map(([meter, total]) =>
      `   ${meter.padEnd(10)} ${total.usage.toLocaleString("en").padStart(9)} ${money(total.revenue).padStart(14)}`
    ),
    `   ${"total".padEnd(10)} ${"".padStart(9)} ${
      money(sum(Object.values(report.totals).map((total) => total.revenue))).padStart(14)
    }`,
    "",
    "   revenue per day",
  ]
  const highest = Math.max(1, ...report.revenueByDay.map((day) => day.revenue))
  for (const day of report.revenueByDay) {
    const bar = "#".repeat(Math.round((day.revenue / highest) * 40))
    lines.push(`   ${day.day.slice(5)} ${bar.padEnd(40)} ${money(day.revenue).padStart(10)}`)
  }
  return lines
}
