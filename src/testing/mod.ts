/**
 * Testing tools for `@effect-togai/client`: a stateful, in-process Togai
 * simulator to run billing workflows offline, and to make Togai misbehave
 * on purpose (429, 5xx, latency, dropped connections, malformed bodies).
 *
 * A separate entry point: the library's main entry never imports it.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts } from "@effect-togai/client"
 * import { Simulator } from "@effect-togai/client/testing"
 *
 * const program = Accounts.createAccount("customer-1", { id: "ACC1", name: "Primary" }).pipe(
 *   Effect.provide(Simulator.layer({ customers: [{ id: "customer-1" }] })),
 * )
 * ```
 *
 * @module
 */
export * as Simulator from "./Simulator.ts"
