/**
 * Reads files of an untrusted extension directory without leaving it: relative paths only,
 * no `..` above the root, no symlink that resolves outside it, regular files only, and a size
 * cap so a hostile file cannot exhaust memory.
 *
 * @module
 */

import { readFile, realpath, rm, stat } from "node:fs/promises";
import { isAbsolute, join, normalize, relative, sep } from "node:path";

/** The largest file read from an extension (Chromium has no cap; 64 MiB keeps us alive). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Whether `path` is an existing directory (following symlinks). */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Deletes `<root>/_metadata` (Chromium's verified-contents folder) when it is a directory, as
 * Electron does first (`base::DirectoryExists`, then `DeletePathRecursively`, which removes a
 * symlink itself, never what it points to). A file of that name stays.
 */
export async function deleteMetadata(root: string): Promise<void> {
  const metadata = join(root, "_metadata");
  if (!(await isDirectory(metadata))) return;
  await rm(metadata, { recursive: true, force: true });
}

/**
 * Resolves a path the manifest names, relative to the extension root.
 *
 * @returns The absolute path, or `undefined` when it is absolute or climbs out of the root.
 */
export function resolveInside(root: string, path: string): string | undefined {
  const trimmed = path.replace(/^\/+/, "");
  if (trimmed === "" || isAbsolute(trimmed) || trimmed.includes("\0")) return undefined;
  const joined = normalize(join(root, trimmed));
  const rel = relative(root, joined);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    return undefined;
  }
  return joined;
}

/**
 * Reads a UTF-8 file inside the extension root.
 *
 * @returns The text, or `undefined` when the path escapes the root (also through a symlink),
 * is missing, is not a regular file, or is larger than 64 MiB.
 */
export async function readInside(root: string, path: string): Promise<string | undefined> {
  const bytes = await readBytesInside(root, path);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}

/** Like {@linkcode readInside}, as bytes (extension resources served by a DNR redirect). */
export async function readBytesInside(
  root: string,
  path: string,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const real = await realPathInside(root, path);
  if (real === undefined) return undefined;
  try {
    const info = await stat(real);
    if (!info.isFile() || info.size > MAX_FILE_BYTES) return undefined;
    return new Uint8Array(await readFile(real));
  } catch {
    return undefined;
  }
}

/**
 * The size in bytes of what a path inside the extension root names (a directory's size too, as
 * `base::GetFileSize` gives it), without reading it.
 *
 * @returns The size, or `undefined` when the path escapes the root (also through a symlink) or
 * names nothing.
 */
export async function sizeInside(root: string, path: string): Promise<number | undefined> {
  const real = await realPathInside(root, path);
  if (real === undefined) return undefined;
  try {
    return (await stat(real)).size;
  } catch {
    return undefined;
  }
}

// The real path of `path` under `root`, or `undefined` when it leaves the root, through `..`
// or a symlink, or does not exist.
async function realPathInside(root: string, path: string): Promise<string | undefined> {
  const resolved = resolveInside(root, path);
  if (resolved === undefined) return undefined;
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(resolved)]);
    const rel = relative(realRoot, realFile);
    // `..page.html` is a name inside the root; only a `..` path segment leaves it.
    if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      return undefined;
    }
    return realFile;
  } catch {
    return undefined;
  }
}
