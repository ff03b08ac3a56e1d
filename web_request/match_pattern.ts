/**
 * Chrome match patterns (`<all_urls>`, `*://*.example.com/path*`), as webRequest filters use
 * them: core's `URLPattern` with every scheme valid, its failures in Electron's words.
 *
 * @module
 */

import { type MatchableUrl, parseUrlPattern, type UrlMatcher } from "../core/url_pattern.ts";

export type { MatchableUrl, UrlMatcher };

/**
 * Parses a Chrome match pattern with every scheme valid (Electron's `URLPattern::SCHEME_ALL`),
 * as core's {@linkcode parseUrlPattern} reads it: `<all_urls>`; `*`, a standard or a custom
 * scheme; a host with an optional `*.`; a port for schemes that have one; a path with `*`
 * wildcards; `file:` patterns without a host; `scheme:PATH` for schemes without hosts.
 *
 * @param pattern The pattern.
 * @returns The matcher.
 * @throws {TypeError} `Invalid url pattern PATTERN: REASON`, REASON being Chromium's
 * (`Missing scheme separator.`, `Wrong scheme type.`, `Host can not be empty.`,
 * `Invalid host wildcard.`, `Empty path.`, `Invalid port.`, `Invalid host.`), as Electron's
 * `webRequest` throws it.
 *
 * @example
 * ```ts
 * import { parseMatchPattern } from "./match_pattern.ts";
 * const matches = parseMatchPattern("*://*.example.com/api/*");
 * console.log(matches(new URL("https://www.example.com/api/v1?q=1"))); // true
 * console.log(matches(new URL("https://example.org/api/v1"))); // false
 * ```
 */
export function parseMatchPattern(pattern: string): UrlMatcher {
  try {
    return parseUrlPattern(pattern);
  } catch (error) {
    throw new TypeError(`Invalid url pattern ${pattern}: ${(error as Error).message}`);
  }
}
