/**
 * Setting the client up: layers from configuration, per-call settings, and
 * the version the client announces.
 */
import assert from "node:assert/strict"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import { Accounts, Auth, Togai, TogaiConfig } from "../mod.ts"
import { version } from "../src/internal/version.ts"
import { json, startServer } from "./support/server.ts"
import { failure, run, success } from "./support/run.ts"

const account = { id: "ACC00001", name: "Primary Account", status: "ACTIVE" }

Deno.test("Togai.layerConfig reads TOGAI_API_TOKEN and TOGAI_BASE_URL", async () => {
  await using server = startServer(() => json(200, account))
  const provider = ConfigProvider.fromMap(
    new Map([["TOGAI_API_TOKEN", "tok_from_env"], ["TOGAI_BASE_URL", `${server.url}/`]]),
  )
  const result = await Effect.runPromise(
    Accounts.getAccount("CUST01", "ACC00001").pipe(
      Effect.provide(Togai.layerConfig),
      Effect.withConfigProvider(provider),
    ),
  )
  assert.deepEqual(result, account)
  assert.equal(server.requests[0].headers.get("authorization"), "Bearer tok_from_env")
  assert.equal(server.requests[0].rawPath, "/customers/CUST01/accounts/ACC00001", "a trailing slash is dropped")
})

Deno.test("Togai.layerConfig without TOGAI_API_TOKEN fails with a ConfigurationError naming the setting, the variable and a valid value", async () => {
  const cases: ReadonlyArray<readonly [string, Map<string, string>, RegExp]> = [
    ["not set", new Map(), /token \(TOGAI_API_TOKEN\) is not set/],
    ["empty", new Map([["TOGAI_API_TOKEN", ""]]), /token \(TOGAI_API_TOKEN\) is empty/],
    ["with a line break", new Map([["TOGAI_API_TOKEN", "tok_1234\n"]]), /token \(TOGAI_API_TOKEN\) contains/],
  ]
  for (const [label, values, issue] of cases) {
    await using server = startServer(() => json(200, account))
    const exit = await Effect.runPromiseExit(
      Accounts.getAccount("CUST01", "ACC00001").pipe(
        TogaiConfig.withBaseUrl(server.url),
        Effect.provide(Togai.layerConfig),
        Effect.withConfigProvider(ConfigProvider.fromMap(values)),
      ),
    )
    assert.ok(Exit.isFailure(exit))
    const error = failure(exit)
    assert.equal(error._tag, "ConfigurationError", label)
    assert.ok(error._tag === "ConfigurationError")
    assert.equal(error.setting, "token")
    assert.equal(error.variable, "TOGAI_API_TOKEN")
    assert.match(error.message, issue)
    assert.match(error.message, /A valid value looks like the API token from Togai's settings page/)
    assert.doesNotMatch(error.message, /Missing data|<redacted>/)
    assert.equal(server.requests.length, 0, "nothing was sent")
  }
})

Deno.test("Togai.layerConfig with a TOGAI_BASE_URL that is no https:// URL fails as the layer is built", async () => {
  for (const baseUrl of ["api.togai.com", "localhost:8080", "ftp://api.togai.com", "https://api.togai.com/?x=1"]) {
    const provider = ConfigProvider.fromMap(new Map([["TOGAI_API_TOKEN", "tok_from_env"], ["TOGAI_BASE_URL", baseUrl]]))
    const error = failure(
      await Effect.runPromiseExit(
        Effect.void.pipe(Effect.provide(Togai.layerConfig), Effect.withConfigProvider(provider)),
      ),
    )
    assert.equal(error._tag, "ConfigurationError", baseUrl)
    assert.ok(error._tag === "ConfigurationError")
    assert.equal(error.setting, "baseUrl")
    assert.equal(error.variable, "TOGAI_BASE_URL")
    assert.match(error.message, /A valid value looks like https:\/\/api\.togai\.com/)
  }
})

Deno.test("the default base URL is Togai's sandbox, and a Redacted token stays redacted", async () => {
  const settings = await Effect.runPromise(TogaiConfig.TogaiConfig)
  assert.equal(settings.baseUrl, "https://sandbox-api.togai.com")
  assert.equal(Duration.toSeconds(settings.timeout), 60)
  for (const token of ["tok_plain", Redacted.make("tok_plain")]) {
    const credential = await Effect.runPromise(Effect.provide(Auth.Auth, Togai.layer({ token })))
    assert.equal(credential.scheme, "bearer")
    assert.equal(Redacted.value(credential.secret), "tok_plain")
    for (const shown of [String(credential.secret), JSON.stringify(credential), Deno.inspect(credential)]) {
      assert.ok(!shown.includes("tok_plain"), `shown: ${shown}`)
    }
  }
})

Deno.test("TogaiConfig.withBaseUrl sends one call elsewhere", async () => {
  await using first = startServer(() => json(200, account))
  await using second = startServer(() => json(200, account))
  success(
    await run(Accounts.getAccount("CUST01", "ACC00001").pipe(TogaiConfig.withBaseUrl(second.url)), first.url),
  )
  assert.equal(first.requests.length, 0)
  assert.equal(second.requests.length, 1)
})

Deno.test("the User-Agent names the version in deno.json", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)))
  assert.equal(version, config.version)
  await using server = startServer(() => json(200, account))
  success(await run(Accounts.getAccount("CUST01", "ACC00001"), server.url))
  assert.equal(server.requests[0].headers.get("user-agent"), `effect-togai-client/${config.version}`)
})
