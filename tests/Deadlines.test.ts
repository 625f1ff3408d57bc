/**
 * The per-request timeout is kept by one timer per timeout length
 * (src/internal/deadlines.ts). What a user relies on: a deadline fires once
 * it is due and never after it was cleared, deadlines of different lengths
 * do not hold each other up, and the shared timer never keeps a program
 * alive after its last call. Nothing asserts on wall time; waits poll.
 */
import assert from "node:assert/strict"
import { deadline } from "../src/internal/deadlines.ts"
import { json, startServer } from "./support/server.ts"
import { waitFor } from "./support/wait.ts"

Deno.test("deadlines fire in the order they fall due; a cleared one never fires", async () => {
  const fired: Array<string> = []
  const first = deadline(30, () => fired.push("first"))
  const cleared = deadline(30, () => fired.push("cleared"))
  const third = deadline(30, () => fired.push("third"))
  cleared.clear()
  await waitFor("both to fire", () => fired.length === 2)
  assert.deepEqual(fired, ["first", "third"])
  // Clearing after firing is harmless, and nothing fires twice.
  first.clear()
  third.clear()
  await new Promise((resolve) => setTimeout(resolve, 60))
  assert.deepEqual(fired, ["first", "third"])
})

Deno.test("a long deadline does not hold up a shorter one started after it", async () => {
  const fired: Array<string> = []
  const long = deadline(60_000, () => fired.push("long"))
  deadline(20, () => fired.push("short"))
  await waitFor("the short one to fire", () => fired.length === 1)
  assert.deepEqual(fired, ["short"])
  long.clear()
})

Deno.test("a deadline whose older neighbours settled still fires", async () => {
  const fired: Array<number> = []
  const deadlines = Array.from({ length: 50 }, (_, i) => deadline(25, () => fired.push(i)))
  for (let i = 0; i < 49; i++) deadlines[i].clear()
  await waitFor("the last one to fire", () => fired.length === 1)
  assert.deepEqual(fired, [49])
})

Deno.test("a settled request's deadline lets go of its state while older requests are still in flight", async () => {
  const output = await new Deno.Command("deno", {
    args: ["run", "--v8-flags=--expose-gc", new URL("./support/settled-release.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output()
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr))
  // A bulk job at concurrency 32 always has an older call in flight: held states would pile up in the queue.
  assert.deepEqual(JSON.parse(new TextDecoder().decode(output.stdout)), { reachable: 0 })
})

Deno.test("where timers are numbers (no unref), each deadline has its own timer, cleared with it", async () => {
  const output = await new Deno.Command("deno", {
    args: ["run", new URL("./support/numeric-timers.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output()
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr))
  const { fired, armed } = JSON.parse(new TextDecoder().decode(output.stdout))
  assert.deepEqual(fired, ["first", "third"])
  // One timer per deadline: the shared timer was tried once, found without unref, and given up.
  assert.equal(armed, 5)
})

Deno.test("a program ends when its last call is done, not when the call's timeout would have run out", async () => {
  await using server = startServer(() => json(200, { id: "ACC00001", name: "Primary Account", status: "ACTIVE" }))
  const child = new Deno.Command("deno", {
    args: ["run", "--allow-net=127.0.0.1", new URL("./support/one-call.ts", import.meta.url).pathname, server.url],
    stdout: "piped",
    stderr: "piped",
  }).spawn()
  // The default timeout is 60 s: a process kept alive by its timer would still be running at 30 s.
  let exited = false
  const status = child.output().then((output) => {
    exited = true
    return output
  })
  const guard = setTimeout(() => {
    if (!exited) child.kill()
  }, 30_000)
  const output = await status
  clearTimeout(guard)
  assert.equal(new TextDecoder().decode(output.stdout).trim(), "ACC00001", new TextDecoder().decode(output.stderr))
  assert.equal(output.code, 0, "the process ended on its own")
})
