/**
 * The package version, kept equal to `deno.json` and `package.json` (a test checks it).
 *
 * @module
 */

/**
 * The version of @ses/session.
 *
 * @example Naming the version in a user agent
 * ```ts
 * import { VERSION } from "./version.ts";
 * console.log(`ses/${VERSION}`);
 * ```
 */
export const VERSION = "0.1.0";
