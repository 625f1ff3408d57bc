import type * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"

/** A span as the recording tracer saw it. */
export interface RecordedSpan {
  readonly name: string
  readonly spanId: string
  readonly kind: Tracer.SpanKind
  readonly parentName: string | undefined
  readonly parentSpanId: string | undefined
  readonly links: ReadonlyArray<Tracer.SpanLink>
  readonly attributes: Map<string, unknown>
  readonly events: Array<{ readonly name: string; readonly attributes: Record<string, unknown> | undefined }>
  exit: Exit.Exit<unknown, unknown> | undefined
}

/** A tracer that records every span, its attributes and events, for assertions. */
export const recordingTracer = (): { readonly tracer: Tracer.Tracer; readonly spans: Array<RecordedSpan> } => {
  const spans: Array<RecordedSpan> = []
  let counter = 0
  const tracer = Tracer.make({
    span(name, parent, context, links, startTime, kind) {
      const spanId = `span-${++counter}`
      const recorded: RecordedSpan = {
        name,
        spanId,
        kind,
        parentName: Option.match(parent, {
          onNone: () => undefined,
          onSome: (p) => (p._tag === "Span" ? p.name : undefined),
        }),
        parentSpanId: Option.match(parent, { onNone: () => undefined, onSome: (p) => p.spanId }),
        links: [...links],
        attributes: new Map(),
        events: [],
        exit: undefined,
      }
      spans.push(recorded)
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId,
        traceId: "trace-1",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes: recorded.attributes,
        links,
        sampled: true,
        kind,
        end(_endTime, exit) {
          recorded.exit = exit
        },
        attribute(key, value) {
          recorded.attributes.set(key, value)
        },
        event(eventName, _startTime, attributes) {
          recorded.events.push({ name: eventName, attributes })
        },
        addLinks() {},
      }
      return span
    },
    context: (f) => f(),
  })
  return { tracer, spans }
}
