/**
 * The checks Chromium's certificate verifier makes of a server's chain that the runtimes' TLS
 * libraries make differently or not at all: the extended key usage a server certificate must
 * allow.
 *
 * @module
 */

import type { NetErrorCode } from "../core/net_errors.ts";

const EXTENDED_KEY_USAGE = "2.5.29.37";
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

/**
 * The certificate error Chromium finds in a server's leaf certificate for a reason of its own
 * policy, if any: a leaf whose extendedKeyUsage lists neither serverAuth nor
 * anyExtendedKeyUsage is `ERR_CERT_INVALID` (the path builder's kEkuLacksServerAuth, which no
 * other status covers). A leaf that cannot be parsed is `ERR_CERT_INVALID` too.
 *
 * @param leaf The server's certificate, DER.
 * @returns The net error, or `undefined` when the policy has nothing against it.
 *
 * @example
 * ```ts
 * import { Buffer } from "node:buffer";
 * import { getCACertificates } from "node:tls";
 * import { leafPolicyError } from "./_certificate_policy.ts";
 * const [pem = ""] = getCACertificates("default");
 * const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
 * console.log(leafPolicyError(der)); // undefined: a root names no extended key usage
 * ```
 */
export function leafPolicyError(leaf: Uint8Array): NetErrorCode | undefined {
  let usages;
  try {
    usages = readExtendedKeyUsage(leaf);
  } catch {
    return "ERR_CERT_INVALID";
  }
  if (usages && !usages.includes(SERVER_AUTH) && !usages.includes(ANY_EXTENDED_KEY_USAGE)) {
    return "ERR_CERT_INVALID";
  }
  return undefined;
}

// The extendedKeyUsage OIDs, or undefined without the extension. Certificate ::= SEQUENCE {
// tbsCertificate, signatureAlgorithm, signatureValue } (RFC 5280).
function readExtendedKeyUsage(der: Uint8Array): string[] | undefined {
  const [tbs] = children(der, readTlv(der, 0));
  if (!tbs) throw new SyntaxError("Not a certificate");
  // extensions [3] EXPLICIT SEQUENCE OF Extension, the last field of the TBSCertificate.
  const wrapper = children(der, tbs).find((field) => field.tag === 0xa3);
  const [extensions] = wrapper ? children(der, wrapper) : [];
  for (const extension of extensions ? children(der, extensions) : []) {
    const fields = children(der, extension);
    const id = fields[0];
    const value = fields[fields.length - 1];
    if (id?.tag !== 0x06 || oidText(der.subarray(id.start, id.end)) !== EXTENDED_KEY_USAGE) {
      continue;
    }
    if (value?.tag !== 0x04) throw new SyntaxError("Bad extendedKeyUsage");
    const inner = readTlv(der, value.start);
    return children(der, inner).map((usage) => oidText(der.subarray(usage.start, usage.end)));
  }
  return undefined;
}

// A DER tag-length-value: the tag byte, where its contents start and end.
interface Tlv {
  tag: number;
  start: number;
  end: number;
}

function readTlv(der: Uint8Array, offset: number): Tlv {
  const tag = der[offset];
  let length = der[offset + 1];
  if (tag === undefined || length === undefined) throw new SyntaxError("Truncated DER");
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new SyntaxError("Bad DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[start + i] ?? NaN);
    start += count;
  }
  const end = start + length;
  if (!(end <= der.length)) throw new SyntaxError("Truncated DER");
  return { tag, start, end };
}

function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const list: Tlv[] = [];
  for (let offset = parent.start; offset < parent.end;) {
    const child = readTlv(der, offset);
    if (child.end > parent.end) throw new SyntaxError("Truncated DER");
    list.push(child);
    offset = child.end;
  }
  return list;
}

function oidText(bytes: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (byte & 0x80) continue;
    if (arcs.length === 0) {
      arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
    } else arcs.push(value);
    value = 0;
  }
  return arcs.join(".");
}
