/**
 * Applies `modifyHeaders` operations in order with Chromium's conflict rules
 * (developer.chrome.com declarativeNetRequest, "Modify headers"; Chromium's
 * ModifyRequestHeadersForAction): after a `remove` nothing touches that header again; after an
 * `append` only `append`s do, from any extension; after a `set` only `append`s of the same
 * extension do.
 *
 * @module
 */

import type { ExtensionHeaderOperation } from "./dnr_engine.ts";

/**
 * Applies the operations to `headers`, in place.
 *
 * @param headers The request or response headers.
 * @param operations The operations, highest priority first.
 * @param request Whether these are request headers: `append` then joins values into the one
 * header (`; ` for `Cookie`, `, ` otherwise); on response headers it adds a header line.
 *
 * @example
 * ```ts
 * import { applyHeaderOperations } from "./apply_header_operations.ts";
 * const headers = new Headers({ "x-a": "1" });
 * applyHeaderOperations(headers, [
 *   { header: "x-a", operation: "remove", extensionId: "e" },
 *   { header: "x-a", operation: "set", value: "2", extensionId: "e" },
 * ], true);
 * console.log(headers.has("x-a")); // false
 * ```
 */
export function applyHeaderOperations(
  headers: Headers,
  operations: readonly ExtensionHeaderOperation[],
  request: boolean,
): void {
  const first = new Map<string, { extensionId: string; operation: string }>();
  for (const { header, operation, value, extensionId } of operations) {
    const earlier = first.get(header);
    if (earlier !== undefined) {
      if (earlier.operation === "remove" || operation !== "append") continue;
      if (earlier.operation === "set" && earlier.extensionId !== extensionId) continue;
    } else {
      first.set(header, { extensionId, operation });
    }
    if (operation === "remove") headers.delete(header);
    else if (operation === "set") headers.set(header, value!);
    else if (!request) headers.append(header, value!);
    else {
      const current = headers.get(header);
      const separator = header === "cookie" ? "; " : ", ";
      headers.set(header, current === null ? value! : current + separator + value!);
    }
  }
}
