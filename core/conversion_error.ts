/**
 * Electron's errors for an argument its bindings cannot convert to the C++ type a function takes.
 * Which wording a call gets depends on how Electron binds the function:
 *
 * - the methods of Electron's objects (`Session`, `Cookies`, `Protocol`, `DownloadItem`,
 *   `Extensions`) are bound with Chromium's `gin::ObjectTemplateBuilder`, so Chromium's
 *   gin/arguments.cc words the error ({@link methodArgumentError});
 * - module functions such as `session.fromPartition` and `session.fromPath` are bound through
 *   Electron's `gin_helper::Dictionary`, whose shell/common/gin_helper/arguments.cc names the
 *   value's type instead ({@link conversionError}).
 *
 * Both say `Insufficient number of arguments.` when the call passed fewer arguments than the
 * function takes.
 *
 * @module
 */

const INSUFFICIENT = "Insufficient number of arguments.";

/**
 * The TypeError Electron's `gin_helper` bindings (module functions: `session.fromPartition`,
 * `session.fromPath`) throw, synchronously, for an argument of the wrong type:
 * `Error processing argument at index <index>, conversion failure from <what>`, where `<what>` is
 * Electron's `V8TypeAsString` of the value: `undefined`, `null`, an object's constructor name
 * (`Object`, `Array`, `Function`), a string in double quotes, otherwise its `typeof` with a
 * capital (`Number`, `Boolean`, `Symbol`, `Bigint`). When the call passed no argument at `index`
 * (`count <= index`) the message is `Insufficient number of arguments.`
 * (shell/common/gin_helper/arguments.cc, `Arguments::ThrowError`).
 *
 * @param index The argument's position, from 0.
 * @param value The argument.
 * @param count How many arguments the call passed (`arguments.length`).
 * @returns The error (to throw).
 *
 * @example
 * ```ts
 * import { conversionError } from "./conversion_error.ts";
 * console.log(conversionError(0, 5, 1).message);
 * // Error processing argument at index 0, conversion failure from Number
 * console.log(conversionError(1, "cache", 2).message);
 * // Error processing argument at index 1, conversion failure from "cache"
 * console.log(conversionError(0, undefined, 0).message);
 * // Insufficient number of arguments.
 * ```
 */
export function conversionError(index: number, value: unknown, count: number): TypeError {
  if (count <= index) return new TypeError(INSUFFICIENT);
  return new TypeError(
    `Error processing argument at index ${index}, conversion failure from ${v8TypeAsString(value)}`,
  );
}

/**
 * The TypeError Chromium's gin throws, synchronously, for an argument of the wrong type given to
 * a method of one of Electron's objects (`ses.cookies.get`, `ses.setDownloadPath`,
 * `ses.protocol.registerStringProtocol`, `item.setSavePath`, …):
 * `Error processing argument at index <index>, conversion failure from <what>`, where `<what>` is
 * `undefined`, `null`, a string's own text without quotes, and nothing at all for any other value
 * (gin turns only strings into text), so `ses.setDownloadPath(5)` throws a message that ends in
 * `from `. When the call passed no argument at `index` (`count <= index`) the message is
 * `Insufficient number of arguments.` (gin/arguments.cc, `Arguments::ThrowError` and
 * `V8TypeAsString`).
 *
 * @param index The argument's position, from 0.
 * @param value The argument.
 * @param count How many arguments the call passed (`arguments.length`); by default the value
 * was passed.
 * @returns The error (to throw).
 *
 * @example
 * ```ts
 * import { methodArgumentError } from "./conversion_error.ts";
 * console.log(JSON.stringify(methodArgumentError(0, 5, 1).message));
 * // "Error processing argument at index 0, conversion failure from "
 * console.log(methodArgumentError(0, "str", 1).message);
 * // Error processing argument at index 0, conversion failure from str
 * console.log(methodArgumentError(1, undefined, 1).message);
 * // Insufficient number of arguments.
 * ```
 */
export function methodArgumentError(
  index: number,
  value: unknown,
  count: number = index + 1,
): TypeError {
  if (count <= index) return new TypeError(INSUFFICIENT);
  const what = value === undefined
    ? "undefined"
    : value === null
    ? "null"
    : typeof value === "string"
    ? value
    : "";
  return new TypeError(
    `Error processing argument at index ${index}, conversion failure from ${what}`,
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
