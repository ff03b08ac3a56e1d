/**
 * `ses cache size|clear [--partition NAME] [--json]`: the HTTP cache of a session.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { SessionModule } from "../session/mod.ts";
import { fromPartitionOption, inMemoryPartitionLine } from "./partition_option.ts";

/** What `ses cache` was asked to do. */
export interface CacheArgs {
  /** `size` prints the bytes stored; `clear` empties the cache. */
  action: "size" | "clear";
  /** The session partition; default `persist:default`. */
  partition: string;
  /** Print one JSON object instead of text. */
  json: boolean;
}

/**
 * Parses `ses cache size|clear [--partition NAME] [--json]`.
 *
 * @param args The arguments after `cache`.
 * @returns The parsed command.
 * @throws {TypeError} When the action is missing or unknown, or an option is unknown.
 *
 * @example
 * ```ts
 * import { parseCacheArgs } from "./cache_command.ts";
 * console.log(parseCacheArgs(["size", "--json"])); // { action: "size", partition: "persist:default", json: true }
 * ```
 */
export function parseCacheArgs(args: string[]): CacheArgs {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      partition: { type: "string", default: "persist:default" },
      json: { type: "boolean", default: false },
    },
  });
  const [action, ...extra] = positionals;
  if (action !== "size" && action !== "clear") {
    throw new TypeError(
      action === undefined
        ? "ses cache: an action is required (size or clear)"
        : `ses cache: unknown action "${action}" (size or clear)`,
    );
  }
  if (extra.length > 0) throw new TypeError(`ses cache: unexpected argument "${extra[0]}"`);
  return { action, partition: values.partition, json: values.json };
}

/** Where `ses cache` writes. */
export interface CacheOutput {
  /** Results: the size line or the JSON. */
  out: (line: string) => void;
  /** Messages and errors. */
  err: (line: string) => void;
}

/**
 * Prints the size of a session's HTTP cache, or clears it. An in-memory partition is refused,
 * as by `ses cookies` and `ses storage`: its cache starts empty with the command and ends with
 * it, so its size is always 0 and a clear does nothing.
 *
 * @param session The `session` module.
 * @param args The parsed command.
 * @param output Where results and messages go.
 * @returns The exit code: 0, or 2 for an in-memory partition.
 *
 * @example
 * ```ts ignore
 * import { session } from "../mod.ts";
 * import { parseCacheArgs, runCache } from "./cache_command.ts";
 * await runCache(session, parseCacheArgs(["size"]), { out: console.log, err: console.error });
 * // 12345 bytes in persist:default
 * ```
 */
export async function runCache(
  session: SessionModule,
  args: CacheArgs,
  output: CacheOutput,
): Promise<number> {
  const ses = fromPartitionOption(session, args.partition);
  if (!ses.isPersistent()) {
    output.err(inMemoryPartitionLine("cache", args.partition));
    return 2;
  }
  const print = output.out;
  if (args.action === "clear") await ses.clearCache();
  const size = await ses.getCacheSize();
  if (args.json) {
    print(JSON.stringify({ partition: args.partition, size, cleared: args.action === "clear" }));
  } else if (args.action === "clear") {
    print(`cleared the cache of ${args.partition}`);
  } else {
    print(`${size} bytes in ${args.partition}`);
  }
  return 0;
}
