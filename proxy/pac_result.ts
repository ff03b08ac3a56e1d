/**
 * PAC results (`"PROXY a:80; SOCKS b:1080; DIRECT"`) read leniently, as Chromium's
 * `ProxyList::SetFromPacString` and `PacResultElementToProxyServer` do.
 *
 * @module
 */

import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import { DIRECT, type ProxyScheme, serverFrom, trimLws } from "./proxy_uri.ts";

const PAC_TYPES: Readonly<Record<string, ProxyScheme>> = {
  proxy: "http",
  https: "https",
  // "SOCKS" is SOCKS4 in PAC results, for compatibility with old scripts.
  socks: "socks4",
  socks4: "socks4",
  socks5: "socks5",
  direct: "direct",
};

/**
 * Reads a PAC result. Elements are separated by `;`; keywords (`DIRECT`, `PROXY`, `HTTPS`,
 * `SOCKS`, `SOCKS4`, `SOCKS5`) are case-insensitive; malformed elements are skipped; when
 * nothing is valid the answer is DIRECT. Elements with credentials (`user@host`) are skipped,
 * as Chromium's host parser rejects them.
 *
 * @param result What `FindProxyForURL` returned.
 * @returns The proxies to try, never empty.
 *
 * @example
 * ```ts
 * import { parsePacResult } from "./pac_result.ts";
 * console.log(parsePacResult("proxy a:8080; junk; DIRECT"));
 * // [ { scheme: "http", host: "a", port: 8080 }, { scheme: "direct" } ]
 * console.log(parsePacResult("nonsense")); // [ { scheme: "direct" } ]
 * ```
 */
export function parsePacResult(result: string): ProxyServer[] {
  const proxies: ProxyServer[] = [];
  for (const element of result.split(";")) {
    const proxy = parsePacElement(element);
    if (proxy !== undefined) proxies.push(proxy);
  }
  if (proxies.length === 0) proxies.push(DIRECT);
  return proxies;
}

function parsePacElement(element: string): ProxyServer | undefined {
  const text = trimLws(element);
  let space = 0;
  while (space < text.length && text[space] !== " " && text[space] !== "\t") space++;
  const scheme = PAC_TYPES[text.slice(0, space).toLowerCase()];
  if (scheme === undefined) return undefined;
  const rest = text.slice(space);
  if (rest.includes("@")) return undefined;
  const parsed = serverFrom(scheme, rest);
  return "value" in parsed ? parsed.value : undefined;
}
