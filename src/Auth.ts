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
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { ConfigurationError } from "./TogaiError.ts"

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

const tokenExample = "the API token from Togai's settings page, e.g. togai_1a2b3c... (kept Redacted)"

/**
 * What is wrong with a credential, if anything: an empty secret, or one
 * with spaces, line breaks or other characters an HTTP header cannot carry
 * (a token pasted with its newline, say). Every operation checks its
 * credential so before it sends anything, and {@link layerConfig} when it
 * reads it; the error never shows the secret.
 *
 * @example
 * ```ts
 * import * as Redacted from "effect/Redacted"
 * import { Auth } from "@effect-togai/client"
 *
 * const problem = Auth.validate({ scheme: "bearer", secret: Redacted.make("tok_1234\n") })
 * // problem?.issue: "contains spaces, line breaks or other characters an HTTP header cannot carry"
 * ```
 *
 * @since 0.2.0
 * @category validation
 */
export const validate = (credential: Credential): ConfigurationError | undefined => {
  const secret = Redacted.value(credential.secret)
  const issue = secret === ""
    ? "is empty"
    : /^[\x21-\x7e]+$/.test(secret)
    ? undefined
    : "contains spaces, line breaks or other characters an HTTP header cannot carry"
  return issue === undefined
    ? undefined
    : new ConfigurationError({ setting: "token", variable: "TOGAI_API_TOKEN", issue, example: tokenExample })
}

/**
 * A bearer token read from the `TOGAI_API_TOKEN` configuration value (an
 * environment variable by default), kept `Redacted`. A token that is not
 * set, empty or not sendable fails the layer as it is built, with a
 * `ConfigurationError` that names the setting and the variable and shows
 * what a valid value looks like.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts, Auth, FetchClient } from "@effect-togai/client"
 *
 * const account = Accounts.getAccount("customer-1", "ACC00001").pipe(
 *   Effect.provide(Auth.layerConfig),
 *   Effect.provide(FetchClient.layer),
 *   Effect.catchTag("ConfigurationError", (error) => Effect.die(error.message)),
 * )
 * ```
 *
 * @since 0.1.0
 */
export const layerConfig: Layer.Layer<Auth, ConfigurationError> = Layer.effect(
  Auth,
  Effect.flatMap(
    Effect.mapError(
      Config.redacted("TOGAI_API_TOKEN"),
      // Not Effect's own text: for a secret it reads `Missing data at TOGAI_API_TOKEN: "<redacted>"`.
      (error) =>
        new ConfigurationError({
          setting: "token",
          variable: "TOGAI_API_TOKEN",
          issue: ConfigError.isMissingDataOnly(error) ? "is not set" : "could not be read",
          example: tokenExample,
        }),
    ),
    (secret) => {
      const credential: Credential = { scheme: "bearer", secret }
      const problem = validate(credential)
      return problem === undefined ? Effect.succeed(credential) : Effect.fail(problem)
    },
  ),
)
