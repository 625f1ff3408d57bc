/**
 * Customers, their accounts, aliases and pricing schedules: the five
 * customer operations and the eight account operations.
 *
 * @internal
 * @module
 */
import * as Either from "effect/Either"
import { array, body, characters, date, optional, refine, struct, text } from "./checks.ts"
import { paginated, readPage } from "./paging.ts"
import { RateCard } from "./pricing.ts"
import type { State } from "./state.ts"
import { type Answer, answer, byKey, error, isoDateTime, openEnd, type OperationInput, startOfDay } from "./wire.ts"

/** One period of an account's pricing, as times in milliseconds (end exclusive). */
export interface Schedule {
  readonly pricePlanName: string
  readonly override: RateCard | null
  readonly start: number
  readonly end: number
}

export interface StoredAlias {
  readonly alias: string
  status: "ACTIVE" | "ARCHIVED"
}

export interface StoredAccount {
  readonly id: string
  readonly customerId: string
  name: string
  readonly status: "ACTIVE" | "ARCHIVED"
  readonly aliases: Array<StoredAlias>
  schedules: Array<Schedule>
}

export interface StoredCustomer {
  readonly id: string
  name: string
  primaryEmail: string
  billingAddress: string
  readonly status: "ACTIVE" | "ARCHIVED"
  readonly createdAt: number
  updatedAt: number
  readonly accounts: Map<string, StoredAccount>
}

/** An account as the spec's `Account`. */
export interface AccountJson {
  readonly id: string
  readonly name: string
  readonly status: "ACTIVE" | "ARCHIVED"
  readonly aliases: ReadonlyArray<{ readonly alias: string; readonly status: "ACTIVE" | "ARCHIVED" }>
}

const maxAliases = 10
const defaultPageSize = 10

/** What a seed without them gets: the spec requires both, and a billing address of 50 characters at least. */
const seedPrimaryEmail = "billing@example.com"
const seedBillingAddress = "No billing address given (seeded by the Togai simulator)"

const identifier = text({ min: 1, max: 50 })
const accountName = text({ min: 3, max: 255 })
const alias = text({ min: 3, max: 50 })
const customerName = text({ min: 3, max: 255 })
const primaryEmail = text({ max: 255 })
const billingAddress = text({ min: 50, max: 1000 })

export const CreateAccountRequest = struct({
  id: identifier,
  name: accountName,
  aliases: optional(array(alias, { max: 10 })),
})
const UpdateAccountRequest = struct({ name: optional(accountName) })
const AliasesRequest = struct({ aliases: optional(array(alias, { min: 1, max: 10 })) })
const AssociatePricePlanRequest = refine(
  struct({
    pricePlanName: identifier,
    effectiveFrom: optional(date),
    effectiveUntil: optional(date),
    rateCardOverride: optional(RateCard),
  }),
  (request) =>
    request.effectiveUntil !== undefined && request.effectiveFrom === undefined
      ? "effectiveUntil: expected only together with effectiveFrom"
      : undefined,
)
const CreateCustomerRequest = struct({
  id: identifier,
  name: customerName,
  primaryEmail,
  billingAddress,
  account: optional(CreateAccountRequest),
})
const UpdateCustomerRequest = struct({
  name: optional(customerName),
  primaryEmail: optional(primaryEmail),
  billingAddress: optional(billingAddress),
})

export const accountJson = (account: StoredAccount): AccountJson => ({
  id: account.id,
  name: account.name,
  status: account.status,
  aliases: account.aliases.map((held) => ({ alias: held.alias, status: held.status })),
})

const customerJson = (customer: StoredCustomer) => ({
  id: customer.id,
  name: customer.name,
  primaryEmail: customer.primaryEmail,
  billingAddress: customer.billingAddress,
  status: customer.status,
  createdAt: isoDateTime(customer.createdAt),
  updatedAt: isoDateTime(customer.updatedAt),
})

const scheduleJson = (schedule: Schedule) => ({
  pricePlanName: schedule.pricePlanName,
  // The spec's example answers `override: null`, which its schema (a RateCard, not nullable) does not allow.
  ...(schedule.override === null ? {} : { override: schedule.override }),
  startDate: isoDateTime(schedule.start),
  endDate: isoDateTime(schedule.end),
})

/** Puts `[start, end)` of a new plan over a timeline: what it overlaps is cut around it. */
export const placeSchedule = (timeline: ReadonlyArray<Schedule>, added: Schedule): Array<Schedule> => {
  const kept: Array<Schedule> = []
  for (const schedule of timeline) {
    if (schedule.end <= added.start || schedule.start >= added.end) {
      kept.push(schedule)
      continue
    }
    if (schedule.start < added.start) kept.push({ ...schedule, end: added.start })
    if (schedule.end > added.end) kept.push({ ...schedule, start: added.end })
  }
  kept.push(added)
  return kept.sort((a, b) => a.start - b.start)
}

export const findCustomer = (state: State, customerId: string): Either.Either<StoredCustomer, Answer> => {
  const customer = state.customers.get(customerId)
  return customer === undefined ? Either.left(error(404, `Customer ${customerId} not found`)) : Either.right(customer)
}

const findAccount = (state: State, params: Readonly<Record<string, string>>): Either.Either<StoredAccount, Answer> =>
  Either.flatMap(findCustomer(state, params.customer_id), (customer) => {
    const account = customer.accounts.get(params.account_id)
    return account === undefined
      ? Either.left(error(404, `Account ${params.account_id} not found for customer ${customer.id}`))
      : Either.right(account)
  })

/** The account whose id, or one of whose active aliases, is `idOrAlias`. */
export const accountByIdOrAlias = (state: State, idOrAlias: string): StoredAccount | undefined => {
  const owner = state.accountOwners.get(idOrAlias)
  if (owner !== undefined) return state.customers.get(owner)?.accounts.get(idOrAlias)
  return aliasHolder(state, idOrAlias)
}

/** The account that holds `alias` as an active alias, if any. */
const aliasHolder = (state: State, alias: string): StoredAccount | undefined => {
  for (const customer of state.customers.values()) {
    for (const account of customer.accounts.values()) {
      if (account.aliases.some((held) => held.alias === alias && held.status === "ACTIVE")) return account
    }
  }
  return undefined
}

/** Why `aliases` cannot become active aliases of `account`, if they cannot. */
const aliasProblem = (
  state: State,
  account: { readonly id: string; readonly aliases: ReadonlyArray<StoredAlias> },
  aliases: ReadonlyArray<string>,
): string | undefined => {
  const unique = new Set(aliases)
  if (unique.size !== aliases.length) return "aliases: the same alias is given twice"
  for (const alias of aliases) {
    const holder = aliasHolder(state, alias)
    if (holder !== undefined && holder.id !== account.id) {
      return `aliases: ${alias} is already an alias of another account`
    }
    if (state.accountOwners.has(alias) && alias !== account.id) return `aliases: ${alias} is the id of another account`
  }
  const known = new Set(account.aliases.map((held) => held.alias))
  const total = known.size + aliases.filter((alias) => !known.has(alias)).length
  if (total > maxAliases) {
    return `aliases: an account holds at most ${maxAliases} aliases (archived ones included), this would make ${total}`
  }
  return undefined
}

type CreateAccount = {
  readonly id: string
  readonly name: string
  readonly aliases?: ReadonlyArray<string> | undefined
}

/** Why an account cannot be created as asked, if it cannot. */
const accountProblem = (state: State, request: CreateAccount): string | undefined => {
  if (state.accountOwners.has(request.id)) return `An account with id ${request.id} already exists`
  if (aliasHolder(state, request.id) !== undefined) return `id: ${request.id} is already an alias of another account`
  return aliasProblem(state, { id: request.id, aliases: [] }, request.aliases ?? [])
}

const addAccount = (state: State, customer: StoredCustomer, request: CreateAccount): StoredAccount => {
  const account: StoredAccount = {
    id: request.id,
    customerId: customer.id,
    name: request.name,
    status: "ACTIVE",
    aliases: (request.aliases ?? []).map((alias) => ({ alias, status: "ACTIVE" })),
    schedules: [],
  }
  customer.accounts.set(account.id, account)
  state.accountOwners.set(account.id, customer.id)
  return account
}

const removeAccount = (state: State, account: StoredAccount): void => {
  state.customers.get(account.customerId)?.accounts.delete(account.id)
  state.accountOwners.delete(account.id)
}

/**
 * Seeds a customer (without accounts): named by its id when the seed has no
 * name (`Customer <id>` for an id under the 3 characters a name needs).
 * The problem, if the seed breaks the contract.
 */
export const seedCustomer = (
  state: State,
  seed: {
    readonly id: string
    readonly name?: string | undefined
    readonly primaryEmail?: string | undefined
    readonly billingAddress?: string | undefined
  },
): string | undefined => {
  if (state.customers.has(seed.id)) return `customer ${seed.id} is seeded twice`
  const checked = CreateCustomerRequest({
    id: seed.id,
    name: seed.name ?? (characters(seed.id) < 3 ? `Customer ${seed.id}` : seed.id),
    primaryEmail: seed.primaryEmail ?? seedPrimaryEmail,
    billingAddress: seed.billingAddress ?? seedBillingAddress,
  }, "")
  if (Either.isLeft(checked)) return `the seed customer ${seed.id} is invalid: ${checked.left.join("; ")}`
  addCustomer(state, checked.right)
  return undefined
}

/** What a seed or `createCustomer` stores. */
export const addCustomer = (
  state: State,
  customer: {
    readonly id: string
    readonly name: string
    readonly primaryEmail: string
    readonly billingAddress: string
  },
): StoredCustomer => {
  const now = state.now()
  const stored: StoredCustomer = { ...customer, status: "ACTIVE", createdAt: now, updatedAt: now, accounts: new Map() }
  state.customers.set(stored.id, stored)
  return stored
}

export const getCustomers = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.map(readPage(input.query, { defaultPageSize }), (request) => {
    const sorted = [...state.customers.values()].sort((a, b) => byKey(a.id, b.id))
    return answer(200, paginated(sorted, (customer) => customer.id, request, customerJson))
  }))

export const createCustomer = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const request = yield* body(CreateCustomerRequest, input.body)
    if (state.customers.has(request.id)) {
      return yield* Either.left(error(400, `A customer with id ${request.id} already exists`))
    }
    // The default account: the one asked for, or one named as the customer, with its id.
    const accountRequest = request.account ?? { id: request.id, name: request.name }
    const problem = accountProblem(state, accountRequest)
    if (problem !== undefined) {
      return yield* Either.left(
        error(400, request.account === undefined ? `default account: ${problem}` : `account: ${problem}`),
      )
    }
    const customer = addCustomer(state, request)
    const account = addAccount(state, customer, accountRequest)
    return answer(201, {
      id: customer.id,
      name: customer.name,
      primaryEmail: customer.primaryEmail,
      billingAddress: customer.billingAddress,
      account: accountJson(account),
    })
  }))

export const getCustomer = (state: State, input: OperationInput): Answer =>
  Either.merge(
    Either.map(findCustomer(state, input.params.customer_id), (customer) => answer(200, customerJson(customer))),
  )

export const updateCustomer = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const customer = yield* findCustomer(state, input.params.customer_id)
    const request = yield* body(UpdateCustomerRequest, input.body)
    if (request.name !== undefined) customer.name = request.name
    if (request.primaryEmail !== undefined) customer.primaryEmail = request.primaryEmail
    if (request.billingAddress !== undefined) customer.billingAddress = request.billingAddress
    customer.updatedAt = state.now()
    return answer(200, customerJson(customer))
  }))

export const deleteCustomer = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.map(findCustomer(state, input.params.customer_id), (customer) => {
    for (const account of [...customer.accounts.values()]) removeAccount(state, account)
    state.customers.delete(customer.id)
    return answer(200, { success: true })
  }))

export const createAccount = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const customer = yield* findCustomer(state, input.params.customer_id)
    const request = yield* body(CreateAccountRequest, input.body)
    const problem = accountProblem(state, request)
    if (problem !== undefined) return yield* Either.left(error(400, problem))
    return answer(201, accountJson(addAccount(state, customer, request)))
  }))

export const getAccounts = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const customer = yield* findCustomer(state, input.params.customer_id)
    const request = yield* readPage(input.query, { defaultPageSize })
    const sorted = [...customer.accounts.values()].sort((a, b) => byKey(a.id, b.id))
    return answer(200, paginated(sorted, (account) => account.id, request, accountJson))
  }))

export const getAccount = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.map(findAccount(state, input.params), (account) => answer(200, accountJson(account))))

export const updateAccount = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const account = yield* findAccount(state, input.params)
    const request = yield* body(UpdateAccountRequest, input.body)
    if (request.name !== undefined) account.name = request.name
    return answer(200, accountJson(account))
  }))

export const deleteAccount = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.map(findAccount(state, input.params), (account) => {
    removeAccount(state, account)
    return answer(200, { success: true })
  }))

export const addAliases = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const account = yield* findAccount(state, input.params)
    const aliases = (yield* body(AliasesRequest, input.body)).aliases ?? []
    const problem = aliasProblem(state, account, aliases)
    if (problem !== undefined) return yield* Either.left(error(400, problem))
    for (const alias of aliases) {
      const held = account.aliases.find((existing) => existing.alias === alias)
      // An archived alias added again comes back, rather than being listed twice.
      if (held === undefined) account.aliases.push({ alias, status: "ACTIVE" })
      else held.status = "ACTIVE"
    }
    return answer(200, accountJson(account))
  }))

export const removeAliases = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const account = yield* findAccount(state, input.params)
    const aliases = (yield* body(AliasesRequest, input.body)).aliases ?? []
    for (const alias of aliases) {
      if (!account.aliases.some((held) => held.alias === alias && held.status === "ACTIVE")) {
        return yield* Either.left(error(400, `aliases: ${alias} is not an active alias of account ${account.id}`))
      }
    }
    // Removed aliases stay listed as ARCHIVED, as the spec's examples show.
    for (const held of account.aliases) if (aliases.includes(held.alias)) held.status = "ARCHIVED"
    return answer(200, accountJson(account))
  }))

export const associatePricePlan = (state: State, input: OperationInput): Answer =>
  Either.merge(Either.gen(function* () {
    const account = yield* findAccount(state, input.params)
    const request = yield* body(AssociatePricePlanRequest, input.body)
    const plan = state.pricePlans.get(request.pricePlanName)
    if (plan === undefined) return yield* Either.left(error(404, `Price plan ${request.pricePlanName} not found`))
    if (plan.status !== "ACTIVE") {
      return yield* Either.left(
        error(400, `pricePlanName: price plan ${plan.name} is ${plan.status}; activate it before associating it`),
      )
    }
    if (request.effectiveFrom !== undefined && account.schedules.length === 0) {
      return yield* Either.left(
        error(400, "effectiveFrom: expected only if the account already has a price plan associated with it"),
      )
    }
    const start = request.effectiveFrom ?? startOfDay(state.now())
    const end = request.effectiveUntil ?? openEnd
    if (end <= start) return yield* Either.left(error(400, "effectiveUntil: expected a date after effectiveFrom"))
    account.schedules = placeSchedule(account.schedules, {
      pricePlanName: plan.name,
      override: request.rateCardOverride ?? null,
      start,
      end,
    })
    return answer(200, {
      accountId: account.id,
      accountName: account.name,
      pricingSchedules: account.schedules.map(scheduleJson),
    })
  }))
