/**
 * What metered usage earns: the billing period an event falls in (its
 * account's pricing schedule, cut to the plan's pricing cycle) and the
 * revenue each event adds to its period.
 *
 * Revenue is worked out when asked, from the schedules and plans as they
 * are then: events in time order (ingestion order between equal times),
 * each meter's units added to the usage of the period so far, and the
 * event earns what that adds to the rate card's charge for the period. So
 * tiers apply to a period's cumulative usage, and the revenue of a period
 * is the rate card's charge for its whole usage, whatever the order events
 * arrived in.
 *
 * @internal
 * @module
 */
import type { StoredAccount } from "./customers.ts"
import type { StoredEvent } from "./events.ts"
import { rateCardAt, type StoredPricePlan } from "./pricePlans.ts"
import { charge, cycleAt, metersOf, type RateCard } from "./pricing.ts"
import type { State } from "./state.ts"

/** The span of one pricing cycle of one plan of one account, and the rate card that prices it. */
export interface BillingPeriod {
  readonly plan: StoredPricePlan
  readonly rateCard: RateCard
  readonly start: number
  readonly end: number
}

/** The billing period of `account` that `millis` falls in; `undefined` when no price plan is associated then. */
export const billingPeriodAt = (state: State, account: StoredAccount, millis: number): BillingPeriod | undefined => {
  const schedule = account.schedules.find((entry) => entry.start <= millis && millis < entry.end)
  const plan = schedule === undefined ? undefined : state.pricePlans.get(schedule.pricePlanName)
  if (schedule === undefined || plan === undefined) return undefined
  const cycle = cycleAt(plan.pricingCycle, millis)
  return {
    plan,
    // An account's override replaces the plan's rate card for its schedule, whole.
    rateCard: schedule.override ?? rateCardAt(plan, millis),
    start: Math.max(cycle.start, schedule.start),
    end: Math.min(cycle.end, schedule.end),
  }
}

/** What one event's units of one usage meter earn. */
export interface Revenue {
  readonly event: StoredEvent
  readonly meter: string
  readonly amount: number
}

/** The revenue of every metered event, for each usage meter its rate card prices. */
export const revenues = (state: State): ReadonlyArray<Revenue> => {
  const ordered = [...state.events.values()]
    .filter((event) => event.units.size > 0)
    .sort((a, b) => a.timestamp - b.timestamp || a.sequence - b.sequence)
  const usage = new Map<string, Map<string, number>>()
  const found: Array<Revenue> = []
  for (const event of ordered) {
    const account = state.customers.get(event.customerId)?.accounts.get(event.accountId)
    const period = account === undefined ? undefined : billingPeriodAt(state, account, event.timestamp)
    if (period === undefined) continue
    const key = JSON.stringify([event.accountId, period.plan.name, period.start, period.end])
    const totals = usage.get(key) ?? new Map<string, number>()
    usage.set(key, totals)
    const priced = new Set(metersOf(period.rateCard))
    for (const [meter, units] of [...event.units].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const before = charge(period.rateCard, totals)
      totals.set(meter, (totals.get(meter) ?? 0) + units)
      if (priced.has(meter)) found.push({ event, meter, amount: charge(period.rateCard, totals) - before })
    }
  }
  return found
}
