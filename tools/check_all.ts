/**
 * The repository's static checks in one command (`npm run check`): formatting, lint, types,
 * documentation, the documentation's examples, layering and a publish dry run. Stops at the
 * first failure.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

// Benchmarks and testdata scripts run when imported, so their examples (they have none worth
// running) cannot be collected without running them; generated trees are not ours.
const NOT_DOC_TESTED = new Set(["node_modules", "coverage", ".git", ".tmp", "bench", "testdata"]);

/**
 * Lists the modules whose JSDoc examples `deno test --doc` runs: every `.ts` file of the repo
 * that has an example, except tests (their code runs in `npm test`) and scripts that act when
 * imported.
 *
 * @param root The repository root.
 * @returns Repo-relative paths with `/` separators, sorted.
 *
 * @example
 * ```ts
 * import { docTestedFiles } from "./check_all.ts";
 * const files = docTestedFiles(new URL("..", import.meta.url).pathname);
 * console.log(files.includes("net/content_decoding.ts"), files.some((f) => f.endsWith("_test.ts"))); // true false
 * ```
 */
export function docTestedFiles(root: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    const path = relative(root, join(entry.parentPath, entry.name)).split(sep);
    if (path.some((segment) => NOT_DOC_TESTED.has(segment))) continue;
    if (!entry.isFile() || !entry.name.endsWith(".ts") || entry.name.endsWith("_test.ts")) continue;
    // `deno test --doc` also loads the file itself: a script with no examples (a test's child
    // process) would run its work on import, so only files with examples are listed.
    const text = readFileSync(join(entry.parentPath, entry.name), "utf8");
    if (text.includes("@example")) files.push(path.join("/"));
  }
  return files.sort();
}

/** One check: a label and the deno arguments that run it. */
export interface Check {
  /** What the check verifies. */
  label: string;
  /** Arguments after `deno`. */
  args: string[];
}

/** The checks, in the order they run. */
export const CHECKS: readonly Check[] = [
  { label: "format", args: ["fmt", "--check"] },
  { label: "lint", args: ["lint"] },
  { label: "types", args: ["check", "."] },
  {
    label: "docs",
    args: [
      "doc",
      "--lint",
      "mod.ts",
      "cache/mod.ts",
      "auth/mod.ts",
      "cookies/mod.ts",
      "core/mod.ts",
      "devices/mod.ts",
      "downloads/mod.ts",
      "extensions/mod.ts",
      "net/mod.ts",
      "netlog/mod.ts",
      "protocol/mod.ts",
      "proxy/mod.ts",
      "runtime/mod.ts",
      "session/mod.ts",
      "storage/mod.ts",
      "web_request/mod.ts",
      "cli/main.ts",
    ],
  },
  // Every example that is not `ts ignore` must run; the test sanitizers fail an example that
  // leaves a server, socket or timer behind.
  { label: "examples", args: ["test", "--doc", "--parallel", "-A", ...docTestedFiles(ROOT)] },
  { label: "layering", args: ["run", "-A", "tools/check_layering.ts"] },
  { label: "publish", args: ["publish", "--dry-run", "--allow-dirty", "--quiet"] },
];

/**
 * Runs every check with the current deno binary and reports the first failure.
 *
 * @returns The label of the failed check, or `undefined` when all pass.
 *
 * @example Not run as a doc test: it would run every check, this one included
 * ```ts ignore
 * import { runChecks } from "./check_all.ts";
 * const failed = runChecks();
 * if (failed) console.error(`${failed} failed`);
 * ```
 */
export function runChecks(): string | undefined {
  for (const { label, args } of CHECKS) {
    const shown = args.length > 12 ? [...args.slice(0, 12), "…"] : args;
    console.log(`check: ${label} (deno ${shown.join(" ")})`);
    const result = spawnSync(Deno.execPath(), args, { stdio: "inherit", cwd: ROOT });
    if (result.status !== 0) return label;
  }
  return undefined;
}

if (import.meta.main) {
  const failed = runChecks();
  if (failed) {
    console.error(`check failed: ${failed}`);
    Deno.exit(1);
  }
  console.log(`checks passed: ${CHECKS.map((check) => check.label).join(", ")}`);
}
