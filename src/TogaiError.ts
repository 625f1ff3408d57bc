/**
 * Every error the Togai client can fail with, as tagged errors.
 *
 * Each documented HTTP error status of the Togai API has its own tag (400
 * `BadRequest`, 401 `Unauthorized`, 403 `Forbidden`, 404 `NotFound`, 422
 * `UnprocessableEntity`, 429 `RateLimited`, 503 `ServiceUnavailable`), and
 * each operation's type names exactly the ones its contract documents
 * ({@link OperationError}), so `Effect.catchTag` offers those. The other
 * failures say where things went wrong: the input broke the contract before
 * anything was sent (`InvalidRequest`), the settings are wrong
 * (`ConfigurationError`), the server was never reached (`TransportError`),
 * the answer took too long (`Timeout`), was too large
 * (`ResponseTooLarge`), redirected elsewhere (`RedirectNotFollowed`), or
 * did not match the contract (`DecodeError`); any other status is
 * `UnexpectedStatus`.
 *
 * No error carries the API token: not in its fields, its message, its JSON
 * or `Cause.pretty`, even when a server echoes it. Every text that came from
 * a server is bounded in size.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts } from "@effect-togai/client"
 *
 * const accountOrNull = Accounts.getAccount("customer-1", "account-1").pipe(
 *   Effect.catchTag("NotFound", () => Effect.succeed(null)),
 *   Effect.catchTag("RateLimited", (error) =>
 *     Effect.logWarning(`${error.operation}: rate limited, Togai asks to wait ${error.retryAfter ?? "a while"}`).pipe(
 *       Effect.as(null),
 *     )),
 * )
 * ```
 *
 * @module
 */
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"

type TaggedErrorBase<Self, Tag extends string, Fields extends Schema.Struct.Fields> = Schema.TaggedErrorClass<
  Self,
  Tag,
  { readonly _tag: Schema.tag<Tag> } & Fields
>

type Methods = Schema.Literal<["GET", "POST", "PATCH", "DELETE"]>

/** The fields of every error that an HTTP status produced. */
type StatusFields = {
  readonly operation: typeof Schema.String
  readonly status: typeof Schema.Number
  readonly serverMessage: Schema.optional<typeof Schema.String>
  readonly method: Schema.optional<Methods>
  readonly headers: Schema.optional<Schema.Record$<typeof Schema.String, typeof Schema.String>>
}

const statusFields: StatusFields = {
  operation: Schema.String,
  status: Schema.Number,
  serverMessage: Schema.optional(Schema.String),
  method: Schema.optional(Schema.Literal("GET", "POST", "PATCH", "DELETE")),
  headers: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
}

type RetryAfterFields = StatusFields & { readonly retryAfter: Schema.optional<typeof Schema.DurationFromSelf> }

const retryAfterFields: RetryAfterFields = { ...statusFields, retryAfter: Schema.optional(Schema.DurationFromSelf) }

const describe = (
  error: { readonly operation: string; readonly status: number; readonly serverMessage?: string | undefined },
  label: string,
  advice: string,
): string =>
  `Togai answered ${error.status} ${label} to ${error.operation}` +
  (error.serverMessage === undefined || error.serverMessage === "" ? "" : `: ${error.serverMessage}`) +
  `. ${advice}`

const waitAdvice = (retryAfter: Duration.Duration | undefined, otherwise: string): string =>
  retryAfter === undefined
    ? otherwise
    : `Retry after ${Math.ceil(Duration.toMillis(retryAfter) / 1000)} s (Retry.schedule() does this for you).`

const BadRequestBase: TaggedErrorBase<BadRequest, "BadRequest", StatusFields> = Schema.TaggedError<BadRequest>()(
  "BadRequest",
  statusFields,
)

/**
 * Togai rejected the request as malformed (HTTP 400). Retrying the same
 * request fails the same way: fix the data `serverMessage` names.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends BadRequestBase {
  /** The Togai operation that failed, by the spec's operationId (e.g. `createAccount`). */
  declare readonly operation: string
  /** Always 400. */
  declare readonly status: number
  /** What Togai said was wrong, at most 500 characters. */
  declare readonly serverMessage?: string | undefined
  /** The HTTP method of the request. */
  declare readonly method?: "GET" | "POST" | "PATCH" | "DELETE" | undefined
  /** The response headers a handler may need (`x-request-id`, rate-limit headers). */
  declare readonly headers?: { readonly [name: string]: string } | undefined
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return describe(this, "Bad Request", "Togai rejected the request data; fix it before sending again.")
  }
}

const UnauthorizedBase: TaggedErrorBase<Unauthorized, "Unauthorized", StatusFields> = Schema.TaggedError<
  Unauthorized
>()("Unauthorized", statusFields)

/**
 * The credentials were missing, wrong or expired (HTTP 401).
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends UnauthorizedBase {
  /** The Togai operation that failed. */
  declare readonly operation: string
  /** Always 401. */
  declare readonly status: number
  /** What Togai said, at most 500 characters. */
  declare readonly serverMessage?: string | undefined
  /** The HTTP method of the request. */
  declare readonly method?: "GET" | "POST" | "PATCH" | "DELETE" | undefined
  /** The response headers a handler may need. */
  declare readonly headers?: { readonly [name: string]: string } | undefined
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return describe(
      this,
      "Unauthorized",
      "Check the API token (TOGAI_API_TOKEN) and that it belongs to this environment (sandbox or production).",
    )
  }
}

const ForbiddenBase: TaggedErrorBase<Forbidden, "Forbidden", StatusFields> = Schema.TaggedError<Forbidden>()(
  "Forbidden",
  statusFields,
)

/**
 * The credentials are valid but do not grant access to this resource (HTTP 403).
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends ForbiddenBase {
  /** The Togai operation that failed. */
  declare readonly operation: string
  /** Always 403. */
  declare readonly status: number
  /** What Togai said, at most 500 characters. */
  declare readonly serverMessage?: string | undefined
  /** The HTTP method of the request. */
  declare readonly method?: "GET" | "POST" | "PATCH" | "DELETE" | undefined
  /** The response headers a handler may need. */
  declare readonly headers?: { readonly [name: string]: string } | undefined
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return describe(this, "Forbidden", "The API token has no rights to this resource; use a token that does.")
  }
}

const NotFoundBase: TaggedErrorBase<NotFound, "NotFound", StatusFields> = Schema.TaggedError<NotFound>()(
  "NotFound",
  statusFields,
)

/**
 * The customer, account, schema, meter, plan or event named in the request
 * does not exist (HTTP 404).
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends NotFoundBase {
  /** The Togai operation that failed. */
  declare readonly operation: string
  /** Always 404. */
  declare readonly status: number
  /** What Togai said, at most 500 characters. */
  declare readonly serverMessage?: string | undefined
  /** The HTTP method of the request. */
  declare readonly method?: "GET" | "POST" | "PATCH" | "DELETE" | undefined
  /** The response headers a handler may need. */
  declare readonly headers?: { readonly [name: string]: string } | undefined
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return describe(this, "Not Found", "Check that the ids and names in the request exist in this Togai environment.")
  }
}

const UnprocessableEntityBase: TaggedErrorBase<UnprocessableEntity, "UnprocessableEntity", StatusFields> = Schema
  .TaggedError<UnprocessableEntity>()("UnprocessableEntity", statusFields)

/**
 * Togai understood the request but cannot act on it (HTTP 422), as
 * ingestion and `getEvents` document: e.g. events for an unknown schema.
 * Sending it again fails the same way.
 *
 * @since 0.2.0
 * @category errors
 */
export class UnprocessableEntity extends UnprocessableEntityBase {
  /** The Togai operation that failed. */
  declare readonly operation: string
  /** Always 422. */
  declare readonly status: number
  /** What Togai said, at most 500 characters. */
  declare readonly serverMessage?: string | undefined
  /** The HTTP method of the request. */
  declare readonly method?: "GET" | "POST" | "PATCH" | "DELETE" | undefined
  /** The response headers a handler may need. */
  declare readonly headers?: { readonly [name: string]: string } | undefined
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return describe(this, "Unprocessable Entity", "Togai cannot act on this data; fix what the message names.")
  }
}

const RateLimitedBase: TaggedErrorBase<RateLimited, "RateLimited", RetryAfterFields> = Schema.TaggedError<
  RateLimited
>()("RateLimited", retryAfterFields)

/**
 * Togai is throttling this client (HTTP 429); the request was not processed.
 * `retryAfter` holds the wait Togai asked for, when it said. The client
 * retries these on its own (`TogaiConfig`'s retry policy).
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimited extends RateLimitedBase {
  /** The Togai operation that failed. */
  declare readonly operation: string
  /** Always 429. */
  declare readonly status: number
  /** What Togai said, at most 500 characters. */
  declare readonly serverMessage?: string | undefined
  /** The HTTP method of the request. */
  declare readonly method?: "GET" | "POST" | "PATCH" | "DELETE" | undefined
  /** The response headers a handler may need: `retry-after` and the `x-ratelimit-*` family among them. */
  declare readonly headers?: { readonly [name: string]: string } | undefined
  /**
   * How long Togai asked the caller to wait, from `Retry-After` (delay
   * seconds or an HTTP date, as RFC 9110 allows; anything else is ignored).
   */
  declare readonly retryAfter?: Duration.Duration | undefined
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return describe(this, "Too Many Requests", waitAdvice(this.retryAfter, "Slow down and retry later."))
  }
}

const ServiceUnavailableBase: TaggedErrorBase<ServiceUnavailable, "ServiceUnavailable", RetryAfterFields> = Schema
  .TaggedError<ServiceUnavailable>()("ServiceUnavailable", retryAfterFields)

/**
 * Togai cannot take the request now (HTTP 503), as ingestion documents; the
 * request was not processed, so it is always retried.
 *
 * @since 0.2.0
 * @category errors
 */
export class ServiceUnavailable extends ServiceUnavailableBase {
  /** The Togai operation that failed. */
  declare readonly operation: string
  /** Always 503. */
  declare readonly status: number
  /** What Togai said, at most 500 characters. */
  declare readonly serverMessage?: string | undefined
  /** The HTTP method of the request. */
  declare readonly method?: "GET" | "POST" | "PATCH" | "DELETE" | undefined
  /** The response headers a handler may need. */
  declare readonly headers?: { readonly [name: string]: string } | undefined
  /** How long Togai asked the caller to wait, from `Retry-After`, when it said. */
  declare readonly retryAfter?: Duration.Duration | undefined
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return describe(this, "Service Unavailable", waitAdvice(this.retryAfter, "Retry later."))
  }
}

type UnexpectedStatusFields = StatusFields & { readonly idempotent: Schema.optional<typeof Schema.Boolean> }

const unexpectedStatusFields: UnexpectedStatusFields = { ...statusFields, idempotent: Schema.optional(Schema.Boolean) }

const UnexpectedStatusBase: TaggedErrorBase<UnexpectedStatus, "UnexpectedStatus", UnexpectedStatusFields> = Schema
  .TaggedError<UnexpectedStatus>()("UnexpectedStatus", unexpectedStatusFields)

/**
 * Togai answered with a status that has no tag for this operation: the
 * spec's `default` error response, a 5xx, or any status the operation's
 * contract does not document (a 503 from an operation that does not
 * document it, say).
 *
 * @since 0.1.0
 * @category errors
 */
export class UnexpectedStatus extends UnexpectedStatusBase {
  /** The Togai operation that failed. */
  declare readonly operation: string
  /** The HTTP status Togai answered with. */
  declare readonly status: number
  /** What Togai said, at most 500 characters. */
  declare readonly serverMessage?: string | undefined
  /**
   * The HTTP method of the request. A 502 or 504 is retried only when the
   * request is safe to send again (GET, PATCH, DELETE, ingestion).
   */
  declare readonly method?: "GET" | "POST" | "PATCH" | "DELETE" | undefined
  /** The response headers a handler may need. */
  declare readonly headers?: { readonly [name: string]: string } | undefined
  /** Whether sending the request again is safe even if it reached Togai (see `TransportError`). */
  declare readonly idempotent?: boolean | undefined
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return describe(
      this,
      "(unexpected status)",
      this.status >= 500
        ? "The failure is on Togai's side; retry later."
        : "This status is not part of Togai's contract for this operation.",
    )
  }
}

const transportFields: {
  readonly operation: typeof Schema.String
  readonly reason: typeof Schema.String
  readonly method: Schema.optional<Methods>
  readonly phase: Schema.optional<Schema.Literal<["connect", "send", "body"]>>
  readonly idempotent: Schema.optional<typeof Schema.Boolean>
} = {
  operation: Schema.String,
  reason: Schema.String,
  method: Schema.optional(Schema.Literal("GET", "POST", "PATCH", "DELETE")),
  phase: Schema.optional(Schema.Literal("connect", "send", "body")),
  idempotent: Schema.optional(Schema.Boolean),
}

const TransportErrorBase: TaggedErrorBase<TransportError, "TransportError", typeof transportFields> = Schema
  .TaggedError<TransportError>()("TransportError", transportFields)

/**
 * The request got no HTTP answer: the connection was refused or dropped,
 * DNS failed, or the body could not be read.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends TransportErrorBase {
  /** The Togai operation that failed. */
  declare readonly operation: string
  /** What went wrong on the way, as the runtime reported it (bounded, the token scrubbed). */
  declare readonly reason: string
  /** The HTTP method of the request (absent when unknown). */
  declare readonly method?: "GET" | "POST" | "PATCH" | "DELETE" | undefined
  /**
   * How far the request got, as far as the runtime lets the client tell:
   * `connect` (refused, DNS or TLS failure: nothing was sent, so any
   * request may be retried), `send` (the connection dropped after the
   * request may have reached Togai), `body` (Togai answered but the body
   * could not be read). Absent when the runtime does not say; treated like
   * `send`.
   */
  declare readonly phase?: "connect" | "send" | "body" | undefined
  /**
   * Whether sending the request again is safe even if it reached Togai:
   * GET, PATCH and DELETE, and ingestion (Togai de-duplicates events by id).
   */
  declare readonly idempotent?: boolean | undefined
  /** A readable account of what happened and what to do. */
  override get message(): string {
    const what = this.phase === "body" ? "could not read the body of Togai's answer" : "got no answer from Togai"
    return `${this.operation} ${what}: ${this.reason}. Check the base URL (TOGAI_BASE_URL) and the network.`
  }
}

const timeoutFields: {
  readonly operation: typeof Schema.String
  readonly timeout: typeof Schema.DurationFromSelf
  readonly method: Schema.optional<Methods>
  readonly idempotent: Schema.optional<typeof Schema.Boolean>
} = {
  operation: Schema.String,
  timeout: Schema.DurationFromSelf,
  method: Schema.optional(Schema.Literal("GET", "POST", "PATCH", "DELETE")),
  idempotent: Schema.optional(Schema.Boolean),
}

const TimeoutBase: TaggedErrorBase<Timeout, "Timeout", typeof timeoutFields> = Schema.TaggedError<Timeout>()(
  "Timeout",
  timeoutFields,
)

/**
 * The request did not complete (sending, the headers and the whole body)
 * within the configured timeout; the request was aborted.
 *
 * @since 0.1.0
 * @category errors
 */
export class Timeout extends TimeoutBase {
  /** The Togai operation that timed out. */
  declare readonly operation: string
  /** The limit that was exceeded (`TogaiConfig`'s `timeout`). */
  declare readonly timeout: Duration.Duration
  /** The HTTP method of the request (absent when unknown); a POST that timed out may have been processed. */
  declare readonly method?: "GET" | "POST" | "PATCH" | "DELETE" | undefined
  /** Whether sending the request again is safe even if it reached Togai (see `TransportError`). */
  declare readonly idempotent?: boolean | undefined
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return `${this.operation} did not complete within ${
      Duration.toMillis(this.timeout)
    } ms and was aborted. Raise the limit with TogaiConfig.withTimeout if the server is slow.`
  }
}

const tooLargeFields = {
  operation: Schema.String,
  status: Schema.Number,
  limit: Schema.Number,
}

const ResponseTooLargeBase: TaggedErrorBase<ResponseTooLarge, "ResponseTooLarge", typeof tooLargeFields> = Schema
  .TaggedError<ResponseTooLarge>()("ResponseTooLarge", tooLargeFields)

/**
 * Togai's answer was larger than `TogaiConfig`'s `maxResponseBytes`
 * (counted after decompression); the client stopped reading it there.
 *
 * @since 0.2.0
 * @category errors
 */
export class ResponseTooLarge extends ResponseTooLargeBase {
  /** The Togai operation whose answer was too large. */
  declare readonly operation: string
  /** The HTTP status of the answer. */
  declare readonly status: number
  /** The limit, in bytes, that the body passed. */
  declare readonly limit: number
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return `Togai's ${this.status} answer to ${this.operation} is larger than ${this.limit} bytes; ` +
      "the client stopped reading it. Ask for smaller pages (pageSize), or raise maxResponseBytes in TogaiConfig."
  }
}

const redirectFields: {
  readonly operation: typeof Schema.String
  readonly status: typeof Schema.Number
  readonly location: Schema.optional<typeof Schema.String>
  readonly method: Schema.optional<Methods>
} = {
  operation: Schema.String,
  status: Schema.Number,
  location: Schema.optional(Schema.String),
  method: Schema.optional(Schema.Literal("GET", "POST", "PATCH", "DELETE")),
}

const RedirectNotFollowedBase: TaggedErrorBase<RedirectNotFollowed, "RedirectNotFollowed", typeof redirectFields> =
  Schema.TaggedError<RedirectNotFollowed>()("RedirectNotFollowed", redirectFields)

/**
 * Togai (or something in front of it) answered with a redirect the client
 * does not follow: one to another origin (it would carry the credentials
 * there), any redirect of a request that is not a GET (it would be sent
 * again), or more than five in a row. Nothing was sent to `location`.
 *
 * @since 0.2.0
 * @category errors
 */
export class RedirectNotFollowed extends RedirectNotFollowedBase {
  /** The Togai operation that was redirected. */
  declare readonly operation: string
  /** The redirect's status (301, 302, 303, 307, 308). */
  declare readonly status: number
  /** Where the redirect pointed (the `Location` header, bounded), when it said. */
  declare readonly location?: string | undefined
  /** The HTTP method of the request. */
  declare readonly method?: "GET" | "POST" | "PATCH" | "DELETE" | undefined
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return `Togai answered ${this.status} to ${this.operation}, a redirect to ${
      this.location ?? "an unknown location"
    }; the client follows only same-origin redirects of GET requests, so the credentials never leave Togai's ` +
      "origin. If Togai moved, set the new base URL (TOGAI_BASE_URL)."
  }
}

const decodeFields = {
  operation: Schema.String,
  status: Schema.Number,
  issues: Schema.String,
}

const DecodeErrorBase: TaggedErrorBase<DecodeError, "DecodeError", typeof decodeFields> = Schema.TaggedError<
  DecodeError
>()("DecodeError", decodeFields)

/**
 * Togai answered with a success status, but the body did not match the
 * contract (not JSON, nested too deep, or a field missing or of the wrong
 * type).
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends DecodeErrorBase {
  /** The Togai operation whose response did not match. */
  declare readonly operation: string
  /** The HTTP status of the response. */
  declare readonly status: number
  /** Which fields were wrong and how, path first; bounded in size, the token scrubbed. */
  declare readonly issues: string
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return `Togai's ${this.status} response to ${this.operation} does not match the contract: ${this.issues}. ` +
      "The server and this client disagree on the API; report it with this message."
  }
}

const invalidRequestFields = {
  operation: Schema.String,
  issues: Schema.String,
}

const InvalidRequestBase: TaggedErrorBase<InvalidRequest, "InvalidRequest", typeof invalidRequestFields> = Schema
  .TaggedError<InvalidRequest>()("InvalidRequest", invalidRequestFields)

/**
 * The input breaks Togai's contract (too long an id, too short a name, too
 * many aliases, an unknown field, a lone surrogate in a path parameter...).
 * Nothing was sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequest extends InvalidRequestBase {
  /** The Togai operation that was not called. */
  declare readonly operation: string
  /** Which input was wrong and how, path first (`body.aliases.0: ...`, `path.customer_id: ...`). */
  declare readonly issues: string
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return `Invalid input to ${this.operation}, nothing was sent: ${this.issues}`
  }
}

const configurationFields: {
  readonly setting: typeof Schema.String
  readonly variable: Schema.optional<typeof Schema.String>
  readonly issue: typeof Schema.String
  readonly example: typeof Schema.String
} = {
  setting: Schema.String,
  variable: Schema.optional(Schema.String),
  issue: Schema.String,
  example: Schema.String,
}

const ConfigurationErrorBase: TaggedErrorBase<ConfigurationError, "ConfigurationError", typeof configurationFields> =
  Schema.TaggedError<ConfigurationError>()("ConfigurationError", configurationFields)

/**
 * A setting of the client is missing or wrong (a base URL without a scheme,
 * no API token): nothing was sent, and retrying cannot help. An operation
 * fails with it before sending; `Togai.layerConfig` and `Auth.layerConfig`
 * fail with it as they are built.
 *
 * @since 0.2.0
 * @category errors
 */
export class ConfigurationError extends ConfigurationErrorBase {
  /** The setting, as `Togai.layer`'s options name it (`baseUrl`, `token`, `maxResponseBytes`, `maxEmptyPages`). */
  declare readonly setting: string
  /**
   * The environment variable `Togai.layerConfig` reads it from (`TOGAI_BASE_URL`, `TOGAI_API_TOKEN`); absent for a
   * setting no variable holds.
   */
  declare readonly variable?: string | undefined
  /** What is wrong with it (never the secret itself). */
  declare readonly issue: string
  /** What a valid value looks like. */
  declare readonly example: string
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return `The Togai client is misconfigured: ${this.setting}${
      this.variable === undefined ? "" : ` (${this.variable})`
    } ${this.issue}. A valid value looks like ${this.example}.`
  }
}

const paginationFields: {
  readonly operation: typeof Schema.String
  readonly reason: Schema.Literal<["repeatedToken", "emptyPages"]>
  readonly nextToken: typeof Schema.String
  readonly pages: typeof Schema.Number
} = {
  operation: Schema.String,
  reason: Schema.Literal("repeatedToken", "emptyPages"),
  nextToken: Schema.String,
  pages: Schema.Number,
}

// Pure: a program that never streams (an edge handler, say) leaves the class out of its bundle.
const PaginationErrorBase: TaggedErrorBase<PaginationError, "PaginationError", typeof paginationFields> =
  /* @__PURE__ */ Schema.TaggedError<PaginationError>()("PaginationError", paginationFields)

/**
 * A list stream stopped instead of looping forever: the server handed out a
 * `nextToken` it had handed out before, or answered too many empty pages in
 * a row, each with a new `nextToken`.
 *
 * @since 0.1.0
 * @category errors
 */
export class PaginationError extends PaginationErrorBase {
  /** The list operation that was being followed. */
  declare readonly operation: string
  /** `repeatedToken` or `emptyPages`. */
  declare readonly reason: "repeatedToken" | "emptyPages"
  /** The last `nextToken` the server handed out (bounded, the API token scrubbed). */
  declare readonly nextToken: string
  /** How many pages the stream had read when it stopped. */
  declare readonly pages: number
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return this.reason === "repeatedToken"
      ? `${this.operation} returned the nextToken "${this.nextToken}" a second time after ${this.pages} pages; ` +
        "the stream stopped instead of looping forever. Report it to Togai."
      : `${this.operation} returned empty pages with a new nextToken, again and again (${this.pages} pages read); ` +
        "the stream stopped instead of calling Togai forever. Report it to Togai."
  }
}

/**
 * The error that each documented status with a tag of its own produces.
 *
 * @since 0.2.0
 * @category errors
 */
export interface ErrorForStatus {
  /** Bad Request. */
  readonly 400: BadRequest
  /** Unauthorized. */
  readonly 401: Unauthorized
  /** Forbidden. */
  readonly 403: Forbidden
  /** Not Found. */
  readonly 404: NotFound
  /** Unprocessable Entity. */
  readonly 422: UnprocessableEntity
  /** Too Many Requests. */
  readonly 429: RateLimited
  /** Service Unavailable. */
  readonly 503: ServiceUnavailable
}

/**
 * The errors that an HTTP status can produce.
 *
 * @since 0.1.0
 * @category errors
 */
export type StatusError = ErrorForStatus[keyof ErrorForStatus] | UnexpectedStatus

/**
 * What can go wrong in any operation, whatever its contract documents.
 *
 * @since 0.2.0
 * @category errors
 */
export type CommonError =
  | InvalidRequest
  | ConfigurationError
  | TransportError
  | Timeout
  | ResponseTooLarge
  | RedirectNotFollowed
  | DecodeError
  | UnexpectedStatus

/**
 * The errors of an operation whose contract documents the statuses
 * `Status`: their tags, and {@link CommonError}.
 *
 * @example
 * ```ts
 * import type { TogaiError } from "@effect-togai/client"
 *
 * // what Accounts.getAccount can fail with
 * type GetAccountError = TogaiError.OperationError<400 | 401 | 403 | 404 | 429>
 * ```
 *
 * @since 0.2.0
 * @category errors
 */
export type OperationError<Status extends keyof ErrorForStatus> = ErrorForStatus[Status] | CommonError

/**
 * Every way a single Togai operation can fail.
 *
 * @since 0.1.0
 * @category errors
 */
export type TogaiError = OperationError<keyof ErrorForStatus>
