/**
 * Starts bench/server.ts in a process of its own (so it never shares the
 * measured client's event loop) and stops it: for bench/main.ts.
 */

/** A running benchmark server. */
export interface Server {
  readonly url: string
  readonly close: () => Promise<void>
}

/** Starts the server and waits until it listens. Needs `--allow-run=deno`. */
export const startServer = async (): Promise<Server> => {
  const child = new Deno.Command("deno", {
    args: ["run", "--allow-net=127.0.0.1", new URL("./server.ts", import.meta.url).pathname],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn()
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader()
  let buffered = ""
  while (!buffered.includes("\n")) {
    const { value, done } = await reader.read()
    if (done) throw new Error("the benchmark server exited before it listened")
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
