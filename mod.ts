/**
 * An Effect-native client for Togai, the usage-based billing API.
 *
 * Every operation is a function returning an `Effect` that needs an
 * `HttpClient` and `Auth.Auth`; every documented error status is a tagged
 * error (`TogaiError`); request and response shapes are `effect/Schema`
 * schemas taken from Togai's OpenAPI contract (`Schemas`).
 *
 * Like Effect's own packages, each module is exported as a namespace, one
 * per API group (`Customers`, `Accounts`, `EventSchemas`, `UsageMeters`,
 * `PricePlans`, `Events`, `Metrics`) and one per concern (`Togai.layer`,
 * `Auth.bearer`, `TogaiConfig`, `TogaiError.NotFound`, `Retry`,
 * `RateLimit`, `Schemas.Account`).
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
export * as Customers from "./src/Customers.ts"
export * as Events from "./src/Events.ts"
export * as EventSchemas from "./src/EventSchemas.ts"
export * as FetchClient from "./src/FetchClient.ts"
export * as Metrics from "./src/Metrics.ts"
export * as PricePlans from "./src/PricePlans.ts"
export * as RateLimit from "./src/RateLimit.ts"
export * as Retry from "./src/Retry.ts"
export * as Schemas from "./src/Schemas/mod.ts"
export * as Togai from "./src/Togai.ts"
export * as TogaiConfig from "./src/TogaiConfig.ts"
export * as TogaiError from "./src/TogaiError.ts"
export * as UsageMeters from "./src/UsageMeters.ts"
