/**
 * `ses proxy resolve URL [--rules R [--bypass B] | --pac FILE|URL] [--json]`: what a session's
 * proxy settings choose for a URL, as `ses.resolveProxy` answers it.
 *
 * @module
 */

import { accessSync, constants, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { ProxyConfig } from "../core/electron_types.ts";
import { netErrorCode } from "../core/net_errors.ts";
import { type ReadNetLogEvent, readNetLogFile, type SessionModule } from "../session/mod.ts";

/** What `ses proxy resolve` was asked to do. */
export interface ProxyArgs {
  /** The URL to resolve. */
  url: string;
  /** The settings to apply: rules, bypass rules or a PAC URL; `system` mode when none. */
  config: ProxyConfig;
  /** Print JSON instead of the PAC-style string. */
  json: boolean;
}

/**
 * Parses the arguments after `ses proxy`.
 *
 * @param argv Like `["resolve", "https://a.test/", "--rules", "p:8080"]`.
 * @returns The parsed arguments.
 * @throws {TypeError} With the usage problem, like `ses proxy: missing URL`,
 * `ses proxy: "a.test" is not a URL`, `--bypass` without `--rules` or `--pac` with `--rules`.
 *
 * @example
 * ```ts
 * import { parseProxyArgs } from "./proxy_command.ts";
 * console.log(parseProxyArgs(["resolve", "http://a.test/", "--rules", "p:1"]).config);
 * // { proxyRules: "p:1" }
 * ```
 */
export function parseProxyArgs(argv: string[]): ProxyArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      rules: { type: "string" },
      bypass: { type: "string" },
      pac: { type: "string" },
      json: { type: "boolean", default: false },
    },
    allowPositionals: true,
  });
  const [action, url, ...extra] = positionals;
  if (action === undefined) throw new TypeError("ses proxy: an action is required (resolve)");
  if (action !== "resolve") throw new TypeError(`ses proxy: unknown action "${action}" (resolve)`);
  if (url === undefined) throw new TypeError("ses proxy: missing URL");
  if (extra.length > 0) throw new TypeError(`ses proxy: unexpected argument "${extra[0]}"`);
  if (!URL.canParse(url)) throw new TypeError(`ses proxy: "${url}" is not a URL`);
  // Electron hands bypass rules to Chromium with fixed_servers alone (CreateFixedServers); in
  // system mode the environment's no_proxy applies and a PAC script decides alone.
  if (values.bypass !== undefined && values.rules === undefined) {
    throw new TypeError(
      "ses proxy: --bypass needs --rules (bypass rules apply to fixed proxy rules only)",
    );
  }
  // With a PAC script Electron's setProxy ignores proxyRules (and their bypass rules): the
  // rules would be dropped without a word.
  if (values.pac !== undefined && values.rules !== undefined) {
    throw new TypeError(
      "ses proxy: --pac and --rules cannot be combined (a PAC script ignores proxy rules)",
    );
  }
  const config: ProxyConfig = {};
  if (values.pac !== undefined) config.pacScript = pacUrl(values.pac);
  if (values.rules !== undefined) config.proxyRules = values.rules;
  if (values.bypass !== undefined) config.proxyBypassRules = values.bypass;
  if (values.pac === undefined && values.rules === undefined) config.mode = "system";
  return { url, config, json: values.json };
}

/**
 * Applies the settings to an in-memory session and prints what it resolves for the URL.
 *
 * @param session The `session` module.
 * @param args The parsed arguments.
 * @param output `out` gets the result (a PAC-style list, or with `--json` one JSON object);
 * `err` gets the failure message, with its reason (a PAC file that cannot be read; as the
 * session's net log has it, the PAC script's error and its line, the net error of a fetch that
 * failed, or a text that is no PAC script; rules that hold no valid proxy).
 * @returns 0 when the look-up succeeded, 1 when it failed (`""`: a PAC script that cannot be
 * fetched or run, with no fallback).
 *
 * @example
 * ```ts ignore
 * import { session } from "../mod.ts";
 * import { parseProxyArgs, runProxy } from "./proxy_command.ts";
 * const args = parseProxyArgs(["resolve", "http://a.test/", "--rules", "p:1"]);
 * await runProxy(session, args, { out: console.log, err: console.error }); // PROXY p:1
 * ```
 */
export async function runProxy(
  session: SessionModule,
  args: ProxyArgs,
  output: { out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  const ses = session.fromPartition("ses-proxy-cli");
  // A PAC script's errors reach the session's net log alone: it runs while the script loads
  // and runs, so a failure can say what the script's error was.
  const logDir = args.config.pacScript === undefined
    ? undefined
    : await mkdtemp(join(tmpdir(), "ses-proxy-"));
  const logPath = logDir === undefined ? undefined : join(logDir, "netlog.json");
  if (logPath !== undefined) await ses.netLog.startLogging(logPath);
  let scriptError: string | undefined;
  let result: string;
  try {
    await ses.setProxy(args.config);
    result = await ses.resolveProxy(args.url);
  } finally {
    if (logPath !== undefined) {
      await ses.netLog.stopLogging();
      scriptError = pacFailure((await readNetLogFile(logPath)).events);
      await rm(logDir!, { recursive: true, force: true });
    }
  }
  if (args.json) {
    output.out(
      JSON.stringify({ url: args.url, result, entries: result === "" ? [] : result.split(";") }),
    );
  } else if (result !== "") {
    output.out(result);
  }
  if (result === "") output.err(failureMessage(args, scriptError));
  await ses.closeAllConnections();
  return result === "" ? 1 : 0;
}

// What failed the PAC script, from the log: its last error ("failed at line N: message"),
// else its fetch's net error, else (fetched, no error) the PacFileDecider's check that found
// no FindProxyForURL in the text.
function pacFailure(events: readonly ReadNetLogEvent[]): string | undefined {
  const error = events.findLast((event) => event.type === "PAC_JAVASCRIPT_ERROR")?.params;
  if (error !== undefined) {
    const line = Number(error.line_number);
    return `failed${line > 0 ? ` at line ${line}` : ""}: ${String(error.message)}`;
  }
  const fetched = events.findLast((event) =>
    event.type === "PAC_FILE_DECIDER_FETCH_PAC_SCRIPT" && event.phase === "PHASE_END"
  );
  if (fetched === undefined) return undefined;
  const netError = fetched.params?.net_error;
  if (netError === undefined) return "does not define FindProxyForURL";
  const code = netErrorCode(Number(netError));
  return `could not be fetched (${code === undefined ? netError : `net::${code}`})`;
}

// Why a look-up gave "": the session says no more, so the reason is found from the inputs and
// the script's error in the net log.
function failureMessage(args: ProxyArgs, scriptError: string | undefined): string {
  const { pacScript } = args.config;
  if (pacScript?.startsWith("file:")) {
    const path = fileURLToPath(pacScript);
    try {
      accessSync(path, constants.R_OK);
      // A directory is readable, but reading it as a file fails: say so, as read(2) would.
      if (statSync(path).isDirectory()) {
        return `ses proxy: cannot read the PAC file "${path}" (EISDIR)`;
      }
    } catch (error) {
      const code = (error as { code?: string }).code ?? String(error);
      return `ses proxy: cannot read the PAC file "${path}" (${code})`;
    }
  }
  const why = pacScript === undefined
    ? "the rules hold no valid proxy"
    : scriptError === undefined
    ? "the PAC script could not be loaded or run"
    : `the PAC script ${scriptError}`;
  return `ses proxy: the proxy look-up failed for ${args.url}: ${why}`;
}

function pacUrl(text: string): string {
  // A URL keeps its scheme; anything else is a file path.
  return /^(https?|file|data):/i.test(text) ? text : pathToFileURL(resolve(text)).href;
}
