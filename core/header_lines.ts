/**
 * A `Headers` object's lines in one order in every runtime.
 *
 * @module
 */

/**
 * The lines of `headers` as `[name, value]` pairs, names in lower case and sorted, each
 * `Set-Cookie` line apart and in its own order (Fetch's "sort and combine", as Deno iterates;
 * Bun's `Headers` puts `set-cookie` after every other name, so its order is not used as is).
 *
 * @param headers The headers.
 * @returns A new array of pairs.
 *
 * @example
 * ```ts
 * import { headerLines } from "./header_lines.ts";
 * const headers = new Headers([["X-Z", "1"], ["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]]);
 * console.log(headerLines(headers)); // [ [ "set-cookie", "a=1" ], [ "set-cookie", "b=2" ], [ "x-z", "1" ] ]
 * ```
 */
export function headerLines(headers: Headers): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  headers.forEach((value, name) => void lines.push([name, value]));
  // A stable sort: Set-Cookie lines keep their order among themselves.
  return lines.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
}
