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
  /**
   * Aborted when the client goes away. Deno also aborts it once a response
   * has been sent, so it tells only about requests left unanswered.
   */
  readonly signal: AbortSignal
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
      // read lazily: Deno warns about its legacy abort behaviour whenever a handler touches the signal
      get signal() {
        return request.signal
      },
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

/** An answer that never comes: it settles only when the client gives up and closes the connection. */
export const hang = (request: Recorded): Promise<Response> =>
  new Promise((resolve) => {
    const settle = () => resolve(new Response(null, { status: 499 }))
    if (request.signal.aborted) settle()
    else request.signal.addEventListener("abort", settle, { once: true })
  })

/**
 * A 200 whose headers and first bytes arrive, then nothing more: the body
 * stalls until the client closes the connection, which calls `onCancel`.
 */
export const stalledBody = (onCancel: () => void): Response =>
  new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"id":"ACC00001",'))
      },
      cancel() {
        onCancel()
      },
    }),
    { status: 200, headers: { "content-type": "application/json" } },
  )

/** A TCP server that reads each request and closes the connection without answering. */
export interface DroppingServer {
  readonly url: string
  /** How many requests arrived (and were dropped). */
  readonly received: () => number
  readonly close: () => Promise<void>
}

/** Starts a {@link DroppingServer} on 127.0.0.1: the request is sent in full, the answer never comes. */
export const startDroppingServer = (): DroppingServer & AsyncDisposable => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 })
  let received = 0
  const connections: Array<Promise<void>> = []
  const handle = async (connection: Deno.Conn) => {
    try {
      const buffer = new Uint8Array(65536)
      const read = await connection.read(buffer)
      if (read !== null && read > 0) received++
    } finally {
      connection.close()
    }
  }
  const accepting = (async () => {
    try {
      for await (const connection of listener) connections.push(handle(connection))
    } catch {
      // the listener was closed
    }
  })()
  const close = async () => {
    listener.close()
    await accepting
    await Promise.allSettled(connections)
  }
  return {
    url: `http://127.0.0.1:${listener.addr.port}`,
    received: () => received,
    close,
    [Symbol.asyncDispose]: close,
  }
}
