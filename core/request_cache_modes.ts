/**
 * The fetch standard's `RequestCache` values, for the code that checks a mode it was given.
 *
 * @module
 */

/**
 * Every `RequestCache` value, in the fetch standard's order.
 *
 * @example
 * ```ts
 * import { REQUEST_CACHE_MODES } from "./request_cache_modes.ts";
 * console.log(REQUEST_CACHE_MODES.includes("reload")); // true
 * ```
 */
export const REQUEST_CACHE_MODES: readonly RequestCache[] = Object.freeze([
  "default",
  "no-store",
  "reload",
  "no-cache",
  "force-cache",
  "only-if-cached",
]);
