/**
 * Electron's `allowNTLMCredentialsForDomains(domains)` read as Chromium reads it: the list is
 * `ProxyBypassRules` text matched against a server's origin (`HttpAuthFilterAllowlist`), so it
 * is the proxy subsystem's rule parser that reads it.
 *
 * @module
 */

import { bypassMatches, parseBypassRules } from "../proxy/mod.ts";

/**
 * Compiles an allowlist into a test of the servers NTLM may be used with, as Chromium's
 * `HttpAuthFilterAllowlist::SetAllowlist` parses `<-loopback>;` + the list: rules separated by
 * `,` or `;`, each `[scheme://]host-pattern[:port]` (`*` globs; `.corp.test` is its subdomains),
 * an IP literal or block (`10.0.0.0/8`), or `<local>` (names without a dot); `*` allows every
 * server, and localhost is allowed only when named. Rules that cannot be read are left out.
 *
 * @param domains The list, like `*example.com, *foobar.com, *baz`.
 * @returns Whether a server's origin (`http://host:port`) is allowed.
 *
 * @example
 * ```ts
 * import { ntlmAllowlist } from "./ntlm_allowlist.ts";
 * const allows = ntlmAllowlist("*example.com, <local>");
 * console.log(allows(new URL("https://intranet.example.com")), allows(new URL("http://wiki"))); // true true
 * console.log(allows(new URL("http://example.org"))); // false
 * ```
 */
export function ntlmAllowlist(domains: string): (server: URL) => boolean {
  const rules = parseBypassRules(`<-loopback>;${domains}`);
  return (server) => bypassMatches(rules, server);
}
