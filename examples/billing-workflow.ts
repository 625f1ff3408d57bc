/**
 * `deno task demo`: runs the billing workflow of `workflow.ts` against the
 * Togai simulator served on 127.0.0.1, with no account and no network.
 *
 * With `TOGAI_API_TOKEN` set (and optionally `TOGAI_BASE_URL`), it runs the
 * same workflow against that Togai instead and starts no simulator; the
 * customer `demo-customer` and the price plans `Rides - Basic` and
 * `Rides - Pro plan` must exist there.
 */
import * as Effect from "effect/Effect"
import { Togai, TogaiConfig } from "../mod.ts"
import { Simulator } from "../src/testing/mod.ts"
import { billingWorkflow, customerId } from "./workflow.ts"

const main = async (): Promise<void> => {
  const token = Deno.env.get("TOGAI_API_TOKEN")
  if (token !== undefined && token !== "") {
    const baseUrl = Deno.env.get("TOGAI_BASE_URL") || undefined
    console.log(`Billing workflow against ${baseUrl ?? TogaiConfig.sandboxUrl} (TOGAI_API_TOKEN is set)`)
    await Effect.runPromise(billingWorkflow().pipe(Effect.provide(Togai.layer({ token, baseUrl }))))
    console.log("\nDone.")
    return
  }

  const simulator = Simulator.make({
    customers: [{ id: customerId, name: "ACME Mobility" }],
    pricePlans: ["Rides - Basic", "Rides - Pro plan"],
  })
  await using server = await simulator.listen()
  console.log(`Billing workflow against the Togai simulator on ${server.url}: no account, no network.`)
  console.log("(Set TOGAI_API_TOKEN, and optionally TOGAI_BASE_URL, to run it against a real Togai.)")

  // Togai will rate-limit the listing twice: the client waits as Retry-After asks, and carries on.
  simulator.injectFault({ operation: "getAccounts", fault: { kind: "rateLimit", retryAfter: 1 }, times: 2 })
  // The app talks to the simulator as it would to Togai: over HTTP, with a token.
  await Effect.runPromise(
    billingWorkflow().pipe(Effect.provide(Togai.layer({ token: simulator.token, baseUrl: server.url }))),
  )

  const requests = simulator.requests()
  const statuses = new Map<number | string, number>()
  for (const request of requests) {
    statuses.set(request.status ?? request.outcome, (statuses.get(request.status ?? request.outcome) ?? 0) + 1)
  }
  console.log(
    `\nThe simulator answered ${requests.length} requests (${
      [...statuses].map(([status, count]) => `${count} x ${status}`).join(", ")
    }); its log holds the token ${JSON.stringify(requests).includes(simulator.token) ? "(leaked!)" : "nowhere"}.`,
  )
  console.log("Done.")
}

try {
  await main()
} catch (cause) {
  console.error(`\nThe workflow failed: ${cause instanceof Error ? cause.message : String(cause)}`)
  Deno.exitCode = 1
}
