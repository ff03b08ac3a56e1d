/**
 * The checks Chromium's certificate verifier makes of a server's chain that the runtimes' TLS
 * libraries make differently or not at all: the signature algorithms it accepts and the
 * extended key usage a server certificate must allow.
 *
 * @module
 */

import type { NetErrorCode } from "../core/net_errors.ts";
import {
  children,
  extensionValue,
  keyUsageBits,
  oidText,
  readTlv,
  tbsFields,
  type Tlv,
} from "./_der.ts";

// Chromium's ParseSignatureAlgorithm (net/cert/pki/signature_algorithm.cc) knows these; every
// other algorithm (MD5, MD2, DSA, Ed25519, ...) makes the certificate unparseable there.
const SHA1_ALGORITHMS: ReadonlySet<string> = new Set([
  "1.2.840.113549.1.1.5", // sha1WithRSAEncryption
  "1.3.14.3.2.29", // sha1WithRSASignature (the old OIW name)
  "1.2.840.10045.4.1", // ecdsa-with-SHA1
]);
const STRONG_ALGORITHMS: ReadonlySet<string> = new Set([
  "1.2.840.113549.1.1.11", // sha256WithRSAEncryption
  "1.2.840.113549.1.1.12", // sha384WithRSAEncryption
  "1.2.840.113549.1.1.13", // sha512WithRSAEncryption
  "1.2.840.113549.1.1.10", // RSASSA-PSS
  "1.2.840.10045.4.3.2", // ecdsa-with-SHA256
  "1.2.840.10045.4.3.3", // ecdsa-with-SHA384
  "1.2.840.10045.4.3.4", // ecdsa-with-SHA512
]);

const RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
// keyUsage bits 0 and 2, in the BIT STRING's first byte.
const DIGITAL_SIGNATURE = 0x80;
const KEY_ENCIPHERMENT = 0x20;
const EXTENDED_KEY_USAGE = "2.5.29.37";
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
// Netscape Server Gated Crypto: Chromium lets an intermediate name it instead of serverAuth.
const NETSCAPE_SGC = "2.16.840.1.113730.4.1";

/**
 * The certificate error Chromium finds in a chain for a reason of its own policy, if any.
 *
 * - A leaf signed with an algorithm Chromium cannot parse (MD5, MD2, DSA, ...) is
 *   `ERR_CERT_INVALID`, trusted or not (CertVerifyProcBuiltin refuses the target at once).
 * - A leaf or intermediate whose extendedKeyUsage lists neither serverAuth nor
 *   anyExtendedKeyUsage (nor, for an intermediate, Netscape SGC) is `ERR_CERT_INVALID` (the path
 *   builder's kEkuLacksServerAuth, which no other status covers).
 * - On the path up to a trusted root: an intermediate signed with such an algorithm is
 *   `ERR_CERT_INVALID`, and a SHA-1 signature on the leaf or an intermediate is
 *   `ERR_CERT_WEAK_SIGNATURE_ALGORITHM` (CertVerifyProc::Verify, SHA-1 being refused for every
 *   root unless an enterprise policy allows it for local ones), then an RSA key under 1024 bits
 *   in either is `ERR_CERT_WEAK_KEY` (the path builder's kUnacceptablePublicKey).
 *
 * @param chain The certificates the server sent (DER), leaf first, a root it sent included (a
 * certificate naming itself as issuer, whose own signature and usages are never checked).
 * @param trustedPathLength Says how many of the sent certificates come before the trusted root
 * the path ends at (the first one that is a trusted root, or the one after the first that a
 * trusted root signed), `undefined` when none reaches one; only what comes before is the
 * verified path. Asked only when the answer matters.
 * @returns The net error, or `undefined` when the policy has nothing against the chain.
 *
 * @example
 * ```ts
 * import { Buffer } from "node:buffer";
 * import { getCACertificates } from "node:tls";
 * import { chainPolicyError } from "./_certificate_policy.ts";
 * const [pem = ""] = getCACertificates("default");
 * const raw = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
 * // undefined: a root sent alone is trusted as it is, whatever signed it
 * console.log(chainPolicyError([raw], () => 0));
 * ```
 */
export function chainPolicyError(
  chain: readonly Uint8Array[],
  trustedPathLength: () => number | undefined,
): NetErrorCode | undefined {
  let parsed;
  try {
    parsed = chain.map(readCertificate);
  } catch {
    return "ERR_CERT_INVALID";
  }
  const [first] = parsed;
  if (first === undefined) return undefined;
  if (!isKnownAlgorithm(first.signatureAlgorithm)) return "ERR_CERT_INVALID";
  if (!allowsServerAuth(first.extendedKeyUsage, false)) return "ERR_CERT_INVALID";
  const signed = parsed.filter((cert, index) => index === 0 || !cert.selfIssued);
  // Asked only for a chain with something to say, as finding the root costs more than the rest.
  if (
    !usageError(signed) && pathError(signed) === undefined ||
    parsed.length === 1 && first.selfIssued
  ) {
    return undefined;
  }
  const length = trustedPathLength();
  // Without a trusted root, Chromium's partial path takes every certificate that chains.
  const path = length === undefined
    ? signed
    : parsed.slice(0, length).filter((cert, index) => index === 0 || !cert.selfIssued);
  if (usageError(path)) return "ERR_CERT_INVALID";
  return length === undefined ? undefined : pathError(path);
}

// Whether an intermediate of the path forbids serving TLS (kEkuLacksServerAuth).
function usageError(path: readonly CertificateFacts[]): boolean {
  return path.some((cert, index) => index > 0 && !allowsServerAuth(cert.extendedKeyUsage, true));
}

// What Chromium says of the signatures and keys of a verified path (the trust anchor left out).
function pathError(path: readonly CertificateFacts[]): NetErrorCode | undefined {
  if (path.some((cert) => !isKnownAlgorithm(cert.signatureAlgorithm))) return "ERR_CERT_INVALID";
  if (path.some((cert) => SHA1_ALGORITHMS.has(cert.signatureAlgorithm))) {
    return "ERR_CERT_WEAK_SIGNATURE_ALGORITHM";
  }
  // SimplePathBuilderDelegate(1024): a smaller RSA modulus is kUnacceptablePublicKey.
  if (path.some((cert) => cert.rsaModulusBits !== undefined && cert.rsaModulusBits < 1024)) {
    return "ERR_CERT_WEAK_KEY";
  }
  return undefined;
}

// Chromium's VerifyExtendedKeyUsage for a server: no extension, or one that allows it.
function allowsServerAuth(usages: string[] | undefined, intermediate: boolean): boolean {
  return usages === undefined || usages.includes(SERVER_AUTH) ||
    usages.includes(ANY_EXTENDED_KEY_USAGE) || intermediate && usages.includes(NETSCAPE_SGC);
}

/**
 * Whether a server's RSA certificate allows what the handshake did with its key, as Chromium
 * enforces for every root (BoringSSL's SSL_set_enforce_rsa_key_usage, since Chromium 124 for
 * local roots too): signing (ECDHE, TLS 1.3) needs digitalSignature, RSA key exchange
 * keyEncipherment. A certificate without keyUsage, or whose key is not RSA, allows both.
 *
 * @param leaf The server's certificate, DER.
 * @param signed Whether the server signed the handshake (TLS 1.3, or an ECDHE or DHE suite).
 * @returns `ERR_SSL_KEY_USAGE_INCOMPATIBLE`, or `undefined` when the usage fits.
 *
 * @example
 * ```ts
 * import { Buffer } from "node:buffer";
 * import { getCACertificates } from "node:tls";
 * import { rsaKeyUsageError } from "./_certificate_policy.ts";
 * const [pem = ""] = getCACertificates("default");
 * const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
 * console.log(rsaKeyUsageError(der, true)); // undefined unless it is RSA and may not sign
 * ```
 */
export function rsaKeyUsageError(leaf: Uint8Array, signed: boolean): NetErrorCode | undefined {
  let facts;
  try {
    facts = readCertificate(leaf);
  } catch {
    return undefined;
  }
  if (facts.rsaModulusBits === undefined || facts.keyUsage === undefined) return undefined;
  const needed = signed ? DIGITAL_SIGNATURE : KEY_ENCIPHERMENT;
  return (facts.keyUsage & needed) === 0 ? "ERR_SSL_KEY_USAGE_INCOMPATIBLE" : undefined;
}

function isKnownAlgorithm(oid: string): boolean {
  return STRONG_ALGORITHMS.has(oid) || SHA1_ALGORITHMS.has(oid);
}

interface CertificateFacts {
  /** The outer signatureAlgorithm's OID, dotted. */
  signatureAlgorithm: string;
  /** The extendedKeyUsage OIDs, or `undefined` without the extension. */
  extendedKeyUsage: string[] | undefined;
  /** The RSA modulus length in bits, or `undefined` for a key that is not RSA. */
  rsaModulusBits: number | undefined;
  /** Whether its issuer and subject names are the same bytes (a root). */
  selfIssued: boolean;
  /** The keyUsage BIT STRING's first byte, or `undefined` without the extension. */
  keyUsage: number | undefined;
}

// Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } (RFC 5280).
function readCertificate(der: Uint8Array): CertificateFacts {
  const { fields, algorithm } = tbsFields(der);
  const [oid] = children(der, algorithm);
  if (!oid || oid.tag !== 0x06) throw new SyntaxError("No signature algorithm");
  return {
    signatureAlgorithm: oidText(der.subarray(oid.start, oid.end)),
    extendedKeyUsage: readExtendedKeyUsage(der, fields),
    keyUsage: keyUsageBits(der, fields),
    rsaModulusBits: readRsaModulusBits(der, fields),
    selfIssued: isSelfIssued(der, fields),
  };
}

// TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity,
// subject, subjectPublicKeyInfo, ... }.
function isSelfIssued(der: Uint8Array, fields: readonly Tlv[]): boolean {
  const skip = fields[0]?.tag === 0xa0 ? 1 : 0;
  const issuer = fields[skip + 2];
  const subject = fields[skip + 4];
  if (issuer === undefined || subject === undefined) throw new SyntaxError("No names");
  const issuerBytes = der.subarray(issuer.start, issuer.end);
  const subjectBytes = der.subarray(subject.start, subject.end);
  return issuerBytes.length === subjectBytes.length &&
    issuerBytes.every((byte, index) => byte === subjectBytes[index]);
}

// subjectPublicKeyInfo ::= SEQUENCE { algorithm, BIT STRING }, the seventh TBSCertificate field
// (sixth without the version); an RSA key's BIT STRING holds SEQUENCE { modulus, exponent }.
function readRsaModulusBits(der: Uint8Array, fields: readonly Tlv[]): number | undefined {
  const spki = fields[fields[0]?.tag === 0xa0 ? 6 : 5];
  if (spki === undefined) throw new SyntaxError("No subjectPublicKeyInfo");
  const [algorithm, key] = children(der, spki);
  const [id] = algorithm ? children(der, algorithm) : [];
  if (id === undefined || oidText(der.subarray(id.start, id.end)) !== RSA_ENCRYPTION) {
    return undefined;
  }
  if (key?.tag !== 0x03) throw new SyntaxError("Bad RSA key");
  // Past the BIT STRING's unused-bits byte.
  const [modulus] = children(der, readTlv(der, key.start + 1));
  if (modulus?.tag !== 0x02) throw new SyntaxError("Bad RSA key");
  let start = modulus.start;
  while (start < modulus.end && der[start] === 0) start++;
  if (start === modulus.end) return 0;
  return (modulus.end - start) * 8 - Math.clz32(der[start]!) + 24;
}

function readExtendedKeyUsage(der: Uint8Array, fields: readonly Tlv[]): string[] | undefined {
  const value = extensionValue(der, fields, EXTENDED_KEY_USAGE);
  if (value === undefined) return undefined;
  return children(der, value).map((usage) => oidText(der.subarray(usage.start, usage.end)));
}
