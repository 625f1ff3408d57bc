/**
 * Usage meters' `filters` and `computation`: JSON-logic rules
 * (jsonlogic.com) carried as strings, parsed when a meter is created or
 * updated and evaluated with json-logic-js for every event the meter sees.
 *
 * A rule sees an event as
 * `{ attribute: {name: number}, attributes: {name: number}, dimension: {name: string}, dimensions: {name: string} }`
 * (the spec's examples use both the singular and the plural), so it reads
 * `{"var": "attribute.distance"}` or `{"var": "dimensions.city"}`.
 *
 * @internal
 * @module
 */
// @ts-types="./json-logic-js.d.ts"
import jsonLogic from "json-logic-js"
import * as Either from "effect/Either"
import { isRecord } from "./checks.ts"

/** What an event offers a rule: its attributes (as numbers) and dimensions. */
export interface EventData {
  readonly attributes: Readonly<Record<string, number>>
  readonly dimensions: Readonly<Record<string, string>>
}

/** The names a rule may read, from the event schema the meter belongs to. */
export interface Declared {
  readonly schema: string
  readonly attributes: ReadonlySet<string>
  readonly dimensions: ReadonlySet<string>
}

const dataOf = (event: EventData) => ({
  attribute: event.attributes,
  attributes: event.attributes,
  dimension: event.dimensions,
  dimensions: event.dimensions,
})

/** Operations whose later arguments read each item (`{"var": ""}`), not the event. */
const scoped = new Set(["map", "filter", "reduce", "all", "none", "some"])

/** Every variable name a rule reads from the event. */
const variables = (logic: unknown, found: Array<string>): Array<string> => {
  if (Array.isArray(logic)) {
    for (const item of logic) variables(item, found)
    return found
  }
  if (!isRecord(logic)) return found
  const keys = Object.keys(logic)
  if (keys.length !== 1) return found
  const operation = keys[0]
  const args = logic[operation]
  if (operation === "var") {
    const name = Array.isArray(args) ? args[0] : args
    if (typeof name === "string") found.push(name)
    else variables(name, found)
    if (Array.isArray(args)) variables(args.slice(1), found)
  } else if (operation === "missing") {
    for (const name of Array.isArray(args) ? args : [args]) if (typeof name === "string") found.push(name)
  } else if (operation === "missing_some") {
    const names = Array.isArray(args) ? args[1] : undefined
    for (const name of Array.isArray(names) ? names : []) if (typeof name === "string") found.push(name)
  } else if (scoped.has(operation)) {
    variables(Array.isArray(args) ? args[0] : args, found)
    if (operation === "reduce" && Array.isArray(args)) variables(args[2], found)
  } else {
    variables(args, found)
  }
  return found
}

/** Why `name` is not something an event offers, if it is not. */
const unknownVariable = (name: string, declared: Declared): string | undefined => {
  if (name === "" || ["attribute", "attributes", "dimension", "dimensions"].includes(name)) return undefined
  const dot = name.indexOf(".")
  const scope = dot < 0 ? name : name.slice(0, dot)
  const field = name.slice(dot + 1)
  if (scope === "attribute" || scope === "attributes") {
    return declared.attributes.has(field)
      ? undefined
      : `reads ${name}, but event schema ${declared.schema} declares no attribute ${field}`
  }
  if (scope === "dimension" || scope === "dimensions") {
    return declared.dimensions.has(field)
      ? undefined
      : `reads ${name}, but event schema ${declared.schema} declares no dimension ${field}`
  }
  return `reads ${name}, which no event has: read attribute.<name> or dimension.<name>`
}

/**
 * Parses a rule carried as a string, checks the names it reads against the
 * event schema, and tries it once on a sample event; the problem, naming
 * `field`, if any.
 */
export const parseRule = (
  field: "filters" | "computation",
  text: string,
  declared: Declared,
): Either.Either<unknown, string> => {
  let logic: unknown
  try {
    logic = JSON.parse(text)
  } catch {
    return Either.left(`${field}: not JSON; expected a JSON-logic rule, e.g. {"==": [{"var": "dimension.city"}, "x"]}`)
  }
  if (typeof logic === "string") {
    return Either.left(
      `${field}: a JSON string holding text; send the rule itself as the string's JSON, not quoted twice`,
    )
  }
  if (!isRecord(logic) && !(field === "filters" ? typeof logic === "boolean" : typeof logic === "number")) {
    return Either.left(`${field}: expected a JSON-logic rule (an object), got ${JSON.stringify(logic)}`)
  }
  for (const name of variables(logic, [])) {
    const problem = unknownVariable(name, declared)
    if (problem !== undefined) return Either.left(`${field}: ${problem}`)
  }
  const sample: EventData = {
    attributes: Object.fromEntries([...declared.attributes].map((name) => [name, 1])),
    dimensions: Object.fromEntries([...declared.dimensions].map((name) => [name, ""])),
  }
  const tried = evaluate(logic, sample)
  return Either.isLeft(tried) ? Either.left(`${field}: ${tried.left}`) : Either.right(logic)
}

/** Evaluates a parsed rule over an event: its result, or why it failed. */
export const evaluate = (logic: unknown, event: EventData): Either.Either<unknown, string> => {
  try {
    return Either.right(jsonLogic.apply(logic, dataOf(event)))
  } catch (cause) {
    return Either.left(cause instanceof Error ? cause.message : String(cause))
  }
}

/** Whether an event passes a meter's filters (a meter without filters takes every event). */
export const passes = (filters: unknown, event: EventData): Either.Either<boolean, string> =>
  filters === undefined ? Either.right(true) : Either.map(evaluate(filters, event), jsonLogic.truthy)

/** The units a SUM meter's computation yields for an event: a finite number, or why not. */
export const units = (computation: unknown, event: EventData): Either.Either<number, string> =>
  Either.flatMap(
    evaluate(computation, event),
    (value) =>
      typeof value === "number" && Number.isFinite(value)
        ? Either.right(value)
        : Either.left(`the computation yielded ${JSON.stringify(value) ?? String(value)}, not a number`),
  )
