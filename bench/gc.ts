/**
 * `deno task bench:gc`: what the client leaves to V8's garbage collector,
 * with spans on and with tracing off, for two workloads: `Accounts.stream`
 * over the bench server's 100,000 accounts (four times), and 40,000
 * `getAccount` calls, 32 at a time, next to the same calls through the
 * floor of bench/floor.ts (the least a correct Effect call does). Each runs
 * in a process of its own with `--trace-gc-nvp`, and the parent sums what
 * V8 reports: bytes promoted out of the young generation and the pauses of
 * its young (scavenge) and old (mark-compact) collections.
 *
 * Unlike wall time, these counters barely move from run to run on a shared
 * machine, which is why a change to what stays reachable is measured here.
 * `--client=DIR` measures another checkout's client instead (its processes
 * get `--allow-read=DIR`), for a before and after:
 * `deno run --allow-run=deno bench/gc.ts --client=../before`.
 */
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Stream from "effect/Stream"
import type { Accounts, Togai } from "../mod.ts"
import * as endpoints from "../src/internal/endpoints.ts"
import { callLoop } from "./callLoop.ts"
import { effectFloor, requestHeaders } from "./floor.ts"
import { startServer } from "./serverProcess.ts"

const runs = 4
const token = "tok_bench_0000"
const calls = 40_000
const concurrency = 32
type Workload = "stream" | "calls"
/** The client with spans on or tracing off, or (calls only) the floor bench/main.ts measures it against. */
type Mode = "on" | "off" | "floor"
const child = Deno.args.find((arg) => arg.startsWith("--child="))?.slice("--child=".length)
const clientDir = Deno.args.find((arg) => arg.startsWith("--client="))?.slice("--client=".length)

if (child !== undefined) {
  // In the measured process: only the workload (the stream `runs` times, or the calls once).
  const client: { Accounts: typeof Accounts; Togai: typeof Togai } = clientDir === undefined
    ? await import("../mod.ts")
    : await import(new URL("mod.ts", `file://${Deno.realPathSync(clientDir)}/`).href)
  const server = await startServer()
  const runtime = ManagedRuntime.make(client.Togai.layer({ token, baseUrl: server.url }))
  const [workload, mode] = child.split("-") as [Workload, Mode]
  const count = Stream.runCount(client.Accounts.stream("CUST01", { pageSize: 100 }))
  const one: Effect.Effect<unknown, unknown, Togai.Requirements> = mode === "floor"
    ? effectFloor(
      `${server.url}/customers/CUST01/accounts/ACC00001`,
      { headers: requestHeaders(token) },
      endpoints.getAccount.decodeResponse,
    )
    : client.Accounts.getAccount("CUST01", "ACC00001")
  const work: Effect.Effect<unknown, unknown, Togai.Requirements> = workload === "stream"
    ? count
    : callLoop(one, calls, concurrency)
  const program = mode === "on" ? work : Effect.withTracerEnabled(work, false)
  for (let i = 0; i < (workload === "stream" ? runs : 1); i++) await runtime.runPromise(program)
  await runtime.dispose()
  await server.close()
} else {
  interface Totals {
    promotedMB: number
    scavenges: number
    scavengeMs: number
    majors: number
    majorMs: number
  }
  const measure = async (workload: Workload, mode: Mode): Promise<Totals> => {
    const output = await new Deno.Command("deno", {
      args: [
        "run",
        "--v8-flags=--trace-gc-nvp",
        "--allow-net=127.0.0.1",
        "--allow-run=deno",
        ...(clientDir === undefined ? [] : [`--allow-read=${clientDir}`]),
        new URL(import.meta.url).pathname,
        `--child=${workload}-${mode}`,
        ...(clientDir === undefined ? [] : [`--client=${clientDir}`]),
      ],
      stdout: "piped",
      stderr: "inherit",
    }).output()
    if (!output.success) throw new Error(`the ${workload} run (${mode}) failed`)
    const totals: Totals = { promotedMB: 0, scavenges: 0, scavengeMs: 0, majors: 0, majorMs: 0 }
    for (const line of new TextDecoder().decode(output.stdout).split("\n")) {
      const at = line.indexOf("GC: {")
      if (at < 0) continue
      const event = JSON.parse(line.slice(at + 4))
      if (event.gc === "s") {
        totals.scavenges++
        totals.scavengeMs += event.pause
        totals.promotedMB += (event.promoted ?? 0) / 1e6
      } else {
        totals.majors++
        totals.majorMs += event.pause
      }
    }
    return totals
  }
  console.log(`GC per workload${clientDir === undefined ? "" : `; the client of ${clientDir}`}`)
  const workloads: ReadonlyArray<readonly [Workload, string]> = [
    ["stream", `Accounts.stream, ${runs} x 100,000 accounts in pages of 100`],
    ["calls", `getAccount, ${calls.toLocaleString("en")} calls, ${concurrency} at a time`],
  ]
  for (const [workload, title] of workloads) {
    console.log(title)
    for (const mode of workload === "calls" ? ["on", "off", "floor"] as const : ["on", "off"] as const) {
      const t = await measure(workload, mode)
      console.log(
        `  ${{ on: "spans on   ", off: "tracing off", floor: "floor      " }[mode]}  promoted ${
          t.promotedMB.toFixed(0)
        } MB, ` +
          `${t.scavenges} scavenges ${t.scavengeMs.toFixed(0)} ms, ${t.majors} mark-compacts ${
            t.majorMs.toFixed(0)
          } ms`,
      )
    }
  }
}
