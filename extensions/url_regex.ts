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
  /**
   * The size, in instructions, of the program Chromium's RE2 would compile the expression into
   * (Latin-1 encoding, no captures): see {@linkcode re2ProgramSize}.
   */
  readonly programSize: number;
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
  let size: number | undefined;
  return {
    source,
    get programSize() {
      return size ??= re2ProgramSize(source, re2.re2Input.prog);
    },
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

// re2js's instruction codes (its Inst class).
const CAPTURE = 3;
const NOP = 7;
const RUNE = 8;
const RUNE_ANY_NOT_NL = 11;

/**
 * Counts the instructions of the program RE2 (C++) compiles a pattern into with Chromium's
 * declarativeNetRequest options (Latin-1, `never_capture`), from re2js's program for it: re2js
 * compiles the same simplified expression, but a character class is one instruction there,
 * where RE2's Latin-1 compiler emits a byte range per range and an `Alt` between each two (an
 * upper-case range and its lower-case twin share one case-folding range). Captures and no-ops
 * cost nothing (`never_capture`; RE2 emits none). A pattern not anchored at its start gets
 * RE2's `.*?` loop (two instructions); an anchored one keeps its `^` instruction instead,
 * unless literal characters follow it: RE2::Init takes those out as the required prefix
 * (Regexp::RequiredPrefix), matched by memcmp, and the rest is compiled unanchored. Within a
 * few instructions of RE2's count, which is what Chromium's memory bound needs.
 */
function re2ProgramSize(source: string, prog: unknown): number {
  const instructions = (prog as { inst: { op: number; runes: ArrayLike<number> }[] }).inst;
  let size = 0;
  for (const inst of instructions) {
    if (inst.op === CAPTURE || inst.op === NOP) continue;
    if (inst.op === RUNE) size += latin1RangeCost(inst.runes);
    else if (inst.op === RUNE_ANY_NOT_NL) size += 3; // [\x00-\x09] and [\x0b-\xff], one Alt.
    else size++;
  }
  const anchor = /^(?:\(\?[a-zA-Z]+\))?\^/.exec(source);
  if (anchor === null || source.includes("|")) return size + 2;
  const prefix = requiredPrefixLength(source.slice(anchor[0].length));
  return prefix === 0 ? size : size - 1 - prefix + 2;
}

// The literal characters right after a leading ^ (Regexp::RequiredPrefix's literal string):
// plain characters and escaped punctuation, less a last one a quantifier applies to.
function requiredPrefixLength(rest: string): number {
  let count = 0;
  let i = 0;
  while (i < rest.length) {
    const char = rest[i]!;
    if (char === "\\") {
      if (!/[^A-Za-z0-9]/.test(rest[i + 1] ?? "a")) break;
      i += 2;
    } else if ("^$.|?*+()[]{}".includes(char)) {
      break;
    } else {
      i++;
    }
    count++;
  }
  return count > 0 && "?*+{".includes(rest[i] ?? "") ? count - 1 : count;
}

// Byte ranges plus the Alts joining them, for a class given as rune pairs.
function latin1RangeCost(runes: ArrayLike<number>): number {
  // One rune alone is a literal (a case-folding one when the instruction says so).
  if (runes.length === 1) return 1;
  const ranges: [number, number][] = [];
  for (let i = 0; i + 1 < runes.length; i += 2) {
    if (runes[i]! <= 0xff) ranges.push([runes[i]!, Math.min(runes[i + 1]!, 0xff)]);
  }
  let count = ranges.length;
  for (const [low, high] of ranges) {
    const upper = low >= 0x41 && high <= 0x5a;
    if (upper && ranges.some(([l, h]) => l === low + 32 && h === high + 32)) count--;
  }
  return Math.max(1, 2 * count - 1);
}
