import { basename, dirname, join } from "node:path";
import { isNotFound } from "./_is_not_found.ts";

/** The file primitives an atomic write is built from; each runtime supplies its own. */
export interface AtomicWriteFiles {
  /** Creates `path` (mode 0600, failing if it exists), writes `bytes`, syncs them to disk. */
  createSynced(path: string, bytes: Uint8Array): Promise<void>;
  /** Renames `from` to `to`, replacing `to`. */
  rename(from: string, to: string): Promise<void>;
  /** Syncs a directory so a rename inside it survives a crash. */
  syncDir(path: string): Promise<void>;
  /** Removes a path; no error when it does not exist. */
  remove(path: string): Promise<void>;
}

/**
 * Replaces `path` through a temporary file beside it, so readers see the old or the new content.
 *
 * @param files The runtime's file primitives.
 * @param path The file to replace or create.
 * @param data The new content; strings are written as UTF-8.
 * @returns A promise that resolves once the new content and its rename are on disk.
 */
export async function writeFileAtomic(
  files: AtomicWriteFiles,
  path: string,
  data: string | Uint8Array,
): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  try {
    await files.createSynced(temp, bytes);
    await files.rename(temp, path);
    await files.syncDir(dir);
  } catch (error) {
    // The write's own error is the one worth reporting; a failed cleanup must not replace it.
    await files.remove(temp).catch(() => {});
    const reason = isNotFound(error)
      ? `directory "${dir}" does not exist`
      : error instanceof Error
      ? error.message
      : String(error);
    throw new Error(`Cannot write "${path}": ${reason}`, { cause: error });
  }
}
