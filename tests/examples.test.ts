/**
 * The examples README points to still run and do what they say.
 */
import assert from "node:assert/strict"
import { bulkCreate } from "../examples/bulk-create.ts"

Deno.test("examples/bulk-create.ts creates every account under the client-side rate limit", async () => {
  const report = await bulkCreate({ count: 40, concurrency: 8, limit: 10, serverLimit: 1000 })
  assert.equal(report.created, 40)
  assert.equal(report.failed, 0)
  assert.equal(report.rateLimited, 0)
})
