/**
 * The five price plan operations and the price plan stream against a real
 * HTTP server on loopback that records what it received: the exact request
 * bytes, the decoded answers (pricing schedules' dates as `DateTime.Utc`),
 * input refused before sending, and every documented error status mapped
 * to its tag.
 */
import assert from "node:assert/strict"
import * as Chunk from "effect/Chunk"
import type * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { Togai, TogaiError } from "../mod.ts"
import * as PricePlans from "../src/PricePlans.ts"
import { json, type Recorded, startServer } from "./support/server.ts"
import { checkStatusTags } from "./support/statuses.ts"
import { failure, run, success, token } from "./support/run.ts"

const pricingCycle = {
  interval: "MONTHLY",
  startType: "STATIC",
  startOffset: { dayOffset: "1", monthOffset: "NIL" },
  gracePeriod: 3,
} as const

const rateCard = {
  type: "USAGE",
  usageConfig: {
    Distance: {
      name: "Distance",
      rateStrategy: "PER_UNIT",
      slabStrategy: "TIER",
      slabs: [{ rate: 0.5, startAfter: 0, order: 1 }, { rate: 0.3, startAfter: 1000, order: 2 }],
    },
  },
} as const

const pricePlan = {
  name: "Rides - Pro plan",
  description: "Pro riders",
  status: "DRAFT",
  pricingCycle,
  pricingSchedule: [
    { startDate: "2022-01-04T00:00:00", endDate: "2022-02-04T00:00:00Z", ratePayload: rateCard },
    { startDate: "2022-02-04T00:00:00.000+00:00", endDate: "9999-01-01T00:00:00" },
  ],
}

const listed = {
  name: "Rides - Pro plan",
  description: "",
  status: "ACTIVE",
  pricingCycle,
  usageMeters: ["Distance", "Rides"],
  pricingType: "USAGE",
  createdAt: "2020-01-01T00:00:00",
  updatedAt: "2020-01-02T03:04:05Z",
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

Deno.test("getPricePlans sends GET /price_plans with nextToken and pageSize and decodes the page", async () => {
  const page = { data: [listed], nextToken: "tok2", context: { pageSize: 5, sortOrder: "asc" } }
  await using server = startServer(() => json(200, page))
  const result = success(await run(PricePlans.getPricePlans({ nextToken: "tok1", pageSize: 5 }), server.url))
  expectRequest(server.requests[0], {
    method: "GET",
    rawPath: "/price_plans",
    query: { nextToken: "tok1", pageSize: "5" },
  })
  assert.equal(result.nextToken, "tok2")
  assert.deepEqual(result.context, { pageSize: 5, sortOrder: "ASC" })
  const [first] = result.data ?? []
  assert.equal(first.name, "Rides - Pro plan")
  assert.deepEqual(first.usageMeters, ["Distance", "Rides"])
  assert.deepEqual(first.pricingCycle, pricingCycle)
  assert.equal(first.createdAt.epochMillis, Date.UTC(2020, 0, 1), "a date-time without an offset is UTC")
  assert.equal(first.updatedAt.epochMillis, Date.UTC(2020, 0, 2, 3, 4, 5))

  success(await run(PricePlans.getPricePlans(), server.url))
  expectRequest(server.requests[1], { method: "GET", rawPath: "/price_plans" })
})

Deno.test("createPricePlan sends POST /price_plans with the JSON body and decodes the 200 answer", async () => {
  await using server = startServer(() => json(200, pricePlan))
  const body = { name: "Rides - Pro plan", description: "Pro riders", pricingCycle, rateCard }
  const result = success(await run(PricePlans.createPricePlan(body), server.url))
  expectRequest(server.requests[0], { method: "POST", rawPath: "/price_plans", body })
  assert.equal(result.status, "DRAFT")
  assert.deepEqual(result.pricingSchedule[0].ratePayload, rateCard)
  assert.equal(result.pricingSchedule[0].startDate.epochMillis, Date.UTC(2022, 0, 4))
  assert.equal(result.pricingSchedule[1].endDate.epochMillis, Date.UTC(9999, 0, 1))

  await using created = startServer(() => json(201, pricePlan))
  const error = failure(await run(PricePlans.createPricePlan(body), created.url))
  assert.ok(error._tag === "UnexpectedStatus" && error.status === 201, "this create answers 200 per the spec")
})

Deno.test("createPricePlan sends a bundle rate card as given", async () => {
  await using server = startServer(() => json(200, pricePlan))
  const bundleCard = {
    type: "BUNDLE",
    bundleConfig: {
      rateStrategy: "FLAT",
      slabStrategy: "TIER",
      bundles: [
        {
          name: "First 10 rides",
          rate: 100,
          order: 1,
          usageMeters: { Distance: { startAfter: 0 }, Rides: { startAfter: 0 } },
        },
        {
          name: "Next 490 rides",
          rate: 40,
          order: 2,
          usageMeters: { Distance: { startAfter: 10 }, Rides: { startAfter: 500 } },
        },
      ],
    },
  } as const
  success(
    await run(PricePlans.createPricePlan({ name: "Bundle plan", pricingCycle, rateCard: bundleCard }), server.url),
  )
  assert.deepEqual(JSON.parse(server.requests[0].body), { name: "Bundle plan", pricingCycle, rateCard: bundleCard })
})

Deno.test("getPricePlan sends GET with the plan name percent-encoded as one segment", async () => {
  await using server = startServer(() => json(200, pricePlan))
  const result = success(await run(PricePlans.getPricePlan("Rides - Pro plan"), server.url))
  expectRequest(server.requests[0], { method: "GET", rawPath: "/price_plans/Rides%20-%20Pro%20plan" })
  assert.equal(result.name, "Rides - Pro plan")
  assert.equal(result.pricingSchedule[1].startDate.epochMillis, Date.UTC(2022, 1, 4))

  success(await run(PricePlans.getPricePlan("Pro/50% off?#"), server.url))
  assert.equal(server.requests[1].rawPath, "/price_plans/Pro%2F50%25%20off%3F%23")
  assert.equal([...server.requests[1].query].length, 0)
})

Deno.test("updatePricePlan sends PATCH with only the fields given", async () => {
  await using server = startServer(() => json(200, { ...pricePlan, description: "updated description" }))
  const body = { description: "updated description", pricingCycle: { ...pricingCycle, gracePeriod: 5 } }
  const result = success(await run(PricePlans.updatePricePlan("Rides - Pro plan", body), server.url))
  expectRequest(server.requests[0], { method: "PATCH", rawPath: "/price_plans/Rides%20-%20Pro%20plan", body })
  assert.equal(result.description, "updated description")
})

Deno.test("activatePricePlan sends POST .../activate without a body and decodes the plan", async () => {
  await using server = startServer(() => json(200, { ...pricePlan, status: "ACTIVE" }))
  const result = success(await run(PricePlans.activatePricePlan("Rides - Pro plan"), server.url))
  expectRequest(server.requests[0], { method: "POST", rawPath: "/price_plans/Rides%20-%20Pro%20plan/activate" })
  assert.equal(result.status, "ACTIVE")
  assert.equal(result.pricingSchedule[0].endDate.epochMillis, Date.UTC(2022, 1, 4))
})

/** A server that pages `names` two at a time; the last page carries `lastToken` (absent when undefined). */
const pagingServer = (names: ReadonlyArray<string>, lastToken: string | undefined) =>
  startServer((request) => {
    const start = Number((request.query.get("nextToken") ?? "page-0").slice("page-".length))
    const data = names.slice(start, start + 2).map((name) => ({ ...listed, name }))
    const nextToken = start + 2 < names.length ? `page-${start + 2}` : lastToken
    return json(200, nextToken === undefined ? { data } : { data, nextToken })
  })

Deno.test("PricePlans.stream follows nextToken over every page and stops at the last", async (t) => {
  const names = ["Basic", "Pro", "Enterprise", "Startup"]
  for (const [label, lastToken] of [["no nextToken", undefined], ["an empty nextToken", ""]] as const) {
    await t.step(`the last page has ${label}`, async () => {
      await using server = pagingServer(names, lastToken)
      const all = success(await run(Stream.runCollect(PricePlans.stream({ pageSize: 2 })), server.url))
      assert.deepEqual(Chunk.toReadonlyArray(all).map((plan) => plan.name), names)
      assert.equal(Chunk.unsafeGet(all, 3).updatedAt.epochMillis, Date.UTC(2020, 0, 2, 3, 4, 5))
      assert.deepEqual(server.requests.map((r) => r.query.get("nextToken")), [null, "page-2"])
      for (const request of server.requests) {
        const nextToken = request.query.get("nextToken")
        expectRequest(request, {
          method: "GET",
          rawPath: "/price_plans",
          query: { pageSize: "2", ...(nextToken === null ? {} : { nextToken }) },
        })
      }
    })
  }
})

Deno.test("PricePlans.stream fails with PaginationError when the server repeats a token", async () => {
  await using server = startServer(() => json(200, { data: [listed], nextToken: "same" }))
  const error = failure(await run(Stream.runCollect(PricePlans.stream()), server.url))
  assert.ok(error._tag === "PaginationError" && error.operation === "getPricePlans")
  assert.equal(server.requests.length, 2)
})

Deno.test("PricePlans.stream surfaces a page's error as its tag", async () => {
  await using server = startServer(() => json(401, { message: "bad token" }))
  const error = failure(await run(Stream.runCollect(PricePlans.stream({ pageSize: 10 })), server.url))
  assert.ok(error._tag === "Unauthorized" && error.serverMessage === "bad token")
  assert.equal(error.operation, "getPricePlans")
})

Deno.test("input that breaks the contract fails as InvalidRequest naming the field, and sends nothing", async (t) => {
  const plan = { name: "Rides - Pro plan", pricingCycle, rateCard }
  const cases: ReadonlyArray<
    readonly [string, Effect.Effect<unknown, TogaiError.TogaiError, Togai.Requirements>, RegExp]
  > = [
    [
      "a plan name over 50 characters",
      PricePlans.createPricePlan({ ...plan, name: "p".repeat(51) }),
      /\bname: Expected at most 50 characters, got 51/,
    ],
    [
      "a grace period of 1.5 days",
      PricePlans.createPricePlan({ ...plan, pricingCycle: { ...pricingCycle, gracePeriod: 1.5 } }),
      /pricingCycle\.gracePeriod: Expected an integer/,
    ],
    [
      "an unknown interval",
      PricePlans.createPricePlan({ ...plan, pricingCycle: { ...pricingCycle, interval: "WEEKLY" as "MONTHLY" } }),
      /pricingCycle\.interval: Expected "MONTHLY", actual "WEEKLY"/,
    ],
    [
      "a slab order of 11",
      PricePlans.createPricePlan({
        ...plan,
        rateCard: {
          type: "USAGE",
          usageConfig: {
            Distance: { ...rateCard.usageConfig.Distance, slabs: [{ rate: 1, startAfter: 0, order: 11 }] },
          },
        },
      }),
      /rateCard\.usageConfig\.Distance\.slabs\.0\.order/,
    ],
    [
      "no slabs",
      PricePlans.updatePricePlan("Rides - Pro plan", {
        rateCard: { type: "USAGE", usageConfig: { Distance: { ...rateCard.usageConfig.Distance, slabs: [] } } },
      }),
      /rateCard\.usageConfig\.Distance\.slabs: Expected an array of at least 1/,
    ],
    [
      "a rate that is not a finite number",
      PricePlans.updatePricePlan("Rides - Pro plan", {
        rateCard: {
          type: "USAGE",
          usageConfig: {
            Distance: { ...rateCard.usageConfig.Distance, slabs: [{ rate: Infinity, startAfter: 0, order: 1 }] },
          },
        },
      }),
      /slabs\.0\.rate/,
    ],
    [
      "an unknown field",
      PricePlans.updatePricePlan(
        "Rides - Pro plan",
        { description: "Pro", name: "Renamed" } as { description: string },
      ),
      /name: is unexpected/,
    ],
    ["an empty plan name", PricePlans.getPricePlan(""), /price_plan_name: must not be empty/],
    [
      "a plan name over 50 characters in the path",
      PricePlans.activatePricePlan("p".repeat(51)),
      /price_plan_name: expected at most 50 characters, got 51/,
    ],
    ["a dot-dot plan name", PricePlans.updatePricePlan("..", {}), /price_plan_name: "\.\." cannot be sent/],
    ["a page size of 0", PricePlans.getPricePlans({ pageSize: 0 }), /pageSize: Expected a positive number/],
  ]
  await using server = startServer(() => json(200, pricePlan))
  for (const [label, effect, field] of cases) {
    await t.step(label, async () => {
      const error = failure(await run(effect, server.url))
      assert.equal(error._tag, "InvalidRequest")
      assert.match(error.message, field)
      assert.match(error.message, /nothing was sent/)
    })
  }
  await t.step("a stream with a page size of 0", async () => {
    const error = failure(await run(Stream.runCollect(PricePlans.stream({ pageSize: 0 })), server.url))
    assert.ok(error._tag === "InvalidRequest" && /pageSize/.test(error.issues))
  })
  assert.equal(server.requests.length, 0, "no request reached the server")
})

/** Every operation, called with valid input. */
const operations: Record<string, () => Effect.Effect<unknown, TogaiError.TogaiError, Togai.Requirements>> = {
  getPricePlans: () => PricePlans.getPricePlans(),
  createPricePlan: () => PricePlans.createPricePlan({ name: "Rides - Pro plan", pricingCycle, rateCard }),
  getPricePlan: () => PricePlans.getPricePlan("Rides - Pro plan"),
  updatePricePlan: () => PricePlans.updatePricePlan("Rides - Pro plan", { description: "updated" }),
  activatePricePlan: () => PricePlans.activatePricePlan("Rides - Pro plan"),
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
  await using server = startServer(() => json(200, { ...pricePlan, status: "RETIRED" }))
  const error = failure(await run(PricePlans.getPricePlan("Rides - Pro plan"), server.url))
  assert.ok(error._tag === "DecodeError" && error.issues.includes("status"))
})
