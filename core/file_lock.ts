/**
 * A lock between processes for a file's read-change-write, as a directory beside it (`mkdir`
 * either makes it or fails, atomically, on every local file system). Chromium needs none: a
 * profile has one browser process. Here several processes may share a partition.
 *
 * @module
 */

import { mkdir, rmdir, stat } from "node:fs/promises";

// A change holds the lock for milliseconds; one older than this was left by a killed process.
const STALE_MS = 10_000;
// Past this wait the change is written without the lock: a lost race beats a lost change.
const WAIT_MS = 2_000;
const RETRY_MS = 5;

/**
 * Runs `task` while holding the lock directory `lockPath`, waiting for another holder.
 *
 * @param lockPath The lock directory, like `<file>.lock`; its parent must exist.
 * @param task The read-change-write.
 * @returns What `task` returns.
 * @throws What `task` throws, or the error of making the lock (EACCES on a read-only
 * directory: the write would fail too).
 * @example
 * ```ts
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { withFileLock } from "./file_lock.ts";
 * const lock = `${mkdtempSync(`${tmpdir()}/ses-lock-`)}/file.lock`;
 * console.log(await withFileLock(lock, () => Promise.resolve(1))); // 1
 * ```
 */
export async function withFileLock<T>(lockPath: string, task: () => Promise<T>): Promise<T> {
  const held = await acquire(lockPath);
  try {
    return await task();
  } finally {
    if (held) await rmdir(lockPath).catch(() => {});
  }
}

async function acquire(lockPath: string): Promise<boolean> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      await mkdir(lockPath);
      return true;
    } catch (error) {
      if ((error as { code?: unknown }).code !== "EEXIST") throw error;
    }
    const info = await stat(lockPath).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > STALE_MS) {
      await rmdir(lockPath).catch(() => {});
      continue;
    }
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}
