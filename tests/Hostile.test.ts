/**
 * A hostile or broken server, and hostile input: redirects that would carry
 * the credentials elsewhere, answers that are too deep, too large or
 * endless, servers that echo the token, pages that never end, ill-formed
 * strings, misconfiguration, and `Retry-After` values that are not one.
 *
 * Each behaviour is shown through the public API (`Accounts.*` against a
 * real server on 127.0.0.1), then over every operation of the endpoint
 * table, so that it holds for every operation and not for one.
 */
import assert from "node:assert/strict"
import * as Arbitrary from "effect/Arbitrary"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { Accounts, Auth, FetchClient, Togai, TogaiConfig, type TogaiError } from "../mod.ts"
import * as TogaiErrors from "../src/TogaiError.ts"
import type { AnyEndpoint } from "../src/internal/endpoint.ts"
import { all } from "../src/internal/endpoints.ts"
import * as Fields from "../src/internal/fields.ts"
import { executeWithStatus, type Input } from "../src/internal/executor.ts"
import { paginate } from "../src/internal/paginate.ts"
import { failure, run, success, token } from "./support/run.ts"
import { json, type Recorded, startServer } from "./support/server.ts"
import { waitFor } from "./support/wait.ts"

const account = { id: "ACC00001", name: "Primary Account", status: "ACTIVE" }

// ---------------------------------------------------------------------------------------------------------------
// Every operation of the table

const operations: ReadonlyArray<AnyEndpoint> = Object.values(all)

const listOperations = operations.filter((endpoint) => endpoint.pagination !== undefined)

/** An input every operation accepts: each path parameter `x1`, and a body its contract accepts (seeded: the same every run). */
const validInput = (endpoint: AnyEndpoint): Input => {
  const path = Object.fromEntries(Object.keys(endpoint.pathParameters).map((name) => [name, "x1"]))
  if (endpoint.body === undefined) return { path }
  const body = FastCheck.sample(Arbitrary.make(endpoint.body), { numRuns: 50, seed: 7 })
    .find((candidate) => endpoint.encodeBody?.(candidate)._tag === "Right")
  if (body === undefined) throw new Error(`no valid body for ${endpoint.operation}`)
  return { path, body }
}

/** One call of any operation, the way its group module makes it. */
const call = (endpoint: AnyEndpoint, input: Input = validInput(endpoint)) =>
  executeWithStatus(endpoint, input) as Effect.Effect<unknown, TogaiError.TogaiError, Togai.Requirements>

/**
 * A page of a list operation that its contract accepts, as JSON, with at
 * least one item and `nextToken` set as given (seeded, so the same every run).
 */
const pageOf = (endpoint: AnyEndpoint, nextToken: string | undefined): Record<string, unknown> => {
  const { items, nextToken: tokenField } = endpoint.pagination ?? { items: "", nextToken: "" }
  const schema = endpoint.success[200]
  if (schema === undefined) throw new Error(`${endpoint.operation} has no 200 page`)
  for (const sample of FastCheck.sample(Arbitrary.make(schema), { numRuns: 100, seed: 7 })) {
    // The generator picks instants up to year 275760, which have no date-time on the wire: those samples are skipped.
    const encoded = Schema.encodeUnknownEither(schema)(sample)
    if (encoded._tag === "Left") continue
    const page: Record<string, unknown> = JSON.parse(JSON.stringify(encoded.right))
    const withToken = { ...page, [tokenField]: nextToken }
    if (
      Array.isArray(page[items]) && page[items].length > 0 && endpoint.decoders.get(200)?.(withToken)._tag === "Right"
    ) {
      return withToken
    }
  }
  throw new Error(`no valid page for ${endpoint.operation}`)
}

/** The success status whose body the operation decodes (every operation but `ingest` has one). */
const decodedStatus = (endpoint: AnyEndpoint): number | undefined =>
  [...endpoint.decoders].find(([, decode]) => decode !== undefined)?.[0]

// ---------------------------------------------------------------------------------------------------------------
// What a user sees of an error

/** Every way a user or a log shows an error. */
const shown = (error: unknown): ReadonlyArray<string> => [
  error instanceof Error ? error.message : "",
  JSON.stringify(error),
  String(error),
  Deno.inspect(error, { depth: 10 }),
  Cause.pretty(Cause.fail(error)),
]

const assertSecretFree = (error: unknown, secret: string = token) => {
  for (const text of shown(error)) {
    assert.ok(!text.includes(secret), `the token shows in: ${text.slice(0, 2000)}`)
  }
}

const assertBounded = (error: unknown, max: number) => {
  for (const text of shown(error)) assert.ok(text.length <= max, `${text.length} characters: ${text.slice(0, 300)}...`)
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Redirects: the credentials never leave Togai's origin, and nothing is sent twice.

/** A server that redirects every request with `status` to `location`. */
const redirecting = (status: number, location: (request: Recorded) => string) =>
  startServer((request) => new Response(null, { status, headers: { location: location(request) } }))

const withApiKey = (baseUrl: string) =>
  Layer.mergeAll(Auth.apiKey(token), FetchClient.layer, TogaiConfig.layer({ baseUrl, retry: false }))

Deno.test("a redirect to another origin is not followed, with Auth.bearer or Auth.apiKey: the other origin receives nothing", async (t) => {
  await using elsewhere = startServer(() => json(200, account))
  for (const status of [301, 302, 303, 307, 308]) {
    await using togai = redirecting(status, (request) => `${elsewhere.url}${request.rawPath}`)
    const runs = {
      "Auth.bearer": <A, E>(effect: Effect.Effect<A, E, Togai.Requirements>) => run(effect, togai.url),
      "Auth.apiKey": <A, E>(effect: Effect.Effect<A, E, Togai.Requirements>) =>
        Effect.runPromiseExit(effect.pipe(Effect.provide(withApiKey(togai.url)))),
    }
    for (const [scheme, runWith] of Object.entries(runs)) {
      await t.step(`${status}, ${scheme}`, async () => {
        const get = failure(await runWith(Accounts.getAccount("CUST01", "ACC00001")))
        const post = failure(await runWith(Accounts.createAccount("CUST01", { id: "ACC00002", name: "Second" })))
        for (const error of [get, post]) {
          assert.equal(error._tag, "RedirectNotFollowed")
          assert.ok(error._tag === "RedirectNotFollowed")
          assert.equal(error.status, status)
          assert.match(error.location ?? "", new RegExp(`^${elsewhere.url}/customers/CUST01/accounts`))
          assert.match(error.message, /same-origin redirects of GET requests/)
        }
        assert.equal(elsewhere.requests.length, 0, "nothing reached the other origin")
      })
    }
    assert.equal(togai.requests.length, 4, "each request was sent once")
  }
})

Deno.test("a same-origin redirect is followed for a GET only, at most 5 in a row; a POST is not sent again", async () => {
  await using togai = startServer((request) =>
    request.rawPath === "/moved"
      ? json(200, account)
      : request.rawPath.startsWith("/loop")
      ? new Response(null, { status: 302, headers: { location: `/loop${request.rawPath.length}` } })
      : new Response(null, { status: 307, headers: { location: "/moved" } })
  )
  assert.deepEqual(success(await run(Accounts.getAccount("CUST01", "ACC00001"), togai.url)), account)
  assert.deepEqual(togai.requests.map((request) => [request.method, request.rawPath]), [
    ["GET", "/customers/CUST01/accounts/ACC00001"],
    ["GET", "/moved"],
  ])
  assert.equal(togai.requests[1].headers.get("authorization"), `Bearer ${token}`, "same origin: the credentials go")

  togai.requests.length = 0
  const post = failure(await run(Accounts.createAccount("CUST01", { id: "ACC00002", name: "Second" }), togai.url))
  assert.equal(post._tag, "RedirectNotFollowed")
  assert.deepEqual(togai.requests.map((request) => request.method), ["POST"], "the POST was not sent again")

  togai.requests.length = 0
  const loop = failure(
    await run(Accounts.getAccount("CUST01", "ACC00001").pipe(TogaiConfig.withBaseUrl(`${togai.url}/loop`)), togai.url),
  )
  assert.equal(loop._tag, "RedirectNotFollowed")
  assert.equal(togai.requests.length, 6, "the request and 5 redirects followed, then no more")
})

Deno.test("every operation of the table: a redirect to another origin is RedirectNotFollowed, and nothing reaches it", async () => {
  await using elsewhere = startServer(() => json(200, {}))
  await using togai = redirecting(307, (request) => `${elsewhere.url}${request.rawPath}`)
  for (const endpoint of operations) {
    const error = failure(await run(call(endpoint), togai.url))
    assert.equal(error._tag, "RedirectNotFollowed", endpoint.operation)
  }
  assert.equal(togai.requests.length, operations.length)
  assert.equal(elsewhere.requests.length, 0, "nothing reached the other origin")
})

// ---------------------------------------------------------------------------------------------------------------
// 2. Deeply nested and huge bodies decode to bounded errors.

const deep = (levels: number) => "[".repeat(levels) + "]".repeat(levels)

const bigString = "x".repeat(1024 * 1024)

Deno.test("a 200 body nested thousands of levels deep is a DecodeError of bounded size", async () => {
  for (const body of [deep(2500), `{"id":${deep(2500)}}`, '{"a":'.repeat(1000) + "1" + "}".repeat(1000)]) {
    await using togai = startServer(() => new Response(body, { status: 200 }))
    const error = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), togai.url))
    assert.equal(error._tag, "DecodeError")
    assert.ok(error._tag === "DecodeError")
    assert.ok(error.issues.length <= 200, error.issues)
    assertBounded(error, 4000)
  }
})

Deno.test("a 1 MB string in a wrong-typed field gives bounded issues", async () => {
  const bodies = [
    { ...account, status: bigString },
    { ...account, name: 42, status: bigString, aliases: [bigString, bigString] },
    Array.from({ length: 100 }, () => bigString.slice(0, 10_000)),
  ]
  for (const body of bodies) {
    await using togai = startServer(() => json(200, body))
    const error = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), togai.url))
    assert.equal(error._tag, "DecodeError")
    assert.ok(error._tag === "DecodeError")
    assert.ok(error.issues.length <= 4000, `${error.issues.length} characters of issues`)
    assertBounded(error, 8000)
  }
})

Deno.test("every operation of the table: a deep body and a 1 MB string decode to bounded DecodeErrors", async () => {
  for (const body of [deep(2500), JSON.stringify(bigString)]) {
    let status = 200
    await using togai = startServer(() => new Response(body, { status }))
    for (const endpoint of operations) {
      const decoded = decodedStatus(endpoint)
      if (decoded === undefined) continue
      status = decoded
      const error = failure(await run(call(endpoint), togai.url))
      assert.equal(error._tag, "DecodeError", endpoint.operation)
      assertBounded(error, 4000)
    }
  }
})

// ---------------------------------------------------------------------------------------------------------------
// 3. The token is in no error, even when a server echoes it.

Deno.test("the token is in no error when the server echoes it: issues, nextToken, a message cut at 500, headers, Location", async (t) => {
  const cases: ReadonlyArray<
    readonly [string, (request: Recorded) => Response, Effect.Effect<unknown, unknown, Togai.Requirements>, string]
  > = [
    [
      "a field whose bad value is the token (DecodeError)",
      () => json(200, { ...account, status: token, name: token.repeat(20) }),
      Accounts.getAccount("CUST01", "ACC00001"),
      "DecodeError",
    ],
    [
      "a map key that is the token (DecodeError's path)",
      () =>
        json(200, {
          accountId: "ACC00001",
          accountName: "Primary",
          pricingSchedules: [{ pricePlanDetails: { rateCard: { type: "USAGE", usageConfig: { [token]: 1 } } } }],
        }),
      Accounts.associatePricePlan("CUST01", "ACC00001", { pricePlanName: "Rides" }),
      "DecodeError",
    ],
    [
      "the token as nextToken, twice (PaginationError)",
      () => json(200, { data: [account], nextToken: token }),
      Stream.runDrain(Accounts.stream("CUST01")),
      "PaginationError",
    ],
    [
      "the token across the 500-character cut of a message",
      () => json(400, { message: `${"m".repeat(495)}${token} and more` }),
      Accounts.getAccount("CUST01", "ACC00001"),
      "BadRequest",
    ],
    [
      "the token in kept headers",
      () =>
        json(429, { message: "slow down" }, {
          "retry-after": token,
          "x-request-id": `req-${token}`,
          "x-ratelimit-remaining": token,
        }),
      Accounts.getAccount("CUST01", "ACC00001"),
      "RateLimited",
    ],
    [
      "the token in a redirect's Location",
      () => new Response(null, { status: 307, headers: { location: `http://127.0.0.2/?key=${token}` } }),
      Accounts.getAccount("CUST01", "ACC00001"),
      "RedirectNotFollowed",
    ],
    [
      "the token in an unexpected status's message",
      () => json(500, { message: `Authorization: Bearer ${token}` }),
      Accounts.deleteAccount("CUST01", "ACC00001"),
      "UnexpectedStatus",
    ],
  ]
  for (const [label, answer, effect, tag] of cases) {
    await t.step(label, async () => {
      await using togai = startServer(answer)
      const error = failure(await run(effect, togai.url)) as TogaiError.TogaiError | TogaiError.PaginationError
      assert.equal(error._tag, tag)
      assertSecretFree(error)
      if (error._tag === "BadRequest") {
        assert.equal(error.serverMessage, `${"m".repeat(495)}<redacted> and more`.slice(0, 500) + "...")
        assert.ok(!(error.serverMessage ?? "").includes(token.slice(0, 4)), "no part of the token is left")
      }
      if (error._tag === "PaginationError") assert.equal(error.nextToken, "<redacted>")
    })
  }
  await t.step("the token in the caller's own input (InvalidRequest)", async () => {
    await using togai = startServer(() => json(200, account))
    const input = { id: "ACC00002", name: "Second", [token]: token } as { id: string; name: string }
    const error = failure(await run(Accounts.createAccount("CUST01", input), togai.url))
    assert.equal(error._tag, "InvalidRequest")
    assertSecretFree(error)
  })
})

Deno.test('a short token ("t", "test") is redacted where it stands alone, and leaves other words whole', async (t) => {
  for (const short of ["t", "test"]) {
    const runShort = <A, E>(effect: Effect.Effect<A, E, Togai.Requirements>, baseUrl: string) =>
      run(effect, baseUrl, { token: short })
    await t.step(`${JSON.stringify(short)}: a refused connection reads "Transport error"`, async () => {
      const closed = startServer(() => json(200, account))
      const url = closed.url
      await closed.close()
      const error = failure(await runShort(Accounts.getAccount("CUST01", "ACC00001"), url))
      assert.equal(error._tag, "TransportError")
      assert.match(error.message, /Transport error/)
      for (const text of shown(error)) assert.doesNotMatch(text, /\w<redacted>|<redacted>\w/)
    })
    await t.step(`${JSON.stringify(short)}: echoed alone, it is redacted`, async () => {
      const echoes = [
        [`invalid token ${short}`, "invalid token <redacted>"],
        [`api_key=${short}.`, "api_key=<redacted>."],
        [`Authorization: Bearer ${short}`, "Authorization: Bearer <redacted>"],
        [`"${short}" is not a valid key`, `"<redacted>" is not a valid key`],
        [`key (${short}) expired at 10:00`, "key (<redacted>) expired at 10:00"],
      ]
      for (const [echo, redacted] of echoes) {
        await using togai = startServer(() => json(401, { message: echo }, { "x-request-id": short }))
        const error = failure(await runShort(Accounts.getAccount("CUST01", "ACC00001"), togai.url))
        assert.equal(error._tag, "Unauthorized")
        assert.ok(error._tag === "Unauthorized")
        assert.equal(error.serverMessage, redacted)
        assert.deepEqual(error.headers, { "x-request-id": "<redacted>" })
        assert.match(
          error.message,
          /^Togai answered 401 Unauthorized to getAccount/,
          "the client's own words are whole",
        )
      }
    })
  }
})

Deno.test("every operation of the table: a token the server echoes is in none of the errors", async () => {
  const answers: ReadonlyArray<(status: number) => Response> = [
    () => json(500, { message: `you sent ${token}` }, { "x-request-id": token }),
    () => json(429, { message: token }, { "retry-after": token }),
    (status) => json(status, token),
    () => new Response(null, { status: 302, headers: { location: `/${token}` } }),
  ]
  for (const answer of answers) {
    let status = 200
    await using togai = startServer(() => answer(status))
    for (const endpoint of operations) {
      status = decodedStatus(endpoint) ?? 200
      const exit = await run(call(endpoint), togai.url)
      if (exit._tag === "Success") continue // ingest's 202 reads no body
      assertSecretFree(failure(exit))
      assert.ok(!Cause.pretty(exit.cause).includes(token))
    }
  }
  // the token as a repeated nextToken, for every list operation
  for (const endpoint of listOperations) {
    const page = pageOf(endpoint, token)
    await using togai = startServer(() => json(200, page))
    const error = failure(await run(Stream.runDrain(paginate(endpoint, validInput(endpoint))), togai.url))
    assert.equal(error._tag, "PaginationError", endpoint.operation)
    assertSecretFree(error)
  }
})

// ---------------------------------------------------------------------------------------------------------------
// 4. Ill-formed strings are the caller's error, found before anything is sent.

Deno.test("a lone surrogate in an id or a query option is InvalidRequest naming the parameter; nothing is sent", async () => {
  await using togai = startServer(() => json(200, account))
  const cases: ReadonlyArray<readonly [Effect.Effect<unknown, TogaiError.TogaiError, Togai.Requirements>, RegExp]> = [
    [Accounts.getAccount("a\ud800b", "ACC00001"), /customer_id/],
    [Accounts.getAccount("CUST01", "a\udc00"), /account_id/],
    [Accounts.deleteAccount("CUST01", "\udbff"), /account_id/],
    [Accounts.getAccounts("CUST01", { nextToken: "\ud800" }), /nextToken/],
  ]
  for (const [effect, parameter] of cases) {
    const error = failure(await run(effect, togai.url))
    assert.equal(error._tag, "InvalidRequest")
    assert.match(error.message, parameter)
    assert.match(error.message, /lone surrogate/)
  }
  // a well-formed pair is one character, and is sent
  success(await run(Accounts.getAccount("CUST01", "a\ud83d\ude00b"), togai.url))
  assert.equal(togai.requests.length, 1)
  assert.equal(togai.requests[0].rawPath, "/customers/CUST01/accounts/a%F0%9F%98%80b")
})

Deno.test("every operation of the table: a lone surrogate in any path parameter or text query option is InvalidRequest", async () => {
  await using togai = startServer(() => json(200, {}))
  let checked = 0
  for (const endpoint of operations) {
    const input = validInput(endpoint)
    for (const name of Object.keys(endpoint.pathParameters)) {
      const error = failure(
        await run(call(endpoint, { ...input, path: { ...input.path, [name]: "a\ud800b" } }), togai.url),
      )
      assert.equal(error._tag, "InvalidRequest", endpoint.operation)
      assert.match(error.message, new RegExp(`path\\.${name}: .*lone surrogate`))
      checked++
    }
    for (const [option, [, schema]] of Object.entries(endpoint.query)) {
      if (schema !== Fields.NextToken && schema !== Fields.QueryText) continue
      const error = failure(await run(call(endpoint, { ...input, query: { [option]: "\udfff" } }), togai.url))
      assert.equal(error._tag, "InvalidRequest", endpoint.operation)
      assert.match(error.message, new RegExp(`query\\.${option}: .*lone surrogate`))
      checked++
    }
  }
  assert.ok(checked > 40, `${checked} parameters`)
  assert.equal(togai.requests.length, 0)
})

// ---------------------------------------------------------------------------------------------------------------
// 5. Unbounded answers stop at the cap.

const MiB = 1024 * 1024

/** A 200 whose body the server writes chunk by chunk, up to `total` bytes (forever when `Infinity`), counting what it wrote. */
const pushing = (total: number, headers: Record<string, string> = {}) => {
  const state = { pushed: 0, cancelled: false }
  const chunk = new Uint8Array(64 * 1024).fill(0x20)
  const response = () =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          if (state.pushed >= total) return controller.close()
          state.pushed += chunk.length
          controller.enqueue(chunk)
        },
        cancel() {
          state.cancelled = true
        },
      }),
      { status: 200, headers: { "content-type": "application/json", ...headers } },
    )
  return { state, response }
}

Deno.test("a 200 MB answer fails as ResponseTooLarge at the cap, and the server stops sending", async (t) => {
  const total = 200 * MiB
  for (const declared of [true, false]) {
    await t.step(declared ? "with its Content-Length" : "chunked, no length declared", async () => {
      const body = pushing(total, declared ? { "content-length": String(total) } : {})
      await using togai = startServer(body.response)
      const error = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), togai.url, { maxResponseBytes: MiB }))
      assert.equal(error._tag, "ResponseTooLarge")
      assert.ok(error._tag === "ResponseTooLarge")
      assert.equal(error.limit, MiB)
      assert.equal(error.status, 200)
      await waitFor("the server sees the connection close", () => body.state.cancelled)
      assert.ok(body.state.pushed < total / 10, `the server pushed ${body.state.pushed} bytes of ${total}`)
    })
  }
  await t.step("the default cap is 16 MiB", async () => {
    assert.equal((await Effect.runPromise(TogaiConfig.TogaiConfig)).maxResponseBytes, 16 * MiB)
    const body = pushing(total)
    await using togai = startServer(body.response)
    const error = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), togai.url))
    assert.equal(error._tag, "ResponseTooLarge")
    assert.ok(error._tag === "ResponseTooLarge")
    assert.equal(error.limit, 16 * MiB)
    await waitFor("the server sees the connection close", () => body.state.cancelled)
    assert.ok(body.state.pushed < total / 4, `the server pushed ${body.state.pushed} bytes of ${total}`)
  })
})

Deno.test("an endless body fails as ResponseTooLarge at the cap, and its stream is cancelled", async () => {
  const body = pushing(Number.POSITIVE_INFINITY)
  await using togai = startServer(body.response)
  const error = failure(await run(Accounts.getAccounts("CUST01"), togai.url, { maxResponseBytes: 2 * MiB }))
  assert.equal(error._tag, "ResponseTooLarge")
  await waitFor("the endless stream is cancelled", () => body.state.cancelled)
  assert.ok(body.state.pushed < 64 * MiB, `the server pushed ${body.state.pushed} bytes`)
})

Deno.test("a small gzip body that inflates to 64 MB fails as ResponseTooLarge at the cap", async () => {
  const inflated = 64 * MiB
  const gzip = new Uint8Array(
    await new Response(
      new Blob([new Uint8Array(inflated).fill(0x20)]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  )
  assert.ok(gzip.length < MiB, `${gzip.length} bytes on the wire`)
  await using togai = startServer(() =>
    new Response(gzip, { status: 200, headers: { "content-type": "application/json", "content-encoding": "gzip" } })
  )
  const error = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), togai.url, { maxResponseBytes: MiB }))
  assert.equal(error._tag, "ResponseTooLarge")
  assert.ok(error._tag === "ResponseTooLarge")
  assert.equal(error.limit, MiB)
  assert.match(error.message, /larger than 1048576 bytes/)
})

Deno.test("every operation of the table: an answer past the cap is ResponseTooLarge, whatever its status", async () => {
  const body = `{"message":"${"x".repeat(2 * MiB)}"}`
  for (const status of [200, 404, 500]) {
    let answer = status
    await using togai = startServer(() => new Response(body, { status: answer }))
    for (const endpoint of operations) {
      answer = status === 200 ? decodedStatus(endpoint) ?? 202 : status
      const error = failure(await run(call(endpoint), togai.url, { maxResponseBytes: MiB }))
      assert.equal(error._tag, "ResponseTooLarge", `${endpoint.operation} ${answer}`)
    }
  }
})

// ---------------------------------------------------------------------------------------------------------------
// 6. Empty pages forever end the stream.

/** A list server: `pages(n)` says what the n-th request (from 1) answers. */
const lister = (page: (n: number) => unknown) => {
  let n = 0
  return startServer(() => json(200, page(++n)))
}

Deno.test("Accounts.stream stops with PaginationError (emptyPages) after maxEmptyPages empty pages in a row", async () => {
  // Empty pages, each with a new token, for 100 requests; then a last page, so a client without the guard ends too.
  const endless = (n: number) => n > 100 ? { data: [] } : { data: [], nextToken: `page-${n}` }
  {
    await using togai = lister(endless)
    const error = failure(await run(Stream.runDrain(Accounts.stream("CUST01")), togai.url))
    assert.equal(error._tag, "PaginationError")
    assert.ok(error._tag === "PaginationError")
    assert.equal(error.reason, "emptyPages")
    assert.equal(error.pages, 10)
    assert.equal(togai.requests.length, 10, "the default: 10 empty pages in a row")
  }
  {
    await using togai = lister(endless)
    const error = failure(await run(Stream.runDrain(Accounts.stream("CUST01")), togai.url, { maxEmptyPages: 3 }))
    assert.ok(error._tag === "PaginationError" && error.reason === "emptyPages")
    assert.equal(togai.requests.length, 3)
  }
})

Deno.test("Accounts.stream follows a page that is empty once, or empty pages fewer than the limit between full ones", async () => {
  const pages = [
    { data: [], nextToken: "a" },
    { data: [account], nextToken: "b" },
    ...Array.from({ length: 9 }, (_, i) => ({ data: [], nextToken: `c${i}` })),
    { data: [{ ...account, id: "ACC00002" }] },
  ]
  await using togai = lister((n) => pages[n - 1])
  const accounts = success(await run(Stream.runCollect(Accounts.stream("CUST01")), togai.url))
  assert.deepEqual(Chunk.toReadonlyArray(accounts).map((a) => a.id), ["ACC00001", "ACC00002"])
  assert.equal(togai.requests.length, pages.length)
})

Deno.test("every operation of the table: every list stream stops after maxEmptyPages empty pages", async () => {
  for (const endpoint of listOperations) {
    const items = endpoint.pagination?.items ?? ""
    const page = pageOf(endpoint, undefined)
    const empty = (n: number) => ({ ...pageOf(endpoint, `page-${n}`), [items]: [] })
    // An empty page once, then a full one, then empty ones for 100 requests, then a last page.
    await using togai = lister((n) => n === 2 ? pageOf(endpoint, "full") : n > 100 ? page : empty(n))
    const exit = await run(Stream.runDrain(paginate(endpoint, validInput(endpoint))), togai.url, { maxEmptyPages: 4 })
    const error = failure(exit)
    if (endpoint.decoders.get(200)?.(empty(1))._tag === "Left") {
      // getEvents' contract has at least one event a page: an empty one is a DecodeError, and the stream stops there
      assert.equal(error._tag, "DecodeError", endpoint.operation)
      assert.equal(togai.requests.length, 1, endpoint.operation)
      continue
    }
    assert.ok(error._tag === "PaginationError" && error.reason === "emptyPages", endpoint.operation)
    assert.equal(togai.requests.length, 2 + 4, `${endpoint.operation}: one empty, one full, then 4 empty pages`)
  }
})

// ---------------------------------------------------------------------------------------------------------------
// 7. Misconfiguration is told apart from the network.

Deno.test("a base URL without a scheme is a ConfigurationError naming baseUrl and TOGAI_BASE_URL; not retried, nothing sent", async () => {
  await using togai = startServer(() => json(200, account))
  const port = new URL(togai.url).port
  for (const baseUrl of [`127.0.0.1:${port}`, `localhost:${port}`, "api.togai.com", "//api.togai.com"]) {
    const error = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), baseUrl, { retry: { maxRetries: 3 } }))
    assert.equal(error._tag, "ConfigurationError", baseUrl)
    assert.ok(error._tag === "ConfigurationError")
    assert.equal(error.setting, "baseUrl")
    assert.equal(error.variable, "TOGAI_BASE_URL")
    assert.match(error.message, /baseUrl \(TOGAI_BASE_URL\)/)
    assert.match(error.message, /https:\/\/api\.togai\.com/)
  }
  assert.equal(togai.requests.length, 0)
})

Deno.test("a size cap or an empty-page limit that is not a number is a ConfigurationError naming it; nothing sent", async () => {
  await using togai = startServer(() => json(200, { data: [], nextToken: "next" }))
  const cases = [
    [{ maxResponseBytes: Number.NaN }, "maxResponseBytes"],
    [{ maxResponseBytes: 0 }, "maxResponseBytes"],
    [{ maxEmptyPages: Number.NaN }, "maxEmptyPages"],
    [{ maxEmptyPages: -1 }, "maxEmptyPages"],
  ] as const
  for (const [settings, setting] of cases) {
    const error = failure(await run(Stream.runDrain(Accounts.stream("CUST01")), togai.url, settings))
    assert.ok(error._tag === "ConfigurationError", JSON.stringify(settings))
    assert.equal(error.setting, setting)
    assert.match(error.message, /A valid value looks like \d+/)
  }
  assert.equal(togai.requests.length, 0)
})

Deno.test("Togai.layerConfig: an invalid TOGAI_BASE_URL fails when the layer is built", async () => {
  const provider = ConfigProvider.fromMap(new Map([["TOGAI_API_TOKEN", token], ["TOGAI_BASE_URL", "api.togai.com"]]))
  const error = failure(
    await Effect.runPromiseExit(
      Effect.void.pipe(Effect.provide(Togai.layerConfig), Effect.withConfigProvider(provider)),
    ),
  )
  assert.equal(error._tag, "ConfigurationError")
  assert.match(error.message, /TOGAI_BASE_URL/)
  assertSecretFree(error)
})

Deno.test("every operation of the table: a base URL without a scheme is a ConfigurationError", async () => {
  for (const endpoint of operations) {
    const error = failure(await run(call(endpoint), "sandbox-api.togai.com", { retry: { maxRetries: 3 } }))
    assert.equal(error._tag, "ConfigurationError", endpoint.operation)
  }
})

// ---------------------------------------------------------------------------------------------------------------
// 8. Retry-After: digits or an HTTP-date, nothing else.

Deno.test('a Retry-After of -5, 1.5 or "1, 2" is absent; digits and an HTTP-date are honoured', async () => {
  let retryAfter = ""
  await using togai = startServer(() => json(429, { message: "slow down" }, { "retry-after": retryAfter }))
  for (const value of ["-5", "1.5", "1, 2", "+3", "0x10", "3 s", "Tomorrow", "2001-01-02"]) {
    retryAfter = value
    const error = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), togai.url))
    assert.ok(error._tag === "RateLimited")
    assert.equal(error.retryAfter, undefined, `Retry-After: ${value}`)
    assert.match(error.message, /Slow down and retry later/)
  }
  retryAfter = "7"
  const seconds = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), togai.url))
  assert.ok(seconds._tag === "RateLimited" && seconds.retryAfter !== undefined)
  assert.equal(Duration.toMillis(seconds.retryAfter), 7000)
  retryAfter = new Date(Date.now() + 120_000).toUTCString()
  const date = failure(await run(Accounts.getAccount("CUST01", "ACC00001"), togai.url))
  assert.ok(date._tag === "RateLimited" && date.retryAfter !== undefined)
  assert.ok(Duration.toSeconds(date.retryAfter) > 100 && Duration.toSeconds(date.retryAfter) <= 120)
})

Deno.test("every operation of the table: a Retry-After that is no delay is absent from RateLimited and ServiceUnavailable", async () => {
  let status = 429
  await using togai = startServer(() => json(status, { message: "later" }, { "retry-after": "1, 2" }))
  for (const endpoint of operations) {
    for (status of [429, 503]) {
      const error = failure(await run(call(endpoint), togai.url))
      if (error._tag === "RateLimited" || error._tag === "ServiceUnavailable") {
        assert.equal(error.retryAfter, undefined, endpoint.operation)
      } else {
        assert.equal(error._tag, "UnexpectedStatus", `${endpoint.operation} does not document ${status}`)
      }
    }
  }
})

// ---------------------------------------------------------------------------------------------------------------
// 9. Every field of every error is documented.

Deno.test("every field of every error class has JSDoc (deno doc)", async () => {
  const output = await new Deno.Command("deno", {
    args: ["doc", "--json", new URL("../src/TogaiError.ts", import.meta.url).pathname],
    stdout: "piped",
  }).output()
  assert.ok(output.success)
  interface Property {
    readonly name: string
    readonly jsDoc?: { readonly doc?: string }
  }
  interface Symbol {
    readonly name: string
    readonly declarations: ReadonlyArray<
      { readonly kind: string; readonly def?: { readonly properties?: ReadonlyArray<Property> } }
    >
  }
  const doc: { readonly nodes: Record<string, { readonly symbols: ReadonlyArray<Symbol> }> } = JSON.parse(
    new TextDecoder().decode(output.stdout),
  )
  const documented = new Map<string, ReadonlyArray<Property>>()
  for (const file of Object.values(doc.nodes)) {
    for (const symbol of file.symbols) {
      const declaration = symbol.declarations.find((candidate) => candidate.kind === "class")
      if (declaration !== undefined) documented.set(symbol.name, declaration.def?.properties ?? [])
    }
  }
  // every class the module exports that is an error schema: its schema fields are what a handler reads
  const errorClasses = Object.entries(TogaiErrors).filter(([, value]) =>
    typeof value === "function" && "fields" in value
  )
  assert.ok(errorClasses.length >= 15, `${errorClasses.length} error classes`)
  for (const [name, errorClass] of errorClasses) {
    const properties = documented.get(name) ?? []
    const fields = Object.keys((errorClass as { readonly fields: Record<string, unknown> }).fields)
    for (const field of fields.filter((field) => field !== "_tag")) {
      const property = properties.find((candidate) => candidate.name === field)
      assert.ok(property !== undefined, `${name}.${field} is not in deno doc (no declared property)`)
      assert.ok((property.jsDoc?.doc ?? "").trim().length > 0, `${name}.${field} has no JSDoc`)
    }
  }
})
