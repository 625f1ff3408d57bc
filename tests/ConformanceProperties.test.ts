/**
 * Property tests of our schemas against the spec's (checked with ajv):
 *
 * - requests: any value our request schemas accept (generated with
 *   `effect/Arbitrary` from our own schema) encodes to JSON that the spec's
 *   schema accepts;
 * - responses: any JSON the spec's response schema accepts (generated from
 *   the spec's JSON Schema itself by `arbitraryFromSpec`, unknown fields
 *   included where the spec leaves an object open) decodes with ours.
 *
 * 200 cases a schema, so `deno task test` stays fast.
 */
import assert from "node:assert/strict"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as S from "../src/Schemas/mod.ts"
import { arbitraryFromSpec, specProblems, specSchemas } from "./support/spec.ts"

const numRuns = 200

/** Checks one request schema: everything it accepts, encoded and sent as JSON, is valid for the spec. */
const requestProperty = <A, I>(specName: string, schema: Schema.Schema<A, I>): void => {
  const encode = Schema.encodeEither(schema, { errors: "all", onExcessProperty: "error" })
  FastCheck.assert(
    FastCheck.property(Arbitrary.make(schema), (value) => {
      const encoded = encode(value)
      if (Either.isLeft(encoded)) {
        throw new Error(`our schema accepts a value it cannot encode: ${encoded.left.message}`)
      }
      const wire: unknown = JSON.parse(JSON.stringify(encoded.right))
      assert.deepEqual(specProblems(specName, wire), [], `sent ${JSON.stringify(wire)}`)
    }),
    { numRuns },
  )
}

/** Checks one response schema: everything the spec's schema accepts decodes with ours. */
const responseProperty = <A, I>(specName: string, schema: Schema.Schema<A, I>): void => {
  const decode = Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "ignore" })
  FastCheck.assert(
    FastCheck.property(arbitraryFromSpec(specSchemas[specName], { extraFields: true }), (json) => {
      // The generator is checked too: it must produce what the spec accepts.
      assert.deepEqual(specProblems(specName, json), [], `generated ${JSON.stringify(json)}`)
      const decoded = decode(json)
      if (Either.isLeft(decoded)) {
        throw new Error(`the spec accepts ${JSON.stringify(json)}, we do not: ${decoded.left.message}`)
      }
    }),
    { numRuns },
  )
}

Deno.test("what our request schemas accept, the spec accepts once encoded", async (t) => {
  await t.step("CreateAccountRequest", () => requestProperty("CreateAccountRequest", S.CreateAccountRequest))
  await t.step("UpdateAccountRequest", () => requestProperty("UpdateAccountRequest", S.UpdateAccountRequest))
  await t.step(
    "AddAccountAliasesRequest",
    () => requestProperty("AddAccountAliasesRequest", S.AddAccountAliasesRequest),
  )
  await t.step(
    "RemoveAccountAliasesRequest",
    () => requestProperty("RemoveAccountAliasesRequest", S.RemoveAccountAliasesRequest),
  )
  await t.step(
    "AssociatePricePlanRequest",
    () => requestProperty("AssociatePricePlanRequest", S.AssociatePricePlanRequest),
  )
})

Deno.test("what the spec's response schemas accept, ours decode", async (t) => {
  await t.step("Account", () => responseProperty("Account", S.Account))
  await t.step(
    "AccountPaginatedResponse",
    () => responseProperty("AccountPaginatedResponse", S.AccountPaginatedResponse),
  )
  await t.step(
    "AssociatePricePlanResponse",
    () => responseProperty("AssociatePricePlanResponse", S.AssociatePricePlanResponse),
  )
  await t.step("BaseSuccessResponse", () => responseProperty("BaseSuccessResponse", S.BaseSuccessResponse))
  await t.step("ErrorResponse", () => responseProperty("ErrorResponse", S.ErrorResponse))
})

Deno.test("the spec generator can fail: a schema narrower than the spec is caught", () => {
  const narrower = Schema.Struct({ success: Schema.Literal(true) })
  assert.throws(() => responseProperty("BaseSuccessResponse", narrower), /the spec accepts \{"success":false\}/)
})
