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
 * one `Effect.async` and one timer:
 * - interruption aborts the fetch, including while the body is read;
 * - the deadline covers the whole exchange, body included, and aborts it;
 * - the HTTP span (when tracing is on) is a child of the caller's span, has
 *   the platform's attributes, with the headers of
 *   `Headers.currentRedactedNames` redacted, and propagates the trace
 *   context when `HttpClient.currentTracerPropagation` says so;
 * - failures are typed as the platform types them (`RequestError` with
 *   reason `Transport` before an answer, `ResponseError` when the body breaks
 *   off), and a deadline is a {@link DeadlineExceeded}.
 *
 * @internal
 * @module
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type { HttpMethod } from "@effect/platform/HttpMethod"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { constFalse } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Tracer from "effect/Tracer"

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
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
}

/** The exchange did not complete before its deadline; it was aborted. */
export class DeadlineExceeded {
  readonly _tag = "DeadlineExceeded"
}

/**
 * The clients whose requests may take the lean path (`FetchClient.layer`'s,
 * untransformed), with the context their layer was built in: a
 * `FetchHttpClient.Fetch` or `RequestInit` provided there applies.
 */
const leanClients = new WeakMap<HttpClient.HttpClient, Context.Context<never>>()

/** The build context of `client` if it is `FetchClient.layer`'s client, untransformed. */
export const leanContext = (client: HttpClient.HttpClient): Context.Context<never> | undefined =>
  leanClients.get(client)

const platformRequest = (outgoing: Outgoing): HttpClientRequest.HttpClientRequest =>
  HttpClientRequest.make(outgoing.method)(outgoing.url, {
    headers: outgoing.headers,
  })

/** Sends and reads, with abort on interruption and on the deadline. */
const send = (
  fetchFunction: typeof globalThis.fetch,
  init: globalThis.RequestInit | undefined,
  outgoing: Outgoing,
  headers: Readonly<Record<string, string>>,
  timeoutMillis: number | undefined,
): Effect.Effect<Answer, HttpClientError.HttpClientError | DeadlineExceeded> =>
  Effect.async((resume) => {
    const controller = new AbortController()
    let timedOut = false
    const timer = timeoutMillis === undefined ? undefined : setTimeout(() => {
      timedOut = true
      controller.abort()
    }, timeoutMillis)
    const settle = (effect: Effect.Effect<Answer, HttpClientError.HttpClientError | DeadlineExceeded>) => {
      if (timer !== undefined) clearTimeout(timer)
      resume(effect)
    }
    fetchFunction(outgoing.url, {
      ...init,
      method: outgoing.method,
      headers: init?.headers === undefined
        ? headers
        : { ...Object.fromEntries(new globalThis.Headers(init.headers)), ...headers },
      body: outgoing.body,
      signal: controller.signal,
    }).then(
      (response) =>
        response.text().then(
          (body) => settle(Effect.succeed({ status: response.status, headers: response.headers, body })),
          // The answer began but its body broke off: the platform's ResponseError, so the phase is known.
          (cause: unknown) => {
            const request = platformRequest(outgoing)
            settle(
              timedOut ? Effect.fail(new DeadlineExceeded()) : Effect.fail(
                new HttpClientError.ResponseError({
                  request,
                  response: HttpClientResponse.fromWeb(request, response),
                  reason: "Decode",
                  cause,
                }),
              ),
            )
          },
        ),
      (cause: unknown) =>
        settle(
          timedOut ? Effect.fail(new DeadlineExceeded()) : Effect.fail(
            new HttpClientError.RequestError({ request: platformRequest(outgoing), reason: "Transport", cause }),
          ),
        ),
    )
    return Effect.sync(() => {
      if (timer !== undefined) clearTimeout(timer)
      controller.abort()
    })
  })

const isRedacted = (name: string, redacted: ReadonlyArray<string | RegExp>): boolean => {
  for (const key of redacted) {
    if (typeof key === "string" ? key.toLowerCase() === name : key.test(name)) return true
  }
  return false
}

/** Records headers on the span as the platform does, the names of `Headers.currentRedactedNames` as `<redacted>`. */
const attributeHeaders = (
  span: Tracer.Span,
  prefix: string,
  headers: Iterable<readonly [string, string]>,
  redacted: ReadonlyArray<string | RegExp>,
) => {
  for (const [name, value] of headers) {
    span.attribute(prefix + name, isRedacted(name, redacted) ? String(Redacted.make(value)) : value)
  }
}

/**
 * Runs one exchange through `fetch` (or the `FetchHttpClient.Fetch` in
 * context, with its `FetchHttpClient.RequestInit`), in an HTTP span when
 * tracing is on.
 */
export const exchange = (
  buildContext: Context.Context<never>,
  outgoing: Outgoing,
  timeoutMillis: number | undefined,
): Effect.Effect<Answer, HttpClientError.HttpClientError | DeadlineExceeded> =>
  Effect.withFiberRuntime((fiber) => {
    // As the platform's fetch client does: the caller's context first, then the layer's.
    const context = fiber.getFiberRef(FiberRef.currentContext)
    const fetchFunction = Context.getOrElse(
      context,
      FetchHttpClient.Fetch,
      () => Context.getOrElse(buildContext, FetchHttpClient.Fetch, () => globalThis.fetch),
    )
    const init = Context.getOrElse(
      context,
      FetchHttpClient.RequestInit,
      () => Context.getOrElse(buildContext, FetchHttpClient.RequestInit, () => undefined),
    )
    if (!fiber.getFiberRef(FiberRef.currentTracerEnabled)) {
      return send(fetchFunction, init, outgoing, outgoing.headers, timeoutMillis)
    }
    // The platform's request object is built only for a predicate or a span name someone set.
    const disabledWhen = fiber.getFiberRef(HttpClient.currentTracerDisabledWhen)
    const customName = context.unsafeMap.has(HttpClient.SpanNameGenerator.key)
    const request = disabledWhen === constFalse && !customName ? undefined : platformRequest(outgoing)
    if (request !== undefined && disabledWhen(request)) {
      return send(fetchFunction, init, outgoing, outgoing.headers, timeoutMillis)
    }
    const name = request !== undefined && customName
      ? Context.get(context, HttpClient.SpanNameGenerator)(request)
      : `http.client ${outgoing.method}`
    return Effect.useSpan(name, { kind: "client", captureStackTrace: false }, (span) => {
      const url = new URL(outgoing.url)
      span.attribute("http.request.method", outgoing.method)
      span.attribute("server.address", url.origin)
      if (url.port !== "") span.attribute("server.port", +url.port)
      span.attribute("url.full", url.toString())
      span.attribute("url.path", url.pathname)
      span.attribute("url.scheme", url.protocol.slice(0, -1))
      const query = url.search.slice(1)
      if (query !== "") span.attribute("url.query", query)
      const redacted = fiber.getFiberRef(Headers.currentRedactedNames)
      attributeHeaders(span, "http.request.header.", Object.entries(outgoing.headers), redacted)
      const headers = fiber.getFiberRef(HttpClient.currentTracerPropagation)
        ? { ...outgoing.headers, ...HttpTraceContext.toHeaders(span) }
        : outgoing.headers
      return Effect.tap(send(fetchFunction, init, outgoing, headers, timeoutMillis), (answer) => {
        span.attribute("http.response.status_code", answer.status)
        attributeHeaders(span, "http.response.header.", answer.headers, redacted)
      })
    })
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
    leanClients.set(marked, context)
    return marked
  }),
).pipe(Layer.provide(FetchHttpClient.layer))
