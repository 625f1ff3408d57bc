/**
 * Every error the Togai client can fail with, as tagged errors.
 *
 * Each documented HTTP error status of the Togai API has its own tag, so a
 * caller recovers from exactly the failures it understands with
 * `Effect.catchTag`. The other failures say where things went wrong: the
 * input broke the contract before anything was sent (`InvalidRequest`), the
 * server was never reached (`TransportError`), the answer took too long
 * (`Timeout`), or the answer did not match the contract (`DecodeError`).
 *
 * No error carries the API token: not in its fields, its message or its JSON.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Accounts } from "@effect-togai/client"
 *
 * const accountOrNull = Accounts.getAccount("customer-1", "account-1").pipe(
 *   Effect.catchTag("NotFound", () => Effect.succeed(null)),
 * )
 * ```
 *
 * @module
 */
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"

/** The fields of every error that an HTTP status produced. */
type StatusFields = {
  readonly operation: typeof Schema.String
  readonly status: typeof Schema.Number
  readonly serverMessage: Schema.optional<typeof Schema.String>
}

const statusFields: StatusFields = {
  /** The Togai operation that failed, e.g. `getAccount`. */
  operation: Schema.String,
  /** The HTTP status Togai answered with. */
  status: Schema.Number,
  /** The `message` of Togai's `{"message": ...}` body, when the body had one. */
  serverMessage: Schema.optional(Schema.String),
}

/** The HTTP method of the failed request, which decides whether retrying it is safe. */
type MethodField = Schema.optional<Schema.Literal<["GET", "POST", "PATCH", "DELETE"]>>

const methodField: MethodField = Schema.optional(Schema.Literal("GET", "POST", "PATCH", "DELETE"))

type TaggedErrorBase<Self, Tag extends string, Fields extends Schema.Struct.Fields> = Schema.TaggedErrorClass<
  Self,
  Tag,
  { readonly _tag: Schema.tag<Tag> } & Fields
>

const describe = (
  error: { readonly operation: string; readonly status: number; readonly serverMessage?: string | undefined },
  label: string,
  advice: string,
): string =>
  `Togai answered ${error.status} ${label} to ${error.operation}` +
  (error.serverMessage === undefined || error.serverMessage === "" ? "" : `: ${error.serverMessage}`) +
  `. ${advice}`

const BadRequestBase: TaggedErrorBase<BadRequest, "BadRequest", StatusFields> = Schema.TaggedError<BadRequest>()(
  "BadRequest",
  statusFields,
)

/**
 * Togai rejected the request as malformed (HTTP 400). Retrying the same
 * request will fail the same way: fix the data it names.
 *
 * @since 0.1.0
 */
export class BadRequest extends BadRequestBase {
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
 */
export class Unauthorized extends UnauthorizedBase {
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
 */
export class Forbidden extends ForbiddenBase {
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
 * The customer, account or other resource named in the request does not
 * exist (HTTP 404).
 *
 * @since 0.1.0
 */
export class NotFound extends NotFoundBase {
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return describe(this, "Not Found", "Check that the ids in the request exist in this Togai environment.")
  }
}

const rateLimitedFields: StatusFields & { readonly retryAfter: Schema.optional<typeof Schema.DurationFromSelf> } = {
  ...statusFields,
  /**
   * How long Togai asked the caller to wait, parsed from `Retry-After`
   * (seconds or an HTTP date), when the response carried one.
   */
  retryAfter: Schema.optional(Schema.DurationFromSelf),
}

const RateLimitedBase: TaggedErrorBase<RateLimited, "RateLimited", typeof rateLimitedFields> = Schema.TaggedError<
  RateLimited
>()("RateLimited", rateLimitedFields)

/**
 * Togai is throttling this client (HTTP 429); the request was not processed.
 * `retryAfter` holds the wait Togai asked for, when it said.
 *
 * @since 0.1.0
 */
export class RateLimited extends RateLimitedBase {
  /** A readable account of what happened and what to do. */
  override get message(): string {
    const wait = this.retryAfter === undefined
      ? "Slow down and retry later"
      : `Retry after ${Math.ceil(Duration.toMillis(this.retryAfter) / 1000)} s`
    return describe(this, "Too Many Requests", `${wait} (Retry.schedule() does this for you).`)
  }
}

const unexpectedStatusFields: StatusFields & { readonly method: MethodField } = {
  ...statusFields,
  /**
   * The HTTP method of the request (absent when unknown). A 502 or 504 is
   * retried only for GET, PATCH and DELETE: a POST may have been processed.
   */
  method: methodField,
}

const UnexpectedStatusBase: TaggedErrorBase<UnexpectedStatus, "UnexpectedStatus", typeof unexpectedStatusFields> =
  Schema.TaggedError<UnexpectedStatus>()("UnexpectedStatus", unexpectedStatusFields)

/**
 * Togai answered with a status that has no tag of its own: the spec's
 * `default` error response, a 5xx, or anything else unexpected.
 *
 * @since 0.1.0
 */
export class UnexpectedStatus extends UnexpectedStatusBase {
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

/** How far a failed request got: see {@link TransportError}'s `phase`. */
type PhaseField = Schema.optional<Schema.Literal<["connect", "send", "body"]>>

const transportFields: {
  readonly operation: typeof Schema.String
  readonly reason: typeof Schema.String
  readonly method: MethodField
  readonly phase: PhaseField
} = {
  /** The Togai operation that failed. */
  operation: Schema.String,
  /** What went wrong on the way, as the runtime reported it. */
  reason: Schema.String,
  /** The HTTP method of the request (absent when unknown). */
  method: methodField,
  /**
   * How far the request got, as far as the runtime lets the client tell:
   * `connect` (refused, DNS or TLS failure: nothing was sent, so any
   * request may be retried), `send` (the connection dropped after the
   * request may have reached Togai), `body` (Togai answered but the body
   * could not be read). Absent when the runtime does not say; treated
   * like `send`.
   */
  phase: Schema.optional(Schema.Literal("connect", "send", "body")),
}

const TransportErrorBase: TaggedErrorBase<TransportError, "TransportError", typeof transportFields> = Schema
  .TaggedError<TransportError>()("TransportError", transportFields)

/**
 * The request got no HTTP answer: the connection was refused or dropped,
 * DNS failed, or the body could not be read.
 *
 * @since 0.1.0
 */
export class TransportError extends TransportErrorBase {
  /** A readable account of what happened and what to do. */
  override get message(): string {
    const what = this.phase === "body" ? "could not read the body of Togai's answer" : "got no answer from Togai"
    return `${this.operation} ${what}: ${this.reason}. Check the base URL (TOGAI_BASE_URL) and the network.`
  }
}

const timeoutFields = {
  /** The Togai operation that timed out. */
  operation: Schema.String,
  /** The limit that was exceeded. */
  timeout: Schema.DurationFromSelf,
  /** The HTTP method of the request (absent when unknown); a POST that timed out may have been processed. */
  method: methodField,
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
 */
export class Timeout extends TimeoutBase {
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return `${this.operation} did not complete within ${
      Duration.toMillis(this.timeout)
    } ms and was aborted. Raise the limit with TogaiConfig.withTimeout if the server is slow.`
  }
}

const decodeFields = {
  /** The Togai operation whose response did not match. */
  operation: Schema.String,
  /** The HTTP status of the response. */
  status: Schema.Number,
  /** Which field was wrong and how, path first. */
  issues: Schema.String,
}

const DecodeErrorBase: TaggedErrorBase<DecodeError, "DecodeError", typeof decodeFields> = Schema.TaggedError<
  DecodeError
>()("DecodeError", decodeFields)

/**
 * Togai answered with a success status, but the body did not match the
 * contract (not JSON, or a field missing or of the wrong type).
 *
 * @since 0.1.0
 */
export class DecodeError extends DecodeErrorBase {
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return `Togai's ${this.status} response to ${this.operation} does not match the contract: ${this.issues}. ` +
      "The server and this client disagree on the API; report it with this message."
  }
}

const invalidRequestFields = {
  /** The Togai operation that was not called. */
  operation: Schema.String,
  /** Which input was wrong and how, path first. */
  issues: Schema.String,
}

const InvalidRequestBase: TaggedErrorBase<InvalidRequest, "InvalidRequest", typeof invalidRequestFields> = Schema
  .TaggedError<InvalidRequest>()("InvalidRequest", invalidRequestFields)

/**
 * The input breaks Togai's contract (too long an id, too short a name, too
 * many aliases, an unknown field, ...). Nothing was sent.
 *
 * @since 0.1.0
 */
export class InvalidRequest extends InvalidRequestBase {
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return `Invalid input to ${this.operation}, nothing was sent: ${this.issues}`
  }
}

const paginationFields = {
  /** The list operation that was being followed. */
  operation: Schema.String,
  /** The `nextToken` the server handed out a second time. */
  nextToken: Schema.String,
}

// Pure: a program that never streams (an edge handler, say) leaves the class out of its bundle.
const PaginationErrorBase: TaggedErrorBase<PaginationError, "PaginationError", typeof paginationFields> =
  /* @__PURE__ */ Schema.TaggedError<PaginationError>()("PaginationError", paginationFields)

/**
 * A list stream stopped because the server returned a `nextToken` it had
 * already returned, which would otherwise loop forever.
 *
 * @since 0.1.0
 */
export class PaginationError extends PaginationErrorBase {
  /** A readable account of what happened and what to do. */
  override get message(): string {
    return `${this.operation} returned the nextToken "${this.nextToken}" a second time; ` +
      "the stream stopped instead of looping forever. Report it to Togai."
  }
}

/**
 * The errors that an HTTP status can produce.
 *
 * @since 0.1.0
 */
export type StatusError = BadRequest | Unauthorized | Forbidden | NotFound | RateLimited | UnexpectedStatus

/**
 * Every way a single Togai operation can fail. Each operation's signature
 * names this union, so `Effect.catchTag` offers exactly these tags.
 *
 * @since 0.1.0
 */
export type TogaiError = InvalidRequest | StatusError | TransportError | Timeout | DecodeError
