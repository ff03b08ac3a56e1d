/**
 * `ses extensions`: load an unpacked extension into a session, or print the id Chromium
 * gives a directory.
 *
 * - `ses extensions load PATH [--partition NAME] [--json]` — prints the id, name, version and
 *   install warnings (or one JSON object with `--json`); exit 1 when loading fails.
 * - `ses extensions id PATH [--json]` — prints the id (from the manifest `key` when there is one),
 *   or `{"id", "path"}` with `--json`; exit 1 when PATH is not a directory.
 *
 * @module
 */

import { stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  extensionIdFromKey,
  extensionIdFromPath,
  extensionWarnings,
  readManifest,
  type SessionModule,
} from "../session/mod.ts";
import { usageLine } from "./usage_error.ts";
import { fromPartitionOption } from "./partition_option.ts";

/** Where `ses extensions` writes. */
export interface ExtensionsOutput {
  /** Results. */
  out: (line: string) => void;
  /** Errors. */
  err: (line: string) => void;
}

/** The usage lines of `ses extensions`. */
export const EXTENSIONS_USAGE = `  ses extensions load PATH [--partition NAME] [--json]
  ses extensions id PATH [--json]`;

/**
 * Runs `ses extensions <load|id> ...`.
 *
 * @param session The `session` module.
 * @param args The arguments after `extensions`.
 * @param output Where to print.
 * @returns The exit code: 0 on success, 1 when loading fails or `id` is given no directory, 2
 * for bad arguments.
 *
 * @example
 * ```ts ignore
 * import { session } from "../mod.ts";
 * import { runExtensions } from "./extensions_command.ts";
 * // An existing extension directory; a missing one prints an error and returns 1.
 * await runExtensions(session, ["id", "/opt/my-extension"], { out: console.log, err: console.error });
 * // the id: from the manifest's key, else from the path
 * ```
 */
export async function runExtensions(
  session: SessionModule,
  args: string[],
  output: ExtensionsOutput,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        partition: { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    output.err(usageLine("extensions", error));
    return 2;
  }
  const [action, path, ...extra] = parsed.positionals;
  if (action !== "load" && action !== "id") {
    output.err(usageLine(
      "extensions",
      action === undefined
        ? "an action is required (load or id)"
        : `unknown action "${action}" (load or id)`,
    ));
    return 2;
  }
  if (path === undefined || extra.length > 0) {
    const problem = path === undefined
      ? "the PATH is missing"
      : `unexpected argument "${extra[0]}"`;
    output.err(usageLine("extensions", `${action}: ${problem}`));
    return 2;
  }
  // The id depends on the path alone: a --partition there would be dropped without a word.
  if (action === "id" && parsed.values.partition !== undefined) {
    output.err(usageLine(
      "extensions",
      "id takes no --partition (the id is the path's or the manifest key's, in every session)",
    ));
    return 2;
  }
  // Chromium hashes the path as given, so an absolute path is kept byte for byte.
  const directory = isAbsolute(path) ? path : resolve(path);
  if (action === "id") {
    // Only a directory gets an id, as only a directory loads (loadExtension's first check).
    const isDirectory = await stat(directory).then((found) => found.isDirectory(), () => false);
    if (!isDirectory) {
      output.err(`ses extensions: Extension directory not found: ${directory}`);
      return 1;
    }
    const id = await idOf(directory);
    output.out(parsed.values.json ? JSON.stringify({ id, path: directory }) : id);
    return 0;
  }
  let ses;
  try {
    ses = fromPartitionOption(session, parsed.values.partition ?? "persist:default");
  } catch (error) {
    output.err(usageLine("extensions", error));
    return 2;
  }
  try {
    const extension = await ses.extensions.loadExtension(directory);
    const warnings = extensionWarnings(extension);
    const { id, name, version } = extension;
    if (parsed.values.json) {
      output.out(JSON.stringify({ id, name, version, path: directory, warnings }));
    } else {
      output.out(`id: ${id}`);
      output.out(`name: ${name}`);
      output.out(`version: ${version}`);
      for (const warning of warnings) output.out(`warning: ${warning}`);
    }
    return 0;
  } catch (error) {
    output.err(`ses extensions: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

async function idOf(directory: string): Promise<string> {
  let key: unknown;
  try {
    // Read as loadExtension reads it: a regular file inside the directory (a FIFO would hang
    // the command, a link out is no manifest of it), with Chromium's JSON reader.
    key = (await readManifest(directory)).key;
  } catch {
    key = undefined;
  }
  if (key !== undefined) {
    try {
      return extensionIdFromKey(key);
    } catch {
      // A bad key fails the load; the id of the path is still the useful answer here.
    }
  }
  return extensionIdFromPath(directory);
}
