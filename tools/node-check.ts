/**
 * `deno task node-check`: proves the package works from Node 20+, as JSR
 * serves it to npm users (compiled to JavaScript with declarations).
 *
 * 1. Copies `mod.ts` and `src/` to `dist/node-check/package/` and compiles
 *    every entry point of deno.json's `exports` and every module they import with
 *    TypeScript (`tsc`, the version pinned in deno.json) to ESM
 *    `.js` + `.d.ts`; relative `.ts` imports are rewritten to `.js`
 *    (`rewriteRelativeImportExtensions`); `effect/...` and
 *    `@effect/platform/...` resolve from a `node_modules` that npm installs
 *    there, at the versions deno.json pins.
 * 2. Runs `tools/node/smoke.mjs` under `node`: one call of every module over
 *    real HTTP against the Togai simulator served with `node:http` on
 *    127.0.0.1 (`@effect-togai/client/testing`), through `Togai.layer`
 *    (`FetchHttpClient`).
 * 3. Type-checks `tools/node/consumer.ts` against the emitted declarations
 *    with `tsc`, as a Node user's editor would.
 *
 * Exits non-zero if any step fails.
 */
import { installPinned, step } from "./pinned.ts"

const root = new URL("../", import.meta.url)
const work = new URL("dist/node-check/", root)
const pkg = new URL("package/", work)

const copyTree = async (from: URL, to: URL): Promise<void> => {
  await Deno.mkdir(to, { recursive: true })
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyTree(new URL(`${entry.name}/`, from), new URL(`${entry.name}/`, to))
    else if (entry.name.endsWith(".ts")) await Deno.copyFile(new URL(entry.name, from), new URL(entry.name, to))
  }
}

await Deno.remove(pkg, { recursive: true }).catch(() => {})
await copyTree(new URL("src/", root), new URL("src/", pkg))
await Deno.copyFile(new URL("mod.ts", root), new URL("mod.ts", pkg))
await Deno.mkdir(new URL("consumer/", work), { recursive: true })
await Deno.copyFile(new URL("tools/node/smoke.mjs", root), new URL("smoke.mjs", work))
await Deno.copyFile(new URL("tools/node/consumer.ts", root), new URL("consumer/consumer.ts", work))

// The package as npm users get it: named as on JSR, ESM, every entry point of deno.json compiled.
const denoJson: { exports: Record<string, string> } = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)))
// The backfill tool is a Deno program (it reads files and signals through `Deno`): `deno run jsr:.../backfill`.
const denoOnly = new Set(["./backfill"])
const entryPoints = Object.entries(denoJson.exports).filter(([name]) => !denoOnly.has(name))
const compiled = (source: string) => source.replace(/^\.\//, "./dist/").replace(/\.ts$/, "")
await installPinned(work, {
  name: "@effect-togai/client",
  private: true,
  type: "module",
  exports: Object.fromEntries(
    entryPoints.map((
      [name, source],
    ) => [name, { types: `${compiled(source)}.d.ts`, default: `${compiled(source)}.js` }]),
  ),
}, {
  dependencies: ["effect", "@effect/platform", "json-logic-js"],
  devDependencies: ["typescript", "@types/node"],
})
const compilerOptions = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  lib: ["ES2022", "DOM", "DOM.Iterable", "ESNext.Disposable"],
  strict: true,
  skipLibCheck: true,
  types: [],
}
// The simulator's loopback server picks Deno.serve on Deno and node:http elsewhere; for tsc, Deno is a global that
// may be there (the simulator checks `typeof Deno` before it uses it).
await Deno.writeTextFile(
  new URL("package/deno-global.d.ts", work),
  `declare const Deno: {
  readonly serve: (
    options: { hostname: string; port: number; onListen: () => void; onError: (cause: unknown) => Response },
    handler: (request: Request) => Promise<Response>,
  ) => { readonly addr: { readonly port: number }; readonly shutdown: () => Promise<void> }
}
`,
)
await Deno.writeTextFile(
  new URL("tsconfig.json", work),
  JSON.stringify({
    compilerOptions: {
      ...compilerOptions,
      rootDir: "package",
      types: ["node"],
      // The simulator's own typing of json-logic-js (Deno reads it through a @ts-types comment); node resolves the
      // package itself from node_modules at run time.
      paths: { "json-logic-js": ["./package/src/testing/internal/json-logic-js.d.ts"] },
      outDir: "dist",
      declaration: true,
      allowImportingTsExtensions: true,
      rewriteRelativeImportExtensions: true,
    },
    // Every entry point and what it imports.
    files: ["package/deno-global.d.ts", ...entryPoints.map(([, source]) => `package/${source.replace(/^\.\//, "")}`)],
  }),
)
await Deno.writeTextFile(
  new URL("consumer/tsconfig.json", work),
  // The consumer is as strict as a careful Node project gets; the library compiles with Deno's own defaults.
  JSON.stringify({
    compilerOptions: { ...compilerOptions, exactOptionalPropertyTypes: true, noEmit: true },
    include: ["consumer.ts"],
  }),
)

await Deno.remove(new URL("dist/", work), { recursive: true }).catch(() => {})
await step("node-check: tsc: compile mod.ts and src/ to ESM with declarations", "node", [
  "node_modules/typescript/bin/tsc",
  "-p",
  "tsconfig.json",
], work)
await step("node-check: node: one call of every module against the simulator on 127.0.0.1", "node", ["smoke.mjs"], work)
await step("node-check: tsc: type-check a consumer against the declarations", "node", [
  "../node_modules/typescript/bin/tsc",
  "-p",
  "tsconfig.json",
], new URL("consumer/", work))
console.log("node-check: ok")
