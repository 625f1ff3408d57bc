/**
 * The single place where a Togai request is built, sent, timed out,
 * retried and decoded: {@link execute}. Operations are data (an
 * `Endpoint` of the generated table); this module is the machinery they
 * share, and every call of every operation goes through it, to the
 * `HttpClient` the caller provides (`Togai.layer`'s and `Simulator.layer`'s
 * are the same `FetchHttpClient`; the simulator swaps only the `fetch`).
 *
 * One call: check the settings and the input -> build the request ->
 * (retry loop: wait for a rate-limit permit -> send and read the body, at
 * most `maxResponseBytes`, under the per-attempt timeout; same-origin GET
 * redirects followed -> map the status to a value or a tagged error) ->
 * caller, all in a span named `Togai.<operation>`.
 *
 * @internal
 * @module
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as Stream from "effect/Stream"
import { Auth, type Credential, validate as validateCredential } from "../Auth.ts"
import { RateLimit } from "../RateLimit.ts"
import * as Retry from "../Retry.ts"
import { type RetryPolicy, type Settings, TogaiConfig, validate as validateSettings } from "../TogaiConfig.ts"
import {
  BadRequest,
  type ConfigurationError,
  DecodeError,
  Forbidden,
  InvalidRequest,
  NotFound,
  type OperationError,
  RateLimited,
  RedirectNotFollowed,
  ResponseTooLarge,
  ServiceUnavailable,
  type StatusError,
  Timeout,
  type TogaiError,
  TransportError,
  Unauthorized,
  UnexpectedStatus,
  UnprocessableEntity,
} from "../TogaiError.ts"
import type { Endpoint, Method, TaggedStatus } from "./endpoint.ts"
import { userAgent } from "./version.ts"

/** What one call of an operation passes: path parameters by the spec's names, query options, the body. */
export interface Input<Body = unknown, Query = unknown> {
  readonly path?: Readonly<Record<string, string>> | undefined
  readonly query?: Query | undefined
  readonly body?: Body | undefined
}

/** A success: the status Togai answered with (202 or 207 for a batch, say) and the decoded value. */
export interface Answered<A> {
  readonly status: number
  readonly value: A
}

// ---------------------------------------------------------------------------------------------------------------
// Text that came from a server or the runtime: scrubbed of the secret, then bounded.

/**
 * The characters of a word: a short secret is replaced only where no such
 * character touches it. Punctuation (`=`, `.`, `:`, quotes) ends a word, so
 * `api_key=test.` is redacted; a letter does not, so `Transport` stays whole.
 */
const wordCharacters = "A-Za-z0-9_\\-"

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")

/**
 * Removes the secret from text that came from a server, the runtime or the
 * caller's input (a server that echoes the request headers, say). A secret
 * of 8 characters or more is replaced wherever it appears; a shorter one
 * (`"t"`, `"test"`, as in tests) only where it stands alone as a word, so
 * that `Transport error` does not read `Transpor<redacted> error`: a short
 * secret inside a longer word is not that secret.
 */
export const scrub = (text: string, credential: Credential): string => {
  const secret = Redacted.value(credential.secret)
  if (secret === "" || !text.includes(secret)) return text
  if (secret.length >= 8) return text.split(secret).join("<redacted>")
  const alone = new RegExp(`(?<![${wordCharacters}])${escapeRegExp(secret)}(?![${wordCharacters}])`, "g")
  return text.replace(alone, "<redacted>")
}

/** Cuts a text to `max` characters, marking the cut. Scrub first: a cut must not leave part of a secret. */
export const bounded = (text: string, max: number): string => text.length <= max ? text : `${text.slice(0, max)}...`

const serverText = (text: string, credential: Credential, max: number): string => bounded(scrub(text, credential), max)

/**
 * Formats schema issues as `path: message` lines, the path in the caller's
 * terms (`path.customer_id`, `body.aliases.0`; a response's from its root);
 * at most 10, each scrubbed as a whole (a map key can be the secret as well
 * as a value), then bounded.
 */
export const formatIssues = (error: ParseResult.ParseError, credential: Credential, where?: string): string => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const lines = issues.slice(0, 10).map((issue) => {
    const path = [...(where === undefined ? [] : [where]), ...issue.path.map(String)]
    return serverText(`${path.length === 0 ? "(body)" : path.join(".")}: ${issue.message}`, credential, 300)
  })
  return lines.join("; ") + (issues.length > 10 ? `; and ${issues.length - 10} more` : "")
}

// ---------------------------------------------------------------------------------------------------------------
// Settings and credentials: misconfiguration is told apart from the network.

const settingsChecked = new WeakMap<Settings, ConfigurationError | null>()

/** `TogaiConfig.validate`, once per settings object (a program has a handful, and sends thousands of calls). */
const checkSettings = (settings: Settings): ConfigurationError | undefined => {
  let problem = settingsChecked.get(settings)
  if (problem === undefined) {
    problem = validateSettings(settings) ?? null
    settingsChecked.set(settings, problem)
  }
  return problem ?? undefined
}

// ---------------------------------------------------------------------------------------------------------------
// The request

/** Checks the input and builds the URL and the body; what is wrong, before anything is sent. */
const prepare = <A, B, Q, S extends TaggedStatus>(
  endpoint: Endpoint<A, B, Q, S>,
  input: Input<B, Q>,
  settings: Settings,
  credential: Credential,
): { readonly url: string; readonly body: string | undefined } | InvalidRequest => {
  const problems: Array<string> = []
  try {
    const path = endpoint.encodePath(input.path ?? {})
    const query = endpoint.encodeQuery(input.query ?? {})
    const body = endpoint.encodeBody?.(input.body)
    // The caller's input may hold the secret too (pasted in the wrong field): scrubbed like a server's text.
    if (path._tag === "Left") problems.push(formatIssues(path.left, credential, "path"))
    if (query._tag === "Left") problems.push(formatIssues(query.left, credential, "query"))
    if (body?._tag === "Left") problems.push(formatIssues(body.left, credential, "body"))
    if (path._tag === "Left" || query._tag === "Left" || body?._tag === "Left") {
      return new InvalidRequest({ operation: endpoint.operation, issues: problems.join("; ") })
    }
    let url = settings.baseUrl
    for (const segment of endpoint.segments) {
      url += "/" + ("literal" in segment ? segment.literal : encodeURIComponent(path.right[segment.param]))
    }
    const search = new URLSearchParams()
    for (const [name, value] of Object.entries(query.right)) if (value !== undefined) search.append(name, value)
    const encodedQuery = search.toString()
    return {
      url: encodedQuery === "" ? url : `${url}?${encodedQuery}`,
      body: body === undefined ? undefined : JSON.stringify(body.right),
    }
  } catch (cause) {
    // A caller's value that throws when read (a getter, a BigInt in a body): still the caller's input.
    return new InvalidRequest({
      operation: endpoint.operation,
      issues: serverText(
        `the input could not be encoded: ${cause instanceof Error ? cause.message : String(cause)}`,
        credential,
        300,
      ),
    })
  }
}

const headersOf = (credential: Credential, withBody: boolean): Record<string, string> => ({
  accept: "application/json",
  "user-agent": userAgent,
  ...(credential.scheme === "bearer"
    ? { authorization: `Bearer ${Redacted.value(credential.secret)}` }
    : { "x-api-key": Redacted.value(credential.secret) }),
  ...(withBody ? { "content-type": "application/json" } : {}),
})

// ---------------------------------------------------------------------------------------------------------------
// Failures on the way

/**
 * Error codes and messages that runtimes give a failure to connect, before
 * any byte of the request was sent: Deno names hyper's connect phase
 * ("client error (Connect)": refused, DNS, TLS handshake); Node's fetch
 * (undici) and Bun set a `code`. Browsers say only "Failed to fetch", so
 * there nothing is known to be unsent.
 */
const connectCodes = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "ConnectionRefused",
  "FailedToOpenSocket",
])

const failedToConnect = (cause: unknown): boolean => {
  let current = cause
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current.message.includes("client error (Connect)")) return true
    if ("code" in current && typeof current.code === "string" && connectCodes.has(current.code)) return true
    current = current.cause
  }
  return false
}

const describeCause = (cause: unknown): string => {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : ""
    return `${cause.message}${inner}`
  }
  return String(cause)
}

interface Call {
  readonly operation: string
  readonly method: Method
  readonly idempotent: boolean
  readonly credential: Credential
  readonly settings: Settings
}

const transportError = (call: Call, error: HttpClientError.HttpClientError): TransportError =>
  new TransportError({
    operation: call.operation,
    method: call.method,
    idempotent: call.idempotent,
    reason: serverText(`${error.reason} error: ${describeCause(error.cause ?? error)}`, call.credential, 500),
    phase: error._tag === "ResponseError" ? "body" : failedToConnect(error.cause) ? "connect" : "send",
  })

const timeoutError = (call: Call): Timeout =>
  new Timeout({
    operation: call.operation,
    method: call.method,
    idempotent: call.idempotent,
    timeout: call.settings.timeout,
  })

/** RFC 9110's HTTP-date forms: IMF-fixdate, and the obsolete RFC 850 and asctime forms. */
const httpDate =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/

/**
 * Parses `Retry-After` as RFC 9110 defines it: delay-seconds (digits only)
 * or an HTTP-date. Anything else (`-5`, `1.5`, `1, 2`) is absent.
 */
export const parseRetryAfter = (value: string | undefined, nowMillis: number): Duration.Duration | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Duration.seconds(Number(trimmed))
  if (!httpDate.test(trimmed)) return undefined
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Duration.millis(Math.max(0, date - nowMillis))
}

/** The response headers a handler may need; nothing credential-like, and no name that holds the secret. */
const usefulHeader =
  /^(?:retry-after|x-request-id|x-amzn-requestid|x-correlation-id|x-ratelimit-[a-z-]+|ratelimit(?:-[a-z-]+)?)$/

const errorHeaders = (headers: Readonly<Record<string, string>>, credential: Credential): Record<string, string> => {
  const kept: Record<string, string> = {}
  for (const name of Object.keys(headers)) {
    if (usefulHeader.test(name) && scrub(name, credential) === name) {
      kept[name] = serverText(headers[name], credential, 200)
    }
  }
  return kept
}

/** Reads `message` from a `{"message": ...}` body; any other body has none. */
const serverMessage = (body: string, credential: Credential): string | undefined => {
  if (body === "") return undefined
  try {
    const json: unknown = JSON.parse(body)
    if (typeof json === "object" && json !== null && "message" in json && typeof json.message === "string") {
      return serverText(json.message, credential, 500)
    }
  } catch {
    // not JSON (an HTML page from a proxy, say): the status alone says what happened
  }
  return undefined
}

const statusError = <S extends TaggedStatus>(
  call: Call,
  documented: ReadonlyArray<S>,
  answer: Answer,
  nowMillis: number,
): StatusError => {
  const fields = {
    operation: call.operation,
    method: call.method,
    status: answer.status,
    serverMessage: serverMessage(answer.body, call.credential),
    headers: errorHeaders(answer.headers, call.credential),
  }
  const status = answer.status as TaggedStatus
  if (!(documented as ReadonlyArray<number>).includes(status)) {
    return new UnexpectedStatus({ ...fields, idempotent: call.idempotent })
  }
  switch (status) {
    case 400:
      return new BadRequest(fields)
    case 401:
      return new Unauthorized(fields)
    case 403:
      return new Forbidden(fields)
    case 404:
      return new NotFound(fields)
    case 422:
      return new UnprocessableEntity(fields)
    case 429:
      return new RateLimited({ ...fields, retryAfter: parseRetryAfter(answer.headers["retry-after"], nowMillis) })
    case 503:
      return new ServiceUnavailable({
        ...fields,
        retryAfter: parseRetryAfter(answer.headers["retry-after"], nowMillis),
      })
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading and interpreting the answer

/** A whole answer: status, headers (lower-case names), the body as text. */
interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * Reads the body, at most `limit` bytes (after decompression: what `fetch`
 * hands over); past the limit it stops reading, which cancels the body and
 * closes the connection.
 */
const readBody = (
  call: Call,
  response: HttpClientResponse.HttpClientResponse,
): Effect.Effect<string, ResponseTooLarge | TransportError> => {
  const limit = call.settings.maxResponseBytes
  const tooLarge = () => new ResponseTooLarge({ operation: call.operation, status: response.status, limit })
  const declared = response.headers["content-length"]
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limit) {
    // not read at all; taking the first chunk and stopping cancels the body
    return Effect.zipRight(Effect.ignore(Stream.runHead(response.stream)), Effect.fail(tooLarge()))
  }
  // A declared length within the limit, and no compression (whose declared length says nothing of the inflated
  // size): the runtime reads no more than declared, so the whole body is safe to read at once, which costs a
  // seventh of counting it chunk by chunk through a Stream (bench/main.ts).
  const encoding = response.headers["content-encoding"]
  if (declared !== undefined && /^\d+$/.test(declared) && (encoding === undefined || encoding === "identity")) {
    return Effect.catchTag(response.text, "ResponseError", (error) => Effect.fail(transportError(call, error)))
  }
  const decoder = new TextDecoder()
  return Stream.runFoldEffect(
    response.stream,
    { text: "", size: 0 },
    (read, chunk): Effect.Effect<{ text: string; size: number }, ResponseTooLarge> => {
      read.size += chunk.length
      if (read.size > limit) return Effect.fail(tooLarge())
      read.text += decoder.decode(chunk, { stream: true })
      return Effect.succeed(read)
    },
  ).pipe(
    Effect.map((read) => read.text + decoder.decode()),
    Effect.catchTag("ResponseError", (error) => Effect.fail(transportError(call, error))),
  )
}

/** How deep a JSON answer may nest: Togai's deepest schema nests 8 levels; a hostile body, thousands. */
const maxDepth = 64

/** Whether a parsed JSON value nests deeper than `maxDepth`, found without recursion. */
const tooDeep = (json: unknown): boolean => {
  const values: Array<unknown> = [json]
  const depths: Array<number> = [0]
  while (values.length > 0) {
    const value = values.pop()
    const depth = depths.pop() ?? 0
    if (typeof value !== "object" || value === null) continue
    if (depth >= maxDepth) return true
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      values.push(child)
      depths.push(depth + 1)
    }
  }
  return false
}

const decodeError = (call: Call, status: number, issues: string) =>
  new DecodeError({ operation: call.operation, status, issues })

/** Turns a whole answer into the decoded value or a tagged error. */
const interpret = <A, B, Q, S extends TaggedStatus>(
  endpoint: Endpoint<A, B, Q, S>,
  call: Call,
  answer: Answer,
  nowMillis: number,
): Effect.Effect<Answered<A>, OperationError<S>> => {
  const { status, body } = answer
  if (!endpoint.decoders.has(status)) {
    return Effect.fail(statusError(call, endpoint.errors, answer, nowMillis) as OperationError<S>)
  }
  const decode = endpoint.decoders.get(status)
  // A success without a body in the contract (ingest's 202): whatever came is not read.
  if (decode === undefined) return Effect.succeed({ status, value: undefined as A })
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return Effect.fail(decodeError(call, status, body === "" ? "the body is empty" : "the body is not JSON"))
  }
  // Parsing and decoding do not recurse into what the schema does not know, so a deep body that decodes is
  // harmless; describing one that does not would print it recursively, so the depth is checked before that.
  const decoded = decode(json)
  if (decoded._tag === "Right") return Effect.succeed({ status, value: decoded.right as A })
  if (tooDeep(json)) {
    return Effect.fail(decodeError(call, status, `the body nests deeper than ${maxDepth} levels`))
  }
  return Effect.fail(decodeError(call, status, formatIssues(decoded.left, call.credential)))
}

// ---------------------------------------------------------------------------------------------------------------
// Redirects: the credentials never leave Togai's origin.

const maxRedirects = 5

const isRedirect = (status: number): boolean =>
  status === 0 || status === 301 || status === 302 || status === 303 || status === 307 || status === 308

/** Where a redirect may be followed: a GET, to the same origin, within the hop limit; otherwise `undefined`. */
const redirectTarget = (call: Call, from: string, location: string | undefined, hops: number): string | undefined => {
  if (call.method !== "GET" || location === undefined || hops >= maxRedirects) return undefined
  try {
    const target = new URL(location, from)
    return target.origin === new URL(from).origin ? target.href : undefined
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Retries

/** Says why a retry happens, in words safe for a log: tags, statuses and waits, never a body or a header. */
const retryReason = (error: TogaiError): string => {
  switch (error._tag) {
    case "RateLimited":
    case "ServiceUnavailable": {
      const label = error._tag === "RateLimited" ? "429 Too Many Requests" : "503 Service Unavailable"
      return error.retryAfter === undefined ? label : `${label} (Retry-After ${Duration.toMillis(error.retryAfter)} ms)`
    }
    case "UnexpectedStatus":
      return `${error.status} ${error._tag}`
    case "TransportError":
      return `${error._tag} (${error.phase ?? "unknown phase"})`
    case "Timeout":
      return `${error._tag} after ${Duration.toMillis(error.timeout)} ms`
    default:
      return error._tag
  }
}

/** Makes a retry visible: a debug log line, and an event on the operation's span. */
const announceRetry = (
  operation: string,
  maxRetries: number,
  step: Retry.Step,
  error: TogaiError,
): Effect.Effect<void> => {
  const delayMillis = Math.round(Duration.toMillis(step.delay))
  const reason = retryReason(error)
  const attributes = {
    "togai.operation": operation,
    "togai.retry.number": step.retry,
    "togai.retry.delay_ms": delayMillis,
    "togai.retry.reason": reason,
  }
  return Effect.flatMap(Effect.option(Effect.currentSpan), (span) =>
    Effect.flatMap(Clock.currentTimeNanos, (now) => {
      if (Option.isSome(span)) span.value.event("togai.retry", now, attributes)
      return Effect.logDebug(
        `Togai.${operation}: retry ${step.retry} of ${maxRetries} in ${delayMillis} ms after ${reason}`,
      ).pipe(Effect.annotateLogs(attributes))
    }))
}

/** The client's own retry schedule: `Retry.schedule` for the policy, for what `Retry.isRetryable` allows. */
const retrySchedule = (operation: string, policy: RetryPolicy): Schedule.Schedule<unknown, TogaiError> =>
  Schedule.intersect(Retry.schedule(policy), Schedule.identity<TogaiError>()).pipe(
    Schedule.whileInput<TogaiError>(Retry.isRetryable),
    Schedule.onDecision(([step, error], decision) =>
      ScheduleDecision.isContinue(decision) ? announceRetry(operation, policy.maxRetries, step, error) : Effect.void
    ),
  )

/**
 * `Effect.retry(attempt, retrySchedule(...))`, with the schedule's driver made only once a first attempt has
 * failed in a way that may be retried: a call that succeeds, or fails for good, pays for no schedule.
 */
const withRetries = <A>(
  attempt: Effect.Effect<A, TogaiError>,
  operation: string,
  policy: RetryPolicy,
): Effect.Effect<A, TogaiError> =>
  Effect.catchAll(
    attempt,
    (first) =>
      Retry.isRetryable(first)
        ? Effect.flatMap(Schedule.driver(retrySchedule(operation, policy)), (driver) => {
          const next = (error: TogaiError): Effect.Effect<A, TogaiError> =>
            Effect.matchEffect(driver.next(error), {
              onFailure: () => Effect.fail(error),
              onSuccess: () => Effect.catchAll(attempt, next),
            })
          return next(first)
        })
        : Effect.fail(first),
  )

// ---------------------------------------------------------------------------------------------------------------
// The call

/**
 * Runs one operation and says which success status Togai answered with
 * (see {@link execute}).
 */
export const executeWithStatus = <A, B, Q, S extends TaggedStatus>(
  endpoint: Endpoint<A, B, Q, S>,
  input: Input<B, Q>,
): Effect.Effect<Answered<A>, OperationError<S>, HttpClient.HttpClient | Auth> =>
  Effect.flatMap(Effect.context<HttpClient.HttpClient | Auth>(), (context) => {
    const settings = Context.get(context, TogaiConfig)
    const credential = Context.get(context, Auth)
    const misconfigured = checkSettings(settings) ?? validateCredential(credential)
    if (misconfigured !== undefined) return Effect.fail(misconfigured)
    const prepared = prepare(endpoint, input, settings, credential)
    if (prepared instanceof InvalidRequest) return Effect.fail(prepared)

    const call: Call = {
      operation: endpoint.operation,
      method: endpoint.method,
      idempotent: endpoint.retrySafe,
      credential,
      settings,
    }
    // Fetch follows no redirect itself (see redirectTarget); a RequestInit the caller provided is kept.
    const requestInit = Option.getOrElse(Context.getOption(context, FetchHttpClient.RequestInit), () => ({}))
    const client = Context.get(context, HttpClient.HttpClient)
    const headers = headersOf(credential, prepared.body !== undefined)
    const limiter = Context.get(context, RateLimit)

    const send = (url: string, hops: number): Effect.Effect<Answer, TogaiError> => {
      const request = HttpClientRequest.make(endpoint.method)(url, {
        headers,
        ...(prepared.body === undefined ? {} : { body: HttpBody.text(prepared.body, "application/json") }),
      })
      return client.execute(request).pipe(
        Effect.locally(HttpClient.currentTracerPropagation, settings.traceHeaders),
        Effect.provideService(FetchHttpClient.RequestInit, { ...requestInit, redirect: "manual" }),
        Effect.catchAll((error) => Effect.fail(transportError(call, error))),
        Effect.flatMap((response): Effect.Effect<Answer, TogaiError> => {
          if (isRedirect(response.status)) {
            const location = response.headers["location"]
            const target = redirectTarget(call, url, location, hops)
            // The redirect's own body is not needed: cancelling it closes the connection.
            const cancel = Effect.ignore(Stream.runHead(response.stream))
            if (target !== undefined) return Effect.zipRight(cancel, send(target, hops + 1))
            return Effect.zipRight(
              cancel,
              Effect.fail(
                new RedirectNotFollowed({
                  operation: call.operation,
                  method: call.method,
                  status: response.status,
                  location: location === undefined ? undefined : serverText(location, credential, 300),
                }),
              ),
            )
          }
          return Effect.map(readBody(call, response), (body) => ({
            status: response.status,
            headers: response.headers,
            body,
          }))
        }),
      )
    }

    const attempt: Effect.Effect<Answered<A>, TogaiError> = send(prepared.url, 0).pipe(
      // The limit covers sending, the headers and every byte of the body; running out interrupts the request,
      // which aborts the fetch, so the server sees the connection close.
      Effect.timeoutFail({ duration: settings.timeout, onTimeout: () => timeoutError(call) }),
      Effect.flatMap((answer) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.zipRight(
            Effect.annotateCurrentSpan("http.response.status_code", answer.status),
            interpret(endpoint, call, answer, now),
          ))
      ),
    )
    const limited = limiter(attempt)
    const retried = settings.retry.maxRetries > 0 ? withRetries(limited, endpoint.operation, settings.retry) : limited
    return retried as Effect.Effect<Answered<A>, OperationError<S>>
  }).pipe(
    Effect.withSpan(endpoint.spanName, {
      kind: "client",
      captureStackTrace: false,
      attributes: { "togai.operation": endpoint.operation, "http.request.method": endpoint.method },
    }),
  )

/**
 * Runs one operation: checks the settings (`ConfigurationError`) and the
 * input (`InvalidRequest`) before anything is sent, sends the request
 * through the caller's `HttpClient` under the rate limit and the
 * per-attempt timeout, retries what the settings' retry policy allows, and
 * turns the answer into the decoded value or the tagged error of its
 * status. Runs in a span named `Togai.<operation>`, the platform's HTTP
 * span its child.
 */
export const execute = <A, B, Q, S extends TaggedStatus>(
  endpoint: Endpoint<A, B, Q, S>,
  input: Input<B, Q>,
): Effect.Effect<A, OperationError<S>, HttpClient.HttpClient | Auth> =>
  Effect.map(executeWithStatus(endpoint, input), (answered) => answered.value)
