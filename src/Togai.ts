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
import type * as ConfigError from "effect/ConfigError"
import type * as Duration from "effect/Duration"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as Auth from "./Auth.ts"
import * as FetchClient from "./FetchClient.ts"
import * as TogaiConfig from "./TogaiConfig.ts"

/**
 * What {@link layer} needs: a bearer token, and optionally other settings.
 *
 * @since 0.1.0
 */
export interface Options {
  /** The API token, sent as `Authorization: Bearer <token>`; kept `Redacted`. */
  readonly token: string | Redacted.Redacted<string>
  /** The base URL; Togai's sandbox when absent. */
  readonly baseUrl?: string | undefined
  /** The limit for one request; 60 s when absent. */
  readonly timeout?: Duration.DurationInput | undefined
  /** Changes to the retry policy; `false` turns retries off. */
  readonly retry?: TogaiConfig.RetryPolicyInput | false | undefined
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
    TogaiConfig.layer({ baseUrl: options.baseUrl, timeout: options.timeout, retry: options.retry }),
    FetchClient.layer,
  )

/**
 * Everything an operation needs, from configuration: `TOGAI_API_TOKEN`
 * (required, kept `Redacted`) and `TOGAI_BASE_URL` (optional).
 *
 * @since 0.1.0
 */
export const layerConfig: Layer.Layer<
  Auth.Auth | TogaiConfig.TogaiConfig | HttpClient.HttpClient,
  ConfigError.ConfigError
> = Layer
  .mergeAll(Auth.layerConfig, TogaiConfig.layerConfig, FetchClient.layer)
