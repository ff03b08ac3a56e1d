/**
 * declarativeNetRequest's `urlFilter` syntax compiled to a `RegExp`, with the literal
 * fragments the rule index keys on.
 *
 * Syntax (developer.chrome.com/docs/extensions/reference/api/declarativeNetRequest, "URL
 * filter syntax"; Chromium's components/url_pattern_index/url_pattern.cc): `*` any run of
 * characters; a leading `|` anchors at the URL start and a trailing `|` at its end; a leading
 * `||` anchors at the start of the host or just after a `.` in it; `^` is one character
 * outside `[A-Za-z0-9_\-.%]` or the end of the URL. Everything else is literal.
 *
 * @module
 */

/** A parsed `urlFilter`: its regular expression's source and literal fragments. */
export interface CompiledUrlFilter {
  /**
   * The source of a `RegExp` that tests a URL: the lower-cased URL for a case-insensitive
   * filter (the pattern is lower-cased too), the URL as given for a case-sensitive one. Left
   * uncompiled so that loading 30,000 rules does not build 30,000 regular expressions.
   */
  source: string;
  /** The literal runs between `*` and `^`, lower-cased, for the n-gram index. */
  literals: string[];
}

// After `scheme://` and any `user:pass@`: labels ending in `.` before the anchored host part.
const DOMAIN_ANCHOR = String.raw`^[a-z][a-z0-9+.\-]*:\/\/(?:[^\/?#@]*@)?(?:[^\/?#:]*\.)?`;
const SEPARATOR = String.raw`(?:[^A-Za-z0-9_\-.%]|$)`;
const REGEX_SYNTAX = new Set("\\^$.*+?()[]{}|/-");

/**
 * Compiles a `urlFilter`.
 *
 * @param filter The filter, non-empty ASCII (the rule parser checks).
 * @param caseSensitive The rule's `isUrlFilterCaseSensitive`.
 * @returns The regex and literal fragments.
 *
 * @example
 * ```ts
 * import { compileUrlFilter } from "./url_filter.ts";
 * const regex = new RegExp(compileUrlFilter("||a.example.com^", false).source);
 * console.log(regex.test("https://b.a.example.com/x"), regex.test("https://xa.example.com/")); // true false
 * ```
 */
export function compileUrlFilter(filter: string, caseSensitive: boolean): CompiledUrlFilter {
  let body = caseSensitive ? filter : filter.toLowerCase();
  let source = "";
  if (body.startsWith("||")) {
    source = DOMAIN_ANCHOR;
    body = body.slice(2);
  } else if (body.startsWith("|")) {
    source = "^";
    body = body.slice(1);
  }
  let end = "";
  if (body.endsWith("|")) {
    end = "$";
    body = body.slice(0, -1);
  }
  const literals: string[] = [];
  let literal = "";
  const flush = () => {
    if (literal !== "") literals.push(caseSensitive ? literal.toLowerCase() : literal);
    literal = "";
  };
  for (const char of body) {
    if (char === "*") {
      flush();
      source += ".*";
    } else if (char === "^") {
      flush();
      source += SEPARATOR;
    } else {
      literal += char;
      source += REGEX_SYNTAX.has(char) ? `\\${char}` : char;
    }
  }
  flush();
  return { source: source + end, literals };
}
