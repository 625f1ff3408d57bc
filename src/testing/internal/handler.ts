/**
 * The simulator's one web-standard handler, `(Request) => Promise<Response>`:
 * it logs the request (credentials redacted), applies injected faults,
 * checks the credentials, routes by the library's own endpoint table and
 * answers from the state. Both transports (in process and loopback) serve
 * this same handler.
 *
 * @internal
 * @module
 */
import { all } from "../../internal/endpoints.ts"
import type { LoggedRequest, OperationName } from "../Simulator.ts"
import type { Answer, OperationInput, State } from "./state.ts"

/** Responses that stand for a dropped connection; each transport drops it its own way. */
const droppedResponses = new WeakSet<Response>()

const dropMessage = "connection dropped by the Togai simulator (injected fault)"

/** A response that stands for a dropped connection: its body fails when read, wherever it is served. */
const droppedResponse = (): Response => {
  const response = new Response(
    new ReadableStream({
      pull: (controller) => controller.error(new TypeError(dropMessage)),
    }),
    { status: 200 },
  )
  droppedResponses.add(response)
  return response
}

/** Whether a response stands for a dropped connection. */
export const isDropped = (response: Response): boolean => droppedResponses.has(response)

/** The error an in-process fetch rejects with for a dropped connection, as a real network error. */
export const dropError = (): TypeError => new TypeError(`error sending request: ${dropMessage}`)

const json = (answer: Answer, headers: Record<string, string> = {}): Response =>
  answer.body === undefined
    ? new Response(null, { status: answer.status, headers })
    : new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { "content-type": "application/json", ...headers },
    })

const fail = (status: number, message: string, headers: Record<string, string> = {}): Response =>
  json({ status, body: { message } }, headers)

/** Waits, unless the request is aborted first: then it stops at once and clears its timer. */
const sleep = (millis: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort)
      resolve()
    }, millis)
    signal.addEventListener("abort", onAbort, { once: true })
  })

const redactedHeaders = new Set(["authorization", "x-api-key"])

const logHeaders = (headers: Headers): Record<string, string> => {
  const logged: Record<string, string> = {}
  headers.forEach((value, name) => {
    logged[name] = redactedHeaders.has(name) ? "<redacted>" : value
  })
  return logged
}

interface Route {
  readonly operation: OperationName
  readonly params: Record<string, string>
}

type Routed = { readonly route: Route } | { readonly answer: Response }

/** Every operation of the contract, with its entry in the library's endpoint table. */
const operations = Object.keys(all) as ReadonlyArray<OperationName>

/** Finds the operation a request calls, by the spec's method and path template. */
const route = (method: string, pathname: string): Routed => {
  const segments = pathname.split("/").slice(1)
  let pathMatched = false
  for (const operation of operations) {
    const endpoint = all[operation]
    if (endpoint.segments.length !== segments.length) continue
    const params: Record<string, string> = {}
    let matches = true
    for (let i = 0; i < segments.length && matches; i++) {
      const template = endpoint.segments[i]
      if ("literal" in template) matches = template.literal === segments[i]
      else {
        try {
          params[template.param] = decodeURIComponent(segments[i])
        } catch {
          return { answer: fail(400, `${template.param}: not a valid percent-encoded path segment`) }
        }
      }
    }
    if (!matches) continue
    pathMatched = true
    if (endpoint.method !== method) continue
    const limits: Readonly<Record<string, number>> = endpoint.pathParameters
    for (const [name, value] of Object.entries(params)) {
      if (value === "") return { answer: fail(400, `${name}: must not be empty`) }
      const maxLength = limits[name] ?? 50
      if ([...value].length > maxLength) {
        return { answer: fail(400, `${name}: expected at most ${maxLength} characters, got ${[...value].length}`) }
      }
    }
    return { route: { operation, params } }
  }
  return {
    answer: pathMatched
      ? fail(405, `${method} is not allowed on ${pathname}`)
      : fail(404, `No Togai operation at ${method} ${pathname}`),
  }
}

/** Who may call what: the full-rights token, and tokens limited to some customers. */
export interface Credentials {
  readonly token: string
  readonly limitedTokens: ReadonlyArray<{ readonly token: string; readonly customers: ReadonlyArray<string> }>
}

/** A fault with its defaults filled in. */
export type ActiveFault =
  | { readonly kind: "rateLimit"; readonly retryAfter: string }
  | { readonly kind: "serverError"; readonly status: number }
  | { readonly kind: "latency"; readonly millis: number }
  | { readonly kind: "disconnect"; readonly afterProcessing: boolean }
  | { readonly kind: "malformedBody"; readonly body: string | undefined }

/** A fault still to be served (`remaining` times), in the order they were injected. */
export interface PendingFault {
  readonly operation: OperationName | undefined
  readonly fault: ActiveFault
  remaining: number
}

/** The parts of the simulator the handler works with. */
export interface HandlerContext {
  readonly state: State
  readonly credentials: Credentials
  readonly faults: Array<PendingFault>
  readonly log: Array<LoggedRequest>
  /** Togai's request quotas, per second, when the simulator enforces them. */
  readonly quota?: Quota | undefined
}

/**
 * Requests a second the simulator lets through, ingestion apart from the
 * rest, as a token bucket per class (as API gateways throttle): a burst of
 * up to the quota, refilled at the quota per second.
 */
export interface Quota {
  readonly ingest: number
  readonly other: number
  /** The clock the buckets refill on. */
  readonly now: () => number
  /** Per class: the tokens left and when they were counted. */
  readonly buckets: Map<"ingest" | "other", { tokens: number; at: number }>
}

/** Whether a request fits the quota of its class; if not, how many seconds until it would (Retry-After). */
const overQuota = (quota: Quota, operation: OperationName | undefined): number | undefined => {
  const kind = operation === "ingest" || operation === "ingestBatch" ? "ingest" : "other"
  const perSecond = kind === "ingest" ? quota.ingest : quota.other
  const now = quota.now()
  const bucket = quota.buckets.get(kind) ?? { tokens: perSecond, at: now }
  bucket.tokens = Math.min(perSecond, bucket.tokens + (Math.max(0, now - bucket.at) * perSecond) / 1000)
  bucket.at = now
  quota.buckets.set(kind, bucket)
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1
    return undefined
  }
  return Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond))
}

const presentedSecret = (headers: Headers): string | undefined => {
  const authorization = headers.get("authorization")
  const bearer = authorization === null ? undefined : /^Bearer\s+(.+)$/i.exec(authorization)?.[1]
  return bearer ?? headers.get("x-api-key") ?? undefined
}

/** 401 without a known credential, 403 when a limited token reaches another customer's data. */
const authorize = (
  credentials: Credentials,
  headers: Headers,
  customerId: string | undefined,
): Response | undefined => {
  const secret = presentedSecret(headers)
  if (secret !== undefined && secret === credentials.token) return undefined
  const limited = credentials.limitedTokens.find((entry) => entry.token === secret)
  if (secret === undefined || limited === undefined) {
    return fail(401, "Missing or invalid credentials: send Authorization: Bearer <token> or X-API-Key: <token>")
  }
  if (customerId !== undefined && !limited.customers.includes(customerId)) {
    return fail(403, `This token has no rights to customer ${customerId}`)
  }
  return undefined
}

/** Takes the faults that apply to this request: every latency, and the first other fault. */
const takeFaults = (
  faults: Array<PendingFault>,
  operation: OperationName | undefined,
): { readonly delay: number; readonly fault: ActiveFault | undefined } => {
  let delay = 0
  let fault: ActiveFault | undefined
  for (const pending of faults) {
    if (pending.remaining <= 0) continue
    if (pending.operation !== undefined && pending.operation !== operation) continue
    if (pending.fault.kind === "latency") {
      delay += pending.fault.millis
      pending.remaining--
    } else if (fault === undefined) {
      fault = pending.fault
      pending.remaining--
    }
  }
  for (let i = faults.length - 1; i >= 0; i--) if (faults[i].remaining <= 0) faults.splice(i, 1)
  return { delay, fault }
}

const hasBody: ReadonlySet<OperationName> = new Set(operations.filter((operation) => all[operation].body !== undefined))

/** Every operation is a method of the state named by its operationId: a compile-time check that none is missing. */
const handlers: { readonly [K in OperationName]: (state: State, input: OperationInput) => Answer } = /* @__PURE__ */
  Object.fromEntries(
    operations.map((operation) => [operation, (state: State, input: OperationInput) => state[operation](input)]),
  ) as { readonly [K in OperationName]: (state: State, input: OperationInput) => Answer }

const dispatch = (state: State, operation: OperationName, input: OperationInput): Answer =>
  handlers[operation](state, input)

/** Answers a request that passed the faults: credentials, then the operation. */
const process = (context: HandlerContext, request: Request, routed: Routed, bodyText: string): Response => {
  const url = new URL(request.url)
  const customerId = "route" in routed ? routed.route.params.customer_id : undefined
  const denied = authorize(context.credentials, request.headers, customerId)
  if (denied !== undefined) return denied
  if ("answer" in routed) return routed.answer
  const { operation, params } = routed.route
  let body: unknown = undefined
  if (hasBody.has(operation)) {
    if (bodyText === "") return fail(400, "The request needs a JSON body")
    try {
      body = JSON.parse(bodyText)
    } catch {
      return fail(400, "The request body is not valid JSON")
    }
  }
  return json(dispatch(context.state, operation, { params, query: url.searchParams, body }))
}

/** Builds the handler over the simulator's state, credentials, faults and log. */
export const makeHandler = (context: HandlerContext) => async (request: Request): Promise<Response> => {
  const url = new URL(request.url)
  const bodyText = await request.text()
  const routed = route(request.method, url.pathname)
  const operation = "route" in routed ? routed.route.operation : undefined
  const entry: LoggedRequest = {
    method: request.method,
    path: url.pathname,
    query: url.search,
    operation,
    headers: logHeaders(request.headers),
    body: bodyText,
    status: undefined,
    outcome: "pending",
  }
  context.log.push(entry)
  const record = (outcome: LoggedRequest["outcome"], status?: number) => {
    const index = context.log.indexOf(entry)
    // The log may have been cleared while the request was in flight.
    if (index >= 0) context.log[index] = { ...entry, outcome, status }
  }

  const wait = context.quota === undefined ? undefined : overQuota(context.quota, operation)
  if (wait !== undefined) {
    const limited = fail(429, "Too many requests: over the simulated Togai quota", { "retry-after": String(wait) })
    record("answered", 429)
    return limited
  }
  const { delay, fault } = takeFaults(context.faults, operation)
  if (delay > 0) {
    try {
      await sleep(delay, request.signal)
    } catch (reason) {
      record("aborted")
      throw reason
    }
  }

  let response: Response
  switch (fault?.kind) {
    case "rateLimit":
      response = fail(429, "Too many requests (injected by the Togai simulator)", {
        "retry-after": fault.retryAfter,
      })
      break
    case "serverError":
      response = fail(fault.status, "Service unavailable (injected by the Togai simulator)")
      break
    case "disconnect":
      if (fault.afterProcessing) process(context, request, routed, bodyText)
      record("dropped")
      return droppedResponse()
    case "malformedBody": {
      const processed = process(context, request, routed, bodyText)
      const text = await processed.text()
      response = new Response(fault.body ?? text.slice(0, Math.max(1, Math.floor(text.length / 2))), {
        status: processed.status,
        headers: processed.headers,
      })
      break
    }
    default:
      response = process(context, request, routed, bodyText)
  }
  record("answered", response.status)
  return response
}

/** The simulator's list of operations is the spec's: a compile-time check that the two agree. */
const _sameOperations: { readonly [K in OperationName]: unknown } & { readonly [K in keyof typeof all]: unknown } =
  all satisfies { readonly [K in OperationName]: unknown }
void _sameOperations
