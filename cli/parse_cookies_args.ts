/**
 * Parses `ses cookies` arguments.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { CookieSameSite } from "../core/electron_types.ts";

/** The `ses cookies` subcommands. */
export type CookiesAction = "list" | "get" | "set" | "remove" | "clear";

/** What `ses cookies` was asked to do. */
export interface CookiesArgs {
  /** The subcommand. */
  action: CookiesAction;
  /** The session partition; default `persist:default`, as for `ses fetch`. */
  partition: string;
  /** The URL the cookies belong to (required by `get`, `set` and `remove`). */
  url?: string;
  /** Print JSON instead of a table. */
  json: boolean;
  /** `get`/`remove`: the cookie name; `set`: from `NAME=VALUE`. */
  name?: string;
  /** `set`: from `NAME=VALUE`. */
  value?: string;
  /** `set --domain`. */
  domain?: string;
  /** `set --path`. */
  path?: string;
  /** `set --secure`. */
  secure?: boolean;
  /** `set --http-only`. */
  httpOnly?: boolean;
  /** `set --same-site`. */
  sameSite?: CookieSameSite;
  /** `set --expires`: seconds since the Unix epoch. */
  expirationDate?: number;
}

const ACTIONS: readonly string[] = ["list", "get", "set", "remove", "clear"];
// Electron's cookie sameSite values (`cookies.set`'s `sameSite`).
const SAME_SITES: readonly string[] = ["unspecified", "no_restriction", "lax", "strict"];

/**
 * Parses `ses cookies list|get|set|remove|clear [--partition NAME] [--url URL] [--json]` and
 * the per-action operands: `get [NAME]`, `set NAME=VALUE [--domain D] [--path P] [--secure]
 * [--http-only] [--same-site S] [--expires SECONDS]`, `remove NAME`.
 *
 * @param args The arguments after `cookies`.
 * @returns The parsed command.
 * @throws {TypeError} When the action or an option is unknown, a required part is missing,
 * `--url` is not a URL, `--same-site` not one of Electron's values or `--expires` not a number.
 *
 * @example
 * ```ts
 * import { parseCookiesArgs } from "./parse_cookies_args.ts";
 * const parsed = parseCookiesArgs(["set", "--url", "https://a.test/", "id=7", "--secure"]);
 * console.log(parsed.action, parsed.name, parsed.value, parsed.secure); // set id 7 true
 * ```
 */
export function parseCookiesArgs(args: string[]): CookiesArgs {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      partition: { type: "string", default: "persist:default" },
      url: { type: "string" },
      json: { type: "boolean", default: false },
      domain: { type: "string" },
      path: { type: "string" },
      secure: { type: "boolean" },
      "http-only": { type: "boolean" },
      "same-site": { type: "string" },
      expires: { type: "string" },
    },
  });
  const [action, operand, ...extra] = positionals;
  if (action === undefined || !ACTIONS.includes(action)) {
    throw new TypeError(
      action === undefined
        ? `ses cookies: an action is required (${ACTIONS.join(", ")})`
        : `ses cookies: the action must be one of ${ACTIONS.join(", ")}, got "${action}"`,
    );
  }
  if (extra.length > 0) throw new TypeError(`ses cookies: unexpected argument "${extra[0]}"`);
  const parsed: CookiesArgs = {
    action: action as CookiesAction,
    partition: values.partition,
    url: values.url,
    json: values.json,
  };
  if ((action === "set" || action === "remove") && values.url === undefined) {
    throw new TypeError(`ses cookies ${action}: --url is required`);
  }
  // Electron's cookies.get filters by name alone too ({name}); with neither it is `list`.
  if (action === "get" && values.url === undefined && operand === undefined) {
    throw new TypeError("ses cookies get: a cookie name or --url is required");
  }
  // The jar treats a URL it cannot parse as one that matches nothing: say so instead of
  // printing an empty list.
  if (values.url !== undefined && !URL.canParse(values.url)) {
    throw new TypeError(`ses cookies ${action}: --url "${values.url}" is not a valid URL`);
  }
  if ((action === "list" || action === "clear") && operand !== undefined) {
    throw new TypeError(`ses cookies ${action}: unexpected argument "${operand}"`);
  }
  if (action === "remove" && operand === undefined) {
    throw new TypeError("ses cookies remove: the cookie name is required");
  }
  if (action === "get" || action === "remove") parsed.name = operand;
  if (action === "set") {
    const eq = operand?.indexOf("=") ?? -1;
    if (operand === undefined || eq === -1) {
      throw new TypeError("ses cookies set: NAME=VALUE is required");
    }
    parsed.name = operand.slice(0, eq);
    parsed.value = operand.slice(eq + 1);
    parsed.domain = values.domain;
    parsed.path = values.path;
    parsed.secure = values.secure;
    parsed.httpOnly = values["http-only"];
    const sameSite = values["same-site"];
    if (sameSite !== undefined && !SAME_SITES.includes(sameSite)) {
      throw new TypeError(
        `ses cookies set: --same-site "${sameSite}" must be one of ${SAME_SITES.join(", ")}`,
      );
    }
    parsed.sameSite = sameSite as CookieSameSite | undefined;
    if (values.expires !== undefined) {
      const seconds = Number(values.expires);
      // Number() reads an empty or blank string as 0, the epoch, which would delete the cookie.
      if (values.expires.trim() === "" || !Number.isFinite(seconds)) {
        throw new TypeError(
          `ses cookies set: --expires "${values.expires}" is not a number of seconds`,
        );
      }
      parsed.expirationDate = seconds;
    }
  }
  return parsed;
}
