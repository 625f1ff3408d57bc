/**
 * A Deno Deploy style edge function: `GET /?customer=...&account=...`
 * looks the account up in Togai and answers with it as JSON (404 when
 * Togai has no such account, 502 for any other failure).
 *
 * The token comes from `TOGAI_API_TOKEN` (and the base URL, optionally,
 * from `TOGAI_BASE_URL`) through `Togai.layerConfig`. Deploy it as it is
 * (`deno deploy`), or serve it locally with
 * `TOGAI_API_TOKEN=... deno serve --allow-net --allow-env examples/edge-function.ts`.
 * On runtimes without environment variables (Cloudflare Workers), build the
 * layer from the handler's `env` instead: `Togai.layer({ token: env.TOGAI_API_TOKEN })`.
 *
 * `deno task bundle-size` bundles this file to measure what the client
 * costs an edge function.
 */
import * as Effect from "effect/Effect"
// One entry point per module, so the bundle holds what this handler uses and no more (see README, Runtimes).
import * as Accounts from "@effect-togai/client/Accounts"
import * as Togai from "@effect-togai/client/Togai"

export default {
  fetch(request: Request): Promise<Response> {
    const url = new URL(request.url)
    const customerId = url.searchParams.get("customer") ?? ""
    const accountId = url.searchParams.get("account") ?? ""
    return Accounts.getAccount(customerId, accountId).pipe(
      Effect.map((account) => Response.json(account)),
      // Provided before the recovery, so a missing token is answered too, not thrown.
      Effect.provide(Togai.layerConfig),
      Effect.catchTag("NotFound", () => Effect.succeed(Response.json({ message: "no such account" }, { status: 404 }))),
      Effect.catchAll((error) => Effect.succeed(Response.json({ message: String(error) }, { status: 502 }))),
      Effect.runPromise,
    )
  },
} satisfies Deno.ServeDefaultExport
