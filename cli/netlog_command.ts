/**
 * `ses netlog har LOG.json [-o out.har]` and `ses netlog view LOG.json [-o report.html]`: read
 * a Chromium net log (complete or cut off, a bounded one's events from `LOG.json.inprogress/`,
 * or piped in as `-`) and write a HAR 1.2 archive of its requests, or a self-contained HTML
 * waterfall of them.
 *
 * @module
 */

import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { basename } from "node:path";
import {
  netLogProblems,
  netLogToHar,
  netLogView,
  parseNetLog,
  readNetLogFile,
} from "../session/mod.ts";
import { usageLine } from "./usage_error.ts";

/** The usage lines of `ses netlog`. */
export const NETLOG_USAGE =
  "  ses netlog har LOG.json [-o|--output OUT.har]   (HAR 1.2 from a net log)\n" +
  "  ses netlog view LOG.json [-o|--output REPORT.html]   (an HTML waterfall; default LOG.json.html)\n" +
  "      -o - writes to standard output; LOG.json - reads standard input (the page then goes to\n" +
  "      standard output unless -o names a file)";

/** Where `ses netlog` reads and writes. */
export interface NetlogOutput {
  /** Messages and errors. */
  info: (line: string) => void;
  /** The HAR text, when `har` has no `-o`. */
  write: (text: string) => void;
  /** Standard input, for the log `-`; without it `-` is a file name. */
  readStdin?: () => Promise<string>;
}

/**
 * Runs `ses netlog`.
 *
 * @param args The words after `netlog`.
 * @param output Where messages and the HAR go.
 * @returns The exit code: 0 done, 1 the log cannot be read, 2 a usage error.
 *
 * @example
 * ```ts
 * import { runNetlog } from "./netlog_command.ts";
 * console.log(await runNetlog([], { info: () => {}, write: () => {} })); // 2
 * ```
 */
export async function runNetlog(args: string[], output: NetlogOutput): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { output: { type: "string", short: "o" } },
    });
  } catch (error) {
    output.info(usageLine("netlog", error));
    return 2;
  }
  const [action, path, ...extra] = parsed.positionals;
  if ((action !== "har" && action !== "view") || path === undefined || extra.length > 0) {
    output.info(usageLine("netlog", "expected an action (har or view) and one LOG.json"));
    return 2;
  }
  // `-` is standard input, as for curl's `-d @-`: a log piped in (no in-progress event files).
  const piped = path === "-" && output.readStdin !== undefined;
  let log;
  try {
    log = piped ? parseNetLog(await output.readStdin!()) : await readNetLogFile(path);
  } catch (error) {
    output.info(`ses netlog: cannot read "${path}": ${(error as Error).message}`);
    return 1;
  }
  const problems = netLogProblems(log);
  if (problems.length > 0) {
    output.info(`ses netlog: "${path}" is not a net log the viewer loads: ${problems[0]}`);
    return 1;
  }
  if (log.truncated) output.info(`ses netlog: "${path}" was cut off; read to its last whole line`);
  // `-o -` is standard output, as for curl.
  const chosen = parsed.values.output;
  // A piped log's page has no file to sit beside: without -o it goes to standard output.
  const target = chosen === "-" || (piped && chosen === undefined)
    ? undefined
    : action === "view"
    ? chosen ?? `${path}.html`
    : chosen;
  const text = action === "view"
    ? netLogView(log, piped ? "standard input" : basename(path))
    : `${JSON.stringify(netLogToHar(log), null, 2)}\n`;
  if (target === undefined) {
    output.write(text);
    return 0;
  }
  try {
    await writeFile(target, text);
  } catch (error) {
    output.info(`ses netlog: cannot write "${target}": ${(error as Error).message}`);
    return 1;
  }
  if (action === "view") output.info(`ses netlog: wrote ${target}`);
  return 0;
}
