/**
 * The simulator's Togai: customers, their accounts, aliases and pricing
 * schedules, and the eight account operations over them. Requests are
 * validated with the library's own schemas, so the simulator enforces the
 * same contract the client does, and answers what breaks it with a 400.
 *
 * @internal
 * @module
 */
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as S from "../../Schemas/Accounts.ts"
import { formatIssues } from "../../internal/executor.ts"
import type { CustomerSeed } from "../Simulator.ts"

/** An answer before it becomes a `Response`. */
export interface Answer {
  readonly status: number
  readonly body: unknown
}

const answer = (status: number, body: unknown): Answer => ({ status, body })
const error = (status: number, message: string): Answer => ({ status, body: { message } })

/** One period of an account's pricing, as times in milliseconds (end exclusive). */
export interface Schedule {
  readonly pricePlanName: string
  readonly override: S.RateCard | null
  readonly start: number
  readonly end: number
}

interface StoredAlias {
  readonly alias: string
  status: S.AccountStatus
}

interface StoredAccount {
  readonly id: string
  readonly customerId: string
  name: string
  readonly status: S.AccountStatus
  readonly aliases: Array<StoredAlias>
  schedules: Array<Schedule>
}

interface StoredCustomer {
  readonly id: string
  readonly name: string
  readonly accounts: Map<string, StoredAccount>
}

/** The open end the spec's example shows for a schedule without an end. */
export const openEnd: number = Date.UTC(9999, 0, 1)

const maxAliases = 10
const defaultPageSize = 10

const decoder = <A, I>(schema: Schema.Schema<A, I>) =>
  Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "error" })

const decodeCreate = decoder(S.CreateAccountRequest)
const decodeUpdate = decoder(S.UpdateAccountRequest)
const decodeAddAliases = decoder(S.AddAccountAliasesRequest)
const decodeRemoveAliases = decoder(S.RemoveAccountAliasesRequest)
const decodeAssociate = decoder(S.AssociatePricePlanRequest)

/** Decodes a body with a schema, or answers 400 naming what was wrong. */
const decodeBody = <A>(
  decode: (input: unknown) => Either.Either<A, ParseResult.ParseError>,
  body: unknown,
): Either.Either<A, Answer> =>
  Either.mapLeft(decode(body), (issues) => error(400, `Invalid request body: ${formatIssues(issues)}`))

const toBase64 = (text: string): string => {
  let binary = ""
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

const fromBase64 = (token: string): string | undefined => {
  try {
    const binary = atob(token)
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)))
  } catch {
    return undefined
  }
}

/** The cursor inside a `nextToken`, in the shape of the spec's example token. */
interface Cursor {
  readonly lastItemId: string
  readonly pageSize: number
}

const encodeCursor = (cursor: Cursor): string =>
  toBase64(JSON.stringify({ lastItemId: cursor.lastItemId, pageSize: cursor.pageSize, sortOrder: "asc" }))

const decodeCursor = (token: string): Cursor | undefined => {
  const text = fromBase64(token)
  if (text === undefined) return undefined
  try {
    const json: unknown = JSON.parse(text)
    if (
      typeof json === "object" && json !== null && "lastItemId" in json && typeof json.lastItemId === "string" &&
      "pageSize" in json && typeof json.pageSize === "number" && Number.isSafeInteger(json.pageSize) &&
      json.pageSize > 0
    ) {
      return { lastItemId: json.lastItemId, pageSize: json.pageSize }
    }
  } catch {
    // not JSON: not a token this server issued
  }
  return undefined
}

const isoDateTime = (millis: number): string => new Date(millis).toISOString().replace(".000Z", "Z")

const accountJson = (account: StoredAccount): S.Account => ({
  id: account.id,
  name: account.name,
  status: account.status,
  aliases: account.aliases.map((alias) => ({ alias: alias.alias, status: alias.status })),
})

const scheduleJson = (schedule: Schedule): S.PlanOverrideEncoded => ({
  pricePlanName: schedule.pricePlanName,
  override: schedule.override,
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

const startOfDay = (millis: number): number => {
  const date = new Date(millis)
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate())
}

/** What every account operation receives once routed and authorized. */
export interface OperationInput {
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
  /** The parsed JSON body; `undefined` when there was none. */
  readonly body: unknown
}

/** The simulator's state and the account operations over it. */
export class State {
  readonly customers: Map<string, StoredCustomer> = new Map()
  /** Every account id in use, to its customer: ids are unique across customers, as event ingestion needs. */
  readonly accountOwners: Map<string, string> = new Map()
  readonly pricePlans: Set<string> = new Set()

  constructor(private readonly now: () => number) {}

  addCustomer(seed: CustomerSeed): void {
    if (this.customers.has(seed.id)) throw new Error(`Simulator: customer ${seed.id} is seeded twice`)
    this.customers.set(seed.id, { id: seed.id, name: seed.name ?? seed.id, accounts: new Map() })
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

  addPricePlan(name: string): void {
    this.pricePlans.add(name)
  }

  findAccount(customerId: string, accountId: string): S.Account | undefined {
    const account = this.customers.get(customerId)?.accounts.get(accountId)
    return account === undefined ? undefined : accountJson(account)
  }

  accountsOf(customerId: string): ReadonlyArray<S.Account> {
    const customer = this.customers.get(customerId)
    return customer === undefined ? [] : [...customer.accounts.values()].map(accountJson)
  }

  schedulesOf(customerId: string, accountId: string): ReadonlyArray<Schedule> {
    return this.customers.get(customerId)?.accounts.get(accountId)?.schedules ?? []
  }

  private customer(customerId: string): Either.Either<StoredCustomer, Answer> {
    const customer = this.customers.get(customerId)
    return customer === undefined ? Either.left(error(404, `Customer ${customerId} not found`)) : Either.right(customer)
  }

  private account(params: Readonly<Record<string, string>>): Either.Either<StoredAccount, Answer> {
    return Either.flatMap(this.customer(params.customer_id), (customer) => {
      const account = customer.accounts.get(params.account_id)
      return account === undefined
        ? Either.left(error(404, `Account ${params.account_id} not found for customer ${customer.id}`))
        : Either.right(account)
    })
  }

  /** The account that holds `alias` as an active alias, if any. */
  private aliasHolder(alias: string): StoredAccount | undefined {
    for (const customer of this.customers.values()) {
      for (const account of customer.accounts.values()) {
        if (account.aliases.some((held) => held.alias === alias && held.status === "ACTIVE")) return account
      }
    }
    return undefined
  }

  /** Why `aliases` cannot become active aliases of `account`, if they cannot. */
  private aliasProblem(
    account: { readonly id: string; readonly aliases: ReadonlyArray<StoredAlias> },
    aliases: ReadonlyArray<string>,
  ): string | undefined {
    const unique = new Set(aliases)
    if (unique.size !== aliases.length) return "aliases: the same alias is given twice"
    for (const alias of aliases) {
      const holder = this.aliasHolder(alias)
      if (holder !== undefined && holder.id !== account.id) {
        return `aliases: ${alias} is already an alias of another account`
      }
      if (this.accountOwners.has(alias) && alias !== account.id) return `aliases: ${alias} is the id of another account`
    }
    const known = new Set(account.aliases.map((held) => held.alias))
    const total = known.size + aliases.filter((alias) => !known.has(alias)).length
    if (total > maxAliases) {
      return `aliases: an account holds at most ${maxAliases} aliases (archived ones included), this would make ${total}`
    }
    return undefined
  }

  createAccount(input: OperationInput): Answer {
    return Either.merge(
      Either.flatMap(
        this.customer(input.params.customer_id),
        (customer) =>
          Either.flatMap(decodeBody(decodeCreate, input.body), (request): Either.Either<Answer, Answer> => {
            const owner = this.accountOwners.get(request.id)
            if (owner !== undefined) {
              return Either.left(error(400, `An account with id ${request.id} already exists`))
            }
            const aliases = request.aliases ?? []
            const problem = this.aliasProblem({ id: request.id, aliases: [] }, aliases)
            if (problem !== undefined) return Either.left(error(400, problem))
            const account: StoredAccount = {
              id: request.id,
              customerId: customer.id,
              name: request.name,
              status: "ACTIVE",
              aliases: aliases.map((alias) => ({ alias, status: "ACTIVE" })),
              schedules: [],
            }
            customer.accounts.set(account.id, account)
            this.accountOwners.set(account.id, customer.id)
            return Either.right(answer(201, accountJson(account)))
          }),
      ),
    )
  }

  getAccounts(input: OperationInput): Answer {
    return Either.merge(
      Either.flatMap(this.customer(input.params.customer_id), (customer): Either.Either<Answer, Answer> => {
        const token = input.query.get("nextToken")
        const cursor = token === null || token === "" ? undefined : decodeCursor(token)
        if (token !== null && token !== "" && cursor === undefined) {
          return Either.left(error(400, "nextToken: not a token this server issued; pass back a page's nextToken"))
        }
        const pageSizeText = input.query.get("pageSize")
        const pageSize = pageSizeText === null ? cursor?.pageSize ?? defaultPageSize : Number(pageSizeText)
        if (pageSizeText !== null && !(/^\d+$/.test(pageSizeText) && pageSize > 0)) {
          return Either.left(error(400, `pageSize: expected a positive integer, got ${JSON.stringify(pageSizeText)}`))
        }
        const sorted = [...customer.accounts.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        const after = cursor === undefined ? sorted : sorted.filter((account) => account.id > cursor.lastItemId)
        const page = after.slice(0, pageSize)
        const last = page.at(-1)
        const more = after.length > pageSize && last !== undefined
        return Either.right(answer(200, {
          data: page.map(accountJson),
          ...(more ? { nextToken: encodeCursor({ lastItemId: last.id, pageSize }) } : {}),
          context: { pageSize, sortOrder: "ASC" },
        }))
      }),
    )
  }

  getAccount(input: OperationInput): Answer {
    return Either.merge(
      Either.map(this.account(input.params), (account) => answer(200, accountJson(account))),
    )
  }

  updateAccount(input: OperationInput): Answer {
    return Either.merge(
      Either.flatMap(
        this.account(input.params),
        (account) =>
          Either.map(decodeBody(decodeUpdate, input.body), (request) => {
            if (request.name !== undefined) account.name = request.name
            return answer(200, accountJson(account))
          }),
      ),
    )
  }

  deleteAccount(input: OperationInput): Answer {
    return Either.merge(
      Either.map(this.account(input.params), (account) => {
        this.customers.get(account.customerId)?.accounts.delete(account.id)
        this.accountOwners.delete(account.id)
        return answer(200, { success: true })
      }),
    )
  }

  addAliases(input: OperationInput): Answer {
    return Either.merge(
      Either.flatMap(
        this.account(input.params),
        (account) =>
          Either.flatMap(decodeBody(decodeAddAliases, input.body), (request): Either.Either<Answer, Answer> => {
            const aliases = request.aliases ?? []
            const problem = this.aliasProblem(account, aliases)
            if (problem !== undefined) return Either.left(error(400, problem))
            for (const alias of aliases) {
              const held = account.aliases.find((existing) => existing.alias === alias)
              // An archived alias added again comes back, rather than being listed twice.
              if (held === undefined) account.aliases.push({ alias, status: "ACTIVE" })
              else held.status = "ACTIVE"
            }
            return Either.right(answer(200, accountJson(account)))
          }),
      ),
    )
  }

  removeAliases(input: OperationInput): Answer {
    return Either.merge(
      Either.flatMap(
        this.account(input.params),
        (account) =>
          Either.flatMap(decodeBody(decodeRemoveAliases, input.body), (request): Either.Either<Answer, Answer> => {
            const aliases = request.aliases ?? []
            for (const alias of aliases) {
              if (!account.aliases.some((held) => held.alias === alias && held.status === "ACTIVE")) {
                return Either.left(error(400, `aliases: ${alias} is not an active alias of account ${account.id}`))
              }
            }
            // Removed aliases stay listed as ARCHIVED, as the spec's examples show.
            for (const held of account.aliases) if (aliases.includes(held.alias)) held.status = "ARCHIVED"
            return Either.right(answer(200, accountJson(account)))
          }),
      ),
    )
  }

  associatePricePlan(input: OperationInput): Answer {
    return Either.merge(
      Either.flatMap(
        this.account(input.params),
        (account) =>
          Either.flatMap(decodeBody(decodeAssociate, input.body), (request): Either.Either<Answer, Answer> => {
            if (!this.pricePlans.has(request.pricePlanName)) {
              return Either.left(error(404, `Price plan ${request.pricePlanName} not found`))
            }
            if (request.effectiveFrom !== undefined && account.schedules.length === 0) {
              return Either.left(
                error(400, "effectiveFrom: expected only if the account already has a price plan associated with it"),
              )
            }
            const start = request.effectiveFrom === undefined
              ? startOfDay(this.now())
              : DateTime.toEpochMillis(request.effectiveFrom)
            const end = request.effectiveUntil === undefined ? openEnd : DateTime.toEpochMillis(request.effectiveUntil)
            if (end <= start) {
              return Either.left(error(400, "effectiveUntil: expected a date after effectiveFrom"))
            }
            account.schedules = placeSchedule(account.schedules, {
              pricePlanName: request.pricePlanName,
              override: request.rateCardOverride ?? null,
              start,
              end,
            })
            return Either.right(answer(200, {
              accountId: account.id,
              accountName: account.name,
              pricingSchedules: account.schedules.map(scheduleJson),
            }))
          }),
      ),
    )
  }
}
