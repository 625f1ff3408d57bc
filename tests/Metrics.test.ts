/**
 * `getMetrics` against a real HTTP server on loopback that records what it
 * received: the window sent as ISO 8601, the data points' timestamps
 * decoded to `DateTime.Utc`, every documented error status mapped to its
 * tag, and input refused before sending (a window that ends before it
 * starts among it).
 */
import assert from "node:assert/strict"
import * as DateTime from "effect/DateTime"
import type * as Effect from "effect/Effect"
import type { Togai } from "../mod.ts"
import type { TaggedStatus } from "../src/internal/endpoint.ts"
import * as endpoints from "../src/internal/endpoints.ts"
import * as Metrics from "../src/Metrics.ts"
import type { GetMetricsRequest, MetricQuery } from "../src/Schemas/Metrics.ts"
import type { OperationError, TogaiError } from "../src/TogaiError.ts"
import { failure, run, success, token } from "./support/run.ts"
import { json, startServer } from "./support/server.ts"

const eventsPerDay: MetricQuery = {
  id: "m1",
  name: "EVENTS",
  aggregationPeriod: "DAY",
  groupBy: "EVENT_STATUS",
  filters: [
    { fieldName: "ACCOUNT_ID", fieldValues: ["account#1"] },
    { fieldName: "EVENT_STATUS", fieldValues: ["PROCESSED", "UNPROCESSED"] },
  ],
}

const usagePerMonth: MetricQuery = {
  id: "m2",
  name: "USAGE",
  aggregationPeriod: "MONTH",
  filters: [{ fieldName: "CUSTOMER_ID", fieldValues: ["customer#1"] }],
}

/** The spec's own example request, with DateTime start and end. */
const request: GetMetricsRequest = {
  startTime: DateTime.unsafeMake("2017-07-21T00:00:00Z"),
  endTime: DateTime.unsafeMake("2017-07-22T00:00:00Z"),
  metricQueries: [eventsPerDay, usagePerMonth],
}

const answer = {
  results: [
    {
      id: "m1",
      name: "EVENTS",
      data: [
        {
          groupedBy: { fieldName: "EVENT_STATUS", fieldValue: "PROCESSED" },
          timestamps: ["2017-07-21T00:00:00Z", "2017-07-21T12:00:00+05:30"],
          metricValues: [42, 7.5],
        },
      ],
    },
    { id: "m2", name: "USAGE", data: [{ timestamps: ["2017-07-01T00:00:00"], metricValues: [1000] }] },
  ],
}

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
type TableError<E> = E extends { readonly errors: ReadonlyArray<infer S extends TaggedStatus> } ? OperationError<S>
  : never

const errorTypeMatchesTheTable: Equals<
  Effect.Effect.Error<ReturnType<typeof Metrics.getMetrics>>,
  TableError<typeof endpoints.getMetrics>
> = true

Deno.test("getMetrics' error type names exactly the statuses its contract documents", () => {
  assert.ok(errorTypeMatchesTheTable)
  assert.deepEqual(endpoints.getMetrics.errors, [400, 401, 403, 429])
})

Deno.test("getMetrics POSTs the window as ISO 8601 strings and decodes the data points", async () => {
  await using server = startServer(() => json(200, answer))
  const result = success(await run(Metrics.getMetrics(request), server.url))
  assert.equal(server.requests.length, 1)
  const [sent] = server.requests
  assert.equal(sent.method, "POST")
  assert.equal(sent.rawPath, "/metrics")
  assert.equal([...sent.query].length, 0)
  assert.equal(sent.headers.get("authorization"), `Bearer ${token}`)
  assert.equal(sent.headers.get("accept"), "application/json")
  assert.equal(sent.headers.get("content-type"), "application/json")
  assert.deepEqual(JSON.parse(sent.body), {
    startTime: "2017-07-21T00:00:00.000Z",
    endTime: "2017-07-22T00:00:00.000Z",
    metricQueries: [eventsPerDay, usagePerMonth],
  })

  assert.equal(result.results.length, 2)
  const [events, usage] = result.results
  assert.equal(events.id, "m1")
  assert.equal(events.name, "EVENTS")
  assert.deepEqual(events.data[0].groupedBy, { fieldName: "EVENT_STATUS", fieldValue: "PROCESSED" })
  assert.deepEqual(events.data[0].metricValues, [42, 7.5])
  const timestamps = [...events.data[0].timestamps, ...usage.data[0].timestamps]
  assert.ok(timestamps.every((timestamp) => DateTime.isDateTime(timestamp) && DateTime.isUtc(timestamp)))
  assert.deepEqual(timestamps.map(DateTime.formatIso), [
    "2017-07-21T00:00:00.000Z",
    "2017-07-21T06:30:00.000Z",
    "2017-07-01T00:00:00.000Z",
  ])
  assert.equal(usage.data[0].groupedBy, undefined)
})

Deno.test("the window's check compares the DateTimes, to the millisecond, and encoding does not throw", async () => {
  await using server = startServer(() => json(200, { results: [] }))
  const start = DateTime.unsafeMake("2024-07-01T00:00:00.000Z")
  const oneMillisecondLater = DateTime.unsafeMake("2024-07-01T00:00:00.001Z")
  success(
    await run(
      Metrics.getMetrics({
        startTime: start,
        endTime: oneMillisecondLater,
        metricQueries: [{ id: "m1", name: "EVENTS", aggregationPeriod: "DAY" }],
      }),
      server.url,
    ),
  )
  assert.deepEqual(JSON.parse(server.requests[0].body), {
    startTime: "2024-07-01T00:00:00.000Z",
    endTime: "2024-07-01T00:00:00.001Z",
    metricQueries: [{ id: "m1", name: "EVENTS", aggregationPeriod: "DAY" }],
  })
})

Deno.test("every documented error status maps to its tag, any other to UnexpectedStatus", async () => {
  const tags: Readonly<Record<number, string>> = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    429: "RateLimited",
  }
  for (const status of [400, 401, 403, 404, 422, 429, 500, 503]) {
    await using server = startServer(() => json(status, { message: `reason for ${status}` }))
    const error = failure(await run(Metrics.getMetrics(request), server.url))
    assert.equal(error._tag, tags[status] ?? "UnexpectedStatus", String(status))
    assert.ok("status" in error && error.status === status)
    assert.ok("serverMessage" in error && error.serverMessage === `reason for ${status}`)
    assert.equal(error.operation, "getMetrics")
    assert.equal(server.requests.length, 1)
  }
})

Deno.test("an answer that breaks the contract is a DecodeError naming the field", async () => {
  await using server = startServer(() =>
    json(200, { results: [{ id: "m1", name: "EVENTS", data: [{ timestamps: ["yesterday"], metricValues: [1] }] }] })
  )
  const error = failure(await run(Metrics.getMetrics(request), server.url))
  assert.ok(error._tag === "DecodeError" && error.issues.includes("results.0.data.0.timestamps.0"))
})

Deno.test("input that breaks the contract fails as InvalidRequest and sends nothing", async (t) => {
  const cases: ReadonlyArray<readonly [string, Effect.Effect<unknown, TogaiError, Togai.Requirements>, RegExp]> = [
    [
      "an endTime before the startTime",
      Metrics.getMetrics({ ...request, startTime: request.endTime, endTime: request.startTime }),
      /endTime: endTime must be after startTime/,
    ],
    [
      "an endTime equal to the startTime",
      Metrics.getMetrics({ ...request, endTime: request.startTime }),
      /endTime must be after startTime/,
    ],
    [
      "six filters",
      Metrics.getMetrics({
        ...request,
        metricQueries: [{
          ...usagePerMonth,
          filters: Array.from({ length: 6 }, () => ({ fieldName: "ACCOUNT_ID", fieldValues: ["a"] })),
        }],
      }),
      /metricQueries\.0\.filters/,
    ],
    [
      "no filter in a filter list",
      Metrics.getMetrics({ ...request, metricQueries: [{ ...usagePerMonth, filters: [] }] }),
      /metricQueries\.0\.filters/,
    ],
    [
      "the same query twice",
      Metrics.getMetrics({ ...request, metricQueries: [usagePerMonth, usagePerMonth] }),
      /metricQueries\.1: Expected unique items/,
    ],
    [
      "an unknown metric",
      Metrics.getMetrics({
        ...request,
        metricQueries: [{ ...usagePerMonth, name: "PROFIT" } as unknown as MetricQuery],
      }),
      /metricQueries\.0\.name/,
    ],
    [
      "an unknown field",
      Metrics.getMetrics({ ...request, metricQueries: [{ ...usagePerMonth, limit: 5 } as MetricQuery] }),
      /limit/,
    ],
  ]
  await using server = startServer(() => json(200, answer))
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
