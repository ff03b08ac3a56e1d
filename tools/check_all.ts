/**
 * The repository's static checks in one command (`npm run check`): formatting, lint, types,
 * documentation, layering and a publish dry run. Stops at the first failure.
 *
 * @module
 */

import { spawnSync } from "node:child_process";

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
      "core/mod.ts",
      "net/mod.ts",
      "runtime/mod.ts",
      "session/mod.ts",
      "cli/main.ts",
    ],
  },
  { label: "layering", args: ["run", "-A", "tools/check_layering.ts"] },
  { label: "publish", args: ["publish", "--dry-run", "--allow-dirty", "--quiet"] },
];

/**
 * Runs every check with the current deno binary and reports the first failure.
 *
 * @returns The label of the failed check, or `undefined` when all pass.
 *
 * @example
 * ```ts ignore
 * import { runChecks } from "./check_all.ts";
 * const failed = runChecks();
 * if (failed) console.error(`${failed} failed`);
 * ```
 */
export function runChecks(): string | undefined {
  for (const { label, args } of CHECKS) {
    console.log(`check: ${label} (deno ${args.join(" ")})`);
    const result = spawnSync(Deno.execPath(), args, { stdio: "inherit" });
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
