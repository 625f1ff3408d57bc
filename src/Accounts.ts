/**
 * Togai's Accounts group: the eight account operations of a customer, and a
 * `Stream` over all of a customer's accounts.
 *
 * Every operation returns an `Effect` that needs an `HttpClient` and `Auth`
 * (provide both at once with `Togai.layer`) and fails with a tagged error
 * of `TogaiError` (`AccountsError`): `Effect.catchTag` recovers from exactly the ones a
 * caller understands.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts, Togai } from "@effect-togai/client"
 *
 * const program = Effect.gen(function* () {
 *   const account = yield* Accounts.createAccount("customer-1", { id: "acc-1", name: "Primary" })
 *   yield* Accounts.addAliases("customer-1", account.id, { aliases: ["acme_primary"] })
 *   return yield* Accounts.getAccount("customer-1", account.id)
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
  AccountPaginatedResponse,
  AddAccountAliasesRequest,
  AssociatePricePlanRequest,
  AssociatePricePlanResponse,
  GetAccountsOptions,
  RemoveAccountAliasesRequest,
  UpdateAccountRequest,
} from "./Schemas/Accounts.ts"
import type { Account, BaseSuccessResponse, CreateAccountRequest } from "./Schemas/Common.ts"
import type { OperationError, PaginationError } from "./TogaiError.ts"

/**
 * What an Accounts operation can fail with: the statuses its contract
 * documents (400, 401, 403, 404, 429), and what any call can.
 *
 * @since 0.2.0
 * @category errors
 */
export type AccountsError = OperationError<400 | 401 | 403 | 404 | 429>

/**
 * Creates an account for a customer (`POST /customers/{customer_id}/accounts`,
 * 201).
 *
 * @example
 * ```ts
 * import { Accounts } from "@effect-togai/client"
 *
 * const created = Accounts.createAccount("customer-1", {
 *   id: "ACC00001",
 *   name: "Primary Account",
 *   aliases: ["acme_primary", "acme_1"],
 * })
 * ```
 *
 * @since 0.1.0
 */
export const createAccount = (
  customerId: string,
  body: CreateAccountRequest,
): Effect.Effect<Account, AccountsError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.createAccount, { path: { customer_id: customerId }, body })

/**
 * Gets one account (`GET /customers/{customer_id}/accounts/{account_id}`).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts } from "@effect-togai/client"
 *
 * const accountOrNull = Accounts.getAccount("customer-1", "ACC00001").pipe(
 *   Effect.catchTag("NotFound", () => Effect.succeed(null)),
 * )
 * ```
 *
 * @since 0.1.0
 */
export const getAccount = (
  customerId: string,
  accountId: string,
): Effect.Effect<Account, AccountsError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.getAccount, { path: { customer_id: customerId, account_id: accountId } })

/**
 * Which page of accounts to get: the `nextToken` of the previous page (the
 * first page when absent) and how many accounts a page holds.
 *
 * @since 0.1.0
 * @category models
 */
export type PageOptions = GetAccountsOptions

/**
 * Gets one page of a customer's accounts (`GET
 * /customers/{customer_id}/accounts`). Pass the page's `nextToken` back to
 * get the next one, or use {@link stream} to read them all.
 *
 * @example
 * ```ts
 * import { Accounts } from "@effect-togai/client"
 *
 * const firstPage = Accounts.getAccounts("customer-1", { pageSize: 50 })
 * ```
 *
 * @since 0.1.0
 */
export const getAccounts = (
  customerId: string,
  options: PageOptions = {},
): Effect.Effect<AccountPaginatedResponse, AccountsError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.getAccounts, { path: { customer_id: customerId }, query: options })

/**
 * Every account of a customer, page after page. A page is fetched only when
 * the consumer pulls past the previous one, so `Stream.take(n)` fetches only
 * the pages it needs. The stream ends on the last page (no or empty
 * `nextToken`) and fails with `PaginationError` if the server hands out a
 * token twice or too many empty pages in a row, rather than looping forever.
 *
 * @example
 * ```ts
 * import * as Stream from "effect/Stream"
 * import { Accounts } from "@effect-togai/client"
 *
 * const activeIds = Accounts.stream("customer-1", { pageSize: 50 }).pipe(
 *   Stream.filter((account) => account.status === "ACTIVE"),
 *   Stream.map((account) => account.id),
 *   Stream.runCollect,
 * )
 * ```
 *
 * @since 0.1.0
 */
export const stream = (
  customerId: string,
  options: { readonly pageSize?: number | undefined } = {},
): Stream.Stream<Account, AccountsError | PaginationError, HttpClient.HttpClient | Auth> =>
  paginate(endpoints.getAccounts, { path: { customer_id: customerId }, query: { pageSize: options.pageSize } })

/**
 * Updates an account (`PATCH /customers/{customer_id}/accounts/{account_id}`).
 *
 * @since 0.1.0
 */
export const updateAccount = (
  customerId: string,
  accountId: string,
  body: UpdateAccountRequest,
): Effect.Effect<Account, AccountsError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.updateAccount, { path: { customer_id: customerId, account_id: accountId }, body })

/**
 * Deletes an account (`DELETE /customers/{customer_id}/accounts/{account_id}`).
 *
 * @since 0.1.0
 */
export const deleteAccount = (
  customerId: string,
  accountId: string,
): Effect.Effect<BaseSuccessResponse, AccountsError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.deleteAccount, { path: { customer_id: customerId, account_id: accountId } })

/**
 * Adds aliases to an account (`POST .../accounts/{account_id}/add_aliases`).
 * An alias can be used instead of the account id when ingesting events.
 *
 * @example
 * ```ts
 * import { Accounts } from "@effect-togai/client"
 *
 * const updated = Accounts.addAliases("customer-1", "ACC00001", { aliases: ["account2@acme.com"] })
 * ```
 *
 * @since 0.1.0
 */
export const addAliases = (
  customerId: string,
  accountId: string,
  body: AddAccountAliasesRequest,
): Effect.Effect<Account, AccountsError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.addAliases, { path: { customer_id: customerId, account_id: accountId }, body })

/**
 * Removes aliases from an account (`POST .../accounts/{account_id}/remove_aliases`).
 *
 * @since 0.1.0
 */
export const removeAliases = (
  customerId: string,
  accountId: string,
  body: RemoveAccountAliasesRequest,
): Effect.Effect<Account, AccountsError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.removeAliases, { path: { customer_id: customerId, account_id: accountId }, body })

/**
 * Associates a price plan with an account (`POST
 * .../accounts/{account_id}/price_plans`), optionally from a date, until a
 * date, and with the account's own rates.
 *
 * @example
 * ```ts
 * import * as DateTime from "effect/DateTime"
 * import { Accounts } from "@effect-togai/client"
 *
 * const schedules = Accounts.associatePricePlan("customer-1", "ACC00001", {
 *   pricePlanName: "Rides - Pro plan",
 *   effectiveFrom: DateTime.unsafeMake("2022-07-04"),
 *   effectiveUntil: DateTime.unsafeMake("2022-10-04"),
 * })
 * ```
 *
 * @since 0.1.0
 */
export const associatePricePlan = (
  customerId: string,
  accountId: string,
  body: AssociatePricePlanRequest,
): Effect.Effect<AssociatePricePlanResponse, AccountsError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.associatePricePlan, { path: { customer_id: customerId, account_id: accountId }, body })
