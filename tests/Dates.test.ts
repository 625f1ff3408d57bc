/**
 * The two date schemas at the edges the conformance properties found: dates
 * a `YYYY-MM-DD` cannot carry, and the RFC 3339 forms of a date-time.
 */
import assert from "node:assert/strict"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { Accounts, Metrics, Schemas } from "../mod.ts"
import { failure, run } from "./support/run.ts"
import { startServer } from "./support/server.ts"

Deno.test("a date past 9999 is no YYYY-MM-DD: the request fails as InvalidRequest and nothing is sent", async () => {
  await using server = startServer(() => new Response(null, { status: 500 }))
  const error = failure(
    await run(
      Accounts.associatePricePlan("customer-1", "account-1", {
        pricePlanName: "Pro",
        effectiveFrom: DateTime.unsafeMake(Date.UTC(10000, 0, 1)),
      }),
      server.url,
    ),
  )
  assert.equal(error._tag, "InvalidRequest")
  assert.match(error.message, /effectiveFrom: Expected a date from 0000-01-01 to 9999-12-31 \(YYYY-MM-DD\)/)
  assert.equal(server.requests.length, 0)
  assert.equal(Schema.encodeSync(Schemas.TogaiDate)(DateTime.unsafeMake("9999-12-31T23:59:59Z")), "9999-12-31")
})

Deno.test("every RFC 3339 form of a date-time reads as the same instant", () => {
  const decode = Schema.decodeUnknownEither(Schemas.TogaiDateTime)
  const instant = (input: string) => {
    const result = decode(input)
    if (Either.isLeft(result)) throw new Error(result.left.message)
    return result.right.epochMillis
  }
  const expected = Date.UTC(2024, 6, 1, 10, 30, 0)
  for (
    const input of [
      "2024-07-01T10:30:00Z",
      "2024-07-01t10:30:00z",
      "2024-07-01 10:30:00Z",
      "2024-07-01T12:30:00+02:00",
      "2024-07-01T12:30:00+0200",
      "2024-07-01T12:30:00+02",
      "2024-07-01T10:30:00.000000Z",
      "2024-07-01T10:30:00",
      "2024-07-01T10:30",
    ]
  ) assert.equal(instant(input), expected, input)
  assert.equal(instant("2016-12-31T23:59:60Z"), Date.UTC(2017, 0, 1), "a leap second is the next minute's first")
  assert.equal(instant("2024-07-01T10:30:00.1234567Z"), expected + 123, "fraction digits past milliseconds drop")
  assert.ok(Either.isLeft(decode("2024-07-01T25:00:00Z")))
  assert.ok(Either.isLeft(decode("yesterday")))
})

Deno.test("an instant past 9999 has no RFC 3339 form: the request fails as InvalidRequest and nothing is sent", async () => {
  await using server = startServer(() => new Response(null, { status: 500 }))
  const error = failure(
    await run(
      Metrics.getMetrics({
        startTime: DateTime.unsafeMake("2026-01-01T00:00:00Z"),
        endTime: DateTime.unsafeMake(Date.UTC(10000, 0, 1)),
        metricQueries: [{ id: "m1", name: "EVENTS", aggregationPeriod: "DAY" }],
      }),
      server.url,
    ),
  )
  assert.equal(error._tag, "InvalidRequest")
  assert.match(error.message, /endTime: Expected an instant from year 0000 to 9999, got \+010000-01-01T00:00:00\.000Z/)
  assert.equal(server.requests.length, 0)
  assert.equal(
    Schema.encodeSync(Schemas.TogaiDateTime)(DateTime.unsafeMake("9999-12-31T23:59:59Z")),
    "9999-12-31T23:59:59.000Z",
  )
})
