/**
 * declarativeNetRequest's `regexFilter`: RE2 syntax run by RE2 (`re2js`), as in Chromium.
 *
 * @module
 */

import { compileUrlRegex, type UrlRegex } from "./url_regex.ts";

/** A compiled `regexFilter` and the literal the rule index keys on. */
export interface CompiledRegexFilter {
  /** Tests the URL as given (case-insensitively unless the rule is case-sensitive). */
  regex: UrlRegex;
  /** A run of characters every match contains, lower-cased, or `""` when none is certain. */
  literal: string;
  /**
   * Whether Chromium's RE2 would refuse to compile it within the 2 KB a rule's expression may
   * take (`kRegexMaxMemKb`): Chromium skips such a rule with a warning.
   */
  tooLarge: boolean;
}

/**
 * The instructions RE2 fits in Chromium's `max_mem` of 2 KB (`kRegexMaxMemKb`): RE2::Init gives
 * the forward program two thirds of it, and Compiler::Setup allows
 * `(max_mem - sizeof(Prog)) / sizeof(Prog::Inst)` instructions of 8 bytes after the Prog itself
 * (about 440 bytes on 64-bit builds). Past it the compile fails with ErrorPatternTooLarge.
 */
export const MAX_REGEX_PROGRAM_SIZE = 116;

/**
 * Compiles a `regexFilter` with RE2, as Chromium does, so a rule matches in time linear in the
 * URL and RE2's syntax means what it means in Chromium.
 *
 * @param source The RE2 pattern.
 * @param caseSensitive The rule's `isUrlFilterCaseSensitive`.
 * @returns The compiled filter, or `undefined` when RE2 refuses the pattern (lookahead,
 * lookbehind, backreferences, a bad escape). A pattern whose program exceeds Chromium's 2 KB
 * (`.{200}`) compiles here, marked `tooLarge`.
 *
 * @example
 * ```ts
 * import { compileRegexFilter } from "./regex_filter.ts";
 * console.log(compileRegexFilter("^https://www\\.(abc|def)\\.xyz\\.com/", false)?.literal); // https://www.
 * console.log(compileRegexFilter("(?=a)b", false)); // undefined
 * console.log(compileRegexFilter("[0-9a-f]{64}", false)?.tooLarge); // true
 * ```
 */
export function compileRegexFilter(
  source: string,
  caseSensitive: boolean,
): CompiledRegexFilter | undefined {
  let regex: UrlRegex;
  try {
    regex = compileUrlRegex(source, !caseSensitive);
  } catch {
    return undefined;
  }
  // A leading (?i) makes the literal case-insensitive too; the literal is lower-cased anyway.
  const body = source.startsWith("(?i)") ? source.slice(4) : source;
  return {
    regex,
    literal: requiredLiteral(body),
    tooLarge: regex.programSize > MAX_REGEX_PROGRAM_SIZE,
  };
}

// The longest run of literal characters outside every group, none of them optional. A
// pattern with a top-level alternation has no such run. Conservative: "" when unsure.
function requiredLiteral(source: string): string {
  let best = "";
  let run = "";
  let depth = 0;
  const keep = () => {
    if (run.length > best.length) best = run;
    run = "";
  };
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    let literal: string | undefined;
    if (char === "\\") {
      const escaped = source[++i] ?? "";
      literal = /[A-Za-z0-9]/.test(escaped) ? undefined : escaped;
    } else if (char === "[") {
      const close = classEnd(source, i);
      if (close === -1) return "";
      i = close;
    } else if (char === "(") {
      depth++;
    } else if (char === ")") {
      depth--;
    } else if (char === "|") {
      if (depth === 0) return "";
    } else if (!".^$*+?{}".includes(char)) {
      literal = char;
    }
    if (literal === undefined || depth > 0) {
      keep();
      continue;
    }
    const next = source[i + 1];
    if (next === "?" || next === "*" || (next === "{" && source[i + 2] === "0")) {
      keep();
      continue;
    }
    run += literal.toLowerCase();
    if (next === "+" || next === "{") keep();
  }
  keep();
  return best;
}

// The index of the `]` closing the class that opens at `open`, or -1.
function classEnd(source: string, open: number): number {
  let i = open + 1;
  if (source[i] === "^") i++;
  if (source[i] === "]") i++;
  for (; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === "]") return i;
  }
  return -1;
}
