/**
 * One HTTP exchange over `fetch`, as lean as the guarantees allow: the
 * request is sent, the whole body is read, and a deadline, interruption or
 * failure aborts the fetch. It is what `FetchClient.layer` adds to
 * `@effect/platform`'s fetch client, and what the executor uses when that
 * client is the one provided.
 *
 * Measured on `deno task bench`, `@effect/platform`'s `HttpClient.make`
 * wrapper and `Effect.timeoutFail` (two forked fibers per call) cost more
 * than the rest of a call together. This path keeps their guarantees with
 * one `Effect.async`, one `AbortController` and a deadline (see
 * `deadlines.ts`), and hands the answer to the caller's continuation in the
 * same step. Its abort on interruption is handed to the operation (see
 * {@link InFlight}) rather than returned as the `Effect.async` canceler,
 * which costs an `Effect.onExit` per exchange.
 * - interruption aborts the fetch, including while the body is read;
 * - the deadline covers the whole exchange, body included, and aborts it;
 * - the HTTP span (when tracing is on) is a child of the operation's span,
 *   has the platform's attributes, with the headers of
 *   `Headers.currentRedactedNames` redacted, and propagates the trace
 *   context when `HttpClient.currentTracerPropagation` says so;
 * - failures are described as the platform describes them (an
 *   {@link ExchangeFailure}: `RequestError` with reason `Transport` before
 *   an answer, `ResponseError` when the body breaks off), and a deadline is
 *   a {@link DeadlineExceeded}.
 *
 * @internal
 * @module
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type { HttpMethod } from "@effect/platform/HttpMethod"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import { constFalse } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"
import { deadline } from "./deadlines.ts"
import { attributeHeader, endSpan, type Started, startSpan, traceHeaders } from "./spans.ts"

/** What the executor needs of an answer: its status, headers and whole body. */
export interface Answer {
  readonly status: number
  readonly headers: globalThis.Headers
  readonly body: string
}

/** One request, as the executor builds it. */
export interface Outgoing {
  readonly method: HttpMethod
  readonly url: string
  /** Lower-case names; the same object for every call with one credential. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
}

/** The exchange did not complete before its deadline; it was aborted. */
export class DeadlineExceeded {
  readonly _tag = "DeadlineExceeded"
}

/**
 * An exchange that failed before the whole answer was in, described as the
 * platform's `HttpClientError` would describe it: `RequestError` with
 * reason `Transport` before an answer, `ResponseError` with reason `Decode`
 * when the body broke off.
 */
export interface ExchangeFailure {
  readonly _tag: "RequestError" | "ResponseError"
  readonly reason: "Transport" | "Decode"
  readonly cause: unknown
}

/** Why an exchange failed: the network, or the deadline. */
export type Failure = ExchangeFailure | DeadlineExceeded

/**
 * What a lean client was built with: the `FetchHttpClient.Fetch` and
 * `FetchHttpClient.RequestInit` of its layer's context, if any. A request
 * uses the ones of the caller's context first, as the platform's client
 * does, then these, then `globalThis.fetch` (read per request, so a fetch
 * patched later is the one used).
 */
export interface Lean {
  readonly fetch: typeof globalThis.fetch | undefined
  readonly init: globalThis.RequestInit | undefined
}

/**
 * The aborts of an operation's exchanges in flight: each aborts its fetch
 * and ends its span as interrupted. An exchange adds its abort when it
 * starts and removes it when it settles; the operation calls those left
 * when it ends, however it ends (see `executor.ts`). One guard per
 * operation, which it needs anyway for its span, where a canceler per
 * exchange costs an `Effect.onExit` (`Effect.async` wraps the register in
 * one when it returns a canceler).
 *
 * Removing the abort at once matters: `deno task bench:gc` (40,000 calls,
 * 32 at a time, spans on) promoted 230 MB out of V8's young generation
 * when the abort, and with it the settled exchange's whole state, stayed
 * here until the operation ended, and 166 MB when it is removed on settling.
 */
export type InFlight = Array<() => void>

/** The clients whose requests may take the lean path (`FetchClient.layer`'s, untransformed). */
const leanClients = new WeakMap<HttpClient.HttpClient, Lean>()

/** What `client` was built with, if it is `FetchClient.layer`'s client, untransformed. */
export const leanContext = (client: HttpClient.HttpClient): Lean | undefined => leanClients.get(client)

const platformRequest = (outgoing: Outgoing): HttpClientRequest.HttpClientRequest =>
  HttpClientRequest.make(outgoing.method)(outgoing.url, {
    headers: outgoing.headers,
  })

/** The HTTP span's options, as the platform's client gives them. */
const spanOptions: Tracer.SpanOptions = { kind: "client", captureStackTrace: false }

/** Records the request on the span as the platform's client does. */
const describeRequest = (
  span: Tracer.Span,
  outgoing: Outgoing,
  redacted: ReadonlyArray<string | RegExp>,
): void => {
  span.attribute("http.request.method", outgoing.method)
  let url: URL | undefined
  try {
    url = new URL(outgoing.url)
  } catch {
    // Not a URL: `fetch` fails with a TransportError that says so.
  }
  if (url !== undefined) {
    span.attribute("server.address", url.origin)
    if (url.port !== "") span.attribute("server.port", +url.port)
    span.attribute("url.full", url.toString())
    span.attribute("url.path", url.pathname)
    span.attribute("url.scheme", url.protocol.slice(0, -1))
    if (url.search !== "") span.attribute("url.query", url.search.slice(1))
  }
  for (const name in outgoing.headers) attributeHeader(span, "request", name, outgoing.headers[name], redacted)
}

/**
 * Runs one exchange through `fetch` (or the `FetchHttpClient.Fetch` in
 * context, with its `FetchHttpClient.RequestInit`) and hands the whole
 * answer to `onAnswer`, or the failure to `onFailure`: the Effect it
 * returns is the result. One `Effect.async`, one `AbortController`, one
 * timer; no fiber is forked.
 *
 * When `parent` is given (tracing is on), the exchange runs in an HTTP span,
 * child of `parent`, unless `HttpClient.currentTracerDisabledWhen` says
 * otherwise; it records what the platform's client records and ends when
 * the body has been read, the exchange failed, or the fiber was interrupted.
 *
 * The register function runs each time the Effect runs (once per attempt),
 * so every attempt has its own controller, timer and span; `fiber` is the
 * fiber that runs it.
 *
 * Interruption: the exchange's abort is in `inFlight` while it is in
 * flight, and the caller must call every abort there when the operation
 * ends (interrupted, or any other way: a rate limiter may run attempts side
 * by side, or let go of one).
 */
export const exchange = <A, E, FA, FE>(
  fiber: Fiber.RuntimeFiber<FA, FE>,
  lean: Lean,
  outgoing: Outgoing,
  timeoutMillis: number | undefined,
  parent: Tracer.Span | undefined,
  inFlight: InFlight,
  onAnswer: (answer: Answer) => Effect.Effect<A, E>,
  onFailure: (failure: Failure) => E,
): Effect.Effect<A, E> =>
  Effect.async((resume) => {
    // As the platform's fetch client does: the caller's context first, then the layer's.
    const context = fiber.currentContext
    const fetchFunction: typeof globalThis.fetch = context.unsafeMap.get(FetchHttpClient.Fetch.key) ?? lean.fetch ??
      globalThis.fetch
    const init: globalThis.RequestInit | undefined = context.unsafeMap.get(FetchHttpClient.RequestInit.key) ??
      lean.init

    let started: Started | undefined
    let redacted: ReadonlyArray<string | RegExp> = []
    let headers = outgoing.headers
    if (parent !== undefined) {
      // The platform's request object is built only for a predicate or a span name someone set.
      const disabledWhen = fiber.getFiberRef(HttpClient.currentTracerDisabledWhen)
      const customName = context.unsafeMap.has(HttpClient.SpanNameGenerator.key)
      const request = disabledWhen === constFalse && !customName ? undefined : platformRequest(outgoing)
      if (request === undefined || !disabledWhen(request)) {
        const name = request !== undefined && customName
          ? Context.get(context, HttpClient.SpanNameGenerator)(request)
          : `http.client ${outgoing.method}`
        started = startSpan(fiber, name, Option.some(parent), spanOptions)
        redacted = fiber.getFiberRef(Headers.currentRedactedNames)
        describeRequest(started.span, outgoing, redacted)
        if (fiber.getFiberRef(HttpClient.currentTracerPropagation)) {
          headers = { ...headers, ...traceHeaders(started.span) }
        }
      }
    }

    const controller = new AbortController()
    let timedOut = false
    let settled = false
    const timer = timeoutMillis === undefined ? undefined : deadline(timeoutMillis, () => {
      timedOut = true
      controller.abort()
    })
    /** The first of answer, failure and interruption settles the exchange; whether this one did. */
    const settle = (): boolean => {
      if (settled) return false
      settled = true
      timer?.clear()
      // Let go of this exchange's state now, not when the operation ends (see InFlight).
      inFlight.splice(inFlight.indexOf(abort), 1)
      return true
    }
    /** The operation ended first (interrupted, say): aborts the fetch, ends the span as interrupted. */
    const abort = (): void => {
      if (!settle()) return
      controller.abort()
      if (started !== undefined) endSpan(started, Exit.interrupt(fiber.id()))
    }
    inFlight.push(abort)
    /** The exchange failed in this phase (or ran out of time): a handler for the promise's rejection. */
    const fail = (_tag: ExchangeFailure["_tag"], reason: ExchangeFailure["reason"]) => (cause: unknown) => {
      if (!settle()) return
      const failure: Failure = timedOut ? new DeadlineExceeded() : { _tag, reason, cause }
      if (started !== undefined) endSpan(started, Exit.fail(failure))
      resume(Effect.fail(onFailure(failure)))
    }
    let sent: Promise<Response>
    try {
      sent = fetchFunction(outgoing.url, {
        ...init,
        method: outgoing.method,
        headers: init?.headers === undefined
          ? headers
          : { ...Object.fromEntries(new globalThis.Headers(init.headers)), ...headers },
        body: outgoing.body,
        signal: controller.signal,
      })
    } catch (cause) {
      // A `fetch` of the caller's that throws instead of rejecting: the same failure, not a defect.
      sent = Promise.reject(cause)
    }
    sent.then(
      (response) =>
        response.text().then(
          (body) => {
            if (!settle()) return
            let result: Effect.Effect<A, E>
            try {
              if (started !== undefined) {
                started.span.attribute("http.response.status_code", response.status)
                // `forEach` visits what the iterator yields (sorted, combined, lower-case), without an object per entry.
                response.headers.forEach((value, name) =>
                  attributeHeader(started.span, "response", name, value, redacted)
                )
                endSpan(started, Exit.void)
              }
              result = onAnswer({ status: response.status, headers: response.headers, body })
            } catch (defect) {
              // A bug (here, or in a tracer's span) must end the call, not leave the fiber waiting forever.
              result = Effect.die(defect)
            }
            resume(result)
          },
          // The answer began but its body broke off: the phase is known.
          fail("ResponseError", "Decode"),
        ),
      fail("RequestError", "Transport"),
    )
  })

/**
 * `@effect/platform`'s fetch client, marked so that the executor may send
 * through {@link exchange}. Any transformation of the client
 * (`HttpClient.mapRequest`, ...) returns an unmarked client, whose requests
 * then go through the transformation as usual.
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.effect(
  HttpClient.HttpClient,
  Effect.zipWith(HttpClient.HttpClient, Effect.context<never>(), (client, context): HttpClient.HttpClient => {
    // A distinct object, so that only this layer's client is marked.
    const marked: HttpClient.HttpClient = Object.create(client)
    leanClients.set(marked, {
      fetch: Option.getOrUndefined(Context.getOption(context, FetchHttpClient.Fetch)),
      init: Option.getOrUndefined(Context.getOption(context, FetchHttpClient.RequestInit)),
    })
    return marked
  }),
).pipe(Layer.provide(FetchHttpClient.layer))
