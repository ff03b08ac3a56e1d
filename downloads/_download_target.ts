/**
 * Where one download's bytes live: the save path, the `.crdownload` file beside it, and the
 * unique-name reservation when the name was generated. Private to downloads/.
 *
 * @module
 */

import { copyFile, type FileHandle, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { removeSidecar } from "./crdownload_sidecar.ts";
import {
  moveWithoutOverwrite,
  openPartialPath,
  PARTIAL_SUFFIX,
  releasePartialPath,
  releaseReservation,
  reserveUniquePath,
} from "./unique_path.ts";

// The last commit asked for each save path, settled either way; see DownloadTarget.commit.
const commitsByPath = new Map<string, Promise<void>>();

/** A download's files. */
export class DownloadTarget {
  #savePath = "";
  #explicit = false;
  #partialPath = "";
  #reservedPath = "";
  #claimedPartial = false;
  #adoptsFiles: boolean;
  // A restored download's own path, where its partial bytes are (`path.crdownload` or `path`)
  // whatever save path the program then chooses; `""` for a new download.
  #restoredPath = "";

  /**
   * Starts with no path, or with the path of a restored download.
   *
   * @param restoredPath `createInterruptedDownload`'s path: its partial bytes may already be
   * on disk, in `path.crdownload` or in `path` itself.
   */
  constructor(restoredPath?: string) {
    this.#adoptsFiles = restoredPath !== undefined;
    if (restoredPath !== undefined) {
      this.choose(restoredPath);
      this.#restoredPath = this.#savePath;
    }
  }

  /** The save path: chosen, provisional (directory + generated name) or `""`. */
  get savePath(): string {
    return this.#savePath;
  }

  /** The partial file, `""` until one exists. */
  get partialPath(): string {
    return this.#partialPath;
  }

  /**
   * Whether the partial file has a sidecar (`<partial>.json`): not before one exists, and never
   * when a restored download keeps its bytes at the save path itself, whose `<path>.json` is
   * not ours (a user's `data.json` beside `data`).
   */
  get keepsSidecar(): boolean {
    return this.#partialPath !== "" && this.#hasSidecar(this.#partialPath);
  }

  /**
   * Sets the save path the program chose (an existing file there is replaced on completion).
   *
   * @param path The path (relative: from the current directory); `""` forgets the choice (a
   * restored download's path is kept).
   */
  choose(path: string): void {
    // A relative path is taken from the current directory now, so getSavePath shows where the
    // file goes.
    this.#savePath = path === "" ? this.#restoredPath : resolve(path);
    this.#explicit = path !== "";
  }

  /**
   * Names the file before it exists, when the program chose no path.
   *
   * @param directory The download directory.
   * @param name The generated name.
   */
  propose(directory: string, name: string): void {
    if (!this.#explicit) this.#savePath = join(directory, name);
  }

  /**
   * The partial file a resume may continue: this download's own, or for a restored download
   * `path.crdownload` or `path` when one exists.
   *
   * @returns Its path, or `undefined` when there is none.
   */
  async existingPartial(): Promise<string | undefined> {
    if (this.#partialPath !== "") return this.#partialPath;
    if (!this.#adoptsFiles) return undefined;
    for (const candidate of [this.#restoredPath + PARTIAL_SUFFIX, this.#restoredPath]) {
      if (await isFile(candidate)) {
        this.#partialPath = candidate;
        return candidate;
      }
    }
    return undefined;
  }

  /**
   * Opens the partial file for writing at `offset`: this download's own or, for a restored
   * download, the one it was given (cut to `offset`),
   * `<savePath>.crdownload` for a chosen path (directories made; `<savePath> (1).crdownload`
   * while another download, of this process or another, holds that one), or a new unique name
   * in the directory.
   *
   * @param offset The bytes to keep.
   * @param directory The download directory.
   * @param name The generated name.
   * @returns The open file.
   */
  async open(offset: number, directory: string, name: string): Promise<FileHandle> {
    // A restored download that restarts from zero has not looked for its partial file yet: it
    // is rewritten, as Chromium truncates an interrupted download's current path on a restart,
    // rather than left beside a new `path (1).crdownload`.
    if (this.#partialPath === "" && this.#adoptsFiles) await this.existingPartial();
    if (this.#savePath !== this.#restoredPath && this.#isRestoredPartial()) {
      await this.#moveRestoredPartial();
    }
    if (this.#partialPath !== "") {
      // Create it if it went missing, without truncating it when it did not.
      await (await open(this.#partialPath, "a")).close();
      const handle = await open(this.#partialPath, "r+");
      await handle.truncate(offset);
      return handle;
    }
    if (this.#explicit) {
      await mkdir(dirname(this.#savePath), { recursive: true });
      const { partialPath, handle } = await openPartialPath(this.#savePath);
      this.#partialPath = partialPath;
      this.#claimedPartial = true;
      return handle;
    }
    await mkdir(directory, { recursive: true });
    const reservation = await reserveUniquePath(directory, name);
    this.#reservedPath = reservation.path;
    this.#savePath = reservation.path;
    this.#partialPath = reservation.partialPath;
    return reservation.handle;
  }

  /**
   * A program that chose another save path for a restored download (a `'will-download'`
   * listener's `setSavePath`) gets its bytes there, as `<savePath>.crdownload`: Chromium renames
   * a resumed download's current path to the new target's (DownloadItemImpl's
   * OnDownloadTargetDetermined), so the bytes are continued, not fetched again beside them.
   */
  async #moveRestoredPartial(): Promise<void> {
    const from = this.#partialPath;
    await mkdir(dirname(this.#savePath), { recursive: true });
    const { partialPath, handle } = await openPartialPath(this.#savePath);
    this.#partialPath = partialPath;
    this.#claimedPartial = true;
    await handle.close();
    try {
      await rename(from, partialPath);
    } catch (error) {
      // Another file system (a temporary directory, a mounted disk): copied, then removed.
      if ((error as { code?: string }).code !== "EXDEV") throw error;
      await copyFile(from, partialPath);
      await rm(from);
    }
    if (from !== this.#restoredPath) await removeSidecar(from).catch(() => {});
  }

  /** Whether the partial file is the one a restored download was given. */
  #isRestoredPartial(): boolean {
    return this.#adoptsFiles &&
      (this.#partialPath === this.#restoredPath ||
        this.#partialPath === this.#restoredPath + PARTIAL_SUFFIX);
  }

  /**
   * Whether a partial file has a sidecar of ours: not bytes kept at the save path itself, nor
   * at a restored download's own path, whose `<path>.json` is not ours.
   */
  #hasSidecar(partial: string): boolean {
    return partial !== this.#savePath && partial !== this.#restoredPath;
  }

  /**
   * Opens the partial file again after a pause.
   *
   * @returns The open file.
   */
  reopen(): Promise<FileHandle> {
    return open(this.#partialPath, "r+");
  }

  /**
   * Moves the completed partial file to the save path (a generated name is never overwritten
   * and may become `name (N).ext`) and removes the sidecar. Commits to one save path run one
   * after another, in the order asked: the download whose `'done'` comes last is the one whose
   * bytes the file holds, as Chromium's one download sequence orders renames and completions.
   */
  async commit(): Promise<void> {
    const path = this.#savePath;
    const mine = (commitsByPath.get(path) ?? Promise.resolve()).then(() => this.#commitNow());
    const settled = mine.then(() => {}, () => {});
    commitsByPath.set(path, settled);
    try {
      await mine;
    } finally {
      if (commitsByPath.get(path) === settled) commitsByPath.delete(path);
    }
  }

  async #commitNow(): Promise<void> {
    // Bytes kept at the save path itself stay where they are, with no sidecar of ours.
    if (this.#partialPath !== this.#savePath) {
      if (this.#reservedPath !== "") {
        this.#savePath = await moveWithoutOverwrite(this.#partialPath, this.#reservedPath);
      } else {
        await rename(this.#partialPath, this.#savePath);
      }
      await removeSidecar(this.#partialPath);
    }
    this.release();
  }

  /**
   * Removes the partial file and its sidecar, for a cancelled download. The save path itself
   * goes only for a restored download whose bytes are kept there: Chromium deletes a cancelled
   * interrupted download's current path, which Electron's `createInterruptedDownload` sets to
   * its `path` (download_item_impl.cc, InterruptWithPartialState). A restored download
   * cancelled before it resumed has its partial file looked for first.
   */
  async discard(): Promise<void> {
    const partial = this.#partialPath !== "" ? this.#partialPath : await this.existingPartial();
    if (partial !== undefined) {
      if (partial !== this.#savePath || this.#adoptsFiles) {
        await rm(partial, { force: true }).catch(() => {});
      }
      if (this.#hasSidecar(partial)) await removeSidecar(partial).catch(() => {});
    }
    this.release();
  }

  /** Gives up the unique-name reservation or the partial file's claim, if any. */
  release(): void {
    if (this.#reservedPath !== "") releaseReservation(this.#reservedPath);
    if (this.#claimedPartial) releasePartialPath(this.#partialPath);
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
