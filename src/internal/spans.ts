/**
 * The client's spans, made as `Effect.useSpan` and `@effect/platform`'s
 * HTTP client make theirs (same parent, links, annotations, timing,
 * attributes, redaction and trace headers), without the per-call work that
 * does not change what a tracer receives.
 *
 * Measured on `deno task bench` (CPU profile of a getAccount loop, spans on
 * against off): the platform's HTTP span costs a lower-casing per redacted
 * name, a `Redacted` and a fresh attribute key per header, Deno's header
 * iterator, and a copy of the fiber's refs (in `Effect.useSpan`); here a
 * header's attribute is worked out once per name and the fiber's refs are
 * read one by one.
 *
 * A span ends without the call's value (see {@link endSpan}): measured by
 * `deno task bench:gc` (four streams of 100,000 accounts), spans holding
 * each page through `Effect.useSpan` had 119 MB promoted out of the young
 * generation (28 MB with tracing off), 40 MB without.
 *
 * @internal
 * @module
 */
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import * as HashMap from "effect/HashMap"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"

/** A started span, and the clock reading that ends it. */
export interface Started {
  readonly span: Tracer.Span
  readonly now: () => bigint
}

const zero = () => 0n
/** No keys: looking one up only makes V8 intern it (see {@link flatten}). */
const interned: Record<string, unknown> = Object.create(null)

/**
 * Makes V8 turn `id` into one flat string now, while it is young. Effect's
 * own tracer builds an id a character at a time (`result += char`), which
 * V8 keeps as a rope of one node per character past the twelfth; a span
 * lives across the network wait, so its ropes were promoted out of the
 * young generation with it. Looking the id up as a key interns it, which
 * flattens it in place and frees the nodes. `deno task bench:gc`, 40,000
 * calls 32 at a time with spans: 162 MB promoted, 527 ms of scavenges
 * before; 134 MB, 389 ms after.
 */
const flatten = (id: string): void => {
  void interned[id]
}

/**
 * The parent a new span takes, as `Effect.useSpan` picks it: the current
 * span, skipping those whose context disables propagation.
 */
export const currentParent = (context: Context.Context<never>): Option.Option<Tracer.AnySpan> => {
  let parent = Context.getOption(context, Tracer.ParentSpan)
  while (parent._tag === "Some" && Context.get(parent.value.context, Tracer.DisablePropagation)) {
    parent = parent.value._tag === "Span" ? parent.value.parent : Option.none()
  }
  return parent
}

/**
 * Starts a span as `Effect.useSpan` would, on the fiber's tracer and clock,
 * with the fiber's span links and annotations, then `options.attributes`.
 * Reads the fiber's refs one by one (`useSpan` copies them all to read two).
 */
export const startSpan = <FA, FE>(
  fiber: Fiber.RuntimeFiber<FA, FE>,
  name: string,
  parent: Option.Option<Tracer.AnySpan>,
  options: Tracer.SpanOptions,
): Started => {
  const services = fiber.getFiberRef(DefaultServices.currentServices)
  const clock = Context.get(services, Clock.Clock)
  const now = fiber.getFiberRef(FiberRef.currentTracerTimingEnabled) ? () => clock.unsafeCurrentTimeNanos() : zero
  const span = Context.get(services, Tracer.Tracer).span(
    name,
    parent,
    Context.empty(),
    Chunk.toReadonlyArray(fiber.getFiberRef(FiberRef.currentTracerSpanLinks)),
    now(),
    options.kind ?? "internal",
    options,
  )
  flatten(span.traceId)
  flatten(span.spanId)
  const annotations = fiber.getFiberRef(FiberRef.currentTracerSpanAnnotations)
  if (HashMap.size(annotations) > 0) HashMap.forEach(annotations, (value, key) => span.attribute(key, value))
  for (const key in options.attributes) span.attribute(key, options.attributes[key])
  return { span, now }
}

/**
 * Ends a span unless it has ended, as `Effect.useSpan` does, but a success
 * without its value: tracers read an exit's outcome, not the value, and a
 * span (by then often promoted to the old generation) that held the
 * decoded answer would keep it from every young-generation collection.
 * Failures keep their cause.
 */
export const endSpan = (started: Started, exit: Exit.Exit<unknown, unknown>): void => {
  if (started.span.status._tag !== "Ended") started.span.end(started.now(), Exit.isSuccess(exit) ? Exit.void : exit)
}

/** What a header becomes on a span: its attribute keys, and whether its value is hidden. */
interface HeaderAttribute {
  readonly request: string
  readonly response: string
  readonly redacted: boolean
}

/** What `String(Redacted.make(value))` prints, as the platform records a redacted header. */
const redactedText = "<redacted>"

/** Per list of redacted names (the platform's default list is one array): each header name's attribute. */
const attributesByList = new WeakMap<ReadonlyArray<string | RegExp>, Map<string, HeaderAttribute>>()

/** Header names a server makes up per answer must not grow the cache without bound. */
const maxCachedNames = 256

/**
 * Records a header as the platform does: as `http.request.header.<name>` or
 * `http.response.header.<name>` (names lower-case), `<redacted>` for the
 * names of `redacted` (`Headers.currentRedactedNames`).
 */
export const attributeHeader = (
  span: Tracer.Span,
  side: "request" | "response",
  name: string,
  value: string,
  redacted: ReadonlyArray<string | RegExp>,
): void => {
  let byName = attributesByList.get(redacted)
  if (byName === undefined) attributesByList.set(redacted, byName = new Map())
  let attribute = byName.get(name)
  if (attribute === undefined) {
    let hidden = false
    // `search`, not `test`: a global RegExp's `test` moves its `lastIndex`, and the answer is cached.
    for (const key of redacted) {
      if (typeof key === "string" ? key.toLowerCase() === name : name.search(key) >= 0) hidden = true
    }
    attribute = { request: "http.request.header." + name, response: "http.response.header." + name, redacted: hidden }
    if (byName.size < maxCachedNames) byName.set(name, attribute)
  }
  span.attribute(attribute[side], attribute.redacted ? redactedText : value)
}

/** The trace-context headers the platform's `HttpTraceContext.toHeaders` writes for `span` (b3 and W3C). */
export const traceHeaders = (span: Tracer.Span): { readonly b3: string; readonly traceparent: string } => ({
  b3: `${span.traceId}-${span.spanId}-${span.sampled ? "1" : "0"}${
    span.parent._tag === "Some" ? `-${span.parent.value.spanId}` : ""
  }`,
  traceparent: `00-${span.traceId}-${span.spanId}-${span.sampled ? "01" : "00"}`,
})
