/**
 * Parses `ses download` arguments.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { type Credentials, parseCredentials, parseHeaderOptions } from "./request_options.ts";

/** What `ses download` was asked to do. */
export interface DownloadArgs {
  /** The URL to download; absent with `--resume`. */
  url?: string;
  /** A `.crdownload` file (or its final path) to continue; absent for a new download. */
  resume?: string;
  /** Where to save: a file path, or an existing directory (or one ending in `/`). */
  output?: string;
  /** The session partition; default `persist:default`. */
  partition: string;
  /** Print one JSON object describing the outcome on standard output, and no progress. */
  json: boolean;
  /** Request headers from `-H` (`downloadURL`'s `headers`); a new download only. */
  headers?: Record<string, string>;
  /** The session's own headers to leave off, from `-H 'Name:'`. */
  omitHeaders?: string[];
  /** Proxy rules for this run (`ses.setProxy`'s `proxyRules`), from `--proxy`. */
  proxy?: string;
  /** Proxy bypass rules, from `--proxy-bypass`; only with `--proxy`. */
  proxyBypass?: string;
  /** Credentials for the server when it asks, from `-u USER:PASSWORD`. */
  user?: Credentials;
  /** Credentials for a proxy that asks, from `-U USER:PASSWORD`. */
  proxyUser?: Credentials;
  /** Accept any server certificate for this run, from `-k` (`--insecure`). */
  insecure?: true;
}

/**
 * Parses `ses download URL [-o PATH] [-H 'Name: value']... [OPTIONS]` or
 * `ses download --resume PATH.crdownload [OPTIONS]`, where OPTIONS are `--partition NAME`,
 * `--json`, `--proxy RULES [--proxy-bypass RULES]`, `-u USER:PASSWORD`, `-U USER:PASSWORD` and
 * `-k`, as `ses fetch` reads them.
 *
 * @param args The arguments after `download`.
 * @returns The parsed request.
 * @throws {TypeError} When an option is unknown, the URL is missing, both a URL and `--resume`
 * are given, `-o` or `-H` comes with `--resume`, a header or a `USER:PASSWORD` is malformed, or
 * `--proxy-bypass` comes without `--proxy`.
 *
 * @example
 * ```ts
 * import { parseDownloadArgs } from "./parse_download_args.ts";
 * console.log(parseDownloadArgs(["-o", "out.zip", "http://a.test/x.zip"]).output); // out.zip
 * console.log(parseDownloadArgs(["--resume", "x.zip.crdownload"]).resume); // x.zip.crdownload
 * console.log(parseDownloadArgs(["-H", "X-Token: 1", "http://a.test/x"]).headers); // { "X-Token": "1" }
 * ```
 */
export function parseDownloadArgs(args: string[]): DownloadArgs {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      output: { type: "string", short: "o" },
      resume: { type: "string" },
      partition: { type: "string", default: "persist:default" },
      json: { type: "boolean", default: false },
      header: { type: "string", short: "H", multiple: true },
      proxy: { type: "string" },
      "proxy-bypass": { type: "string" },
      user: { type: "string", short: "u" },
      "proxy-user": { type: "string", short: "U" },
      insecure: { type: "boolean", short: "k", default: false },
    },
  });
  const [url, ...extra] = positionals;
  if (extra.length > 0) throw new TypeError(`ses download: unexpected argument "${extra[0]}"`);
  const { headers, omitHeaders } = parseHeaderOptions("ses download", values.header ?? []);
  const proxyBypass = values["proxy-bypass"];
  if (proxyBypass !== undefined && values.proxy === undefined) {
    throw new TypeError("ses download: --proxy-bypass needs --proxy");
  }
  const user = values.user === undefined
    ? undefined
    : parseCredentials("ses download", "--user", values.user);
  const proxyUser = values["proxy-user"] === undefined
    ? undefined
    : parseCredentials("ses download", "--proxy-user", values["proxy-user"]);
  const common = {
    partition: values.partition,
    json: values.json,
    ...(omitHeaders.length > 0 ? { omitHeaders } : {}),
    ...(values.proxy === undefined ? {} : { proxy: values.proxy }),
    ...(proxyBypass === undefined ? {} : { proxyBypass }),
    ...(user === undefined ? {} : { user }),
    ...(proxyUser === undefined ? {} : { proxyUser }),
    ...(values.insecure ? { insecure: true as const } : {}),
  };
  if (values.resume !== undefined) {
    if (url !== undefined) {
      throw new TypeError("ses download: give either a URL or --resume PATH, not both");
    }
    if (values.output !== undefined) {
      throw new TypeError("ses download: --resume continues in place; -o does not apply");
    }
    if (headers.length > 0) {
      // Electron's createInterruptedDownload takes no headers: a resumed download sends none.
      throw new TypeError("ses download: -H applies to a new download, not to --resume");
    }
    return { resume: values.resume, ...common };
  }
  if (url === undefined) throw new TypeError("ses download: a URL is required");
  return {
    url,
    output: values.output,
    ...(headers.length > 0 ? { headers: Object.fromEntries(headers) } : {}),
    ...common,
  };
}
