/**
 * Togai's Customers group: the five customer operations, and a `Stream`
 * over every customer of the organisation.
 *
 * A customer is who Togai bills; creating one also creates its default
 * account (or the account given in the request), which is what events are
 * ingested against. Every operation returns an `Effect` that needs an
 * `HttpClient` and `Auth` (provide both at once with `Togai.layer`) and
 * fails with a tagged error of `TogaiError` (`CustomersError`):
 * `Effect.catchTag` recovers from exactly the ones a caller understands.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Customers, Togai } from "@effect-togai/client"
 *
 * const program = Effect.gen(function* () {
 *   const customer = yield* Customers.createCustomer({
 *     id: "CUST00001",
 *     name: "ACME Enterprise",
 *     primaryEmail: "admin@example.com",
 *     billingAddress: "201 Boulevard, Suite 400, Seattle, WA 98101, United States",
 *     account: { id: "ACC00001", name: "Primary Account", aliases: ["acme_primary"] },
 *   })
 *   yield* Customers.updateCustomer(customer.id, { primaryEmail: "billing@example.com" })
 *   return yield* Customers.getCustomer(customer.id)
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
import type { BaseSuccessResponse } from "./Schemas/Common.ts"
import type {
  CreateCustomerRequest,
  CreateCustomerResponse,
  Customer,
  CustomerPaginatedResponse,
  GetCustomersOptions,
  UpdateCustomerRequest,
} from "./Schemas/Customers.ts"
import type { OperationError, PaginationError } from "./TogaiError.ts"

/**
 * What a Customers operation can fail with: the statuses its contract
 * documents (400, 401, 403, 404, 429), and what any call can.
 *
 * @since 0.2.0
 * @category errors
 */
export type CustomersError = OperationError<400 | 401 | 403 | 404 | 429>

/**
 * Gets one page of customers (`GET /customers`). Pass the page's
 * `nextToken` back to get the next one, or use {@link stream} to read them
 * all.
 *
 * @example
 * ```ts
 * import { Customers } from "@effect-togai/client"
 *
 * const firstPage = Customers.getCustomers({ pageSize: 50 })
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const getCustomers = (
  options: GetCustomersOptions = {},
): Effect.Effect<CustomerPaginatedResponse, CustomersError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.getCustomers, { query: options })

/**
 * Every customer, page after page. A page is fetched only when the consumer
 * pulls past the previous one, so `Stream.take(n)` fetches only the pages it
 * needs. The stream ends on the last page (no or empty `nextToken`) and
 * fails with `PaginationError` if the server hands out a token twice or too
 * many empty pages in a row, rather than looping forever.
 *
 * @example
 * ```ts
 * import * as Stream from "effect/Stream"
 * import { Customers } from "@effect-togai/client"
 *
 * const activeEmails = Customers.stream({ pageSize: 50 }).pipe(
 *   Stream.filter((customer) => customer.status === "ACTIVE"),
 *   Stream.map((customer) => customer.primaryEmail),
 *   Stream.runCollect,
 * )
 * ```
 *
 * @since 0.2.0
 * @category streams
 */
export const stream = (
  options: Omit<GetCustomersOptions, "nextToken"> = {},
): Stream.Stream<Customer, CustomersError | PaginationError, HttpClient.HttpClient | Auth> =>
  paginate(endpoints.getCustomers, { query: options })

/**
 * Creates a customer and its account (`POST /customers`, 201): the account
 * of the request, or a default one when the request names none.
 *
 * @example
 * ```ts
 * import { Customers } from "@effect-togai/client"
 *
 * const created = Customers.createCustomer({
 *   id: "CUST00001",
 *   name: "ACME Enterprise",
 *   primaryEmail: "admin@example.com",
 *   // the contract asks for 50 to 1000 characters
 *   billingAddress: "201 Boulevard, Suite 400, Seattle, WA 98101, United States",
 * })
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const createCustomer = (
  body: CreateCustomerRequest,
): Effect.Effect<CreateCustomerResponse, CustomersError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.createCustomer, { body })

/**
 * Gets one customer (`GET /customers/{customer_id}`).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Customers } from "@effect-togai/client"
 *
 * const customerOrNull = Customers.getCustomer("CUST00001").pipe(
 *   Effect.catchTag("NotFound", () => Effect.succeed(null)),
 * )
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const getCustomer = (
  customerId: string,
): Effect.Effect<Customer, CustomersError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.getCustomer, { path: { customer_id: customerId } })

/**
 * Updates a customer's name, primary email or billing address (`PATCH
 * /customers/{customer_id}`); the fields left out keep their value.
 *
 * @example
 * ```ts
 * import { Customers } from "@effect-togai/client"
 *
 * const updated = Customers.updateCustomer("CUST00001", { primaryEmail: "billing@example.com" })
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const updateCustomer = (
  customerId: string,
  body: UpdateCustomerRequest,
): Effect.Effect<Customer, CustomersError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.updateCustomer, { path: { customer_id: customerId }, body })

/**
 * Deletes a customer (`DELETE /customers/{customer_id}`).
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Customers } from "@effect-togai/client"
 *
 * // deleting a customer that is already gone is not an error here
 * const deleted = Customers.deleteCustomer("CUST00001").pipe(
 *   Effect.catchTag("NotFound", () => Effect.succeed({ success: true })),
 * )
 * ```
 *
 * @since 0.2.0
 * @category operations
 */
export const deleteCustomer = (
  customerId: string,
): Effect.Effect<BaseSuccessResponse, CustomersError, HttpClient.HttpClient | Auth> =>
  execute(endpoints.deleteCustomer, { path: { customer_id: customerId } })
