/**
 * Host canonicalisation as Chromium's `url::CanonicalizeHost` does it for proxy servers: lower
 * case, IDNA (through the URL parser), IPv4 number forms to dotted decimal, IPv6 compressed.
 *
 * @module
 */

import { canonicalIpv6 } from "./_ip_address.ts";

// Characters that would end the host inside a URL, so the URL parser cannot be asked about them.
const DELIMITERS = /[/?#@\\\s[\]]/;
// Separators of the proxy rules and PAC result grammars: a host that decodes to one of them
// (`%3B` is ";") could not be written back into either form and read the same.
const SEPARATORS = /[;,=\s]/;

/**
 * Canonicalises a host name or IP literal.
 *
 * @param host The host; an IPv6 literal with or without brackets.
 * @returns The canonical host (IPv6 without brackets), or a reason it is not a host.
 */
export function canonicalHost(host: string): { host: string } | { error: string } {
  if (host === "") return { error: "host is empty" };
  const inner = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (inner.includes(":")) {
    const ipv6 = canonicalIpv6(inner);
    return ipv6 === undefined ? { error: `"${host}" is not an IPv6 address` } : { host: ipv6 };
  }
  if (DELIMITERS.test(inner)) return { error: `host "${host}" has a character hosts cannot have` };
  let hostname: string;
  try {
    hostname = new URL(`http://${inner}/`).hostname;
  } catch {
    return { error: `host "${host}" is not a valid host name` };
  }
  if (hostname === "") return { error: "host is empty" };
  if (SEPARATORS.test(hostname)) {
    return { error: `host "${host}" has a character hosts cannot have` };
  }
  return { host: hostname };
}
