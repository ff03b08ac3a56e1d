/**
 * Parses `ses download` arguments.
 *
 * @module
 */

import { parseArgs } from "node:util";

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
}

/**
 * Parses `ses download URL [-o PATH] [--partition NAME] [--json]` or
 * `ses download --resume PATH.crdownload [--partition NAME] [--json]`.
 *
 * @param args The arguments after `download`.
 * @returns The parsed request.
 * @throws {TypeError} When an option is unknown, the URL is missing, or both a URL and
 * `--resume` are given.
 *
 * @example
 * ```ts
 * import { parseDownloadArgs } from "./parse_download_args.ts";
 * console.log(parseDownloadArgs(["-o", "out.zip", "http://a.test/x.zip"]).output); // out.zip
 * console.log(parseDownloadArgs(["--resume", "x.zip.crdownload"]).resume); // x.zip.crdownload
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
    },
  });
  const [url, ...extra] = positionals;
  if (extra.length > 0) throw new TypeError(`ses download: unexpected argument "${extra[0]}"`);
  if (values.resume !== undefined) {
    if (url !== undefined) {
      throw new TypeError("ses download: give either a URL or --resume PATH, not both");
    }
    if (values.output !== undefined) {
      throw new TypeError("ses download: --resume continues in place; -o does not apply");
    }
    return { resume: values.resume, partition: values.partition, json: values.json };
  }
  if (url === undefined) throw new TypeError("ses download: a URL is required");
  return { url, output: values.output, partition: values.partition, json: values.json };
}
