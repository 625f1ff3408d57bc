/**
 * Serves the simulator's handler on a real port of 127.0.0.1: with
 * `Deno.serve` on Deno, with `node:http` on Node. Loaded only when a
 * simulator is served on a port, so the in-process path never touches
 * `Deno.*` or `node:` and stays edge-safe.
 *
 * @internal
 * @module
 */
import type { LoopbackServer } from "../Simulator.ts"
import { isDropped } from "./handler.ts"

type Handle = (request: Request) => Promise<Response>

/** Which server to use: Deno's own when running on Deno, `node:http` otherwise. */
export type Runtime = "deno" | "node"

/** The runtime this code runs on. */
export const detectRuntime =
  (): Runtime => (typeof Deno === "object" && typeof Deno.serve === "function" ? "deno" : "node")

const hostname = "127.0.0.1"

const serveDeno = (handle: Handle, port: number): Promise<LoopbackServer> =>
  new Promise((resolve, reject) => {
    try {
      const server = Deno.serve({
        hostname,
        port,
        onListen: () => {},
        // A request its client aborted (a timeout) ends here, with nobody left to read the answer.
        onError: (cause) =>
          new Response(JSON.stringify({ message: `The Togai simulator failed: ${String(cause)}` }), {
            status: 500,
            headers: { "content-type": "application/json" },
          }),
      }, async (request) => {
        // Deno.serve gives no socket to destroy: a dropped connection sends its status line, then cuts the body.
        return await handle(request)
      })
      const close = async () => {
        await server.shutdown()
      }
      resolve({
        url: `http://${hostname}:${server.addr.port}`,
        port: server.addr.port,
        close,
        [Symbol.asyncDispose]: close,
      })
    } catch (cause) {
      reject(cause)
    }
  })

const serveNode = async (handle: Handle, port: number): Promise<LoopbackServer> => {
  const http = await import("node:http")
  let boundPort = port
  const server = http.createServer((incoming, outgoing) => {
    const aborter = new AbortController()
    outgoing.on("close", () => {
      if (!outgoing.writableFinished) aborter.abort(new DOMException("The client went away", "AbortError"))
    })
    const chunks: Array<Uint8Array> = []
    incoming.on("data", (chunk: Uint8Array) => chunks.push(chunk))
    incoming.on("end", () => {
      const headers = new Headers()
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (typeof value === "string") headers.set(name, value)
        else if (Array.isArray(value)) { for (const item of value) headers.append(name, item) }
      }
      const method = incoming.method ?? "GET"
      const length = chunks.reduce((sum, chunk) => sum + chunk.length, 0)
      const body = new Uint8Array(length)
      let offset = 0
      for (const chunk of chunks) {
        body.set(chunk, offset)
        offset += chunk.length
      }
      const request = new Request(`http://${hostname}:${boundPort}${incoming.url ?? "/"}`, {
        method,
        headers,
        body: method === "GET" || method === "HEAD" || length === 0 ? undefined : body,
        signal: aborter.signal,
      })
      handle(request).then(async (response) => {
        if (isDropped(response)) {
          incoming.socket.destroy()
          return
        }
        const payload = new Uint8Array(await response.arrayBuffer())
        // One connection per request: a client never reuses a connection a dropped-connection fault will cut,
        // so it sees the drop instead of silently retrying on a fresh connection.
        const outHeaders: Record<string, string> = { connection: "close" }
        response.headers.forEach((value, name) => {
          outHeaders[name] = value
        })
        outgoing.writeHead(response.status, outHeaders)
        outgoing.end(payload)
      }, () => {
        // aborted by the client: there is nobody to answer
        incoming.socket.destroy()
      })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, hostname, () => resolve())
  })
  const address = server.address()
  boundPort = typeof address === "object" && address !== null ? address.port : port
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return { url: `http://${hostname}:${boundPort}`, port: boundPort, close, [Symbol.asyncDispose]: close }
}

/** Serves `handle` on 127.0.0.1 (`port` 0 picks a free one), with the runtime's own server. */
export const listen = (handle: Handle, port: number, runtime: Runtime = detectRuntime()): Promise<LoopbackServer> =>
  runtime === "deno" ? serveDeno(handle, port) : serveNode(handle, port)
