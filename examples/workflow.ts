/**
 * A billing workflow as an app would write it: accounts, aliases, a price
 * plan with a rate card override, the list of every account, an update,
 * deletes, and recovery from rate limiting (the client's own retries, told
 * as they happen). `billing-workflow.ts` runs it;
 * `tests/Workflow.test.ts` tests it offline with `Simulator.layer`.
 */
import * as Chunk from "effect/Chunk"
import * as Console from "effect/Console"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Stream from "effect/Stream"
import { Accounts, type Schemas } from "../mod.ts"

/** The customer the workflow bills. */
export const customerId = "demo-customer"

/**
 * Tells the person running the workflow about every retry the client makes
 * on its own (a 429 waited out as its `Retry-After` asked, a 503 backed off):
 * the client logs each one at debug level, and this logger says it.
 */
export const narrateRetries = (say: (line: string) => Effect.Effect<void> = Console.log): Layer.Layer<never> =>
  Layer.merge(
    Logger.replace(
      Logger.defaultLogger,
      Logger.make(({ logLevel, message }) => {
        const text = Array.isArray(message) ? message.join(" ") : String(message)
        if (logLevel._tag === "Debug" && /^Togai\.\w+: retry /.test(text)) Effect.runSync(say(`   ! ${text}`))
      }),
    ),
    Logger.minimumLogLevel(LogLevel.Debug),
  )

const describe = (account: Schemas.Account): string => {
  const aliases = (account.aliases ?? []).map((alias) =>
    `${alias.alias}${alias.status === "ARCHIVED" ? " (archived)" : ""}`
  )
  return `${account.id} "${account.name}" ${account.status}${
    aliases.length === 0 ? "" : `, aliases: ${aliases.join(", ")}`
  }`
}

const day = (dateTime: DateTime.Utc): string => {
  const iso = DateTime.formatIsoDateUtc(dateTime)
  return iso.startsWith("9999") ? "open end" : iso
}

/**
 * The workflow itself: nothing in it knows whether Togai is real or
 * simulated. It reports each step through `say` (the console by default)
 * and returns what it saw, for tests.
 */
export const billingWorkflow = (say: (line: string) => Effect.Effect<void> = Console.log) =>
  Effect.gen(function* () {
    yield* say(`\n1. Create three accounts for customer ${customerId}`)
    const accounts = [
      { id: "ACC-DEMO-1", name: "Rides - Europe", aliases: ["rides-eu"] },
      { id: "ACC-DEMO-2", name: "Rides - America", aliases: ["rides-us"] },
      { id: "ACC-DEMO-3", name: "Deliveries", aliases: [] },
    ]
    for (const request of accounts) {
      const account = yield* Accounts.createAccount(customerId, request)
      yield* say(`   created ${describe(account)}`)
    }

    yield* say("\n2. Add aliases to ACC-DEMO-1, so events can name it by e-mail or phone")
    const withAliases = yield* Accounts.addAliases(customerId, "ACC-DEMO-1", {
      aliases: ["billing@acme.example", "+15550100"],
    })
    yield* say(`   now ${describe(withAliases)}`)

    yield* say("\n3. Remove the phone alias: Togai keeps it, archived")
    const withoutPhone = yield* Accounts.removeAliases(customerId, "ACC-DEMO-1", { aliases: ["+15550100"] })
    yield* say(`   now ${describe(withoutPhone)}`)

    yield* say(
      "\n4. Put ACC-DEMO-1 on Rides - Basic, then on Rides - Pro plan from 2030-01-01 with its own rates",
    )
    yield* Accounts.associatePricePlan(customerId, "ACC-DEMO-1", { pricePlanName: "Rides - Basic" })
    const schedules = yield* Accounts.associatePricePlan(customerId, "ACC-DEMO-1", {
      pricePlanName: "Rides - Pro plan",
      effectiveFrom: DateTime.unsafeMake("2030-01-01"),
      rateCardOverride: {
        type: "USAGE",
        usageConfig: {
          rides: {
            name: "rides",
            rateStrategy: "PER_UNIT",
            slabStrategy: "TIER",
            slabs: [{ rate: 100, startAfter: 0, order: 1 }, { rate: 40, startAfter: 10, order: 2 }],
          },
        },
      },
    })
    for (const schedule of schedules.pricingSchedules) {
      yield* say(
        `   ${schedule.pricePlanName} from ${day(schedule.startDate)} to ${day(schedule.endDate)}` +
          (schedule.override === undefined ? "" : " (with the account's own rates)"),
      )
    }

    yield* say("\n5. List every account of the customer, two a page, through Accounts.stream")
    // Togai may rate-limit the listing: the client waits as its Retry-After asks and carries on by itself.
    const listed = yield* Stream.runCollect(Accounts.stream(customerId, { pageSize: 2 })).pipe(
      Effect.provide(narrateRetries(say)),
    )
    for (const account of Chunk.toReadonlyArray(listed)) yield* say(`   listed ${describe(account)}`)

    yield* say("\n6. Rename ACC-DEMO-2")
    const renamed = yield* Accounts.updateAccount(customerId, "ACC-DEMO-2", { name: "Rides - Americas" })
    yield* say(`   now ${describe(renamed)}`)

    yield* say("\n7. Delete the demo accounts")
    for (const { id } of accounts) {
      const { success } = yield* Accounts.deleteAccount(customerId, id)
      yield* say(`   deleted ${id}: success ${success}`)
    }
    const gone = yield* Accounts.getAccount(customerId, "ACC-DEMO-1").pipe(
      Effect.map(() => "still there"),
      Effect.catchTag("NotFound", (error) => Effect.succeed(`NotFound (${error.serverMessage ?? "no message"})`)),
    )
    yield* say(`   getting ACC-DEMO-1 again: ${gone}`)
    return {
      created: accounts.map((account) => account.id),
      aliases: withoutPhone.aliases ?? [],
      schedules: schedules.pricingSchedules.map((schedule) => ({
        pricePlanName: schedule.pricePlanName,
        from: day(schedule.startDate),
        until: day(schedule.endDate),
        override: schedule.override !== undefined,
      })),
      listed: Chunk.toReadonlyArray(listed).map((account) => account.id),
      renamed: renamed.name,
      afterDelete: gone,
    }
  })
