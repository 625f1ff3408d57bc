/**
 * The backfill tool as a user runs it: `deno run src/backfill.ts FILE` as
 * a subprocess, against a real loopback server that de-duplicates by event
 * id (as Togai does), or the built-in simulator. Files live under `.tmp/`
 * (the one place the tests write; git ignores it).
 */
import assert from "node:assert/strict"
import { json, startServer, type TestServer } from "./support/server.ts"

const root = new URL("../", import.meta.url)
const tool = new URL("../src/backfill.ts", import.meta.url).pathname
const token = "tok_backfill_test_0123456789"

/** A directory of its own under .tmp/, removed with `await using`. */
const workDir = async (): Promise<{ readonly path: string } & AsyncDisposable> => {
  await Deno.mkdir(new URL(".tmp/", root), { recursive: true })
  const path = await Deno.makeTempDir({ dir: new URL(".tmp/", root).pathname, prefix: "backfill-" })
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) }
}

interface Output {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const command = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  new Deno.Command("deno", {
    args: ["run", "--allow-read", "--allow-write", "--allow-net=127.0.0.1", "--allow-env", tool, ...args],
    cwd: root,
    env: { NO_COLOR: "1", TOGAI_API_TOKEN: "", TOGAI_BASE_URL: "", ...env },
    stdout: "piped",
    stderr: "piped",
  })

const backfill = async (args: ReadonlyArray<string>, env: Record<string, string> = {}): Promise<Output> => {
  const output = await command(args, env).output()
  const decoder = new TextDecoder()
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) }
}

const against = (server: TestServer) => ({ TOGAI_API_TOKEN: token, TOGAI_BASE_URL: server.url })

/** A Togai that meters an id once: every id it was sent, how often, and the payloads it kept. */
const togai = (rejects: (event: { id: string; accountId: string }) => string | undefined = () => undefined) => {
  const seen = new Map<string, number>()
  const kept = new Map<string, unknown>()
  let answer: (() => Response | undefined) | undefined
  const server = startServer((request) => {
    const early = answer?.()
    if (early !== undefined) return early
    const events: Array<{ id: string; accountId: string }> = JSON.parse(request.body).events
    const errors = []
    for (const event of events) {
      seen.set(event.id, (seen.get(event.id) ?? 0) + 1)
      const reason = rejects(event)
      if (reason === undefined) kept.set(event.id, event)
      else errors.push({ message: reason, eventPayload: event })
    }
    return json(errors.length === 0 ? 202 : 207, { errors })
  })
  return {
    server,
    seen,
    kept,
    /** Answers every request this way while it returns a response. */
    answerWith: (next: (() => Response | undefined) | undefined) => {
      answer = next
    },
  }
}

const rejectedLines = async (path: string): Promise<Array<{ line: number | null; reason: string; record?: string }>> =>
  (await Deno.readTextFile(path)).split("\n").filter((line) => line !== "").map((line) => JSON.parse(line))

const ride = (n: number) =>
  JSON.stringify({
    eventName: "ride",
    accountId: `ACC${n % 7}`,
    eventTimestamp: new Date(Date.UTC(2026, 10, 1) + n * 1000).toISOString(),
    id: `ride-${n}`,
    attributes: { distance: (n % 50) + 0.5 },
  })

Deno.test("backfill sends an NDJSON file; each bad line is a rejection with its line number, never a crash", async () => {
  await using work = await workDir()
  const dir = work.path
  const file = `${dir}/rides.ndjson`
  await Deno.writeTextFile(
    file,
    [
      `{"eventName":"ride","accountId":"ACC1","eventTimestamp":"2026-11-01T09:30:00Z","id":"ride-1",` +
      `"eventAttributes":[{"attributeName":"distance","attributeValue":"12.5","attributeValueUnit":"km"}],` +
      `"dimensions":{"city":"Chennai"}}`,
      `{"eventName":"ride","accountId":"ACC2","eventTimestamp":1761989460000,"attributes":{"distance":3},` +
      `"dimensions":{"surge":true}}`,
      `not json`,
      `{"eventName":"ride","eventTimestamp":"2026-11-01T09:31:00Z"}`,
      ``,
      `{"eventName":"ride","accountId":"ACC1","eventTimestamp":"2026-11-01T09:31:00","id":"ride-5"}`,
      `{"eventName":"ride","acountId":"ACC1","eventTimestamp":"2026-11-01T09:31:00Z","id":"ride-6"}`,
      `{"eventName":"ride","accountId":"ACC1","eventTimestamp":"2026-11-01T09:32:00Z","id":"${"x".repeat(300)}"}`,
      `{"eventName":"ride","accountId":"ACC9","eventTimestamp":"2026-11-01T09:33:00Z","id":"ride-9"}`,
    ].join("\r\n"),
  )
  const { server, kept } = togai((event) => event.accountId === "ACC9" ? "Account ACC9 does not exist" : undefined)
  await using _ = server
  const run = await backfill([file, "--progress", "none"], against(server))
  assert.equal(run.code, 1, run.stderr)
  assert.match(run.stdout, /8 records, 2 accepted, 6 rejected/) // the blank line is no record
  assert.match(run.stdout, /rides\.ndjson\.rejected\.ndjson/)

  // What Togai received: the contract's wire form, numbers as strings, the id derived where the line had none.
  const [first, second] = [...kept.values()] as Array<Record<string, unknown>>
  assert.deepEqual(first, {
    eventName: "ride",
    id: "ride-1",
    eventTimestamp: "2026-11-01T09:30:00.000Z",
    accountId: "ACC1",
    eventAttributes: [{ attributeName: "distance", attributeValue: "12.5", attributeValueUnit: "km" }],
    dimensions: { city: "Chennai" },
  })
  assert.equal(second.eventTimestamp, "2025-11-01T09:31:00.000Z")
  assert.deepEqual(second.eventAttributes, [{ attributeName: "distance", attributeValue: "3" }])
  assert.deepEqual(second.dimensions, { surge: "true" })
  assert.match(String(second.id), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)

  const rejected = await rejectedLines(`${file}.rejected.ndjson`)
  assert.deepEqual(rejected.map((entry) => entry.line), [3, 4, 6, 7, 8, 9])
  assert.match(rejected[0].reason, /^not JSON/)
  assert.equal(rejected[0].record, "not json")
  assert.equal(rejected[1].reason, "accountId is missing")
  assert.match(rejected[2].reason, /has no time zone/)
  assert.match(rejected[3].reason, /unknown field "acountId"/)
  assert.match(rejected[4].reason, /id/) // over 255 characters: the contract's check, never sent
  assert.equal(rejected[5].reason, "Account ACC9 does not exist")
  assert.ok(!server.requests.some((request) => request.body.includes("x".repeat(300))))

  // The same file again (--restart): the same ids, so Togai meters nothing twice.
  const again = await backfill([file, "--progress", "none", "--restart"], against(server))
  assert.equal(again.code, 1)
  assert.equal(kept.size, 2)
  assert.equal((await rejectedLines(`${file}.rejected.ndjson`)).length, 6)
  // Done is done: a third run without --restart sends nothing and says so.
  const sent = server.requests.length
  const done = await backfill([file, "--progress", "none"], against(server))
  assert.match(done.stdout, /sent completely by an earlier run/)
  assert.equal(server.requests.length, sent)
  for (const output of [run, again, done]) assert.ok(!`${output.stdout}${output.stderr}`.includes(token))
})

Deno.test("backfill reads CSV with a header row: quoted fields, units, dimensions; a bad row is a rejection", async () => {
  await using work = await workDir()
  const dir = work.path
  const file = `${dir}/rides.csv`
  await Deno.writeTextFile(
    file,
    "eventName,accountId,eventTimestamp,id,attributes.distance,units.distance,dimensions.city\n" +
      'ride,ACC1,2026-11-01T09:30:00Z,ride-1,12.5,km,"Chennai, TN"\n' +
      'ride,ACC1,2026-11-01T09:31:00Z,ride-2,3,,"two\nlines"\n' +
      "ride,ACC1,2026-11-01T09:32:00Z,ride-3,4\n" +
      "ride,,2026-11-01T09:33:00Z,ride-4,5,,\n" +
      'ride,ACC1,2026-11-01T09:34:00Z,ride-5,a"b,,\n' +
      "ride,ACC1,2026-11-01T09:35:00Z,,6,,\n",
  )
  const { server, kept } = togai()
  await using _ = server
  const run = await backfill([file, "--progress", "none"], against(server))
  assert.equal(run.code, 1, run.stderr)
  const events = [...kept.values()] as Array<Record<string, unknown>>
  assert.deepEqual(events.map((event) => event.dimensions), [{ city: "Chennai, TN" }, { city: "two\nlines" }, {}])
  assert.deepEqual(events[0].eventAttributes, [
    { attributeName: "distance", attributeValue: "12.5", attributeValueUnit: "km" },
  ])
  assert.match(String(events[2].id), /^[0-9a-f-]{36}$/)
  const rejected = await rejectedLines(`${file}.rejected.ndjson`)
  assert.deepEqual(rejected.map((entry) => entry.line), [5, 6, 7])
  assert.match(rejected[0].reason, /has 5 fields where the header has 7/)
  assert.equal(rejected[1].reason, "accountId is missing")
  assert.match(rejected[2].reason, /Invalid Opening Quote/) // a quote inside an unquoted field

  // A header the tool cannot map stops the run before anything is sent, saying what the columns may be.
  await Deno.writeTextFile(`${dir}/bad.csv`, "eventName,account,eventTimestamp\nride,ACC1,2026-11-01T09:30:00Z\n")
  const bad = await backfill([`${dir}/bad.csv`, "--progress", "none"], against(server))
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /column "account" is not one of eventName, accountId/)
})

Deno.test("CSV: a stray quote is its own line's mistake, a lone \\r is data, and a resume after a multi-line record keeps the ids", async () => {
  await using work = await workDir()
  const file = `${work.path}/notes.csv`
  await Deno.writeTextFile(
    file,
    "eventName,accountId,eventTimestamp,id,dimensions.note\n" +
      'ride,ACC1,2026-11-01T09:30:00Z,first,"spans\nthree\nlines"\n' +
      "ride,ACC1,2026-11-01T09:31:00Z,,x\ry\n" +
      'ride,ACC1,2026-11-01T09:32:00Z,,12" screen\n' +
      "ride,ACC1,2026-11-01T09:33:00Z,,after the stray quote\n" +
      'ride,ACC1,2026-11-01T09:34:00Z,,5" x\n' +
      "ride,ACC1,2026-11-01T09:35:00Z,,last\n",
  )
  const { server, kept, answerWith } = togai()
  await using _ = server
  const args = [file, "--progress", "none", "--batch-size", "1", "--concurrency", "1", "--retries", "0"]
  // Uninterrupted: the ids a clean run derives.
  const clean = await backfill([...args, "--restart"], against(server))
  assert.equal(clean.code, 1, clean.stderr)
  const events = [...kept.values()] as Array<{ id: string; dimensions: { note: string } }>
  assert.deepEqual(events.map((event) => event.dimensions.note), [
    "spans\nthree\nlines",
    "x\ry",
    "after the stray quote",
    "last",
  ])
  const rejected = await rejectedLines(`${file}.rejected.ndjson`)
  assert.deepEqual(rejected.map((entry) => entry.line), [6, 8])
  assert.match(rejected[0].reason, /Invalid Opening Quote/)
  const ids = events.map((event) => event.id)

  // Stopped after the multi-line record, then resumed: the same line numbers, so the same derived ids.
  kept.clear()
  let requests = 0
  answerWith(() => ++requests === 2 ? json(503, { errorMessage: "down" }) : undefined)
  const stopped = await backfill([...args, "--restart"], against(server))
  assert.equal(stopped.code, 3, stopped.stderr)
  assert.match(stopped.stdout, /resume after line 4\b/)
  answerWith(undefined)
  const resumed = await backfill(args, against(server))
  assert.equal(resumed.code, 1, resumed.stderr)
  assert.deepEqual([...kept.keys()].sort(), [...ids].sort())
  assert.deepEqual((await rejectedLines(`${file}.rejected.ndjson`)).map((entry) => entry.line), [6, 8])
})

Deno.test("a backfill killed half way resumes where it stopped: no id missing, none metered twice", async () => {
  await using work = await workDir()
  const dir = work.path
  const total = 6_000
  const file = `${dir}/rides.ndjson`
  const lines: Array<string> = []
  for (let n = 0; n < total; n++) lines.push(n % 1_000 === 500 ? `broken line ${n}` : ride(n))
  await Deno.writeTextFile(file, lines.join("\n") + "\n")
  const { server, seen, kept } = togai((event) => event.id.endsWith("77") ? "no such schema" : undefined)
  await using _ = server
  const args = [file, "--progress", "none", "--rate", "25", "--batch-size", "50", "--concurrency", "2"]

  const child = command(args, against(server)).spawn()
  while (seen.size < total / 2) await new Promise((resolve) => setTimeout(resolve, 20))
  child.kill("SIGKILL")
  const killed = await child.output()
  assert.notEqual(killed.code, 0)
  const atKill = seen.size
  assert.ok(atKill < total - 500, `the kill came too late to test anything: ${atKill}`)

  const resumed = await backfill(args, against(server))
  assert.match(resumed.stderr, /resuming after line [\d,]+/)
  const expected = lines.flatMap((line, n) => line.startsWith("broken") ? [] : [`ride-${n}`])
  assert.deepEqual([...seen.keys()].sort(), expected.sort(), "every id reached Togai")
  const resent = [...seen.values()].reduce((sum, times) => sum + times - 1, 0)
  // Only what was in flight, or answered after the last checkpoint, at the kill is sent again.
  assert.ok(resent <= 1_000, `${resent} events were sent again`)
  const rejectedByTogai = expected.filter((id) => id.endsWith("77")).length
  assert.equal(kept.size, expected.length - rejectedByTogai)
  assert.equal(resumed.code, 1)
  assert.match(
    resumed.stdout,
    new RegExp(`${total.toLocaleString("en-US")} records, [\\d,]+ accepted, ${rejectedByTogai + 6} rejected`),
  )
  // Every rejection is written once, in the order of the file, however many runs it took.
  const rejected = await rejectedLines(`${file}.rejected.ndjson`)
  assert.equal(rejected.length, rejectedByTogai + 6)
  const numbers = rejected.map((entry) => entry.line!)
  assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b))
  assert.equal(new Set(numbers).size, numbers.length)
})

Deno.test("when Togai stops answering the run exits 3 with where it stands, and the next run resumes", async () => {
  await using work = await workDir()
  const dir = work.path
  const file = `${dir}/rides.ndjson`
  await Deno.writeTextFile(file, Array.from({ length: 1_000 }, (_, n) => ride(n)).join("\n"))
  const { server, seen, answerWith } = togai()
  await using _ = server
  let answered = 0
  answerWith(() =>
    answered++ < 4 ? undefined : json(503, { errorMessage: `down; your token ${token} is fine` }, {
      "retry-after": "0",
    })
  )
  const args = [file, "--progress", "none", "--retries", "1", "--batch-size", "100", "--concurrency", "1"]
  const stopped = await backfill(args, against(server))
  assert.equal(stopped.code, 3, stopped.stderr)
  assert.match(
    stopped.stdout,
    /stopped: 400 records have their answer .*run the same command to resume after line 400/,
  )
  assert.ok(!`${stopped.stdout}${stopped.stderr}`.includes(token))
  answerWith(undefined)
  const resumed = await backfill(args, against(server))
  assert.equal(resumed.code, 0, resumed.stderr)
  assert.match(resumed.stdout, /1,000 records, 1,000 accepted, 0 rejected/)
  assert.equal(seen.size, 1_000)
})

Deno.test("Ctrl-C saves the checkpoint and exits 130; the next run resumes from it", async () => {
  await using work = await workDir()
  const dir = work.path
  const file = `${dir}/rides.ndjson`
  await Deno.writeTextFile(file, Array.from({ length: 3_000 }, (_, n) => ride(n)).join("\n"))
  const { server, seen } = togai()
  await using _ = server
  const args = [file, "--progress", "none", "--rate", "10", "--batch-size", "50"]
  const child = command(args, against(server)).spawn()
  while (seen.size < 500) await new Promise((resolve) => setTimeout(resolve, 20))
  child.kill("SIGINT")
  const interrupted = await child.output()
  assert.equal(interrupted.code, 130, new TextDecoder().decode(interrupted.stderr))
  assert.match(new TextDecoder().decode(interrupted.stdout), /interrupted: .* resume after line/)
  const checkpoint = JSON.parse(await Deno.readTextFile(`${file}.checkpoint.json`))
  assert.ok(checkpoint.records >= 500 && checkpoint.complete === false, JSON.stringify(checkpoint))
  const resumed = await backfill([...args, "--rate", "0"], against(server))
  assert.equal(resumed.code, 0, resumed.stderr)
  assert.match(resumed.stderr, /resuming after line/)
  assert.equal(seen.size, 3_000)
})

Deno.test("without TOGAI_API_TOKEN the backfill runs against the built-in simulator, and says so", async () => {
  await using work = await workDir()
  const dir = work.path
  const file = `${dir}/rides.ndjson`
  await Deno.writeTextFile(file, Array.from({ length: 250 }, (_, n) => ride(n)).join("\n"))
  const run = await backfill([file, "--progress", "lines"])
  assert.equal(run.code, 0, run.stderr)
  assert.match(run.stderr, /TOGAI_API_TOKEN is not set, so this run goes to the built-in Togai simulator/)
  assert.match(run.stdout, /250 records, 250 accepted, 0 rejected/)
  // A trial leaves what a real run keeps alone: no checkpoint, and its rejections in a file of its own.
  await assert.rejects(Deno.stat(`${file}.checkpoint.json`), Deno.errors.NotFound)
  await assert.rejects(Deno.stat(`${file}.rejected.ndjson`), Deno.errors.NotFound)
  assert.equal(await Deno.readTextFile(`${file}.simulator.rejected.ndjson`), "")
})

Deno.test("backfill --help explains every flag; a wrong flag or value exits 2 and points to --help", async () => {
  const help = await backfill(["--help"])
  assert.equal(help.code, 0)
  for (
    const flag of ["--format", "--batch-size", "--concurrency", "--rate", "--retries", "--base-url", "--checkpoint"]
  ) {
    assert.ok(help.stderr.includes(flag), flag)
  }
  for (const flag of ["--rejected", "--restart", "--simulator", "--progress", "--every", "TOGAI_API_TOKEN"]) {
    assert.ok(help.stderr.includes(flag), flag)
  }
  const unknown = await backfill(["rides.ndjson", "--fast"])
  assert.equal(unknown.code, 2)
  assert.match(unknown.stderr, /--fast.*\n.*--help/s)
  const size = await backfill(["rides.ndjson", "--batch-size", "500"])
  assert.equal(size.code, 2)
  assert.match(size.stderr, /--batch-size is "500"; it takes a whole number from 1 to 100/)
  const missing = await backfill(["no-such-file.ndjson"])
  assert.equal(missing.code, 2)
  assert.match(missing.stderr, /cannot read no-such-file\.ndjson/)
})
