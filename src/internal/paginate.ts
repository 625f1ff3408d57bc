/**
 * The one pagination helper: every list operation's `stream` is
 * `paginate(endpoint, input)`, following `nextToken` page after page, as
 * the endpoint's pagination descriptor names the fields.
 *
 * @internal
 * @module
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { Auth } from "../Auth.ts"
import { TogaiConfig } from "../TogaiConfig.ts"
import { type OperationError, PaginationError } from "../TogaiError.ts"
import type { Endpoint, TaggedStatus } from "./endpoint.ts"
import { bounded, execute, type Input, scrub } from "./executor.ts"

/** The item type of a page: what its `data` (or `events`) array holds. */
export type ItemOf<Page> = Page extends { readonly data?: ReadonlyArray<infer Item> | undefined } ? Item
  : Page extends { readonly events?: ReadonlyArray<infer Item> | undefined } ? Item
  : never

/**
 * Every item of every page. A page is fetched only when the consumer pulls
 * past the previous one, so `Stream.take(n)` fetches only the pages it
 * needs. The stream ends on the last page (no or empty `nextToken`), and
 * fails with `PaginationError` rather than loop forever when the server
 * hands out a token twice, or answers `maxEmptyPages` empty pages in a row
 * (a single empty page with a token is followed).
 */
export const paginate = <A, B, Q, S extends TaggedStatus>(
  endpoint: Endpoint<A, B, Q, S>,
  input: Input<B, Q>,
): Stream.Stream<ItemOf<A>, OperationError<S> | PaginationError, HttpClient.HttpClient | Auth> =>
  Stream.unwrap(Effect.map(Effect.context<Auth>(), (context) => {
    const pagination = endpoint.pagination
    if (pagination === undefined) throw new Error(`${endpoint.operation} is not a list operation`)
    const credential = Context.get(context, Auth)
    const maxEmptyPages = Context.get(context, TogaiConfig).maxEmptyPages
    // Per run of the stream: every token handed out so far, pages read, empty pages in a row.
    const seen = new Set<string>()
    let pages = 0
    let emptyInARow = 0
    const fail = (reason: PaginationError["reason"], token: string) =>
      Effect.fail(
        new PaginationError({
          operation: endpoint.operation,
          reason,
          nextToken: bounded(scrub(token, credential), 200),
          pages,
        }),
      )
    return Stream.paginateChunkEffect(
      undefined as string | undefined,
      (nextToken) =>
        Effect.flatMap(
          execute(endpoint, { ...input, query: { ...input.query, nextToken } as Q }),
          (page): Effect.Effect<readonly [Chunk.Chunk<ItemOf<A>>, Option.Option<string>], PaginationError> => {
            pages++
            const fields = page as Readonly<Record<string, unknown>>
            const found = fields[pagination.items]
            // The decoded array is the stream's own (nothing else holds it): no copy.
            const items = Chunk.unsafeFromArray(Array.isArray(found) ? found as Array<ItemOf<A>> : [])
            const token = fields[pagination.nextToken]
            if (typeof token !== "string" || token === "") return Effect.succeed([items, Option.none()])
            if (seen.has(token)) return fail("repeatedToken", token)
            seen.add(token)
            // Only an empty page counts against the limit: a full one never fails, whatever the limit.
            emptyInARow = Chunk.isEmpty(items) ? emptyInARow + 1 : 0
            if (emptyInARow > 0 && emptyInARow >= maxEmptyPages) return fail("emptyPages", token)
            return Effect.succeed([items, Option.some(token)])
          },
        ),
    )
  }))
