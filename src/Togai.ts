/**
 * One-line setup: credentials, settings and an HTTP client (`fetch`) in a
 * single layer.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts, Togai } from "@effect-togai/client"
 *
 * // reads TOGAI_API_TOKEN (and TOGAI_BASE_URL, if set)
 * const main = Accounts.getAccount("customer-1", "ACC00001").pipe(Effect.provide(Togai.layerConfig))
 * ```
 *
 * @module
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as Auth from "./Auth.ts"
import * as FetchClient from "./FetchClient.ts"
import * as TogaiConfig from "./TogaiConfig.ts"
import type { ConfigurationError } from "./TogaiError.ts"

/**
 * What {@link layer} needs: a bearer token, and optionally any setting of
 * `TogaiConfig` (base URL, timeout, retries, the answer size cap, the
 * empty-page guard, trace headers); what is left out keeps its default.
 *
 * @since 0.1.0
 */
export interface Options extends TogaiConfig.SettingsInput {
  /** The API token, sent as `Authorization: Bearer <token>`; kept `Redacted`. */
  readonly token: string | Redacted.Redacted<string>
}

/**
 * What every operation needs: an HTTP client and credentials. The settings
 * (`TogaiConfig.TogaiConfig`) are a reference with defaults, so they are
 * never required.
 *
 * @since 0.1.0
 */
export type Requirements = Auth.Auth | HttpClient.HttpClient

/**
 * Everything an operation needs, over `fetch` (`FetchClient.layer`).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Redacted from "effect/Redacted"
 * import { Accounts, Togai } from "@effect-togai/client"
 *
 * const TogaiLive = Togai.layer({ token: Redacted.make("my-token"), baseUrl: "https://api.togai.com" })
 * const main = Accounts.getAccount("customer-1", "ACC00001").pipe(Effect.provide(TogaiLive))
 * ```
 *
 * @since 0.1.0
 */
export const layer = (options: Options): Layer.Layer<Auth.Auth | TogaiConfig.TogaiConfig | HttpClient.HttpClient> =>
  Layer.mergeAll(
    Auth.bearer(options.token),
    TogaiConfig.layer(options),
    FetchClient.layer,
  )

/**
 * Everything an operation needs, from configuration: `TOGAI_API_TOKEN`
 * (required, kept `Redacted`) and `TOGAI_BASE_URL` (optional). A token
 * that is not set, or a base URL that is not an `https://` URL, fails the
 * layer as it is built with a `ConfigurationError` naming the setting, the
 * variable and what a valid value looks like.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts, Togai } from "@effect-togai/client"
 *
 * const main = Accounts.getAccount("customer-1", "ACC00001").pipe(
 *   Effect.provide(Togai.layerConfig),
 *   // "The Togai client is misconfigured: token (TOGAI_API_TOKEN) is not set. A valid value looks like ..."
 *   Effect.catchTag("ConfigurationError", (error) => Effect.logError(error.message)),
 * )
 * ```
 *
 * @since 0.1.0
 */
export const layerConfig: Layer.Layer<
  Auth.Auth | TogaiConfig.TogaiConfig | HttpClient.HttpClient,
  ConfigurationError
> = Layer
  .mergeAll(Auth.layerConfig, TogaiConfig.layerConfig, FetchClient.layer)
