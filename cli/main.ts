/**
 * The `ses` command line.
 *
 * - `ses demo` — starts a local origin and walks through a session request by request.
 * - `ses fetch [-X METHOD] [-H 'Name: value']... [-d DATA] [-o FILE] [-i] [--partition NAME]
 *   [--block PATTERN]... URL`
 * - `ses cookies list|get|set|remove|clear [--partition NAME] [--url URL] [--json]`
 *
 * @module
 */

import process from "node:process";
import { Writable } from "node:stream";
import { session } from "../mod.ts";
import { runDemo } from "./demo_command.ts";
import { runCookies } from "./cookies_command.ts";
import { runFetch } from "./fetch_command.ts";
import { parseCookiesArgs } from "./parse_cookies_args.ts";
import { parseFetchArgs } from "./parse_fetch_args.ts";

const USAGE = `usage:
  ses demo
  ses fetch [-X METHOD] [-H 'Name: value']... [-d DATA] [-o FILE] [-i] [--partition NAME]
      [--block PATTERN]... URL   (--block: a Chrome match pattern to cancel, like '*://*/ads/*')
  ses cookies list|get|set|remove|clear [--partition NAME] [--url URL] [--json]
      get [NAME]; set NAME=VALUE [--domain D] [--path P] [--secure] [--http-only]
      [--same-site unspecified|no_restriction|lax|strict] [--expires UNIX_SECONDS]; remove NAME`;

/**
 * Runs a `ses` command.
 *
 * @param argv The arguments after the program name.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 * console.log(await main(["no-such-command"])); // 2, after printing the usage
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
    case "cookies": {
      let args;
      try {
        args = parseCookiesArgs(rest);
      } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
        console.error(USAGE);
        return 2;
      }
      return await runCookies(session, args, {
        out: (line) => console.log(line),
        err: (line) => console.error(line),
      });
    }
    default:
      console.error(command === undefined ? USAGE : `ses: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
