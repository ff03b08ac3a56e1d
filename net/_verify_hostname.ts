/**
 * Whether a server certificate's names cover a host, by Chromium's rules
 * (X509Certificate::VerifyHostname, net/cert/x509_certificate.cc).
 *
 * @module
 */

import { createRequire } from "node:module";
import { isIP } from "node:net";

/** The names a certificate's subjectAltName extension lists. */
export interface CertificateNames {
  /** dNSName entries, as the certificate spells them. */
  dnsNames: string[];
  /** iPAddress entries, in any spelling `URL` accepts (IPv6 with or without zeros). */
  ipAddresses: string[];
}

/**
 * Reads the DNS and IP entries of a peer certificate's `subjectaltname` string.
 *
 * The string is what `getPeerCertificate()` gives in Node, Deno and Bun:
 * `"DNS:localhost, IP Address:127.0.0.1"`, an entry holding a comma or a quote written as a JSON
 * string (`DNS:"a,b"`). Other kinds (URI, email) are left out, as Chromium reads only these two.
 *
 * @param subjectAltName The `subjectaltname` of a peer certificate; `undefined` or `""` when the
 * certificate has none.
 * @returns The names, in the certificate's order.
 *
 * @example
 * ```ts
 * import { parseSubjectAltName } from "./_verify_hostname.ts";
 * const names = parseSubjectAltName("DNS:*.example.com, IP Address:::1, URI:https://x");
 * console.log(names); // { dnsNames: ["*.example.com"], ipAddresses: ["::1"] }
 * ```
 */
export function parseSubjectAltName(subjectAltName: string | undefined): CertificateNames {
  const names: CertificateNames = { dnsNames: [], ipAddresses: [] };
  for (const entry of splitEntries(subjectAltName ?? "")) {
    const colon = entry.indexOf(":");
    const kind = entry.slice(0, colon);
    let value = entry.slice(colon + 1);
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value);
      } catch {
        continue;
      }
    }
    if (kind === "DNS") names.dnsNames.push(value);
    if (kind === "IP Address") names.ipAddresses.push(value);
  }
  return names;
}

/**
 * Whether a certificate with these subjectAltName entries is good for `hostname`.
 *
 * As Chromium: the subject's CN is never read; an IP address (v4 or v6, in any form a URL takes)
 * matches only an iPAddress entry; a host name must be a DNS name (letters, digits, `-`, `_`) and
 * matches a dNSName entry case-insensitively, a trailing dot on either side ignored; a wildcard
 * counts only as the whole leftmost label (`*.example.com`, not `f*.example.com`), stands for
 * exactly one label, and never under a public suffix (`*.com`, `*.co.uk`, and any TLD the list
 * does not know, such as `*.localhost`) nor for an all-numeric host.
 *
 * @param hostname The host the connection is for; an IPv6 literal with or without brackets.
 * @param names The certificate's DNS and IP entries (see {@linkcode parseSubjectAltName}).
 * @returns `true` when one entry covers the host.
 *
 * @example
 * ```ts
 * import { verifyHostname } from "./_verify_hostname.ts";
 * const names = { dnsNames: ["*.example.com", "*.co.uk"], ipAddresses: ["127.0.0.1"] };
 * console.log(verifyHostname("www.example.com", names)); // true
 * console.log(verifyHostname("a.b.example.com", names)); // false
 * console.log(verifyHostname("shop.co.uk", names)); // false
 * console.log(verifyHostname("127.0.0.1", names)); // true
 * ```
 */
export function verifyHostname(hostname: string, names: CertificateNames): boolean {
  const reference = canonicalHost(hostname);
  if (reference === undefined) return false;
  if (reference.startsWith("[") || isIP(reference) !== 0) {
    return names.ipAddresses.some((address) => canonicalHost(address) === reference);
  }
  if (reference === "." || !isCompliantHost(reference)) return false;
  const referenceName = reference.endsWith(".") ? reference.slice(0, -1) : reference;
  const [referenceHost, referenceDomain] = splitLeftmost(referenceName);
  let allowWildcards: boolean | undefined;
  for (const dnsName of names.dnsNames) {
    if (dnsName === "" || dnsName.includes("\0")) continue;
    let presented = dnsName.toLowerCase();
    if (presented.endsWith(".")) presented = presented.slice(0, -1);
    // The wildcard must stand for at least one character.
    if (presented.length > referenceName.length) continue;
    const [presentedHost, presentedDomain] = splitLeftmost(presented);
    if (presentedDomain !== referenceDomain) continue;
    if (presentedHost !== "*") {
      if (presentedHost === referenceHost) return true;
      continue;
    }
    allowWildcards ??= wildcardsAllowed(referenceName, referenceDomain);
    if (allowWildcards) return true;
  }
  return false;
}

// The entries of a subjectaltname string: split at ", " outside a quoted value.
function splitEntries(subjectAltName: string): string[] {
  const entries: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < subjectAltName.length; i++) {
    const char = subjectAltName[i];
    if (quoted && char === "\\") i++;
    else if (char === '"') quoted = !quoted;
    else if (!quoted && char === "," && subjectAltName[i + 1] === " ") {
      entries.push(subjectAltName.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  if (start < subjectAltName.length) entries.push(subjectAltName.slice(start));
  return entries;
}

// "www.f.com" -> ["www", ".f.com"]; "localhost" -> ["localhost", ""] (Chromium's SplitOnChar).
function splitLeftmost(name: string): [string, string] {
  const dot = name.indexOf(".");
  return dot === -1 ? [name, ""] : [name.slice(0, dot), name.slice(dot)];
}

// The host as a URL spells it (lower case, punycode, IPv4 in dotted decimal, IPv6 compressed in
// brackets), as Chromium's CanonicalizeHost; undefined when it is no host.
function canonicalHost(host: string): string | undefined {
  // A URL would read these as the end of the host and drop what follows.
  if (/[/?#@\\\s]/.test(host)) return undefined;
  const literal = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  try {
    return new URL(`http://${literal}/`).hostname || undefined;
  } catch {
    return undefined;
  }
}

// Chromium's IsCanonicalizedHostCompliant: labels of letters, digits, '-' and '_', the last one
// starting with a letter or digit; one trailing dot allowed.
function isCompliantHost(host: string): boolean {
  return /^(?:[a-z0-9_-][a-z0-9_-]*\.)*[a-z0-9][a-z0-9_-]*\.?$/.test(host);
}

// Chromium refuses wildcards whose domain is registry controlled (ICANN section of the public
// suffix list, unknown TLDs counted as registries, private registries such as appspot.com not)
// and wildcards for all-numeric names.
function wildcardsAllowed(referenceName: string, referenceDomain: string): boolean {
  if (referenceDomain === "" || !/[^0-9.]/.test(referenceName)) return false;
  const suffix = loadTldts().getPublicSuffix(referenceName, { allowPrivateDomains: false });
  return suffix !== referenceDomain.slice(1);
}

// tldts (already a dependency, for cookie domains) holds the public suffix list; it is loaded on
// the first wildcard name only, since compiling it costs about 100 ms at start.
let tldts: typeof import("tldts") | undefined;

function loadTldts(): typeof import("tldts") {
  tldts ??= createRequire(import.meta.url)("tldts") as typeof import("tldts");
  return tldts;
}
