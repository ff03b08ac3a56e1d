/**
 * Host versions of the PAC helpers that the straight-line fast path (`_pac_straight_line.ts`)
 * may call: each computes exactly what its QuickJS version in `_pac_helpers.ts` computes, for
 * string arguments, in time linear in its inputs (the glob matcher in `|text| × |pattern|`).
 * Each returns `undefined` where it does not model the QuickJS version exactly, and the run
 * then goes to QuickJS.
 *
 * @module
 */

import { parseIpLiteral } from "./_ip_address.ts";

// Regular-expression syntax other than `.`, `*` and `?`: a pattern holding any of it means
// something else (or nothing) once shExpMatch has built its expression.
const REGEX_SYNTAX = /[\\^$+()[\]{}|]/;
// `.` in a JavaScript regular expression without the `s` flag matches no line terminator.
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/** A `shExpMatch` pattern taken apart at its `*`s (see {@linkcode compileGlob}). */
export interface Glob {
  /** The pieces between the stars: `?` stands for any one code unit. */
  readonly pieces: readonly string[];
  /** Whether the pattern holds a `*`: the first and last pieces then match at the ends. */
  readonly starred: boolean;
  /** Code units of all the pieces together, the shortest text that can match. */
  readonly length: number;
}

/**
 * Takes a `shExpMatch` pattern apart, or declines one holding regular-expression syntax other
 * than `.`, `*` and `?` (the helper's expression would mean something else, or nothing).
 *
 * @param pattern The glob.
 * @returns The compiled glob, or `undefined`.
 *
 * @example
 * ```ts
 * import { compileGlob } from "./_pac_fast_helpers.ts";
 * console.log(compileGlob("*.example.com")?.pieces); // ["", ".example.com"]
 * console.log(compileGlob("a+b")); // undefined
 * ```
 */
export function compileGlob(pattern: string): Glob | undefined {
  if (REGEX_SYNTAX.test(pattern)) return undefined;
  const pieces = pattern.split("*");
  return { pieces, starred: pieces.length > 1, length: pattern.length - pieces.length + 1 };
}

/**
 * `shExpMatch(text, pattern)` as the helper computes it: the pattern with `.` escaped, `*`
 * turned to `.*` and `?` to `.`, anchored at both ends, tested against the text. Time is at
 * most `|text| × |pattern|`.
 *
 * @param text The string tested.
 * @param glob The pattern, from {@linkcode compileGlob}.
 * @returns Whether it matches; `undefined` when the text holds a line terminator (which the
 * helper's `.` would not match).
 *
 * @example
 * ```ts
 * import { compileGlob, globMatches } from "./_pac_fast_helpers.ts";
 * console.log(globMatches("img.cdn.example.com", compileGlob("*.cdn.example.com")!)); // true
 * ```
 */
export function globMatches(text: string, glob: Glob): boolean | undefined {
  if (LINE_TERMINATOR.test(text)) return undefined;
  const { pieces, starred } = glob;
  if (!starred) return text.length === glob.length && pieceAt(text, 0, pieces[0]!);
  if (text.length < glob.length) return false;
  const last = pieces[pieces.length - 1]!;
  const end = text.length - last.length;
  if (!pieceAt(text, 0, pieces[0]!) || !pieceAt(text, end, last)) return false;
  // Between the fixed ends, each piece at its leftmost place: a later place never leaves more
  // room for the pieces after it.
  let at = pieces[0]!.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    let found = -1;
    for (let start = at; start + piece.length <= end; start++) {
      if (pieceAt(text, start, piece)) {
        found = start;
        break;
      }
    }
    if (found < 0) return false;
    at = found + piece.length;
  }
  return true;
}

// Whether `piece` (where `?` stands for any code unit) matches the text at `start`.
function pieceAt(text: string, start: number, piece: string): boolean {
  for (let i = 0; i < piece.length; i++) {
    const unit = piece.charCodeAt(i);
    if (unit !== 0x3f && unit !== text.charCodeAt(start + i)) return false;
  }
  return true;
}

/** A helper's host version: string arguments (the interpreter declines others). */
export interface FastHelper {
  /** Arguments it reads. */
  readonly arity: 1 | 2;
  /** Its work in code units, charged to the run before it is called. */
  readonly cost: (a: string, b: string) => number;
  /** The QuickJS helper's answer, or `undefined` where it is not modelled. */
  readonly run: (a: string, b: string) => boolean | number | undefined;
}

// Compiled shExpMatch patterns: PAC files use a few constant ones.
const globs = new Map<string, Glob | undefined>();

function cachedGlob(pattern: string): Glob | undefined {
  if (globs.has(pattern)) return globs.get(pattern);
  const glob = compileGlob(pattern);
  if (globs.size >= 256) globs.clear();
  globs.set(pattern, glob);
  return glob;
}

/**
 * The helpers with a host version, by name.
 *
 * @example
 * ```ts
 * import { FAST_HELPERS } from "./_pac_fast_helpers.ts";
 * console.log(FAST_HELPERS.dnsDomainLevels!.run("a.b.example", "")); // 2
 * ```
 */
export const FAST_HELPERS: Readonly<Record<string, FastHelper>> = {
  // No `.` and no IP literal (`::1`, `1`, `0x1`), as Chromium's native IsPlainHostName.
  isPlainHostName: {
    arity: 1,
    cost: (host) => host.length,
    run: (host) => host.indexOf(".") < 0 && parseIpLiteral(host) === undefined,
  },
  // `host.length >= domain.length && host.substring(host.length - domain.length) === domain`.
  dnsDomainIs: {
    arity: 2,
    cost: (host, domain) => host.length + domain.length,
    run: (host, domain) => host.endsWith(domain),
  },
  // `host === hostdom || hostdom.lastIndexOf(host + ".", 0) === 0`.
  localHostOrDomainIs: {
    arity: 2,
    cost: (host, hostdom) => host.length + hostdom.length,
    run: (host, hostdom) => host === hostdom || hostdom.startsWith(`${host}.`),
  },
  // `String(host).split(".").length - 1`.
  dnsDomainLevels: {
    arity: 1,
    cost: (host) => host.length,
    run: (host) => {
      let dots = 0;
      for (let at = host.indexOf("."); at >= 0; at = host.indexOf(".", at + 1)) dots++;
      return dots;
    },
  },
  shExpMatch: {
    arity: 2,
    cost: (text, pattern) => text.length * (pattern.length + 1) + pattern.length,
    run: (text, pattern) => {
      const glob = cachedGlob(pattern);
      return glob === undefined ? undefined : globMatches(text, glob);
    },
  },
};
