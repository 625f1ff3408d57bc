/**
 * Price plans and their rate cards over time: the five price plan
 * operations.
 *
 * @internal
 * @module
 */
import * as Either from "effect/Either"
import { body, optional, struct, text } from "./checks.ts"
import { paginated, readPage } from "./paging.ts"
import { defaultPricingCycle, metersOf, nextCycleStart, PricingCycle, RateCard } from "./pricing.ts"
import type { State } from "./state.ts"
import { type Answer, answer, byKey, error, isoDateTime, openEnd, type OperationInput, startOfDay } from "./wire.ts"

/** One rate card of a plan, from `start` (inclusive) to `end` (exclusive). */
export interface RatePeriod {
  readonly ratePayload: RateCard
  readonly start: number
  readonly end: number
}

export interface StoredPricePlan {
  readonly name: string
  description: string | undefined
  status: "DRAFT" | "ACTIVE" | "ARCHIVED"
  pricingCycle: PricingCycle
  /** The plan's rate cards over time, oldest first, back to back; the last is open-ended. */
  pricingSchedule: Array<RatePeriod>
  /** A UUID, as events' pipeline info reports the plan. */
  readonly id: string
  readonly createdAt: number
  updatedAt: number
}

const defaultPageSize = 10

const CreatePricePlanRequest = struct({
  name: text({ min: 1, max: 50 }),
  description: optional(text({ max: 255 })),
  pricingCycle: PricingCycle,
  rateCard: RateCard,
})
const UpdatePricePlanRequest = struct({
  description: optional(text({ max: 255 })),
  pricingCycle: optional(PricingCycle),
  rateCard: optional(RateCard),
})

/** The rate card in effect at `millis`: the period holding it, or the first for a time before the plan. */
export const rateCardAt = (plan: StoredPricePlan, millis: number): RateCard =>
  (plan.pricingSchedule.find((period) => period.start <= millis && millis < period.end) ?? plan.pricingSchedule[0])
    .ratePayload

/** The rate card the plan has now (the last, which may start with the next cycle). */
const currentRateCard = (plan: StoredPricePlan): RateCard =>
  plan.pricingSchedule[plan.pricingSchedule.length - 1].ratePayload

export const pricePlanJson = (plan: StoredPricePlan) => ({
  name: plan.name,
  ...(plan.description === undefined ? {} : { description: plan.description }),
  status: plan.status,
  pricingCycle: plan.pricingCycle,
  pricingSchedule: plan.pricingSchedule.map((period) => ({
    ratePayload: period.ratePayload,
    startDate: isoDateTime(period.start),
    endDate: isoDateTime(period.end),
  })),
})

const pricePlanListJson = (plan: StoredPricePlan) => ({
  name: plan.name,
  ...(plan.description === undefined ? {} : { description: plan.description }),
  status: plan.status,
  pricingCycle: plan.pricingCycle,
  usageMeters: metersOf(currentRateCard(plan)),
  pricingType: currentRateCard(plan).type,
  createdAt: isoDateTime(plan.createdAt),
  updatedAt: isoDateTime(plan.updatedAt),
})

/** A deterministic UUID (version 4 layout) for the n-th plan, so that tests can expect it. */
const planId = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`

/** Stores a new plan, its one rate card from the day it is created. */
export const addPricePlan = (
  state: State,
  plan: {
    readonly name: string
    readonly description?: string | undefined
    readonly pricingCycle: PricingCycle
    readonly rateCard: RateCard
    readonly status: "DRAFT" | "ACTIVE"
  },
): StoredPricePlan => {
  const now = state.now()
  const stored: StoredPricePlan = {
    name: plan.name,
    description: plan.description,
    status: plan.status,
    pricingCycle: plan.pricingCycle,
    pricingSchedule: [{ ratePayload: plan.rateCard, start: startOfDay(now), end: openEnd }],
    id: planId(state.pricePlans.size + 1),
    createdAt: now,
    updatedAt: now,
  }
  state.pricePlans.set(stored.name, stored)
  return stored
}

/** A price plan to seed: ACTIVE, with what is given, monthly from the 1st and an empty usage rate card otherwise. */
export interface PricePlanSeed {
  readonly description?: string | undefined
  readonly pricingCycle?: PricingCycle | undefined
  readonly rateCard?: RateCard | undefined
}

/**
 * Seeds an ACTIVE price plan, checked as `createPricePlan` checks a
 * request; the problem, if the seed breaks the contract.
 */
export const seedPricePlan = (state: State, name: string, seed: PricePlanSeed): string | undefined => {
  const checked = CreatePricePlanRequest({
    name,
    ...(seed.description === undefined ? {} : { description: seed.description }),
    pricingCycle: seed.pricingCycle ?? defaultPricingCycle,
    rateCard: seed.rateCard ?? { type: "USAGE", usageConfig: {} },
  }, "")
  if (Either.isLeft(checked)) return `the seed price plan ${name} is invalid: ${checked.left.join("; ")}`
  addPricePlan(state, { ...checked.right, status: "ACTIVE" })
  return undefined
}

const findPlan = (state: State, planName: string): Either.Either<StoredPricePlan, Answer> => {
  const plan = state.pricePlans.get(planName)
  return plan === undefined ? Either.left(error(404, `Price plan ${planName} not found`)) : Either.right(plan)
}

export const getPricePlans = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.map(readPage(input.query, { defaultPageSize }), (request) => {
    const sorted = [...state.pricePlans.values()].sort((a, b) => byKey(a.name, b.name))
    return answer(200, paginated(sorted, (plan) => plan.name, request, pricePlanListJson))
  }))

export const createPricePlan = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const request = yield* body(CreatePricePlanRequest, input.body)
    if (state.pricePlans.has(request.name)) {
      return yield* Either.left(error(400, `name: a price plan named ${request.name} already exists`))
    }
    // The spec answers a created price plan with 200, not 201.
    return answer(200, pricePlanJson(addPricePlan(state, { ...request, status: "DRAFT" })))
  }))

export const getPricePlan = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.map(findPlan(state, input.params.price_plan_name), (plan) => answer(200, pricePlanJson(plan))))

export const updatePricePlan = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const plan = yield* findPlan(state, input.params.price_plan_name)
    const request = yield* body(UpdatePricePlanRequest, input.body)
    if (plan.status !== "DRAFT" && request.pricingCycle !== undefined) {
      return yield* Either.left(
        error(
          400,
          `pricingCycle: price plan ${plan.name} is ${plan.status}; its pricing cycle can change only while DRAFT`,
        ),
      )
    }
    const now = state.now()
    if (request.description !== undefined) plan.description = request.description
    if (request.pricingCycle !== undefined) plan.pricingCycle = request.pricingCycle
    if (request.rateCard !== undefined) {
      if (plan.status === "DRAFT") {
        plan.pricingSchedule = plan.pricingSchedule.map((period) => ({
          ...period,
          ratePayload: request.rateCard ?? period.ratePayload,
        }))
      } else {
        // A live plan's new rates start with its next pricing cycle, so that no cycle is priced with two rate cards.
        const from = nextCycleStart(plan.pricingCycle, now)
        const kept = plan.pricingSchedule.filter((period) => period.start < from)
          .map((period) => (period.end > from ? { ...period, end: from } : period))
        plan.pricingSchedule = [...kept, { ratePayload: request.rateCard, start: from, end: openEnd }]
      }
    }
    plan.updatedAt = now
    return answer(200, pricePlanJson(plan))
  }))

export const activatePricePlan = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.map(findPlan(state, input.params.price_plan_name), (plan) => {
    if (plan.status === "DRAFT") {
      plan.status = "ACTIVE"
      plan.updatedAt = state.now()
    }
    return answer(200, pricePlanJson(plan))
  }))
