/**
 * Objects as Electron hands Chromium's `base::Value` dictionaries to JavaScript. Private to
 * devices/.
 *
 * @module
 */

/**
 * Copies a JSON-like value with every plain object's keys in code-unit order, the order in which
 * a `base::Value::Dict` (a sorted map) reaches a listener through Electron's value converter:
 * the device details of the HID events and of the device permission handler, and the `details`
 * of the permission handlers. Arrays are copied element by element; other values are kept.
 *
 * @param value The value.
 * @returns The copy.
 *
 * @example
 * ```ts
 * import { valueDict } from "./_value_dict.ts";
 * console.log(Object.keys(valueDict({ securityOrigin: "o", isMainFrame: false }))); // [ "isMainFrame", "securityOrigin" ]
 * ```
 */
export function valueDict<T>(value: T): T {
  if (Array.isArray(value)) return value.map(valueDict) as T;
  if (value === null || typeof value !== "object") return value;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const sorted: Record<string, unknown> = {};
  const entries = Object.entries(value as Record<string, unknown>);
  entries.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  for (const [key, entry] of entries) sorted[key] = valueDict(entry);
  return sorted as T;
}
