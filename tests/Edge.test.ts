/**
 * The library runs where only web standards are: Deno Deploy, Cloudflare
 * Workers, Vercel Edge, browsers. Two checks, both from `deno` itself
 * (hence `--allow-run=deno` in the test task):
 *
 * 1. The module graph of `mod.ts` (`deno info --json`): every module is
 *    either a local file of this package or an npm module of `effect` /
 *    `@effect/platform`; none is a `node:` built-in, a remote URL or a JSR
 *    module. The local sources, comments removed, use no `Deno.` API, no
 *    `node:` specifier, no `require(`, no dynamic `import(` and no
 *    `process`: so no file system, subprocess or environment access of our
 *    own (configuration comes through Effect's `Config`).
 * 2. The program an edge runtime would run: `mod.ts` bundled for the
 *    browser platform (`deno bundle`, all npm code inlined, only what is
 *    reachable). The bundle imports nothing (no `node:` or bare module left
 *    to resolve), calls no `require(`, names no `Deno.` API, and every
 *    reference to Node's `process` global sits behind a `typeof process`
 *    guard (Effect's feature detection of `hrtime`, `stdout` and `env`), so
 *    it runs where `process` does not exist.
 */
import assert from "node:assert/strict"

const root = new URL("../", import.meta.url)

const deno = async (args: ReadonlyArray<string>): Promise<string> => {
  const output = await new Deno.Command("deno", { args: [...args], cwd: root, stdout: "piped", stderr: "piped" })
    .output()
  const text = new TextDecoder().decode(output.stdout)
  if (!output.success) throw new Error(`deno ${args.join(" ")} failed: ${new TextDecoder().decode(output.stderr)}`)
  return text
}

interface InfoModule {
  readonly kind?: string
  readonly specifier: string
  readonly local?: string
  readonly npmPackage?: string
}

/** Removes block comments and line comments (a `//` at a line's start or after a space, so not `https://`). */
const withoutComments = (source: string): string =>
  source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|\s)\/\/.*$/gm, "$1")

/** What edge runtimes do not have, as it would appear in source. */
const forbidden: ReadonlyArray<readonly [string, RegExp]> = [
  ["a Deno API", /\bDeno\./],
  ["a node: module", /["']node:/],
  ["require(", /\brequire\s*\(/],
  ["a dynamic import(", /\bimport\s*\(/],
  ["Node's process", /\bprocess\b/],
]

Deno.test("the module graph of mod.ts has only our files and effect / @effect/platform, none of them Deno- or Node-bound", async () => {
  const info: { readonly modules: ReadonlyArray<InfoModule> } = JSON.parse(await deno(["info", "--json", "mod.ts"]))
  const local: Array<string> = []
  const npm = new Set<string>()
  for (const module of info.modules) {
    if (module.kind === "esm" && module.specifier.startsWith(new URL(".", root).href)) {
      local.push(module.specifier.slice(root.href.length))
      const source = withoutComments(await Deno.readTextFile(new URL(module.specifier)))
      for (const [what, pattern] of forbidden) {
        assert.doesNotMatch(source, pattern, `${module.specifier} uses ${what}`)
      }
    } else if (module.kind === "npm" && module.npmPackage !== undefined) {
      npm.add(module.npmPackage.replace(/_.*$/, "").replace(/@[^@]*$/, ""))
    } else {
      assert.fail(`mod.ts reaches ${module.specifier} (${module.kind ?? "no kind"}), which is neither ours nor npm`)
    }
  }
  assert.ok(local.includes("mod.ts") && local.length > 5, `local modules: ${local.join(", ")}`)
  assert.ok(local.every((path) => path === "mod.ts" || path.startsWith("src/")), `local modules: ${local.join(", ")}`)
  assert.deepEqual([...npm].sort(), ["@effect/platform", "effect"])
})

Deno.test("mod.ts bundled for the web platform imports nothing, uses no Deno or Node API, and guards process", async () => {
  const bundle = await deno(["bundle", "--platform", "browser", "mod.ts"])
  assert.ok(bundle.length > 100_000, "the bundle holds effect's code")
  assert.doesNotMatch(bundle, /^\s*import\b/m, "a module left to import")
  assert.doesNotMatch(bundle, /\bimport\s*\(/, "a dynamic import")
  assert.doesNotMatch(bundle, /["']node:/, "a node: module")
  assert.doesNotMatch(bundle, /\brequire\s*\(/, "require(")
  assert.doesNotMatch(bundle, /\bDeno\.[A-Za-z]/, "a Deno API")
  // Where the bundle reads a property of `process` (not where it mentions the word in a message).
  const processLines = bundle.split("\n").filter((line) => /(?<![\w.$])process\s*(\.|\?\.)\s*[A-Za-z]/.test(line))
  assert.ok(processLines.length > 0, "Effect's feature detection of process is in the bundle")
  // A guard is a `typeof process` test on the line, or a variable that holds the result of one.
  const guardVariables = [...bundle.matchAll(/(?:var|let|const)\s+([\w$]+)\s*=\s*typeof process\b/g)].map((m) => m[1])
  for (const line of processLines) {
    const guarded = /typeof process\s*[!=]==?\s*"(undefined|object)"/.test(line) ||
      guardVariables.some((name) => new RegExp(`(?<![\\w$])${name.replace(/\$/g, "\\$")}\\s*&&`).test(line))
    assert.ok(guarded, `an unguarded use of process: ${line.trim()}`)
  }
})
