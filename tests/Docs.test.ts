/**
 * What a reader copies must compile: every code block of README.md and
 * every `@example` of the public modules is type-checked against the
 * library as it is.
 */
import assert from "node:assert/strict"

const check = async (args: ReadonlyArray<string>): Promise<{ readonly ok: boolean; readonly output: string }> => {
  const { success, stdout, stderr } = await new Deno.Command("deno", {
    args: ["check", ...args],
    cwd: new URL("../", import.meta.url),
    env: { NO_COLOR: "1" },
  }).output()
  const decoder = new TextDecoder()
  return { ok: success, output: decoder.decode(stdout) + decoder.decode(stderr) }
}

Deno.test("every code block in README.md type-checks", async () => {
  const { ok, output } = await check(["--doc-only", "README.md"])
  assert.ok(ok, output)
})

Deno.test("every @example of the public modules type-checks", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)))
  const entryPoints = Object.values(config.exports as Record<string, string>)
  assert.ok(entryPoints.length >= 2)
  const { ok, output } = await check(["--doc", ...entryPoints])
  assert.ok(ok, output)
})
