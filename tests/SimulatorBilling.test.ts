/**
 * The simulator runs the whole billing loop: customers and accounts, event
 * schemas, usage meters and price plans through their lifecycles, events
 * ingested and metered, and metrics of events, usage and revenue, with
 * figures worked out by hand. Every answer is checked against the spec's
 * schema for its status.
 *
 * Each scenario runs twice: over HTTP through `Simulator.make().fetch`,
 * and on the simulator's `State` directly. The HTTP run is ignored (and
 * shows as such) while the simulator's handler does not route an operation.
 */
import assert from "node:assert/strict"
import { Simulator } from "../src/testing/mod.ts"
import { State } from "../src/testing/internal/state.ts"
import type { Answer, OperationInput } from "../src/testing/internal/state.ts"
import { isObject, schemaRefName, specOperations, specProblems } from "./support/spec.ts"

const now = Date.parse("2024-03-15T10:20:30Z")

/** An operation of the state, by its `operationId`. */
type Operation = {
  [K in keyof State]: State[K] extends (input: OperationInput) => Answer ? K : never
}[keyof State]

interface Reply {
  readonly status: number
  readonly json: unknown
}

interface Request {
  readonly params?: Readonly<Record<string, string>>
  readonly query?: Readonly<Record<string, string>>
  readonly body?: unknown
}

/** Calls one operation, as a client would. */
type Call = (operation: Operation, request?: Request) => Promise<Reply>

const specOperation = (operation: string) => {
  const found = specOperations.find((entry) => entry.operationId === operation)
  if (found === undefined) throw new Error(`no operation ${operation} in the spec`)
  return found
}

/**
 * Response schemas the spec itself cannot satisfy: an `allOf` of a schema
 * with `additionalProperties: false` and one that adds a property.
 */
const unsatisfiable = new Set(["EventSchemaListPaginatedResponse", "GetEventResponse"])

/** Checks an answer against the spec's schema for its status. */
const conforms = (operation: string, reply: Reply): void => {
  const responses = specOperation(operation).node.responses
  const response = isObject(responses) ? responses[String(reply.status)] ?? responses.default : undefined
  if (response === undefined) throw new Error(`${operation} does not document ${reply.status}`)
  const content = isObject(response) ? response.content : undefined
  const schema = isObject(content) && isObject(content["application/json"])
    ? content["application/json"].schema
    : undefined
  if (schema === undefined) {
    assert.equal(reply.json, undefined, `${operation} ${reply.status} has no content in the spec`)
    return
  }
  const name = schemaRefName(schema)
  if (name === undefined || unsatisfiable.has(name)) return
  // The spec's minItems: 1 on GetEventsResponse.events cannot hold for a page of nothing.
  if (
    name === "GetEventsResponse" && isObject(reply.json) && Array.isArray(reply.json.events) &&
    reply.json.events.length === 0
  ) return
  assert.deepEqual(specProblems(name, reply.json), [], `${operation} ${reply.status}: ${JSON.stringify(reply.json)}`)
}

const overState = (state: State): Call => (operation, request = {}) => {
  const answer = state[operation]({
    params: request.params ?? {},
    query: new URLSearchParams(request.query),
    body: request.body,
  })
  // Through JSON and back, as the wire would carry it.
  const json: unknown = answer.body === undefined ? undefined : JSON.parse(JSON.stringify(answer.body))
  return Promise.resolve({ status: answer.status, json })
}

const overHttp = (simulator: Simulator.TogaiSimulator): Call => async (operation, request = {}) => {
  const { method, path } = specOperation(operation)
  const params = request.params ?? {}
  const url = new URL(
    `${Simulator.baseUrl}${path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]))}`,
  )
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value)
  const response = await simulator.fetch(url, {
    method,
    headers: { authorization: `Bearer ${simulator.token}`, "content-type": "application/json" },
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
  })
  const text = await response.text()
  return { status: response.status, json: text === "" ? undefined : JSON.parse(text) }
}

/** Whether the simulator's handler routes every operation of the spec yet. */
const routesEverything = await (async () => {
  const simulator = Simulator.make()
  for (const { method, path } of specOperations) {
    const response = await simulator.handle(
      new Request(`${Simulator.baseUrl}${path.replace(/\{\w+\}/g, "x")}`, {
        method,
        headers: { authorization: `Bearer ${simulator.token}` },
      }),
    )
    const text = await response.text()
    if (response.status === 404 && text.includes("No Togai operation")) return false
  }
  return true
})()

interface Togai {
  /** Calls an operation and asserts the status; the answer's JSON. */
  readonly expect: (status: number, operation: Operation, request?: Request) => Promise<unknown>
  /** Calls an operation and asserts a 4xx whose message matches. */
  readonly refuse: (status: number, operation: Operation, request: Request, message: RegExp) => Promise<void>
}

const togai = (call: Call): Togai => ({
  expect: async (status, operation, request) => {
    const reply = await call(operation, request)
    assert.equal(reply.status, status, `${operation}: ${JSON.stringify(reply.json)}`)
    conforms(operation, reply)
    return reply.json
  },
  refuse: async (status, operation, request, message) => {
    const reply = await call(operation, request)
    assert.equal(reply.status, status, `${operation}: ${JSON.stringify(reply.json)}`)
    conforms(operation, reply)
    assert.ok(isObject(reply.json) && typeof reply.json.message === "string")
    assert.match(String(reply.json.message), message)
  },
})

/** Registers a scenario over HTTP (when routed) and over the state. */
const scenario = (name: string, run: (togai: Togai, state: State | undefined) => Promise<void>): void => {
  Deno.test({
    name: `${name} (over HTTP)`,
    ignore: !routesEverything,
    fn: () => run(togai(overHttp(Simulator.make({ now: () => new Date(now) }))), undefined),
  })
  Deno.test(`${name} (on the state)`, () => {
    const state = new State(() => now)
    return run(togai(overState(state)), state)
  })
}

/** The value at a path of keys and indexes in JSON, or `undefined`. */
const at = (json: unknown, ...path: ReadonlyArray<string | number>): unknown => {
  let value = json
  for (const key of path) {
    if (Array.isArray(value) && typeof key === "number") value = value[key]
    else if (isObject(value) && typeof key === "string") value = value[key]
    else return undefined
  }
  return value
}

/** The array at a path of JSON; fails the test if there is none. */
const list = (json: unknown, ...path: ReadonlyArray<string | number>): ReadonlyArray<unknown> => {
  const items = at(json, ...path)
  assert.ok(Array.isArray(items), `no array at ${path.join(".")} of ${JSON.stringify(json)}`)
  return items
}

/** The `key` (`name` unless said) of each item of a page's `data`. */
const names = (json: unknown, key = "name"): ReadonlyArray<unknown> => list(json, "data").map((item) => at(item, key))

const address = "201 Boulevard, Suite 400, Springfield, WA 53123, United States"

const rides = {
  name: "rides",
  description: "A completed cab ride",
  attributes: [{ name: "distance", default_unit: "km" }, { name: "duration" }],
  dimensions: [{ name: "city" }],
}

const ridePlan = {
  name: "Rides - Pro",
  pricingCycle: {
    interval: "MONTHLY",
    startType: "STATIC",
    startOffset: { dayOffset: "1", monthOffset: "NIL" },
    gracePeriod: 3,
  },
  rateCard: {
    type: "USAGE",
    usageConfig: {
      "ride-count": {
        name: "ride-count",
        rateStrategy: "PER_UNIT",
        slabStrategy: "TIER",
        slabs: [{ rate: 2, startAfter: 0, order: 1 }, { rate: 1, startAfter: 3, order: 2 }],
      },
      "ride-distance": {
        name: "ride-distance",
        rateStrategy: "FLAT",
        slabStrategy: "TIER",
        slabs: [{ rate: 10, startAfter: 0, order: 1 }, { rate: 25, startAfter: 20, order: 2 }],
      },
    },
  },
}

const ride = (id: string, accountId: string, eventTimestamp: string, city: string, distance: string) => ({
  id,
  eventName: "rides",
  accountId,
  eventTimestamp,
  eventAttributes: [{ attributeName: "distance", attributeValue: distance, attributeValueUnit: "km" }],
  dimensions: { city },
})

/** Two customers, the rides schema with a filtered COUNT meter and a SUM meter, and a tiered plan on ACC1. */
const setUp = async ({ expect, refuse }: Togai): Promise<void> => {
  await expect(201, "createCustomer", {
    body: {
      id: "CUST1",
      name: "ACME Corp",
      primaryEmail: "billing@acme.test",
      billingAddress: address,
      account: { id: "ACC1", name: "Primary", aliases: ["acme-primary"] },
    },
  })
  await expect(201, "createCustomer", {
    body: { id: "CUST2", name: "Globex", primaryEmail: "ap@globex.test", billingAddress: address },
  })
  await expect(201, "createEventSchema", { body: rides })
  await expect(201, "createUsageMeter", {
    params: { event_schema_name: "rides" },
    body: {
      name: "ride-count",
      type: "COUNTER",
      aggregation: "COUNT",
      filters: JSON.stringify({ in: [{ var: "dimension.city" }, ["chennai", "mumbai"]] }),
    },
  })
  await expect(201, "createUsageMeter", {
    params: { event_schema_name: "rides" },
    body: {
      name: "ride-distance",
      type: "COUNTER",
      aggregation: "SUM",
      computation: JSON.stringify({ "*": [{ var: "attributes.distance" }, 0.5] }),
    },
  })
  const meter = { event_schema_name: "rides", usage_meter_name: "ride-count" }
  await refuse(400, "activateUsageMeter", { params: meter }, /Event schema rides is DRAFT; activate it before/)
  await expect(200, "activateEventSchema", { params: { event_schema_name: "rides" } })
  await expect(200, "activateUsageMeter", { params: meter })
  await expect(200, "activateUsageMeter", { params: { ...meter, usage_meter_name: "ride-distance" } })

  const plan = await expect(200, "createPricePlan", { body: ridePlan })
  assert.equal(at(plan, "status"), "DRAFT")
  const account = { customer_id: "CUST1", account_id: "ACC1" }
  await refuse(400, "associatePricePlan", { params: account, body: { pricePlanName: "Rides - Pro" } }, /is DRAFT/)
  await expect(200, "activatePricePlan", { params: { price_plan_name: "Rides - Pro" } })
  await expect(200, "associatePricePlan", { params: account, body: { pricePlanName: "Rides - Pro" } })
}

/**
 * The rides, in the order they are sent (not their time order). Their
 * count meter (chennai and mumbai only) reaches 1, 2, -, 3, 4 and their
 * distance meter (half the distance) 5, 11, 20, 21, 22.
 */
const sendRides = async ({ expect }: Togai): Promise<void> => {
  const batch = await expect(202, "ingestBatch", {
    body: {
      events: [
        ride("r3", "ACC1", "2024-03-17T08:00:00Z", "delhi", "18"),
        ride("r1", "ACC1", "2024-03-16T09:00:00Z", "chennai", "10"),
        ride("r2", "ACC1", "2024-03-16T12:00:00Z", "mumbai", "12"),
      ],
    },
  })
  assert.deepEqual(batch, { errors: [] })
  assert.equal(
    await expect(202, "ingest", { body: { event: ride("r5", "ACC1", "2024-03-18T09:00:00Z", "chennai", "2") } }),
    undefined,
  )
  // By alias, and with an offset.
  await expect(202, "ingest", {
    body: { event: ride("r4", "acme-primary", "2024-03-18T10:00:00+02:00", "chennai", "2") },
  })
  // The same id again (a retry): accepted, not metered twice.
  await expect(202, "ingest", { body: { event: ride("r1", "ACC1", "2024-03-16T09:00:00Z", "chennai", "10") } })
  // CUST2's default account has no price plan: metered, earns nothing.
  await expect(202, "ingest", { body: { event: ride("g1", "CUST2", "2024-03-17T10:00:00Z", "chennai", "4") } })
}

const window = { startTime: "2024-03-15T00:00:00Z", endTime: "2024-03-20T00:00:00Z" }
const days = ["2024-03-15", "2024-03-16", "2024-03-17", "2024-03-18", "2024-03-19"].map((day) => `${day}T00:00:00Z`)

scenario("a tiered plan meters and prices rides across its tier boundaries, by day", async (client, state) => {
  await setUp(client)
  await sendRides(client)
  const metrics = await client.expect(200, "getMetrics", {
    body: {
      ...window,
      metricQueries: [
        {
          id: "usage",
          name: "USAGE",
          aggregationPeriod: "DAY",
          groupBy: "USAGE_METER_NAME",
          filters: [{ fieldName: "CUSTOMER_ID", fieldValues: ["CUST1"] }],
        },
        { id: "revenue", name: "REVENUE", aggregationPeriod: "DAY" },
        { id: "revenue-by-meter", name: "REVENUE", aggregationPeriod: "DAY", groupBy: "USAGE_METER_NAME" },
        { id: "all-usage", name: "USAGE", aggregationPeriod: "DAY", groupBy: "ACCOUNT_ID" },
      ],
    },
  })
  assert.deepEqual(metrics, {
    results: [
      {
        id: "usage",
        name: "USAGE",
        data: [
          // COUNT: r1, r2 on the 16th, r4, r5 on the 18th; r3 (delhi) is filtered out.
          {
            groupedBy: { fieldName: "USAGE_METER_NAME", fieldValue: "ride-count" },
            timestamps: days,
            metricValues: [0, 2, 0, 2, 0],
          },
          // SUM of half the distance: 5 + 6, 9, 1 + 1.
          {
            groupedBy: { fieldName: "USAGE_METER_NAME", fieldValue: "ride-distance" },
            timestamps: days,
            metricValues: [0, 11, 9, 2, 0],
          },
        ],
      },
      // ride-count PER_UNIT: 2 a ride up to 3 rides, then 1 (r4 is the 3rd: still 2; r5 the 4th: 1), so 2+2 | 2+1.
      // ride-distance FLAT: 10 once above 0 (r1), 25 once above 20: r3 reaches exactly 20 (nothing), r4 21 (25).
      { id: "revenue", name: "REVENUE", data: [{ timestamps: days, metricValues: [0, 14, 0, 28, 0] }] },
      {
        id: "revenue-by-meter",
        name: "REVENUE",
        data: [
          {
            groupedBy: { fieldName: "USAGE_METER_NAME", fieldValue: "ride-count" },
            timestamps: days,
            metricValues: [0, 4, 0, 3, 0],
          },
          {
            groupedBy: { fieldName: "USAGE_METER_NAME", fieldValue: "ride-distance" },
            timestamps: days,
            metricValues: [0, 10, 0, 25, 0],
          },
        ],
      },
      {
        id: "all-usage",
        name: "USAGE",
        data: [
          {
            groupedBy: { fieldName: "ACCOUNT_ID", fieldValue: "ACC1" },
            timestamps: days,
            metricValues: [0, 13, 9, 4, 0],
          },
          // g1: one ride, 2 of distance.
          {
            groupedBy: { fieldName: "ACCOUNT_ID", fieldValue: "CUST2" },
            timestamps: days,
            metricValues: [0, 0, 3, 0, 0],
          },
        ],
      },
    ],
  })

  const r4 = await client.expect(200, "getSingleEvent", { params: { event_id: "r4" } })
  assert.deepEqual(at(r4, "events", 0, "ingestionStatus", "status"), "INGESTION_COMPLETED_EVENT_METERED")
  assert.deepEqual(at(r4, "events", 0, "eventPayload", "eventTimestamp"), "2024-03-18T08:00:00Z")
  assert.deepEqual(at(r4, "events", 0, "eventPayload", "accountId"), "acme-primary", "the payload as sent")
  assert.deepEqual(at(r4, "events", 0, "eventPipelineInfo"), {
    account: { id: "ACC1", name: "Primary" },
    customer: { id: "CUST1", name: "ACME Corp" },
    eventSchema: { name: "rides", version: 1 },
    usageMeters: [
      { name: "ride-count", version: 1, status: "PROCESSED_UNITS_COMPUTED", units: 1 },
      { name: "ride-distance", version: 1, status: "PROCESSED_UNITS_COMPUTED", units: 1 },
    ],
    pricePlans: [{
      name: "Rides - Pro",
      id: "00000000-0000-4000-8000-000000000001",
      // The association starts on the 15th, inside the cycle of March.
      cycleStart: "2024-03-15",
      cycleEnd: "2024-04-01",
      usageMeters: ["ride-count", "ride-distance"],
    }],
  })
  const r3 = await client.expect(200, "getSingleEvent", { params: { event_id: "r3" } })
  assert.deepEqual(at(r3, "events", 0, "eventPipelineInfo", "usageMeters"), [
    { name: "ride-count", version: 1, status: "PROCESSED_FILTERED_OUT" },
    { name: "ride-distance", version: 1, status: "PROCESSED_UNITS_COMPUTED", units: 9 },
  ])
  const g1 = await client.expect(200, "getSingleEvent", { params: { event_id: "g1" } })
  assert.deepEqual(at(g1, "events", 0, "eventPipelineInfo", "pricePlans"), [])

  if (state !== undefined) {
    assert.equal(state.usageOf("ACC1", "ride-count"), 4, "r1 sent twice counts once")
    assert.equal(state.usageOf("ACC1", "ride-distance", { from: Date.parse("2024-03-17T00:00:00Z") }), 11)
    assert.equal(state.revenueOf("ACC1"), 42)
    assert.equal(state.revenueOf("ACC1", "ride-distance"), 35)
    assert.equal(state.revenueOf("CUST2"), 0)
    assert.deepEqual(state.eventsOf().map((event) => event.eventPayload.id), ["r1", "r2", "r3", "g1", "r4", "r5"])
  }
})

scenario(
  "weeks start on Monday, months on the 1st; a rate change of a live plan waits for the next cycle",
  async (client) => {
    await setUp(client)
    await sendRides(client)
    const weekly = await client.expect(200, "getMetrics", {
      body: {
        startTime: "2024-03-13T00:00:00Z",
        endTime: "2024-03-27T00:00:00Z",
        metricQueries: [{
          id: "w",
          name: "USAGE",
          aggregationPeriod: "WEEK",
          filters: [{ fieldName: "USAGE_METER_NAME", fieldValues: ["ride-count"] }],
        }],
      },
    })
    // 2024-03-11 and 2024-03-18 are Mondays: r1, r2 and g1 in the first week, r4, r5 in the second.
    assert.deepEqual(at(weekly, "results", 0, "data"), [{
      timestamps: ["2024-03-11T00:00:00Z", "2024-03-18T00:00:00Z", "2024-03-25T00:00:00Z"],
      metricValues: [3, 2, 0],
    }])

    const doubled = structuredClone(ridePlan.rateCard)
    doubled.usageConfig["ride-count"].slabs = [{ rate: 4, startAfter: 0, order: 1 }]
    const updated = await client.expect(200, "updatePricePlan", {
      params: { price_plan_name: "Rides - Pro" },
      body: { rateCard: doubled },
    })
    assert.deepEqual(
      list(updated, "pricingSchedule").map((period) => [at(period, "startDate"), at(period, "endDate")]),
      [["2024-03-15T00:00:00Z", "2024-04-01T00:00:00Z"], ["2024-04-01T00:00:00Z", "9999-01-01T00:00:00Z"]],
    )
    await client.refuse(400, "updatePricePlan", {
      params: { price_plan_name: "Rides - Pro" },
      body: {
        pricingCycle: {
          ...ridePlan.pricingCycle,
          interval: "QUARTERLY",
          startOffset: { dayOffset: "1", monthOffset: "FIRST" },
        },
      },
    }, /pricingCycle: .*ACTIVE/)
    await client.expect(202, "ingestBatch", {
      body: {
        events: [
          ride("a1", "ACC1", "2024-04-02T10:00:00Z", "mumbai", "2"),
          ride("a2", "ACC1", "2024-04-03T10:00:00Z", "delhi", "50"),
        ],
      },
    })
    const monthly = await client.expect(200, "getMetrics", {
      body: {
        startTime: "2024-03-01T00:00:00Z",
        endTime: "2024-05-01T00:00:00Z",
        metricQueries: [
          { id: "m", name: "REVENUE", aggregationPeriod: "MONTH", groupBy: "USAGE_METER_NAME" },
          {
            id: "e",
            name: "EVENTS",
            aggregationPeriod: "MONTH",
            filters: [{ fieldName: "ACCOUNT_ID", fieldValues: ["ACC1"] }],
          },
        ],
      },
    })
    // April is a new cycle: usage starts from 0 again. ride-count at 4 a ride (a1); ride-distance 1 then 26: 10 + 25.
    assert.deepEqual(at(monthly, "results", 0, "data"), [
      {
        groupedBy: { fieldName: "USAGE_METER_NAME", fieldValue: "ride-count" },
        timestamps: ["2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z"],
        metricValues: [7, 4],
      },
      {
        groupedBy: { fieldName: "USAGE_METER_NAME", fieldValue: "ride-distance" },
        timestamps: ["2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z"],
        metricValues: [35, 35],
      },
    ])
    assert.deepEqual(at(monthly, "results", 1, "data", 0, "metricValues"), [5, 2])
  },
)

scenario(
  "events that cannot be metered: a rejected account, a schema not active, invalid units, no meter",
  async ({ expect, refuse }) => {
    await setUp({ expect, refuse })
    await expect(201, "createEventSchema", { body: { name: "deliveries", attributes: [], dimensions: [] } })
    await expect(201, "createEventSchema", { body: { name: "pings", attributes: [], dimensions: [] } })
    await expect(200, "activateEventSchema", { params: { event_schema_name: "pings" } })
    const batch = await expect(207, "ingestBatch", {
      body: {
        events: [
          ride("ok", "ACC1", "2024-03-19T01:00:00Z", "chennai", "1"),
          ride("nobody", "NO-SUCH-ACCOUNT", "2024-03-19T01:00:00Z", "chennai", "1"),
          {
            ...ride("draft", "ACC1", "2024-03-19T02:00:00Z", "x", "1"),
            eventName: "deliveries",
            eventAttributes: [],
            dimensions: {},
          },
          { ...ride("unknown", "ACC1", "2024-03-19T02:00:00Z", "x", "1"), eventName: "tolls" },
          ride("words", "ACC1", "2024-03-19T03:00:00Z", "chennai", "ten"),
          { ...ride("undeclared", "ACC1", "2024-03-19T03:00:00Z", "chennai", "1"), dimensions: { country: "IN" } },
          {
            ...ride("ping", "ACC1", "2024-03-19T04:00:00Z", "x", "1"),
            eventName: "pings",
            eventAttributes: [],
            dimensions: {},
          },
        ],
      },
    })
    assert.deepEqual(batch, {
      errors: [{
        message: "accountId: no account has the id or active alias NO-SUCH-ACCOUNT",
        eventPayload: ride("nobody", "NO-SUCH-ACCOUNT", "2024-03-19T01:00:00Z", "chennai", "1"),
      }],
    })
    await refuse(
      422,
      "ingest",
      { body: { event: ride("nobody", "NOPE", "2024-03-19T01:00:00Z", "chennai", "1") } },
      /NOPE/,
    )
    const statusOf = async (id: string) => {
      const event = await expect(200, "getSingleEvent", { params: { event_id: id } })
      return [
        at(event, "events", 0, "ingestionStatus", "status"),
        at(event, "events", 0, "ingestionStatus", "statusDescription"),
      ]
    }
    assert.deepEqual(await statusOf("ok"), [
      "INGESTION_COMPLETED_EVENT_METERED",
      "Metered by ride-count, ride-distance",
    ])
    assert.deepEqual(await statusOf("draft"), [
      "INGESTION_FAILED_SCHEMA_NOT_DEFINED",
      "Event schema deliveries is DRAFT; only events of an ACTIVE schema are metered",
    ])
    assert.deepEqual(await statusOf("unknown"), [
      "INGESTION_FAILED_SCHEMA_NOT_DEFINED",
      "No event schema is named tolls",
    ])
    assert.deepEqual(await statusOf("words"), [
      "INGESTION_FAILED_UNITS_INVALID",
      'attribute distance: "ten" is not a number',
    ])
    assert.deepEqual(await statusOf("undeclared"), [
      "INGESTION_FAILED_UNITS_INVALID",
      "dimension country is not declared by event schema rides",
    ])
    assert.deepEqual(await statusOf("ping"), [
      "INGESTION_COMPLETED_NO_MATCHING_METERS",
      "Event schema pings has no ACTIVE usage meter",
    ])
    await refuse(404, "getSingleEvent", { params: { event_id: "nobody" } }, /Event nobody not found/)

    // An inactive schema: its events are recorded as failed and metered by nothing.
    await expect(200, "deactivateEventSchema", { params: { event_schema_name: "rides" } })
    await expect(202, "ingest", { body: { event: ride("late", "ACC1", "2024-03-19T05:00:00Z", "chennai", "4") } })
    assert.deepEqual(await statusOf("late"), [
      "INGESTION_FAILED_SCHEMA_NOT_DEFINED",
      "Event schema rides is INACTIVE; only events of an ACTIVE schema are metered",
    ])
    // A failed event may be sent again once the schema is active: the retry replaces it and is metered.
    await expect(200, "activateEventSchema", { params: { event_schema_name: "rides" } })
    await expect(202, "ingest", { body: { event: ride("late", "ACC1", "2024-03-19T05:00:00Z", "chennai", "4") } })
    assert.equal((await statusOf("late"))[0], "INGESTION_COMPLETED_EVENT_METERED")

    const metrics = await expect(200, "getMetrics", {
      body: {
        startTime: "2024-03-19T00:00:00Z",
        endTime: "2024-03-20T00:00:00Z",
        metricQueries: [
          { id: "events", name: "EVENTS", aggregationPeriod: "DAY", groupBy: "EVENT_STATUS" },
          {
            id: "processed",
            name: "EVENTS",
            aggregationPeriod: "DAY",
            filters: [{ fieldName: "EVENT_STATUS", fieldValues: ["PROCESSED"] }],
          },
          {
            id: "usage",
            name: "USAGE",
            aggregationPeriod: "DAY",
            filters: [{ fieldName: "USAGE_METER_NAME", fieldValues: ["ride-distance"] }],
          },
        ],
      },
    })
    const day = ["2024-03-19T00:00:00Z"]
    assert.deepEqual(metrics, {
      results: [
        {
          id: "events",
          name: "EVENTS",
          data: [
            { groupedBy: { fieldName: "EVENT_STATUS", fieldValue: "PROCESSED" }, timestamps: day, metricValues: [3] },
            { groupedBy: { fieldName: "EVENT_STATUS", fieldValue: "UNPROCESSED" }, timestamps: day, metricValues: [4] },
          ],
        },
        { id: "processed", name: "EVENTS", data: [{ timestamps: day, metricValues: [3] }] },
        // ok (0.5) and late (2).
        { id: "usage", name: "USAGE", data: [{ timestamps: day, metricValues: [2.5] }] },
      ],
    })
  },
)

scenario(
  "a filter that matches nothing leaves the event not metered; a failing computation fails it",
  async ({ expect, refuse }) => {
    await expect(201, "createCustomer", {
      body: { id: "C1", name: "Initech", primaryEmail: "", billingAddress: address },
    })
    await expect(201, "createEventSchema", {
      body: { name: "messages", attributes: [{ name: "size" }], dimensions: [{ name: "provider" }] },
    })
    await expect(201, "createUsageMeter", {
      params: { event_schema_name: "messages" },
      body: {
        name: "twilio-messages",
        type: "COUNTER",
        aggregation: "COUNT",
        filters: '{"==": [{"var": "dimensions.provider"}, "twilio"]}',
      },
    })
    await expect(201, "createUsageMeter", {
      params: { event_schema_name: "messages" },
      body: {
        name: "message-size",
        type: "COUNTER",
        aggregation: "SUM",
        computation: '{"var": "attribute.size"}',
        filters: '{"!=": [{"var": "dimension.provider"}, "twilio"]}',
      },
    })
    await expect(200, "activateEventSchema", { params: { event_schema_name: "messages" } })
    await expect(200, "activateUsageMeter", {
      params: { event_schema_name: "messages", usage_meter_name: "twilio-messages" },
    })
    const message = (id: string, provider: string, size?: string) => ({
      id,
      eventName: "messages",
      accountId: "C1",
      eventTimestamp: "2024-03-15T11:00:00Z",
      eventAttributes: size === undefined ? [] : [{ attributeName: "size", attributeValue: size }],
      dimensions: { provider },
    })
    await expect(202, "ingest", { body: { event: message("m1", "sinch", "3") } })
    const m1 = await expect(200, "getSingleEvent", { params: { event_id: "m1" } })
    assert.equal(at(m1, "events", 0, "ingestionStatus", "status"), "INGESTION_COMPLETED_EVENT_NOT_METERED")
    assert.deepEqual(at(m1, "events", 0, "eventPipelineInfo", "usageMeters"), [
      { name: "twilio-messages", version: 1, status: "PROCESSED_FILTERED_OUT" },
    ])
    await expect(200, "activateUsageMeter", {
      params: { event_schema_name: "messages", usage_meter_name: "message-size" },
    })
    // No size: the computation reads nothing and yields null.
    await expect(202, "ingest", { body: { event: message("m2", "sinch") } })
    const m2 = await expect(200, "getSingleEvent", { params: { event_id: "m2" } })
    assert.deepEqual(at(m2, "events", 0, "ingestionStatus"), {
      status: "INGESTION_FAILED_UNITS_INVALID",
      statusDescription: "usage meter message-size: the computation yielded null, not a number",
    })
    await refuse(400, "createUsageMeter", {
      params: { event_schema_name: "messages" },
      body: {
        name: "bad",
        type: "COUNTER",
        aggregation: "COUNT",
        filters: '{"==": [{"var": "dimension.country"}, "IN"]}',
      },
    }, /filters: reads dimension.country, but event schema messages declares no dimension country/)
  },
)

scenario(
  "customers: create with or without an account, read, update, delete, and the 400s and 404s",
  async ({ expect, refuse }) => {
    const created = await expect(201, "createCustomer", {
      body: { id: "CUST9", name: "Umbrella", primaryEmail: "a@umbrella.test", billingAddress: address },
    })
    assert.deepEqual(created, {
      id: "CUST9",
      name: "Umbrella",
      primaryEmail: "a@umbrella.test",
      billingAddress: address,
      account: { id: "CUST9", name: "Umbrella", status: "ACTIVE", aliases: [] },
    })
    assert.deepEqual(await expect(200, "getCustomer", { params: { customer_id: "CUST9" } }), {
      id: "CUST9",
      name: "Umbrella",
      primaryEmail: "a@umbrella.test",
      billingAddress: address,
      status: "ACTIVE",
      createdAt: "2024-03-15T10:20:30Z",
      updatedAt: "2024-03-15T10:20:30Z",
    })
    const renamed = await expect(200, "updateCustomer", {
      params: { customer_id: "CUST9" },
      body: { name: "Umbrella Corp" },
    })
    assert.equal(at(renamed, "name"), "Umbrella Corp")
    await refuse(400, "createCustomer", {
      body: { id: "CUST9", name: "Again", primaryEmail: "", billingAddress: address },
    }, /A customer with id CUST9 already exists/)
    await refuse(400, "createCustomer", {
      body: { id: "X1", name: "Short", primaryEmail: "", billingAddress: "1 Main St" },
    }, /billingAddress: expected 50 to 1000 characters, got 9/)
    await refuse(
      400,
      "createCustomer",
      { body: { id: "X1", name: "No email", billingAddress: address } },
      /primaryEmail: is missing/,
    )
    await refuse(400, "createCustomer", {
      body: {
        id: "X1",
        name: "Taken",
        primaryEmail: "",
        billingAddress: address,
        account: { id: "CUST9", name: "Dup" },
      },
    }, /account: An account with id CUST9 already exists/)
    await refuse(
      400,
      "updateCustomer",
      { params: { customer_id: "CUST9" }, body: { nickname: "U" } },
      /nickname: is not a field/,
    )
    await refuse(404, "getCustomer", { params: { customer_id: "X1" } }, /Customer X1 not found/)
    assert.deepEqual(await expect(200, "deleteCustomer", { params: { customer_id: "CUST9" } }), { success: true })
    await refuse(404, "deleteCustomer", { params: { customer_id: "CUST9" } }, /Customer CUST9 not found/)
    // Its account went with it: the id is free again.
    await expect(201, "createCustomer", {
      body: {
        id: "CUST8",
        name: "Soylent",
        primaryEmail: "",
        billingAddress: address,
        account: { id: "CUST9", name: "Reused" },
      },
    })
  },
)

scenario("event schemas: versions, activation, deactivation and deletion", async ({ expect, refuse }) => {
  const schema = { event_schema_name: "rides" }
  const created = await expect(201, "createEventSchema", { body: rides })
  assert.deepEqual([at(created, "version"), at(created, "status")], [1, "DRAFT"])
  await refuse(400, "createEventSchema", { body: rides }, /name: an event schema named rides already exists/)
  await refuse(400, "createEventSchema", { body: { ...rides, name: "rides!" } }, /name: "rides!" may hold only/)
  await refuse(400, "createEventSchema", {
    body: { ...rides, name: "twice", attributes: [{ name: "a" }, { name: "a" }] },
  }, /attributes: a is given twice/)
  await refuse(
    400,
    "createEventSchema",
    { body: { name: "no-lists" } },
    /attributes: is missing; dimensions: is missing/,
  )

  const draftChange = await expect(200, "updateEventSchema", {
    params: schema,
    body: { attributes: rides.attributes, dimensions: [{ name: "city" }, { name: "ride_type" }] },
  })
  assert.deepEqual(
    [at(draftChange, "version"), at(draftChange, "description")],
    [1, rides.description],
    "a draft changes in place",
  )
  await refuse(400, "deactivateEventSchema", { params: schema }, /DRAFT; only an active schema can be deactivated/)
  assert.equal(at(await expect(200, "activateEventSchema", { params: schema }), "status"), "ACTIVE")
  assert.equal(at(await expect(200, "activateEventSchema", { params: schema }), "status"), "ACTIVE", "again: unchanged")

  const second = await expect(200, "updateEventSchema", {
    params: schema,
    body: { description: "v2", attributes: [...rides.attributes, { name: "tip" }], dimensions: [{ name: "city" }] },
  })
  assert.deepEqual([at(second, "version"), at(second, "status")], [2, "ACTIVE"])
  const first = await expect(200, "getEventSchema", { params: schema, query: { version: "1" } })
  assert.deepEqual([at(first, "version"), at(first, "status")], [1, "ARCHIVED"])
  assert.equal(at(await expect(200, "getEventSchema", { params: schema }), "version"), 2, "the latest by default")
  await refuse(
    404,
    "getEventSchema",
    { params: schema, query: { version: "3" } },
    /Version 3 of event schema rides not found/,
  )
  await refuse(400, "getEventSchema", { params: schema, query: { version: "two" } }, /version/)
  const versions = await expect(200, "listEventSchemaVersions", { params: schema })
  assert.deepEqual(list(versions, "data").map((v) => [at(v, "version"), at(v, "status")]), [
    [1, "ARCHIVED"],
    [2, "ACTIVE"],
  ])

  await refuse(400, "deleteEventSchema", { params: schema }, /ACTIVE; deactivate it before deleting it/)
  await expect(201, "createUsageMeter", {
    params: schema,
    body: { name: "tips", type: "COUNTER", aggregation: "COUNT" },
  })
  assert.equal(at(await expect(200, "deactivateEventSchema", { params: schema }), "status"), "INACTIVE")
  assert.equal(
    at(await expect(200, "deactivateEventSchema", { params: schema }), "status"),
    "INACTIVE",
    "again: unchanged",
  )
  await refuse(400, "deleteEventSchema", { params: schema }, /has usage meters \(tips\); delete them first/)
  await expect(200, "deleteUsageMeter", { params: { usage_meter_name: "tips" } })
  assert.deepEqual(await expect(200, "deleteEventSchema", { params: schema }), { success: true })
  await refuse(404, "getEventSchema", { params: schema }, /Event schema rides not found/)
  await refuse(404, "listEventSchemaVersions", { params: schema }, /Event schema rides not found/)
})

scenario(
  "usage meters: rules checked when written, changes only while not active, deletion",
  async ({ expect, refuse }) => {
    await expect(201, "createEventSchema", { body: rides })
    await expect(201, "createEventSchema", { body: { name: "other", attributes: [], dimensions: [] } })
    const meters = { event_schema_name: "rides" }
    const meter = { event_schema_name: "rides", usage_meter_name: "km" }
    const km = { name: "km", type: "COUNTER", aggregation: "SUM", computation: '{"var": "attribute.distance"}' }
    const created = await expect(201, "createUsageMeter", { params: meters, body: km })
    assert.deepEqual(created, {
      name: "km",
      type: "COUNTER",
      status: "DRAFT",
      aggregation: "SUM",
      computation: '{"var": "attribute.distance"}',
      createdAt: "2024-03-15T10:20:30Z",
      updatedAt: "2024-03-15T10:20:30Z",
    })
    const cases: ReadonlyArray<readonly [Record<string, unknown>, RegExp]> = [
      [{ ...km, name: "km" }, /name: a usage meter named km already exists/],
      [{ ...km, name: "x", filters: "{city: 1}" }, /filters: not JSON/],
      [{ ...km, name: "x", filters: JSON.stringify('{"==": [1, 1]}') }, /filters: a JSON string holding text/],
      [{ ...km, name: "x", computation: '{"var": "attributes.speed"}' }, /declares no attribute speed/],
      [{ ...km, name: "x", computation: '{"var": "distance"}' }, /reads distance, which no event has/],
      [{ ...km, name: "x", computation: '{"sqrt": [4]}' }, /computation: Unrecognized operation sqrt/],
      [{ name: "x", type: "COUNTER", aggregation: "SUM" }, /computation: is missing; a SUM meter/],
      [{ ...km, name: "x", type: "GAUGE" }, /type: only COUNTER is supported/],
      [{ ...km, name: "x", aggregation: "AVG" }, /aggregation: expected one of COUNT, SUM, got "AVG"/],
      [{ ...km, name: "x", filters: "x".repeat(1501) }, /filters: expected at most 1500 characters, got 1501/],
    ]
    for (const [body, message] of cases) await refuse(400, "createUsageMeter", { params: meters, body }, message)
    await refuse(
      400,
      "createUsageMeter",
      { params: { event_schema_name: "other" }, body: km },
      /already exists \(of event schema rides\)/,
    )
    await refuse(
      404,
      "createUsageMeter",
      { params: { event_schema_name: "nope" }, body: km },
      /Event schema nope not found/,
    )
    await refuse(
      404,
      "getUsageMeter",
      { params: { event_schema_name: "other", usage_meter_name: "km" } },
      /not found for event schema other/,
    )

    const changed = await expect(200, "updateUsageMeter", {
      params: meter,
      body: {
        type: "COUNTER",
        aggregation: "SUM",
        description: "Kilometres",
        filters: '{">": [{"var": "attribute.distance"}, 1]}',
      },
    })
    assert.deepEqual([at(changed, "description"), at(changed, "computation")], [
      "Kilometres",
      '{"var": "attribute.distance"}',
    ], "absent fields are kept")
    await refuse(400, "deactivateUsageMeter", { params: meter }, /DRAFT; only an active meter can be deactivated/)
    await expect(200, "activateEventSchema", { params: meters })
    const activated = await expect(200, "activateUsageMeter", { params: meter })
    assert.deepEqual([at(activated, "status"), at(activated, "lastActivatedAt")], ["ACTIVE", "2024-03-15T10:20:30Z"])
    await refuse(
      400,
      "updateUsageMeter",
      { params: meter, body: { type: "COUNTER", aggregation: "COUNT" } },
      /ACTIVE; deactivate it before changing it/,
    )
    await refuse(
      400,
      "deleteUsageMeter",
      { params: { usage_meter_name: "km" } },
      /ACTIVE; deactivate it before deleting it/,
    )
    assert.equal(at(await expect(200, "deactivateUsageMeter", { params: meter }), "status"), "INACTIVE")
    assert.equal(
      at(
        await expect(200, "updateUsageMeter", { params: meter, body: { type: "COUNTER", aggregation: "COUNT" } }),
        "aggregation",
      ),
      "COUNT",
    )
    await expect(200, "activateUsageMeter", { params: meter })

    // The change after activation is version 2, as events report it.
    await expect(201, "createCustomer", {
      body: { id: "C1", name: "Initech", primaryEmail: "", billingAddress: address },
    })
    await expect(202, "ingest", { body: { event: ride("e1", "C1", "2024-03-15T11:00:00Z", "x", "5") } })
    const event = await expect(200, "getSingleEvent", { params: { event_id: "e1" } })
    assert.deepEqual(at(event, "events", 0, "eventPipelineInfo", "usageMeters"), [
      { name: "km", version: 2, status: "PROCESSED_UNITS_COMPUTED", units: 1 },
    ])

    await expect(200, "deactivateUsageMeter", { params: meter })
    assert.deepEqual(await expect(200, "deleteUsageMeter", { params: { usage_meter_name: "km" } }), { success: true })
    await refuse(404, "deleteUsageMeter", { params: { usage_meter_name: "km" } }, /Usage meter km not found/)
    await refuse(404, "getUsageMeter", { params: meter }, /Usage meter km not found/)
  },
)

scenario(
  "price plans: drafts change in place, activation, the list's usage meters and pricing type, and checks",
  async ({ expect, refuse }) => {
    const plan = { price_plan_name: "Rides - Pro" }
    const created = await expect(200, "createPricePlan", { body: ridePlan })
    assert.deepEqual(at(created, "pricingSchedule"), [{
      ratePayload: ridePlan.rateCard,
      startDate: "2024-03-15T00:00:00Z",
      endDate: "9999-01-01T00:00:00Z",
    }])
    await refuse(400, "createPricePlan", { body: ridePlan }, /name: a price plan named Rides - Pro already exists/)
    const bundle = {
      type: "BUNDLE",
      bundleConfig: {
        rateStrategy: "FLAT",
        slabStrategy: "TIER",
        bundles: [{ name: "Starter", rate: 100, order: 1, usageMeters: { "ride-count": { startAfter: 0 } } }],
      },
    }
    const changed = await expect(200, "updatePricePlan", {
      params: plan,
      body: { description: "Bundled", rateCard: bundle },
    })
    assert.deepEqual(
      at(changed, "pricingSchedule", 0, "ratePayload"),
      bundle,
      "a draft's rate card is replaced in place",
    )
    assert.equal(list(changed, "pricingSchedule").length, 1)
    assert.equal(at(await expect(200, "activatePricePlan", { params: plan }), "status"), "ACTIVE")
    assert.equal(at(await expect(200, "activatePricePlan", { params: plan }), "status"), "ACTIVE", "again: unchanged")
    await refuse(404, "getPricePlan", { params: { price_plan_name: "Nope" } }, /Price plan Nope not found/)
    await refuse(404, "activatePricePlan", { params: { price_plan_name: "Nope" } }, /Price plan Nope not found/)

    const plans = await expect(200, "getPricePlans")
    assert.deepEqual(at(plans, "data"), [{
      name: "Rides - Pro",
      description: "Bundled",
      status: "ACTIVE",
      pricingCycle: ridePlan.pricingCycle,
      usageMeters: ["ride-count"],
      pricingType: "BUNDLE",
      createdAt: "2024-03-15T10:20:30Z",
      updatedAt: "2024-03-15T10:20:30Z",
    }])

    const slabs = ridePlan.rateCard.usageConfig["ride-count"]
    const cases: ReadonlyArray<readonly [unknown, RegExp]> = [
      [{ ...ridePlan, name: "A", rateCard: { type: "USAGE" } }, /rateCard.usageConfig: is missing \(type USAGE\)/],
      [
        { ...ridePlan, name: "A", rateCard: { type: "USAGE", usageConfig: { m: { ...slabs, slabs: [] } } } },
        /rateCard.usageConfig.m.slabs: expected 1 to 10 items, got 0/,
      ],
      [{
        ...ridePlan,
        name: "A",
        rateCard: {
          type: "USAGE",
          usageConfig: {
            m: { ...slabs, slabs: [{ rate: 1, startAfter: 5, order: 1 }, { rate: 1, startAfter: 2, order: 2 }] },
          },
        },
      }, /startAfter must rise with order/],
      [
        {
          ...ridePlan,
          name: "A",
          rateCard: { type: "USAGE", usageConfig: { m: { ...slabs, rateStrategy: "STAIR" } } },
        },
        /rateStrategy: expected one of FLAT, PER_UNIT/,
      ],
      [{
        ...ridePlan,
        name: "A",
        pricingCycle: { ...ridePlan.pricingCycle, startOffset: { dayOffset: "32", monthOffset: "NIL" } },
      }, /dayOffset: expected "1" to "31" or "LAST"/],
      [{
        ...ridePlan,
        name: "A",
        pricingCycle: {
          ...ridePlan.pricingCycle,
          interval: "QUARTERLY",
          startOffset: { dayOffset: "1", monthOffset: "4" },
        },
      }, /monthOffset: expected "FIRST", "LAST" or "1" to "3" for QUARTERLY/],
      [
        { ...ridePlan, name: "A", pricingCycle: { ...ridePlan.pricingCycle, offsetDays: 4 } },
        /pricingCycle.offsetDays: is not a field/,
      ],
      [{ name: "A", rateCard: ridePlan.rateCard }, /pricingCycle: is missing/],
    ]
    for (const [body, message] of cases) await refuse(400, "createPricePlan", { body }, message)
  },
)

scenario("quarterly cycles start in the month and on the day their offsets say", async ({ expect }) => {
  await expect(201, "createCustomer", {
    body: { id: "C1", name: "Initech", primaryEmail: "", billingAddress: address },
  })
  await expect(201, "createEventSchema", { body: rides })
  await expect(200, "activateEventSchema", { params: { event_schema_name: "rides" } })
  await expect(201, "createUsageMeter", {
    params: { event_schema_name: "rides" },
    body: { name: "n", type: "COUNTER", aggregation: "COUNT" },
  })
  await expect(200, "activateUsageMeter", { params: { event_schema_name: "rides", usage_meter_name: "n" } })
  await expect(200, "createPricePlan", {
    body: {
      ...ridePlan,
      name: "Quarterly",
      pricingCycle: {
        interval: "QUARTERLY",
        startType: "STATIC",
        startOffset: { dayOffset: "LAST", monthOffset: "2" },
        gracePeriod: 0,
      },
    },
  })
  await expect(200, "activatePricePlan", { params: { price_plan_name: "Quarterly" } })
  const account = { customer_id: "C1", account_id: "C1" }
  await expect(200, "associatePricePlan", { params: account, body: { pricePlanName: "Quarterly" } })
  await expect(200, "associatePricePlan", {
    params: account,
    body: { pricePlanName: "Quarterly", effectiveFrom: "2024-01-01" },
  })
  await expect(202, "ingest", { body: { event: ride("q1", "C1", "2024-03-15T11:00:00Z", "x", "1") } })
  const event = await expect(200, "getSingleEvent", { params: { event_id: "q1" } })
  // The second month of each quarter, on its last day: 2024-02-29 (a leap year), then 2024-05-31.
  assert.deepEqual(
    [
      at(event, "events", 0, "eventPipelineInfo", "pricePlans", 0, "cycleStart"),
      at(event, "events", 0, "eventPipelineInfo", "pricePlans", 0, "cycleEnd"),
    ],
    ["2024-02-29", "2024-05-31"],
  )
})

scenario("ingestion refuses what breaks the contract, whole", async ({ expect, refuse }) => {
  await expect(201, "createCustomer", {
    body: { id: "C1", name: "Initech", primaryEmail: "", billingAddress: address },
  })
  const event = ride("e1", "C1", "2024-03-15T11:00:00Z", "x", "1")
  const { id: _, ...noId } = event
  const cases: ReadonlyArray<readonly [Operation, unknown, RegExp]> = [
    ["ingestBatch", { events: [] }, /events: expected 1 to 100 items, got 0/],
    ["ingestBatch", { events: Array.from({ length: 101 }, (_, i) => ({ ...event, id: `e${i}` })) }, /got 101/],
    ["ingestBatch", { events: [event, noId] }, /events.1.id: is missing/],
    [
      "ingestBatch",
      { events: [{ ...event, eventTimestamp: "yesterday" }] },
      /events.0.eventTimestamp: expected an ISO 8601 date-time/,
    ],
    [
      "ingestBatch",
      { events: [{ ...event, eventAttributes: [{ attributeName: "distance", attributeValue: 5 }] }] },
      /attributeValue: expected a string, got number/,
    ],
    ["ingest", { event: { ...event, dimensions: { city: 1 } } }, /event.dimensions.city: expected a string/],
    ["ingest", {}, /event: is missing/],
  ]
  for (const [operation, body, message] of cases) await refuse(400, operation, { body }, message)
  const events = await expect(200, "getEvents")
  assert.deepEqual(at(events, "events"), [], "nothing was ingested")
})

scenario("every list pages with an opaque token that keeps its filters", async ({ expect, refuse }) => {
  for (let i = 0; i < 12; i++) {
    const id = `C${String(i).padStart(2, "0")}`
    await expect(201, "createCustomer", {
      body: { id, name: `Customer ${id}`, primaryEmail: "", billingAddress: address },
    })
  }
  const customers1 = await expect(200, "getCustomers")
  assert.deepEqual(names(customers1, "id"), ["C00", "C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08", "C09"])
  assert.deepEqual(at(customers1, "context"), { pageSize: 10, sortOrder: "ASC" })
  const customers2 = await expect(200, "getCustomers", { query: { nextToken: String(at(customers1, "nextToken")) } })
  assert.deepEqual(names(customers2, "id"), ["C10", "C11"])
  assert.equal(at(customers2, "nextToken"), undefined)
  await refuse(400, "getCustomers", { query: { nextToken: "bogus" } }, /nextToken: not a token this server issued/)

  const accounts = await expect(200, "getAccounts", { params: { customer_id: "C00" }, query: { pageSize: "1" } })
  assert.deepEqual(names(accounts, "id"), ["C00"])

  for (const [i, name] of ["a", "b", "c", "d", "e"].entries()) {
    await expect(201, "createEventSchema", { body: { name, attributes: [], dimensions: [] } })
    if (i % 2 === 0) await expect(200, "activateEventSchema", { params: { event_schema_name: name } })
  }
  const active1 = await expect(200, "listEventSchemas", {
    query: { statuses: "ACTIVE", sortOrder: "DESC", pageSize: "2" },
  })
  assert.deepEqual(names(active1), ["e", "c"])
  assert.deepEqual(at(active1, "context"), { pageSize: 2, sortOrder: "DESC" })
  const active2 = await expect(200, "listEventSchemas", { query: { nextToken: String(at(active1, "nextToken")) } })
  assert.deepEqual(names(active2), ["a"], "the token keeps the statuses, the order and the page size")
  const drafts = await expect(200, "listEventSchemas", { query: { statuses: "DRAFT,INACTIVE" } })
  assert.deepEqual(names(drafts), ["b", "d"])
  assert.deepEqual(at(drafts, "data", 0, "associatedUsageMeters"), [])
  await refuse(400, "listEventSchemas", { query: { statuses: "ACTIVE,LIVE" } }, /statuses: .*got "LIVE"/)
  await refuse(400, "listEventSchemas", { query: { sortOrder: "UP" } }, /sortOrder: expected ASC or DESC/)

  for (const [i, name] of ["m1", "m2", "m3", "m4"].entries()) {
    const sum = i % 2 === 1
    await expect(201, "createUsageMeter", {
      params: { event_schema_name: "a" },
      body: { name, type: "COUNTER", aggregation: sum ? "SUM" : "COUNT", ...(sum ? { computation: "1" } : {}) },
    })
  }
  await expect(200, "activateUsageMeter", { params: { event_schema_name: "a", usage_meter_name: "m3" } })
  const counts1 = await expect(200, "getUsageMetersForEventSchema", {
    params: { event_schema_name: "a" },
    query: { aggregations: "COUNT", pageSize: "1" },
  })
  assert.deepEqual(names(counts1), ["m1"])
  const counts2 = await expect(200, "getUsageMetersForEventSchema", {
    params: { event_schema_name: "a" },
    query: { nextToken: String(at(counts1, "nextToken")) },
  })
  assert.deepEqual(names(counts2), ["m3"])
  assert.equal(at(counts2, "nextToken"), undefined)
  const activeMeters = await expect(200, "getUsageMetersForEventSchema", {
    params: { event_schema_name: "a" },
    query: { statuses: "ACTIVE" },
  })
  assert.deepEqual(names(activeMeters), ["m3"])
  const schemas = await expect(200, "listEventSchemas", { query: { pageSize: "1" } })
  assert.deepEqual(at(schemas, "data", 0, "associatedUsageMeters"), ["m1", "m2", "m3", "m4"])

  for (const name of ["P1", "P2", "P3"]) await expect(200, "createPricePlan", { body: { ...ridePlan, name } })
  const plans1 = await expect(200, "getPricePlans", { query: { pageSize: "2" } })
  assert.deepEqual(names(plans1), ["P1", "P2"])
  const plans2 = await expect(200, "getPricePlans", { query: { nextToken: String(at(plans1, "nextToken")) } })
  assert.deepEqual(names(plans2), ["P3"])

  await expect(200, "activateEventSchema", { params: { event_schema_name: "b" } })
  const pings = Array.from({ length: 60 }, (_, i) => ({
    id: `p${String(i).padStart(2, "0")}`,
    eventName: i % 3 === 0 ? "d" : "b",
    accountId: i % 2 === 0 ? "C00" : "C01",
    eventTimestamp: new Date(Date.parse("2024-03-15T00:00:00Z") + i * 60_000).toISOString(),
    eventAttributes: [],
    dimensions: {},
  }))
  await expect(202, "ingestBatch", { body: { events: pings.slice(0, 30) } })
  await expect(202, "ingestBatch", { body: { events: pings.slice(30) } })
  const all1 = await expect(200, "getEvents")
  assert.equal(list(all1, "events").length, 50, "50 a page by default")
  const all2 = await expect(200, "getEvents", { query: { nextToken: String(at(all1, "nextToken")) } })
  assert.equal(list(all2, "events").length, 10)
  assert.equal(at(all2, "nextToken"), undefined)
  await refuse(400, "getEvents", { query: { pageSize: "51" } }, /pageSize: expected at most 50, got 51/)
  await refuse(400, "getEvents", { query: { start_time: "yesterday" } }, /start_time: expected epoch milliseconds/)
  await refuse(400, "getEvents", { query: { status: "DONE" } }, /status: expected PROCESSED, UNPROCESSED/)

  // C00's completed events (schema b) from minute 10 on, before minute 40, 4 a page.
  const query = {
    account_id: "C00",
    status: "PROCESSED",
    start_time: String(Date.parse("2024-03-15T00:10:00Z")),
    end_time: String(Date.parse("2024-03-15T00:40:00Z")),
    pageSize: "4",
  }
  const expected = pings.filter((ping, i) => i >= 10 && i < 40 && ping.accountId === "C00" && ping.eventName === "b")
    .map((ping) => ping.id)
  const ids: Array<unknown> = []
  let token: string | undefined
  do {
    const pageOf = await expect(200, "getEvents", { query: token === undefined ? query : { nextToken: token } })
    const events = list(pageOf, "events")
    ids.push(...events.map((event) => at(event, "eventPayload", "id")))
    const next = at(pageOf, "nextToken")
    token = typeof next === "string" ? next : undefined
  } while (token !== undefined)
  assert.deepEqual(ids, expected)
  const failed = await expect(200, "getEvents", {
    query: { status: "INGESTION_FAILED_SCHEMA_NOT_DEFINED", pageSize: "50" },
  })
  assert.equal(list(failed, "events").length, 20, "schema d is a draft")
})

scenario(
  "metrics: at most five queries, at most 100 points, and only the table's filters and groupings",
  async ({ expect, refuse }) => {
    await expect(201, "createCustomer", {
      body: { id: "C1", name: "Initech", primaryEmail: "", billingAddress: address },
    })
    const query = { id: "q", name: "EVENTS", aggregationPeriod: "DAY" }
    const metrics = (body: unknown, message: RegExp) => refuse(400, "getMetrics", { body }, message)
    await metrics(
      { ...window, metricQueries: Array.from({ length: 6 }, (_, i) => ({ ...query, id: `q${i}` })) },
      /metricQueries: expected 1 to 5 items, got 6/,
    )
    await metrics(
      { startTime: "2024-01-01T00:00:00Z", endTime: "2024-04-11T00:00:00Z", metricQueries: [query] },
      /more than 100 data points of a DAY/,
    )
    await metrics(
      { ...window, endTime: window.startTime, metricQueries: [query] },
      /endTime: expected a time after startTime/,
    )
    await metrics({ ...window, metricQueries: [query, query] }, /metricQueries.1.id: q is given twice/)
    await metrics(
      { ...window, metricQueries: [{ ...query, groupBy: "USAGE_METER_NAME" }] },
      /metricQueries.0.groupBy: EVENTS is grouped by ACCOUNT_ID or EVENT_STATUS/,
    )
    await metrics({
      ...window,
      metricQueries: [{
        ...query,
        name: "USAGE",
        filters: [{ fieldName: "EVENT_STATUS", fieldValues: ["PROCESSED"] }],
      }],
    }, /filters.0.fieldName: USAGE is filtered by ACCOUNT_ID, CUSTOMER_ID, USAGE_METER_NAME/)
    await metrics({
      ...window,
      metricQueries: [{ ...query, filters: [{ fieldName: "EVENT_STATUS", fieldValues: ["DONE"] }] }],
    }, /expected PROCESSED, UNPROCESSED or IN_PROGRESS, got "DONE"/)
    await metrics({
      ...window,
      metricQueries: [{ ...query, filters: [{ fieldName: "ACCOUNT_ID", fieldValues: ["nobody"] }] }],
    }, /no account nobody/)
    await metrics({
      ...window,
      metricQueries: [{ ...query, filters: [{ fieldName: "CUSTOMER_ID", fieldValues: ["C1", "C1"] }] }],
    }, /CUSTOMER_ID takes at most one customer/)
    await metrics(
      { ...window, metricQueries: [{ ...query, aggregationPeriod: "YEAR" }] },
      /aggregationPeriod: expected one of DAY, WEEK, MONTH/,
    )
    // 100 days exactly is allowed, and an empty window answers zeros.
    const hundred = await expect(200, "getMetrics", {
      body: { startTime: "2024-01-01T00:00:00Z", endTime: "2024-04-10T00:00:00Z", metricQueries: [query] },
    })
    assert.deepEqual(list(hundred, "results", 0, "data", 0, "metricValues"), Array.from({ length: 100 }, () => 0))
  },
)

scenario("associating needs an existing price plan", async ({ expect, refuse }) => {
  await expect(201, "createCustomer", {
    body: { id: "C1", name: "Initech", primaryEmail: "", billingAddress: address },
  })
  await refuse(404, "associatePricePlan", {
    params: { customer_id: "C1", account_id: "C1" },
    body: { pricePlanName: "Nope" },
  }, /Price plan Nope not found/)
})

Deno.test("State: seeded plans and customers, and what a test can read back", () => {
  const state = new State(() => now)
  state.addPricePlan("Basic")
  state.addPricePlan("Basic")
  state.addCustomer({ id: "C1", accounts: [{ id: "A1", name: "Primary" }] })
  assert.throws(() => state.addCustomer({ id: "C1" }), /seeded twice/)
  assert.throws(
    () => state.addCustomer({ id: "C2", billingAddress: "1 Main St" }),
    /billingAddress: expected 50 to 1000/,
  )
  state.addPricePlan("Pro", {
    rateCard: {
      type: "USAGE",
      usageConfig: {
        "ride-count": {
          name: "rides",
          rateStrategy: "FLAT",
          slabStrategy: "TIER",
          slabs: [{ rate: 5, startAfter: 0, order: 1 }],
        },
        "ride-distance": {
          name: "km",
          rateStrategy: "PER_UNIT",
          slabStrategy: "TIER",
          slabs: [{ rate: 1, startAfter: 0, order: 1 }],
        },
      },
    },
  })
  assert.throws(() => state.addPricePlan("Pro", {}), /price plan Pro is seeded twice/)
  assert.throws(
    () => state.addPricePlan("Broken", { rateCard: { type: "BUNDLE" } }),
    /rateCard.bundleConfig: is missing \(type BUNDLE\)/,
  )
  const pro = state.getPricePlans({ params: {}, query: new URLSearchParams(), body: undefined })
  assert.deepEqual(names(pro.body), ["Basic", "Pro"])
  assert.deepEqual(at(pro.body, "data", 1, "usageMeters"), ["ride-count", "ride-distance"])
  assert.equal(at(pro.body, "data", 1, "status"), "ACTIVE")
  const plan = state.getPricePlan({
    params: { price_plan_name: "Basic" },
    query: new URLSearchParams(),
    body: undefined,
  })
  assert.deepEqual(plan.body, {
    name: "Basic",
    status: "ACTIVE",
    pricingCycle: {
      interval: "MONTHLY",
      startType: "STATIC",
      startOffset: { dayOffset: "1", monthOffset: "NIL" },
      gracePeriod: 0,
    },
    pricingSchedule: [{
      ratePayload: { type: "USAGE", usageConfig: {} },
      startDate: "2024-03-15T00:00:00Z",
      endDate: "9999-01-01T00:00:00Z",
    }],
  })
  const customer = state.getCustomer({ params: { customer_id: "C1" }, query: new URLSearchParams(), body: undefined })
  assert.deepEqual(specProblems("Customer", customer.body), [], "a seeded customer answers as the spec says")
  assert.deepEqual(state.accountsOf("C1").map((account) => account.id), ["A1"])
  const associated = state.associatePricePlan({
    params: { customer_id: "C1", account_id: "A1" },
    query: new URLSearchParams(),
    body: { pricePlanName: "Basic" },
  })
  assert.equal(associated.status, 200)
  assert.deepEqual(state.schedulesOf("C1", "A1").map((schedule) => schedule.pricePlanName), ["Basic"])
  assert.deepEqual(state.eventsOf(), [])
  assert.equal(state.usageOf("A1", "anything"), 0)
})
