/**
 * One `getAccount` against the server at `Deno.args[0]`, with the default
 * settings (a 60 s timeout), printing the account's id: run as its own
 * process by tests/Deadlines.test.ts, which checks that the process ends
 * when the call is done rather than when the timeout would have run out.
 */
import * as Effect from "effect/Effect"
import { Accounts, Togai } from "../../mod.ts"

const account = await Effect.runPromise(
  Accounts.getAccount("CUST01", "ACC00001").pipe(Effect.provide(Togai.layer({ token: "tok", baseUrl: Deno.args[0] }))),
)
console.log(account.id)
