/**
 * What an operator sees in traces: a span per operation named after it, the
 * HTTP status on it, and no secret in any span.
 */
import assert from "node:assert/strict"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { Accounts, Auth, TogaiConfig } from "../mod.ts"
import { json, startServer } from "./support/server.ts"
import { run, token } from "./support/run.ts"
import { recordingTracer } from "./support/tracer.ts"

const account = { id: "ACC00001", name: "Primary Account", status: "ACTIVE" }

Deno.test("every operation runs in a span named after it, with the HTTP status", async () => {
  await using server = startServer((request) =>
    request.method === "GET" ? json(200, account) : json(404, { message: "no such account" })
  )
  const { tracer, spans } = recordingTracer()
  await run(Accounts.getAccount("CUST01", "ACC00001").pipe(Effect.withTracer(tracer)), server.url)
  await run(Accounts.deleteAccount("CUST01", "ACC00001").pipe(Effect.withTracer(tracer)), server.url)

  const get = spans.find((span) => span.name === "Togai.getAccount")
  assert.ok(get, `spans: ${spans.map((span) => span.name).join(", ")}`)
  assert.equal(get.attributes.get("http.response.status_code"), 200)
  assert.equal(get.attributes.get("togai.operation"), "getAccount")
  assert.equal(get.exit?._tag, "Success")

  const remove = spans.find((span) => span.name === "Togai.deleteAccount")
  assert.ok(remove)
  assert.equal(remove.attributes.get("http.response.status_code"), 404)
  assert.equal(remove.exit?._tag, "Failure", "a failed operation ends its span as a failure")

  const http = spans.filter((span) => span.parentName === "Togai.getAccount")
  assert.ok(http.length >= 1, "the platform's HTTP span is a child of the operation's span")
})

Deno.test("no span carries the token; the Authorization and X-API-Key headers are redacted", async () => {
  await using server = startServer(() => json(200, account))
  const { tracer, spans } = recordingTracer()
  await run(Accounts.getAccount("CUST01", "ACC00001").pipe(Effect.withTracer(tracer)), server.url)
  await Effect.runPromise(
    Accounts.getAccount("CUST01", "ACC00001").pipe(
      Effect.withTracer(tracer),
      Effect.provide(Auth.apiKey(token)),
      Effect.provide(TogaiConfig.layer({ baseUrl: server.url })),
      Effect.provide(FetchHttpClient.layer),
    ),
  )
  assert.equal(server.requests[1].headers.get("x-api-key"), token)
  assert.equal(server.requests[1].headers.get("authorization"), null)
  const everything = JSON.stringify(
    spans.map((span) => ({ name: span.name, attributes: [...span.attributes], events: span.events })),
  )
  assert.ok(!everything.includes(token), "the token is in no span")
  const headerAttributes = spans.flatMap((span) =>
    [...span.attributes].filter(([key]) =>
      key === "http.request.header.authorization" || key === "http.request.header.x-api-key"
    )
  )
  assert.ok(headerAttributes.length >= 2, "the HTTP spans record the auth headers")
  for (const [, value] of headerAttributes) assert.equal(value, "<redacted>")
})
