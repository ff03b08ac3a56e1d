/**
 * Tells whether a file system error means "no such file or directory". Deno's `NotFound` and
 * Node-style errors from `node:fs` both carry `code: "ENOENT"`, so one check serves both runtimes.
 *
 * @param error A caught value.
 * @returns `true` for a missing-path error.
 */
export function isNotFound(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}
