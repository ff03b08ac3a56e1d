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
 * - `ses storage clear [--origin ORIGIN] [--storages NAME,...] [--partition NAME]` — Electron's
 *   `ses.clearStorageData({origin, storages})`.
 *
 * With `--json`, each action prints one JSON object (`export -` prints the state itself).
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { Session, SessionModule } from "../session/mod.ts";
import { usageLine } from "./usage_error.ts";
import { fromPartitionOption, inMemoryPartitionLine } from "./partition_option.ts";

// The storage names of Electron's `clearStorageData`: its documentation's list, which spells
// IndexedDB `indexeddb`, and `indexdb`, the name its code reads. A name outside them clears
// nothing in Electron; on a command line that is a typo, so it is refused.
const CLEARABLE = [
  "appcache",
  "cookies",
  "filesystem",
  "indexdb",
  "indexeddb",
  "localstorage",
  "shadercache",
  "websql",
  "serviceworkers",
  "cachestorage",
];

/** The usage lines of `ses storage`. */
export const STORAGE_USAGE = `  ses storage export FILE|- [--partition NAME] [--json]
  ses storage import FILE [--partition NAME] [--json]
  ses storage import-chromium PROFILE_DIR [--partition NAME] [--json]
  ses storage clear [--origin ORIGIN] [--storages NAME,...] [--partition NAME] [--json]
      storages (default all): ${CLEARABLE.slice(0, 5).join(", ")},
      ${CLEARABLE.slice(5).join(", ")}
      origin: scheme://host[:port], or file:// for pages loaded from files`;

/** Where `ses storage` writes. */
export interface StorageOutput {
  /** Results. */
  out: (line: string) => void;
  /** Errors. */
  err: (line: string) => void;
}

/**
 * Runs `ses storage <export|import|import-chromium> PATH [--partition NAME] [--json]` or `ses
 * storage clear [--origin ORIGIN] [--storages NAME,...]` (default partition `persist:default`; an
 * in-memory one is refused, since its data would end with the command), flushing the session's
 * stores after an import or a clear and counting the imported session cookies, which are never
 * written to disk. With `--json` the result is one JSON object on `out` (export: `{partition,
 * file, cookies, origins}`; import: `{partition, file, sessionCookies}`; import-chromium: the
 * summary of `ses.importChromiumProfile` with `partition` and `sessionCookies`; clear:
 * `{partition, removed: {cookies, localStorageItems}}`) and the sentences go to `err`.
 *
 * @param session The `session` module.
 * @param args The arguments after `storage`.
 * @param output Where to print.
 * @returns The exit code: 0 on success, 1 when the file or profile cannot be used, 2 for bad
 * arguments (an `--origin` that is no origin, a `--storages` name Electron does not list among
 * them) or an in-memory partition.
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
      options: {
        partition: { type: "string", default: "persist:default" },
        origin: { type: "string" },
        storages: { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    output.err(usageLine("storage", error));
    return 2;
  }
  const { partition, origin, storages, json } = parsed.values;
  const [action, path, ...extra] = parsed.positionals;
  const problem = argumentProblem(action, path, extra, origin, storages);
  if (problem !== undefined) {
    output.err(usageLine("storage", problem));
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
    output.err(inMemoryPartitionLine("storage", partition));
    return 2;
  }
  // With --json the one JSON object is the result; the sentences then go to stderr.
  const say = json ? output.err : output.out;
  try {
    if (action === "clear") {
      const before = await ses.storageState();
      await ses.clearStorageData({
        origin,
        storages: storages?.split(",").map((name) => name.trim().toLowerCase()),
      });
      ses.flushStorageData();
      const after = await ses.storageState();
      const removed = {
        cookies: before.cookies.length - after.cookies.length,
        localStorageItems: itemCount(before) - itemCount(after),
      };
      if (json) output.out(JSON.stringify({ partition, removed }));
      else {
        output.out(
          `removed ${removed.cookies} cookies and ${removed.localStorageItems} local storage ` +
            `items of ${partition}`,
        );
      }
    } else if (action === "export") {
      const file = path as string;
      // `-` is standard output, as for curl's `-o -`; the summary then goes to stderr.
      const state = await ses.storageState(file === "-" ? {} : { path: file });
      if (file === "-") output.out(JSON.stringify(state, undefined, 2));
      else if (json) {
        output.out(JSON.stringify({
          partition,
          file,
          cookies: state.cookies.length,
          origins: state.origins.length,
        }));
      }
      (file === "-" || json ? output.err : output.out)(
        `wrote ${state.cookies.length} cookies and ${state.origins.length} origins of ` +
          `${partition} to ${file}`,
      );
    } else if (action === "import") {
      const file = path as string;
      ses.importStorageState(file);
      ses.flushStorageData();
      say(`imported ${file} into ${partition}`);
      const sessionCookies = await noteSessionCookies(ses, say);
      if (json) output.out(JSON.stringify({ partition, file, sessionCookies }));
    } else {
      const summary = await ses.importChromiumProfile(path as string);
      ses.flushStorageData();
      say(`imported ${summary.imported} cookies from ${summary.cookiesPath} into ${partition}`);
      if (summary.skippedKeyring > 0) {
        say(`skipped ${summary.skippedKeyring} cookies encrypted with the desktop keyring (v11)`);
      }
      if (summary.skippedUnreadable > 0) {
        say(`skipped ${summary.skippedUnreadable} cookies whose value did not decrypt`);
      }
      say(
        summary.localStorageSkipped === undefined
          ? `imported ${summary.localStorageItems} local storage items of ` +
            `${summary.localStorageOrigins} origins`
          : `local storage skipped: ${summary.localStorageSkipped}`,
      );
      const sessionCookies = await noteSessionCookies(ses, say);
      if (json) output.out(JSON.stringify({ partition, ...summary, sessionCookies }));
    }
    return 0;
  } catch (error) {
    output.err(`ses storage ${action}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

// What is wrong with the command line, or `undefined`.
function argumentProblem(
  action: string | undefined,
  path: string | undefined,
  extra: string[],
  origin: string | undefined,
  storages: string | undefined,
): string | undefined {
  if (action === "clear") {
    if (path !== undefined) return `clear takes no path (got "${path}")`;
    // clearStorageData clears every origin for one it cannot read (as Electron does), so a typo
    // would wipe the partition.
    if (origin !== undefined && !hasOrigin(origin)) {
      return `--origin: "${origin}" is not an origin like https://example.com`;
    }
    const unknown = storages?.split(",").map((name) => name.trim().toLowerCase())
      .find((name) => !CLEARABLE.includes(name));
    if (unknown !== undefined) {
      return `--storages: unknown storage "${unknown}" (known: ${CLEARABLE.join(", ")})`;
    }
    return undefined;
  }
  if (!["export", "import", "import-chromium"].includes(action ?? "")) {
    return "expected an action (export, import, import-chromium, clear)";
  }
  if (path === undefined || extra.length > 0) return `${action} takes one path`;
  if (origin !== undefined || storages !== undefined) {
    return `--origin and --storages belong to clear, not ${action}`;
  }
  return undefined;
}

// Whether clearStorageData reads the text as one origin: a URL whose origin is not opaque, or a
// file: URL, whose origin is file:// in Chromium (Electron's pages loaded from files keep their
// local storage under it).
function hasOrigin(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return url.protocol === "file:" || url.origin !== "null";
}

function itemCount(state: { origins: { localStorage: unknown[] }[] }): number {
  return state.origins.reduce((sum, origin) => sum + origin.localStorage.length, 0);
}

// A session cookie lives as long as the process that holds it, and this one ends now: say so
// rather than let the user look for cookies the next command will not have. The command's
// process starts with no session cookies, so every one it holds was just imported.
async function noteSessionCookies(ses: Session, say: (line: string) => void): Promise<number> {
  const count = (await ses.cookies.get({})).filter((cookie) => cookie.session).length;
  if (count === 0) return 0;
  say(
    `${count} session cookies not saved: as in Chromium, cookies without an expiry are never ` +
      "written to disk",
  );
  return count;
}
