/**
 * Run by tests/Spans.test.ts with `--v8-flags=--allow-natives-syntax`:
 * prints whether the ids of spans made by `startSpan` (a root span and its
 * child) are flat strings, and whether those of a span made by Effect's own
 * tracer directly are (the reason `startSpan` flattens them: a rope of one
 * node per character would be promoted with the span).
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { startSpan } from "../../src/internal/spans.ts"

// `%` calls parse only with the flag, and only at run time: the file itself stays TypeScript that tools can read.
const isFlat = new Function("text", "return %StringIsFlat(text)") as (text: string) => boolean

const result = Effect.runSync(
  Effect.withFiberRuntime((fiber) => {
    const options = { kind: "client" as const, captureStackTrace: false }
    const root = startSpan(fiber, "root", Option.none(), options).span
    const child = startSpan(fiber, "child", Option.some(root), options).span
    return Effect.map(Effect.tracer, (tracer) => {
      const direct = tracer.span("direct", Option.none(), Context.empty(), [], 0n, "client", options)
      return {
        root: isFlat(root.traceId) && isFlat(root.spanId),
        child: isFlat(child.traceId) && isFlat(child.spanId),
        direct: isFlat(direct.traceId) && isFlat(direct.spanId),
      }
    })
  }),
)
console.log(JSON.stringify(result))
