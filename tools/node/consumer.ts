// Type-checked by `deno task node-check` with tsc against the package's emitted declarations, the way a Node
// user's editor sees them: the operations' success and error types must come through, not `any`.
import * as Effect from "effect/Effect"
import { Accounts, type Schemas, Togai, TogaiError } from "@effect-togai/client"

const program: Effect.Effect<string, TogaiError.TogaiError, Togai.Requirements> = Accounts.getAccount(
  "customer-1",
  "ACC00001",
).pipe(Effect.map((account: Schemas.Account) => `${account.name} is ${account.status}`))

export const recovered: Effect.Effect<
  string,
  Exclude<TogaiError.TogaiError, TogaiError.NotFound>,
  Togai.Requirements
> = program.pipe(Effect.catchTag("NotFound", (error) => Effect.succeed(`no account (${error.status})`)))

export const runnable: Effect.Effect<string, TogaiError.TogaiError> = program.pipe(
  Effect.provide(Togai.layer({ token: "tok" })),
)

// @ts-expect-error: a status is a number, so the declarations are typed, not `any`.
export const wrong: string = new TogaiError.NotFound({ operation: "getAccount", status: 404 }).status

// @ts-expect-error: an account has no such field.
export const missing = (account: Schemas.Account) => account.balance
