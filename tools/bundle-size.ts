/**
 * `deno task bundle-size`: what the client costs an edge function.
 *
 * Bundles `examples/edge-function.ts` (our client) and `bench/edge-floor.ts`
 * (the same handler with bare `effect` + `@effect/platform` calls: the
 * floor) with esbuild, `platform: "neutral"`, minified, and prints both
 * sizes gzipped and their ratio (goal: at most 1.25x the floor). Then it
 * lists, from esbuild's metafile, what our bundle holds beyond the floor,
 * by source file, so the weight has a name.
 *
 * `effect` and `@effect/platform` resolve from a `node_modules` that npm
 * installs in `dist/bundle-size/` at the versions deno.json pins.
 */
import * as esbuild from "esbuild"
import { installPinned } from "./pinned.ts"

const root = new URL("../", import.meta.url)
const work = new URL("dist/bundle-size/", root)
const packageExports: Record<string, string> = JSON.parse(await Deno.readTextFile(new URL("deno.json", root))).exports

await installPinned(work, { private: true }, { dependencies: ["effect", "@effect/platform"] })

interface Measured {
  readonly minified: number
  readonly gzipped: number
  /** Bytes in the output per source file, paths relative to the repository or to node_modules. */
  readonly inputs: ReadonlyMap<string, number>
}

const gzipSize = async (bytes: Uint8Array): Promise<number> => {
  const compressed = await new Response(
    new Blob([new Uint8Array(bytes)]).stream().pipeThrough(new CompressionStream("gzip")),
  ).arrayBuffer()
  return compressed.byteLength
}

const measure = async (entry: string): Promise<Measured> => {
  const result = await esbuild.build({
    entryPoints: [new URL(entry, root).pathname],
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    minify: true,
    treeShaking: true,
    metafile: true,
    write: false,
    nodePaths: [new URL("node_modules/", work).pathname],
    logLevel: "error",
    // The example imports the package by name, as a user would; here that name is this repository's exports.
    plugins: [{
      name: "self",
      setup: (build) =>
        build.onResolve({ filter: /^@effect-togai\/client(\/|$)/ }, (args) => {
          const target = packageExports[`.${args.path.slice("@effect-togai/client".length)}`]
          return target === undefined
            ? { errors: [{ text: `${args.path} is not an entry point in deno.json's exports` }] }
            : { path: new URL(target, root).pathname }
        }),
    }],
  })
  const [output] = result.outputFiles
  const [meta] = Object.values(result.metafile.outputs)
  const inputs = new Map<string, number>()
  for (const [path, { bytesInOutput }] of Object.entries(meta.inputs)) {
    const name = path.includes("node_modules/") ? path.slice(path.lastIndexOf("node_modules/") + 13) : path
    inputs.set(name.replace(/^.*?wt-[^/]+\//, "").replace(/^\.\.\/\.\.\//, ""), bytesInOutput)
  }
  return { minified: output.contents.byteLength, gzipped: await gzipSize(output.contents), inputs }
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`

const ours = await measure("examples/edge-function.ts")
const floor = await measure("bench/edge-floor.ts")
await esbuild.stop()

/** The goal: the edge function with the client is at most this many times the floor, gzipped. */
const goal = 1.25
const ratio = ours.gzipped / floor.gzipped
console.log(`edge function with @effect-togai/client: ${kb(ours.minified)} minified, ${kb(ours.gzipped)} gzipped`)
console.log(`floor (bare effect + @effect/platform):  ${kb(floor.minified)} minified, ${kb(floor.gzipped)} gzipped`)
const headroom = Math.floor(floor.gzipped * goal) - ours.gzipped
console.log(
  `client / floor (gzipped) = ${ratio.toFixed(3)}x (goal <= ${goal}x) ${ratio <= goal ? "ok" : "MISSED"}: ` +
    `${headroom >= 0 ? `${kb(headroom)} gzipped to spare` : `${kb(-headroom)} gzipped over`}`,
)

// What ours holds that the floor does not, or holds more of (minified bytes before gzip, per source file).
const extra = [...ours.inputs]
  .map(([path, bytes]) => [path, bytes - (floor.inputs.get(path) ?? 0)] as const)
  .filter(([, bytes]) => bytes > 0)
  .sort((a, b) => b[1] - a[1])
const total = extra.reduce((sum, [, bytes]) => sum + bytes, 0)
console.log(`\nwhat ours adds over the floor: ${kb(total)} minified, by source file (top 25):`)
for (const [path, bytes] of extra.slice(0, 25)) console.log(`  ${kb(bytes).padStart(10)}  ${path}`)
