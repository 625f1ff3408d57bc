/**
 * Every request and response schema of the client, by its name in Togai's
 * OpenAPI document, with the date schemas they use.
 *
 * @module
 */
export * from "./Accounts.ts"
export * from "./Dates.ts"
