/**
 * Togai's PricePlans group: the five price plan operations, and a `Stream`
 * over every price plan.
 *
 * A price plan says what usage costs: its pricing cycle (when a billing
 * period starts) and its rate card (per usage meter, the rate of each
 * slab). A plan is created as a draft, activated, and then associated with
 * accounts (`Accounts.associatePricePlan`). Every operation returns an
 * `Effect` that needs an `HttpClient` and `Auth` (provide both at once with
 * `Togai.layer`) and fails with a tagged error of `TogaiError`
 * (`PricePlansError`): `Effect.catchTag` recovers from exactly the ones a
 * caller understands.
 *
 * @example
 * ```ts
 * import * as DateTime from "effect/DateTime"
 * import * as Effect from "effect/Effect"
 * import { Accounts, PricePlans, Togai } from "@effect-togai/client"
 *
 * const program = Effect.gen(function* () {
 *   const plan = yield* PricePlans.createPricePlan({
 *     name: "Rides - Pro plan",
 *     pricingCycle: {
 *       interval: "MONTHLY",
 *       startType: "STATIC",
 *       startOffset: { dayOffset: "1", monthOffset: "NIL" },
 *       gracePeriod: 3,
 *     },
 *     rateCard: {
 *       type: "USAGE",
 *       usageConfig: {
 *         Distance: {
 *           name: "Distance",
 *           rateStrategy: "PER_UNIT",
 *           slabStrategy: "TIER",
 *           slabs: [{ rate: 0.5, startAfter: 0, order: 1 }, { rate: 0.3, startAfter: 1000, order: 2 }],
 *         },
 *       },
 *     },
 *   })
 *   yield* PricePlans.activatePricePlan(plan.name)
 *   return yield* Accounts.associatePricePlan("CUST00001", "ACC00001", {
 *     pricePlanName: plan.name,
 *     effectiveFrom: DateTime.unsafeMake("2024-07-01"),
 *   })
 * })
 *
 * Effect.runPromise(program.pipe(Effect.provide(Togai.layer({ token: "..." }))))
 * ```
 *
 * @module
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import type { Auth } from "./Auth.ts"
import * as endpoints from "./internal/endpoints.ts"
import { execute } from "./internal/executor.ts"
import { paginate } from "./internal/paginate.ts"
import type {
  CreatePricePlanRequest,
  GetPricePlansOptions,
  PricePlan,
  PricePlanListData,
  PricePlanPaginatedResponse,
  UpdatePricePlanRequest,
} from "./Schemas/PricePlans.ts"
import type { OperationError, PaginationError } from "./TogaiError.ts"

/**
 * What a PricePlans operation can fail with: the statuses its contract
 * documents (400, 401, 403, 404, 429), and what any call can.
 *
 * @since 0.2.0
 * @category errors
 */
export type PricePlansError = OperationError<400 | 401 | 403 | 404 | 429>

/**
 * Gets one page of price plans (`GET /price_plans`). Pass the page's
 * `nextToken` back to get the next one, or use {@link stream} to read them
 * all.
 *
 * @example
 * ```ts
 * import { PricePlans } from "@effect-togai/client"
 *
 * const firstPage = PricePlans.getPricePlans({ pageSize: 20 })
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const getPricePlans = (
  options: GetPricePlansOptions = {},
): Effect.Effect<PricePlanPaginatedResponse, PricePlansError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.getPricePlans, { query: options })

/**
 * Every price plan, page after page. A page is fetched only when the
 * consumer pulls past the previous one, so `Stream.take(n)` fetches only the
 * pages it needs. The stream ends on the last page (no or empty
 * `nextToken`) and fails with `PaginationError` if the server hands out a
 * token twice or too many empty pages in a row, rather than looping forever.
 *
 * @example
 * ```ts
 * import * as Stream from "effect/Stream"
 * import { PricePlans } from "@effect-togai/client"
 *
 * const plansMeteringDistance = PricePlans.stream({ pageSize: 50 }).pipe(
 *   Stream.filter((plan) => plan.status === "ACTIVE" && plan.usageMeters.includes("Distance")),
 *   Stream.map((plan) => plan.name),
 *   Stream.runCollect,
 * )
 * ```
 *
 * @since 0.2.0
 * @category streams
 */
export const stream = (
  options: Omit<GetPricePlansOptions, "nextToken"> = {},
): Stream.Stream<PricePlanListData, PricePlansError | PaginationError, HttpClient.HttpClient | Auth> =>
  paginate(endpoints.getPricePlans, { query: options })

/**
 * Creates a price plan (`POST /price_plans`), as a draft. Togai's contract
 * answers this create with 200, not 201.
 *
 * @example
 * ```ts
 * import { PricePlans } from "@effect-togai/client"
 *
 * const created = PricePlans.createPricePlan({
 *   name: "Rides - Pro plan",
 *   pricingCycle: {
 *     interval: "QUARTERLY",
 *     startType: "STATIC",
 *     startOffset: { dayOffset: "15", monthOffset: "FIRST" },
 *     gracePeriod: 3,
 *   },
 *   rateCard: {
 *     type: "USAGE",
 *     usageConfig: {
 *       Rides: {
 *         name: "Rides",
 *         rateStrategy: "PER_UNIT",
 *         slabStrategy: "TIER",
 *         slabs: [{ rate: 100, startAfter: 0, order: 1 }, { rate: 40, startAfter: 10, order: 2 }],
 *       },
 *     },
 *   },
 * })
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const createPricePlan = (
  body: CreatePricePlanRequest,
): Effect.Effect<PricePlan, PricePlansError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.createPricePlan, { body })

/**
 * Gets one price plan, with its pricing schedule (`GET
 * /price_plans/{price_plan_name}`).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { PricePlans } from "@effect-togai/client"
 *
 * const planOrNull = PricePlans.getPricePlan("Rides - Pro plan").pipe(
 *   Effect.catchTag("NotFound", () => Effect.succeed(null)),
 * )
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const getPricePlan = (
  pricePlanName: string,
): Effect.Effect<PricePlan, PricePlansError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.getPricePlan, { path: { price_plan_name: pricePlanName } })

/**
 * Updates a price plan's description, pricing cycle or rate card (`PATCH
 * /price_plans/{price_plan_name}`); the fields left out keep their value.
 *
 * @example
 * ```ts
 * import { PricePlans } from "@effect-togai/client"
 *
 * const updated = PricePlans.updatePricePlan("Rides - Pro plan", {
 *   description: "Pro riders, billed on the 5th",
 *   pricingCycle: {
 *     interval: "MONTHLY",
 *     startType: "STATIC",
 *     startOffset: { dayOffset: "5", monthOffset: "NIL" },
 *     gracePeriod: 3,
 *   },
 * })
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const updatePricePlan = (
  pricePlanName: string,
  body: UpdatePricePlanRequest,
): Effect.Effect<PricePlan, PricePlansError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.updatePricePlan, { path: { price_plan_name: pricePlanName }, body })

/**
 * Activates a price plan (`POST /price_plans/{price_plan_name}/activate`),
 * so that it can be associated with accounts.
 *
 * @example
 * ```ts
 * import { PricePlans } from "@effect-togai/client"
 *
 * const active = PricePlans.activatePricePlan("Rides - Pro plan")
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const activatePricePlan = (
  pricePlanName: string,
): Effect.Effect<PricePlan, PricePlansError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.activatePricePlan, { path: { price_plan_name: pricePlanName } })
