/**
 * Client settings: where Togai is, how long a request may take, and how
 * failed requests are retried.
 *
 * `TogaiConfig` is a `Context.Reference`: it has a default (Togai's sandbox,
 * 60 s, two retries) and never appears in an operation's requirements.
 * Change it for a whole program with `TogaiConfig.layer` or
 * `TogaiConfig.layerConfig`, or for one call with `TogaiConfig.withBaseUrl`,
 * `TogaiConfig.withTimeout` and `TogaiConfig.withRetries`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts, TogaiConfig } from "@effect-togai/client"
 *
 * // one slow call gets more time; everything else keeps the default
 * const account = Accounts.getAccount("customer-1", "account-1").pipe(
 *   TogaiConfig.withTimeout("2 minutes"),
 * )
 * ```
 *
 * @module
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import { ConfigurationError } from "./TogaiError.ts"

/**
 * How the client retries a failed request on its own. See `Retry` for which
 * failures are retried.
 *
 * @since 0.1.0
 */
export interface RetryPolicy {
  /** How many times a request is retried after its first attempt (0 turns retries off). */
  readonly maxRetries: number
  /** The first backoff wait; each retry doubles it, with jitter. */
  readonly baseDelay: Duration.Duration
  /** No single backoff wait is longer than this. */
  readonly maxDelay: Duration.Duration
  /**
   * The longest `Retry-After` the client honours by waiting. A longer one
   * fails at once with the `RateLimited` error instead of sleeping.
   */
  readonly maxRetryAfter: Duration.Duration
}

/**
 * The settings every operation reads.
 *
 * @since 0.1.0
 */
export interface Settings {
  /** The API's base URL, without a trailing slash. */
  readonly baseUrl: string
  /** The limit for one request: sending it, its headers and its whole body. */
  readonly timeout: Duration.Duration
  /** How failed requests are retried. */
  readonly retry: RetryPolicy
  /**
   * The largest answer the client reads, in bytes after decompression; a
   * larger one fails as `ResponseTooLarge` without reading the rest.
   */
  readonly maxResponseBytes: number
  /**
   * Whether requests carry the caller's trace context (`traceparent`, `b3`)
   * to Togai. Off by default: Togai is a third-party origin, and
   * OpenTelemetry's own fetch instrumentation sends none cross-origin unless
   * told to. The client's spans are made either way.
   */
  readonly traceHeaders: boolean
  /**
   * How many empty pages in a row, each with a new `nextToken`, a stream
   * follows before it fails with `PaginationError` (reason `emptyPages`).
   */
  readonly maxEmptyPages: number
}

const sandbox = "https://sandbox-api.togai.com"

/**
 * The default retry policy: two retries, backoff from 500 ms up to 8 s, and
 * `Retry-After` honoured up to 60 s.
 *
 * @since 0.1.0
 */
export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 2,
  baseDelay: Duration.millis(500),
  maxDelay: Duration.seconds(8),
  maxRetryAfter: Duration.seconds(60),
}

/**
 * The default settings: the sandbox, 60 s per request, {@link defaultRetryPolicy},
 * answers up to 16 MiB, no trace headers to Togai, at most 10 empty pages in
 * a row.
 *
 * @since 0.1.0
 */
export const defaultSettings: Settings = {
  baseUrl: sandbox,
  timeout: Duration.seconds(60),
  retry: defaultRetryPolicy,
  maxResponseBytes: 16 * 1024 * 1024,
  traceHeaders: false,
  maxEmptyPages: 10,
}

/**
 * Changes to a retry policy, durations as `Duration.DurationInput`
 * (`"500 millis"`, `Duration.seconds(2)`, a number of milliseconds); what
 * it leaves out keeps its value.
 *
 * @since 0.1.0
 */
export interface RetryPolicyInput {
  /** How many retries after the first attempt (default 2; 0 retries nothing). */
  readonly maxRetries?: number | undefined
  /** The first backoff wait (default 500 ms); it doubles with each retry. */
  readonly baseDelay?: Duration.DurationInput | undefined
  /** No backoff wait is longer than this (default 8 s). */
  readonly maxDelay?: Duration.DurationInput | undefined
  /**
   * The longest `Retry-After` honoured by waiting (default 60 s). When a
   * `RateLimited` error asks for longer, retrying stops and the
   * `RateLimited` error is the result: sleeping for an hour is rarely what
   * a program wants.
   */
  readonly maxRetryAfter?: Duration.DurationInput | undefined
}

const mergeRetryPolicy = (policy: RetryPolicy, input: RetryPolicyInput): RetryPolicy => ({
  maxRetries: input.maxRetries ?? policy.maxRetries,
  baseDelay: input.baseDelay === undefined ? policy.baseDelay : Duration.decode(input.baseDelay),
  maxDelay: input.maxDelay === undefined ? policy.maxDelay : Duration.decode(input.maxDelay),
  maxRetryAfter: input.maxRetryAfter === undefined ? policy.maxRetryAfter : Duration.decode(input.maxRetryAfter),
})

/**
 * The settings a layer or a call may change; the rest keep their values.
 *
 * @since 0.1.0
 */
export interface SettingsInput {
  /** The API's base URL (a trailing slash is removed). */
  readonly baseUrl?: string | undefined
  /** The limit for one request. */
  readonly timeout?: Duration.DurationInput | undefined
  /** Changes to the retry policy; `false` turns retries off. */
  readonly retry?: RetryPolicyInput | false | undefined
  /** The largest answer read, in bytes after decompression (default 16 MiB). */
  readonly maxResponseBytes?: number | undefined
  /** Whether requests carry `traceparent` / `b3` to Togai (default `false`). */
  readonly traceHeaders?: boolean | undefined
  /** How many empty pages in a row a stream follows (default 10). */
  readonly maxEmptyPages?: number | undefined
}

/**
 * Applies changes to settings; what the input leaves out keeps its value.
 *
 * @since 0.1.0
 */
export const mergeSettings = (settings: Settings, input: SettingsInput): Settings => ({
  baseUrl: input.baseUrl === undefined ? settings.baseUrl : input.baseUrl.replace(/\/+$/, ""),
  timeout: input.timeout === undefined ? settings.timeout : Duration.decode(input.timeout),
  retry: input.retry === false
    ? { ...settings.retry, maxRetries: 0 }
    : input.retry === undefined
    ? settings.retry
    : mergeRetryPolicy(settings.retry, input.retry),
  maxResponseBytes: input.maxResponseBytes ?? settings.maxResponseBytes,
  traceHeaders: input.traceHeaders ?? settings.traceHeaders,
  maxEmptyPages: input.maxEmptyPages ?? settings.maxEmptyPages,
})

/**
 * An effect-to-effect function that keeps the effect's types.
 *
 * @since 0.1.0
 */
export type Aspect = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>

/**
 * A per-call helper: data-first (`withX(effect, value)`) or pipeable
 * (`effect.pipe(withX(value))`).
 *
 * @since 0.1.0
 */
export interface WithSetting<V> {
  (value: V): Aspect
  <A, E, R>(self: Effect.Effect<A, E, R>, value: V): Effect.Effect<A, E, R>
}

const withSetting = <V>(toInput: (value: V) => SettingsInput): WithSetting<V> =>
  dual(
    2,
    <A, E, R>(self: Effect.Effect<A, E, R>, value: V): Effect.Effect<A, E, R> =>
      Effect.flatMap(
        TogaiConfig,
        (settings) => Effect.provideService(self, TogaiConfig, mergeSettings(settings, toInput(value))),
      ),
  )

const TogaiConfigBase: Context.ReferenceClass<TogaiConfig, "@effect-togai/client/TogaiConfig", Settings> = Context
  .Reference<TogaiConfig>()("@effect-togai/client/TogaiConfig", { defaultValue: () => defaultSettings })

/**
 * The client's settings, a reference with {@link defaultSettings} as its
 * default.
 *
 * @since 0.1.0
 */
export class TogaiConfig extends TogaiConfigBase {}

/**
 * Togai's sandbox, the default base URL (as in Togai's own clients).
 *
 * @since 0.1.0
 */
export const sandboxUrl: string = sandbox

/**
 * Togai's production API.
 *
 * @since 0.1.0
 */
export const productionUrl: string = "https://api.togai.com"

/**
 * A layer that sets the settings for every operation it serves; what the
 * input leaves out keeps its default.
 *
 * @example
 * ```ts
 * import { TogaiConfig } from "@effect-togai/client"
 *
 * const Production = TogaiConfig.layer({ baseUrl: TogaiConfig.productionUrl, timeout: "30 seconds" })
 * ```
 *
 * @since 0.1.0
 */
export const layer = (input: SettingsInput): Layer.Layer<TogaiConfig> =>
  Layer.succeed(TogaiConfig, mergeSettings(defaultSettings, input))

const baseUrlExample = "https://api.togai.com (or https://sandbox-api.togai.com)"

/**
 * What is wrong with settings, if anything: a base URL that is not an
 * `https://` or `http://` URL (`api.togai.com`, `localhost:8080`), or has a
 * query or a fragment; a `maxResponseBytes` that is not a positive number;
 * a `maxEmptyPages` that is not a number from 0. Every operation checks its
 * settings so before it sends anything, and `layerConfig` when it reads
 * them, so that misconfiguration fails as `ConfigurationError` (never
 * retried), not as a network error. The error never repeats the value: a
 * secret pasted in the wrong place stays out of it.
 *
 * @example
 * ```ts
 * import { TogaiConfig } from "@effect-togai/client"
 *
 * const problem = TogaiConfig.validate(TogaiConfig.mergeSettings(TogaiConfig.defaultSettings, { baseUrl: "api.togai.com" }))
 * // problem?.message: "The Togai client is misconfigured: baseUrl (TOGAI_BASE_URL) is not an https:// or http:// URL ..."
 * ```
 *
 * @since 0.2.0
 * @category validation
 */
export const validate = (settings: Settings): ConfigurationError | undefined => {
  let url: URL | undefined
  try {
    url = new URL(settings.baseUrl)
  } catch {
    url = undefined
  }
  const baseUrlIssue = url === undefined || (url.protocol !== "https:" && url.protocol !== "http:") || url.host === ""
    ? "is not an https:// or http:// URL (it must start with https:// or http://, then the host)"
    : url.search !== "" || url.hash !== ""
    ? "has a query or a fragment, which no path can follow"
    : undefined
  if (baseUrlIssue !== undefined) {
    return new ConfigurationError({
      setting: "baseUrl",
      variable: "TOGAI_BASE_URL",
      issue: baseUrlIssue,
      example: baseUrlExample,
    })
  }
  if (!(settings.maxResponseBytes > 0)) {
    return new ConfigurationError({
      setting: "maxResponseBytes",
      issue: "is not a positive number of bytes",
      example: `${defaultSettings.maxResponseBytes} (16 MiB, the default)`,
    })
  }
  if (!(settings.maxEmptyPages >= 0)) {
    return new ConfigurationError({
      setting: "maxEmptyPages",
      issue: "is not a number from 0",
      example: `${defaultSettings.maxEmptyPages} (the default)`,
    })
  }
  return undefined
}

/**
 * Settings read from configuration: `TOGAI_BASE_URL` (optional; the
 * sandbox when unset). A value that cannot be read or is not a valid base
 * URL fails the layer as it is built, with a `ConfigurationError` that
 * names the variable and shows a valid value.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts, TogaiConfig } from "@effect-togai/client"
 *
 * const account = Accounts.getAccount("customer-1", "ACC00001").pipe(Effect.provide(TogaiConfig.layerConfig))
 * ```
 *
 * @since 0.1.0
 */
export const layerConfig: Layer.Layer<TogaiConfig, ConfigurationError> = Layer.effect(
  TogaiConfig,
  Effect.flatMap(
    Effect.mapError(
      Config.withDefault(Config.nonEmptyString("TOGAI_BASE_URL"), defaultSettings.baseUrl),
      (error) =>
        new ConfigurationError({
          setting: "baseUrl",
          variable: "TOGAI_BASE_URL",
          issue: ConfigError.isMissingDataOnly(error) ? "is not set" : "is empty or could not be read",
          example: baseUrlExample,
        }),
    ),
    (baseUrl) => {
      const settings = mergeSettings(defaultSettings, { baseUrl })
      const problem = validate(settings)
      return problem === undefined ? Effect.succeed(settings) : Effect.fail(problem)
    },
  ),
)

/**
 * Runs an effect with changed settings.
 *
 * @since 0.1.0
 */
export const withSettings: WithSetting<SettingsInput> = /* @__PURE__ */ withSetting((input: SettingsInput) => input)

/**
 * Runs an effect against another base URL.
 *
 * @since 0.1.0
 */
export const withBaseUrl: WithSetting<string> = /* @__PURE__ */ withSetting((baseUrl: string) => ({ baseUrl }))

/**
 * Runs an effect with another per-request timeout.
 *
 * @example
 * ```ts
 * import { Accounts, TogaiConfig } from "@effect-togai/client"
 *
 * const quick = Accounts.getAccount("customer-1", "account-1").pipe(TogaiConfig.withTimeout("5 seconds"))
 * ```
 *
 * @since 0.1.0
 */
export const withTimeout: WithSetting<Duration.DurationInput> = /* @__PURE__ */ withSetting((
  timeout: Duration.DurationInput,
) => ({
  timeout,
}))

/**
 * Runs an effect with another retry policy; `false` turns retries off.
 *
 * @example
 * ```ts
 * import { Accounts, TogaiConfig } from "@effect-togai/client"
 *
 * const once = Accounts.getAccount("customer-1", "account-1").pipe(TogaiConfig.withRetries(false))
 * ```
 *
 * @since 0.1.0
 */
export const withRetries: WithSetting<RetryPolicyInput | false> = /* @__PURE__ */ withSetting((
  retry: RetryPolicyInput | false,
) => ({ retry }))
