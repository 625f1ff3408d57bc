/**
 * Waits for something a real server or timer makes true, by polling every
 * 5 ms: tests assert on what happened, never on how long it took. Gives
 * up after about 10 s rather than hang the test run.
 */
export const waitFor = async (what: string, condition: () => boolean): Promise<void> => {
  for (let round = 0; round < 2000; round++) {
    if (condition()) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  throw new Error(`gave up waiting for: ${what}`)
}
