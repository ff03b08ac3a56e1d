/**
 * Reading a certificate's Authority Information Access `caIssuers` URLs (RFC 5280 §4.2.2.1)
 * and the certificates a CA serves there, as Chromium's `CertIssuerSourceAia` does.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { X509Certificate } from "node:crypto";
import { children, extensionValue, oidText, readTlv, tbsFields } from "./_der.ts";

const AUTHORITY_INFO_ACCESS = "1.3.6.1.5.5.7.1.1";
const CA_ISSUERS = "1.3.6.1.5.5.7.48.2";
// GeneralName's uniformResourceIdentifier: [6] IMPLICIT IA5String.
const URI_TAG = 0x86;
const SIGNED_DATA = "1.2.840.113549.1.7.2";
// Chromium's kMaxFetchesPerCert: URLs past the fifth are not tried.
const MAX_URLS_PER_CERT = 5;

/**
 * The `caIssuers` URLs of a certificate's Authority Information Access extension that Chromium
 * would fetch: the first five that parse as URLs, of which only `http:` ones are kept
 * (`CertNetFetcher` refuses every other scheme).
 *
 * @param der The certificate, DER.
 * @returns The URLs in the certificate's order; none without the extension or for a
 * certificate that does not parse.
 *
 * @example
 * ```ts
 * import { Buffer } from "node:buffer";
 * import { getCACertificates } from "node:tls";
 * import { caIssuersUrls } from "./ca_issuers.ts";
 * const [pem = ""] = getCACertificates("default");
 * const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
 * console.log(caIssuersUrls(der)); // [] (a root names no issuer to fetch)
 * ```
 */
export function caIssuersUrls(der: Uint8Array): string[] {
  const urls: string[] = [];
  try {
    const value = extensionValue(der, tbsFields(der).fields, AUTHORITY_INFO_ACCESS);
    // AuthorityInfoAccessSyntax ::= SEQUENCE OF SEQUENCE { accessMethod, accessLocation }.
    for (const description of value ? children(der, value) : []) {
      const [method, location] = children(der, description);
      if (method?.tag !== 0x06 || location?.tag !== URI_TAG) continue;
      if (oidText(der.subarray(method.start, method.end)) !== CA_ISSUERS) continue;
      const text = Buffer.from(der.subarray(location.start, location.end)).toString("latin1");
      if (!URL.canParse(text)) continue;
      urls.push(text);
      if (urls.length === MAX_URLS_PER_CERT) break;
    }
  } catch {
    // A certificate this reader cannot walk names no URL; the TLS library judged it already.
  }
  return urls.filter((url) => new URL(url).protocol === "http:");
}

/**
 * The certificates in a `caIssuers` answer, tried as Chromium tries them: one DER certificate
 * (RFC 5280's `application/pkix-cert`), then a certs-only CMS `SignedData` (`.p7c`), then PEM
 * blocks.
 *
 * @param bytes The body a CA served.
 * @returns The certificates, DER; none when the body is none of the three.
 *
 * @example
 * ```ts
 * import { parseCaIssuers } from "./ca_issuers.ts";
 * console.log(parseCaIssuers(new TextEncoder().encode("not a certificate")).length); // 0
 * ```
 */
export function parseCaIssuers(bytes: Uint8Array): Uint8Array[] {
  // A SEQUENCE first: the runtimes' X509Certificate would also take PEM text as it is.
  if (bytes[0] === 0x30 && parses(bytes)) return [bytes];
  const fromCms = certificatesInCms(bytes);
  if (fromCms.length > 0) return fromCms;
  const text = Buffer.from(bytes).toString("latin1");
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  return blocks
    .map((block) => new Uint8Array(Buffer.from(block.replace(/-----[^-]+-----|\s/g, ""), "base64")))
    .filter(parses);
}

function parses(der: Uint8Array): boolean {
  try {
    new X509Certificate(der);
    return true;
  } catch {
    return false;
  }
}

// ContentInfo ::= SEQUENCE { contentType, [0] EXPLICIT SignedData }; SignedData ::= SEQUENCE
// { version, digestAlgorithms, encapContentInfo, [0] IMPLICIT certificates, ... } (RFC 5652).
function certificatesInCms(der: Uint8Array): Uint8Array[] {
  try {
    const [type, wrapper] = children(der, readTlv(der, 0));
    if (type?.tag !== 0x06 || wrapper?.tag !== 0xa0) return [];
    if (oidText(der.subarray(type.start, type.end)) !== SIGNED_DATA) return [];
    const [signedData] = children(der, wrapper);
    const certificates = signedData && children(der, signedData).find((part) => part.tag === 0xa0);
    if (certificates === undefined) return [];
    return children(der, certificates)
      .filter((choice) => choice.tag === 0x30)
      .map((choice) => der.slice(choice.offset, choice.end))
      .filter(parses);
  } catch {
    return [];
  }
}
