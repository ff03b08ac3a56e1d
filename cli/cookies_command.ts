/**
 * `ses cookies`: lists, reads, sets and removes a partition's cookies.
 *
 * @module
 */

import type { Cookie } from "../core/electron_types.ts";
import type { Session, SessionModule } from "../session/mod.ts";
import type { CookiesArgs } from "./parse_cookies_args.ts";
import { fromPartitionOption, inMemoryPartitionLine } from "./partition_option.ts";

/** Where `ses cookies` writes. */
export interface CookiesOutput {
  /** Results: the table or the JSON. */
  out: (line: string) => void;
  /** Messages and errors. */
  err: (line: string) => void;
}

/**
 * Runs one `ses cookies` action on a partition and flushes the store after a change. With
 * `--json`, `list`/`get` print the cookies, `set` the cookie as stored (`null` when it expired at
 * once), `remove` and `clear` `{"removed": N}`.
 *
 * @param session The `session` module.
 * @param args The parsed arguments.
 * @param output Where to print.
 * @returns The exit code: 0, 1 when `set` was rejected, or 2 for an in-memory partition.
 *
 * @example
 * ```ts ignore
 * import { session } from "../mod.ts";
 * import { runCookies } from "./cookies_command.ts";
 * import { parseCookiesArgs } from "./parse_cookies_args.ts";
 * await runCookies(session, parseCookiesArgs(["list", "--json"]), {
 *   out: console.log,
 *   err: console.error,
 * });
 * ```
 */
export async function runCookies(
  session: SessionModule,
  args: CookiesArgs,
  output: CookiesOutput,
): Promise<number> {
  const ses = fromPartitionOption(session, args.partition);
  // As `ses storage`: what an in-memory partition holds ends with the command, so a `set`
  // would be lost and a `list` always empty.
  if (!ses.isPersistent()) {
    output.err(inMemoryPartitionLine("cookies", args.partition));
    return 2;
  }
  const cookies = ses.cookies;
  // What the action stored and removed, as the 'changed' event reports it, for --json.
  const stored: Cookie[] = [];
  let removed = 0;
  const record = (_event: unknown, cookie: Cookie, _cause: string, wasRemoved: boolean) => {
    if (wasRemoved) removed++;
    else stored.push(cookie);
  };
  cookies.on("changed", record);
  try {
    const clearAll = () => ses.clearStorageData({ storages: ["cookies"] });
    return await act(cookies, args, output, () => ({ stored, removed }), clearAll);
  } finally {
    cookies.off("changed", record);
  }
}

async function act(
  cookies: Session["cookies"],
  args: CookiesArgs,
  output: CookiesOutput,
  changes: () => { stored: Cookie[]; removed: number },
  clearAll: () => Promise<void>,
): Promise<number> {
  switch (args.action) {
    case "list":
    case "get": {
      const found = await cookies.get({ url: args.url, name: args.name });
      if (args.json) output.out(JSON.stringify(found, undefined, 2));
      else for (const line of cookieTable(found)) output.out(line);
      return 0;
    }
    case "set":
      try {
        await cookies.set({
          url: args.url!,
          name: args.name,
          value: args.value,
          domain: args.domain,
          path: args.path,
          secure: args.secure,
          httpOnly: args.httpOnly,
          sameSite: args.sameSite,
          expirationDate: args.expirationDate,
        });
      } catch (error) {
        output.err(`ses cookies set: ${error instanceof Error ? error.message : String(error)}`);
        return 1;
      }
      if (args.expirationDate === undefined) {
        output.err("ses cookies set: no --expires, so this session cookie is not kept on disk");
      }
      // The cookie as the jar keeps it, or null when it went at once (an expiry in the past).
      if (args.json) output.out(JSON.stringify(changes().stored.at(-1) ?? null, undefined, 2));
      break;
    case "remove":
      await cookies.remove(args.url!, args.name!);
      if (args.json) output.out(JSON.stringify({ removed: changes().removed }));
      break;
    case "clear": {
      if (args.url === undefined) {
        // Every cookie, also those no URL reaches: a server's Path is stored as sent (Chromium's
        // CanonPathWithString), and a path with a space or a quote is spelled percent-encoded
        // in every URL, so cookies.remove(url, name) could never find it.
        await clearAll();
      } else {
        const names = new Set((await cookies.get({ url: args.url })).map((cookie) => cookie.name));
        for (const name of names) await cookies.remove(args.url, name);
      }
      // What the jar reports as removed, not what was listed: a cookie the URL could not reach
      // would otherwise be counted and kept.
      const { removed } = changes();
      if (args.json) output.out(JSON.stringify({ removed }));
      else output.err(`ses cookies clear: removed ${removed}`);
      break;
    }
  }
  await cookies.flushStore();
  return 0;
}

/**
 * Formats cookies as an aligned text table for people.
 *
 * @param cookies Electron cookie objects.
 * @returns The lines: a header row, then one row per cookie.
 *
 * @example
 * ```ts
 * import { cookieTable } from "./cookies_command.ts";
 * const [header] = cookieTable([]);
 * console.log(header); // NAME  VALUE  DOMAIN  PATH  EXPIRES  FLAGS
 * ```
 */
export function cookieTable(cookies: readonly Cookie[]): string[] {
  const rows = [["NAME", "VALUE", "DOMAIN", "PATH", "EXPIRES", "FLAGS"]];
  for (const cookie of cookies) {
    const flags = [
      cookie.secure ? "Secure" : "",
      cookie.httpOnly ? "HttpOnly" : "",
      `SameSite=${cookie.sameSite}`,
    ].filter(Boolean).join(" ");
    const expires = cookie.expirationDate === undefined
      ? "session"
      : new Date(cookie.expirationDate * 1000).toISOString();
    rows.push([cookie.name, cookie.value, cookie.domain, cookie.path, expires, flags]);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row.map((cell, column) => column === row.length - 1 ? cell : cell.padEnd(widths[column]!))
      .join("  ")
  );
}
