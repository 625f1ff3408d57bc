/**
 * Pages of every list the simulator answers: `pageSize`, `sortOrder` and
 * an opaque `nextToken`, a base64 cursor in the shape of the spec's example
 * token (`{"lastItemId", "pageSize", "sortOrder"}`), which also carries the
 * filters of the first page, so that a follow-up with the token alone reads
 * on with the same ones.
 *
 * @internal
 * @module
 */
import * as Either from "effect/Either"
import { type Answer, error } from "./wire.ts"

/** What a page request asks for, once its token and parameters are read. */
export interface PageRequest {
  readonly pageSize: number
  readonly sortOrder: "ASC" | "DESC"
  /** The sort key of the last item of the previous page. */
  readonly after: string | undefined
  /** The filters, by query parameter name: from the query, else from the token. */
  readonly filters: Readonly<Record<string, string>>
}

/** How a list pages. */
export interface PageOptions {
  readonly defaultPageSize: number
  readonly maxPageSize?: number | undefined
  /** Whether the operation takes `sortOrder`. */
  readonly sortable?: boolean | undefined
  /** The query parameters that filter the list, carried in the token. */
  readonly filters?: ReadonlyArray<string> | undefined
}

interface Cursor {
  readonly lastItemId: string
  readonly pageSize: number
  readonly sortOrder: "ASC" | "DESC"
  readonly filters: Readonly<Record<string, string>>
}

const toBase64 = (text: string): string => {
  let binary = ""
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

const fromBase64 = (token: string): string | undefined => {
  try {
    const binary = atob(token)
    return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)))
  } catch {
    return undefined
  }
}

const encodeCursor = (cursor: Cursor): string =>
  toBase64(JSON.stringify({
    lastItemId: cursor.lastItemId,
    pageSize: cursor.pageSize,
    sortOrder: cursor.sortOrder === "ASC" ? "asc" : "desc",
    ...(Object.keys(cursor.filters).length > 0 ? { filters: cursor.filters } : {}),
  }))

const decodeCursor = (token: string): Cursor | undefined => {
  const text = fromBase64(token)
  if (text === undefined) return undefined
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return undefined // not JSON: not a token this server issued
  }
  if (
    typeof json !== "object" || json === null || !("lastItemId" in json) || typeof json.lastItemId !== "string" ||
    !("pageSize" in json) || typeof json.pageSize !== "number" || !Number.isSafeInteger(json.pageSize) ||
    json.pageSize <= 0 || !("sortOrder" in json) || (json.sortOrder !== "asc" && json.sortOrder !== "desc")
  ) return undefined
  const filters: Record<string, string> = {}
  if ("filters" in json && typeof json.filters === "object" && json.filters !== null) {
    for (const [key, value] of Object.entries(json.filters)) if (typeof value === "string") filters[key] = value
  }
  return {
    lastItemId: json.lastItemId,
    pageSize: json.pageSize,
    sortOrder: json.sortOrder === "asc" ? "ASC" : "DESC",
    filters,
  }
}

/**
 * Reads `nextToken`, `pageSize`, `sortOrder` and the filters of a list
 * request, or answers 400 naming the one that is wrong.
 */
export const readPage = (query: URLSearchParams, options: PageOptions): Either.Either<PageRequest, Answer> => {
  const token = query.get("nextToken")
  const cursor = token === null || token === "" ? undefined : decodeCursor(token)
  if (token !== null && token !== "" && cursor === undefined) {
    return Either.left(error(400, "nextToken: not a token this server issued; pass back a page's nextToken"))
  }
  const pageSizeText = query.get("pageSize")
  const pageSize = pageSizeText === null ? cursor?.pageSize ?? options.defaultPageSize : Number(pageSizeText)
  if (pageSizeText !== null && !(/^\d+$/.test(pageSizeText) && pageSize > 0)) {
    return Either.left(error(400, `pageSize: expected a positive integer, got ${JSON.stringify(pageSizeText)}`))
  }
  if (options.maxPageSize !== undefined && pageSize > options.maxPageSize) {
    return Either.left(error(400, `pageSize: expected at most ${options.maxPageSize}, got ${pageSize}`))
  }
  const sortOrderText = options.sortable === true ? query.get("sortOrder") : null
  if (sortOrderText !== null && sortOrderText !== "ASC" && sortOrderText !== "DESC") {
    return Either.left(error(400, `sortOrder: expected ASC or DESC, got ${JSON.stringify(sortOrderText)}`))
  }
  const filters: Record<string, string> = {}
  for (const name of options.filters ?? []) {
    const value = query.get(name) ?? cursor?.filters[name]
    if (value !== undefined) filters[name] = value
  }
  return Either.right({
    pageSize,
    sortOrder: sortOrderText ?? cursor?.sortOrder ?? "ASC",
    after: cursor?.lastItemId,
    filters,
  })
}

/** One page of `items` (sorted ascending by `keyOf`), and the token of the next page if there is one. */
export const page = <A>(
  items: ReadonlyArray<A>,
  keyOf: (item: A) => string,
  request: PageRequest,
): { readonly data: ReadonlyArray<A>; readonly nextToken: string | undefined } => {
  const ordered = request.sortOrder === "ASC" ? items : [...items].reverse()
  const after = request.after
  const rest = after === undefined
    ? ordered
    : ordered.filter((item) => (request.sortOrder === "ASC" ? keyOf(item) > after : keyOf(item) < after))
  const data = rest.slice(0, request.pageSize)
  const last = data.at(-1)
  return {
    data,
    nextToken: rest.length > request.pageSize && last !== undefined
      ? encodeCursor({
        lastItemId: keyOf(last),
        pageSize: request.pageSize,
        sortOrder: request.sortOrder,
        filters: request.filters,
      })
      : undefined,
  }
}

/** A paginated response: `data`, `nextToken` on every page but the last, and `context`. */
export const paginated = <A, B>(
  items: ReadonlyArray<A>,
  keyOf: (item: A) => string,
  request: PageRequest,
  toJson: (item: A) => B,
): { readonly data: ReadonlyArray<B>; readonly nextToken?: string; readonly context: unknown } => {
  const { data, nextToken } = page(items, keyOf, request)
  return {
    data: data.map(toJson),
    ...(nextToken === undefined ? {} : { nextToken }),
    context: { pageSize: request.pageSize, sortOrder: request.sortOrder },
  }
}

/** Reads a comma-separated list of enum values (`statuses`, `aggregations`), or answers 400 naming a wrong one. */
export const readList = <const L extends ReadonlyArray<string>>(
  parameter: string,
  value: string | undefined,
  allowed: L,
): Either.Either<ReadonlySet<L[number]> | undefined, Answer> => {
  if (value === undefined || value === "") return Either.right(undefined)
  const chosen = new Set<L[number]>()
  for (const part of value.split(",").map((entry) => entry.trim())) {
    const found = allowed.find((entry) => entry === part)
    if (found === undefined) {
      return Either.left(
        error(400, `${parameter}: expected values among ${allowed.join(", ")}, got ${JSON.stringify(part)}`),
      )
    }
    chosen.add(found)
  }
  return Either.right(chosen)
}
