/**
 * `deno task demo`: the usage-based billing loop of `usage-billing.ts`
 * (schema, meters, plan, customer and account, association, 10,000 events
 * through `Events.ingestAll`, usage and revenue read back) against the
 * Togai simulator served on 127.0.0.1, with Togai's request quotas on: no
 * account and no network.
 *
 * With `TOGAI_API_TOKEN` set (and optionally `TOGAI_BASE_URL`), it runs the
 * same loop against that Togai instead and starts no simulator; the names
 * it creates (`ride`, `Rides - Metro`, `acme-mobility`) must be free there.
 */
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Togai, TogaiConfig } from "../mod.ts"
import { Simulator } from "../src/testing/mod.ts"
import { render, usageBillingWorkflow } from "./usage-billing.ts"
import { narrateRetries } from "./workflow.ts"

const events = 10_000

const main = async (): Promise<void> => {
  const token = Deno.env.get("TOGAI_API_TOKEN")
  if (token !== undefined && token !== "") {
    const baseUrl = Deno.env.get("TOGAI_BASE_URL") || undefined
    console.log(`Usage-based billing against ${baseUrl ?? TogaiConfig.sandboxUrl} (TOGAI_API_TOKEN is set)\n`)
    const periodStart = DateTime.startOf(DateTime.unsafeNow(), "day")
    const report = await Effect.runPromise(
      usageBillingWorkflow({ events, periodStart }).pipe(
        Effect.provide(Layer.merge(Togai.layer({ token, baseUrl }), narrateRetries())),
      ),
    )
    for (const line of render(report)) console.log(line)
    return
  }

  // The simulator's clock stands at the start of the billing period: the plan is associated from that day.
  const periodStart = DateTime.unsafeMake("2026-11-01T00:00:00Z")
  const simulator = Simulator.make({ quota: Simulator.togaiQuota, now: () => DateTime.toDate(periodStart) })
  await using server = await simulator.listen()
  console.log(`Usage-based billing against the Togai simulator on ${server.url}: no account, no network.`)
  console.log(
    `It enforces Togai's quotas (${Simulator.togaiQuota.other} requests a second, ` +
      `${Simulator.togaiQuota.ingest} for ingestion), as Togai does.`,
  )
  console.log("(Set TOGAI_API_TOKEN, and optionally TOGAI_BASE_URL, to run it against a real Togai.)\n")

  // One injected 429 on the price plan: the client waits as Retry-After asks, says so, and carries on.
  simulator.injectFault({ operation: "createPricePlan", fault: { kind: "rateLimit", retryAfter: 1 } })
  const started = performance.now()
  const report = await Effect.runPromise(
    usageBillingWorkflow({ events, periodStart }).pipe(
      Effect.provide(
        Layer.merge(
          Togai.layer({ token: simulator.token, baseUrl: server.url }),
          narrateRetries((line) =>
            Effect.sync(() =>
              console.log(
                `${line}   (expected: ${line.includes("createPricePlan") ? "an injected 429" : "Togai's quota"})`,
              )
            )
          ),
        ),
      ),
    ),
  )
  for (const line of render(report)) console.log(line)

  const requests = simulator.requests()
  const statuses = new Map<number | string, number>()
  for (const request of requests) {
    statuses.set(request.status ?? request.outcome, (statuses.get(request.status ?? request.outcome) ?? 0) + 1)
  }
  console.log(
    `\nThe simulator answered ${requests.length} requests in ${((performance.now() - started) / 1000).toFixed(1)} s (${
      [...statuses].map(([status, count]) => `${count} x ${status}`).join(", ")
    }); its log holds the token ${JSON.stringify(requests).includes(simulator.token) ? "(leaked!)" : "nowhere"}.`,
  )
}

try {
  await main()
} catch (cause) {
  console.error(`\nThe workflow failed: ${cause instanceof Error ? cause.message : String(cause)}`)
  Deno.exitCode = 1
}
