/**
 * A real HTTP server on 127.0.0.1 (a free port) that records every request
 * it receives, for tests that check the exact bytes the client sends.
 */

/** One request as the server received it. */
export interface Recorded {
  readonly method: string
  /** The path exactly as it arrived, percent-encoding kept. */
  readonly rawPath: string
  readonly query: URLSearchParams
  readonly headers: Headers
  readonly body: string
}

/** A running server. */
export interface TestServer {
  readonly url: string
  readonly requests: Array<Recorded>
  readonly close: () => Promise<void>
}

/** Starts a server answering with `handler`; close it with `close()` (or `await using`). */
export const startServer = (
  handler: (request: Recorded) => Response | Promise<Response>,
): TestServer & AsyncDisposable => {
  const requests: Array<Recorded> = []
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const url = new URL(request.url)
    const recorded: Recorded = {
      method: request.method,
      rawPath: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body: await request.text(),
    }
    requests.push(recorded)
    return handler(recorded)
  })
  const close = async () => {
    await server.shutdown()
  }
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  }
}

/** A JSON response. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } })
