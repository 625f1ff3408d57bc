/**
 * How a request to Togai proves who it is.
 *
 * `Auth` is a service: provide it once with a layer and every operation
 * signs its requests with it. Togai accepts a bearer token
 * (`Authorization: Bearer <token>`) or an API key (`X-API-Key: <key>`).
 * The credential is held as a `Redacted` value from the moment it enters:
 * it never appears in an error, a log line or a span.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts, Auth } from "@effect-togai/client"
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 *
 * const program = Accounts.getAccount("customer-1", "account-1").pipe(
 *   Effect.provide(Auth.layerConfig),
 *   Effect.provide(FetchHttpClient.layer),
 * )
 * ```
 *
 * @module
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

/**
 * The credential a request carries: how it is sent, and the secret itself.
 *
 * @since 0.1.0
 */
export interface Credential {
  /** `bearer` sends `Authorization: Bearer <secret>`; `apiKey` sends `X-API-Key: <secret>`. */
  readonly scheme: "bearer" | "apiKey"
  /** The secret, never shown when printed or logged. */
  readonly secret: Redacted.Redacted<string>
}

const AuthBase: Context.TagClass<Auth, "@effect-togai/client/Auth", Credential> = Context.Tag(
  "@effect-togai/client/Auth",
)<Auth, Credential>()

const toRedacted = (secret: string | Redacted.Redacted<string>): Redacted.Redacted<string> =>
  Redacted.isRedacted(secret) ? secret : Redacted.make(secret)

/**
 * The service that signs requests to Togai. Provide it with {@link bearer},
 * {@link apiKey} or {@link layerConfig}.
 *
 * @since 0.1.0
 */
export class Auth extends AuthBase {}

/**
 * Signs requests with a bearer token (`Authorization: Bearer <token>`).
 * A plain string is wrapped in `Redacted` at once.
 *
 * @example
 * ```ts
 * import * as Redacted from "effect/Redacted"
 * import { Auth } from "@effect-togai/client"
 *
 * const AuthLive = Auth.bearer(Redacted.make("my-token"))
 * ```
 *
 * @since 0.1.0
 */
export const bearer = (token: string | Redacted.Redacted<string>): Layer.Layer<Auth> =>
  Layer.succeed(Auth, { scheme: "bearer", secret: toRedacted(token) })

/**
 * Signs requests with an API key (`X-API-Key: <key>`).
 *
 * @since 0.1.0
 */
export const apiKey = (key: string | Redacted.Redacted<string>): Layer.Layer<Auth> =>
  Layer.succeed(Auth, { scheme: "apiKey", secret: toRedacted(key) })

/**
 * A bearer token read from the `TOGAI_API_TOKEN` configuration value (an
 * environment variable by default), kept `Redacted`.
 *
 * @since 0.1.0
 */
export const layerConfig: Layer.Layer<Auth, ConfigError.ConfigError> = Layer.effect(
  Auth,
  Config.map(Config.redacted("TOGAI_API_TOKEN"), (secret): Credential => ({ scheme: "bearer", secret })),
)
