/**
 * The request and response shapes of Togai's Accounts group, taken from
 * the contract (`togai-openapi.yaml`, components/schemas). Each is exported
 * as a schema and a type of the same name, by its name in the spec.
 *
 * Requests are checked before anything is sent: a field the spec does not
 * know, too long an id or too many aliases fail as `InvalidRequest`.
 * Responses ignore fields they do not know (the API grows), but a missing
 * or mistyped field fails as `DecodeError`.
 *
 * @module
 */
import type * as DateTime from "effect/DateTime"
import * as Schema from "effect/Schema"
import { characterCount, hasLengthBetween, type TextLength, TextLengthId } from "../internal/text.ts"
import { TogaiDate, TogaiDateTime } from "./Dates.ts"

/**
 * A string of `minLength` to `maxLength` characters, counted as the spec's
 * `minLength` / `maxLength` count them: an emoji is one character, where
 * `string.length` (and `Schema.maxLength`) would count two.
 */
const Text = (minLength: number, maxLength: number): Schema.Schema<string> =>
  Schema.String.pipe(
    Schema.filter(
      (text) =>
        hasLengthBetween(text, minLength, maxLength) ||
        `Expected ${minLength === 0 ? "at most" : `${minLength} to`} ${maxLength} characters, got ${
          characterCount(text)
        }`,
      {
        jsonSchema: minLength === 0 ? { maxLength } : { minLength, maxLength },
        arbitrary: () => (fc) => fc.string({ unit: "binary", minLength, maxLength }),
        // The bounds, so that the response decoder checks them with `hasLengthBetween` and not through the filter.
        [TextLengthId]: { minLength, maxLength } satisfies TextLength,
      },
    ),
  )

/** The spec's `maxLength: 50` identifiers (account ids, alias names, price plan names). */
const Identifier = /* @__PURE__ */ Text(0, 50)
/** The spec's names: 3 to 255 characters. */
const Name = /* @__PURE__ */ Text(3, 255)
/** An alias in a request: 3 to 50 characters. */
const AliasName = /* @__PURE__ */ Text(3, 50)
/**
 * The spec's `number`s (rates, thresholds): finite, since JSON has no NaN
 * or Infinity (`JSON.stringify` would send `null`, which the spec rejects).
 */
const Amount = /* @__PURE__ */ Schema.JsonNumber
/** The spec's `order`: an integer from 1 to 10. */
const Order = /* @__PURE__ */ Schema.Int.pipe(Schema.greaterThanOrEqualTo(1), Schema.lessThanOrEqualTo(10))

/**
 * Whether an account or an alias is in use.
 *
 * @since 0.1.0
 */
export type AccountStatus = "ACTIVE" | "ARCHIVED"

/**
 * Whether an account or an alias is in use.
 *
 * @since 0.1.0
 */
export const AccountStatus: Schema.Schema<AccountStatus> = /* @__PURE__ */ Schema.Literal("ACTIVE", "ARCHIVED")

/**
 * An alias of an account and its status (spec: `AccountAliases`).
 *
 * @since 0.1.0
 */
export interface AccountAliases {
  /** The alias, usable instead of the account id when ingesting events. */
  readonly alias?: string | undefined
  /** `ARCHIVED` once the alias has been removed. */
  readonly status?: AccountStatus | undefined
}

/**
 * An alias of an account and its status (spec: `AccountAliases`).
 *
 * @since 0.1.0
 */
export const AccountAliases: Schema.Schema<AccountAliases> = /* @__PURE__ */ Schema.Struct({
  alias: Schema.optional(Identifier),
  status: Schema.optional(AccountStatus),
}).annotations({ identifier: "AccountAliases" })

/**
 * An account of a customer (spec: `Account`).
 *
 * @since 0.1.0
 */
export interface Account {
  /** Identifier of the account. */
  readonly id: string
  /** Name of the account. */
  readonly name: string
  /** The account's aliases, at most 10. */
  readonly aliases?: ReadonlyArray<AccountAliases> | undefined
  /** Status of the account. */
  readonly status: AccountStatus
}

/**
 * An account of a customer (spec: `Account`).
 *
 * @since 0.1.0
 */
export const Account: Schema.Schema<Account> = /* @__PURE__ */ Schema.Struct({
  id: Identifier,
  name: Name,
  aliases: Schema.optional(Schema.Array(AccountAliases).pipe(Schema.maxItems(10))),
  status: AccountStatus,
}).annotations({ identifier: "Account" })

/**
 * The payload of `createAccount` (spec: `CreateAccountRequest`).
 *
 * @since 0.1.0
 */
export interface CreateAccountRequest {
  /** Identifier of the new account, at most 50 characters. */
  readonly id: string
  /** Name of the account, 3 to 255 characters. */
  readonly name: string
  /** Up to 10 aliases, each 3 to 50 characters. */
  readonly aliases?: ReadonlyArray<string> | undefined
}

/**
 * The payload of `createAccount` (spec: `CreateAccountRequest`).
 *
 * @since 0.1.0
 */
export const CreateAccountRequest: Schema.Schema<CreateAccountRequest> = /* @__PURE__ */ Schema.Struct({
  id: Identifier,
  name: Name,
  aliases: Schema.optional(Schema.Array(AliasName).pipe(Schema.maxItems(10))),
}).annotations({ identifier: "CreateAccountRequest" })

/**
 * The payload of `updateAccount` (spec: `UpdateAccountRequest`).
 *
 * @since 0.1.0
 */
export interface UpdateAccountRequest {
  /** The new name, 3 to 255 characters. */
  readonly name?: string | undefined
}

/**
 * The payload of `updateAccount` (spec: `UpdateAccountRequest`).
 *
 * @since 0.1.0
 */
export const UpdateAccountRequest: Schema.Schema<UpdateAccountRequest> = /* @__PURE__ */ Schema.Struct({
  name: Schema.optional(Name),
}).annotations({ identifier: "UpdateAccountRequest" })

/**
 * The payload of `addAliases` (spec: `AddAccountAliasesRequest`).
 *
 * @since 0.1.0
 */
export interface AddAccountAliasesRequest {
  /** 1 to 10 aliases to add, each 3 to 50 characters. */
  readonly aliases?: ReadonlyArray<string> | undefined
}

/**
 * The payload of `addAliases` (spec: `AddAccountAliasesRequest`).
 *
 * @since 0.1.0
 */
export const AddAccountAliasesRequest: Schema.Schema<AddAccountAliasesRequest> = /* @__PURE__ */ Schema.Struct({
  aliases: Schema.optional(Schema.Array(AliasName).pipe(Schema.minItems(1), Schema.maxItems(10))),
}).annotations({ identifier: "AddAccountAliasesRequest" })

/**
 * The payload of `removeAliases` (spec: `RemoveAccountAliasesRequest`).
 *
 * @since 0.1.0
 */
export interface RemoveAccountAliasesRequest {
  /** 1 to 10 aliases to remove, each 3 to 50 characters. */
  readonly aliases?: ReadonlyArray<string> | undefined
}

/**
 * The payload of `removeAliases` (spec: `RemoveAccountAliasesRequest`).
 *
 * @since 0.1.0
 */
export const RemoveAccountAliasesRequest: Schema.Schema<RemoveAccountAliasesRequest> = /* @__PURE__ */ Schema.Struct({
  aliases: Schema.optional(Schema.Array(AliasName).pipe(Schema.minItems(1), Schema.maxItems(10))),
}).annotations({ identifier: "RemoveAccountAliasesRequest" })

/**
 * One slab of a usage rate (spec: `UsageStrategy`).
 *
 * @since 0.1.0
 */
export interface UsageStrategy {
  /** The rate charged in this slab. */
  readonly rate: number
  /** The usage after which this slab applies. */
  readonly startAfter: number
  /** The slab's position, 1 to 10. */
  readonly order: number
}

/**
 * One slab of a usage rate (spec: `UsageStrategy`).
 *
 * @since 0.1.0
 */
export const UsageStrategy: Schema.Schema<UsageStrategy> = /* @__PURE__ */ Schema.Struct({
  rate: Amount,
  startAfter: Amount,
  order: Order,
}).annotations({ identifier: "UsageStrategy" })

/**
 * The rate card of one usage meter in a usage price plan (spec: `RateCardUsage_value`).
 *
 * @since 0.1.0
 */
export interface RateCardUsageValue {
  /** Name of the rate. */
  readonly name: string
  /** `FLAT` charges the slab's rate once, `PER_UNIT` per unit of usage. */
  readonly rateStrategy: "FLAT" | "PER_UNIT"
  /** How slabs combine. */
  readonly slabStrategy: "TIER"
  /** 1 to 10 slabs. */
  readonly slabs: ReadonlyArray<UsageStrategy>
}

/**
 * The rate card of one usage meter in a usage price plan (spec: `RateCardUsage_value`).
 *
 * @since 0.1.0
 */
export const RateCardUsageValue: Schema.Schema<RateCardUsageValue> = /* @__PURE__ */ Schema.Struct({
  name: Schema.String,
  rateStrategy: Schema.Literal("FLAT", "PER_UNIT"),
  slabStrategy: Schema.Literal("TIER"),
  slabs: Schema.Array(UsageStrategy).pipe(Schema.minItems(1), Schema.maxItems(10)),
}).annotations({ identifier: "RateCardUsage_value" })

/**
 * Where a bundle starts for one usage meter (spec: `BundleStrategy_usageMeters_value`).
 *
 * @since 0.1.0
 */
export interface BundleStrategyUsageMetersValue {
  /** The usage after which the bundle applies. */
  readonly startAfter: number
}

/**
 * Where a bundle starts for one usage meter (spec: `BundleStrategy_usageMeters_value`).
 *
 * @since 0.1.0
 */
export const BundleStrategyUsageMetersValue: Schema.Schema<BundleStrategyUsageMetersValue> = /* @__PURE__ */ Schema
  .Struct({
    startAfter: Amount,
  }).annotations({ identifier: "BundleStrategy_usageMeters_value" })

/**
 * One bundle of a bundle price plan (spec: `BundleStrategy`).
 *
 * @since 0.1.0
 */
export interface BundleStrategy {
  /** Name of the bundle, 3 to 50 characters. */
  readonly name: string
  /** The bundle's rate. */
  readonly rate: number
  /** The bundle's position, 1 to 10. */
  readonly order: number
  /** Where the bundle starts, per usage meter name. */
  readonly usageMeters: { readonly [usageMeter: string]: BundleStrategyUsageMetersValue }
}

/**
 * One bundle of a bundle price plan (spec: `BundleStrategy`).
 *
 * @since 0.1.0
 */
export const BundleStrategy: Schema.Schema<BundleStrategy> = /* @__PURE__ */ Schema.Struct({
  name: AliasName,
  rate: Amount,
  order: Order,
  usageMeters: Schema.Record({ key: Schema.String, value: BundleStrategyUsageMetersValue }),
}).annotations({ identifier: "BundleStrategy" })

/**
 * The rate card of a bundle price plan (spec: `RateCardBundle`).
 *
 * @since 0.1.0
 */
export interface RateCardBundle {
  /** How bundles are charged. */
  readonly rateStrategy: "FLAT"
  /** How bundles combine. */
  readonly slabStrategy: "TIER"
  /** 1 to 10 bundles. */
  readonly bundles: ReadonlyArray<BundleStrategy>
}

/**
 * The rate card of a bundle price plan (spec: `RateCardBundle`).
 *
 * @since 0.1.0
 */
export const RateCardBundle: Schema.Schema<RateCardBundle> = /* @__PURE__ */ Schema.Struct({
  rateStrategy: Schema.Literal("FLAT"),
  slabStrategy: Schema.Literal("TIER"),
  bundles: Schema.Array(BundleStrategy).pipe(Schema.minItems(1), Schema.maxItems(10)),
}).annotations({ identifier: "RateCardBundle" })

/**
 * A rate card: usage rates per usage meter, or bundles (spec: `RateCard`).
 *
 * @since 0.1.0
 */
export interface RateCard {
  /** Which of the two configurations applies. */
  readonly type: "USAGE" | "BUNDLE"
  /** Usage rates, per usage meter name. */
  readonly usageConfig?: { readonly [usageMeter: string]: RateCardUsageValue } | undefined
  /** Bundles. */
  readonly bundleConfig?: RateCardBundle | undefined
}

/**
 * A rate card: usage rates per usage meter, or bundles (spec: `RateCard`).
 *
 * @since 0.1.0
 */
export const RateCard: Schema.Schema<RateCard> = /* @__PURE__ */ Schema.Struct({
  type: Schema.Literal("USAGE", "BUNDLE"),
  usageConfig: Schema.optional(Schema.Record({ key: Schema.String, value: RateCardUsageValue })),
  bundleConfig: Schema.optional(RateCardBundle),
}).annotations({ identifier: "RateCard" })

/**
 * The payload of `associatePricePlan` (spec: `AssociatePricePlanRequest`).
 *
 * @since 0.1.0
 */
export interface AssociatePricePlanRequest {
  /** Name of the price plan, at most 50 characters. */
  readonly pricePlanName: string
  /**
   * The day the association takes effect. Expected only if the account
   * already has a price plan.
   */
  readonly effectiveFrom?: DateTime.Utc | undefined
  /** The last day of the association; only together with `effectiveFrom`. */
  readonly effectiveUntil?: DateTime.Utc | undefined
  /** Rates that replace the price plan's own for this account. */
  readonly rateCardOverride?: RateCard | undefined
}

/**
 * `AssociatePricePlanRequest` as it is sent: dates as `YYYY-MM-DD` strings.
 *
 * @since 0.1.0
 */
export interface AssociatePricePlanRequestEncoded {
  /** Name of the price plan. */
  readonly pricePlanName: string
  /** `YYYY-MM-DD`. */
  readonly effectiveFrom?: string | undefined
  /** `YYYY-MM-DD`. */
  readonly effectiveUntil?: string | undefined
  /** Rates that replace the price plan's own for this account. */
  readonly rateCardOverride?: RateCard | undefined
}

/**
 * The payload of `associatePricePlan` (spec: `AssociatePricePlanRequest`).
 * As the spec says, `effectiveUntil` is accepted only with `effectiveFrom`.
 *
 * @since 0.1.0
 */
export const AssociatePricePlanRequest: Schema.Schema<
  AssociatePricePlanRequest,
  AssociatePricePlanRequestEncoded
> = /* @__PURE__ */ Schema.Struct({
  pricePlanName: Identifier,
  effectiveFrom: Schema.optional(TogaiDate),
  effectiveUntil: Schema.optional(TogaiDate),
  rateCardOverride: Schema.optional(RateCard),
}).pipe(
  Schema.filter((request) =>
    request.effectiveUntil === undefined || request.effectiveFrom !== undefined ||
    { path: ["effectiveUntil"], message: "effectiveUntil is expected only together with effectiveFrom" }
  ),
).annotations({ identifier: "AssociatePricePlanRequest" })

/**
 * A price plan over a period, with the account's override if any (spec: `PlanOverride`).
 *
 * @since 0.1.0
 */
export interface PlanOverride {
  /** Name of the price plan. */
  readonly pricePlanName: string
  /** The account's own rates for the period, if any. */
  readonly override?: RateCard | undefined
  /** When the period starts. */
  readonly startDate: DateTime.Utc
  /** When the period ends. */
  readonly endDate: DateTime.Utc
}

/**
 * `PlanOverride` as Togai sends it: dates as ISO 8601 strings.
 *
 * @since 0.1.0
 */
export interface PlanOverrideEncoded {
  /** Name of the price plan. */
  readonly pricePlanName: string
  /** The account's own rates for the period; Togai sends `null` for none. */
  readonly override?: RateCard | null | undefined
  /** ISO 8601. */
  readonly startDate: string
  /** ISO 8601. */
  readonly endDate: string
}

/**
 * A price plan over a period, with the account's override if any (spec:
 * `PlanOverride`). An `override` of `null`, as Togai's own example shows,
 * decodes as absent.
 *
 * @since 0.1.0
 */
export const PlanOverride: Schema.Schema<PlanOverride, PlanOverrideEncoded> = /* @__PURE__ */ Schema.Struct({
  pricePlanName: Schema.String,
  override: Schema.optionalWith(RateCard, { nullable: true }),
  startDate: TogaiDateTime,
  endDate: TogaiDateTime,
}).annotations({ identifier: "PlanOverride" })

/**
 * The answer to `associatePricePlan` (spec: `AssociatePricePlanResponse`).
 *
 * @since 0.1.0
 */
export interface AssociatePricePlanResponse {
  /** Identifier of the account. */
  readonly accountId: string
  /** Name of the account. */
  readonly accountName: string
  /** The account's price plans over time, after the association. */
  readonly pricingSchedules: ReadonlyArray<PlanOverride>
}

/**
 * `AssociatePricePlanResponse` as Togai sends it.
 *
 * @since 0.1.0
 */
export interface AssociatePricePlanResponseEncoded {
  /** Identifier of the account. */
  readonly accountId: string
  /** Name of the account. */
  readonly accountName: string
  /** The account's price plans over time. */
  readonly pricingSchedules: ReadonlyArray<PlanOverrideEncoded>
}

/**
 * The answer to `associatePricePlan` (spec: `AssociatePricePlanResponse`).
 *
 * @since 0.1.0
 */
export const AssociatePricePlanResponse: Schema.Schema<
  AssociatePricePlanResponse,
  AssociatePricePlanResponseEncoded
> = /* @__PURE__ */ Schema.Struct({
  accountId: Identifier,
  accountName: Schema.String,
  pricingSchedules: Schema.Array(PlanOverride),
}).annotations({ identifier: "AssociatePricePlanResponse" })

/**
 * How a page was produced (spec: `PaginationOptions`).
 *
 * @since 0.1.0
 */
export interface PaginationOptions {
  /** The page size used. */
  readonly pageSize?: number | undefined
  /** The sort order used. */
  readonly sortOrder?: "ASC" | "DESC" | undefined
}

/**
 * `PaginationOptions` as Togai sends it: the spec's own example writes the
 * sort order in lower case, so either case is read.
 *
 * @since 0.1.0
 */
export interface PaginationOptionsEncoded {
  /** The page size used. */
  readonly pageSize?: number | undefined
  /** `ASC` or `DESC`, in upper or lower case. */
  readonly sortOrder?: "ASC" | "DESC" | "asc" | "desc" | undefined
}

const SortOrder = /* @__PURE__ */ Schema.transform(
  Schema.Literal("ASC", "DESC", "asc", "desc"),
  Schema.Literal("ASC", "DESC"),
  {
    strict: true,
    decode: (order) => order === "asc" || order === "ASC" ? "ASC" as const : "DESC" as const,
    encode: (order) => order,
  },
)

/**
 * How a page was produced (spec: `PaginationOptions`).
 *
 * @since 0.1.0
 */
export const PaginationOptions: Schema.Schema<PaginationOptions, PaginationOptionsEncoded> = /* @__PURE__ */ Schema
  .Struct({
    pageSize: Schema.optional(Schema.Int),
    sortOrder: Schema.optional(SortOrder),
  }).annotations({ identifier: "PaginationOptions" })

/**
 * One page of a customer's accounts (spec: `AccountPaginatedResponse`).
 *
 * @since 0.1.0
 */
export interface AccountPaginatedResponse {
  /** The accounts on this page. */
  readonly data?: ReadonlyArray<Account> | undefined
  /** Pass it back to get the next page; absent or empty on the last page. */
  readonly nextToken?: string | undefined
  /** How the page was produced. */
  readonly context?: PaginationOptions | undefined
}

/**
 * `AccountPaginatedResponse` as Togai sends it.
 *
 * @since 0.1.0
 */
export interface AccountPaginatedResponseEncoded {
  /** The accounts on this page. */
  readonly data?: ReadonlyArray<Account> | undefined
  /** The token of the next page. */
  readonly nextToken?: string | undefined
  /** How the page was produced. */
  readonly context?: PaginationOptionsEncoded | undefined
}

/**
 * One page of a customer's accounts (spec: `AccountPaginatedResponse`).
 *
 * @since 0.1.0
 */
export const AccountPaginatedResponse: Schema.Schema<AccountPaginatedResponse, AccountPaginatedResponseEncoded> =
  /* @__PURE__ */ Schema
    .Struct({
      data: Schema.optional(Schema.Array(Account)),
      nextToken: Schema.optional(Schema.String),
      context: Schema.optional(PaginationOptions),
    }).annotations({ identifier: "AccountPaginatedResponse" })

/**
 * The answer to a delete (spec: `BaseSuccessResponse`).
 *
 * @since 0.1.0
 */
export interface BaseSuccessResponse {
  /** Whether the operation succeeded. */
  readonly success: boolean
}

/**
 * The answer to a delete (spec: `BaseSuccessResponse`).
 *
 * @since 0.1.0
 */
export const BaseSuccessResponse: Schema.Schema<BaseSuccessResponse> = /* @__PURE__ */ Schema.Struct({
  success: Schema.Boolean,
}).annotations({ identifier: "BaseSuccessResponse" })

/**
 * The body of Togai's error responses (spec: `ErrorResponse`).
 *
 * @since 0.1.0
 */
export interface ErrorResponse {
  /** What went wrong, at most 500 characters. */
  readonly message: string
}

/**
 * The body of Togai's error responses (spec: `ErrorResponse`).
 *
 * @since 0.1.0
 */
export const ErrorResponse: Schema.Schema<ErrorResponse> = /* @__PURE__ */ Schema.Struct({
  message: Text(0, 500),
}).annotations({ identifier: "ErrorResponse" })
