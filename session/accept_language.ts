/**
 * Chromium's Accept-Language header from a language list.
 *
 * @module
 */

/**
 * Builds an `Accept-Language` value the way Chromium does: the first language has no
 * q-value, each next one 0.1 less (never below 0.1).
 *
 * @param languages Comma-separated language tags, like `en-US,fr,de`.
 * @returns The header value, like `en-US,fr;q=0.9,de;q=0.8`; `""` when the list is empty.
 *
 * @example
 * ```ts
 * import { acceptLanguageHeader } from "./accept_language.ts";
 * console.log(acceptLanguageHeader("en-US,fr,de")); // en-US,fr;q=0.9,de;q=0.8
 * ```
 */
export function acceptLanguageHeader(languages: string): string {
  const tags = languages.split(",").map((tag) => tag.trim()).filter((tag) => tag !== "");
  // Tenths as integers so 1.0 - 0.1 * n does not pick up floating-point noise.
  return tags.map((tag, index) => index === 0 ? tag : `${tag};q=0.${Math.max(10 - index, 1)}`)
    .join(",");
}
