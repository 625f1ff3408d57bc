/**
 * An Effect-native client for Togai, the usage-based billing API.
 *
 * Every operation is a function returning an `Effect` that needs an
 * `HttpClient` and `Auth.Auth`; every documented error status is a tagged
 * error (`TogaiError`); request and response shapes are `effect/Schema`
 * schemas taken from Togai's OpenAPI contract (`Schemas`).
 *
 * Like Effect's own packages, each module is exported as a namespace:
 * `Accounts.getAccount`, `Auth.bearer`, `Togai.layer`, `Schemas.Account`,
 * `TogaiError.NotFound`.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts, Togai } from "@effect-togai/client"
 *
 * const program = Accounts.getAccount("customer-1", "ACC00001").pipe(
 *   Effect.catchTag("NotFound", () => Effect.succeed(null)),
 *   Effect.provide(Togai.layerConfig),
 * )
 * ```
 *
 * @module
 */
export * as Accounts from "./src/Accounts.ts"
export * as Auth from "./src/Auth.ts"
export * as FetchClient from "./src/FetchClient.ts"
export * as RateLimit from "./src/RateLimit.ts"
export * as Retry from "./src/Retry.ts"
export * as Schemas from "./src/Schemas/mod.ts"
export * as Togai from "./src/Togai.ts"
export * as TogaiConfig from "./src/TogaiConfig.ts"
export * as TogaiError from "./src/TogaiError.ts"
