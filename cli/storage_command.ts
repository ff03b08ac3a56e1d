/**
 * `ses storage`: a session's cookies and local storage in and out.
 *
 * - `ses storage export FILE [--partition NAME]` — writes Playwright's storageState JSON (`-`:
 *   to standard output).
 * - `ses storage import FILE [--partition NAME]` — adds a storageState file's cookies and
 *   local storage.
 * - `ses storage import-chromium PROFILE_DIR [--partition NAME]` — adds a Chromium or Electron
 *   profile's cookies (clear and `v10` values; `v11` keyring values are counted as skipped) and
 *   its Local Storage (LevelDB).
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { Session, SessionModule } from "../session/mod.ts";
import { usageLine } from "./usage_error.ts";
import { fromPartitionOption } from "./partition_option.ts";

/** The usage lines of `ses storage`. */
export const STORAGE_USAGE = `  ses storage export FILE|- [--partition NAME]
  ses storage import FILE [--partition NAME]
  ses storage import-chromium PROFILE_DIR [--partition NAME]`;

/** Where `ses storage` writes. */
export interface StorageOutput {
  /** Results. */
  out: (line: string) => void;
  /** Errors. */
  err: (line: string) => void;
}

/**
 * Runs `ses storage <export|import|import-chromium> PATH [--partition NAME]` (default partition
 * `persist:default`; an in-memory one is refused, since its data would end with the command),
 * flushing the session's stores after an import and counting the imported session cookies,
 * which are never written to disk.
 *
 * @param session The `session` module.
 * @param args The arguments after `storage`.
 * @param output Where to print.
 * @returns The exit code: 0 on success, 1 when the file or profile cannot be used, 2 for bad
 * arguments or an in-memory partition.
 *
 * @example
 * ```ts ignore
 * import { session } from "../mod.ts";
 * import { runStorage } from "./storage_command.ts";
 * await runStorage(session, ["export", "state.json"], { out: console.log, err: console.error });
 * // wrote 3 cookies and 1 origins of persist:default to state.json
 * ```
 */
export async function runStorage(
  session: SessionModule,
  args: string[],
  output: StorageOutput,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { partition: { type: "string", default: "persist:default" } },
    });
  } catch (error) {
    output.err(usageLine("storage", error));
    return 2;
  }
  const { partition } = parsed.values;
  const [action, path, ...extra] = parsed.positionals;
  if (
    !["export", "import", "import-chromium"].includes(action ?? "") || path === undefined ||
    extra.length > 0
  ) {
    output.err(
      usageLine("storage", "expected an action (export, import, import-chromium) and one path"),
    );
    return 2;
  }
  let ses;
  try {
    ses = fromPartitionOption(session, partition);
  } catch (error) {
    output.err(usageLine("storage", error));
    return 2;
  }
  if (!ses.isPersistent()) {
    output.err(
      `ses storage: partition "${partition}" lives in memory and ends with this command; ` +
        `use a persistent one like "persist:${partition}"`,
    );
    return 2;
  }
  try {
    if (action === "export") {
      // `-` is standard output, as for curl's `-o -`; the summary then goes to stderr.
      const state = await ses.storageState(path === "-" ? {} : { path });
      if (path === "-") output.out(JSON.stringify(state, undefined, 2));
      (path === "-" ? output.err : output.out)(
        `wrote ${state.cookies.length} cookies and ${state.origins.length} origins of ` +
          `${partition} to ${path}`,
      );
    } else if (action === "import") {
      ses.importStorageState(path);
      ses.flushStorageData();
      output.out(`imported ${path} into ${partition}`);
      await noteSessionCookies(ses, output);
    } else {
      const summary = await ses.importChromiumProfile(path);
      ses.flushStorageData();
      output.out(
        `imported ${summary.imported} cookies from ${summary.cookiesPath} into ${partition}`,
      );
      if (summary.skippedKeyring > 0) {
        output.out(
          `skipped ${summary.skippedKeyring} cookies encrypted with the desktop keyring (v11)`,
        );
      }
      if (summary.skippedUnreadable > 0) {
        output.out(`skipped ${summary.skippedUnreadable} cookies whose value did not decrypt`);
      }
      output.out(
        summary.localStorageSkipped === undefined
          ? `imported ${summary.localStorageItems} local storage items of ` +
            `${summary.localStorageOrigins} origins`
          : `local storage skipped: ${summary.localStorageSkipped}`,
      );
      await noteSessionCookies(ses, output);
    }
    return 0;
  } catch (error) {
    output.err(`ses storage ${action}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

// A session cookie lives as long as the process that holds it, and this one ends now: say so
// rather than let the user look for cookies the next command will not have. The command's
// process starts with no session cookies, so every one it holds was just imported.
async function noteSessionCookies(ses: Session, output: StorageOutput): Promise<void> {
  const count = (await ses.cookies.get({})).filter((cookie) => cookie.session).length;
  if (count === 0) return;
  output.out(
    `${count} session cookies not saved: as in Chromium, cookies without an expiry are never ` +
      "written to disk",
  );
}
