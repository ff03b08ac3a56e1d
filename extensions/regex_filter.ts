/**
 * declarativeNetRequest's `regexFilter`: RE2 syntax run as a JavaScript `RegExp`, with the
 * constructs RE2 refuses rejected so a rule behaves as it would in Chromium.
 *
 * @module
 */

/** A compiled `regexFilter` and the literal the rule index keys on. */
export interface CompiledRegexFilter {
  /** Tests the URL as given (with the `i` flag unless the rule is case-sensitive). */
  regex: RegExp;
  /** A run of characters every match contains, lower-cased, or `""` when none is certain. */
  literal: string;
}

// RE2 has no lookaround, no backreferences and no possessive or atomic groups.
const RE2_INCOMPATIBLE = /\(\?<?[=!]|\\[1-9]|\\k<|\(\?>|[*+?}][+]/;

// RE2 syntax that JavaScript would read differently (`\C` any byte, `\Q…\E` quoting, `\pN`
// one-letter classes, POSIX classes): refused rather than matched with another meaning.
const JS_DIFFERENT = /\\[CQE]|\\[pP][^{]|\[\[:/;

/**
 * Compiles a `regexFilter`.
 *
 * @param source The RE2 pattern.
 * @param caseSensitive The rule's `isUrlFilterCaseSensitive`.
 * @returns The compiled filter, or `undefined` when JavaScript cannot compile it or it uses a
 * construct RE2 lacks (lookahead, lookbehind, backreferences). RE2 syntax JavaScript lacks is
 * translated where it is simple (`(?P<name>`, a leading `(?i)`, `\A`, `\z`); RE2 syntax that
 * JavaScript would read with another meaning (`\C`, `\Q…\E`, `\pN`, POSIX classes such as
 * `[[:alpha:]]`) and inline flags elsewhere are refused, so the rule is reported, not misread.
 *
 * @example
 * ```ts
 * import { compileRegexFilter } from "./regex_filter.ts";
 * console.log(compileRegexFilter("^https://www\\.(abc|def)\\.xyz\\.com/", false)?.literal); // https://www.
 * console.log(compileRegexFilter("(?=a)b", false)); // undefined
 * ```
 */
export function compileRegexFilter(
  source: string,
  caseSensitive: boolean,
): CompiledRegexFilter | undefined {
  if (RE2_INCOMPATIBLE.test(source) || JS_DIFFERENT.test(source)) return undefined;
  // RE2's leading `(?i)` makes the whole pattern case-insensitive; JavaScript has a flag.
  const insensitive = !caseSensitive || source.startsWith("(?i)");
  const body = source.startsWith("(?i)") ? source.slice(4) : source;
  let regex: RegExp;
  try {
    // RE2 spells named groups (?P<name>) and text anchors \A and \z; JavaScript (?<name>), ^, $.
    const translated = body.replace(/\(\?P</g, "(?<").replace(/(?<!\\)((?:\\\\)*)\\A/g, "$1^")
      .replace(/(?<!\\)((?:\\\\)*)\\z/g, "$1$$");
    regex = new RegExp(translated, insensitive ? "i" : "");
  } catch {
    return undefined;
  }
  return { regex, literal: requiredLiteral(body) };
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
