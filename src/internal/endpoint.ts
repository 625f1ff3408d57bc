/**
 * What an operation is, as data: the record the generated table
 * (`endpoints.ts`) is made of, and the one place its checks and decoders
 * are built (once per operation, not per call).
 *
 * @internal
 * @module
 */
import type * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { PathSegment } from "./fields.ts"

/** The HTTP methods Togai's operations use. */
export type Method = "GET" | "POST" | "PATCH" | "DELETE"

/** The error statuses that have a tag of their own (see `TogaiError.ErrorForStatus`). */
export type TaggedStatus = 400 | 401 | 403 | 404 | 422 | 429 | 503

/** A query parameter: its name on the wire, and its schema (the decoded value to its text). */
export type QueryParameter = readonly [wireName: string, schema: Schema.Schema.AnyNoContext]

/** What the generated table says of one operation. */
export interface Definition {
  readonly operation: string
  /** The module the operation belongs to (`Accounts`, `Events`, ...). */
  readonly group: string
  readonly method: Method
  /** The spec's path template, e.g. `/customers/{customer_id}/accounts`. */
  readonly path: string
  /** Each path parameter's `maxLength`, by the spec's name, in the path's order. */
  readonly pathParameters: Readonly<Record<string, number>>
  /** The query parameters, by the option name callers use (camelCase). */
  readonly query: Readonly<Record<string, QueryParameter>>
  readonly body: Schema.Schema.AnyNoContext | undefined
  /** Every success status, with the schema of its body (`undefined`: no body). */
  readonly success: Readonly<Record<number, Schema.Schema.AnyNoContext | undefined>>
  /** The documented error statuses that have a tag of their own. */
  readonly errors: ReadonlyArray<TaggedStatus>
  /**
   * Whether sending the request again is safe: by its method (GET, PATCH,
   * DELETE), or, for ingestion, by the event ids Togai de-duplicates on.
   */
  readonly idempotent: "method" | "eventIds"
  /** For list operations: which field of the answer holds the items, which the next token. */
  readonly pagination: { readonly items: string; readonly nextToken: string } | undefined
}

type SuccessType<D extends Definition> = {
  [S in keyof D["success"]]: D["success"][S] extends Schema.Schema.AnyNoContext ? Schema.Schema.Type<D["success"][S]>
    : void
}[keyof D["success"]]

type BodyType<D extends Definition> = D["body"] extends Schema.Schema.AnyNoContext ? Schema.Schema.Type<D["body"]>
  : undefined

type QueryType<D extends Definition> = {
  readonly [K in keyof D["query"]]?: Schema.Schema.Type<D["query"][K][1]> | undefined
}

/** One operation, ready to run: its definition and the checks and codecs built from it. */
export interface Endpoint<A, Body, Query, Status extends TaggedStatus> extends Definition {
  readonly errors: ReadonlyArray<Status>
  /** Splits of `path`: literal segments, and the names of the parameters between them. */
  readonly segments: ReadonlyArray<{ readonly literal: string } | { readonly param: string }>
  readonly encodePath: (params: unknown) => Either.Either<Readonly<Record<string, string>>, ParseResult.ParseError>
  readonly encodeQuery: (
    query: unknown,
  ) => Either.Either<Readonly<Record<string, string | undefined>>, ParseResult.ParseError>
  readonly encodeBody: ((body: unknown) => Either.Either<unknown, ParseResult.ParseError>) | undefined
  readonly decoders: ReadonlyMap<
    number,
    ((json: unknown) => Either.Either<unknown, ParseResult.ParseError>) | undefined
  >
  /** `Togai.<operation>`, the name of the operation's span. */
  readonly spanName: string
  /** Whether a retry of this operation after it may have reached Togai is safe. */
  readonly retrySafe: boolean
  /** Phantom: the decoded success, body and query types. */
  readonly _types?: { readonly success: A; readonly body: Body; readonly query: Query }
}

/** Any endpoint. */
// deno-lint-ignore no-explicit-any
export type AnyEndpoint = Endpoint<any, any, any, TaggedStatus>

/** The decoded success type of an endpoint. */
export type Success<E> = E extends Endpoint<infer A, infer _B, infer _Q, infer _S> ? A : never

const encodeOptions = { errors: "all", onExcessProperty: "error" } as const

const withoutUndefined = (query: unknown): unknown => {
  if (typeof query !== "object" || query === null || Array.isArray(query)) return query
  const defined: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(query)) if (value !== undefined) defined[key] = value
  return defined
}
const decodeOptions = { errors: "all", onExcessProperty: "ignore" } as const

/** Builds an endpoint from its definition: the path, query and body encoders and the answer decoders, once. */
export const endpoint = <const D extends Definition>(
  definition: D,
): Endpoint<SuccessType<D>, BodyType<D>, QueryType<D>, D["errors"][number]> => {
  const pathSchema = Schema.Struct(
    Object.fromEntries(
      Object.entries(definition.pathParameters).map(([name, maxLength]) => [name, PathSegment(maxLength)]),
    ),
  )
  const querySchema = Schema.Struct(
    Object.fromEntries(
      Object.entries(definition.query).map((
        [option, [wireName, schema]],
      ) => [option, Schema.optionalWith(schema, { exact: true }).pipe(Schema.fromKey(wireName))]),
    ),
  )
  const decoders = new Map<number, ((json: unknown) => Either.Either<unknown, ParseResult.ParseError>) | undefined>()
  for (const [status, schema] of Object.entries(definition.success)) {
    decoders.set(Number(status), schema === undefined ? undefined : Schema.decodeUnknownEither(schema, decodeOptions))
  }
  return {
    ...definition,
    segments: definition.path.split("/").filter((segment) => segment !== "").map((segment) =>
      segment.startsWith("{") ? { param: segment.slice(1, -1) } : { literal: segment }
    ),
    encodePath: Schema.encodeUnknownEither(pathSchema, encodeOptions) as Endpoint<
      unknown,
      unknown,
      unknown,
      TaggedStatus
    >["encodePath"],
    // An option given as `undefined` is an option not given: it is dropped before encoding.
    encodeQuery: ((encode) => (query: unknown) => encode(withoutUndefined(query)))(
      Schema.encodeUnknownEither(querySchema, encodeOptions),
    ) as Endpoint<unknown, unknown, unknown, TaggedStatus>["encodeQuery"],
    encodeBody: definition.body === undefined ? undefined : Schema.encodeUnknownEither(definition.body, encodeOptions),
    decoders,
    spanName: `Togai.${definition.operation}`,
    retrySafe: definition.idempotent === "eventIds" || definition.method !== "POST",
  }
}
