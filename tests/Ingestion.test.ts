/**
 * `Events.ingestAll`, `Events.ingestStream` and `Events.event` through the
 * public API against a real loopback server that records every batch:
 * batching at 100 and at the flush interval, 207 rejections per event,
 * retries with the same ids, exhausted retries and interruption reporting
 * what was acknowledged, invalid events rejected without being sent.
 */
import assert from "node:assert/strict"
import * as Chunk from "effect/Chunk"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { Events } from "../mod.ts"
import { failure, run, success, token } from "./support/run.ts"
import { hang, json, startServer } from "./support/server.ts"

const ride = (n: number) =>
  Events.event({
    id: `ride-${n}`,
    eventName: "ride",
    accountId: "ACC1",
    eventTimestamp: "2026-11-01T00:00:00Z",
    attributes: { distance: n },
  })

const rides = (count: number) => Stream.range(0, count - 1).pipe(Stream.map(ride))

/** The ids of each batch the server received, in the order received. */
const batchesOf = (requests: ReadonlyArray<{ readonly body: string }>): Array<Array<string>> =>
  requests.map((request) => JSON.parse(request.body).events.map((event: { id: string }) => event.id))

Deno.test("Events.event fills the id and the timestamp, and writes numbers as the strings the contract wants", () => {
  const event = Events.event({
    eventName: "ride",
    accountId: "ACC1",
    attributes: { distance: { value: 12.5, unit: "Kilometers" }, minutes: 31, skipped: undefined },
    dimensions: { city: "Chennai", surge: true },
  })
  assert.match(event.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  assert.ok(Math.abs(DateTime.toEpochMillis(event.eventTimestamp) - Date.now()) < 60_000)
  assert.deepEqual(event.eventAttributes, [
    { attributeName: "distance", attributeValue: "12.5", attributeValueUnit: "Kilometers" },
    { attributeName: "minutes", attributeValue: "31" },
  ])
  assert.deepEqual(event.dimensions, { city: "Chennai", surge: "true" })
  assert.notEqual(Events.event({ eventName: "ride", accountId: "ACC1" }).id, event.id)
})

Deno.test("ingestAll sends batches of 100 (the contract's limit), every event once, in order", async () => {
  await using server = startServer(() => json(202, { errors: [] }))
  const summary = success(await run(Events.ingestAll(rides(250), { rateLimit: false }), server.url))
  assert.deepEqual(summary, { events: 250, accepted: 250, rejected: [] })
  const batches = batchesOf(server.requests)
  assert.deepEqual(batches.map((batch) => batch.length).sort((a, b) => b - a), [100, 100, 50])
  assert.deepEqual(batches.flat().sort(), Array.from({ length: 250 }, (_, n) => `ride-${n}`).sort())
  assert.ok(server.requests.every((request) => request.rawPath === "/ingestBatch" && request.method === "POST"))
})

Deno.test("a slow live stream is sent at the flush interval, not held back until a batch fills", async () => {
  await using server = startServer(() => json(202, { errors: [] }))
  const slow = rides(6).pipe(Stream.schedule(Schedule.spaced("40 millis")))
  const summary = success(
    await run(Events.ingestAll(slow, { batchSize: 100, flushAfter: "60 millis", rateLimit: false }), server.url),
  )
  assert.equal(summary.accepted, 6)
  assert.ok(server.requests.length >= 2, `${server.requests.length} batches`)
  assert.ok(batchesOf(server.requests).every((batch) => batch.length < 6))
})

Deno.test("bursts and pauses: full batches at once, the rest at the flush interval, every event once and in order", async () => {
  await using server = startServer(() => json(202, { errors: [] }))
  const pause = Stream.fromEffect(Effect.sleep("300 millis")).pipe(Stream.drain)
  const burst = (from: number, count: number) =>
    Stream.fromIterable(Array.from({ length: count }, (_, n) => ride(from + n)))
  const events = Stream.concatAll(
    Chunk.make(burst(0, 130), pause, burst(130, 130), pause, burst(260, 130), burst(390, 5)),
  )
  const summary = success(
    await run(Events.ingestAll(events, { flushAfter: "50 millis", concurrency: 1, rateLimit: false }), server.url),
  )
  assert.equal(summary.accepted, 395)
  const batches = batchesOf(server.requests)
  // The third burst runs into the last five: no pause between them, so they share a batch.
  assert.deepEqual(batches.map((batch) => batch.length), [100, 30, 100, 30, 100, 35])
  assert.deepEqual(batches.flat(), Array.from({ length: 395 }, (_, n) => `ride-${n}`))
})

Deno.test("a source stream that fails fails the run with its own error; what was acknowledged is a prefix", async () => {
  await using server = startServer(() => json(202, { errors: [] }))
  const progress = Effect.runSync(Ref.make(Events.noProgress))
  const events = Stream.concat(rides(150), Stream.fail("the source broke" as const))
  const error = failure(await run(Events.ingestAll(events, { progress, rateLimit: false }), server.url))
  assert.equal(error, "the source broke")
  const where = Effect.runSync(Ref.get(progress))
  assert.deepEqual(batchesOf(server.requests).flat(), Array.from({ length: where.acknowledged }, (_, n) => `ride-${n}`))
  assert.ok(where.acknowledged >= 100, `${where.acknowledged}`)
  assert.deepEqual(where.unacknowledged, [])
})

Deno.test("a 207 reports each rejected event with Togai's message; the rest count as accepted", async () => {
  await using server = startServer((request) => {
    const events: Array<{ id: string }> = JSON.parse(request.body).events
    const rejected = events.filter((event) => event.id.endsWith("3"))
    return json(rejected.length === 0 ? 202 : 207, {
      errors: rejected.map((event) => ({ message: `no schema for ${event.id}`, eventPayload: event })),
    })
  })
  const summary = success(await run(Events.ingestAll(rides(30), { rateLimit: false }), server.url))
  assert.equal(summary.accepted, 27)
  assert.deepEqual(summary.rejected.map((rejection) => [rejection._tag, rejection.event?.id, rejection.reason]), [
    ["RejectedByTogai", "ride-3", "no schema for ride-3"],
    ["RejectedByTogai", "ride-13", "no schema for ride-13"],
    ["RejectedByTogai", "ride-23", "no schema for ride-23"],
  ])
})

Deno.test("a 207 whose message echoes the token reports the rejection without the token, at a bounded length", async () => {
  await using server = startServer((request) => {
    const [event] = JSON.parse(request.body).events
    return json(207, { errors: [{ message: `bad token ${token} ${"x".repeat(5_000)}`, eventPayload: event }] })
  })
  const summary = success(await run(Events.ingestAll(rides(1), { rateLimit: false }), server.url))
  assert.equal(summary.rejected.length, 1)
  const reason = summary.rejected[0].reason
  assert.ok(!reason.includes(token), reason.slice(0, 80))
  assert.match(reason, /^bad token <redacted> x+\.\.\.$/)
  assert.ok(reason.length <= 1_003)
})

Deno.test("an event that breaks the contract is rejected without being sent; the rest of its batch is sent", async () => {
  await using server = startServer(() => json(202, { errors: [] }))
  const events = Stream.make(ride(1), { ...ride(2), id: "x".repeat(300) }, ride(3))
  const summary = success(await run(Events.ingestAll(events, { rateLimit: false }), server.url))
  assert.equal(summary.accepted, 2)
  assert.equal(summary.rejected.length, 1)
  assert.equal(summary.rejected[0]._tag, "InvalidEvent")
  assert.match(summary.rejected[0].reason, /id/)
  assert.deepEqual(batchesOf(server.requests), [["ride-1", "ride-3"]])
})

// A connection dropped after sending is retried for ingestBatch (a POST) too: tests/Events.test.ts.
Deno.test("429 and 503 are retried with the same event ids, and nothing is lost", async () => {
  let calls = 0
  await using server = startServer(() => {
    calls++
    if (calls === 1) return json(429, { message: "slow down" }, { "retry-after": "0" })
    if (calls === 2) return json(503, { message: "busy" })
    if (calls === 3) return json(503, { message: "still busy" }, { "retry-after": "0" })
    return json(202, { errors: [] })
  })
  const summary = success(
    await run(Events.ingestAll(rides(50), { rateLimit: false }), server.url, {
      retry: { maxRetries: 5, baseDelay: 1, maxDelay: 5 },
    }),
  )
  assert.deepEqual(summary, { events: 50, accepted: 50, rejected: [] })
  const batches = batchesOf(server.requests)
  assert.ok(batches.length >= 3)
  for (const batch of batches) assert.deepEqual(batch, batches[0], "every attempt carries the same ids")
})

Deno.test("when retries are spent, IngestionIncomplete says which events were acknowledged and which were not", async () => {
  let calls = 0
  await using server = startServer(() => {
    calls++
    return calls <= 2 ? json(202, { errors: [] }) : json(503, { message: "down for maintenance" })
  })
  const error = failure(
    await run(Events.ingestAll(rides(500), { rateLimit: false, concurrency: 1 }), server.url, {
      retry: { maxRetries: 1, baseDelay: 1 },
    }),
  )
  assert.equal(error._tag, "IngestionIncomplete")
  if (error._tag !== "IngestionIncomplete") return
  assert.equal(error.acknowledged, 200)
  assert.equal(error.accepted, 200)
  assert.equal(error.cause._tag, "ServiceUnavailable")
  assert.ok(error.unacknowledged.length >= 100, `${error.unacknowledged.length} unacknowledged`)
  assert.equal(error.unacknowledged[0].id, "ride-200", "the first unacknowledged follows the last acknowledged")
  const acknowledged = new Set(batchesOf(server.requests.slice(0, 2)).flat())
  assert.ok(error.unacknowledged.every((event) => !acknowledged.has(event.id)))
})

Deno.test("an interrupted run leaves its progress: what was acknowledged, and what to send again", async () => {
  let calls = 0
  await using server = startServer((request) => {
    calls++
    // the third batch never gets an answer: it is in flight when the run is interrupted
    return calls > 2 ? hang(request) : json(202, { errors: [] })
  })
  const program = Effect.gen(function* () {
    const progress = yield* Ref.make(Events.noProgress)
    const fiber = yield* Effect.fork(Events.ingestAll(rides(1_000), { rateLimit: false, concurrency: 1, progress }))
    yield* Effect.sleep("300 millis")
    yield* Fiber.interrupt(fiber)
    return yield* Ref.get(progress)
  })
  const progress = success(await run(program, server.url))
  assert.equal(progress.acknowledged, 200)
  assert.equal(progress.accepted, 200)
  assert.ok(progress.unacknowledged.length >= 100)
  assert.equal(progress.unacknowledged[0].id, "ride-200")
})

Deno.test("ingestStream emits one result per batch, each a checkpoint", async () => {
  await using server = startServer(() => json(202, { errors: [] }))
  const results = success(
    await run(Stream.runCollect(Events.ingestStream(rides(230), { rateLimit: false })), server.url),
  )
  const list = Chunk.toReadonlyArray(results)
  assert.deepEqual(list.map((result) => result.acknowledged), [100, 200, 230])
  assert.deepEqual(list.map((result) => result.status), [202, 202, 202])
})

Deno.test("the default rate limit paces batches to Togai's 50 requests a second", async () => {
  await using server = startServer(() => json(202, { errors: [] }))
  const started = Date.now()
  success(await run(Events.ingestAll(rides(2_600), { concurrency: 8 }), server.url))
  // 26 batches at one each 20 ms: at least 25 gaps of 20 ms, whatever the machine's speed
  assert.ok(Date.now() - started >= 480, `took ${Date.now() - started} ms`)
  assert.equal(server.requests.length, 26)
})
