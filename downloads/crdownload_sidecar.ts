/**
 * The small JSON file kept next to a `.crdownload` file (`NAME.crdownload.json`): what a later
 * process needs to resume it with `ses.createInterruptedDownload` — Chromium keeps the same
 * facts in its History database, which a headless session does not have.
 *
 * @module
 */

import { open, readFile, rename, rm } from "node:fs/promises";

/** What the sidecar holds. */
export interface CrdownloadSidecar {
  /** The format version, 1. */
  version: 1;
  /** Where the file goes when complete. */
  savePath: string;
  /** Every URL the download visited; a resume requests the last. */
  urlChain: string[];
  /** The response's MIME type. */
  mimeType: string;
  /** The full length in bytes, 0 when the server did not say. */
  totalBytes: number;
  /** Bytes saved when the sidecar was last written; the partial file's length is the truth. */
  offset: number;
  /** The response's ETag (`""` if none). */
  eTag: string;
  /** The response's Last-Modified (`""` if none). */
  lastModified: string;
  /** When the download started, seconds since the epoch. */
  startTime: number;
}

/**
 * The sidecar path for a partial file.
 *
 * @param partialPath The `.crdownload` file.
 * @returns `partialPath + ".json"`.
 *
 * @example
 * ```ts
 * import { sidecarPath } from "./crdownload_sidecar.ts";
 * console.log(sidecarPath("/tmp/a.zip.crdownload")); // /tmp/a.zip.crdownload.json
 * ```
 */
export function sidecarPath(partialPath: string): string {
  return `${partialPath}.json`;
}

/**
 * Writes the sidecar atomically (temporary file, fsync, rename), so a crash leaves the old
 * one or the new one; a write that fails (a full disk) removes its temporary file.
 *
 * @param partialPath The `.crdownload` file.
 * @param sidecar The facts.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from "node:fs";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * import { readSidecar, writeSidecar } from "./crdownload_sidecar.ts";
 * const partial = join(mkdtempSync(join(tmpdir(), "ses-doc-")), "a.bin.crdownload");
 * await writeSidecar(partial, {
 *   version: 1, savePath: partial.slice(0, -11), urlChain: ["http://a.test/a.bin"],
 *   mimeType: "", totalBytes: 10, offset: 4, eTag: '"x"', lastModified: "", startTime: 0,
 * });
 * console.log((await readSidecar(partial)).offset); // 4
 * ```
 */
export async function writeSidecar(partialPath: string, sidecar: CrdownloadSidecar): Promise<void> {
  const path = sidecarPath(partialPath);
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, "w");
  try {
    try {
      await handle.writeFile(JSON.stringify(sidecar));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    // A full disk fails the write after the file was made: nothing else would remove it (a
    // cancel removes the sidecar alone).
    await rm(temporary, { force: true }).catch(() => {});
    throw error;
  }
}

/**
 * Reads and checks a sidecar.
 *
 * @param partialPath The `.crdownload` file.
 * @returns The facts.
 * @throws {Error} `Cannot resume "PATH": ...` when the sidecar is missing or malformed.
 *
 * @example
 * ```ts
 * import { readSidecar } from "./crdownload_sidecar.ts";
 * await readSidecar("/nonexistent.crdownload").catch((error) => console.log(error.message));
 * ```
 */
export async function readSidecar(partialPath: string): Promise<CrdownloadSidecar> {
  const fail = (why: string) => new Error(`Cannot resume "${partialPath}": ${why}`);
  let text: string;
  try {
    text = await readFile(sidecarPath(partialPath), "utf8");
  } catch {
    throw fail(`${sidecarPath(partialPath)} is missing`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw fail(`${sidecarPath(partialPath)} is not JSON`);
  }
  const record = value as Partial<Record<keyof CrdownloadSidecar, unknown>>;
  const strings = ["savePath", "mimeType", "eTag", "lastModified"] as const;
  const numbers = ["totalBytes", "offset", "startTime"] as const;
  if (
    typeof value !== "object" || value === null || record.version !== 1 ||
    !Array.isArray(record.urlChain) || record.urlChain.length === 0 ||
    !record.urlChain.every((url) => typeof url === "string") ||
    !strings.every((key) => typeof record[key] === "string") ||
    !numbers.every((key) => typeof record[key] === "number" && Number.isFinite(record[key]))
  ) {
    throw fail(`${sidecarPath(partialPath)} is not a version 1 sidecar`);
  }
  return value as CrdownloadSidecar;
}

/**
 * Removes the sidecar (the download completed or was cancelled); no error when absent.
 *
 * @param partialPath The `.crdownload` file.
 *
 * @example
 * ```ts
 * import { removeSidecar } from "./crdownload_sidecar.ts";
 * await removeSidecar("/nonexistent.crdownload");
 * ```
 */
export async function removeSidecar(partialPath: string): Promise<void> {
  await rm(sidecarPath(partialPath), { force: true });
}
