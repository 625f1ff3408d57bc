/**
 * Togai's operations as data: the one table a reader (and the conformance
 * test) checks against the spec.
 *
 * @internal
 * @module
 */
import * as S from "../Schemas/Accounts.ts"
import { endpoint } from "./executor.ts"

/** `createAccount`. */
export const createAccount = /* @__PURE__ */ endpoint({
  operation: "createAccount",
  method: "POST",
  path: "/customers/{customer_id}/accounts",
  successStatus: 201,
  requestSchema: S.CreateAccountRequest,
  responseSchema: S.Account,
})

/** `getAccounts`. */
export const getAccounts = /* @__PURE__ */ endpoint({
  operation: "getAccounts",
  method: "GET",
  path: "/customers/{customer_id}/accounts",
  successStatus: 200,
  responseSchema: S.AccountPaginatedResponse,
})

/** `getAccount`. */
export const getAccount = /* @__PURE__ */ endpoint({
  operation: "getAccount",
  method: "GET",
  path: "/customers/{customer_id}/accounts/{account_id}",
  successStatus: 200,
  responseSchema: S.Account,
})

/** `updateAccount`. */
export const updateAccount = /* @__PURE__ */ endpoint({
  operation: "updateAccount",
  method: "PATCH",
  path: "/customers/{customer_id}/accounts/{account_id}",
  successStatus: 200,
  requestSchema: S.UpdateAccountRequest,
  responseSchema: S.Account,
})

/** `deleteAccount`. */
export const deleteAccount = /* @__PURE__ */ endpoint({
  operation: "deleteAccount",
  method: "DELETE",
  path: "/customers/{customer_id}/accounts/{account_id}",
  successStatus: 200,
  responseSchema: S.BaseSuccessResponse,
})

/** `addAliases`. */
export const addAliases = /* @__PURE__ */ endpoint({
  operation: "addAliases",
  method: "POST",
  path: "/customers/{customer_id}/accounts/{account_id}/add_aliases",
  successStatus: 200,
  requestSchema: S.AddAccountAliasesRequest,
  responseSchema: S.Account,
})

/** `removeAliases`. */
export const removeAliases = /* @__PURE__ */ endpoint({
  operation: "removeAliases",
  method: "POST",
  path: "/customers/{customer_id}/accounts/{account_id}/remove_aliases",
  successStatus: 200,
  requestSchema: S.RemoveAccountAliasesRequest,
  responseSchema: S.Account,
})

/** `associatePricePlan`. */
export const associatePricePlan = /* @__PURE__ */ endpoint({
  operation: "associatePricePlan",
  method: "POST",
  path: "/customers/{customer_id}/accounts/{account_id}/price_plans",
  successStatus: 200,
  requestSchema: S.AssociatePricePlanRequest,
  responseSchema: S.AssociatePricePlanResponse,
})

/**
 * The Accounts group, by the spec's operationId. Operations import their
 * endpoint one by one, so a bundle keeps only the ones it calls.
 */
export const accounts = {
  createAccount,
  getAccounts,
  getAccount,
  updateAccount,
  deleteAccount,
  addAliases,
  removeAliases,
  associatePricePlan,
} as const
