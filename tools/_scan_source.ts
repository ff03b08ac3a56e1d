/**
 * A small TypeScript tokenizer for repo checks: finds import specifiers and uses of the
 * `Deno` / `Bun` globals while ignoring comments, string contents and regex literals.
 *
 * It is deliberately not a parser: it knows just enough syntax (strings, nested template
 * literals, regex literals, comments) that text inside them can never look like code. JSX text
 * is not understood: an apostrophe in it reads as a string that ends at the line's end, so a
 * `.tsx` file can at worst hide one line from the scan.
 *
 * @module
 */

/** One module specifier found in a source file. */
export interface ImportReference {
  /** The specifier exactly as written between the quotes. */
  specifier: string;
  /** 1-based line of the specifier. */
  line: number;
  /**
   * `true` for `import("x")`, `false` for `import` / `export ... from` declarations and
   * TypeScript's `import x = require("x")`.
   */
  dynamic: boolean;
}

/** One use of a runtime global (`Deno` or `Bun`) in code. */
export interface GlobalReference {
  /** Which runtime is reached. */
  name: "Deno" | "Bun";
  /**
   * A short rendering of the use, such as `Deno.readTextFile`, `typeof Bun`,
   * `(globalThis as …).Deno`, `globalThis["Bun"]`, `"Bun" in globalThis` or
   * `process.versions.bun`.
   */
  expression: string;
  /** 1-based line of the use. */
  line: number;
}

/** What {@linkcode scanSource} found in one file. */
export interface SourceScan {
  /** Static and dynamic imports and re-exports, in source order. */
  imports: ImportReference[];
  /** Uses of `Deno` / `Bun` as code, in source order. */
  globals: GlobalReference[];
}

/**
 * Lists the module specifiers and `Deno` / `Bun` global uses of a TypeScript or JavaScript
 * source text.
 *
 * A global counts when it is named (`Deno.env`, `typeof Bun`), read off the global object
 * (`globalThis.Deno`, `(globalThis as X).Deno`, `globalThis["Bun"]`), tested for
 * (`"Bun" in globalThis`), or detected through `process.versions.bun` / `.deno`.
 *
 * @param text The source text of a `.ts`, `.tsx`, `.js` or `.mjs` file.
 * @returns The imports (static, dynamic, re-exports, `import x = require()`) and the
 *   runtime-global uses.
 *
 * @example Comments and strings are not code
 * ```ts
 * import { scanSource } from "./_scan_source.ts";
 * const scan = scanSource('import { a } from "./a.ts";\n// Deno.exit()\nconst s = "Bun.x";');
 * console.log(scan.imports[0]?.specifier, scan.globals.length); // ./a.ts 0
 * ```
 *
 * @example Reaching a runtime through the global object
 * ```ts
 * import { scanSource } from "./_scan_source.ts";
 * const scan = scanSource('const isBun = "Bun" in globalThis || !!process.versions.bun;');
 * console.log(scan.globals.map((g) => g.expression)); // [ '"Bun" in globalThis', 'process.versions.bun' ]
 * ```
 */
export function scanSource(text: string): SourceScan {
  const tokens = tokenize(text);
  const lineOf = lineFinder(text);
  const imports: ImportReference[] = [];
  const globals: GlobalReference[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!;
    if (token.kind === "word") {
      if (token.value === "import" || token.value === "export") {
        const found = importAt(tokens, k);
        if (found) {
          imports.push({
            specifier: found.token.value,
            line: lineOf(found.token.start),
            dynamic: found.dynamic,
          });
        }
      } else if (token.value === "Deno" || token.value === "Bun") {
        const expression = globalUseAt(tokens, k, token.value);
        if (expression) globals.push({ name: token.value, expression, line: lineOf(token.start) });
      } else if (token.value === "versions") {
        const use = processVersionsAt(tokens, k);
        if (use) globals.push({ ...use, line: lineOf(token.start) });
      }
    } else if (isLiteral(token)) {
      const use = quotedGlobalAt(tokens, k);
      if (use) globals.push({ ...use, line: lineOf(token.start) });
    }
  }
  return { imports, globals };
}

type TokenKind = "word" | "punct" | "string" | "template" | "regex";

interface Token {
  kind: TokenKind;
  /** Identifier text, punctuator, or the raw contents of a string / template literal. */
  value: string;
  /** Offset of the token in the source. */
  start: number;
  /** For templates: `true` only for a whole template without `${}` substitutions. */
  literal?: boolean;
}

const IDENTIFIER_START = /[A-Za-z_$\u00a0-\uffff]/;
const IDENTIFIER_PART = /[\w$\u00a0-\uffff]/;
const DIGIT = /[0-9]/;
// After these words an expression starts, so a `/` opens a regex literal, not a division.
const KEYWORDS_BEFORE_EXPRESSION = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);
// Where a runtime global is reached through the global object rather than by its name.
const GLOBAL_OBJECTS = new Set(["globalThis", "window", "self"]);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  // One entry per open `{`; `true` marks a `${` whose `}` resumes the enclosing template.
  const braces: boolean[] = [];
  let i = 0;

  function scanTemplate(from: number, start: number, opensTemplate: boolean): number {
    let j = from;
    while (j < text.length) {
      const ch = text[j];
      if (ch === "\\") {
        j += 2;
      } else if (ch === "`") {
        tokens.push({
          kind: "template",
          value: text.slice(from, j),
          start,
          literal: opensTemplate,
        });
        return j + 1;
      } else if (ch === "$" && text[j + 1] === "{") {
        tokens.push({ kind: "template", value: text.slice(from, j), start, literal: false });
        braces.push(true);
        return j + 2;
      } else {
        j++;
      }
    }
    tokens.push({ kind: "template", value: text.slice(from), start, literal: false });
    return j;
  }

  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "/" && next === "/") {
      i = lineEnd(text, i);
    } else if (ch === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end === -1 ? text.length : end + 2;
    } else if (ch === "#" && next === "!" && i === 0) {
      i = lineEnd(text, i);
    } else if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== ch && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      tokens.push({ kind: "string", value: text.slice(i + 1, j), start: i });
      i = j + 1;
    } else if (ch === "`") {
      i = scanTemplate(i + 1, i, true);
    } else if (ch === "}" && braces.at(-1) === true) {
      braces.pop();
      i = scanTemplate(i + 1, i, false);
    } else if (IDENTIFIER_START.test(ch) || DIGIT.test(ch)) {
      let j = i + 1;
      // Numbers share the identifier rule, plus `.` so `1.5` stays one token.
      const part = DIGIT.test(ch) ? /[\w.]/ : IDENTIFIER_PART;
      while (j < text.length && part.test(text[j]!)) j++;
      tokens.push({ kind: "word", value: text.slice(i, j), start: i });
      i = j;
    } else if (ch === "/" && regexMayStart(tokens.at(-1))) {
      const end = regexEnd(text, i);
      if (end === -1) {
        tokens.push({ kind: "punct", value: ch, start: i });
        i++;
      } else {
        tokens.push({ kind: "regex", value: text.slice(i, end), start: i });
        i = end;
      }
    } else if (ch === "?" && next === "." && !DIGIT.test(text[i + 2] ?? "")) {
      tokens.push({ kind: "punct", value: "?.", start: i });
      i += 2;
    } else {
      if (ch === "{") braces.push(false);
      if (ch === "}") braces.pop();
      tokens.push({ kind: "punct", value: ch, start: i });
      i++;
    }
  }
  return tokens;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf("\n", from);
  return end === -1 ? text.length : end;
}

function regexMayStart(previous: Token | undefined): boolean {
  if (!previous) return true;
  if (previous.kind === "punct") return previous.value !== ")" && previous.value !== "]";
  if (previous.kind === "word") return KEYWORDS_BEFORE_EXPRESSION.has(previous.value);
  return false;
}

/** Returns the offset just past the regex literal starting at `start`, or -1 if there is none. */
function regexEnd(text: string, start: number): number {
  let inClass = false;
  let j = start + 1;
  while (j < text.length) {
    const ch = text[j];
    if (ch === "\n") return -1;
    if (ch === "\\") {
      j += 2;
      continue;
    }
    if (ch === "[") inClass = true;
    else if (ch === "]") inClass = false;
    else if (ch === "/" && !inClass) {
      j++;
      while (j < text.length && /[a-z]/i.test(text[j]!)) j++;
      return j;
    }
    j++;
  }
  return -1;
}

function lineFinder(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}

function isPunct(token: Token | undefined, value: string): boolean {
  return token?.kind === "punct" && token.value === value;
}

function isWord(token: Token | undefined, value: string): boolean {
  return token?.kind === "word" && token.value === value;
}

function isMemberAccess(token: Token | undefined): boolean {
  return isPunct(token, ".") || isPunct(token, "?.");
}

/** Finds the specifier of the `import` / `export` keyword at `k`, if it takes one. */
function importAt(
  tokens: Token[],
  k: number,
): { token: Token; dynamic: boolean } | undefined {
  // `x.import(...)` or `x.export` is a property, not the keyword.
  if (isMemberAccess(tokens[k - 1])) return undefined;
  const keyword = tokens[k]!.value;
  const next = tokens[k + 1];
  if (keyword === "import") {
    if (isPunct(next, "(")) {
      const argument = tokens[k + 2];
      const literal = argument?.kind === "string" ||
        (argument?.kind === "template" && argument.literal === true);
      return literal ? { token: argument, dynamic: true } : undefined;
    }
    if (next?.kind === "string") return { token: next, dynamic: false };
    const required = requireSpecifier(tokens, isWord(next, "type") ? k + 2 : k + 1);
    if (required) return { token: required, dynamic: false };
    const token = fromClauseSpecifier(tokens, k + 1);
    return token ? { token, dynamic: false } : undefined;
  }
  // Only `export {…} from`, `export * from` and their `export type` forms name a module.
  const clause = isWord(next, "type") ? tokens[k + 2] : next;
  if (!isPunct(clause, "{") && !isPunct(clause, "*")) return undefined;
  const token = fromClauseSpecifier(tokens, k + 1);
  return token ? { token, dynamic: false } : undefined;
}

/**
 * Walks an import/export clause (`type`, names, `* as x`, `{ a, b as c }`, commas, across
 * any number of lines) and returns the string after its `from`, or undefined when the tokens
 * stop looking like a clause.
 */
function fromClauseSpecifier(tokens: Token[], start: number): Token | undefined {
  let depth = 0;
  for (let k = start; k < tokens.length; k++) {
    const token = tokens[k]!;
    if (depth > 0) {
      if (isPunct(token, "}")) {
        depth--;
        const after = tokens[k + 1];
        // A closed list must be followed by `from` or `,`; otherwise it was `export { a }`.
        if (!isWord(after, "from") && !isPunct(after, ",")) return undefined;
      } else if (token.kind !== "word" && token.kind !== "string" && !isPunct(token, ",")) {
        return undefined;
      }
      continue;
    }
    if (token.kind === "word") {
      if (token.value === "from" && tokens[k + 1]?.kind === "string") return tokens[k + 1];
    } else if (isPunct(token, "{")) {
      depth++;
    } else if (!isPunct(token, "*") && !isPunct(token, ",")) {
      return undefined;
    }
  }
  return undefined;
}

/** Renders the use of the global at `k`, or undefined when the name is not the global there. */
function globalUseAt(tokens: Token[], k: number, name: string): string | undefined {
  const previous = tokens[k - 1];
  const next = tokens[k + 1];
  let prefix = "";
  if (isMemberAccess(previous)) {
    // `foo.Deno` is someone's property; `globalThis.Deno` is the global.
    const owner = globalObjectEndingAt(tokens, k - 2);
    if (owner === undefined) return undefined;
    prefix = `${owner}${previous!.value}`;
  } else if (isWord(previous, "typeof")) {
    prefix = "typeof ";
  }
  if (isMemberAccess(next)) {
    const member = tokens[k + 2];
    const suffix = member?.kind === "word" ? member.value : "";
    return `${prefix}${name}${next!.value}${suffix}`;
  }
  if (isPunct(next, "[") || prefix !== "") return `${prefix}${name}`;
  return undefined;
}

/**
 * Returns the string of `x = require("…")` when the tokens from `start` are that tail of
 * TypeScript's `import x = require("…")`.
 */
function requireSpecifier(tokens: Token[], start: number): Token | undefined {
  if (tokens[start]?.kind !== "word" || !isPunct(tokens[start + 1], "=")) return undefined;
  if (!isWord(tokens[start + 2], "require") || !isPunct(tokens[start + 3], "(")) return undefined;
  const argument = tokens[start + 4];
  return isLiteral(argument) && isPunct(tokens[start + 5], ")") ? argument : undefined;
}

/** A string, or a template literal without substitutions. */
function isLiteral(token: Token | undefined): token is Token {
  return token?.kind === "string" || (token?.kind === "template" && token.literal === true);
}

// The words after which `globalThis` inside parentheses is still the global object:
// `(globalThis as X)`, `(globalThis satisfies X)`, `(globalThis!)`, `(globalThis)`.
const AFTER_GLOBAL_IN_PARENS = new Set(["as", "satisfies"]);

/**
 * Renders the global object expression that ends at token `j` (`globalThis`,
 * `(globalThis as X)`, `globalThis!`), or undefined when the tokens there are something else.
 */
function globalObjectEndingAt(tokens: Token[], j: number): string | undefined {
  const token = tokens[j];
  if (isPunct(token, "!")) return globalObjectEndingAt(tokens, j - 1);
  if (token?.kind === "word") {
    if (!GLOBAL_OBJECTS.has(token.value) || isMemberAccess(tokens[j - 1])) return undefined;
    return token.value;
  }
  if (!isPunct(token, ")")) return undefined;
  let open = j;
  for (let depth = 0; open >= 0; open--) {
    if (isPunct(tokens[open], ")")) depth++;
    else if (isPunct(tokens[open], "(") && --depth === 0) break;
  }
  if (open < 0) return undefined;
  // `f(globalThis).Deno` reads a property of what `f` returned, not of the global object.
  const before = tokens[open - 1];
  if (
    (before?.kind === "word" && !KEYWORDS_BEFORE_EXPRESSION.has(before.value)) ||
    isPunct(before, ")") || isPunct(before, "]")
  ) {
    return undefined;
  }
  return parenthesizedGlobal(tokens, open, j);
}

/** Renders `(globalThis …)` spanning tokens `open`..`close`, if that is what they hold. */
function parenthesizedGlobal(tokens: Token[], open: number, close: number): string | undefined {
  const inner = tokens[open + 1];
  if (inner?.kind !== "word" || !GLOBAL_OBJECTS.has(inner.value)) return undefined;
  const after = tokens[open + 2];
  if (open + 2 === close || (isPunct(after, "!") && open + 3 === close)) return `(${inner.value})`;
  if (after?.kind === "word" && AFTER_GLOBAL_IN_PARENS.has(after.value)) {
    return `(${inner.value} ${after.value} …)`;
  }
  return undefined;
}

/**
 * Renders the global object expression that starts at token `j` and is not followed by a
 * member access (`in globalThis`, `in (globalThis as X)`), or undefined.
 */
function globalObjectStartingAt(tokens: Token[], j: number): string | undefined {
  const token = tokens[j];
  let rendered: string | undefined;
  let last = j;
  if (token?.kind === "word" && GLOBAL_OBJECTS.has(token.value)) {
    rendered = token.value;
  } else if (isPunct(token, "(")) {
    let close = j;
    for (let depth = 0; close < tokens.length; close++) {
      if (isPunct(tokens[close], "(")) depth++;
      else if (isPunct(tokens[close], ")") && --depth === 0) break;
    }
    rendered = close < tokens.length ? parenthesizedGlobal(tokens, j, close) : undefined;
    last = close;
  }
  const next = tokens[last + 1];
  if (rendered === undefined || isMemberAccess(next) || isPunct(next, "[")) return undefined;
  return rendered;
}

// Maps, not object literals: a quoted "constructor" must not find Object.prototype's.
const RUNTIME_NAMES: ReadonlyMap<string, "Deno" | "Bun"> = new Map([["Deno", "Deno"], [
  "Bun",
  "Bun",
]]);
const VERSION_KEYS: ReadonlyMap<string, "Deno" | "Bun"> = new Map([["deno", "Deno"], [
  "bun",
  "Bun",
]]);

/**
 * Finds a runtime reached through a quoted name at `k`: `globalThis["Bun"]`,
 * `(globalThis as X)?.["Deno"]`, `"Bun" in globalThis` or `"bun" in process.versions`.
 */
function quotedGlobalAt(
  tokens: Token[],
  k: number,
): Omit<GlobalReference, "line"> | undefined {
  const quoted = tokens[k]!.value;
  const name = RUNTIME_NAMES.get(quoted);
  if (name !== undefined) {
    if (isPunct(tokens[k - 1], "[") && isPunct(tokens[k + 1], "]")) {
      const optional = isPunct(tokens[k - 2], "?.");
      const owner = globalObjectEndingAt(tokens, optional ? k - 3 : k - 2);
      if (owner !== undefined) {
        return { name, expression: `${owner}${optional ? "?." : ""}["${quoted}"]` };
      }
    }
    if (isWord(tokens[k + 1], "in")) {
      const owner = globalObjectStartingAt(tokens, k + 2);
      if (owner !== undefined) return { name, expression: `"${quoted}" in ${owner}` };
    }
    return undefined;
  }
  const versionOf = VERSION_KEYS.get(quoted);
  if (
    versionOf !== undefined && isWord(tokens[k + 1], "in") && isWord(tokens[k + 2], "process") &&
    isMemberAccess(tokens[k + 3]) && isWord(tokens[k + 4], "versions") &&
    !isMemberAccess(tokens[k + 5]) && !isPunct(tokens[k + 5], "[")
  ) {
    return { name: versionOf, expression: `"${quoted}" in process.versions` };
  }
  return undefined;
}

/** Finds `process.versions.bun`, `process.versions?.deno` or `process.versions["bun"]` at `k`. */
function processVersionsAt(
  tokens: Token[],
  k: number,
): Omit<GlobalReference, "line"> | undefined {
  if (!isMemberAccess(tokens[k - 1]) || !isWord(tokens[k - 2], "process")) return undefined;
  const access = tokens[k + 1];
  let key = tokens[k + 2];
  let rendered: string;
  if (isMemberAccess(access) && key?.kind === "word") {
    rendered = `${access!.value}${key.value}`;
  } else {
    // `versions["bun"]` or `versions?.["bun"]`
    const open = isPunct(access, "?.") ? k + 2 : k + 1;
    key = tokens[open + 1];
    if (!isPunct(tokens[open], "[") || !isLiteral(key) || !isPunct(tokens[open + 2], "]")) {
      return undefined;
    }
    rendered = `${open === k + 2 ? "?." : ""}["${key.value}"]`;
  }
  const name = VERSION_KEYS.get(key.value);
  return name === undefined ? undefined : { name, expression: `process.versions${rendered}` };
}
