/**
 * The `ses` command line.
 *
 * - `ses demo` — starts a local origin and walks through a session request by request.
 * - `ses fetch [-X METHOD] [-H 'Name: value']... [-d DATA] [-o FILE] [-i] [--partition NAME]
 *   [--cache MODE] URL`
 * - `ses cache size|clear [--partition NAME] [--json]`
 *
 * @module
 */

import process from "node:process";
import { Writable } from "node:stream";
import { session } from "../mod.ts";
import { parseCacheArgs, runCache } from "./cache_command.ts";
import { runDemo } from "./demo_command.ts";
import { runFetch } from "./fetch_command.ts";
import { parseFetchArgs } from "./parse_fetch_args.ts";

const USAGE = `usage:
  ses demo
  ses fetch [-X METHOD] [-H 'Name: value']... [-d DATA] [-o FILE] [-i] [--partition NAME]
            [--cache default|no-store|reload|no-cache|force-cache|only-if-cached] URL
  ses cache size|clear [--partition NAME] [--json]`;

/**
 * Runs a `ses` command.
 *
 * @param argv The arguments after the program name.
 * @returns The exit code.
 *
 * @example
 * ```ts ignore
 * import { main } from "./main.ts";
 * process.exitCode = await main(["demo"]);
 * ```
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "demo":
      await runDemo(session, console.log);
      return 0;
    case "fetch": {
      let args;
      try {
        args = parseFetchArgs(rest);
      } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
        console.error(USAGE);
        return 2;
      }
      return await runFetch(session, args, {
        info: (line) => console.error(line),
        body: Writable.toWeb(process.stdout) as WritableStream<Uint8Array>,
      });
    }
    case "cache": {
      let args;
      try {
        args = parseCacheArgs(rest);
      } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
        console.error(USAGE);
        return 2;
      }
      return await runCache(session, args, console.log);
    }
    default:
      console.error(command === undefined ? USAGE : `ses: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
