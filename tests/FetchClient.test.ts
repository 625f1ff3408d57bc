/**
 * `FetchClient.layer`, the client `Togai.layer` provides: its lean path
 * keeps every guarantee of `@effect/platform`'s fetch client. Interruption
 * and the live-clock timeout abort the request (the loopback server sees
 * the connection go), spans carry the headers redacted, failures are typed,
 * and a transformed client is honoured. Waits poll the server; nothing
 * asserts on wall time.
 */
import assert from "node:assert/strict"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import type * as RateLimiter from "effect/RateLimiter"
import { Accounts, Auth, FetchClient, RateLimit, Retry, Togai, TogaiConfig, TogaiError } from "../mod.ts"
import { hang, json, stalledBody, startDroppingServer, startServer } from "./support/server.ts"
import { failure, run, success, token } from "./support/run.ts"
import { recordingTracer } from "./support/tracer.ts"
import { waitFor } from "./support/wait.ts"

const account = { id: "ACC00001", name: "Primary Account", status: "ACTIVE" }

for (const tracing of [true, false]) {
  Deno.test(`interrupting a call aborts the fetch: the server sees the client go (tracing ${tracing ? "on" : "off"})`, async () => {
    await using server = startServer(hang)
    const fiber = Effect.runFork(
      Accounts.getAccount("CUST01", "ACC00001").pipe(
        Effect.withTracerEnabled(tracing),
        Effect.provide(Togai.layer({ token, baseUrl: server.url })),
      ),
    )
    await waitFor("the request to arrive", () => server.requests.length === 1)
    assert.equal(server.requests[0].signal.aborted, false)
    await Effect.runPromise(Fiber.interrupt(fiber))
    await waitFor("the server to see the abort", () => server.requests[0].signal.aborted)
  })
}

const limiters: ReadonlyArray<readonly [string, RateLimiter.RateLimiter, number]> = [
  // Two copies of the attempt race (hedging): both are in flight when the call is interrupted.
  ["runs attempts side by side", (effect) => Effect.race(effect, effect), 2],
  // Interrupting the call returns at once; the attempt's fiber is interrupted in the background.
  ["lets go of its attempt (Effect.disconnect)", (effect) => Effect.disconnect(effect), 1],
]
for (const [what, limiter, requests] of limiters) {
  Deno.test(`a rate limiter that ${what}: interrupting the call aborts every fetch`, async () => {
    await using server = startServer(hang)
    const fiber = Effect.runFork(
      Accounts.getAccount("CUST01", "ACC00001").pipe(
        Effect.provide(
          Layer.merge(Togai.layer({ token, baseUrl: server.url }), Layer.succeed(RateLimit.RateLimit, limiter)),
        ),
      ),
    )
    await waitFor(`${requests} request(s) to arrive`, () => server.requests.length === requests)
    await Effect.runPromise(Fiber.interrupt(fiber))
    await waitFor("the server to see every request aborted", () => server.requests.every((r) => r.signal.aborted))
  })
}

Deno.test("interrupting a call while its body is read aborts the body read", async () => {
  let cancelled = 0
  let answered = 0
  await using server = startServer(() => {
    answered++
    return stalledBody(() => cancelled++)
  })
  const fiber = Effect.runFork(
    Accounts.getAccount("CUST01", "ACC00001").pipe(Effect.provide(Togai.layer({ token, baseUrl: server.url }))),
  )
  await waitFor("the answer to start", () => answered === 1)
  await Effect.runPromise(Fiber.interrupt(fiber))
  await waitFor("the server to see the body cancelled", () => cancelled === 1)
})

Deno.test("on the live clock the timeout covers the body: Timeout, and the connection is closed", async () => {
  let cancelled = 0
  await using server = startServer(() => stalledBody(() => cancelled++))
  const error = failure(
    await run(Accounts.getAccount("CUST01", "ACC00001").pipe(TogaiConfig.withTimeout("200 millis")), server.url),
  )
  assert.ok(error instanceof TogaiError.Timeout, `got ${error._tag}`)
  assert.equal(error.operation, "getAccount")
  await waitFor("the server to see the connection close", () => cancelled === 1)
})

Deno.test("failures are typed: refused is TransportError (connect), a dropped answer is TransportError", async () => {
  const closed = startServer(() => json(200, account))
  await closed.close()
  const refused = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), closed.url))
  assert.ok(refused instanceof TogaiError.TransportError)
  assert.equal(refused.phase, "connect")
  assert.ok(!refused.message.includes(token))

  await using dropping = startDroppingServer()
  const dropped = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), dropping.url))
  assert.ok(dropped instanceof TogaiError.TransportError)
  assert.equal(dropped.phase, "send")
})

Deno.test("the HTTP span is a child of the operation's, with the platform's attributes and the token redacted", async () => {
  await using server = startServer(() => json(200, account))
  const { tracer, spans } = recordingTracer()
  success(await run(Accounts.getAccount("CUST01", "ACC00001").pipe(Effect.withTracer(tracer)), server.url))
  const http = spans.find((span) => span.parentName === "Togai.getAccount")
  assert.ok(http, `spans: ${spans.map((span) => span.name).join(", ")}`)
  assert.equal(http.name, "http.client GET")
  assert.equal(http.attributes.get("http.request.method"), "GET")
  assert.equal(http.attributes.get("url.full"), `${server.url}/customers/CUST01/accounts/ACC00001`)
  assert.equal(http.attributes.get("url.path"), "/customers/CUST01/accounts/ACC00001")
  assert.equal(http.attributes.get("http.response.status_code"), 200)
  assert.equal(http.attributes.get("http.request.header.authorization"), "<redacted>")
  assert.equal(http.attributes.get("http.response.header.content-type"), "application/json")
  assert.equal(http.exit?._tag, "Success")
  assert.ok(!JSON.stringify(spans.map((span) => [...span.attributes])).includes(token), "the token is in no span")
  assert.equal(
    server.requests[0].headers.get("traceparent"),
    null,
    "no trace header to a third-party origin by default",
  )
  assert.equal(server.requests[0].headers.get("b3"), null)
})

Deno.test("TogaiConfig's traceHeaders sends the caller's trace context to Togai", async () => {
  await using server = startServer(() => json(200, account))
  const { tracer } = recordingTracer()
  success(
    await run(
      Accounts.getAccount("CUST01", "ACC00001").pipe(
        TogaiConfig.withSettings({ traceHeaders: true }),
        Effect.withTracer(tracer),
      ),
      server.url,
    ),
  )
  assert.match(server.requests[0].headers.get("traceparent") ?? "", /^00-trace-1-span-\d+-01$/, "trace propagated")
})

Deno.test("with tracing off no span is made and the call still succeeds", async () => {
  await using server = startServer(() => json(200, account))
  const { tracer, spans } = recordingTracer()
  const result = success(
    await run(
      Accounts.getAccount("CUST01", "ACC00001").pipe(Effect.withTracer(tracer), Effect.withTracerEnabled(false)),
      server.url,
    ),
  )
  assert.deepEqual(result, account)
  assert.equal(spans.length, 0)
  assert.equal(server.requests[0].headers.get("traceparent"), null)
})

Deno.test("a FetchHttpClient.Fetch in context is the fetch the lean path uses", async () => {
  await using server = startServer(() => json(200, account))
  let calls = 0
  const countingFetch: typeof globalThis.fetch = (input, init) => {
    calls++
    return globalThis.fetch(input, init)
  }
  success(
    await run(
      Accounts.getAccount("CUST01", "ACC00001").pipe(Effect.provideService(FetchHttpClient.Fetch, countingFetch)),
      server.url,
    ),
  )
  assert.equal(calls, 1)
})

Deno.test("a transformed FetchClient is honoured: its request changes reach the server", async () => {
  await using server = startServer(() => json(200, account))
  const tagged = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, HttpClient.mapRequest(HttpClientRequest.setHeader("x-tenant", "acme"))),
  ).pipe(Layer.provide(FetchClient.layer))
  const result = await Effect.runPromise(
    Accounts.getAccount("CUST01", "ACC00001").pipe(
      Effect.provide(Layer.mergeAll(tagged, Auth.bearer(token), TogaiConfig.layer({ baseUrl: server.url }))),
    ),
  )
  assert.deepEqual(result, account)
  assert.equal(server.requests[0].headers.get("x-tenant"), "acme")
  assert.equal(server.requests[0].headers.get("authorization"), `Bearer ${token}`)
})

Deno.test("FetchClient.layer is an ordinary HttpClient for other requests", async () => {
  await using server = startServer(() => json(200, account))
  const body = await Effect.runPromise(
    Effect.flatMap(HttpClient.get(`${server.url}/anything`), (response) => response.json).pipe(
      Effect.provide(FetchClient.layer),
    ),
  )
  assert.deepEqual(body, account)
})

Deno.test("a base URL that is not a URL is a ConfigurationError naming the setting, with spans on and off", async () => {
  for (
    const [tracing, baseUrl] of [[true, "not a url"], [false, "api.togai.com"], [true, "ftp://api.togai.com"]] as const
  ) {
    const error = failure(
      await run(Accounts.getAccount("CUST01", "ACC00001").pipe(Effect.withTracerEnabled(tracing)), baseUrl),
    )
    assert.ok(error instanceof TogaiError.ConfigurationError, `${baseUrl}: got ${error._tag}`)
    assert.equal(error.setting, "baseUrl")
    assert.match(error.message, /baseUrl \(TOGAI_BASE_URL\)/)
    assert.match(error.message, /https:\/\/api\.togai\.com/)
    assert.ok(!Retry.isRetryable(error))
  }
})

Deno.test("a FetchHttpClient.Fetch that throws instead of rejecting fails as TransportError, not a defect", async () => {
  const throwing: typeof globalThis.fetch = () => {
    throw new TypeError("this fetch throws")
  }
  const error = failure(
    await run(
      Accounts.getAccount("CUST01", "ACC00001").pipe(Effect.provideService(FetchHttpClient.Fetch, throwing)),
      "http://127.0.0.1:9",
    ),
  )
  assert.ok(error instanceof TogaiError.TransportError, `got ${error._tag}`)
  assert.match(error.message, /this fetch throws/)
})

Deno.test("with HttpClient.currentTracerPropagation off the spans are made but no trace header is sent", async () => {
  await using server = startServer(() => json(200, account))
  const { tracer, spans } = recordingTracer()
  success(
    await run(
      Accounts.getAccount("CUST01", "ACC00001").pipe(
        Effect.locally(HttpClient.currentTracerPropagation, false),
        Effect.withTracer(tracer),
      ),
      server.url,
    ),
  )
  assert.deepEqual(spans.map((span) => span.name), ["Togai.getAccount", "http.client GET"])
  assert.equal(server.requests[0].headers.get("traceparent"), null)
  assert.equal(server.requests[0].headers.get("b3"), null)
})

Deno.test("a body goes out the same through @effect/platform's client as through the lean path", async () => {
  await using server = startServer((request) => json(201, { ...account, name: JSON.parse(request.body).name }))
  // Non-ASCII text, so a body counted in UTF-16 units rather than bytes would be cut short.
  const input = { id: "ACC00001", name: "Compte Élodie ✓" }
  const lean = success(await run(Accounts.createAccount("CUST01", input), server.url))
  const platform = success(
    await Effect.runPromiseExit(
      Accounts.createAccount("CUST01", input).pipe(
        Effect.provide(
          Layer.mergeAll(Auth.bearer(token), TogaiConfig.layer({ baseUrl: server.url }), FetchHttpClient.layer),
        ),
      ),
    ),
  )
  assert.equal(lean.name, input.name)
  assert.deepEqual(platform, lean)
  const [viaLean, viaPlatform] = server.requests
  for (const request of [viaLean, viaPlatform]) {
    assert.equal(request.method, "POST")
    assert.deepEqual(JSON.parse(request.body), input)
    assert.equal(request.headers.get("content-type"), "application/json")
  }
  assert.equal(viaPlatform.body, viaLean.body)
})
