/**
 * Electron's `Certificate` object, built from the certificate `node:tls` reports for a peer.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { DetailedPeerCertificate, PeerCertificate } from "node:tls";
import type { Certificate, CertificatePrincipal } from "../core/electron_types.ts";
import { chromiumFingerprint } from "./_tls_fingerprint.ts";

/**
 * Builds Electron's `Certificate` for a peer certificate, with `issuerCert` following the chain.
 *
 * Fields follow Electron's converter over Chromium's `X509Certificate`: `data` is PEM,
 * `issuerName`/`subjectName` are the display names (common name, else the first organization,
 * else the first unit), `serialNumber` is the upper-case hex of the DER serial (so with a leading
 * `00` when the top bit is set), dates are seconds since the epoch, and `fingerprint` is
 * `sha256/` plus the base64 SHA-256 of the DER. The chain stops at a self-issued certificate,
 * which `node:tls` reports as its own issuer.
 *
 * @param cert `socket.getPeerCertificate(true)` (or `false`, which gives no `issuerCert`).
 * @returns The Electron certificate.
 *
 * @example Not run as a doc test: it needs the live network (example.com)
 * ```ts ignore
 * import tls from "node:tls";
 * import { toElectronCertificate } from "./certificate.ts";
 * const socket = tls.connect({ host: "example.com", port: 443, servername: "example.com" });
 * socket.once("secureConnect", () => {
 *   const certificate = toElectronCertificate(socket.getPeerCertificate(true));
 *   console.log(certificate.subjectName, certificate.issuerCert?.subjectName);
 *   socket.destroy();
 * });
 * ```
 */
export function toElectronCertificate(
  cert: PeerCertificate | DetailedPeerCertificate,
): Certificate {
  return convert(cert, new Set());
}

function convert(cert: PeerCertificate | DetailedPeerCertificate, seen: Set<string>): Certificate {
  const der = cert.raw;
  const fingerprint = chromiumFingerprint(der);
  seen.add(fingerprint);
  const next = "issuerCertificate" in cert ? cert.issuerCertificate : undefined;
  const issuerCert = next?.raw && !seen.has(chromiumFingerprint(next.raw))
    ? convert(next, seen)
    : undefined;
  const issuer = principal(cert.issuer);
  const subject = principal(cert.subject);
  // Electron's key order.
  return {
    data: toPem(der),
    issuer,
    issuerName: displayName(issuer),
    ...(issuerCert ? { issuerCert } : {}),
    subject,
    subjectName: displayName(subject),
    serialNumber: derSerialHex(cert.serialNumber),
    validStart: Date.parse(cert.valid_from) / 1000,
    validExpiry: Date.parse(cert.valid_to) / 1000,
    fingerprint,
  };
}

function principal(name: PeerCertificate["subject"] | undefined): CertificatePrincipal {
  return {
    commonName: first(name?.CN),
    organizations: all(name?.O),
    organizationUnits: all(name?.OU),
    locality: first(name?.L),
    state: first(name?.ST),
    country: first(name?.C),
  };
}

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

function all(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...value] : [value];
}

// Chromium's CertPrincipal::GetDisplayName.
function displayName(name: CertificatePrincipal): string {
  return name.commonName || name.organizations[0] || name.organizationUnits[0] || "";
}

// node:tls prints the serial as a bare big number ("8A01"); Chromium hex-encodes the DER INTEGER's
// bytes, which carry a leading zero byte when the top bit is set ("008A01").
function derSerialHex(serial: string): string {
  const even = serial.length % 2 === 1 ? `0${serial}` : serial;
  const hex = even.toUpperCase();
  return /^[89A-F]/.test(hex) ? `00${hex}` : hex;
}

function toPem(der: Uint8Array): string {
  // Deno hands out the leaf's DER as a plain Uint8Array, Bun and Node as a Buffer.
  const lines = Buffer.from(der).toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}
