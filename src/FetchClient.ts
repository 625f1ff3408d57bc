/**
 * The `HttpClient` that `Togai.layer` provides: `@effect/platform`'s fetch
 * client, through which the Togai operations send by a leaner path.
 *
 * Used as an `HttpClient`, it is `FetchHttpClient.layer` exactly. When an
 * operation finds it (untransformed) as the `HttpClient`, it sends its
 * request with one `fetch` under a deadline instead of the platform's request
 * wrapper and `Effect.timeoutFail`, which `deno task bench` measured at more
 * than the rest of a call together. Nothing is given up: interruption and
 * the timeout abort the request (body read included), the HTTP span is a
 * child of the operation's span with the same attributes and the
 * `Authorization` and `X-API-Key` headers redacted, the trace context is
 * propagated as `HttpClient.currentTracerPropagation` says, and a
 * `FetchHttpClient.Fetch` or `FetchHttpClient.RequestInit` in context is
 * used. Under a `TestClock` the timeout stays on the clock, through the
 * ordinary path.
 *
 * Provide another `HttpClient` (or transform this one with
 * `HttpClient.mapRequest` and friends) and the operations use it as usual.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts, Auth, FetchClient } from "@effect-togai/client"
 *
 * const account = Accounts.getAccount("customer-1", "ACC00001").pipe(
 *   Effect.provide(Auth.layerConfig),
 *   Effect.provide(FetchClient.layer),
 * )
 * ```
 *
 * @module
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Layer from "effect/Layer"
import * as internal from "./internal/fetchExchange.ts"

/**
 * An `HttpClient` over `fetch` through which Togai operations take the lean
 * path; `Togai.layer` and `Togai.layerConfig` provide it.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = internal.layer
