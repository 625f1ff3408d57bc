/** The library's version; a test keeps it equal to `deno.json`'s. */
export const version = "0.2.0"

/** The `User-Agent` every request sends. */
export const userAgent = `effect-togai-client/${version}`
