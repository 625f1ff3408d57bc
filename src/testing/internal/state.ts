/**
 * The simulator's Togai: customers and their accounts, event schemas,
 * usage meters, price plans, ingested events and what they earn, and the
 * 38 operations of the contract over them, each a method named as the
 * spec's `operationId`, `(input: OperationInput) => Answer`. Request bodies
 * are checked by hand from the spec (`checks.ts`), so the simulator judges
 * what a client sends on its own, and answers what breaks the contract with
 * a 400 whose message names every field that is wrong.
 *
 * Behaviour the contract leaves open, as the simulator decides it:
 *
 * Requests and answers
 * - request objects are closed everywhere (a field the spec does not
 *   declare is a 400 naming it), also where the spec leaves an object open
 *   (`PricingCycle`, `RateCard`, slabs, bundles), as the client sends them;
 * - lengths are counted in characters (code points); ids and names must not
 *   be empty (a path segment cannot be), although the spec has no
 *   `minLength` for them;
 * - an `ErrorResponse` message is cut to the spec's 500 characters, an
 *   ingestion `statusDescription` to its 250;
 * - dates are answered as `YYYY-MM-DD`, date-times as ISO 8601 in UTC
 *   (`2024-03-15T10:20:30Z`, milliseconds only when there are some); a
 *   date-time without an offset is read as UTC.
 *
 * Lists
 * - every list is sorted by its id or name (events: by `eventTimestamp`,
 *   then ingestion order), pages hold 10 items unless `pageSize` says
 *   otherwise (`getEvents`: 50 by default and at most 50, as the spec
 *   says), `sortOrder` reverses where the operation takes it, and
 *   `nextToken` is an opaque base64 cursor that also carries the page size,
 *   the sort order and the filters (`statuses`, `aggregations`, and
 *   `getEvents`' `status`, `account_id`, `start_time`, `end_time`), so a
 *   follow-up with the token alone reads on with them; a parameter sent
 *   with a token wins over the token's; no `nextToken` on the last page;
 * - `statuses` and `aggregations` are comma-separated lists of the spec's
 *   enum values; an unknown value is a 400;
 * - `getEvents` answers `events: []` when nothing matches, though the spec
 *   says `minItems: 1`.
 *
 * Customers and accounts
 * - account ids and active aliases are unique across all customers (events
 *   are ingested by account id or alias alone), and an account id cannot be
 *   another account's alias;
 * - `createCustomer` creates the default account from `account`, or else
 *   one with the customer's id and name; a customer or account that cannot
 *   be created creates nothing. Seeded customers (`addCustomer`) are checked
 *   as `createCustomer` checks a request, get only the accounts their seed
 *   lists, and, when the seed has none, the id as name (`Customer <id>`
 *   for an id under the 3 characters a name needs), `primaryEmail`
 *   `billing@example.com` and a placeholder billing address (the spec
 *   requires one of 50 characters at least);
 * - deleted customers and accounts are gone (404); deleting a customer
 *   deletes its accounts; their events stay recorded;
 * - removed aliases stay on the account as `ARCHIVED` (as the spec's
 *   examples show) and count towards the 10 an account may hold; adding an
 *   archived alias again makes it `ACTIVE`; removing an alias that is not
 *   active is a 400;
 * - `associatePricePlan` needs an existing plan (404 otherwise; create it,
 *   or seed it by name with `pricePlans` / `addPricePlan`) that is ACTIVE
 *   (a DRAFT plan is a 400). Without `effectiveFrom` the association
 *   starts today (UTC) and, as the spec says, `effectiveFrom` is accepted
 *   only once the account has a price plan; without `effectiveUntil` it
 *   ends at `9999-01-01T00:00:00Z`; `effectiveUntil` is exclusive; a new
 *   association cuts the schedules it overlaps, so the previous plan ends
 *   where the new one starts (and resumes after `effectiveUntil`). A
 *   `rateCardOverride` replaces the plan's rate card, whole, for that
 *   schedule; a schedule without one is answered without `override` (the
 *   spec's example writes `null`, which its schema does not allow).
 *
 * Event schemas
 * - names are unique; a new schema is version 1, DRAFT;
 * - `updateEventSchema` changes a DRAFT schema in place; an ACTIVE or
 *   INACTIVE schema gets a new version with the same status, and the
 *   previous version becomes ARCHIVED (readable with `version`). Only the
 *   latest version has a live status, and events are checked against it;
 *   `description` absent from an update is kept;
 * - activating an ACTIVE schema, or deactivating an INACTIVE one, answers
 *   it unchanged (so a retried call is safe); deactivating a DRAFT is a
 *   400;
 * - an ACTIVE schema, or one with usage meters, cannot be deleted (400);
 *   deleting removes every version;
 * - `associatedUsageMeters` lists all the schema's meters, any status.
 *
 * Usage meters
 * - names are unique across all event schemas (`deleteUsageMeter` and rate
 *   cards name a meter alone); a new meter is DRAFT;
 * - only `type` COUNTER is accepted (the spec: GAUGE and TIMER are not
 *   supported at the moment); a SUM meter needs a `computation`;
 * - `filters` and `computation` must be JSON text of a JSON-logic rule (an
 *   object; a filter may be `true`/`false`, a computation a number); a
 *   rule quoted twice is a 400, as is a rule that reads a variable the
 *   event schema does not declare or an operation json-logic-js does not
 *   know. A rule sees an event as `{ attribute: {name: number},
 *   attributes: {…same}, dimension: {name: string}, dimensions: {…same} }`;
 *   the text is answered as sent;
 * - a meter can change only while DRAFT or INACTIVE (an ACTIVE one is a
 *   400); fields absent from an update are kept; its version (reported in
 *   events' pipeline info) is 1, plus one for each change after its first
 *   activation;
 * - activation needs the meter's event schema ACTIVE (400 otherwise);
 *   activating an ACTIVE meter or deactivating an INACTIVE one answers it
 *   unchanged; deactivating a DRAFT is a 400; an ACTIVE meter cannot be
 *   deleted (400).
 *
 * Price plans
 * - names are unique; `createPricePlan` answers 200 (as the spec says) with
 *   a DRAFT plan whose `pricingSchedule` is its rate card from the day it
 *   is created to `9999-01-01T00:00:00Z`; that first rate card also prices
 *   any earlier time (back-dated associations);
 * - a DRAFT plan changes in place; an ACTIVE plan's `description` changes
 *   at once, a new `rateCard` applies from the start of its next pricing
 *   cycle (the schedule gets a new period; a second change before then
 *   replaces it), and its `pricingCycle` cannot change (400);
 * - activating an ACTIVE plan answers it unchanged; plans are never
 *   deleted; seeded plans are ACTIVE, monthly from the 1st, with an empty
 *   usage rate card;
 * - rate cards may name usage meters that do not exist (yet): such a rate
 *   prices nothing; a `USAGE` card needs `usageConfig`, a `BUNDLE` card
 *   `bundleConfig`; slab (and bundle) orders are distinct, and `startAfter`
 *   rises with `order`;
 * - `PricePlanListData.usageMeters` are the meters the current rate card
 *   names; `pricingType` is its `type`; a plan's `id` (in events' pipeline
 *   info) is a UUID numbered in creation order,
 *   `00000000-0000-4000-8000-000000000001` for the first.
 *
 * Pricing (see `pricing.ts` and `billing.ts`)
 * - a pricing cycle starts every 1, 3, 6 or 12 months (intervals start in
 *   January), in month `monthOffset` of the interval (`FIRST`, `LAST`, or
 *   a number; ignored, and `NIL` accepted, for MONTHLY), on day
 *   `dayOffset` (`LAST`, or a day the month may lack: then its last), at
 *   midnight UTC; `gracePeriod` has no effect;
 * - a billing period is a pricing cycle of the plan the account had,
 *   cut to that association's schedule;
 * - tiers apply to the period's cumulative usage of each meter: slab i
 *   covers the usage above its `startAfter` up to the next slab's (a usage
 *   exactly at a boundary is in the lower slab); PER_UNIT charges `rate`
 *   for each unit in the slab, FLAT charges `rate` once as soon as the
 *   usage is above the slab's `startAfter`; a bundle card charges, once,
 *   each bundle entered (any of its meters above its `startAfter`);
 * - an event earns what its units add to its period's charge (events in
 *   time order), worked out when metrics are asked, with the schedules and
 *   plans as they are then; events outside any association earn nothing.
 *
 * Ingestion
 * - ingestion is synchronous: an accepted event is processed before the
 *   answer; `INGESTION_IN_PROGRESS`, `INGESTION_FAILED` and `UNKNOWN` never
 *   occur;
 * - a request that breaks the contract is a 400 and ingests nothing (for
 *   a batch: any event that breaks `Event`, or not 1 to 100 events);
 *   attribute values must be strings, as the spec types them;
 * - an event is rejected, and not recorded, when no account has its
 *   `accountId` as id or active alias: `ingest` answers 422, `ingestBatch`
 *   lists it in a 207's `errors` (`202` with `errors: []` when none is);
 * - an accepted event is recorded, and shows in `getEvents`, with:
 *   `INGESTION_FAILED_SCHEMA_NOT_DEFINED` when no ACTIVE event schema has
 *   its `eventName` (unknown, DRAFT or INACTIVE);
 *   `INGESTION_FAILED_UNITS_INVALID` when an attribute is not declared by
 *   the schema, given twice or not a number, a dimension is not declared,
 *   or a meter's rule fails or its computation yields no finite number
 *   (the event is then not metered at all);
 *   `INGESTION_COMPLETED_NO_MATCHING_METERS` when the schema has no ACTIVE
 *   meter; `INGESTION_COMPLETED_EVENT_NOT_METERED` when every ACTIVE meter
 *   filtered it out; `INGESTION_COMPLETED_EVENT_METERED` otherwise. COUNT
 *   adds 1, SUM the computation's value; units are not converted
 *   (`attributeValueUnit` and `default_unit` are kept, not used);
 * - an event id may have 255 characters, but `getSingleEvent` can name
 *   only ids of up to 50 (its path parameter's `maxLength`);
 * - the `id` is the idempotency key, for ever: an id whose event completed
 *   is accepted again but neither recorded nor metered again (the first
 *   payload stays); an id whose event failed may be sent again, and the
 *   retry replaces it;
 * - `eventPipelineInfo` is what happened at ingestion: the schema version,
 *   each ACTIVE meter (`PROCESSED_FILTERED_OUT` or
 *   `PROCESSED_UNITS_COMPUTED` with its units), the plan the account had
 *   then with the billing period (`cycleEnd` exclusive) and the metered
 *   meters its rate card prices, the account and the customer;
 * - `getEvents`' `status` takes PROCESSED (completed), UNPROCESSED
 *   (failed), IN_PROGRESS or an exact ingestion status; `account_id` takes
 *   an account id or an active alias; `start_time` (inclusive) and
 *   `end_time` (exclusive) are epoch milliseconds of `eventTimestamp`.
 *
 * Metrics
 * - 1 to 5 `metricQueries` with distinct ids; `endTime` after `startTime`;
 *   filters and `groupBy` as the spec's table allows (anything else is a
 *   400); filter values must name existing accounts (id or alias),
 *   customers (at most one) and usage meters; EVENT_STATUS values are
 *   PROCESSED (completed), UNPROCESSED (failed) and IN_PROGRESS; with no
 *   EVENT_STATUS filter every event counts;
 * - buckets are UTC days, weeks from Monday, or months, from the one that
 *   holds `startTime` to the one that holds the last instant before
 *   `endTime` (each labelled by its start); a window that needs more than
 *   100 is a 400; only events with `startTime <= eventTimestamp < endTime`
 *   count (REVENUE still prices them on their period's whole usage);
 * - without `groupBy` a query answers one series, zeros included; with it,
 *   one series per value that has data (`groupedBy`), sorted; USAGE without
 *   a meter filter adds up every meter's units; values are not rounded.
 *
 * Not simulated: the test organisations' resource quotas, the idempotency
 * window's expiry, invoices and grace periods.
 *
 * @internal
 * @module
 */
import { revenues } from "./billing.ts"
import * as Customers from "./customers.ts"
import * as EventSchemas from "./eventSchemas.ts"
import * as Events from "./events.ts"
import * as Metrics from "./metrics.ts"
import * as PricePlans from "./pricePlans.ts"
import * as UsageMeters from "./usageMeters.ts"
import type { Answer, OperationInput } from "./wire.ts"

export type { Answer, OperationInput } from "./wire.ts"
export type { AccountJson, Schedule } from "./customers.ts"
export type { PricePlanSeed } from "./pricePlans.ts"
export type { PricingCycle, RateCard } from "./pricing.ts"
export { placeSchedule } from "./customers.ts"
export { openEnd } from "./wire.ts"

/** A customer to seed, and its accounts. */
export interface CustomerSeedInput {
  readonly id: string
  /** The id when absent (`Customer <id>` for an id under 3 characters). */
  readonly name?: string | undefined
  readonly primaryEmail?: string | undefined
  readonly billingAddress?: string | undefined
  readonly accounts?:
    | ReadonlyArray<
      { readonly id: string; readonly name: string; readonly aliases?: ReadonlyArray<string> | undefined }
    >
    | undefined
}

/** A window of event times, `[from, until)` in epoch milliseconds; either end open when absent. */
export interface TimeWindow {
  readonly from?: number | undefined
  readonly until?: number | undefined
}

const within = (millis: number, window: TimeWindow): boolean =>
  (window.from === undefined || millis >= window.from) && (window.until === undefined || millis < window.until)

/** The simulator's state and the 38 operations over it. */
export class State {
  readonly customers: Map<string, Customers.StoredCustomer> = new Map()
  /** Every account id in use, to its customer: ids are unique across customers, as event ingestion needs. */
  readonly accountOwners: Map<string, string> = new Map()
  readonly eventSchemas: Map<string, EventSchemas.StoredEventSchema> = new Map()
  /** Usage meters by name (unique across event schemas). */
  readonly usageMeters: Map<string, UsageMeters.StoredUsageMeter> = new Map()
  readonly pricePlans: Map<string, PricePlans.StoredPricePlan> = new Map()
  /** Recorded events by id. */
  readonly events: Map<string, Events.StoredEvent> = new Map()
  private eventSequence = 0

  constructor(readonly now: () => number) {}

  /** The next ingestion sequence number. */
  nextEventSequence(): number {
    return ++this.eventSequence
  }

  // Seeding and inspection, for the Simulator.

  /** Adds a customer and its accounts; throws if the seed breaks the contract (a bug in the test's setup). */
  addCustomer(seed: CustomerSeedInput): void {
    const problem = Customers.seedCustomer(this, seed)
    if (problem !== undefined) throw new Error(`Simulator: ${problem}`)
    for (const account of seed.accounts ?? []) {
      const result = this.createAccount({
        params: { customer_id: seed.id },
        query: new URLSearchParams(),
        body: account,
      })
      if (result.status !== 201) {
        throw new Error(`Simulator: the seed account ${account.id} is invalid: ${JSON.stringify(result.body)}`)
      }
    }
  }

  /**
   * Makes a price plan known: ACTIVE, with the rate card and pricing cycle
   * given (an empty usage rate card, monthly from the 1st, when absent). A
   * name already known is kept as it is when seeded by name alone; seeded
   * again with a plan, it throws, as does a plan that breaks the contract.
   */
  addPricePlan(name: string, plan?: PricePlans.PricePlanSeed): void {
    if (this.pricePlans.has(name)) {
      if (plan === undefined) return
      throw new Error(`Simulator: price plan ${name} is seeded twice`)
    }
    const problem = PricePlans.seedPricePlan(this, name, plan ?? {})
    if (problem !== undefined) throw new Error(`Simulator: ${problem}`)
  }

  /** One account as `getAccount` answers it, or `undefined`. */
  findAccount(customerId: string, accountId: string): Customers.AccountJson | undefined {
    const account = this.customers.get(customerId)?.accounts.get(accountId)
    return account === undefined ? undefined : Customers.accountJson(account)
  }

  /** A customer's accounts, as `getAccount` answers them. */
  accountsOf(customerId: string): ReadonlyArray<Customers.AccountJson> {
    const customer = this.customers.get(customerId)
    return customer === undefined ? [] : [...customer.accounts.values()].map(Customers.accountJson)
  }

  /** An account's pricing schedules, oldest first. */
  schedulesOf(customerId: string, accountId: string): ReadonlyArray<Customers.Schedule> {
    return this.customers.get(customerId)?.accounts.get(accountId)?.schedules ?? []
  }

  /** Every recorded event, in `eventTimestamp` then ingestion order, as `getSingleEvent` answers each. */
  eventsOf(): ReadonlyArray<ReturnType<typeof Events.eventJson>> {
    return [...this.events.values()]
      .sort((a, b) => a.timestamp - b.timestamp || a.sequence - b.sequence)
      .map(Events.eventJson)
  }

  /** The units a usage meter metered for an account (by id), in a window of event times. */
  usageOf(accountId: string, usageMeterName: string, window: TimeWindow = {}): number {
    let total = 0
    for (const event of this.events.values()) {
      if (event.accountId === accountId && within(event.timestamp, window)) {
        total += event.units.get(usageMeterName) ?? 0
      }
    }
    return total
  }

  /** What an account's metered events earn (for one usage meter, if named), in a window of event times. */
  revenueOf(accountId: string, usageMeterName?: string, window: TimeWindow = {}): number {
    let total = 0
    for (const revenue of revenues(this)) {
      if (
        revenue.event.accountId === accountId && (usageMeterName === undefined || revenue.meter === usageMeterName) &&
        within(revenue.event.timestamp, window)
      ) total += revenue.amount
    }
    return total
  }

  // Customers

  getCustomers(input: OperationInput): Answer {
    return Customers.getCustomers(this, input)
  }
  createCustomer(input: OperationInput): Answer {
    return Customers.createCustomer(this, input)
  }
  getCustomer(input: OperationInput): Answer {
    return Customers.getCustomer(this, input)
  }
  updateCustomer(input: OperationInput): Answer {
    return Customers.updateCustomer(this, input)
  }
  deleteCustomer(input: OperationInput): Answer {
    return Customers.deleteCustomer(this, input)
  }

  // Accounts

  getAccounts(input: OperationInput): Answer {
    return Customers.getAccounts(this, input)
  }
  createAccount(input: OperationInput): Answer {
    return Customers.createAccount(this, input)
  }
  getAccount(input: OperationInput): Answer {
    return Customers.getAccount(this, input)
  }
  updateAccount(input: OperationInput): Answer {
    return Customers.updateAccount(this, input)
  }
  deleteAccount(input: OperationInput): Answer {
    return Customers.deleteAccount(this, input)
  }
  addAliases(input: OperationInput): Answer {
    return Customers.addAliases(this, input)
  }
  removeAliases(input: OperationInput): Answer {
    return Customers.removeAliases(this, input)
  }
  associatePricePlan(input: OperationInput): Answer {
    return Customers.associatePricePlan(this, input)
  }

  // Event schemas

  listEventSchemas(input: OperationInput): Answer {
    return EventSchemas.listEventSchemas(this, input)
  }
  createEventSchema(input: OperationInput): Answer {
    return EventSchemas.createEventSchema(this, input)
  }
  deleteEventSchema(input: OperationInput): Answer {
    return EventSchemas.deleteEventSchema(this, input)
  }
  getEventSchema(input: OperationInput): Answer {
    return EventSchemas.getEventSchema(this, input)
  }
  updateEventSchema(input: OperationInput): Answer {
    return EventSchemas.updateEventSchema(this, input)
  }
  listEventSchemaVersions(input: OperationInput): Answer {
    return EventSchemas.listEventSchemaVersions(this, input)
  }
  activateEventSchema(input: OperationInput): Answer {
    return EventSchemas.activateEventSchema(this, input)
  }
  deactivateEventSchema(input: OperationInput): Answer {
    return EventSchemas.deactivateEventSchema(this, input)
  }

  // Usage meters

  getUsageMetersForEventSchema(input: OperationInput): Answer {
    return UsageMeters.getUsageMetersForEventSchema(this, input)
  }
  createUsageMeter(input: OperationInput): Answer {
    return UsageMeters.createUsageMeter(this, input)
  }
  getUsageMeter(input: OperationInput): Answer {
    return UsageMeters.getUsageMeter(this, input)
  }
  updateUsageMeter(input: OperationInput): Answer {
    return UsageMeters.updateUsageMeter(this, input)
  }
  activateUsageMeter(input: OperationInput): Answer {
    return UsageMeters.activateUsageMeter(this, input)
  }
  deactivateUsageMeter(input: OperationInput): Answer {
    return UsageMeters.deactivateUsageMeter(this, input)
  }
  deleteUsageMeter(input: OperationInput): Answer {
    return UsageMeters.deleteUsageMeter(this, input)
  }

  // Price plans

  getPricePlans(input: OperationInput): Answer {
    return PricePlans.getPricePlans(this, input)
  }
  createPricePlan(input: OperationInput): Answer {
    return PricePlans.createPricePlan(this, input)
  }
  getPricePlan(input: OperationInput): Answer {
    return PricePlans.getPricePlan(this, input)
  }
  updatePricePlan(input: OperationInput): Answer {
    return PricePlans.updatePricePlan(this, input)
  }
  activatePricePlan(input: OperationInput): Answer {
    return PricePlans.activatePricePlan(this, input)
  }

  // Events

  ingest(input: OperationInput): Answer {
    return Events.ingest(this, input)
  }
  ingestBatch(input: OperationInput): Answer {
    return Events.ingestBatch(this, input)
  }
  getEvents(input: OperationInput): Answer {
    return Events.getEvents(this, input)
  }
  getSingleEvent(input: OperationInput): Answer {
    return Events.getSingleEvent(this, input)
  }

  // Metrics

  getMetrics(input: OperationInput): Answer {
    return Metrics.getMetrics(this, input)
  }
}
