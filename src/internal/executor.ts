/**
 * The single place where a Togai request is built, sent, timed out,
 * retried and decoded. Operations are data (an {@link Endpoint}); this
 * module is the machinery they share.
 *
 * One call: check the input -> build the request -> (retry loop: wait for
 * a rate-limit permit -> send and read the whole body under the per-attempt
 * timeout -> map the status to a value or a tagged error) -> caller.
 *
 * @internal
 * @module
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import type * as Schema from "effect/Schema"
import type * as Tracer from "effect/Tracer"
import { Auth, type Credential } from "../Auth.ts"
import { RateLimit } from "../RateLimit.ts"
import * as Retry from "../Retry.ts"
import { type RetryPolicy, type Settings, TogaiConfig } from "../TogaiConfig.ts"
import {
  BadRequest,
  DecodeError,
  Forbidden,
  InvalidRequest,
  NotFound,
  RateLimited,
  type StatusError,
  Timeout,
  type TogaiError,
  TransportError,
  Unauthorized,
  UnexpectedStatus,
} from "../TogaiError.ts"
import { requestEncoder, responseDecoder } from "./fastDecode.ts"
import { DeadlineExceeded, exchange, type InFlight, type Lean, leanContext, type Outgoing } from "./fetchExchange.ts"
import { currentParent, endSpan, type Started, startSpan } from "./spans.ts"
import { characterCount, hasLengthBetween } from "./text.ts"
import { userAgent } from "./version.ts"

/** The HTTP methods Togai's operations use. */
export type Method = "GET" | "POST" | "PATCH" | "DELETE"

/**
 * One Togai operation, as data: its name, method, path template (as the
 * spec writes it), success status and the schemas of its body and answer.
 */
export interface Endpoint<A, Body> {
  readonly operation: string
  readonly method: Method
  /** The spec's path template, e.g. `/customers/{customer_id}/accounts`. */
  readonly path: string
  readonly successStatus: number
  readonly requestSchema: Schema.Schema<Body, unknown> | undefined
  readonly responseSchema: Schema.Schema<A, unknown>
  /** Splits of `path`: literal segments, and the names of the parameters between them. */
  readonly segments: ReadonlyArray<{ readonly literal: string } | { readonly param: string }>
  readonly encodeBody: (body: Body) => Either.Either<unknown, ParseResult.ParseError>
  readonly decodeResponse: (json: unknown) => Either.Either<A, ParseResult.ParseError>
  /** `Togai.<operation>`, the name of the operation's span. */
  readonly spanName: string
  readonly spanOptions: Tracer.SpanOptions
}

/** The spec's `maxLength` of every path parameter of the implemented operations. */
const pathParamMaxLength = 50

/** Describes an operation; the decoders are built here, once, not per call. */
export const endpoint = <A, I, Body = never, BodyI = never>(options: {
  readonly operation: string
  readonly method: Method
  readonly path: string
  readonly successStatus: number
  readonly requestSchema?: Schema.Schema<Body, BodyI> | undefined
  readonly responseSchema: Schema.Schema<A, I>
}): Endpoint<A, Body> => {
  const requestSchema = options.requestSchema as Schema.Schema<Body, unknown> | undefined
  const responseSchema = options.responseSchema as Schema.Schema<A, unknown>
  return {
    ...options,
    requestSchema,
    responseSchema,
    segments: options.path.split("/").filter((segment) => segment !== "").map((segment) =>
      segment.startsWith("{") ? { param: segment.slice(1, -1) } : { literal: segment }
    ),
    // Either, not Effect: the schemas are synchronous, and a decode is one function call.
    encodeBody: requestSchema === undefined ? () => Either.void : requestEncoder(requestSchema),
    decodeResponse: responseDecoder(responseSchema),
    spanName: `Togai.${options.operation}`,
    // No stack trace: capturing one is an `Error` per call.
    spanOptions: {
      kind: "client",
      captureStackTrace: false,
      attributes: { "togai.operation": options.operation, "http.request.method": options.method },
    },
  }
}

/** What one call of an operation sends. */
export interface Call<Body> {
  /** The path parameters, by the spec's names. */
  readonly params: Readonly<Record<string, string>>
  readonly query?: Readonly<Record<string, string | undefined>> | undefined
  readonly body?: Body | undefined
}

/** Formats schema issues as `path: message` lines, the path in the caller's terms. */
export const formatIssues = (error: ParseResult.ParseError): string =>
  ParseResult.ArrayFormatter.formatErrorSync(error)
    .map((issue) => `${issue.path.length === 0 ? "(body)" : issue.path.map(String).join(".")}: ${issue.message}`)
    .join("; ")

const checkPathParam = (name: string, value: unknown): string | undefined => {
  if (typeof value !== "string") return `${name}: expected a string, got ${typeof value}`
  if (value === "") return `${name}: must not be empty`
  // "." and ".." are dot segments: URL parsers remove them, even percent-encoded.
  if (value === "." || value === "..") return `${name}: "${value}" cannot be sent as a path segment`
  if (!hasLengthBetween(value, 0, pathParamMaxLength)) {
    return `${name}: expected at most ${pathParamMaxLength} characters, got ${characterCount(value)}`
  }
  return undefined
}

/** Builds the path, each parameter percent-encoded as exactly one segment. */
const buildPath = (
  segments: Endpoint<unknown, unknown>["segments"],
  params: Readonly<Record<string, string>>,
): string => {
  let path = ""
  for (const segment of segments) {
    path += "/" + ("literal" in segment ? segment.literal : encodeURIComponent(params[segment.param]))
  }
  return path
}

const buildQuery = (query: Readonly<Record<string, string | undefined>> | undefined): string => {
  if (query === undefined) return ""
  const search = new URLSearchParams()
  for (const key in query) {
    const value = query[key]
    if (value !== undefined) search.append(key, value)
  }
  const encoded = search.toString()
  return encoded === "" ? "" : `?${encoded}`
}

/** The headers of a request without and with a JSON body, for one credential. */
interface RequestHeaders {
  readonly withoutBody: Readonly<Record<string, string>>
  readonly withBody: Readonly<Record<string, string>>
}

/** Built once per credential (per client), not per call. */
const headersByCredential = new WeakMap<Credential, RequestHeaders>()

const requestHeaders = (credential: Credential): RequestHeaders => {
  let headers = headersByCredential.get(credential)
  if (headers === undefined) {
    const auth: Record<string, string> = credential.scheme === "bearer"
      ? { authorization: `Bearer ${Redacted.value(credential.secret)}` }
      : { "x-api-key": Redacted.value(credential.secret) }
    const withoutBody = { accept: "application/json", "user-agent": userAgent, ...auth }
    headers = { withoutBody, withBody: { ...withoutBody, "content-type": "application/json" } }
    headersByCredential.set(credential, headers)
  }
  return headers
}

/** Removes the secret from text that came from the runtime, in case it echoed a header. */
const scrub = (text: string, credential: Credential): string => {
  const secret = Redacted.value(credential.secret)
  return secret.length === 0 ? text : text.split(secret).join("<redacted>")
}

const describeCause = (cause: unknown): string => {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : ""
    return `${cause.message}${inner}`
  }
  return String(cause)
}

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

/**
 * What the executor reads of a failed exchange: the platform's
 * `HttpClientError`, or the lean path's own `ExchangeFailure`.
 */
type Failed = Pick<HttpClientError.HttpClientError, "_tag" | "reason" | "cause">

/** How far a failed request got; see `TransportError.phase`. */
const phaseOf = (error: Failed): TransportError["phase"] => {
  if (error._tag === "ResponseError") return "body"
  if (error.reason !== "Transport") return undefined
  return failedToConnect(error.cause) ? "connect" : "send"
}

const transportError = (
  endpoint: { readonly operation: string; readonly method: Method },
  error: Failed,
  credential: Credential,
): TransportError =>
  new TransportError({
    operation: endpoint.operation,
    method: endpoint.method,
    reason: scrub(`${error.reason} error: ${describeCause(error.cause ?? error)}`, credential),
    phase: phaseOf(error),
  })

/** Reads `message` from a `{"message": ...}` body; any other body has none. */
const serverMessage = (body: string): string | undefined => {
  if (body === "") return undefined
  try {
    const json: unknown = JSON.parse(body)
    if (typeof json === "object" && json !== null && "message" in json && typeof json.message === "string") {
      return json.message.length > 500 ? `${json.message.slice(0, 500)}...` : json.message
    }
  } catch {
    // not JSON (an HTML page from a proxy, say): the status alone says what happened
  }
  return undefined
}

/** Parses `Retry-After`: delay-seconds or an HTTP date. */
export const parseRetryAfter = (value: string | undefined, nowMillis: number): Duration.Duration | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Duration.seconds(Number(trimmed))
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Duration.millis(Math.max(0, date - nowMillis))
}

const statusError = (
  operation: string,
  method: Method,
  status: number,
  body: string,
  header: (name: string) => string | undefined,
  credential: Credential,
  clock: Clock.Clock,
): StatusError => {
  const message = serverMessage(body)
  // A server (or proxy) that echoes the request headers must not leak the secret into the error.
  const fields = { operation, status, serverMessage: message === undefined ? undefined : scrub(message, credential) }
  switch (status) {
    case 400:
      return new BadRequest(fields)
    case 401:
      return new Unauthorized(fields)
    case 403:
      return new Forbidden(fields)
    case 404:
      return new NotFound(fields)
    case 429:
      return new RateLimited({
        ...fields,
        retryAfter: parseRetryAfter(header("retry-after"), clock.unsafeCurrentTimeMillis()),
      })
    default:
      return new UnexpectedStatus({ ...fields, method })
  }
}

/** A whole answer: status, a header reader, the body. */
interface Answer {
  readonly status: number
  readonly header: (name: string) => string | undefined
  readonly body: string
}

/** `setTimeout` cannot wait longer; a longer timeout is no timer at all, as in `Effect.sleep`. */
const maxTimerMillis = 2 ** 31 - 1

const liveClock: Clock.Clock = Context.get(DefaultServices.liveServices, Clock.Clock)

/** Everything one attempt needs, worked out once per call. */
interface Attempt<A, Body> {
  readonly endpoint: Endpoint<A, Body>
  readonly outgoing: Outgoing
  readonly settings: Settings
  readonly credential: Credential
  readonly clock: Clock.Clock
  /** The operation's span, when tracing is on. */
  readonly span: Tracer.Span | undefined
}

/**
 * Turns a whole answer into the decoded value or a tagged error, and
 * records the status on the operation's span.
 */
const interpret = <A, Body>(attempt: Attempt<A, Body>, answer: Answer): Effect.Effect<A, StatusError | DecodeError> => {
  const { endpoint } = attempt
  const { status, body } = answer
  attempt.span?.attribute("http.response.status_code", status)
  if (status !== endpoint.successStatus) {
    return Effect.fail(
      statusError(endpoint.operation, endpoint.method, status, body, answer.header, attempt.credential, attempt.clock),
    )
  }
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return Effect.fail(
      new DecodeError({
        operation: endpoint.operation,
        status,
        issues: body === "" ? "the body is empty" : "the body is not JSON",
      }),
    )
  }
  const decoded = endpoint.decodeResponse(json)
  return decoded._tag === "Right"
    ? Effect.succeed(decoded.right)
    : Effect.fail(new DecodeError({ operation: endpoint.operation, status, issues: formatIssues(decoded.left) }))
}

const timeoutError = <A, Body>(attempt: Attempt<A, Body>): Timeout =>
  new Timeout({
    operation: attempt.endpoint.operation,
    method: attempt.endpoint.method,
    timeout: attempt.settings.timeout,
  })

/**
 * One attempt through `FetchClient.layer`'s client on the live clock: one
 * `fetch` whose abort signal carries the deadline (sending, headers and
 * the whole body), decoded in the same step. See `fetchExchange.ts`.
 */
const leanAttempt = <A, Body>(
  attempt: Attempt<A, Body>,
  fiber: Fiber.RuntimeFiber<A, TogaiError>,
  lean: Lean,
  inFlight: InFlight,
): Effect.Effect<A, TogaiError> => {
  const millis = Duration.toMillis(attempt.settings.timeout)
  return exchange<A, TogaiError, A, TogaiError>(
    fiber,
    lean,
    attempt.outgoing,
    millis > maxTimerMillis ? undefined : millis,
    attempt.span,
    inFlight,
    (answer) =>
      interpret(attempt, {
        status: answer.status,
        header: (name) => answer.headers.get(name) ?? undefined,
        body: answer.body,
      }),
    (failure) =>
      failure instanceof DeadlineExceeded
        ? timeoutError(attempt)
        : transportError(attempt.endpoint, failure, attempt.credential),
  )
}

/**
 * One attempt through any other client (or under a `TestClock`): the
 * client's `execute`, its body read, and a timeout on the fiber's clock
 * (as `Effect.timeoutFail` does it). The limit covers sending, the headers
 * and every byte of the body, and running out interrupts the request, so
 * the server sees the connection close. The operation's span is the parent
 * of the client's.
 */
const clientAttempt = <A, Body>(
  attempt: Attempt<A, Body>,
  client: HttpClient.HttpClient,
): Effect.Effect<A, TogaiError> => {
  const { outgoing, endpoint, credential } = attempt
  const request = HttpClientRequest.make(outgoing.method)(outgoing.url, {
    headers: outgoing.headers,
    ...(outgoing.body === undefined ? {} : { body: HttpBody.raw(outgoing.body, { contentType: "application/json" }) }),
  })
  const answered = client.execute(request).pipe(
    Effect.flatMap((response) =>
      Effect.map(response.text, (body): Answer => {
        const headers = response.headers
        return { status: response.status, header: (name) => headers[name], body }
      })
    ),
    Effect.mapError((error) => transportError(endpoint, error, credential)),
    // What `Effect.timeoutFail` does, with `Effect.raceWith` (142 bytes gzipped less of an edge bundle): the request
    // and a sleep on the fiber's clock race; the loser is interrupted and awaited, so a request that runs out of time
    // is aborted before the Timeout is returned. The sleep is interruptible even where the call is not.
    (sent) =>
      Effect.raceWith(sent, Effect.interruptible(Effect.sleep(attempt.settings.timeout)), {
        onSelfDone: (exit, sleeping) => Effect.zipRight(Fiber.interrupt(sleeping), exit),
        onOtherDone: (slept, sending) =>
          Effect.zipRight(
            Fiber.interrupt(sending),
            Exit.isSuccess(slept) ? Effect.failSync(() => timeoutError(attempt)) : Effect.failCause(slept.cause),
          ),
      }),
    Effect.flatMap((answer) => interpret(attempt, answer)),
  )
  return attempt.span === undefined ? answered : Effect.withParentSpan(answered, attempt.span)
}

/** Says why a retry happens, in words safe for a log: tags, statuses and waits, never a body or a header. */
const retryReason = (error: TogaiError): string => {
  switch (error._tag) {
    case "RateLimited":
      return error.retryAfter === undefined
        ? "429 Too Many Requests"
        : `429 Too Many Requests (Retry-After ${Duration.toMillis(error.retryAfter)} ms)`
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

/** Makes a retry visible: a debug log line, and an event on the operation's span when tracing is on. */
const announceRetry = (
  operation: string,
  maxRetries: number,
  step: Retry.Step,
  error: TogaiError,
  span: Tracer.Span | undefined,
  clock: Clock.Clock,
): Effect.Effect<void> => {
  const delayMillis = Math.round(Duration.toMillis(step.delay))
  const reason = retryReason(error)
  const attributes = {
    "togai.operation": operation,
    "togai.retry.number": step.retry,
    "togai.retry.delay_ms": delayMillis,
    "togai.retry.reason": reason,
  }
  span?.event("togai.retry", clock.unsafeCurrentTimeNanos(), attributes)
  return Effect.logDebug(
    `Togai.${operation}: retry ${step.retry} of ${maxRetries} in ${delayMillis} ms after ${reason}`,
  )
    .pipe(Effect.annotateLogs(attributes))
}

/**
 * The client's own retry schedule: `Retry.schedule` for the policy,
 * announcing each retry it grants. Only failures `Retry.isRetryable` allows
 * reach it.
 */
const retrySchedule = (
  operation: string,
  policy: RetryPolicy,
  span: Tracer.Span | undefined,
  clock: Clock.Clock,
): Schedule.Schedule<unknown, TogaiError> =>
  Schedule.intersect(Retry.schedule(policy), Schedule.identity<TogaiError>()).pipe(
    Schedule.whileInput<TogaiError>(Retry.isRetryable),
    Schedule.onDecision(([step, error], decision) =>
      ScheduleDecision.isContinue(decision)
        ? Effect.suspend(() => announceRetry(operation, policy.maxRetries, step, error, span, clock))
        : Effect.void
    ),
  )

/**
 * `Effect.retry(attempt, retrySchedule(...))`, with the schedule's driver
 * made only when a first attempt fails in a way that may be retried: a call
 * that succeeds, or fails for good, pays for no schedule. The retries run
 * with the operation's span as the current span, so their log lines and
 * span events belong to it.
 */
const withRetries = <A>(
  attempt: Effect.Effect<A, TogaiError>,
  operation: string,
  policy: RetryPolicy,
  span: Tracer.Span | undefined,
  clock: Clock.Clock,
): Effect.Effect<A, TogaiError> =>
  Effect.catchAll(attempt, (first) => {
    if (!Retry.isRetryable(first)) return Effect.fail(first)
    const retries = Effect.flatMap(Schedule.driver(retrySchedule(operation, policy, span, clock)), (driver) => {
      const next = (error: TogaiError): Effect.Effect<A, TogaiError> =>
        Effect.matchEffect(driver.next(error), {
          onFailure: () => Effect.fail(error),
          onSuccess: () => Effect.catchAll(attempt, next),
        })
      return next(first)
    })
    return span === undefined ? retries : Effect.withParentSpan(retries, span)
  })

/** Checks the input; the body as JSON text (or `undefined`), or what is wrong. */
const prepare = <A, Body>(endpoint: Endpoint<A, Body>, call: Call<Body>): string | undefined | InvalidRequest => {
  let problems: Array<string> | undefined
  for (const segment of endpoint.segments) {
    if ("param" in segment) {
      const problem = checkPathParam(segment.param, call.params[segment.param])
      if (problem !== undefined) (problems ??= []).push(problem)
    }
  }
  if (problems !== undefined) return new InvalidRequest({ operation: endpoint.operation, issues: problems.join("; ") })
  if (endpoint.requestSchema === undefined) return undefined
  const encoded = endpoint.encodeBody(call.body as Body)
  if (encoded._tag === "Left") {
    return new InvalidRequest({ operation: endpoint.operation, issues: formatIssues(encoded.left) })
  }
  return JSON.stringify(encoded.right)
}

/**
 * Runs one operation: checks the input (failing with `InvalidRequest`
 * before anything is sent), sends the request under the rate limit and the
 * per-attempt timeout, retries what the settings' retry policy allows, and
 * turns the answer into the decoded value or a tagged error. Runs in a span
 * named `Togai.<operation>` when tracing is on.
 *
 * Built for the common case, measured by `deno task bench`: the services
 * are read from the fiber in one step, the span is made only when tracing
 * is on, the retry schedule only after a retryable failure, and through
 * `FetchClient.layer`'s client the exchange and the decoding are one step.
 */
export const execute = <A, Body>(
  endpoint: Endpoint<A, Body>,
  call: Call<Body>,
): Effect.Effect<A, TogaiError, HttpClient.HttpClient | Auth> =>
  Effect.withFiberRuntime<A, TogaiError, HttpClient.HttpClient | Auth>((fiber) => {
    const prepared = prepare(endpoint, call)
    /** When the attempts go through the lean exchange: their aborts, for when the operation ends. */
    let inFlight: InFlight | undefined
    const run = (span: Tracer.Span | undefined): Effect.Effect<A, TogaiError> => {
      if (prepared instanceof InvalidRequest) return Effect.fail(prepared)
      // Every service in one step, read from the fiber rather than yielded one by one.
      // The type of `execute` requires both services, so they are in the context.
      const context = fiber.currentContext
      const settings = Context.unsafeGet(context, TogaiConfig)
      const credential = Context.unsafeGet(context, Auth)
      const client = Context.unsafeGet(context, HttpClient.HttpClient)
      const clock = Context.get(fiber.getFiberRef(DefaultServices.currentServices), Clock.Clock)
      const headers = requestHeaders(credential)
      const attempt: Attempt<A, Body> = {
        endpoint,
        outgoing: {
          method: endpoint.method,
          url: settings.baseUrl + buildPath(endpoint.segments, call.params) + buildQuery(call.query),
          headers: prepared === undefined ? headers.withoutBody : headers.withBody,
          body: prepared,
        },
        settings,
        credential,
        clock,
        span,
      }
      const lean = clock === liveClock ? leanContext(client) : undefined
      const limiter = Context.unsafeGet(context, RateLimit)
      const once = limiter(
        lean === undefined ? clientAttempt(attempt, client) : leanAttempt(attempt, fiber, lean, inFlight = []),
      )
      return settings.retry.maxRetries > 0 ? withRetries(once, endpoint.operation, settings.retry, span, clock) : once
    }
    // As `Effect.useSpan(endpoint.spanName, endpoint.spanOptions, run)`, but the span does not hold the answer.
    const started = fiber.getFiberRef(FiberRef.currentTracerEnabled)
      ? startSpan(fiber, endpoint.spanName, currentParent(fiber.currentContext), endpoint.spanOptions)
      : undefined
    const operation = run(started?.span)
    return inFlight === undefined && started === undefined ? operation : settleOperation(operation, inFlight, started)
  })

/**
 * What an operation does when it ends, however it ends: aborts the
 * exchanges still in flight (interrupted, or let go of by a rate limiter),
 * then ends the operation's span, a success without the value. As with
 * `Effect.onExit`, this cannot be interrupted, but it allocates no `Exit`
 * and no continuation beyond the one `Effect.matchCauseEffect`.
 */
const settleOperation = <A>(
  operation: Effect.Effect<A, TogaiError>,
  inFlight: InFlight | undefined,
  started: Started | undefined,
): Effect.Effect<A, TogaiError> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.matchCauseEffect(restore(operation), {
      onFailure: (cause) => settled(Exit.failCause(cause), inFlight, started),
      onSuccess: (value) => settled(Exit.succeed(value), inFlight, started),
    })
  )

/** The operation's ending, once it has ended: its exit is its result (an `Exit` is an `Effect`). */
const settled = <A>(
  exit: Exit.Exit<A, TogaiError>,
  inFlight: InFlight | undefined,
  started: Started | undefined,
): Exit.Exit<A, TogaiError> => {
  // Each abort removes itself from `inFlight`.
  while (inFlight !== undefined && inFlight.length > 0) inFlight[0]()
  if (started !== undefined) endSpan(started, exit)
  return exit
}
