/**
 * A stateful Togai, in process, to test billing workflows without an
 * account, a network or hand-written mocks.
 *
 * The simulator runs the whole billing loop of Togai's contract, all 38
 * operations with state: event schemas and their versions, usage meters
 * with JSON-logic `filters` and `computation` (evaluated with
 * `json-logic-js`), price plans with tiered rate cards, customers and their
 * accounts, aliases and pricing schedules, ingestion (validated against the
 * event's schema, de-duplicated by `id`, metered by every active meter
 * whose filters accept it), the event log with each event's ingestion
 * status and pipeline info, and metrics (EVENTS, USAGE, REVENUE by day,
 * week or month) computed from what was ingested. It answers as the
 * contract says (201 on create, 202 and 207 on ingestion, 400 with a message
 * naming what was wrong, 404 for unknown names and ids, 401 and 403 for
 * credentials), can enforce Togai's request quotas (`quota`), and can be
 * told to misbehave per operation or for every request: 429 with
 * `Retry-After`, 5xx, added latency, a dropped connection, a malformed body.
 * Every request is logged, credentials redacted, for assertions.
 *
 * One web-standard handler, `(Request) => Promise<Response>`, is served two
 * ways: in process, as the `fetch` behind the same `FetchHttpClient` that
 * `Togai.layer` provides (no socket; works on every runtime, edge
 * included), and on a real port of 127.0.0.1 for end-to-end tests and
 * demos. Either way the client sends through its one production path.
 *
 * Every decision the simulator makes where the contract is silent (status
 * lifecycles, versions, tier boundaries, which plan prices a day, how
 * events are matched and metered, metric buckets) is listed in
 * `src/testing/internal/state.ts` and in README's simulator section.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts } from "@effect-togai/client"
 * import { Simulator } from "@effect-togai/client/testing"
 *
 * const program = Effect.gen(function* () {
 *   yield* Accounts.createAccount("customer-1", { id: "ACC1", name: "Primary" })
 *   return yield* Accounts.getAccount("customer-1", "ACC1")
 * })
 *
 * const account = await Effect.runPromise(
 *   program.pipe(Effect.provide(Simulator.layer({ customers: [{ id: "customer-1" }] }))),
 * )
 * ```
 *
 * @module
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Auth from "../Auth.ts"
import type { Account, RateCard } from "../Schemas/Common.ts"
import type * as Schemas from "../Schemas/mod.ts"
import * as TogaiConfig from "../TogaiConfig.ts"
import { type ActiveFault, dropError, type HandlerContext, isDropped, makeHandler } from "./internal/handler.ts"
import { State } from "./internal/state.ts"

/**
 * The name of a Togai operation the simulator serves, as the spec's
 * `operationId`; faults can be declared per operation.
 *
 * @since 0.1.0
 */
export type OperationName =
  | "getCustomers"
  | "createCustomer"
  | "deleteCustomer"
  | "getCustomer"
  | "updateCustomer"
  | "getAccounts"
  | "createAccount"
  | "deleteAccount"
  | "getAccount"
  | "updateAccount"
  | "addAliases"
  | "removeAliases"
  | "associatePricePlan"
  | "listEventSchemas"
  | "createEventSchema"
  | "deleteEventSchema"
  | "getEventSchema"
  | "updateEventSchema"
  | "listEventSchemaVersions"
  | "activateEventSchema"
  | "deactivateEventSchema"
  | "getUsageMetersForEventSchema"
  | "createUsageMeter"
  | "getUsageMeter"
  | "updateUsageMeter"
  | "activateUsageMeter"
  | "deactivateUsageMeter"
  | "deleteUsageMeter"
  | "getPricePlans"
  | "createPricePlan"
  | "getPricePlan"
  | "updatePricePlan"
  | "activatePricePlan"
  | "ingest"
  | "ingestBatch"
  | "getEvents"
  | "getSingleEvent"
  | "getMetrics"

/**
 * An account to seed, as `createAccount` would create it.
 *
 * @since 0.1.0
 */
export interface AccountSeed {
  /** Identifier of the account, at most 50 characters. */
  readonly id: string
  /** Name of the account, 3 to 255 characters. */
  readonly name: string
  /** Up to 10 aliases. */
  readonly aliases?: ReadonlyArray<string> | undefined
}

/**
 * A customer to seed, as `createCustomer` would create it (checked the same way),
 * with its accounts if any.
 *
 * @since 0.1.0
 */
export interface CustomerSeed {
  /** Identifier of the customer. */
  readonly id: string
  /** Name of the customer; the id when absent. */
  readonly name?: string | undefined
  /** Primary email of the customer; `billing@example.com` when absent. */
  readonly primaryEmail?: string | undefined
  /** Billing address (50 to 1,000 characters); a placeholder when absent. */
  readonly billingAddress?: string | undefined
  /** Accounts the customer starts with. */
  readonly accounts?: ReadonlyArray<AccountSeed> | undefined
}

/**
 * A price plan to seed, ACTIVE from the start, checked as `createPricePlan`
 * checks a request: by name alone it is monthly from the 1st with an empty
 * usage rate card.
 *
 * @since 0.2.0
 */
export interface PricePlanSeed {
  /** Name of the price plan. */
  readonly name: string
  /** Description of the price plan. */
  readonly description?: string | undefined
  /** The pricing cycle; monthly from the 1st when absent. */
  readonly pricingCycle?: Schemas.PricingCycle | undefined
  /** The rate card; an empty usage rate card when absent. */
  readonly rateCard?: Schemas.RateCard | undefined
}

/**
 * A window of time for the simulator's usage and revenue figures: from
 * (inclusive) until (exclusive); unbounded on a side that is absent.
 *
 * @since 0.2.0
 */
export interface TimeWindow {
  /** The first instant counted. */
  readonly from?: Date | undefined
  /** The first instant no longer counted. */
  readonly until?: Date | undefined
}

/**
 * A token that reaches only some customers: any other customer's data
 * answers 403.
 *
 * @since 0.1.0
 */
export interface LimitedToken {
  /** The token, accepted as a bearer token or an API key. */
  readonly token: string
  /** The customers it has rights to. */
  readonly customers: ReadonlyArray<string>
}

/**
 * How a simulator starts.
 *
 * @since 0.1.0
 */
export interface Options {
  /**
   * The token with rights to everything, accepted as `Authorization: Bearer`
   * or `X-API-Key`; {@link defaultToken} when absent. Anything else is a 401.
   */
  readonly token?: string | undefined
  /** Tokens with rights to some customers only. */
  readonly limitedTokens?: ReadonlyArray<LimitedToken> | undefined
  /** The customers (and their accounts) the simulator starts with. */
  readonly customers?: ReadonlyArray<CustomerSeed> | undefined
  /** The names of the price plans accounts can be associated with. */
  readonly pricePlans?: ReadonlyArray<string | PricePlanSeed> | undefined
  /** The simulator's clock, for associations without `effectiveFrom`; the system clock when absent. */
  readonly now?: (() => Date) | undefined
  /**
   * Togai's request quotas, in requests a second: past them a request is
   * answered 429 with `Retry-After` (whole seconds until a request would
   * fit). Each class (ingestion, the rest) is a token bucket: a burst of up
   * to the quota, refilled at the quota per second.
   * Off when absent; Togai's documented defaults are `{ ingest: 50, other:
   * 10 }` ({@link togaiQuota}).
   */
  readonly quota?: { readonly ingest?: number | undefined; readonly other?: number | undefined } | undefined
}

/**
 * Togai's documented request quotas (docs.togai.com, "Quotas and limits"):
 * 50 requests a second for event ingestion, 10 for every other API.
 *
 * @since 0.2.0
 */
export const togaiQuota: { readonly ingest: number; readonly other: number } = { ingest: 50, other: 10 }

/**
 * A way for the simulator to misbehave.
 *
 * - `rateLimit`: 429 with `Retry-After` (seconds, or an HTTP date; 1 when absent).
 * - `serverError`: a 5xx (503 when absent) with a `{"message"}` body.
 * - `latency`: the answer comes this much later; an aborted request stops waiting at once.
 * - `disconnect`: the connection drops with no answer (in process, `fetch` rejects with a
 *   `TypeError`; on a port, the socket is destroyed, or on Deno the body is cut). With
 *   `afterProcessing`, the request takes effect first, as when an answer is lost on its way.
 * - `malformedBody`: the request takes effect, and its answer keeps its status but has
 *   `body` (half of the real body when absent, which is not JSON) instead.
 *
 * @since 0.1.0
 */
export type Fault =
  | { readonly kind: "rateLimit"; readonly retryAfter?: number | string | undefined }
  | { readonly kind: "serverError"; readonly status?: number | undefined }
  | { readonly kind: "latency"; readonly delay: Duration.DurationInput }
  | { readonly kind: "disconnect"; readonly afterProcessing?: boolean | undefined }
  | { readonly kind: "malformedBody"; readonly body?: string | undefined }

/**
 * A fault and where it applies: to one operation, or to every request; for
 * the next `times` matching requests (1 when absent; `Infinity` for all).
 * Latencies add up with any other fault; of the other faults, the first
 * injected applies.
 *
 * @since 0.1.0
 */
export interface FaultRule {
  /** What goes wrong. */
  readonly fault: Fault
  /** The operation it applies to; every request when absent. */
  readonly operation?: OperationName | undefined
  /** How many matching requests it applies to. */
  readonly times?: number | undefined
}

/**
 * A request as the simulator received it, with `Authorization` and
 * `X-API-Key` replaced by `<redacted>`.
 *
 * @since 0.1.0
 */
export interface LoggedRequest {
  /** The HTTP method. */
  readonly method: string
  /** The path as it arrived, percent-encoding kept. */
  readonly path: string
  /** The query string, with its `?`, or `""`. */
  readonly query: string
  /** The operation the request called, if it matched one. */
  readonly operation: OperationName | undefined
  /** The headers, lower-case names; credentials redacted. */
  readonly headers: Readonly<Record<string, string>>
  /** The body as text (`""` for none). */
  readonly body: string
  /** The status answered, once answered. */
  readonly status: number | undefined
  /** Whether it was answered, dropped by a fault, aborted by the client, or is still in flight. */
  readonly outcome: "answered" | "dropped" | "aborted" | "pending"
}

/**
 * A pricing period of an account, as `associatePricePlan` answers it.
 *
 * @since 0.1.0
 */
export interface PricingSchedule {
  /** Name of the price plan. */
  readonly pricePlanName: string
  /** The account's own rates for the period, or `null`. */
  readonly override: RateCard | null
  /** When the period starts, ISO 8601. */
  readonly startDate: string
  /** When the period ends, ISO 8601; `9999-01-01T00:00:00Z` for no end. */
  readonly endDate: string
}

/**
 * The simulator served on a port of 127.0.0.1. Close it with `close()` or
 * `await using`.
 *
 * @since 0.1.0
 */
export interface LoopbackServer extends AsyncDisposable {
  /** The base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  /** The port. */
  readonly port: number
  /** Stops serving. */
  readonly close: () => Promise<void>
}

/**
 * A running simulator: its handler, its transports, and the controls a
 * test uses (seeding, faults, the request log, the state).
 *
 * @since 0.1.0
 */
export interface TogaiSimulator {
  /** The full-rights token. */
  readonly token: string
  /** Answers one request: the web-standard handler both transports serve. */
  readonly handle: (request: Request) => Promise<Response>
  /** A `fetch` that calls the handler in process, with no socket. */
  readonly fetch: typeof globalThis.fetch
  /** Serves the handler on 127.0.0.1 (`port` 0, the default, picks a free one). */
  readonly listen: (options?: { readonly port?: number | undefined }) => Promise<LoopbackServer>
  /** Declares a fault for the next matching requests. */
  readonly injectFault: (rule: FaultRule) => void
  /** Forgets every fault not yet served. */
  readonly clearFaults: () => void
  /** Every request received so far, oldest first. */
  readonly requests: () => ReadonlyArray<LoggedRequest>
  /** Empties the request log. */
  readonly clearRequests: () => void
  /** Adds a customer (and its accounts). */
  readonly addCustomer: (customer: CustomerSeed) => void
  /** Makes a price plan known. */
  readonly addPricePlan: (plan: string | PricePlanSeed) => void
  /** Every event ingested so far, in time order, as `getSingleEvent` answers each (wire form). */
  readonly events: () => ReadonlyArray<Schemas.EventWithStatusAndEventPipelineInfoEncoded>
  /** The units an account's events metered on a usage meter, within a window. */
  readonly usage: (accountId: string, usageMeterName: string, window?: TimeWindow) => number
  /** What an account's events earn (on one usage meter, or all), within a window, as REVENUE metrics count it. */
  readonly revenue: (accountId: string, usageMeterName?: string, window?: TimeWindow) => number
  /** A customer's accounts, as `getAccount` would answer them. */
  readonly accounts: (customerId: string) => ReadonlyArray<Account>
  /** One account, or `undefined`. */
  readonly account: (customerId: string, accountId: string) => Account | undefined
  /** An account's pricing schedules, oldest first. */
  readonly pricingSchedules: (customerId: string, accountId: string) => ReadonlyArray<PricingSchedule>
}

/**
 * The token a simulator accepts when its options name none.
 *
 * @since 0.1.0
 */
export const defaultToken: string = "togai-simulator-token"

/**
 * The base URL the in-process layer points the client at; nothing is ever
 * resolved or sent there.
 *
 * @since 0.1.0
 */
export const baseUrl: string = "http://togai.simulator"

const activeFault = (fault: Fault): ActiveFault => {
  switch (fault.kind) {
    case "rateLimit":
      return { kind: "rateLimit", retryAfter: String(fault.retryAfter ?? 1) }
    case "serverError":
      return { kind: "serverError", status: fault.status ?? 503 }
    case "latency":
      return { kind: "latency", millis: Duration.toMillis(Duration.decode(fault.delay)) }
    case "disconnect":
      return { kind: "disconnect", afterProcessing: fault.afterProcessing ?? false }
    case "malformedBody":
      return { kind: "malformedBody", body: fault.body }
  }
}

const isoDateTime = (millis: number): string => new Date(millis).toISOString().replace(".000Z", "Z")

/**
 * Starts a simulator. Throws if a seed breaks Togai's contract (a bug in
 * the test's setup, not something the simulator answers).
 *
 * @example
 * ```ts
 * import { Simulator } from "@effect-togai/client/testing"
 *
 * const simulator = Simulator.make({
 *   customers: [{ id: "customer-1", accounts: [{ id: "ACC1", name: "Primary" }] }],
 *   pricePlans: ["Rides - Pro plan"],
 * })
 * simulator.injectFault({ operation: "getAccount", fault: { kind: "rateLimit", retryAfter: 2 }, times: 2 })
 * const response = await simulator.fetch(`${Simulator.baseUrl}/customers/customer-1/accounts/ACC1`, {
 *   headers: { authorization: `Bearer ${simulator.token}` },
 * })
 * // response.status === 429
 * ```
 *
 * @since 0.1.0
 */
export const make = (options: Options = {}): TogaiSimulator => {
  const now = options.now
  const state = new State(now === undefined ? () => Date.now() : () => now().getTime())
  const addPricePlan = (plan: string | PricePlanSeed) =>
    typeof plan === "string" ? state.addPricePlan(plan) : state.addPricePlan(plan.name, plan)
  for (const plan of options.pricePlans ?? []) addPricePlan(plan)
  for (const customer of options.customers ?? []) state.addCustomer(customer)
  const token = options.token ?? defaultToken
  const context: HandlerContext = {
    state,
    credentials: { token, limitedTokens: options.limitedTokens ?? [] },
    faults: [],
    quota: options.quota === undefined ? undefined : {
      ingest: options.quota.ingest ?? togaiQuota.ingest,
      other: options.quota.other ?? togaiQuota.other,
      // Quotas count requests in real time, whatever the simulator's business clock (`now`) says.
      now: () => Date.now(),
      buckets: new Map(),
    },
    log: [],
  }
  const handle = makeHandler(context)

  const fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> =>
    new Promise((resolve, reject) => {
      const request = new Request(input, init)
      const signal = request.signal
      if (signal.aborted) return reject(signal.reason)
      const onAbort = () => reject(signal.reason)
      signal.addEventListener("abort", onAbort, { once: true })
      handle(request).then(
        (response) => {
          signal.removeEventListener("abort", onAbort)
          // A dropped connection fails as a real network error does.
          if (isDropped(response)) reject(dropError())
          else resolve(response)
        },
        (cause) => {
          signal.removeEventListener("abort", onAbort)
          reject(cause)
        },
      )
    })

  return {
    token,
    handle,
    fetch,
    listen: async (listenOptions = {}) => {
      // Loaded only here, so the in-process path never touches Deno.* or node:.
      const loopback = await import("./internal/loopback.ts")
      return loopback.listen(handle, listenOptions.port ?? 0)
    },
    injectFault: (rule) => {
      context.faults.push({ operation: rule.operation, fault: activeFault(rule.fault), remaining: rule.times ?? 1 })
    },
    clearFaults: () => {
      context.faults.length = 0
    },
    requests: () => [...context.log],
    clearRequests: () => {
      context.log.length = 0
    },
    addCustomer: (customer) => state.addCustomer(customer),
    addPricePlan,
    events: () => state.eventsOf(),
    usage: (accountId, usageMeterName, window = {}) =>
      state.usageOf(accountId, usageMeterName, { from: window.from?.getTime(), until: window.until?.getTime() }),
    revenue: (accountId, usageMeterName, window = {}) =>
      state.revenueOf(accountId, usageMeterName, { from: window.from?.getTime(), until: window.until?.getTime() }),
    accounts: (customerId) => state.accountsOf(customerId),
    account: (customerId, accountId) => state.findAccount(customerId, accountId),
    pricingSchedules: (customerId, accountId) =>
      state.schedulesOf(customerId, accountId).map((schedule) => ({
        pricePlanName: schedule.pricePlanName,
        override: schedule.override,
        startDate: isoDateTime(schedule.start),
        endDate: isoDateTime(schedule.end),
      })),
  }
}

const SimulatorBase: Context.TagClass<Simulator, "@effect-togai/client/testing/Simulator", TogaiSimulator> = Context
  .Tag("@effect-togai/client/testing/Simulator")<Simulator, TogaiSimulator>()

/**
 * The running simulator as a service, to reach its faults, log and state
 * from inside an Effect.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Simulator } from "@effect-togai/client/testing"
 *
 * const rateLimitNextGet = Effect.gen(function* () {
 *   const simulator = yield* Simulator.Simulator
 *   simulator.injectFault({ operation: "getAccount", fault: { kind: "rateLimit" } })
 * })
 * ```
 *
 * @since 0.1.0
 */
export class Simulator extends SimulatorBase {}

/**
 * What {@link layer} provides: the simulator itself and everything an
 * operation needs.
 *
 * @since 0.1.0
 */
export type Services = Simulator | Auth.Auth | TogaiConfig.TogaiConfig | HttpClient.HttpClient

/**
 * Everything an operation needs, over an existing simulator, in process: its
 * token (`Auth`), an `HttpClient` whose `fetch` calls the simulator's handler,
 * and `TogaiConfig` pointed at {@link baseUrl}. `settings` changes the
 * client settings (timeout, retries).
 *
 * @since 0.1.0
 */
export const layerFrom = (
  simulator: TogaiSimulator,
  settings: TogaiConfig.SettingsInput = {},
): Layer.Layer<Services> =>
  Layer.mergeAll(
    Layer.succeed(Simulator, simulator),
    Auth.bearer(simulator.token),
    TogaiConfig.layer({ baseUrl, ...settings }),
    Layer.provideMerge(FetchHttpClient.layer, Layer.succeed(FetchHttpClient.Fetch, simulator.fetch)),
  )

/**
 * What {@link layer} takes: the simulator's options, and optionally client
 * settings.
 *
 * @since 0.1.0
 */
export interface LayerOptions extends Options {
  /** Client settings (timeout, retries); the base URL is the simulator's unless set here. */
  readonly settings?: TogaiConfig.SettingsInput | undefined
}

/**
 * A fresh simulator, and everything an operation needs to call it in
 * process: a test provides this one layer and runs offline.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts } from "@effect-togai/client"
 * import { Simulator } from "@effect-togai/client/testing"
 *
 * const created = Accounts.createAccount("customer-1", { id: "ACC1", name: "Primary" }).pipe(
 *   Effect.provide(Simulator.layer({ customers: [{ id: "customer-1" }] })),
 * )
 * ```
 *
 * @since 0.1.0
 */
export const layer = (options: LayerOptions = {}): Layer.Layer<Services> =>
  Layer.unwrapEffect(Effect.sync(() => layerFrom(make(options), options.settings)))

/**
 * Declares a fault on the simulator in context.
 *
 * @since 0.1.0
 */
export const injectFault = (rule: FaultRule): Effect.Effect<void, never, Simulator> =>
  Effect.map(Simulator, (simulator) => simulator.injectFault(rule))

/**
 * The requests the simulator in context has received, oldest first.
 *
 * @since 0.1.0
 */
export const requests: Effect.Effect<ReadonlyArray<LoggedRequest>, never, Simulator> = Effect.map(
  Simulator,
  (simulator) => simulator.requests(),
)
