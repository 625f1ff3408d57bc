/**
 * The compiled response decoder gives exactly what `Schema.decodeUnknown`
 * gives: the same value (same keys, same order) when the body matches, the
 * same error when it does not. Checked on generated bodies, valid and
 * broken, for every response schema of the Accounts group. The request
 * encoder, built by the same compiler, gives exactly what
 * `Schema.encodeEither` gives (unknown keys are errors there), checked on
 * generated request bodies and on the odd values a caller can pass.
 */
import assert from "node:assert/strict"
import * as Arbitrary from "effect/Arbitrary"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { Schemas } from "../mod.ts"
import { requestEncoder, responseDecoder } from "../src/internal/fastDecode.ts"
import { accountAt, pageAt } from "../bench/server.ts"

/** A deterministic generator, so a failure can be replayed. */
const random = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31
  return seed / 2 ** 31
}

const oddValues: ReadonlyArray<unknown> = [
  undefined,
  null,
  0,
  -1.5,
  Number.NaN,
  "",
  "x",
  "ab",
  "y".repeat(51),
  "z".repeat(256),
  "😀".repeat(50),
  "😀".repeat(51),
  "é😀",
  true,
  [],
  {},
  ["a"],
  "ACTIVE",
  "ARCHIVED",
  "asc",
  "2024-01-01",
]

/** Changes one place of `value`: drops, replaces or adds a key, or replaces an element. */
const mutate = (value: unknown, next: () => number): unknown => {
  const pick = <T>(items: ReadonlyArray<T>): T => items[Math.floor(next() * items.length)]
  if (Array.isArray(value)) {
    if (value.length === 0 || next() < 0.2) return [...value, pick(oddValues)]
    const i = Math.floor(next() * value.length)
    return value.map((item, j) => (j === i ? (next() < 0.5 ? mutate(item, next) : pick(oddValues)) : item))
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
    const roll = next()
    if (roll < 0.15 || entries.length === 0) return { ...value, [pick(["extra", "createdAt", "id"])]: pick(oddValues) }
    const [key, inner] = pick(entries)
    if (roll < 0.3) return Object.fromEntries(entries.filter(([k]) => k !== key))
    if (roll < 0.45) return { ...value, [key]: pick(oddValues) }
    return { ...value, [key]: mutate(inner, next) }
  }
  return pick(oddValues)
}

/** The objects and arrays in `value`, at any depth. */
const objectsOf = (value: unknown, found: Set<unknown> = new Set()): Set<unknown> => {
  if (typeof value === "object" && value !== null && !found.has(value)) {
    found.add(value)
    for (const inner of Object.values(value)) objectsOf(inner, found)
  }
  return found
}

/** Whether the output holds an object or array of the input (the schema's decoder always makes new ones). */
const sharesObjects = (output: unknown, input: unknown): boolean => {
  const inputs = objectsOf(input)
  return [...objectsOf(output)].some((value) => inputs.has(value))
}

const same = (schema: Schema.Schema<unknown, unknown>, samples: ReadonlyArray<unknown>) => {
  const fast = responseDecoder(schema)
  const full = Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "ignore" })
  let accepted = 0
  for (const input of samples) {
    const expected = full(input)
    const actual = fast(input)
    assert.equal(actual._tag, expected._tag, `tag for ${JSON.stringify(input)}`)
    if (Either.isRight(expected) && Either.isRight(actual)) {
      accepted++
      assert.deepStrictEqual(actual.right, expected.right)
      assert.deepEqual(Object.keys(actual.right ?? {}), Object.keys(expected.right ?? {}), "the same key order")
      assert.ok(!sharesObjects(actual.right, input), `new objects and arrays only: ${JSON.stringify(input)}`)
    } else if (Either.isLeft(expected) && Either.isLeft(actual)) {
      assert.equal(
        ParseResult.TreeFormatter.formatErrorSync(actual.left),
        ParseResult.TreeFormatter.formatErrorSync(expected.left),
      )
    }
  }
  return accepted
}

const variants = (seeds: ReadonlyArray<unknown>, count: number, seed: number): Array<unknown> => {
  const next = random(seed)
  const out: Array<unknown> = [...seeds]
  for (let i = 0; i < count; i++) {
    let value = seeds[i % seeds.length]
    const depth = 1 + Math.floor(next() * 3)
    for (let d = 0; d < depth; d++) value = mutate(value, next)
    out.push(value)
  }
  return out
}

Deno.test("Account: the fast decoder agrees with the schema on valid and broken bodies", () => {
  const seeds = [accountAt(1), accountAt(10), { id: "A", name: "abc", status: "ACTIVE" }, {
    ...accountAt(2),
    unknownField: { nested: true },
  }]
  const accepted = same(Schemas.Account as Schema.Schema<unknown, unknown>, variants(seeds, 3000, 7))
  assert.ok(accepted > 100, `enough valid samples: ${accepted}`)
})

Deno.test("AccountPaginatedResponse: the fast decoder agrees, the transformed context included", () => {
  const seeds = [pageAt(0, 5, 12), pageAt(10, 5, 12), { data: [] }, {}, {
    data: [accountAt(3)],
    nextToken: "",
    context: { pageSize: 10, sortOrder: "asc" },
  }]
  const accepted = same(Schemas.AccountPaginatedResponse as Schema.Schema<unknown, unknown>, variants(seeds, 2000, 11))
  assert.ok(accepted > 100, `enough valid samples: ${accepted}`)
})

/**
 * Puts the keys of every object of `value` in another order and adds unknown keys anywhere, an own `__proto__`
 * (as `JSON.parse` makes it) included: the decoder copies an object whose keys are the schema's in its order, and
 * must not keep any other key, nor lose one the schema reads.
 */
const reorder = (value: unknown, next: () => number): unknown => {
  if (Array.isArray(value)) return value.map((item) => reorder(item, next))
  if (typeof value !== "object" || value === null) return value
  const entries: Array<[string, unknown]> = Object.entries(value).map(([key, inner]) => [key, reorder(inner, next)])
  const roll = next()
  if (roll < 0.3) entries.reverse()
  else if (roll < 0.5) entries.splice(Math.floor(next() * (entries.length + 1)), 0, ["extra", oddValues[0]])
  else if (roll < 0.6) entries.splice(Math.floor(next() * (entries.length + 1)), 0, ["__proto__", { id: "X" }])
  else if (roll < 0.7 && entries.length > 1) entries.push(entries.shift() ?? ["extra", 1])
  else if (roll < 0.8) entries.push(["status", undefined])
  // Through JSON when it can: `__proto__` then becomes an own key, as in a response body.
  const object = Object.fromEntries(entries)
  return entries.some(([key]) => key === "__proto__")
    ? JSON.parse(`{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${JSON.stringify(inner ?? null)}`)}}`)
    : object
}

Deno.test("keys in another order, unknown keys anywhere, an own __proto__: the fast decoder agrees", () => {
  const next = random(5)
  const seeds = [pageAt(0, 3, 12), { data: [accountAt(1), { id: "A", name: "abc", status: "ACTIVE" }] }]
  const samples = variants(seeds, 1500, 13).map((sample) => reorder(sample, next))
  assert.ok(same(Schemas.AccountPaginatedResponse as Schema.Schema<unknown, unknown>, samples) > 100)
  const accounts = variants([accountAt(4), { id: "B", name: "abcd", status: "ARCHIVED" }], 1500, 17)
  assert.ok(same(Schemas.Account as Schema.Schema<unknown, unknown>, accounts.map((a) => reorder(a, next))) > 100)
})

Deno.test("an object with a prototype of its own: only own keys count, as for the schema", () => {
  const inherited = Object.create({ aliases: [{ alias: "inherited" }], status: "ACTIVE" })
  inherited.id = "A"
  inherited.name = "abc"
  const shadowed = Object.assign(Object.create({ extra: 1 }), accountAt(5))
  const samples = [inherited, shadowed, Object.assign(Object.create(null), accountAt(6))]
  assert.equal(same(Schemas.Account as Schema.Schema<unknown, unknown>, samples), 3)
})

Deno.test("an enumerable key on Object.prototype: the decoder still agrees with the schema", () => {
  const seeds = [accountAt(1), { id: "A", name: "abc" }, { id: "A", name: "abc", status: "ACTIVE" }]
  Object.defineProperty(Object.prototype, "status", {
    value: "ARCHIVED",
    enumerable: true,
    configurable: true,
    writable: true,
  })
  try {
    assert.ok(same(Schemas.Account as Schema.Schema<unknown, unknown>, variants(seeds, 300, 19)) > 10)
  } finally {
    Reflect.deleteProperty(Object.prototype, "status")
  }
})

Deno.test("refinements of refinements, of Text and of Effect's own filters: the fast decoder agrees", () => {
  // The account's `id`: our own `Text(0, 50)`, refined once more.
  const account = Schemas.Account.ast
  assert.ok(AST.isTypeLiteral(account))
  const Id = Schema.make<string>(account.propertySignatures[0].type)
  const Refined = Schema.Struct({
    id: Id.pipe(Schema.filter((id) => !id.startsWith("x"))),
    order: Schema.optional(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1), Schema.lessThanOrEqualTo(10))),
    tags: Schema.optional(Schema.Array(Schema.String).pipe(Schema.minItems(1), Schema.maxItems(2))),
  })
  const seeds = [{ id: "A", order: 3, tags: ["a"] }, { id: "x1", order: 10, tags: ["a", "b"] }, { id: "😀".repeat(50) }]
  const numbers = [0, 1, 1.5, 10, 11, 2 ** 53, -0]
  const samples = variants(seeds, 1500, 23).flatMap((sample) =>
    typeof sample === "object" && sample !== null && "order" in sample
      ? numbers.map((order) => ({ ...sample, order }))
      : [sample]
  )
  assert.ok(same(Refined as Schema.Schema<unknown, unknown>, samples) > 100)
})

Deno.test("the other response schemas: the fast decoder agrees", () => {
  const base = { success: true }
  assert.ok(same(Schemas.BaseSuccessResponse as Schema.Schema<unknown, unknown>, variants([base], 500, 3)) > 10)
})

/** Checks the request encoder of `schema` against the schema's own encoder on `samples`; how many it accepted. */
const sameEncoding = <A, I>(schema: Schema.Schema<A, I>, samples: ReadonlyArray<unknown>): number => {
  const fast = requestEncoder(schema)
  const full = Schema.encodeEither(schema, { errors: "all", onExcessProperty: "error" })
  let accepted = 0
  for (const sample of samples) {
    // A caller's value, typed or not: the encoder must agree on anything.
    const value = sample as A
    const before = Deno.inspect(sample, { depth: Infinity, showHidden: true })
    const expected = full(value)
    const actual = fast(value)
    assert.equal(Deno.inspect(sample, { depth: Infinity, showHidden: true }), before, "the encoder changed its input")
    assert.equal(actual._tag, expected._tag, `tag for ${Deno.inspect(sample)}`)
    if (Either.isRight(expected) && Either.isRight(actual)) {
      accepted++
      assert.deepStrictEqual(actual.right, expected.right)
      assert.equal(JSON.stringify(actual.right), JSON.stringify(expected.right), "the same JSON, key order included")
    } else if (Either.isLeft(expected) && Either.isLeft(actual)) {
      assert.equal(
        ParseResult.TreeFormatter.formatErrorSync(actual.left),
        ParseResult.TreeFormatter.formatErrorSync(expected.left),
      )
    }
  }
  return accepted
}

/** Values a caller may pass that JSON could not: a class instance, a symbol key, no prototype, a getter. */
const oddObjects = (value: unknown): Array<unknown> => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return []
  class Input {}
  return [
    Object.assign(new Input(), value),
    { ...value, [Symbol("tag")]: 1 },
    Object.assign(Object.create(null), value),
    Object.defineProperties({ ...value }, { computed: { get: () => "x", enumerable: true } }),
  ]
}

Deno.test("request bodies: the fast encoder agrees with Schema.encodeEither on generated and broken values", () => {
  const schemas: ReadonlyArray<Schema.Schema<unknown, unknown>> = [
    Schemas.CreateAccountRequest as Schema.Schema<unknown, unknown>,
    Schemas.UpdateAccountRequest as Schema.Schema<unknown, unknown>,
    Schemas.AddAccountAliasesRequest as Schema.Schema<unknown, unknown>,
    Schemas.RemoveAccountAliasesRequest as Schema.Schema<unknown, unknown>,
    Schemas.AssociatePricePlanRequest as Schema.Schema<unknown, unknown>,
  ]
  schemas.forEach((schema, index) => {
    const valid = FastCheck.sample(Arbitrary.make(schema), { numRuns: 150, seed: 42 + index })
    const next = random(31 + index)
    const broken = variants(valid.slice(0, 20), 300, 7 + index)
    const samples = [...valid, ...broken, ...valid.map((value) => reorder(value, next)), ...valid.flatMap(oddObjects)]
    const accepted = sameEncoding(schema, samples)
    assert.ok(accepted >= 150, `${accepted} accepted`)
  })
})
