/**
 * `ses fetch`: one request through a session, printed like curl.
 *
 * @module
 */

import { createWriteStream } from "node:fs";
import { Writable } from "node:stream";
import { SessionError } from "../core/session_error.ts";
import type { SessionModule } from "../session/mod.ts";
import type { FetchArgs } from "./parse_fetch_args.ts";

/** Where `ses fetch` writes. */
export interface FetchOutput {
  /** Status line, headers and messages. */
  info: (line: string) => void;
  /** The response body when no `-o` file is given. */
  body: WritableStream<Uint8Array>;
}

/**
 * Runs one request and streams the body to the output or a file.
 *
 * @param session The `session` module.
 * @param args The parsed arguments.
 * @param output Where to print.
 * @returns The exit code: 0 for any HTTP response, 1 for a network failure.
 *
 * @example
 * ```ts ignore
 * import { session } from "../mod.ts";
 * import { runFetch } from "./fetch_command.ts";
 * import { parseFetchArgs } from "./parse_fetch_args.ts";
 * await runFetch(session, parseFetchArgs(["http://127.0.0.1:8080/"]), {
 *   info: console.error,
 *   body: new WritableStream(),
 * });
 * ```
 */
export async function runFetch(
  session: SessionModule,
  args: FetchArgs,
  output: FetchOutput,
): Promise<number> {
  const ses = session.fromPartition(args.partition);
  try {
    const response = await ses.fetch(args.url, {
      method: args.method,
      headers: args.headers,
      body: args.data,
      cache: args.cache,
      // The fetch standard allows only-if-cached with same-origin mode alone.
      ...(args.cache === "only-if-cached" ? { mode: "same-origin" as const } : {}),
    });
    if (args.include) {
      output.info(`HTTP/1.1 ${response.status} ${response.statusText}`);
      for (const [name, value] of response.headers) output.info(`${name}: ${value}`);
      output.info("");
    }
    const sink = args.output
      ? Writable.toWeb(createWriteStream(args.output)) as WritableStream<Uint8Array>
      : output.body;
    await (response.body ?? new ReadableStream()).pipeTo(sink, { preventClose: !args.output });
    return 0;
  } catch (error) {
    if (!SessionError.is(error)) throw error;
    output.info(`ses: ${error.message} (${args.url})`);
    return 1;
  } finally {
    await ses.closeAllConnections();
  }
}
