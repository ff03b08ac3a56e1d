/**
 * Chromium's name for a file system failure, as Electron's `netLog.startLogging` rejects with
 * it (`base::File::ErrorToString` of `base::File::OSErrorToFileError`).
 *
 * @module
 */

// base/files/file_posix.cc, File::OSErrorToFileError; any other errno is FILE_ERROR_FAILED.
const FILE_ERRORS: Readonly<Record<string, string>> = {
  EACCES: "FILE_ERROR_ACCESS_DENIED",
  EISDIR: "FILE_ERROR_ACCESS_DENIED",
  EROFS: "FILE_ERROR_ACCESS_DENIED",
  EPERM: "FILE_ERROR_ACCESS_DENIED",
  EBUSY: "FILE_ERROR_IN_USE",
  ETXTBSY: "FILE_ERROR_IN_USE",
  EEXIST: "FILE_ERROR_EXISTS",
  EIO: "FILE_ERROR_IO",
  ENOENT: "FILE_ERROR_NOT_FOUND",
  ENFILE: "FILE_ERROR_TOO_MANY_OPENED",
  EMFILE: "FILE_ERROR_TOO_MANY_OPENED",
  ENOMEM: "FILE_ERROR_NO_MEMORY",
  ENOSPC: "FILE_ERROR_NO_SPACE",
  ENOTDIR: "FILE_ERROR_NOT_A_DIRECTORY",
};

/**
 * The error Electron's `startLogging` rejects with when its file cannot be opened: an `Error`
 * whose message is Chromium's file error name, the system error kept as its `cause`.
 *
 * @param error What opening the file threw (a Node-style error with a `code`, or anything).
 * @returns `Error("FILE_ERROR_NOT_FOUND")` for `ENOENT`, and so on; `FILE_ERROR_FAILED` for
 * codes Chromium does not name.
 *
 * @example
 * ```ts
 * import { fileError } from "./_file_error.ts";
 * const missing = Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT" });
 * console.log(fileError(missing).message); // FILE_ERROR_NOT_FOUND
 * ```
 */
export function fileError(error: unknown): Error {
  const code = (error as { code?: unknown } | null)?.code;
  const name = typeof code === "string" ? FILE_ERRORS[code] : undefined;
  return new Error(name ?? "FILE_ERROR_FAILED", { cause: error });
}
