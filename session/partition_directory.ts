/**
 * The directory name of a `persist:` partition under `Partitions/`, as Electron names it, so a
 * program can open the partitions an Electron app with the same `userData` left behind.
 *
 * Source: Electron `shell/browser/electron_browser_context.cc` (`MakePartitionName`: the name
 * lower-cased in ASCII, then `base::EscapePath`) and Chromium `base/strings/escape.cc`
 * (`kPathCharmap`).
 *
 * @module
 */

import { existsSync, renameSync } from "node:fs";
import { join } from "node:path";

// kPathCharmap without its two bytes ranges (controls, DEL, non-ASCII), which are escaped by
// code: what EscapePath escapes among printable ASCII. `/` is added (below).
const PATH_ESCAPED = new Set(' "#%:<>?[\\]^`{|}');

/**
 * The directory name Electron gives the partition `persist:NAME`: NAME lower-cased in ASCII,
 * its UTF-8 bytes percent-escaped where `base::EscapePath` escapes them (controls, DEL,
 * non-ASCII, space and `"#%:<>?[\]^``{|}`, upper-case hex).
 *
 * Two departures keep the directory inside `Partitions/`, where Electron's name could leave it:
 * `/` is escaped too (`%2F`; Electron would nest directories), and a name that is `.` or `..`
 * has its dots escaped (`%2E`; Electron would climb out).
 *
 * @param name The partition name after `persist:`; not empty.
 * @returns One directory name, ASCII.
 *
 * @example
 * ```ts
 * import { partitionDirName } from "./partition_directory.ts";
 * console.log(partitionDirName("My Work:1")); // "my%20work%3A1"
 * ```
 */
export function partitionDirName(name: string): string {
  if (name === "." || name === "..") return name.replaceAll(".", "%2E");
  let out = "";
  for (const byte of new TextEncoder().encode(name)) {
    const char = String.fromCharCode(byte);
    const lowered = byte >= 0x41 && byte <= 0x5a ? char.toLowerCase() : char;
    out += byte < 0x20 || byte >= 0x7f || PATH_ESCAPED.has(char) || char === "/"
      ? `%${byte.toString(16).toUpperCase().padStart(2, "0")}`
      : lowered;
  }
  return out;
}

/**
 * Moves a partition's directory from the name 0.1.0 of this package gave it (`encodeURIComponent`
 * with dots escaped, case kept) to {@linkcode partitionDirName}'s, so a partition keeps its data
 * across the change. Nothing moves when the new directory exists
 * already (its data wins) or the old one does not; a failed move (another process moved it
 * first, a read-only disk) leaves the old directory where it is.
 *
 * @param partitions The `Partitions/` directory.
 * @param name The partition name after `persist:`.
 *
 * @example
 * ```ts
 * import { mkdirSync, mkdtempSync, existsSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { adoptLegacyPartitionDir } from "./partition_directory.ts";
 * const partitions = mkdtempSync(join(tmpdir(), "ses-partitions-"));
 * mkdirSync(join(partitions, "Work"));
 * adoptLegacyPartitionDir(partitions, "Work");
 * console.log(existsSync(join(partitions, "work"))); // true
 * ```
 */
export function adoptLegacyPartitionDir(partitions: string, name: string): void {
  const legacy = encodeURIComponent(name).replaceAll(".", "%2E");
  const current = partitionDirName(name);
  if (legacy === current) return;
  const from = join(partitions, legacy);
  const to = join(partitions, current);
  if (existsSync(to) || !existsSync(from)) return;
  try {
    renameSync(from, to);
  } catch {
    // Another process moved it first, or the disk is read-only: the session starts from the
    // new directory, and the old one is left as it was, never half moved (rename is atomic).
  }
}
