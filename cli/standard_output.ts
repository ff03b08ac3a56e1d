/**
 * The line `ses` prints when its standard output went away before everything was written
 * (`ses netlog har LOG | head -1`), as curl says "Failure writing output": one wording whether
 * the write failed inside a command (Bun's pipe to the body of `ses fetch`) or after it (Deno
 * reports a pipe's write failure once the command has returned).
 *
 * @module
 */

/**
 * Whether an error is a failed write of standard output: a system error of `write` (EPIPE when
 * the reader went away).
 *
 * @param error What a write to standard output, or a pipe into it, failed with.
 * @returns `true` for a write's system error.
 *
 * @example
 * ```ts
 * import { isWriteError } from "./standard_output.ts";
 * const epipe = Object.assign(new Error("EPIPE: broken pipe, write"), { syscall: "write" });
 * console.log(isWriteError(epipe), isWriteError(new TypeError("Invalid URL"))); // true false
 * ```
 */
export function isWriteError(error: unknown): error is Error {
  return error instanceof Error && (error as { syscall?: unknown }).syscall === "write";
}

/**
 * The one line that says standard output was closed early.
 *
 * @param name The command, like `ses fetch`.
 * @param error The write's error; its `code` (`EPIPE`) is named, else its message.
 * @returns The line, without its newline.
 *
 * @example
 * ```ts
 * import { standardOutputClosed } from "./standard_output.ts";
 * const epipe = Object.assign(new Error("EPIPE: broken pipe, write"), { code: "EPIPE" });
 * console.log(standardOutputClosed("ses fetch", epipe));
 * // ses fetch: standard output was closed before everything was written (EPIPE)
 * ```
 */
export function standardOutputClosed(name: string, error: Error): string {
  const why = (error as { code?: unknown }).code ?? error.message;
  return `${name}: standard output was closed before everything was written (${String(why)})`;
}
