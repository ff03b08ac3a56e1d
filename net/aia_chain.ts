/**
 * Completing a server's chain that leaves out an intermediate, from the `caIssuers` URLs of the
 * certificates it did send: Chromium's path builder with its AIA issuer source
 * (net/cert/internal/cert_issuer_source_aia.cc), for the servers that work in a browser and
 * fail in tools that do not fetch.
 *
 * @module
 */

import { X509Certificate } from "node:crypto";
import { children, extensionValue, keyUsageBits, tbsFields, type Tlv } from "./_der.ts";
import { caIssuersUrls } from "./ca_issuers.ts";

/** A path from the server's certificate up to a trusted root, with fetched intermediates. */
export interface CompletedChain {
  /**
   * The server's certificate, the sent intermediates that chain, then the fetched ones, up to
   * the certificate the root signed.
   */
  path: X509Certificate[];
  /** The trusted root that signed the path's last certificate. */
  root: X509Certificate;
}

/** Gives the certificates served at one `caIssuers` URL (DER); none when the fetch failed. */
export type CaIssuersSource = (url: string) => Promise<Uint8Array[]>;

// How many intermediates may be fetched for one path; Chromium's path builder stops on its own
// iteration limit, far above what any public hierarchy needs.
const MAX_FETCHED = 4;
const BASIC_CONSTRAINTS = "2.5.29.19";
const NAME_CONSTRAINTS = "2.5.29.30";
// keyUsage's keyCertSign, bit 5 of the BIT STRING's first byte.
const KEY_CERT_SIGN = 0x04;

/**
 * Completes a chain that does not reach a trusted root by fetching the missing issuers: from the
 * top of the sent chain, each `caIssuers` URL in turn, until a trusted root signs the top.
 *
 * A fetched certificate joins the path only when it signed the one below it (names and
 * signature), is a CA (basicConstraints `cA`), may sign certificates (keyUsage `keyCertSign`,
 * when it has keyUsage), allows the intermediates below it (`pathLenConstraint`) and carries no
 * nameConstraints: this check cannot apply name constraints, so such an intermediate is refused
 * rather than trusted unchecked. Dates are left to the caller, which reports them as Chromium
 * does (`ERR_CERT_DATE_INVALID`).
 *
 * @param sent The certificates the server sent, leaf first (DER).
 * @param roots The trusted roots.
 * @param source Gives the certificates at a `caIssuers` URL.
 * @returns The completed path, or `undefined` when no trusted root was reached.
 *
 * @example
 * ```ts
 * import { X509Certificate } from "node:crypto";
 * import { getCACertificates } from "node:tls";
 * import { completeChainByAia } from "./aia_chain.ts";
 * const [root = ""] = getCACertificates("default");
 * const der = new X509Certificate(root).raw;
 * // undefined: a root names no caIssuers URL, and nothing else signs it here
 * console.log(await completeChainByAia([der], [], () => Promise.resolve([])));
 * ```
 */
export async function completeChainByAia(
  sent: readonly Uint8Array[],
  roots: readonly X509Certificate[],
  source: CaIssuersSource,
): Promise<CompletedChain | undefined> {
  let path: X509Certificate[];
  try {
    path = linkedPrefix(sent.map((der) => new X509Certificate(der)));
  } catch {
    return undefined;
  }
  for (let fetched = 0;; fetched++) {
    const top = path[path.length - 1]!;
    const root = roots.find((candidate) => signs(candidate, top));
    if (root !== undefined) return { path, root };
    if (fetched === MAX_FETCHED) return undefined;
    const issuer = await fetchIssuer(top, path, roots, source);
    if (issuer === undefined) return undefined;
    // A fetched certificate that is itself a trusted root ends the path at that root.
    const asRoot = roots.find((candidate) => candidate.raw.equals(issuer.raw));
    if (asRoot !== undefined) return { path, root: asRoot };
    path = [...path, issuer];
  }
}

// The sent certificates from the leaf up while each signed the one before (a server's stray
// extra certificates break no path; the path builder ignores them too).
function linkedPrefix(sent: readonly X509Certificate[]): X509Certificate[] {
  const path = sent.slice(0, 1);
  for (const cert of sent.slice(1)) {
    if (!signs(cert, path[path.length - 1]!) || cert.checkIssued(cert)) break;
    path.push(cert);
  }
  return path;
}

async function fetchIssuer(
  child: X509Certificate,
  path: readonly X509Certificate[],
  roots: readonly X509Certificate[],
  source: CaIssuersSource,
): Promise<X509Certificate | undefined> {
  for (const url of caIssuersUrls(child.raw)) {
    for (const der of await source(url)) {
      let candidate;
      try {
        candidate = new X509Certificate(der);
      } catch {
        continue;
      }
      const isRoot = roots.some((root) => root.raw.equals(candidate.raw));
      if (isRoot ? signs(candidate, child) : mayIssue(candidate, child, path)) return candidate;
    }
  }
  return undefined;
}

/**
 * Whether `issuer` issued `cert`: the names (and key identifiers) chain and its key verifies
 * the signature. A certificate the runtime cannot check counts as not issued.
 *
 * @param issuer The candidate issuer.
 * @param cert The certificate below it.
 * @returns Whether the link holds.
 *
 * @example
 * ```ts
 * import { X509Certificate } from "node:crypto";
 * import { getCACertificates } from "node:tls";
 * import { signs } from "./aia_chain.ts";
 * const root = new X509Certificate(getCACertificates("default")[0]!);
 * console.log(signs(root, root)); // true: a root signs itself
 * ```
 */
export function signs(issuer: X509Certificate, cert: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function mayIssue(
  candidate: X509Certificate,
  child: X509Certificate,
  path: readonly X509Certificate[],
): boolean {
  if (path.some((cert) => cert.raw.equals(candidate.raw))) return false;
  if (!candidate.ca || !signs(candidate, child)) return false;
  try {
    const der = new Uint8Array(candidate.raw);
    const { fields } = tbsFields(der);
    if (extensionValue(der, fields, NAME_CONSTRAINTS) !== undefined) return false;
    const usage = keyUsageBits(der, fields);
    if (usage !== undefined && (usage & KEY_CERT_SIGN) === 0) return false;
    const limit = pathLength(der, fields);
    // The CA certificates already below it (the leaf is not one).
    return limit === undefined || path.length - 1 <= limit;
  } catch {
    return false;
  }
}

// BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }.
function pathLength(
  der: Uint8Array,
  fields: readonly Tlv[],
): number | undefined {
  const value = extensionValue(der, fields, BASIC_CONSTRAINTS);
  const limit = value && children(der, value).find((part) => part.tag === 0x02);
  if (limit === undefined) return undefined;
  let number = 0;
  for (let index = limit.start; index < limit.end; index++) number = number * 256 + der[index]!;
  return number;
}
