/**
 * The spans a tracer receives are the ones Effect and `@effect/platform`
 * would make: the client makes them by hand (it is cheaper per call), so
 * these tests hold them to the originals, attribute by attribute.
 */
import assert from "node:assert/strict"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Tracer from "effect/Tracer"
import { Accounts, Auth, Togai, TogaiConfig } from "../mod.ts"
import { hang, json, startServer } from "./support/server.ts"
import { run, success, token } from "./support/run.ts"
import { type RecordedSpan, recordingTracer } from "./support/tracer.ts"
import { waitFor } from "./support/wait.ts"

const account = { id: "ACC00001", name: "Primary Account", status: "ACTIVE" }
const page = { data: [account], nextToken: "tok2", context: { pageSize: 10, sortOrder: "ASC" } }

/** A span's attributes, but for the date the server stamps on each answer. */
const timeless = (span: RecordedSpan) =>
  new Map([...span.attributes].filter(([key]) => key !== "http.response.header.date"))

Deno.test("through FetchClient.layer the HTTP span records what @effect/platform's client records", async () => {
  await using server = startServer(() =>
    json(200, page, { "set-cookie": "session=SECRET_COOKIE", "x-request-id": "req-1", "X-Mixed-Case": "yes" })
  )
  const { tracer, spans } = recordingTracer()
  const call = Accounts.getAccounts("CUST01", { pageSize: 10, nextToken: "a b/c+d" }).pipe(Effect.withTracer(tracer))
  // FetchClient.layer's own path (Togai.layer), then @effect/platform's client itself.
  success(await run(call, server.url))
  success(
    await Effect.runPromiseExit(
      call.pipe(
        Effect.provide(
          Layer.mergeAll(
            Auth.bearer(token),
            TogaiConfig.layer({ baseUrl: server.url, retry: false }),
            FetchHttpClient.layer,
          ),
        ),
      ),
    ),
  )

  const http = spans.filter((span) => span.name === "http.client GET")
  assert.equal(http.length, 2, `spans: ${spans.map((span) => span.name).join(", ")}`)
  const [lean, platform] = http
  assert.deepEqual(timeless(lean), timeless(platform))
  assert.equal(lean.attributes.get("url.query"), "nextToken=a+b%2Fc%2Bd&pageSize=10")
  assert.equal(lean.attributes.get("http.request.header.authorization"), "<redacted>")
  assert.equal(lean.attributes.get("http.response.header.set-cookie"), "<redacted>")
  assert.equal(lean.attributes.get("http.response.header.x-mixed-case"), "yes")
  assert.ok(!JSON.stringify(spans.map((span) => [...span.attributes])).includes("SECRET"), "no secret in a span")
  for (const [index, span] of http.entries()) {
    assert.equal(span.kind, "client")
    assert.equal(span.parentName, "Togai.getAccounts")
    assert.equal(span.exit?._tag, "Success")
    // The trace context sent is the HTTP span's, with its parent's id in b3, as HttpTraceContext writes it.
    const headers = server.requests[index].headers
    assert.equal(headers.get("traceparent"), `00-trace-1-${span.spanId}-01`)
    assert.equal(headers.get("b3"), `trace-1-${span.spanId}-1-${span.parentSpanId}`)
  }
})

Deno.test("the operation's and HTTP spans get the parent, links and annotations Effect.useSpan gives a span", async () => {
  await using server = startServer(() => json(200, account))
  const { tracer, spans } = recordingTracer()
  const external = Tracer.externalSpan({ traceId: "ext-trace", spanId: "ext-span" })
  const program = Effect.zipRight(
    Effect.useSpan("reference", { kind: "client" }, () => Effect.void),
    Accounts.getAccount("CUST01", "ACC00001"),
  ).pipe(
    // A span whose context disables propagation is skipped: both spans' parent is "job".
    Effect.withSpan("hidden", { context: Context.make(Tracer.DisablePropagation, true) }),
    Effect.annotateSpans({ tenant: "t-1" }),
    Effect.linkSpans(external, { why: "batch" }),
    Effect.withSpan("job"),
    Effect.withTracer(tracer),
  )
  success(await run(program, server.url))

  const reference = spans.find((span) => span.name === "reference")
  const operation = spans.find((span) => span.name === "Togai.getAccount")
  assert.ok(reference && operation, `spans: ${spans.map((span) => span.name).join(", ")}`)
  assert.equal(reference.parentName, "job")
  assert.equal(operation.parentName, reference.parentName)
  assert.equal(operation.kind, reference.kind)
  assert.deepEqual(operation.links, reference.links)
  assert.equal(operation.links.length, 1)
  assert.equal(reference.attributes.get("tenant"), "t-1")
  assert.equal(operation.attributes.get("tenant"), "t-1")
  assert.equal(operation.attributes.get("togai.operation"), "getAccount")
  // The one difference: a span ends without the call's value, so that no span keeps an answer (a page) alive.
  assert.ok(operation.exit !== undefined && Exit.isSuccess(operation.exit), `ended as ${operation.exit?._tag}`)
  assert.equal(operation.exit.value, undefined)
  const http = spans.find((span) => span.parentName === "Togai.getAccount")
  assert.equal(http?.attributes.get("tenant"), "t-1", "the HTTP span is annotated too, as the platform's is")
  assert.deepEqual(http?.links, reference.links)
})

Deno.test("an interrupted call ends its operation and HTTP spans as interrupted", async () => {
  await using server = startServer(hang)
  const { tracer, spans } = recordingTracer()
  const fiber = Effect.runFork(
    Accounts.getAccount("CUST01", "ACC00001").pipe(
      Effect.withTracer(tracer),
      Effect.provide(Togai.layer({ token, baseUrl: server.url })),
    ),
  )
  await waitFor("the request to arrive", () => server.requests.length === 1)
  assert.deepEqual(spans.map((span) => [span.name, span.exit]), [
    ["Togai.getAccount", undefined],
    ["http.client GET", undefined],
  ])
  await Effect.runPromise(Fiber.interrupt(fiber))
  for (const span of spans) {
    assert.ok(span.exit !== undefined && Exit.isInterrupted(span.exit), `${span.name} ended as ${span.exit?._tag}`)
  }
})

Deno.test("headers named by a global RegExp in Headers.currentRedactedNames are redacted on every call", async () => {
  await using server = startServer(() => json(200, account, { "x-secret-a": "SECRET_A", "x-secret-b": "SECRET_B" }))
  const { tracer, spans } = recordingTracer()
  // A RegExp with the g flag answers `test` from where its last match ended: a cached answer must not depend on it.
  const call = Accounts.getAccount("CUST01", "ACC00001").pipe(
    Effect.locally(Headers.currentRedactedNames, ["authorization", /^x-secret-/g]),
    Effect.withTracer(tracer),
  )
  for (let i = 0; i < 3; i++) success(await run(call, server.url))
  const http = spans.filter((span) => span.name === "http.client GET")
  assert.equal(http.length, 3)
  for (const span of http) {
    assert.equal(span.attributes.get("http.response.header.x-secret-a"), "<redacted>")
    assert.equal(span.attributes.get("http.response.header.x-secret-b"), "<redacted>")
  }
})

Deno.test("span ids are flat strings, so a span waiting on the network does not keep a rope per id", async () => {
  const output = await new Deno.Command("deno", {
    args: [
      "run",
      "--v8-flags=--allow-natives-syntax",
      new URL("./support/flat-span-ids.ts", import.meta.url).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output()
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr))
  const flat = JSON.parse(new TextDecoder().decode(output.stdout))
  // Effect's tracer builds ids a character at a time; if it ever makes them flat, `flatten` in spans.ts can go.
  assert.equal(flat.direct, false, "Effect's own tracer now makes flat ids")
  assert.deepEqual({ root: flat.root, child: flat.child }, { root: true, child: true })
})
