/**
 * The edge function example (`examples/edge-function.ts`) and its floor
 * (`bench/edge-floor.ts`, bare effect + @effect/platform) do the same work,
 * so `deno task bundle-size` compares like with like: both are called as an
 * edge runtime calls them, against a Togai stand-in on 127.0.0.1.
 */
import assert from "node:assert/strict"
import edgeFunction from "../examples/edge-function.ts"
import edgeFloor from "../bench/edge-floor.ts"
import { json, startServer } from "./support/server.ts"

const account = { id: "ACC00001", name: "Primary Account", status: "ACTIVE" }

for (
  const [name, handler] of [["examples/edge-function.ts", edgeFunction], ["bench/edge-floor.ts", edgeFloor]] as const
) {
  Deno.test(`${name} answers with the account, 404 for none, 502 for a failure`, async () => {
    await using server = startServer((request) =>
      request.rawPath.endsWith("/ACC00001") ? json(200, account) : json(404, { message: "not found" })
    )
    Deno.env.set("TOGAI_API_TOKEN", "tok_edge")
    Deno.env.set("TOGAI_BASE_URL", server.url)
    try {
      const found = await handler.fetch(new Request("http://edge.test/?customer=CUST01&account=ACC00001"))
      assert.equal(found.status, 200)
      assert.deepEqual(await found.json(), account)
      assert.equal(server.requests[0].headers.get("authorization"), "Bearer tok_edge")
      assert.equal(server.requests[0].rawPath, "/customers/CUST01/accounts/ACC00001")

      const missing = await handler.fetch(new Request("http://edge.test/?customer=CUST01&account=ACC404"))
      assert.equal(missing.status, 404)
      assert.deepEqual(await missing.json(), { message: "no such account" })

      Deno.env.delete("TOGAI_API_TOKEN")
      const unconfigured = await handler.fetch(new Request("http://edge.test/?customer=CUST01&account=ACC00001"))
      assert.equal(unconfigured.status, 502)
      assert.match((await unconfigured.json()).message, /TOGAI_API_TOKEN/)
    } finally {
      Deno.env.delete("TOGAI_API_TOKEN")
      Deno.env.delete("TOGAI_BASE_URL")
    }
  })
}
