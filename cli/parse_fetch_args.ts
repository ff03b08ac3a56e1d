/**
 * Parses `ses fetch` arguments, curl-style.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { REQUEST_CACHE_MODES } from "../core/request_cache_modes.ts";
import type { SSLConfig, SSLVersion } from "../core/electron_types.ts";
import type { CaptureMode } from "../session/mod.ts";
import { type Credentials, parseCredentials, parseHeaderOptions } from "./request_options.ts";

/**
 * One piece of the request body, in the order given: `-d TEXT` and `--data-binary TEXT` are
 * `{text}`; `-d @FILE` is `{file, stripNewlines: true}` (curl drops the file's CR and LF), and
 * `--data-binary @FILE` `{file, stripNewlines: false}`; the file `-` is standard input.
 */
export type FetchData = { text: string } | { file: string; stripNewlines: boolean };

/** What `ses fetch` was asked to do. */
export interface FetchArgs {
  /** The URL to fetch. */
  url: string;
  /** The method; default GET, or POST when there is data. */
  method: string;
  /**
   * Request headers, in order; with `-d` and no Content-Type, curl's form type last. `-H 'Name;'`
   * is the header with an empty value, as curl sends it.
   */
  headers: [string, string][];
  /**
   * Names given a blank value (`-H 'Accept:'`): not sent, the session's own header of that name
   * neither (curl's way to remove one of its headers); absent when there are none.
   */
  omitHeaders?: string[];
  /** The request body's pieces, from `-d` and `--data-binary`, joined with `&` as curl does. */
  data?: FetchData[];
  /** Write the body to this file instead of standard output; `-o -` is standard output. */
  output?: string;
  /** The session partition; default `persist:default`. */
  partition: string;
  /** Print the status line and headers before the body. */
  include: boolean;
  /** Print one JSON object (status, headers, body) instead, from `--json`. */
  json: boolean;
  /** The request cache mode (`init.cache`); default `default`. */
  cache: RequestCache;
  /** Chrome match patterns of requests to cancel (a webRequest rule), from `--block`. */
  block: string[];
  /** Record a net log of the run to this file, from `--netlog`. */
  netlog?: string;
  /**
   * What the `--netlog` log keeps (Electron's `captureMode`), from `--netlog-capture-mode`;
   * Electron's default, `default`, when absent.
   */
  netlogCaptureMode?: CaptureMode;
  /** Proxy rules for the request (`ses.setProxy`'s `proxyRules`), from `--proxy`. */
  proxy?: string;
  /** Proxy bypass rules (`proxyBypassRules`), from `--proxy-bypass`; only with `--proxy`. */
  proxyBypass?: string;
  /**
   * Credentials for the URL's server, from `-u USER:PASSWORD` (split at the first colon, as
   * curl does); they answer its challenge as credentials in the URL do.
   */
  user?: Credentials;
  /**
   * Credentials for a proxy that asks, from curl's `-U USER:PASSWORD` (`--proxy-user`, split at
   * the first colon); they answer its 407 through the `'login'` event, in the strongest scheme
   * it offers (curl's `--proxy-anyauth`), once.
   */
  proxyUser?: Credentials;
  /**
   * Accept any server certificate for the run (a verify proc answering `0`), from curl's `-k`
   * (`--insecure`); absent otherwise.
   */
  insecure?: true;
  /**
   * The run's TLS versions for `ses.setSSLConfig`, from curl's `--tlsv1.0` to `--tlsv1.3` (the
   * lowest version) and `--tls-max` (`1.2`, `1.3` or `default`); absent when none is given.
   */
  ssl?: SSLConfig;
  /**
   * The download rate in bytes per second (`enableNetworkEmulation`'s `downloadThroughput`, 0 no
   * limit), from curl's `--limit-rate` (K, M and G suffixes in 1024s); absent otherwise.
   */
  limitRate?: number;
}

// curl's --tlsvX options, by the Electron minVersion each asks for.
const TLS_MIN_OPTIONS: ReadonlyMap<string, SSLVersion> = new Map<string, SSLVersion>([
  ["tlsv1.0", "tls1"],
  ["tlsv1.1", "tls1.1"],
  ["tlsv1.2", "tls1.2"],
  ["tlsv1.3", "tls1.3"],
]);

// Electron's capture modes (netLog.startLogging's captureMode).
const NETLOG_CAPTURE_MODES: readonly CaptureMode[] = ["default", "includeSensitive", "everything"];

/**
 * Parses `ses fetch [-X METHOD] [-H 'Name: value']... [-d DATA]... [--data-binary DATA]... [-o FILE]
 * [-i | --json] [--partition NAME] [--cache MODE] [--block PATTERN]... [--netlog FILE
 * [--netlog-capture-mode default|includeSensitive|everything]] [--proxy RULES
 * [--proxy-bypass RULES]] [-u USER:PASSWORD] [-k] [--tlsv1.0|--tlsv1.1|--tlsv1.2|--tlsv1.3]
 * [--tls-max 1.2|1.3|default] [--limit-rate RATE] URL`.
 *
 * @param args The arguments after `fetch`.
 * @returns The parsed request.
 * @throws {TypeError} When an option is unknown, a header has no colon, the cache mode is not
 * one of fetch's, `--proxy-bypass` comes without `--proxy`, `--netlog-capture-mode` without
 * `--netlog` or with a mode Electron does not have (the names are taken in any case, so
 * Chromium's `--net-log-capture-mode` spellings `Everything` and `IncludeSensitive` work), `-i`
 * comes with `--json`, `-u` has no colon (curl would ask for the password) or the URL is missing.
 *
 * @example
 * ```ts
 * import { parseFetchArgs } from "./parse_fetch_args.ts";
 * const parsed = parseFetchArgs(["-X", "PUT", "-H", "x-a: 1", "-d", "hi", "http://a.test/"]);
 * console.log(parsed.method, parsed.partition); // PUT persist:default
 * // -d adds curl's form type after the caller's headers, as no -H named a Content-Type:
 * console.log(parsed.headers); // [ [ "x-a", "1" ], [ "Content-Type", "application/x-www-form-urlencoded" ] ]
 * ```
 */
export function parseFetchArgs(args: string[]): FetchArgs {
  const { values, positionals, tokens } = parseArgs({
    args,
    allowPositionals: true,
    tokens: true,
    options: {
      request: { type: "string", short: "X" },
      header: { type: "string", short: "H", multiple: true },
      data: { type: "string", short: "d", multiple: true },
      "data-binary": { type: "string", multiple: true },
      output: { type: "string", short: "o" },
      include: { type: "boolean", short: "i", default: false },
      json: { type: "boolean", default: false },
      partition: { type: "string", default: "persist:default" },
      cache: { type: "string", default: "default" },
      block: { type: "string", multiple: true },
      netlog: { type: "string" },
      "netlog-capture-mode": { type: "string" },
      proxy: { type: "string" },
      "proxy-bypass": { type: "string" },
      user: { type: "string", short: "u" },
      "proxy-user": { type: "string", short: "U" },
      insecure: { type: "boolean", short: "k", default: false },
      "tlsv1.0": { type: "boolean" },
      "tlsv1.1": { type: "boolean" },
      "tlsv1.2": { type: "boolean" },
      "tlsv1.3": { type: "boolean" },
      "tls-max": { type: "string" },
      "limit-rate": { type: "string" },
    },
  });
  const [url, ...extra] = positionals;
  if (url === undefined) throw new TypeError("ses fetch: a URL is required");
  if (extra.length > 0) throw new TypeError(`ses fetch: unexpected argument "${extra[0]}"`);
  const { headers, omitHeaders, blank } = parseHeaderOptions("ses fetch", values.header ?? []);
  // -d and --data-binary in the order given, as curl joins them.
  const data = tokens.flatMap((token): FetchData[] => {
    if (token.kind !== "option" || token.value === undefined) return [];
    if (token.name !== "data" && token.name !== "data-binary") return [];
    if (!token.value.startsWith("@")) return [{ text: token.value }];
    return [{ file: token.value.slice(1), stripNewlines: token.name === "data" }];
  });
  const hasData = data.length > 0;
  // curl's -d sends a form unless a Content-Type says otherwise (fetch would say text/plain).
  if (
    hasData &&
    ![...headers.map(([name]) => name), ...blank].some((name) => /^content-type$/i.test(name))
  ) {
    headers.push(["Content-Type", "application/x-www-form-urlencoded"]);
  }
  const cache = REQUEST_CACHE_MODES.find((mode) => mode === values.cache);
  if (cache === undefined) {
    throw new TypeError(
      `ses fetch: cache mode "${values.cache}" must be one of ${REQUEST_CACHE_MODES.join(", ")}`,
    );
  }
  if (values.json && values.include) {
    throw new TypeError(
      "ses fetch: -i and --json cannot be used together (the JSON has the headers)",
    );
  }
  const block = values.block ?? [];
  const proxyBypass = values["proxy-bypass"];
  if (proxyBypass !== undefined && values.proxy === undefined) {
    throw new TypeError("ses fetch: --proxy-bypass needs --proxy");
  }
  const modeName = values["netlog-capture-mode"];
  let netlogCaptureMode: CaptureMode | undefined;
  if (modeName !== undefined) {
    if (values.netlog === undefined) {
      throw new TypeError("ses fetch: --netlog-capture-mode needs --netlog");
    }
    netlogCaptureMode = NETLOG_CAPTURE_MODES.find((mode) =>
      mode.toLowerCase() === modeName.toLowerCase()
    );
    if (netlogCaptureMode === undefined) {
      throw new TypeError(
        `ses fetch: --netlog-capture-mode "${modeName}" must be one of ${
          NETLOG_CAPTURE_MODES.join(", ")
        }`,
      );
    }
  }
  const user = values.user === undefined
    ? undefined
    : parseCredentials("ses fetch", "--user", values.user);
  const proxyUser = values["proxy-user"] === undefined
    ? undefined
    : parseCredentials("ses fetch", "--proxy-user", values["proxy-user"]);
  const ssl = sslConfig(tokens, values["tls-max"]);
  const limitRate = values["limit-rate"] === undefined ? undefined : rate(values["limit-rate"]);
  return {
    url,
    method: values.request ?? (hasData ? "POST" : "GET"),
    headers,
    ...(omitHeaders.length > 0 ? { omitHeaders } : {}),
    ...(hasData ? { data } : {}),
    // `-o -` is standard output, as for curl ("./-" names a file called "-").
    output: values.output === "-" ? undefined : values.output,
    partition: values.partition,
    include: values.include,
    json: values.json,
    cache,
    block,
    ...(values.netlog === undefined ? {} : { netlog: values.netlog }),
    ...(netlogCaptureMode === undefined ? {} : { netlogCaptureMode }),
    ...(values.proxy === undefined ? {} : { proxy: values.proxy }),
    ...(proxyBypass === undefined ? {} : { proxyBypass }),
    ...(user === undefined ? {} : { user }),
    ...(proxyUser === undefined ? {} : { proxyUser }),
    ...(values.insecure ? { insecure: true as const } : {}),
    ...(ssl === undefined ? {} : { ssl }),
    ...(limitRate === undefined ? {} : { limitRate }),
  };
}

// curl's --limit-rate: bytes per second, or K, M, G (either case) for 1024-based multiples.
function rate(text: string): number {
  const match = /^(\d+)([kmg]?)$/i.exec(text);
  if (match === null) {
    throw new TypeError(
      `ses fetch: --limit-rate "${text}" must be a number of bytes per second, ` +
        "with K, M or G after it for 1024s",
    );
  }
  const power = " kmg".indexOf((match[2] || " ").toLowerCase());
  return Number(match[1]) * 1024 ** power;
}

// curl's version options each set the one lowest version, so the last given wins; Electron's
// maxVersion has no ceiling below TLS 1.2, so `--tls-max 1.0` or `1.1` cannot be honoured.
function sslConfig(
  tokens: ReturnType<typeof parseArgs>["tokens"],
  tlsMax: string | undefined,
): SSLConfig | undefined {
  let min: string | undefined;
  for (const token of tokens ?? []) {
    if (token.kind === "option" && TLS_MIN_OPTIONS.has(token.name)) min = token.name;
  }
  if (min === undefined && tlsMax === undefined) return undefined;
  const ssl: SSLConfig = {};
  if (min !== undefined) ssl.minVersion = TLS_MIN_OPTIONS.get(min)!;
  if (tlsMax !== undefined && tlsMax !== "default") {
    if (tlsMax !== "1.2" && tlsMax !== "1.3") {
      throw new TypeError(`ses fetch: --tls-max "${tlsMax}" must be 1.2, 1.3 or default`);
    }
    ssl.maxVersion = tlsMax === "1.2" ? "tls1.2" : "tls1.3";
    if (ssl.minVersion === "tls1.3" && tlsMax === "1.2") {
      throw new TypeError(`ses fetch: --${min} asks for more than --tls-max ${tlsMax} allows`);
    }
  }
  return ssl;
}
