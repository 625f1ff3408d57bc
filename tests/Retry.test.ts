/**
 * Retries, timeouts and rate limits against a loopback server that injects
 * faults: 429s with Retry-After, 5xx, dropped connections, stalled bodies,
 * answers that never come. Waits are checked with the TestClock (the HTTP
 * itself is real), never with wall time.
 */
import assert from "node:assert/strict"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import * as TestContext from "effect/TestContext"
import * as Tracer from "effect/Tracer"
import { Accounts, RateLimit, Retry, Togai, TogaiConfig, TogaiError } from "../mod.ts"
import { hang, json, stalledBody, startDroppingServer, startServer } from "./support/server.ts"
import { failure, run, success, token } from "./support/run.ts"

const account = { id: "ACC00001", name: "Primary Account", status: "ACTIVE" }
const newAccount = { id: "ACC00001", name: "Primary Account" }

/** The layer a user writes: the client's default retry policy unless `options` changes it. */
const togai = (baseUrl: string, options: Partial<Togai.Options> = {}) => Togai.layer({ token, baseUrl, ...options })

/** Runs a test program with the TestClock (and the other test services); real HTTP still works. */
const runTest = <A, E>(program: Effect.Effect<A, E>): Promise<A> =>
  Effect.runPromise(program.pipe(Effect.provide(TestContext.TestContext)))

/** Lets real time pass (for the loopback HTTP) until `condition` holds; gives up after ~10 s rather than hang. */
const waitFor = (what: string, condition: Effect.Effect<boolean>): Effect.Effect<void> =>
  Effect.gen(function* () {
    for (let round = 0; round < 2000; round++) {
      if (yield* condition) return
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
    }
    return yield* Effect.die(new Error(`gave up waiting for: ${what}`))
  })

/** Whether the TestClock holds a sleep that ends at `millis`. */
const sleepingUntil = (millis: number): Effect.Effect<boolean> =>
  Effect.map(TestClock.sleeps(), (sleeps) => Chunk.some(sleeps, (wake) => wake === millis))

const isDone = <A, E>(fiber: Fiber.Fiber<A, E>): Effect.Effect<boolean> => Effect.map(fiber.poll, Option.isSome)

/** A `fetch` that counts the attempts the client makes and the answers whose headers arrived. */
const countingFetch = () => {
  const counts = { calls: 0, headers: 0 }
  const fetch: typeof globalThis.fetch = (input, init) => {
    counts.calls++
    return globalThis.fetch(input, init).then((response) => {
      counts.headers++
      return response
    })
  }
  return { counts, fetch }
}

Deno.test("a 429 with Retry-After: 1 waits that second, then retries, even a POST", async () => {
  await using server = startServer(() =>
    server.requests.length === 1 ? json(429, { message: "slow down" }, { "retry-after": "1" }) : json(201, account)
  )
  await runTest(Effect.gen(function* () {
    const fiber = yield* Effect.fork(
      Accounts.createAccount("CUST01", newAccount).pipe(Effect.provide(togai(server.url))),
    )
    yield* waitFor("the retry's sleep", sleepingUntil(1000))
    assert.equal(server.requests.length, 1)

    yield* TestClock.adjust("999 millis")
    assert.equal(server.requests.length, 1, "no second request before the second has passed")
    assert.equal(yield* isDone(fiber), false)

    yield* TestClock.adjust("1 millis")
    const created = yield* Fiber.join(fiber)
    assert.equal(created.id, "ACC00001")
    assert.equal(server.requests.length, 2)
    assert.equal(server.requests[1].method, "POST")
    assert.equal(server.requests[1].body, server.requests[0].body, "the same request is sent again")
  }))
})

Deno.test("a Retry-After of an hour, beyond the 60 s cap, fails at once with RateLimited", async () => {
  await using server = startServer(() => json(429, { message: "quota exhausted" }, { "retry-after": "3600" }))
  await runTest(Effect.gen(function* () {
    const fiber = yield* Effect.fork(
      Effect.exit(Accounts.getAccount("CUST01", "ACC00001").pipe(Effect.provide(togai(server.url)))),
    )
    yield* waitFor("the call to end without the clock moving", isDone(fiber))
    const error = failure(yield* Fiber.join(fiber))
    assert.ok(error instanceof TogaiError.RateLimited)
    assert.equal(Duration.toSeconds(error.retryAfter ?? Duration.zero), 3600)
    assert.equal(error.serverMessage, "quota exhausted")
    assert.equal(server.requests.length, 1)
    assert.equal(yield* Clock.currentTimeMillis, 0, "no time was spent sleeping")
  }))
})

Deno.test("503 twice then success on GET: retried with backoff, each retry logged and on the span", async () => {
  // the server echoes the Authorization header, to check the token reaches neither logs nor spans
  await using server = startServer((request) =>
    server.requests.length <= 2
      ? json(503, { message: `busy, you sent ${request.headers.get("authorization")}` })
      : json(200, account)
  )
  const logs: Array<{ level: string; message: string; annotations: string }> = []
  const logger = Logger.make(({ logLevel, message, annotations }) => {
    logs.push({ level: logLevel.label, message: String(message), annotations: JSON.stringify([...annotations]) })
  })
  const events: Array<{ span: string; name: string; attributes: Record<string, unknown> }> = []
  const fiber = await runTest(Effect.gen(function* () {
    const fiber = yield* Effect.fork(
      Accounts.getAccount("CUST01", "ACC00001").pipe(
        Effect.provide(togai(server.url)),
        Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
        Logger.withMinimumLogLevel(LogLevel.Debug),
        Effect.withTracer(recordingTracer(events)),
      ),
    )
    // first backoff: half to all of the 500 ms base delay; second: half to all of 1 s. (The sleeps of the
    // attempts' 60 s timeouts stay on the TestClock's list, so the backoff is the sleep that ends sooner.)
    for (const [step, maxWait] of [[1, 500], [2, 1000]]) {
      const backoff = Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        return Chunk.findFirst(yield* TestClock.sleeps(), (wake) => wake > now && wake - now <= maxWait).pipe(
          Option.map((wake) => wake - now),
        )
      })
      yield* waitFor(`request ${step} and its backoff`, Effect.map(backoff, Option.isSome))
      assert.equal(server.requests.length, step)
      const wait = Option.getOrThrow(yield* backoff)
      assert.ok(wait >= maxWait / 2, `backoff ${wait} ms`)
      yield* TestClock.adjust(wait - 1)
      assert.equal(server.requests.length, step, "no retry before the backoff has passed")
      yield* TestClock.adjust(1)
    }
    return fiber
  }))
  assert.deepEqual(success(await Effect.runPromiseExit(Fiber.join(fiber))), account)
  assert.equal(server.requests.length, 3)
  assert.ok(server.requests.every((request) => request.method === "GET"))

  assert.equal(logs.length, 2)
  assert.ok(logs.every((line) => line.level === "DEBUG"))
  assert.match(logs[0].message, /^Togai\.getAccount: retry 1 of 2 in \d+ ms after 503 UnexpectedStatus$/)
  assert.match(logs[1].message, /^Togai\.getAccount: retry 2 of 2 in \d+ ms after 503 UnexpectedStatus$/)
  // (Effect also records each log line as a span event; the retry's own event carries the attributes)
  const retries = events.filter((event) => event.name === "togai.retry")
  assert.deepEqual(retries.map((event) => [event.span, event.name, event.attributes["togai.retry.number"]]), [
    ["Togai.getAccount", "togai.retry", 1],
    ["Togai.getAccount", "togai.retry", 2],
  ])
  assert.equal(retries[0].attributes["togai.retry.reason"], "503 UnexpectedStatus")
  assert.equal(typeof retries[0].attributes["togai.retry.delay_ms"], "number")
  for (const text of [...logs.map((line) => line.message + line.annotations), JSON.stringify(events)]) {
    assert.ok(!text.includes(token), `token leaked in: ${text}`)
  }
})

Deno.test("a POST whose connection drops after sending is not retried; a GET is", async () => {
  await using server = startDroppingServer()
  const post = failure(await run(Accounts.createAccount("CUST01", newAccount), server.url, { retry: {} }))
  assert.ok(post instanceof TogaiError.TransportError)
  assert.equal(post.phase, "send")
  assert.equal(post.method, "POST")
  assert.equal(server.received(), 1, "the POST may have been processed: sent once")

  const get = failure(
    await run(Accounts.getAccount("CUST01", "ACC00001"), server.url, { retry: { baseDelay: Duration.zero } }),
  )
  assert.ok(get instanceof TogaiError.TransportError)
  assert.equal(server.received(), 1 + 3, "a GET is sent again: the first try and two retries")
})

Deno.test("a POST refused before anything was sent is retried", async () => {
  const closed = startServer(() => json(201, account))
  await closed.close()
  const { counts, fetch } = countingFetch()
  const error = failure(
    await run(
      Accounts.createAccount("CUST01", newAccount).pipe(Effect.provideService(FetchHttpClient.Fetch, fetch)),
      closed.url,
      { retry: { baseDelay: Duration.zero } },
    ),
  )
  assert.ok(error instanceof TogaiError.TransportError)
  assert.equal(error.phase, "connect")
  assert.match(error.reason, /Connect/)
  assert.equal(counts.calls, 3, "the first try and two retries")
})

Deno.test("a stalled body hits Timeout at the limit, and the connection is closed", async () => {
  let cancelled = 0
  await using server = startServer(() => stalledBody(() => cancelled++))
  await runTest(Effect.gen(function* () {
    const { counts, fetch } = countingFetch()
    const fiber = yield* Effect.fork(
      Effect.exit(
        Accounts.getAccount("CUST01", "ACC00001").pipe(
          TogaiConfig.withRetries(false),
          Effect.provide(togai(server.url)),
          Effect.provideService(FetchHttpClient.Fetch, fetch),
        ),
      ),
    )
    yield* waitFor("the headers to arrive", Effect.sync(() => counts.headers === 1))
    yield* TestClock.adjust("59999 millis")
    assert.equal(yield* isDone(fiber), false, "still reading the body just before the limit")

    yield* TestClock.adjust("1 millis")
    yield* waitFor("the timeout to end the call", isDone(fiber))
    const error = failure(yield* Fiber.join(fiber))
    assert.ok(error instanceof TogaiError.Timeout)
    assert.equal(error.operation, "getAccount")
    assert.equal(Duration.toSeconds(error.timeout), 60)
    assert.match(error.message, /getAccount did not complete within 60000 ms/)
    yield* waitFor("the server to see the connection close", Effect.sync(() => cancelled === 1))
  }))
})

Deno.test("the timeout applies per attempt: a retried GET gets the full limit again", async () => {
  let cancelled = 0
  await using server = startServer(() => stalledBody(() => cancelled++))
  await runTest(Effect.gen(function* () {
    const fiber = yield* Effect.fork(
      Effect.exit(
        Accounts.getAccount("CUST01", "ACC00001").pipe(
          Effect.provide(
            togai(server.url, { timeout: "10 seconds", retry: { maxRetries: 1, baseDelay: Duration.zero } }),
          ),
        ),
      ),
    )
    yield* waitFor("the first attempt's timeout", sleepingUntil(10_000))
    yield* TestClock.adjust("10 seconds")
    yield* waitFor("the second attempt's timeout", sleepingUntil(20_000))
    assert.equal(server.requests.length, 2)
    // The attempt that ran out of time was aborted, not left running beside its retry.
    yield* waitFor("the first connection to close", Effect.sync(() => cancelled === 1))
    yield* TestClock.adjust("10 seconds")
    yield* waitFor("the second timeout to end the call", isDone(fiber))
    const error = failure(yield* Fiber.join(fiber))
    assert.ok(error instanceof TogaiError.Timeout)
    assert.equal(Duration.toSeconds(error.timeout), 10)
    yield* waitFor("both connections to close", Effect.sync(() => cancelled === 2))
  }))
})

Deno.test("an uninterruptible call does not wait out its timeout once the answer is in", async () => {
  await using server = startServer(() => json(200, { id: "ACC00001", name: "Primary Account", status: "ACTIVE" }))
  await runTest(Effect.gen(function* () {
    const fiber = yield* Effect.fork(
      Effect.uninterruptible(Accounts.getAccount("CUST01", "ACC00001")).pipe(Effect.provide(togai(server.url))),
    )
    // The timeout's sleep must stop when the answer wins the race, though the call cannot be interrupted.
    yield* waitFor("the call to end without the clock moving", isDone(fiber))
    assert.equal((yield* Fiber.join(fiber)).id, "ACC00001")
  }))
})

Deno.test("an overall deadline (Effect.timeout around the call) aborts the request in flight", async () => {
  await using server = startServer(hang)
  await runTest(Effect.gen(function* () {
    const fiber = yield* Effect.fork(
      Effect.exit(
        Accounts.getAccount("CUST01", "ACC00001").pipe(Effect.provide(togai(server.url)), Effect.timeout("5 seconds")),
      ),
    )
    yield* waitFor("the request to arrive", Effect.sync(() => server.requests.length === 1))
    assert.equal(server.requests[0].signal.aborted, false)
    yield* TestClock.adjust("5 seconds")
    const exit = yield* Fiber.join(fiber)
    assert.ok(Exit.isFailure(exit) && Cause.isTimeoutException(failure(exit)))
    yield* waitFor("the server to see the client go", Effect.sync(() => server.requests[0].signal.aborted))
    assert.equal(server.requests.length, 1)
  }))
})

Deno.test("retries stop at the configured count and fail with the last error", async () => {
  await using server = startServer(() => json(503, { message: `attempt ${server.requests.length}` }))
  const error = failure(
    await run(Accounts.getAccount("CUST01", "ACC00001"), server.url, {
      retry: { maxRetries: 3, baseDelay: Duration.zero },
    }),
  )
  assert.ok(error instanceof TogaiError.UnexpectedStatus)
  assert.equal(error.status, 503)
  assert.equal(error.serverMessage, "attempt 4")
  assert.equal(server.requests.length, 4)
})

Deno.test("TogaiConfig.withRetries(false) turns retries off for one call", async () => {
  await using server = startServer(() => json(503, { message: "busy" }))
  const layer = togai(server.url, { retry: { baseDelay: Duration.zero } })
  const once = failure(
    await Effect.runPromiseExit(
      Accounts.getAccount("CUST01", "ACC00001").pipe(TogaiConfig.withRetries(false), Effect.provide(layer)),
    ),
  )
  assert.equal(once._tag, "UnexpectedStatus")
  assert.equal(server.requests.length, 1)

  failure(await Effect.runPromiseExit(Accounts.getAccount("CUST01", "ACC00001").pipe(Effect.provide(layer))))
  assert.equal(server.requests.length, 1 + 3, "the layer's default still retries twice")
})

Deno.test("what is not safe or not useful to retry is sent once", async (t) => {
  const cases = [
    ["GET 400", 400, () => Accounts.getAccount("CUST01", "ACC00001")],
    ["GET 404", 404, () => Accounts.getAccount("CUST01", "ACC00001")],
    ["GET 500", 500, () => Accounts.getAccount("CUST01", "ACC00001")],
    ["POST 502", 502, () => Accounts.createAccount("CUST01", newAccount)],
    ["POST 504", 504, () => Accounts.createAccount("CUST01", newAccount)],
  ] as const
  for (const [name, status, call] of cases) {
    await t.step(name, async () => {
      await using server = startServer(() => json(status, { message: "no" }))
      const error = failure(await run(call(), server.url, { retry: { baseDelay: Duration.zero } }))
      assert.ok("status" in error && error.status === status)
      assert.equal(server.requests.length, 1)
    })
  }
  await t.step("a 200 whose body breaks the contract", async () => {
    await using server = startServer(() => json(200, { id: 1 }))
    const error = failure(
      await run(Accounts.getAccount("CUST01", "ACC00001"), server.url, { retry: { baseDelay: Duration.zero } }),
    )
    assert.equal(error._tag, "DecodeError")
    assert.equal(server.requests.length, 1)
  })
  await t.step("PATCH, DELETE and POST with 502, 503, 504", async () => {
    for (const status of [502, 503, 504]) {
      await using server = startServer(() => json(status, { message: "gateway" }))
      const options = { retry: { maxRetries: 1, baseDelay: Duration.zero } }
      await run(Accounts.updateAccount("CUST01", "ACC00001", { name: "New name" }), server.url, options)
      await run(Accounts.deleteAccount("CUST01", "ACC00001"), server.url, options)
      await run(Accounts.addAliases("CUST01", "ACC00001", { aliases: ["acme_primary"] }), server.url, options)
      const sent = server.requests.map((request) => request.method).join(" ")
      assert.equal(sent, status === 503 ? "PATCH PATCH DELETE DELETE POST POST" : "PATCH PATCH DELETE DELETE POST")
    }
  })
})

Deno.test("Retry.isRetryable follows the table in README", () => {
  const operation = "op"
  const rows: ReadonlyArray<readonly [unknown, boolean, boolean]> = [
    // error, retryable for GET/PATCH/DELETE, retryable for POST
    [new TogaiError.RateLimited({ operation, status: 429 }), true, true],
    [new TogaiError.BadRequest({ operation, status: 400 }), false, false],
    [new TogaiError.NotFound({ operation, status: 404 }), false, false],
    [new TogaiError.DecodeError({ operation, status: 200, issues: "id: missing" }), false, false],
    [new TogaiError.InvalidRequest({ operation, issues: "name: too short" }), false, false],
    [new Error("not from the client"), false, false],
    ["a string", false, false],
  ]
  for (const [error, idempotent, post] of rows) {
    assert.equal(Retry.isRetryable(error), idempotent && post, String(error))
  }
  for (const method of ["GET", "PATCH", "DELETE", "POST"] as const) {
    const safe = method !== "POST"
    const expect = (status: number) => status === 503 || ((status === 502 || status === 504) && safe)
    for (const status of [500, 501, 502, 503, 504, 418]) {
      const error = new TogaiError.UnexpectedStatus({ operation, status, method })
      assert.equal(Retry.isRetryable(error), expect(status), `${method} ${status}`)
    }
    assert.equal(Retry.isRetryable(new TogaiError.Timeout({ operation, method, timeout: Duration.seconds(1) })), safe)
    for (const phase of ["connect", "send", "body", undefined] as const) {
      const error = new TogaiError.TransportError({ operation, method, reason: "x", phase })
      assert.equal(Retry.isRetryable(error), phase === "connect" || safe, `${method} ${phase}`)
    }
  }
  // without a method, the predicate assumes the worst (a POST)
  assert.equal(Retry.isRetryable(new TogaiError.UnexpectedStatus({ operation, status: 502 })), false)
  assert.equal(Retry.isRetryable(new TogaiError.Timeout({ operation, timeout: Duration.seconds(1) })), false)
})

/** The waits `schedule` chooses for a run of failures; the schedule never sleeps here. */
const delays = (schedule: Schedule.Schedule<Retry.Step, unknown>, failures: ReadonlyArray<unknown>) =>
  Effect.runSync(Schedule.run(schedule, 0, failures)).pipe(Chunk.toReadonlyArray)

Deno.test("Retry.schedule: exponential backoff with jitter, capped, then stops", () => {
  const busy = new TogaiError.UnexpectedStatus({ operation: "op", status: 503, method: "GET" })
  for (let round = 0; round < 20; round++) {
    const steps = delays(
      Retry.schedule({ maxRetries: 6, baseDelay: "1 second", maxDelay: "10 seconds" }),
      Array(8).fill(busy),
    )
    assert.deepEqual(steps.map((step) => step.retry), [1, 2, 3, 4, 5, 6, 7], "six retries, then the schedule is done")
    const waits = steps.slice(0, 6).map((step) => Duration.toMillis(step.delay))
    for (const [index, full] of [1000, 2000, 4000, 8000, 10_000, 10_000].entries()) {
      assert.ok(waits[index] >= full / 2 && waits[index] <= full, `retry ${index + 1} waited ${waits[index]} ms`)
    }
  }
  const defaults = delays(Retry.schedule(), Array(5).fill(busy))
  assert.equal(defaults.length, 3, "two retries by default")
})

Deno.test("Retry.schedule: Retry-After sets the least wait, up to the cap; beyond it, stop", () => {
  const rateLimited = (seconds: number) =>
    new TogaiError.RateLimited({ operation: "op", status: 429, retryAfter: Duration.seconds(seconds) })
  const [first, second] = delays(Retry.schedule({ maxRetryAfter: "30 seconds" }), [rateLimited(20), rateLimited(0)])
  assert.equal(Duration.toMillis(first.delay), 20_000)
  assert.ok(
    Duration.toMillis(second.delay) >= 500 && Duration.toMillis(second.delay) <= 1000,
    "a 0 s Retry-After backs off",
  )

  const [tooLong] = delays(Retry.schedule({ maxRetryAfter: "30 seconds" }), [rateLimited(31), rateLimited(1)])
  assert.equal(Duration.toMillis(tooLong.delay), 0)
  assert.equal(delays(Retry.schedule({ maxRetryAfter: "30 seconds" }), [rateLimited(31), rateLimited(1)]).length, 1)

  const noRetries = delays(Retry.schedule({ maxRetries: 0 }), [rateLimited(1)])
  assert.equal(noRetries.length, 1, "maxRetries 0 stops at the first failure")
})

Deno.test("Retry.schedule works standalone with Effect.retry around a call", async () => {
  await using server = startServer(() =>
    server.requests.length === 1 ? json(429, { message: "slow" }, { "retry-after": "2" }) : json(200, account)
  )
  await runTest(Effect.gen(function* () {
    const fiber = yield* Effect.fork(
      Accounts.getAccount("CUST01", "ACC00001").pipe(
        Effect.retry({ schedule: Retry.schedule(), while: Retry.isRetryable }),
        Effect.provide(togai(server.url, { retry: false })),
      ),
    )
    yield* waitFor("the Retry-After sleep", sleepingUntil(2000))
    yield* TestClock.adjust("2 seconds")
    assert.deepEqual(yield* Fiber.join(fiber), account)
    assert.equal(server.requests.length, 2)

    // and with the predicate, a non-retryable error ends it at once
    const notFound = yield* Effect.exit(
      Effect.fail(new TogaiError.NotFound({ operation: "op", status: 404 })).pipe(
        Effect.retry({ schedule: Retry.schedule(), while: Retry.isRetryable }),
      ),
    )
    assert.equal(failure(notFound)._tag, "NotFound")
  }))
})

Deno.test("RateLimit.layer spaces requests across operations: a burst of `limit`, then one per interval/limit", async () => {
  await using server = startServer((request) => request.method === "POST" ? json(201, account) : json(200, account))
  await runTest(Effect.gen(function* () {
    const calls = [
      Accounts.getAccount("CUST01", "A1"),
      Accounts.createAccount("CUST01", newAccount),
      Accounts.getAccount("CUST01", "A2"),
      Accounts.createAccount("CUST01", { ...newAccount, id: "A3" }),
      Accounts.getAccount("CUST01", "A4"),
    ]
    let completed = 0
    const layer = Layer.merge(togai(server.url), RateLimit.layer({ limit: 2, interval: "1 second" }))
    const fiber = yield* Effect.fork(
      Effect.all(calls.map((call) => Effect.tap(call, () => Effect.sync(() => completed++))), {
        concurrency: "unbounded",
      }).pipe(Effect.provide(layer)),
    )
    yield* waitFor("the burst of two", Effect.sync(() => completed === 2))
    yield* waitFor("the refill's sleep", sleepingUntil(500))
    assert.equal(server.requests.length, 2, "the other three wait for a permit")

    yield* TestClock.adjust("499 millis")
    assert.equal(server.requests.length, 2)
    yield* TestClock.adjust("1 millis")
    yield* waitFor("the third request", Effect.sync(() => completed === 3))

    yield* waitFor("the next refill", sleepingUntil(1000))
    assert.equal(server.requests.length, 3)
    yield* TestClock.adjust("500 millis")
    yield* waitFor("the fourth request", Effect.sync(() => completed === 4))
    yield* waitFor("the last refill", sleepingUntil(1500))
    assert.equal(server.requests.length, 4)
    yield* TestClock.adjust("500 millis")
    yield* Fiber.join(fiber)
    assert.equal(server.requests.length, 5)
  }))
})

/** A tracer that records the events of every span, to check what a retry leaves on the operation's span. */
const recordingTracer = (
  events: Array<{ span: string; name: string; attributes: Record<string, unknown> }>,
): Tracer.Tracer =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind) => ({
      _tag: "Span",
      name,
      spanId: crypto.randomUUID(),
      traceId: "trace",
      parent,
      context,
      status: { _tag: "Started", startTime },
      attributes: new Map(),
      links,
      sampled: true,
      kind,
      end: () => {},
      attribute: () => {},
      event: (event, _time, attributes = {}) => {
        events.push({ span: name, name: event, attributes })
      },
      addLinks: () => {},
    }),
    context: (f) => f(),
  })
