/**
 * Togai's operations as data: the one table a reader (and the conformance
 * test) checks against the spec.
 *
 * @internal
 * @module
 */
import * as S from "../Schemas/Accounts.ts"
import { endpoint } from "./executor.ts"

/** The Accounts group, by the spec's operationId. */
export const accounts = {
  createAccount: endpoint({
    operation: "createAccount",
    method: "POST",
    path: "/customers/{customer_id}/accounts",
    successStatus: 201,
    requestSchema: S.CreateAccountRequest,
    responseSchema: S.Account,
  }),
  getAccounts: endpoint({
    operation: "getAccounts",
    method: "GET",
    path: "/customers/{customer_id}/accounts",
    successStatus: 200,
    responseSchema: S.AccountPaginatedResponse,
  }),
  getAccount: endpoint({
    operation: "getAccount",
    method: "GET",
    path: "/customers/{customer_id}/accounts/{account_id}",
    successStatus: 200,
    responseSchema: S.Account,
  }),
  updateAccount: endpoint({
    operation: "updateAccount",
    method: "PATCH",
    path: "/customers/{customer_id}/accounts/{account_id}",
    successStatus: 200,
    requestSchema: S.UpdateAccountRequest,
    responseSchema: S.Account,
  }),
  deleteAccount: endpoint({
    operation: "deleteAccount",
    method: "DELETE",
    path: "/customers/{customer_id}/accounts/{account_id}",
    successStatus: 200,
    responseSchema: S.BaseSuccessResponse,
  }),
  addAliases: endpoint({
    operation: "addAliases",
    method: "POST",
    path: "/customers/{customer_id}/accounts/{account_id}/add_aliases",
    successStatus: 200,
    requestSchema: S.AddAccountAliasesRequest,
    responseSchema: S.Account,
  }),
  removeAliases: endpoint({
    operation: "removeAliases",
    method: "POST",
    path: "/customers/{customer_id}/accounts/{account_id}/remove_aliases",
    successStatus: 200,
    requestSchema: S.RemoveAccountAliasesRequest,
    responseSchema: S.Account,
  }),
  associatePricePlan: endpoint({
    operation: "associatePricePlan",
    method: "POST",
    path: "/customers/{customer_id}/accounts/{account_id}/price_plans",
    successStatus: 200,
    requestSchema: S.AssociatePricePlanRequest,
    responseSchema: S.AssociatePricePlanResponse,
  }),
} as const
