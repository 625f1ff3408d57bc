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
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as Schema from "effect/Schema"
import * as Tracer from "effect/Tracer"
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
import { responseDecoder } from "./fastDecode.ts"
import { DeadlineExceeded, exchange, leanContext, type Outgoing } from "./fetchExchange.ts"
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
    encodeBody: requestSchema === undefined
      ? () => Either.void
      : Schema.encodeEither(requestSchema, { errors: "all", onExcessProperty: "error" }),
    decodeResponse: responseDecoder(responseSchema),
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

/** How far a failed request got; see `TransportError.phase`. */
const phaseOf = (error: HttpClientError.HttpClientError): TransportError["phase"] => {
  if (error._tag === "ResponseError") return "body"
  if (error.reason !== "Transport") return undefined
  return failedToConnect(error.cause) ? "connect" : "send"
}

const transportError = (
  endpoint: { readonly operation: string; readonly method: Method },
  error: HttpClientError.HttpClientError,
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
): Effect.Effect<StatusError> => {
  const message = serverMessage(body)
  // A server (or proxy) that echoes the request headers must not leak the secret into the error.
  const fields = { operation, status, serverMessage: message === undefined ? undefined : scrub(message, credential) }
  switch (status) {
    case 400:
      return Effect.succeed(new BadRequest(fields))
    case 401:
      return Effect.succeed(new Unauthorized(fields))
    case 403:
      return Effect.succeed(new Forbidden(fields))
    case 404:
      return Effect.succeed(new NotFound(fields))
    case 429:
      return Effect.map(
        Clock.currentTimeMillis,
        (now) => new RateLimited({ ...fields, retryAfter: parseRetryAfter(header("retry-after"), now) }),
      )
    default:
      return Effect.succeed(new UnexpectedStatus({ ...fields, method }))
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

/**
 * Sends one attempt and reads the whole answer, under the timeout: the
 * limit covers sending, the headers and every byte of the body, and
 * running out interrupts the request, so the server sees the connection
 * close.
 *
 * Through `FetchClient.layer`'s client, on the live clock, the exchange is
 * one `fetch` whose abort signal carries the deadline. Through any other
 * client (or under a `TestClock`), it is the client's `execute`, its body
 * read, and `Effect.timeoutFail`, which costs two forked fibers per call.
 * Both abort the request on timeout and on interruption.
 */
const send = <A, Body>(
  endpoint: Endpoint<A, Body>,
  client: HttpClient.HttpClient,
  clock: Clock.Clock,
  outgoing: Outgoing,
  settings: Settings,
  credential: Credential,
): Effect.Effect<Answer, TransportError | Timeout> => {
  const timeout = () =>
    new Timeout({ operation: endpoint.operation, method: endpoint.method, timeout: settings.timeout })
  const lean = leanContext(client)
  if (lean !== undefined && clock === liveClock) {
    const millis = Duration.toMillis(settings.timeout)
    return Effect.mapBoth(exchange(lean, outgoing, millis > maxTimerMillis ? undefined : millis), {
      onFailure: (error) => error instanceof DeadlineExceeded ? timeout() : transportError(endpoint, error, credential),
      onSuccess: (answer): Answer => ({
        status: answer.status,
        header: (name) => answer.headers.get(name) ?? undefined,
        body: answer.body,
      }),
    })
  }
  const request = HttpClientRequest.make(outgoing.method)(outgoing.url, {
    headers: outgoing.headers,
    ...(outgoing.body === undefined ? {} : { body: HttpBody.text(outgoing.body, "application/json") }),
  })
  return client.execute(request).pipe(
    Effect.flatMap((response) =>
      Effect.map(response.text, (body): Answer => {
        const headers = response.headers
        return { status: response.status, header: (name) => headers[name], body }
      })
    ),
    Effect.mapError((error) => transportError(endpoint, error, credential)),
    Effect.timeoutFail({ duration: settings.timeout, onTimeout: timeout }),
  )
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

/** Makes a retry visible: a debug log line and an event on the operation's span. */
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
  return Effect.zipRight(
    Effect.logDebug(`Togai.${operation}: retry ${step.retry} of ${maxRetries} in ${delayMillis} ms after ${reason}`)
      .pipe(Effect.annotateLogs(attributes)),
    Effect.flatMap(
      Effect.currentSpan,
      (span) => Effect.map(Clock.currentTimeNanos, (now) => span.event("togai.retry", now, attributes)),
    ).pipe(Effect.ignore),
  )
}

/**
 * The client's own retry schedule: `Retry.schedule` for the policy, only
 * while `Retry.isRetryable` says the failure is safe to retry, announcing
 * each retry it grants.
 */
const retrySchedule = (operation: string, policy: RetryPolicy): Schedule.Schedule<unknown, TogaiError> =>
  Schedule.intersect(Retry.schedule(policy), Schedule.identity<TogaiError>()).pipe(
    Schedule.whileInput((error: TogaiError) => Retry.isRetryable(error)),
    Schedule.onDecision(([step, error], decision) =>
      ScheduleDecision.isContinue(decision) ? announceRetry(operation, policy.maxRetries, step, error) : Effect.void
    ),
  )

const interpret = <A, Body>(
  endpoint: Endpoint<A, Body>,
  answer: Answer,
  credential: Credential,
): Effect.Effect<A, StatusError | DecodeError> => {
  const { status, body } = answer
  if (status !== endpoint.successStatus) {
    return Effect.flatMap(
      statusError(endpoint.operation, endpoint.method, status, body, answer.header, credential),
      Effect.fail,
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
  return Either.match(endpoint.decodeResponse(json), {
    onLeft: (error) =>
      Effect.fail(new DecodeError({ operation: endpoint.operation, status, issues: formatIssues(error) })),
    onRight: Effect.succeed,
  })
}

/**
 * Runs one operation: checks the input (failing with `InvalidRequest`
 * before anything is sent), sends the request under the rate limit and the
 * per-attempt timeout, retries what the settings' retry policy allows, and
 * turns the answer into the decoded value or a tagged error. Runs in a span
 * named `Togai.<operation>`.
 */
export const execute = <A, Body>(
  endpoint: Endpoint<A, Body>,
  call: Call<Body>,
): Effect.Effect<A, TogaiError, HttpClient.HttpClient | Auth> =>
  Effect.withFiberRuntime<A, TogaiError, HttpClient.HttpClient | Auth>((fiber) => {
    const problems: Array<string> = []
    for (const segment of endpoint.segments) {
      if ("param" in segment) {
        const problem = checkPathParam(segment.param, call.params[segment.param])
        if (problem !== undefined) problems.push(problem)
      }
    }
    if (problems.length > 0) {
      return Effect.fail(new InvalidRequest({ operation: endpoint.operation, issues: problems.join("; ") }))
    }
    let bodyText: string | undefined
    if (endpoint.requestSchema !== undefined) {
      const encoded = endpoint.encodeBody(call.body as Body)
      if (Either.isLeft(encoded)) {
        return Effect.fail(new InvalidRequest({ operation: endpoint.operation, issues: formatIssues(encoded.left) }))
      }
      bodyText = JSON.stringify(encoded.right)
    }

    // Every service in one step, read from the fiber rather than yielded one by one.
    // The type of `execute` requires both services, so they are in the context.
    const context = fiber.currentContext
    const settings = Context.unsafeGet(context, TogaiConfig)
    const credential = Context.unsafeGet(context, Auth)
    const client = Context.unsafeGet(context, HttpClient.HttpClient)
    const clock = Context.get(fiber.getFiberRef(DefaultServices.currentServices), Clock.Clock)
    const span = Context.getOption(context, Tracer.ParentSpan)
    const headers = requestHeaders(credential)
    const outgoing: Outgoing = {
      method: endpoint.method,
      url: settings.baseUrl + buildPath(endpoint.segments, call.params) + buildQuery(call.query),
      headers: bodyText === undefined ? headers.withoutBody : headers.withBody,
      body: bodyText,
    }
    const limiter = Context.unsafeGet(context, RateLimit)
    const attempt = Effect.flatMap(limiter(send(endpoint, client, clock, outgoing, settings, credential)), (answer) => {
      if (span._tag === "Some" && span.value._tag === "Span") {
        span.value.attribute("http.response.status_code", answer.status)
      }
      return interpret(endpoint, answer, credential)
    })
    return settings.retry.maxRetries > 0
      ? Effect.retry(attempt, retrySchedule(endpoint.operation, settings.retry))
      : attempt
  }).pipe(
    // No stack trace: capturing one is an `Error` per call, whether tracing is on or off.
    Effect.withSpan(`Togai.${endpoint.operation}`, {
      kind: "client",
      captureStackTrace: false,
      attributes: { "togai.operation": endpoint.operation, "http.request.method": endpoint.method },
    }),
  )
