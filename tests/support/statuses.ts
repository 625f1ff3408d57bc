/**
 * The check every group's test file makes: each documented error status of
 * each operation maps to its tag, through a real loopback server, with the
 * status, the server's message and the operation name on the error, and no
 * retry when retries are off.
 */
import assert from "node:assert/strict"
import type * as Effect from "effect/Effect"
import type { Togai, TogaiError } from "../../mod.ts"
import { failure, run } from "./run.ts"
import { json, startServer } from "./server.ts"

/**
 * Runs one step per operation; `statuses` pairs each status the server
 * answers with the tag the client must give, for every operation alike or
 * per operation.
 */
export const checkStatusTags = async (
  t: Deno.TestContext,
  operations: Readonly<Record<string, () => Effect.Effect<unknown, TogaiError.TogaiError, Togai.Requirements>>>,
  statuses:
    | ReadonlyArray<readonly [number, string]>
    | ((operation: string) => ReadonlyArray<readonly [number, string]>),
): Promise<void> => {
  for (const [name, call] of Object.entries(operations)) {
    await t.step(name, async () => {
      for (const [status, tag] of typeof statuses === "function" ? statuses(name) : statuses) {
        await using server = startServer(() => json(status, { message: `reason for ${status}` }))
        const error = failure(await run(call(), server.url))
        assert.equal(error._tag, tag, `${name} ${status}`)
        assert.ok("status" in error && error.status === status)
        assert.ok("serverMessage" in error && error.serverMessage === `reason for ${status}`)
        assert.equal(error.operation, name)
        assert.match(error.message, new RegExp(`${status}.*${name}.*reason for ${status}`))
        assert.equal(server.requests.length, 1, "one request, no retry when retries are off")
      }
    })
  }
}
