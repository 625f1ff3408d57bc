/**
 * Rate cards and pricing cycles: their checks, the billing period an
 * instant falls in, and what a rate card charges for a period's usage.
 *
 * - A usage rate card prices each usage meter named in `usageConfig` by its
 *   slabs, taken in `order`: slab i covers the usage above its `startAfter`
 *   up to the next slab's `startAfter` (a usage exactly at a boundary is in
 *   the lower slab). `PER_UNIT` charges `rate` for every unit in the slab;
 *   `FLAT` charges `rate` once, as soon as the usage is above the slab's
 *   `startAfter`.
 * - A bundle rate card charges, once, the `rate` of every bundle entered: a
 *   bundle is entered as soon as the usage of any of its meters is above
 *   that meter's `startAfter`.
 * - A pricing cycle starts every 1, 3, 6 or 12 months (MONTHLY, QUARTERLY,
 *   HALF_YEARLY, ANNUALLY; the intervals start in January), in the month
 *   `monthOffset` of the interval (`FIRST` = 1, `LAST` = the interval's
 *   last; ignored for MONTHLY, where `NIL` is accepted), on day `dayOffset`
 *   (`LAST` = the month's last day; a day the month lacks is its last), at
 *   midnight UTC.
 *
 * @internal
 * @module
 */
import * as Either from "effect/Either"
import {
  array,
  type Check,
  integer,
  literal,
  number,
  optional,
  type Read,
  record,
  refine,
  string,
  struct,
  text,
} from "./checks.ts"

const slab = struct({
  rate: number,
  startAfter: number,
  order: integer({ min: 1, max: 10 }),
})

/** Orders are distinct, and `startAfter` rises with `order`. */
const slabsInOrder = (
  slabs: ReadonlyArray<{ readonly order: number; readonly startAfter: number }>,
  path: string,
): string | undefined => {
  const sorted = [...slabs].sort((a, b) => a.order - b.order)
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].order === sorted[i - 1].order) return `${path}: order ${sorted[i].order} is given twice`
    if (sorted[i].startAfter <= sorted[i - 1].startAfter) {
      return `${path}: startAfter must rise with order (order ${sorted[i].order} starts after ${
        sorted[i].startAfter
      }, order ${sorted[i - 1].order} after ${sorted[i - 1].startAfter})`
    }
  }
  return undefined
}

const usageValue = struct({
  name: string,
  rateStrategy: literal("FLAT", "PER_UNIT"),
  slabStrategy: literal("TIER"),
  slabs: refine(array(slab, { min: 1, max: 10 }), slabsInOrder),
})

const bundle = struct({
  name: text({ min: 3, max: 50 }),
  rate: number,
  order: integer({ min: 1, max: 10 }),
  usageMeters: record(struct({ startAfter: number })),
})

const bundleConfig = struct({
  rateStrategy: literal("FLAT"),
  slabStrategy: literal("TIER"),
  bundles: refine(array(bundle, { min: 1, max: 10 }), (bundles, path) => {
    const orders = new Set(bundles.map((entry) => entry.order))
    return orders.size === bundles.length ? undefined : `${path}: two bundles have the same order`
  }),
})

/** The spec's `RateCard`: a `USAGE` card carries `usageConfig`, a `BUNDLE` card `bundleConfig`. */
export const RateCard = refine(
  struct({
    type: literal("USAGE", "BUNDLE"),
    usageConfig: optional(record(usageValue)),
    bundleConfig: optional(bundleConfig),
  }),
  (card, path) => {
    const where = (field: string) => (path === "" ? field : `${path}.${field}`)
    if (card.type === "USAGE" && card.usageConfig === undefined) {
      return `${where("usageConfig")}: is missing (type USAGE)`
    }
    if (card.type === "USAGE" && card.bundleConfig !== undefined) {
      return `${where("bundleConfig")}: only with type BUNDLE`
    }
    if (card.type === "BUNDLE" && card.bundleConfig === undefined) {
      return `${where("bundleConfig")}: is missing (type BUNDLE)`
    }
    if (card.type === "BUNDLE" && card.usageConfig !== undefined) return `${where("usageConfig")}: only with type USAGE`
    return undefined
  },
)

/** A rate card as the simulator keeps it (and answers it). */
export type RateCard = Read<typeof RateCard>

const intervalMonths = { MONTHLY: 1, QUARTERLY: 3, HALF_YEARLY: 6, ANNUALLY: 12 } as const

const dayOffset: Check<string> = (input, path) =>
  typeof input === "string" &&
    (input === "LAST" || (/^\d{1,2}$/.test(input) && Number(input) >= 1 && Number(input) <= 31))
    ? Either.right(input)
    : Either.left([`${path}: expected "1" to "31" or "LAST", got ${JSON.stringify(input)}`])

/** The spec's `PricingCycle`, with `monthOffset` within the interval. */
export const PricingCycle = refine(
  struct({
    interval: literal("MONTHLY", "QUARTERLY", "HALF_YEARLY", "ANNUALLY"),
    startType: literal("STATIC"),
    startOffset: struct({ dayOffset, monthOffset: string }),
    gracePeriod: integer({ min: 0 }),
  }),
  (cycle, path) => {
    const months = intervalMonths[cycle.interval]
    return monthOffsetOf(cycle.startOffset.monthOffset, months) === undefined
      ? `${path === "" ? "" : `${path}.`}startOffset.monthOffset: expected ${
        months === 1 ? '"NIL", ' : ""
      }"FIRST", "LAST" or "1" to "${months}" for ${cycle.interval}, got ${
        JSON.stringify(cycle.startOffset.monthOffset)
      }`
      : undefined
  },
)

/** A pricing cycle as the simulator keeps it. */
export type PricingCycle = Read<typeof PricingCycle>

/** The 0-based month of the interval a cycle starts in, or `undefined` for an offset the interval cannot have. */
const monthOffsetOf = (offset: string, months: number): number | undefined => {
  if (offset === "FIRST" || (offset === "NIL" && months === 1)) return 0
  if (offset === "LAST") return months - 1
  if (!/^\d{1,2}$/.test(offset)) return undefined
  const month = Number(offset)
  return month >= 1 && month <= months ? month - 1 : undefined
}

/** The pricing cycle a seeded price plan has: monthly, from the 1st. */
export const defaultPricingCycle: PricingCycle = {
  interval: "MONTHLY",
  startType: "STATIC",
  startOffset: { dayOffset: "1", monthOffset: "NIL" },
  gracePeriod: 0,
}

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month + 1, 0)).getUTCDate()

/** When the cycle of the interval that starts in month `index` (months since year 0, January) starts. */
const cycleStartOf = (cycle: PricingCycle, index: number): number => {
  const months = intervalMonths[cycle.interval]
  const monthIndex = index + (monthOffsetOf(cycle.startOffset.monthOffset, months) ?? 0)
  const year = Math.floor(monthIndex / 12)
  const month = monthIndex - year * 12
  const last = daysIn(year, month)
  const day = cycle.startOffset.dayOffset === "LAST" ? last : Math.min(Number(cycle.startOffset.dayOffset), last)
  return Date.UTC(year, month, day)
}

/** The pricing cycle `[start, end)` that `millis` falls in. */
export const cycleAt = (cycle: PricingCycle, millis: number): { readonly start: number; readonly end: number } => {
  const months = intervalMonths[cycle.interval]
  const date = new Date(millis)
  const monthIndex = date.getUTCFullYear() * 12 + date.getUTCMonth()
  let index = Math.floor(monthIndex / months) * months
  // The cycle of this interval may start later in it (its month and day offset): then the previous one holds it.
  while (cycleStartOf(cycle, index) > millis) index -= months
  while (cycleStartOf(cycle, index + months) <= millis) index += months
  return { start: cycleStartOf(cycle, index), end: cycleStartOf(cycle, index + months) }
}

/** The start of the first cycle after the one `millis` falls in. */
export const nextCycleStart = (cycle: PricingCycle, millis: number): number => cycleAt(cycle, millis).end

/** What the slabs of one meter charge for a usage. */
const slabsCharge = (
  config: { readonly rateStrategy: "FLAT" | "PER_UNIT"; readonly slabs: RateCardSlabs },
  usage: number,
): number => {
  const slabs = [...config.slabs].sort((a, b) => a.order - b.order)
  let charge = 0
  for (let i = 0; i < slabs.length; i++) {
    const from = slabs[i].startAfter
    if (usage <= from) break
    if (config.rateStrategy === "FLAT") charge += slabs[i].rate
    else charge += slabs[i].rate * (Math.min(usage, slabs[i + 1]?.startAfter ?? Infinity) - from)
  }
  return charge
}

type RateCardSlabs = ReadonlyArray<{ readonly rate: number; readonly startAfter: number; readonly order: number }>

/** What a rate card charges for a period's usage, by usage meter name. */
export const charge = (card: RateCard, usage: ReadonlyMap<string, number>): number => {
  if (card.type === "USAGE") {
    let total = 0
    for (const [meter, config] of Object.entries(card.usageConfig ?? {})) {
      total += slabsCharge(config, usage.get(meter) ?? 0)
    }
    return total
  }
  let total = 0
  for (const entry of card.bundleConfig?.bundles ?? []) {
    const entered = Object.entries(entry.usageMeters).some(([meter, threshold]) =>
      (usage.get(meter) ?? 0) > threshold.startAfter
    )
    if (entered) total += entry.rate
  }
  return total
}

/** The usage meters a rate card prices, sorted. */
export const metersOf = (card: RateCard): ReadonlyArray<string> =>
  card.type === "USAGE"
    ? Object.keys(card.usageConfig ?? {}).sort()
    : [...new Set((card.bundleConfig?.bundles ?? []).flatMap((entry) => Object.keys(entry.usageMeters)))].sort()
