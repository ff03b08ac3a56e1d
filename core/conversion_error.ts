/**
 * Electron's error for an argument its bindings cannot convert to the C++ type the method takes
 * (shell/common/gin_helper/arguments.cc: `Arguments::ThrowError` and `V8TypeAsString`).
 *
 * @module
 */

/**
 * The TypeError Electron's bindings throw, synchronously, for an argument of the wrong type:
 * `Error processing argument at index <index>, conversion failure from <what>`, where `<what>`
 * is Electron's `V8TypeAsString` of the value: `undefined`, `null`, an object's constructor
 * name (`Object`, `Array`, `Function`), a string in double quotes, otherwise its `typeof` with
 * a capital (`Number`, `Boolean`, `Symbol`, `Bigint`).
 *
 * @param index The argument's position, from 0.
 * @param value The argument.
 * @returns The error (to throw).
 *
 * @example
 * ```ts
 * import { conversionError } from "./conversion_error.ts";
 * console.log(conversionError(0, 5).message);
 * // Error processing argument at index 0, conversion failure from Number
 * console.log(conversionError(1, "cache").message);
 * // Error processing argument at index 1, conversion failure from "cache"
 * ```
 */
export function conversionError(index: number, value: unknown): TypeError {
  return new TypeError(
    `Error processing argument at index ${index}, conversion failure from ${v8TypeAsString(value)}`,
  );
}

function v8TypeAsString(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "object" || typeof value === "function") return constructorName(value);
  if (typeof value === "string") return `"${value}"`;
  const type = typeof value;
  return type[0]!.toUpperCase() + type.slice(1);
}

// V8's GetConstructorName reads the constructor from the object's prototype chain, not an own
// `constructor` property; an object with no prototype is an `Object`. Never throws, whatever
// the object (a getter or a Proxy trap that throws is answered with `Object`).
function constructorName(value: object): string {
  try {
    const name: unknown = Object.getPrototypeOf(value)?.constructor?.name;
    return typeof name === "string" && name !== "" ? name : "Object";
  } catch {
    return "Object";
  }
}
