/**
 * Scalars read out of a net log's JSON, which is untrusted: `Number()`, `String()` and
 * templates throw on an object whose `toString` or `valueOf` key is not a function (JSON can
 * make one), so fields are converted here by their JSON type instead.
 *
 * @module
 */

/**
 * A JSON value as a number: a number, a numeric string or a boolean as `Number()` reads them,
 * anything else `NaN`.
 *
 * @param value The value.
 * @returns The number.
 *
 * @example
 * ```ts
 * import { jsonNumber } from "./_json_scalar.ts";
 * console.log(jsonNumber("42"), jsonNumber({ toString: "x" })); // 42 NaN
 * ```
 */
export function jsonNumber(value: unknown): number {
  return typeof value === "number" || typeof value === "string" || typeof value === "boolean"
    ? Number(value)
    : NaN;
}

/**
 * A JSON value as text: a string as it is, other values as JSON.
 *
 * @param value The value.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { jsonText } from "./_json_scalar.ts";
 * console.log(jsonText("GET"), jsonText(7), jsonText({ toString: "x" })); // GET 7 {"toString":"x"}
 * ```
 */
export function jsonText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
}
