/**
 * Picking a download's file name in a directory without touching what is there: `name`,
 * `name (1).ext`, `name (2).ext`... as Chromium's `DownloadPathReservationTracker` does.
 *
 * @module
 */

import { type FileHandle, link, open, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";

/** The suffix of the file a download writes to until it completes. */
export const PARTIAL_SUFFIX = ".crdownload";

// Linux's NAME_MAX, in bytes: the longest name made from the final one must fit, the
// sidecar's temporary file (`NAME.crdownload.json.tmp`).
const MAX_NAME_BYTES = 255 - ".json.tmp".length;
// Chromium gives up after this many numbered candidates.
const MAX_UNIQUIFIER = 100;
// Final paths reserved by downloads of this process that have not completed yet: two
// downloads of one name at once must not pick the same file before either exists.
const reserved = new Set<string>();
// Partial files written by downloads of this process, which no other download may open.
const partials = new Set<string>();

/** A claimed name: the partial file is created (empty) and open for writing. */
export interface Reservation {
  /** Where the file will be when complete. */
  readonly path: string;
  /** The `.crdownload` file, created exclusively. */
  readonly partialPath: string;
  /** The open partial file. */
  readonly handle: FileHandle;
}

/**
 * Claims a unique name in `dir` for `name`: the first of `name`, `name (1).ext`, ... whose
 * file and `.crdownload` file do not exist and which no other download of this process holds,
 * truncated (at a character boundary, keeping the extension) so that every file named after
 * it (`.crdownload`, its sidecar and the sidecar's temporary file) fits in 255 bytes. The
 * partial file is created with `O_EXCL`, so another process cannot take it either.
 *
 * @param dir An existing directory.
 * @param name A file name from `generateFileName`.
 * @returns The reservation; release it with {@linkcode releaseReservation} once done.
 * @throws The `node:fs` error when no candidate can be created (after 100 numbered names, an
 * `EEXIST` error).
 *
 * @example
 * ```ts
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { releaseReservation, reserveUniquePath } from "./unique_path.ts";
 * const dir = mkdtempSync(join(tmpdir(), "ses-doc-"));
 * const first = await reserveUniquePath(dir, "a.txt");
 * const second = await reserveUniquePath(dir, "a.txt");
 * console.log(second.path.endsWith("a (1).txt")); // true
 * for (const r of [first, second]) { await r.handle.close(); releaseReservation(r.path); }
 * ```
 */
export async function reserveUniquePath(dir: string, name: string): Promise<Reservation> {
  let lastError: unknown;
  for (let n = 0; n <= MAX_UNIQUIFIER; n++) {
    const path = join(dir, candidateName(name, n));
    const partialPath = path + PARTIAL_SUFFIX;
    if (await exists(path)) continue;
    // Checked and taken in one turn, after the await: another download may have taken the
    // name, or claimed the partial file for its chosen path, meanwhile.
    if (reserved.has(path) || partials.has(partialPath)) continue;
    reserved.add(path);
    partials.add(partialPath);
    try {
      const handle = await open(partialPath, "wx");
      // Another process may have completed this name between the check above and the
      // creation: it links its partial file to the name before unlinking it, so a partial
      // file this call could create means the name, if taken, is visible now.
      if (await exists(path)) {
        await handle.close();
        await unlink(partialPath);
        reserved.delete(path);
        partials.delete(partialPath);
        continue;
      }
      return { path, partialPath, handle };
    } catch (error) {
      reserved.delete(path);
      partials.delete(partialPath);
      if ((error as { code?: string }).code !== "EEXIST") throw error;
      lastError = error;
    }
  }
  throw lastError ?? Object.assign(new Error(`No free name for "${name}"`), { code: "EEXIST" });
}

/**
 * Forgets a reservation made by {@linkcode reserveUniquePath} (when the download completes,
 * is cancelled or fails for good).
 *
 * @param path The reserved final path.
 *
 * @example
 * ```ts
 * import { releaseReservation } from "./unique_path.ts";
 * releaseReservation("/tmp/never-reserved.txt"); // no effect
 * ```
 */
export function releaseReservation(path: string): void {
  reserved.delete(path);
  partials.delete(path + PARTIAL_SUFFIX);
}

/**
 * Creates the partial file of a download whose save path the program chose: `path.crdownload`,
 * or, while another download writes that one, `path (1).crdownload`, ... as Chromium's
 * `RenameAndUniquify` makes its intermediate name unique. The file is created with `O_EXCL`,
 * so a download of another process (or a file an earlier process left) is never written into:
 * two downloads of one save path each keep their own bytes until they complete.
 *
 * @param path The chosen save path; its directory must exist.
 * @returns The partial file's path and the open file; give the path up with
 * {@linkcode releasePartialPath}.
 * @throws The `node:fs` error when no candidate can be created (after 100 numbered names, an
 * `EEXIST` error).
 *
 * @example
 * ```ts
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { openPartialPath, releasePartialPath } from "./unique_path.ts";
 * const path = join(mkdtempSync(join(tmpdir(), "ses-doc-")), "a.bin");
 * const first = await openPartialPath(path);
 * const second = await openPartialPath(path);
 * console.log(second.partialPath.endsWith("a.bin (1).crdownload")); // true
 * for (const p of [first, second]) { await p.handle.close(); releasePartialPath(p.partialPath); }
 * ```
 */
export async function openPartialPath(
  path: string,
): Promise<{ partialPath: string; handle: FileHandle }> {
  let lastError: unknown;
  for (let n = 0; n <= MAX_UNIQUIFIER; n++) {
    const partialPath = n === 0 ? path + PARTIAL_SUFFIX : `${path} (${n})${PARTIAL_SUFFIX}`;
    if (partials.has(partialPath)) continue;
    partials.add(partialPath);
    try {
      return { partialPath, handle: await open(partialPath, "wx") };
    } catch (error) {
      partials.delete(partialPath);
      if ((error as { code?: string }).code !== "EEXIST") throw error;
      lastError = error;
    }
  }
  throw lastError;
}

/**
 * Gives up a partial file created by {@linkcode openPartialPath}.
 *
 * @param partialPath The claimed path.
 *
 * @example
 * ```ts
 * import { releasePartialPath } from "./unique_path.ts";
 * releasePartialPath("/tmp/never-claimed.bin.crdownload"); // no effect
 * ```
 */
export function releasePartialPath(partialPath: string): void {
  partials.delete(partialPath);
}

/**
 * Moves a completed partial file to its final name without overwriting anything: a hard link
 * that fails on an existing file, then the next numbered name if one appeared meanwhile. Where
 * the file system has no hard links, a rename after a check.
 *
 * @param partialPath The `.crdownload` file.
 * @param path The reserved final path.
 * @returns The path the file now has.
 *
 * @example
 * ```ts
 * import { mkdtempSync, writeFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { moveWithoutOverwrite } from "./unique_path.ts";
 * const dir = mkdtempSync(join(tmpdir(), "ses-doc-"));
 * writeFileSync(join(dir, "a.txt"), "old");
 * writeFileSync(join(dir, "a.txt.crdownload"), "new");
 * console.log(await moveWithoutOverwrite(join(dir, "a.txt.crdownload"), join(dir, "a.txt")));
 * ```
 */
export async function moveWithoutOverwrite(partialPath: string, path: string): Promise<string> {
  const slash = path.lastIndexOf("/");
  const dir = path.slice(0, slash);
  const name = path.slice(slash + 1);
  for (let n = 0; n <= MAX_UNIQUIFIER; n++) {
    const target = n === 0 ? path : join(dir, candidateName(name, n));
    if (n > 0 && reserved.has(target)) continue;
    try {
      await link(partialPath, target);
      await unlink(partialPath);
      return target;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "EEXIST") continue;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw error;
      if (await exists(target)) continue;
      await rename(partialPath, target);
      return target;
    }
  }
  throw Object.assign(new Error(`No free name for "${name}"`), { code: "EEXIST" });
}

function candidateName(name: string, n: number): string {
  const { stem, extension } = splitExtension(name);
  const suffix = n === 0 ? "" : ` (${n})`;
  const room = MAX_NAME_BYTES - PARTIAL_SUFFIX.length - byteLength(suffix + extension);
  return truncateUtf8(stem, room) + suffix + extension;
}

/** Splits off the extension, keeping double ones like `.tar.gz` whole (Chromium does too). */
function splitExtension(name: string): { stem: string; extension: string } {
  const match = /(\.[^.]{1,4}\.(?:gz|bz2|xz|z|zst|br)|\.[^.]{1,20})$/i.exec(name);
  if (!match || match.index === 0) return { stem: name, extension: "" };
  return { stem: name.slice(0, match.index), extension: match[0] };
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text;
  let out = "";
  let bytes = 0;
  for (const char of text) {
    const size = byteLength(char);
    if (bytes + size > maxBytes) break;
    out += char;
    bytes += size;
  }
  return out;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
