// Run by `deno task node-check` under Node, next to the compiled package: an account workflow over real HTTP,
// against a small Togai stand-in on 127.0.0.1, through the package's public entry point and `Togai.layer`
// (FetchHttpClient). Any failed assertion exits non-zero.
import assert from "node:assert/strict"
import { createServer } from "node:http"
import * as Effect from "effect/Effect"
import * as Chunk from "effect/Chunk"
import * as Stream from "effect/Stream"
import { Accounts, Togai } from "@effect-togai/client"

const token = "tok_node_smoke"
/** Accounts of customer-1, by id. */
const store = new Map()
const seen = []

const send = (response, status, body) => {
  response.writeHead(status, { "content-type": "application/json" })
  response.end(JSON.stringify(body))
}

const server = createServer((request, response) => {
  let text = ""
  request.on("data", (chunk) => (text += chunk))
  request.on("end", () => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1")
    seen.push(`${request.method} ${url.pathname}${url.search}`)
    if (request.headers.authorization !== `Bearer ${token}`) return send(response, 401, { message: "bad token" })
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent)
    if (parts[0] !== "customers" || parts[1] !== "customer-1" || parts[2] !== "accounts") {
      return send(response, 404, { message: "no such customer" })
    }
    const id = parts[3]
    if (id === undefined && request.method === "POST") {
      const body = JSON.parse(text)
      const account = {
        id: body.id,
        name: body.name,
        status: "ACTIVE",
        aliases: (body.aliases ?? []).map((alias) => ({ alias, status: "ACTIVE" })),
      }
      store.set(account.id, account)
      return send(response, 201, account)
    }
    if (id === undefined && request.method === "GET") {
      // One account a page; nextToken is the index of the next one.
      const all = [...store.values()]
      const start = Number(url.searchParams.get("nextToken") ?? "0")
      const next = start + 1 < all.length ? String(start + 1) : undefined
      return send(response, 200, { data: all.slice(start, start + 1), nextToken: next, context: { pageSize: 1 } })
    }
    const account = store.get(id)
    if (account === undefined) return send(response, 404, { message: `account ${id} not found` })
    if (parts[4] === "add_aliases" && request.method === "POST") {
      for (const alias of JSON.parse(text).aliases) account.aliases.push({ alias, status: "ACTIVE" })
      return send(response, 200, account)
    }
    if (parts[4] === undefined && request.method === "GET") return send(response, 200, account)
    if (parts[4] === undefined && request.method === "DELETE") {
      store.delete(id)
      return send(response, 200, { success: true })
    }
    return send(response, 400, { message: "unexpected request" })
  })
})

await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
const address = server.address()
assert.ok(address !== null && typeof address === "object")
const TogaiLive = Togai.layer({ token, baseUrl: `http://127.0.0.1:${address.port}`, retry: false })

const program = Effect.gen(function* () {
  const created = yield* Accounts.createAccount("customer-1", { id: "acc/1", name: "Primary", aliases: ["acme_1"] })
  yield* Accounts.createAccount("customer-1", { id: "acc-2", name: "Secondary" })
  yield* Accounts.addAliases("customer-1", created.id, { aliases: ["acme_2"] })
  const fetched = yield* Accounts.getAccount("customer-1", created.id)
  const all = yield* Stream.runCollect(Accounts.stream("customer-1", { pageSize: 1 }))
  const missing = yield* Accounts.getAccount("customer-1", "nope").pipe(
    Effect.map(() => "found"),
    Effect.catchTag("NotFound", (error) => Effect.succeed(`NotFound ${error.status}: ${error.serverMessage}`)),
  )
  const deleted = yield* Accounts.deleteAccount("customer-1", "acc-2")
  const invalid = yield* Accounts.createAccount("customer-1", { id: "x", name: "ab" }).pipe(
    Effect.flip,
    Effect.map((error) => error._tag),
  )
  return { fetched, ids: Chunk.toReadonlyArray(all).map((account) => account.id), missing, deleted, invalid }
})

try {
  const result = await Effect.runPromise(program.pipe(Effect.provide(TogaiLive)))
  assert.deepEqual(result.fetched, {
    id: "acc/1",
    name: "Primary",
    status: "ACTIVE",
    aliases: [{ alias: "acme_1", status: "ACTIVE" }, { alias: "acme_2", status: "ACTIVE" }],
  })
  assert.deepEqual(result.ids, ["acc/1", "acc-2"])
  assert.equal(result.missing, "NotFound 404: account nope not found")
  assert.deepEqual(result.deleted, { success: true })
  assert.equal(result.invalid, "InvalidRequest")
  // The id "acc/1" travelled as one percent-encoded segment.
  assert.ok(seen.includes("POST /customers/customer-1/accounts/acc%2F1/add_aliases"), seen.join("\n"))
  assert.ok(seen.includes("GET /customers/customer-1/accounts?nextToken=1&pageSize=1"), seen.join("\n"))
  console.log(`node smoke: ok on Node ${process.version} (${seen.length} requests)`)
} finally {
  server.close()
}
