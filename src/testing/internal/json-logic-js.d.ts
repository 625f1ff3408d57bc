/**
 * The part of json-logic-js (jsonlogic.com's reference implementation) that
 * the simulator uses, typed over `unknown`: rules and data are parsed JSON.
 *
 * @internal
 * @module
 */
declare const jsonLogic: {
  /** Evaluates a rule over data; throws for an operation it does not know. */
  readonly apply: (logic: unknown, data?: unknown) => unknown
  /** JSON-logic's truthiness (an empty array is false). */
  readonly truthy: (value: unknown) => boolean
}
export default jsonLogic
