/**
 * The `HttpClient` that `Togai.layer` provides: `@effect/platform`'s fetch
 * client, exactly. Every Togai operation sends through whatever `HttpClient`
 * is in context, this one or the caller's own (transformed with
 * `HttpClient.mapRequest` and friends, or another platform's); the
 * simulator's layer is this same client over the simulator's `fetch`, so
 * what a test runs is what production runs.
 *
 * Redirects: the operations ask `fetch` not to follow them (`redirect:
 * "manual"`) and follow only same-origin redirects of GET requests
 * themselves, so the credentials never leave Togai's origin. A client of
 * your own that follows redirects on its own bypasses that check.
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
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Layer from "effect/Layer"

/**
 * An `HttpClient` over `fetch` (`FetchHttpClient.layer`); `Togai.layer`
 * and `Togai.layerConfig` provide it. A `FetchHttpClient.Fetch` provided
 * to it is the `fetch` it calls.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = FetchHttpClient.layer
