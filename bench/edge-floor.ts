/**
 * The floor for `deno task bundle-size`: the same edge function as
 * `examples/edge-function.ts`, written with bare `effect` and
 * `@effect/platform` calls and no client library. It does the same work:
 * the token and base URL read with `effect/Config` (`TOGAI_API_TOKEN`,
 * `TOGAI_BASE_URL`), the bearer header, `FetchHttpClient`, the status
 * check, the account decoded with an `effect/Schema` schema, 404 and other
 * failures answered.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

const Account = Schema.Struct({
  id: Schema.String.pipe(Schema.maxLength(50)),
  name: Schema.String.pipe(Schema.minLength(3), Schema.maxLength(255)),
  aliases: Schema.optional(
    Schema.Array(
      Schema.Struct({
        alias: Schema.optional(Schema.String.pipe(Schema.maxLength(50))),
        status: Schema.optional(Schema.Literal("ACTIVE", "ARCHIVED")),
      }),
    ).pipe(Schema.maxItems(10)),
  ),
  status: Schema.Literal("ACTIVE", "ARCHIVED"),
})

class NotFound extends Schema.TaggedError<NotFound>()("NotFound", { status: Schema.Number }) {}
class UnexpectedStatus extends Schema.TaggedError<UnexpectedStatus>()("UnexpectedStatus", { status: Schema.Number }) {}

const getAccount = (customerId: string, accountId: string) =>
  Effect.gen(function* () {
    const token = yield* Config.redacted("TOGAI_API_TOKEN")
    const baseUrl = yield* Config.withDefault(Config.string("TOGAI_BASE_URL"), "https://sandbox-api.togai.com")
    const client = yield* HttpClient.HttpClient
    const request = HttpClientRequest.get(
      `${baseUrl}/customers/${encodeURIComponent(customerId)}/accounts/${encodeURIComponent(accountId)}`,
    ).pipe(HttpClientRequest.bearerToken(Redacted.value(token)), HttpClientRequest.acceptJson)
    const response = yield* client.execute(request)
    if (response.status === 404) return yield* Effect.fail(new NotFound({ status: 404 }))
    if (response.status !== 200) return yield* Effect.fail(new UnexpectedStatus({ status: response.status }))
    return yield* HttpClientResponse.schemaBodyJson(Account)(response)
  })

export default {
  fetch(request: Request): Promise<Response> {
    const url = new URL(request.url)
    return getAccount(url.searchParams.get("customer") ?? "", url.searchParams.get("account") ?? "").pipe(
      Effect.map((account) => Response.json(account)),
      Effect.catchTag("NotFound", () => Effect.succeed(Response.json({ message: "no such account" }, { status: 404 }))),
      Effect.catchAll((error) => Effect.succeed(Response.json({ message: String(error) }, { status: 502 }))),
      Effect.provide(FetchHttpClient.layer),
      Effect.runPromise,
    )
  },
} satisfies Deno.ServeDefaultExport
