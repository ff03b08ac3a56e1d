/**
 * Chromium's `net::IsLocalHostname` (net/base/url_util.cc): `localhost` and the names under it
 * (RFC 6761 §6.3), with or without a trailing dot, in any case.
 *
 * @module
 */

/**
 * Whether a hostname is one of the localhost names, which never reach DNS and learn no HSTS.
 *
 * @param hostname A URL's hostname (ASCII, as `URL.hostname` gives it).
 * @returns `true` for `localhost`, `app.localhost`, `LOCALHOST.` and the like.
 *
 * @example
 * ```ts
 * import { isLocalHostname } from "./local_hostname.ts";
 * console.log(isLocalHostname("app.localhost."), isLocalHostname("localhost.test")); // true false
 * ```
 */
export function isLocalHostname(hostname: string): boolean {
  const name = (hostname.endsWith(".") ? hostname.slice(0, -1) : hostname).toLowerCase();
  return name === "localhost" || name.endsWith(".localhost");
}
