/**
 * The compiled response decoder gives exactly what `Schema.decodeUnknown`
 * gives: the same value (same keys, same order) when the body matches, the
 * same error when it does not. Checked on generated bodies, valid and
 * broken, for every response schema of the Accounts group.
 */
import assert from "node:assert/strict"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { Schemas } from "../mod.ts"
import { responseDecoder } from "../src/internal/fastDecode.ts"
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

Deno.test("the other response schemas: the fast decoder agrees", () => {
  const base = { success: true }
  assert.ok(same(Schemas.BaseSuccessResponse as Schema.Schema<unknown, unknown>, variants([base], 500, 3)) > 10)
})
