/**
 * The session a command's `--partition` option names.
 *
 * @module
 */

import type { Session, SessionModule } from "../session/mod.ts";
import { UsageError } from "./usage_error.ts";

/**
 * Opens the session of a `--partition` value. A name the session module refuses (a `persist:`
 * name whose directory name would pass the file system's 255 bytes) is the typist's mistake, so
 * it becomes a {@linkcode UsageError}: every command then exits 2 for it, as for a bad option.
 *
 * @param session The `session` module.
 * @param partition The option's value, as Electron's `session.fromPartition` takes it.
 * @returns The session.
 * @throws {UsageError} `--partition: <the session module's message>`.
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * import { fromPartitionOption } from "./partition_option.ts";
 * console.log(fromPartitionOption(session, "example").isPersistent()); // false
 * try {
 *   fromPartitionOption(session, `persist:${"x".repeat(300)}`);
 * } catch (error) {
 *   console.log((error as Error).name); // UsageError
 * }
 * ```
 */
export function fromPartitionOption(session: SessionModule, partition: string): Session {
  try {
    return session.fromPartition(partition);
  } catch (error) {
    throw new UsageError(`--partition: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The one line a command that reads or changes what a partition stores prints for an in-memory
 * partition, whose data would live and end with the command (it then exits 2).
 *
 * @param command The command as typed after `ses`, like `cookies`.
 * @param partition The `--partition` value.
 * @returns The line.
 *
 * @example
 * ```ts
 * import { inMemoryPartitionLine } from "./partition_option.ts";
 * console.log(inMemoryPartitionLine("cache", "work"));
 * // ses cache: partition "work" lives in memory and ends with this command; use a persistent one like "persist:work"
 * ```
 */
export function inMemoryPartitionLine(command: string, partition: string): string {
  return `ses ${command}: partition "${partition}" lives in memory and ends with this command; ` +
    `use a persistent one like "persist:${partition}"`;
}
