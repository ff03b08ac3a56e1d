/**
 * The regular expressions of declarativeNetRequest rules, run by RE2 in linear time as
 * Chromium runs them (components/url_pattern_index uses RE2 for `regexFilter`).
 *
 * Why `re2js` rather than JavaScript's `RegExp`: rule files are untrusted input, and a
 * backtracking engine lets one rule freeze the process (`^http://[^/]+/(a|a)*$` took 23 s on a
 * 28-character path; a `urlFilter` with many `*` backtracks the same way). re2js is a port of
 * RE2 that matches in time linear in the URL whatever the pattern, and it reads RE2's own syntax
 * (`(?P<name>)`, `\A`, `\z`, `\pN`, POSIX classes), so no translation can misread a rule.
 *
 * @module
 */

import { createRequire } from "node:module";

type Re2js = typeof import("re2js");

// Loaded with `require` on the first rule compiled, as the package's other npm dependencies: a
// program outside this package reaches it that way (Deno resolves a bare specifier only through
// the program's own configuration), and programs without extensions never load it.
const require = createRequire(import.meta.url);
let re2js: Re2js | undefined;

/** Where a rule's expression matched a URL. */
export interface UrlRegexMatch {
  /** The index of the match's first character. */
  index: number;
  /** The index just past its last character. */
  end: number;
  /** How many capture groups the expression has. */
  groupCount: number;
  /**
   * A capture group's text: 0 for the whole match.
   *
   * @param group The group number.
   * @returns Its text, or `null` when the group took no part in the match.
   */
  group(group: number): string | null;
}

/** A compiled rule expression. */
export interface UrlRegex {
  /** The RE2 pattern it was compiled from. */
  readonly source: string;
  /** How many capture groups the expression has (group 0, the whole match, not counted). */
  readonly groupCount: number;
  /**
   * Whether the expression matches anywhere in `text`.
   *
   * @param text The URL.
   * @returns `true` on a match.
   */
  test(text: string): boolean;
  /**
   * The first match in `text`.
   *
   * @param text The URL.
   * @returns The match, or `null`.
   */
  exec(text: string): UrlRegexMatch | null;
}

/**
 * Compiles an RE2 pattern.
 *
 * @param source The pattern, in RE2 syntax (a leading `(?i)` works as in RE2).
 * @param caseInsensitive Match regardless of case.
 * @returns The expression.
 * @throws {Error} re2js's `RE2JSSyntaxException` naming the problem for a pattern RE2 refuses
 * (lookaround, backreferences, a bad escape).
 *
 * @example
 * ```ts
 * import { compileUrlRegex } from "./url_regex.ts";
 * const regex = compileUrlRegex("^https://(?P<host>[^/]+)/", false);
 * console.log(regex.exec("https://a.test/x")?.group(1)); // a.test
 * console.log(compileUrlRegex("^http://[^/]+/(a|a)*$", false).test(`http://x/${"a".repeat(40)}b`)); // false
 * ```
 */
export function compileUrlRegex(source: string, caseInsensitive: boolean): UrlRegex {
  const { RE2JS } = re2js ??= require("re2js") as Re2js;
  const re2 = RE2JS.compile(source, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  return {
    source,
    groupCount: re2.groupCount(),
    test: (text) => re2.test(text),
    exec(text) {
      const matcher = re2.matcher(text);
      if (!matcher.find()) return null;
      return {
        index: matcher.start(),
        end: matcher.end(),
        groupCount: matcher.groupCount(),
        group: (group) => matcher.group(group),
      };
    },
  };
}
