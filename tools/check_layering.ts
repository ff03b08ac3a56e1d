/**
 * Checks the import rules of DESIGN.md §2 (layering) and §5 (runtimes) over every `.ts`
 * file of the repo.
 *
 * Run `deno run -A tools/check_layering.ts [root]` (root defaults to the repo root). It prints
 * one `path:line: what (rule)` line per violation and exits 1, or prints a one-line summary
 * and exits 0.
 *
 * @module
 */

import { readdir, readFile } from "node:fs/promises";
import { dirname, join, posix, relative, resolve, sep } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { scanSource } from "./_scan_source.ts";

/**
 * The rule a {@linkcode Violation} breaks.
 *
 * - `layering`: an import the folder's row in DESIGN.md §2 does not allow
 * - `private`: a relative import of another folder's `_`-prefixed file
 * - `runtime-only`: a `Deno` / `Bun` global or a `bun:*` import outside runtime/
 * - `bun-static`: a static import of `bun:*`, which Deno cannot load
 * - `unknown-folder`: a file in no folder the layering table knows
 */
export type LayeringRule =
  | "layering"
  | "private"
  | "runtime-only"
  | "bun-static"
  | "unknown-folder";

/** One broken import rule, located in a source file. */
export interface Violation {
  /** Repo-relative path of the offending file, with `/` separators. */
  path: string;
  /** 1-based line of the offending import or global use. */
  line: number;
  /** What is wrong, in one sentence without the path or rule. */
  message: string;
  /** The rule that was broken. */
  rule: LayeringRule;
}

/** A source file to check: repo-relative path (`/` separators) and its text. */
export interface SourceFile {
  /** Repo-relative path such as `net/mod.ts`. */
  path: string;
  /** The file's contents. */
  text: string;
}

// The folders DESIGN.md calls subsystems: each may import only core/, itself and npm.
const SUBSYSTEMS: readonly string[] = [
  "net",
  "cookies",
  "proxy",
  "cache",
  "netlog",
  "devices",
  "spellcheck",
  "extensions",
];

// Test and support code may import anything; only the rules that apply "everywhere" reach it.
const SUPPORT_FOLDERS = new Set(["tests", "bench", "tools"]);

type Layer = "core" | "runtime" | "subsystem" | "session" | "root" | "cli" | "support" | "unknown";

interface FileInfo {
  path: string;
  /** Top-level folder, or `""` for files at the repo root. */
  folder: string;
  layer: Layer;
  test: boolean;
}

type Target =
  | { kind: "node" | "bun" | "package" | "url" }
  | { kind: "local"; path: string; folder: string }
  | { kind: "outside" };

/**
 * Checks in-memory source files against the layering rules of DESIGN.md §2 and §5.
 *
 * @param files Repo-relative paths (with `/` separators) and contents of the `.ts` files.
 * @returns The violations, sorted by path and line; empty when every file follows the rules.
 *
 * @example A subsystem importing another subsystem
 * ```ts
 * import { checkLayering } from "./check_layering.ts";
 * const violations = checkLayering([
 *   { path: "cookies/jar.ts", text: 'import { fetch } from "../net/mod.ts";' },
 * ]);
 * console.log(violations[0]?.rule, violations[0]?.line); // layering 1
 * ```
 */
export function checkLayering(files: SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const { path: rawPath, text } of files) {
    const file = describeFile(rawPath);
    const report = (line: number, message: string, rule: LayeringRule) =>
      violations.push({ path: file.path, line, message, rule });
    if (file.layer === "unknown") {
      report(
        1,
        `is outside the folders of DESIGN.md §2 (core/, runtime/, ${
          SUBSYSTEMS.map((name) => `${name}/`).join(", ")
        }, session/, cli/, tests/, bench/, tools/, mod.ts)`,
        "unknown-folder",
      );
    }
    const { imports, globals } = scanSource(text);
    const mayTouchRuntime = file.layer === "runtime" || file.layer === "support" || file.test;
    for (const { specifier, line, dynamic } of imports) {
      const target = classify(specifier, file.path);
      const quoted = JSON.stringify(specifier);
      if (target.kind === "bun") {
        if (!dynamic) {
          report(
            line,
            `statically imports ${quoted}; bun:* may only be reached by dynamic import()`,
            "bun-static",
          );
        } else if (!mayTouchRuntime) {
          report(line, `imports ${quoted}; only runtime/ may load bun:*`, "runtime-only");
        }
        continue;
      }
      if (target.kind === "outside") {
        report(line, `imports ${quoted}, which resolves outside the repository`, "layering");
        continue;
      }
      if (target.kind === "local" && target.folder !== file.folder && isPrivate(target.path)) {
        report(
          line,
          `imports ${quoted} (${target.path}), a file private to ${folderName(target.folder)}`,
          "private",
        );
        continue;
      }
      if (!isAllowed(file, target)) {
        const shown = target.kind === "local" ? `${quoted} (${target.path})` : quoted;
        report(line, `imports ${shown}, but ${allowedText(file)}`, "layering");
      }
    }
    if (!mayTouchRuntime) {
      for (const { expression, line } of globals) {
        report(line, `uses ${expression}; only runtime/ may touch Deno and Bun`, "runtime-only");
      }
    }
  }
  return violations.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line);
}

/**
 * Formats a violation as the CLI prints it: `path:line: message (rule)`.
 *
 * @param violation The violation to format.
 * @returns One line of text without a trailing newline.
 *
 * @example
 * ```ts
 * import { formatViolation } from "./check_layering.ts";
 * const line = formatViolation({ path: "net/a.ts", line: 3, message: "uses Deno.env", rule: "runtime-only" });
 * console.log(line); // net/a.ts:3: uses Deno.env (runtime-only)
 * ```
 */
export function formatViolation(violation: Violation): string {
  return `${violation.path}:${violation.line}: ${violation.message} (${violation.rule})`;
}

function describeFile(rawPath: string): FileInfo {
  const path = posix.normalize(rawPath.replaceAll("\\", "/")).replace(/^\.\//, "");
  const segments = path.split("/");
  const name = segments.at(-1)!;
  const test = /_test\.[cm]?ts$/.test(name);
  if (segments.length === 1) {
    // The root holds only mod.ts (and its tests); anything else there escapes the table.
    const layer = name === "mod.ts" || test ? "root" : "unknown";
    return { path, folder: "", layer, test };
  }
  const folder = segments[0]!;
  let layer: Layer = "unknown";
  if (folder === "core" || folder === "runtime" || folder === "session" || folder === "cli") {
    layer = folder;
  } else if (SUBSYSTEMS.includes(folder)) {
    layer = "subsystem";
  } else if (SUPPORT_FOLDERS.has(folder)) {
    layer = "support";
  }
  return { path, folder, layer, test };
}

function classify(specifier: string, importer: string): Target {
  if (specifier.startsWith("node:")) return { kind: "node" };
  if (specifier.startsWith("bun:")) return { kind: "bun" };
  if (specifier.startsWith("npm:") || specifier.startsWith("jsr:")) return { kind: "package" };
  if (
    specifier === "." || specifier === ".." || specifier.startsWith("./") ||
    specifier.startsWith("../")
  ) {
    const path = posix.normalize(posix.join(posix.dirname(importer), specifier));
    if (path === ".." || path.startsWith("../")) return { kind: "outside" };
    const slash = path.indexOf("/");
    return { kind: "local", path, folder: slash === -1 ? "" : path.slice(0, slash) };
  }
  // `https:`, `file:`, `data:` and absolute paths: not npm, not a repo folder.
  if (specifier.startsWith("/") || /^[a-z][a-z0-9+.-]*:/i.test(specifier)) return { kind: "url" };
  return { kind: "package" };
}

function isPrivate(path: string): boolean {
  // The top-level folder name itself never makes a file private; anything below it can.
  const segments = path.split("/");
  const inside = segments.length === 1 ? segments : segments.slice(1);
  return inside.some((segment) => segment.startsWith("_"));
}

function folderName(folder: string): string {
  return folder === "" ? "the repo root" : `${folder}/`;
}

function isAllowed(file: FileInfo, target: Target): boolean {
  if (file.layer === "support" || file.layer === "unknown") return true;
  if (target.kind === "node") return file.layer !== "root" || file.test;
  if (target.kind === "package") {
    // Test files may use dev dependencies such as fast-check; they are never published.
    return file.layer === "subsystem" || file.layer === "session" || file.layer === "cli" ||
      file.test;
  }
  if (target.kind !== "local") return false;
  const { path, folder } = target;
  if (file.test && (path.startsWith("tests/fixtures/") || path === "runtime/mod.ts")) return true;
  if (folder === file.folder || folder === "core") return true;
  switch (file.layer) {
    case "session":
      return path === "runtime/mod.ts" || SUBSYSTEMS.some((name) => path === `${name}/mod.ts`);
    case "root":
      return path === "session/mod.ts";
    case "cli":
      return path === "mod.ts" || path === "session/mod.ts" || path === "runtime/mod.ts";
    default:
      return false;
  }
}

function allowedText(file: FileInfo): string {
  const own = folderName(file.folder);
  const row = ({
    core: "core/ may import only core/ and node: built-ins",
    runtime: "runtime/ may import only core/, runtime/ and node: built-ins",
    subsystem: `${own} may import only core/, ${own}, node: built-ins and npm packages`,
    session: "session/ may import only core/, <subsystem>/mod.ts, runtime/mod.ts, session/, " +
      "node: built-ins and npm packages",
    root: "mod.ts may import only session/mod.ts and core/",
    cli: "cli/ may import only mod.ts, session/mod.ts, runtime/mod.ts, core/, cli/, " +
      "node: built-ins and npm packages",
    // Support and unknown files may import anything, so they never reach this text.
    support: "",
    unknown: "",
  } satisfies Record<Layer, string>)[file.layer];
  return file.test
    ? `${row} (test files also tests/fixtures/, runtime/mod.ts, node: and npm packages)`
    : row;
}

// Generated and third-party trees, plus the gitignored scratch folder.
const SKIPPED_DIRECTORIES = new Set(["node_modules", "coverage", ".git", ".tmp"]);

async function collectSourceFiles(root: string): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  async function walk(directory: string): Promise<void> {
    const entries = await readdir(directory, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const absolute = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) await walk(absolute);
      } else if (entry.isFile() && /\.[cm]?ts$/.test(entry.name)) {
        const path = relative(root, absolute).split(sep).join("/");
        files.push({ path, text: await readFile(absolute, "utf8") });
      }
    }
  }
  await walk(root);
  return files;
}

async function main(args: string[]): Promise<number> {
  const root = resolve(args[0] ?? dirname(dirname(fileURLToPath(import.meta.url))));
  let files: SourceFile[];
  try {
    files = await collectSourceFiles(root);
  } catch (error) {
    console.error(`check_layering: cannot read "${root}": ${String(error)}`);
    return 2;
  }
  const violations = checkLayering(files);
  for (const violation of violations) console.error(formatViolation(violation));
  if (violations.length > 0) {
    console.error(
      `check_layering: ${violations.length} violation(s) in ${files.length} files checked`,
    );
    return 1;
  }
  console.log(`check_layering: OK, ${files.length} files checked`);
  return 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
