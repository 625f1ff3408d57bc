/**
 * Installs the npm packages that deno.json pins (same versions) into a
 * folder with npm, for tools that need a real `node_modules`: the Node
 * check and the bundle-size measure.
 */
const root = new URL("../", import.meta.url)

/** The version deno.json pins for an npm package (`"effect": "npm:effect@3.22.4"` -> `3.22.4`). */
export const pinnedVersion = async (name: string): Promise<string> => {
  const denoJson: { imports: Record<string, string> } = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)))
  const specifier = denoJson.imports[name]
  if (specifier === undefined || !specifier.startsWith(`npm:${name}@`)) throw new Error(`deno.json pins no npm:${name}`)
  return specifier.slice(`npm:${name}@`.length)
}

/** Runs a command; exits the process with a message naming `label` if it fails. */
export const step = async (label: string, command: string, args: ReadonlyArray<string>, cwd: URL): Promise<void> => {
  console.log(`${label}`)
  const { code } = await new Deno.Command(command, { args: [...args], cwd, stdout: "inherit", stderr: "inherit" })
    .output()
  if (code !== 0) {
    console.error(`FAILED at "${label}" (${command} exited with ${code})`)
    Deno.exit(1)
  }
}

/** Writes `package.json` into `dir` and runs `npm install` there, with the pinned versions of `names`. */
export const installPinned = async (
  dir: URL,
  packageJson: Record<string, unknown>,
  names: { readonly dependencies: ReadonlyArray<string>; readonly devDependencies?: ReadonlyArray<string> },
): Promise<void> => {
  const versions = async (list: ReadonlyArray<string> = []) =>
    Object.fromEntries(await Promise.all(list.map(async (name) => [name, await pinnedVersion(name)])))
  await Deno.mkdir(dir, { recursive: true })
  await Deno.writeTextFile(
    new URL("package.json", dir),
    JSON.stringify(
      {
        ...packageJson,
        dependencies: await versions(names.dependencies),
        devDependencies: await versions(names.devDependencies),
      },
      null,
      2,
    ),
  )
  await step(`npm install ${[...names.dependencies, ...(names.devDependencies ?? [])].join(" ")}`, "npm", [
    "install",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
  ], dir)
}
