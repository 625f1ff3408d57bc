// Type-checked by `deno task node-check` with tsc against the package's emitted declarations, the way a Node
// user's editor sees them: the operations' success and error types must come through, not `any`.
import * as Effect from "effect/Effect"
import { Accounts, Customers, Events, type Schemas, Togai, TogaiError } from "@effect-togai/client"
import { Simulator } from "@effect-togai/client/testing"

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

// Each operation's error type names the statuses its contract documents: a 422 is no getAccount error.
export const documented: Effect.Effect<
  Schemas.Customer,
  TogaiError.OperationError<400 | 401 | 403 | 404 | 429>,
  Togai.Requirements
> = Customers.getCustomer("customer-1")

// ingestBatch answers 202 or 207, both successes.
export const batch = Events.ingestBatch({ events: [Events.event({ eventName: "ride", accountId: "ACC1" })] }).pipe(
  Effect.map((result) => (result.status === 207 ? result.errors.length : 0)),
  Effect.provide(Simulator.layer()),
)
