/**
 * The project's deliberate choices about Togai's contract: everything the
 * generator (`tools/generate.ts`) does not read straight from
 * `../shared/spec/togai-openapi.yaml`, each with why. The runtime pieces
 * these name live in `src/internal/fields.ts` (private building blocks),
 * `src/Schemas/Dates.ts` and `src/Schemas/JsonLogic.ts` (public).
 *
 * @module
 */

/** A schema expression the generator writes in place of what the spec says, with its TypeScript types. */
export interface FieldOverride {
  /** The expression (it may use `F.` from src/internal/fields.ts, `TogaiDate`, `TogaiDateTime`, `JsonLogic`). */
  readonly schema: string
  /** The decoded TypeScript type. */
  readonly type: string
  /** The wire TypeScript type. */
  readonly encoded: string
  /** Why. */
  readonly why: string
}

/** How the spec's string formats map to schemas (the decoded type is `DateTime.Utc`, so callers compute with dates). */
export const formats: Readonly<Record<string, FieldOverride>> = {
  date: {
    schema: "TogaiDate",
    type: "DateTime.Utc",
    encoded: "string",
    why: "a `date` is a calendar day: YYYY-MM-DD on the wire, a DateTime.Utc at midnight UTC in TypeScript",
  },
  "date-time": {
    schema: "TogaiDateTime",
    type: "DateTime.Utc",
    encoded: "string",
    why: "a `date-time` is an instant; Togai sometimes omits the offset, which is read as UTC (src/Schemas/Dates.ts)",
  },
}

/**
 * Lengths are counted in characters (code points), as JSON Schema's
 * `maxLength` counts them, not in UTF-16 units as `string.length` does: the
 * generator writes every `minLength`/`maxLength` as `F.Text(min, max)`.
 */
export const lengthsInCharacters = true

/**
 * Fields whose schema is not what the spec says, by `Schema.field`.
 */
export const fields: Readonly<Record<string, FieldOverride>> = {
  "PlanOverride.override": {
    schema: "Schema.optionalWith(RateCard, { nullable: true })",
    type: "RateCard",
    encoded: "RateCard | null",
    why: "the spec's own example (AssociatePricePlanResponse) sends `override: null`, which OpenAPI 3.0 " +
      "does not allow without `nullable`; null reads as absent",
  },
  "PaginationOptions.sortOrder": {
    schema: "F.SortOrder",
    type: '"ASC" | "DESC"',
    encoded: '"ASC" | "DESC" | "asc" | "desc"',
    why: "the spec's own example tokens and AccountPaginatedResponse write the sort order in lower case",
  },
  "CreateUsageMeterRequest.filters": {
    schema: "JsonLogic(1500)",
    type: "JsonLogicInput",
    encoded: "string",
    why: "JSON-logic is carried as a string; callers may write the rule as an object, which is sent as its JSON text",
  },
  "CreateUsageMeterRequest.computation": {
    schema: "JsonLogic(500)",
    type: "JsonLogicInput",
    encoded: "string",
    why: "as filters",
  },
  "UpdateUsageMeterRequest.filters": {
    schema: "JsonLogic(1500)",
    type: "JsonLogicInput",
    encoded: "string",
    why: "as CreateUsageMeterRequest.filters",
  },
  "UpdateUsageMeterRequest.computation": {
    schema: "JsonLogic(500)",
    type: "JsonLogicInput",
    encoded: "string",
    why: "as CreateUsageMeterRequest.filters",
  },
}

/**
 * Fields whose constraints the project corrects, by `Schema.field`, in the
 * same form as {@link fields}.
 */
export const corrections: Readonly<Record<string, FieldOverride>> = {
  "GetEventsResponse.events": {
    schema: "Schema.Array(EventWithStatus).pipe(Schema.maxItems(50))",
    type: "ReadonlyArray<EventWithStatus>",
    encoded: "ReadonlyArray<EventWithStatusEncoded>",
    why: "the spec's minItems: 1 would make a filter that matches nothing (or a last page) a DecodeError; " +
      "an empty page is an answer",
  },
  "Customer.billingAddress": {
    schema: "F.Text(0, 1000)",
    type: "string",
    encoded: "string",
    why: "the spec's own examples answer a 23-character address; minLength 50 binds what a client sends " +
      "(CreateCustomerRequest keeps it), and a shorter address Togai holds must not fail a read",
  },
  "CreateCustomerResponse.billingAddress": {
    schema: "F.Text(0, 1000)",
    type: "string",
    encoded: "string",
    why: "as Customer.billingAddress",
  },
  "UsageMeter.filters": {
    schema: "JsonLogicAnswer(1500)",
    type: "JsonLogicInput",
    encoded: "string | JsonLogicRule",
    why: "read as Togai sends it: the contract says a string, the spec's own examples answer rules as objects",
  },
  "UsageMeter.computation": {
    schema: "JsonLogicAnswer(500)",
    type: "JsonLogicInput",
    encoded: "string | JsonLogicRule",
    why: "as UsageMeter.filters",
  },
  "Event.id": {
    schema: "F.Text(1, 255)",
    type: "string",
    encoded: "string",
    why: "the id is the idempotency key: an empty one would de-duplicate every event that forgot it",
  },
  "GetMetricsRequest.metricQueries": {
    schema: "Schema.Array(MetricQuery).pipe(Schema.minItems(1), Schema.maxItems(5), F.uniqueItems())",
    type: "ReadonlyArray<MetricQuery>",
    encoded: "ReadonlyArray<MetricQuery>",
    why: "Togai answers at most five queries a request (its metrics docs); none is no question",
  },
}

/**
 * Path parameters whose `maxLength` the spec gets wrong, by
 * `operationId.name`.
 */
export const pathParameterMaxLength: Readonly<Record<string, { readonly maxLength: number; readonly why: string }>> = {
  "getSingleEvent.event_id": {
    maxLength: 255,
    why:
      "Event.id allows 255 characters; with the spec's 50, an event ingested with a longer id could never be read back",
  },
}

/**
 * Properties the spec names wrongly, by `Schema.specName`: the name used
 * instead.
 */
export const renamedProperties: Readonly<Record<string, string>> = {
  // `required: [eventPipelineInfo]` beside `properties: { EventPipelineInfo }`: every other property of the spec is
  // camelCase, and a required property that is never declared cannot be satisfied; the lower-case name is the one
  // that can be both.
  "EventWithStatusAndEventPipelineInfo_allOf.EventPipelineInfo": "eventPipelineInfo",
}

/** Whole-object rules the spec states in prose, by schema name: a `Schema.filter` over the decoded value. */
export const objectRules: Readonly<Record<string, { readonly filter: string; readonly why: string }>> = {
  AssociatePricePlanRequest: {
    filter: "F.effectiveWindow",
    why: "the spec's description: effectiveUntil is expected only if effectiveFrom is present; " +
      "and an association cannot end before it starts",
  },
  GetMetricsRequest: {
    filter: "F.timeWindow",
    why: "a metrics window must end after it starts",
  },
}

/**
 * Schemas that are request bodies: the client sends them closed (a field
 * the contract does not know fails as InvalidRequest, unsent) because
 * `additionalProperties: false` binds the sender. Every other schema is
 * read open (unknown response fields are ignored: the API grows). Derived
 * by the generator from the operations' request bodies; listed here only
 * to say why.
 */
export const closedRequests = "every schema reachable from a request body is encoded with onExcessProperty: error"

/**
 * Query parameters: what the spec types as strings but means as numbers,
 * lists or instants, by `operationId.name` or by `name` for all operations.
 */
export const queryParameters: Readonly<Record<string, FieldOverride>> = {
  pageSize: {
    schema: "F.PageSize",
    type: "number",
    encoded: "string",
    why: 'the spec types pageSize as a string with the example "10" (an integer in getEvents): a positive integer',
  },
  nextToken: {
    schema: "F.NextToken",
    type: "string",
    encoded: "string",
    why: "an opaque token, passed back as given",
  },
  sortOrder: {
    schema: "F.SortOrderParameter",
    type: '"ASC" | "DESC"',
    encoded: "string",
    why: "the spec's enum",
  },
  "listEventSchemas.statuses": {
    schema: 'F.ListOf("DRAFT", "ACTIVE", "INACTIVE", "ARCHIVED")',
    type: 'ReadonlyArray<"DRAFT" | "ACTIVE" | "INACTIVE" | "ARCHIVED">',
    encoded: "string",
    why: "a comma-separated list of EventSchema.status values",
  },
  "getUsageMetersForEventSchema.statuses": {
    schema: 'F.ListOf("DRAFT", "ACTIVE", "INACTIVE", "ARCHIVED")',
    type: 'ReadonlyArray<"DRAFT" | "ACTIVE" | "INACTIVE" | "ARCHIVED">',
    encoded: "string",
    why: "a comma-separated list of UsageMeter.status values",
  },
  "getUsageMetersForEventSchema.aggregations": {
    schema: 'F.ListOf("COUNT", "SUM")',
    type: 'ReadonlyArray<"COUNT" | "SUM">',
    encoded: "string",
    why: "a comma-separated list of UsageMeter.aggregation values",
  },
  version: {
    schema: "F.Version",
    type: "number",
    encoded: "string",
    why: "an event schema version: an integer from 1",
  },
  start_time: {
    schema: "F.EpochMillis",
    type: "DateTime.DateTime | number",
    encoded: "string",
    why: "epoch milliseconds (int64): a DateTime or a number of milliseconds",
  },
  end_time: {
    schema: "F.EpochMillis",
    type: "DateTime.DateTime | number",
    encoded: "string",
    why: "as start_time",
  },
  status: {
    schema: "F.QueryText",
    type: "string",
    encoded: "string",
    why: "free text in the spec (example PROCESSED)",
  },
  account_id: {
    schema: "F.QueryText",
    type: "string",
    encoded: "string",
    why: "an account id or alias",
  },
}

/**
 * Operations whose POST is safe to send again: ingestion, because Togai
 * de-duplicates events by `Event.id` (the spec's words: the id "acts as the
 * idempotency key").
 */
export const idempotentByEventId: ReadonlyArray<string> = ["ingest", "ingestBatch"]

/** Which module each of the spec's tags belongs to. */
export const groups: Readonly<Record<string, string>> = {
  customers: "Customers",
  accounts: "Accounts",
  events: "EventSchemas",
  usage_meters: "UsageMeters",
  price_plans: "PricePlans",
  "Event Ingestion": "Events",
  "Event Management": "Events",
  Metrics: "Metrics",
}

/** The statuses that have a tag of their own (`TogaiError`); any other documented status maps to UnexpectedStatus. */
export const taggedStatuses: ReadonlyArray<number> = [400, 401, 403, 404, 422, 429, 503]

/**
 * The spec's own examples that its own schemas reject: listed so that the
 * conformance test asserts exactly these, and a new spec version is looked
 * at. Each line is what the test prints.
 */
export const brokenExamplesWhy = "see tests/Conformance.test.ts: expectedSpecInconsistencies"
