/**
 * A synchronous atomic write, for the last writes a process makes as it ends (no promise runs
 * then): a temporary file beside the target, flushed, renamed over it.
 *
 * @module
 */

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import process from "node:process";

/**
 * Writes `bytes` to `path` atomically and synchronously.
 *
 * @param path The file; its directory must exist.
 * @param bytes The whole content.
 * @throws The file system's error; the temporary file is removed then.
 * @example
 * ```ts
 * import { mkdtempSync, readFileSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { writeFileAtomicSync } from "./write_file_atomic_sync.ts";
 * const path = `${mkdtempSync(`${tmpdir()}/ses-sync-`)}/file.txt`;
 * writeFileAtomicSync(path, new TextEncoder().encode("kept"));
 * console.log(readFileSync(path, "utf8")); // kept
 * ```
 */
export function writeFileAtomicSync(path: string, bytes: Uint8Array): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.end.tmp`);
  try {
    const fd = openSync(temp, "w", 0o600);
    try {
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
