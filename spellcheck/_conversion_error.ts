/**
 * Electron's error for an argument its bindings cannot convert to the C++ type.
 *
 * @module
 */

/**
 * The TypeError Electron's bindings throw for an argument of the wrong type.
 *
 * @param index The argument's position.
 * @param value The argument.
 * @returns `Error processing argument at index <index>, conversion failure from <value>`.
 */
export function conversionError(index: number, value: unknown): TypeError {
  return new TypeError(
    `Error processing argument at index ${index}, conversion failure from ${describe(value)}`,
  );
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object" && value !== null) return Array.isArray(value) ? "array" : "object";
  return String(value);
}
