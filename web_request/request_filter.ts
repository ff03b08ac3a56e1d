/**
 * webRequest filters: `{urls, excludeUrls, types}`, parsed once when a listener is set.
 *
 * @module
 */

import { emitWarning } from "node:process";
import { type MatchableUrl, parseMatchPattern, type UrlMatcher } from "./match_pattern.ts";

/** Electron's `WebRequestFilter`. */
export interface WebRequestFilter {
  /**
   * Match patterns a request's URL must match one of; empty matches every URL, with Electron's
   * `DeprecationWarning` (use `<all_urls>`).
   */
  urls: string[];
  /** Match patterns that exclude a request's URL. */
  excludeUrls?: string[];
  /** Resource types to match (`xhr`, `download`, …); empty or absent matches every type. */
  types?: string[];
}

/**
 * The resource types Electron's filters accept (not `other`: its `ParseResourceType` answers
 * OTHER for an unknown name, and `SetListener` refuses that), and `download` for session
 * downloads.
 */
const RESOURCE_TYPES = new Set([
  "mainFrame",
  "subFrame",
  "stylesheet",
  "script",
  "image",
  "font",
  "object",
  "xhr",
  "ping",
  "cspReport",
  "media",
  "webSocket",
  "download",
]);

/** A parsed filter. */
export interface RequestFilter {
  /**
   * Whether a request matches.
   *
   * @param url The request's URL (parsed only when a pattern needs it).
   * @param resourceType Its Electron resource type.
   */
  matches(url: string, resourceType: string): boolean;
}

/** The filter that matches everything (no filter given). */
export const MATCH_ALL: RequestFilter = { matches: () => true };

/**
 * Parses a filter as Electron's `WebRequest::SetListener` does: `urls` must be an array of
 * strings; an `excludeUrls` or `types` that is not one is left out, as Electron's
 * `dict.Get` fails quietly for it.
 *
 * @param filter The filter as given.
 * @returns The parsed filter.
 * @throws {TypeError} `Parameter 'filter' must have property 'urls'.`, `Invalid url pattern
 * PATTERN: REASON` or `Invalid type TYPE` — Electron's messages.
 *
 * @example
 * ```ts
 * import { parseRequestFilter } from "./request_filter.ts";
 * const filter = parseRequestFilter({ urls: ["*://a.test/*"], types: ["xhr"] });
 * console.log(filter.matches("http://a.test/x", "xhr"), filter.matches("http://a.test/x", "download"));
 * // true false
 * ```
 */
export function parseRequestFilter(filter: object): RequestFilter {
  const { urls, excludeUrls, types } = filter as Record<string, unknown>;
  if (!isStringArray(urls)) throw new TypeError("Parameter 'filter' must have property 'urls'.");
  if (urls.length === 0) {
    // Electron's words (api_web_request.cc, SetListener); it then matches all URLs too.
    emitWarning(
      "The urls array in WebRequestFilter is empty, which is deprecated. Please use '<all_urls>' to match all URLs.",
      "DeprecationWarning",
    );
  }
  const include = patterns(urls);
  const exclude = isStringArray(excludeUrls) ? patterns(excludeUrls) : [];
  const typeList = isStringArray(types) ? types : [];
  for (const type of typeList) {
    if (!RESOURCE_TYPES.has(type)) throw new TypeError(`Invalid type ${type}`);
  }
  const typeSet = new Set(typeList);
  const everyUrl = include.length === 0 || include.some((pattern) => pattern.all);
  // `{urls: ["<all_urls>"]}`, the common filter, is no filter: the stages skip asking it.
  if (everyUrl && exclude.length === 0 && typeSet.size === 0) return MATCH_ALL;
  return {
    matches(url, resourceType) {
      if (typeSet.size > 0 && !typeSet.has(resourceType)) return false;
      if (everyUrl && exclude.length === 0) return true;
      const parsed = parsedUrl(url);
      if (parsed === undefined) return false;
      if (!everyUrl && !include.some((pattern) => pattern.matches(parsed))) return false;
      return !exclude.some((pattern) => pattern.matches(parsed));
    },
  };
}

// The stages ask each event's filter about the same URL in a row (up to six events a hop): the
// URL is parsed, and its parts read, once for all of them.
let lastUrl = "";
let lastParts: MatchableUrl | undefined;

function parsedUrl(url: string): MatchableUrl | undefined {
  if (url !== lastUrl) {
    try {
      const { href, protocol, hostname, port, pathname, search } = new URL(url);
      lastParts = { href, protocol, hostname, port, pathname, search };
    } catch {
      lastParts = undefined;
    }
    lastUrl = url;
  }
  return lastParts;
}

// gin's std::set<std::string> conversion: an array whose every element (holes included) is a
// string.
function isStringArray(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== "string") return false;
  }
  return true;
}

function patterns(list: string[]): Array<{ all: boolean; matches: UrlMatcher }> {
  return list.map((pattern) => ({
    all: pattern === "<all_urls>",
    matches: parseMatchPattern(pattern),
  }));
}
