/**
 * The benchmark servers run in processes of their own, so they never share
 * the measured client's event loop: {@link spawnServer} starts one and
 * stops it, {@link serveUntilStdinCloses} is the server side of it.
 */

/** A running benchmark server. */
export interface Server {
  readonly url: string
  readonly close: () => Promise<void>
}

/**
 * Starts a server module (one that calls {@link serveUntilStdinCloses}) in a
 * process of its own and waits until it listens. Needs `--allow-run=deno`.
 */
export const spawnServer = async (module: URL): Promise<Server> => {
  const child = new Deno.Command("deno", {
    args: ["run", "--allow-net=127.0.0.1", module.pathname],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn()
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader()
  let buffered = ""
  while (!buffered.includes("\n")) {
    const { value, done } = await reader.read()
    if (done) throw new Error(`the benchmark server ${module.pathname} exited before it listened`)
    buffered += value
  }
  const { port } = JSON.parse(buffered.slice(0, buffered.indexOf("\n")))
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await child.stdin.close()
      await reader.cancel()
      await child.status
    },
  }
}

/** Starts bench/server.ts (the per-call and stream server). */
export const startServer = (): Promise<Server> => spawnServer(new URL("./server.ts", import.meta.url))

/**
 * Serves on 127.0.0.1 on a free port, prints `{"port": N}` as the first
 * line, and stops when stdin closes (the parent holds it open).
 */
export const serveUntilStdinCloses = async (handler: (request: Request) => Response | Promise<Response>) => {
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => console.log(JSON.stringify({ port })),
  }, handler)
  for await (const _ of Deno.stdin.readable) {
    // nothing is sent; the loop only waits for the end
  }
  await server.shutdown()
}
