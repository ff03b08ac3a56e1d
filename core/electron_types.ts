/**
 * The Electron structures that cross folder boundaries, shaped as Electron documents them.
 *
 * @module
 */

import type { Buffer } from "node:buffer";

/** Electron's `Cookie`, keys in Electron's order. */
export interface Cookie {
  /** The name of the cookie. */
  name: string;
  /** The value of the cookie. */
  value: string;
  /** The domain of the cookie; normalised with a leading dot for domain cookies. */
  domain: string;
  /** Whether the cookie is a host-only cookie. */
  hostOnly: boolean;
  /** The path of the cookie. */
  path: string;
  /** Whether the cookie is marked as secure. */
  secure: boolean;
  /** Whether the cookie is marked as HTTP only. */
  httpOnly: boolean;
  /** Whether the cookie is a session cookie. */
  session: boolean;
  /** Expiration in seconds since the UNIX epoch; absent for session cookies. */
  expirationDate?: number;
  /** The SameSite policy applied to this cookie. */
  sameSite: CookieSameSite;
}

/** The SameSite values Electron uses. */
export type CookieSameSite = "unspecified" | "no_restriction" | "lax" | "strict";

/** Electron's `ProxyConfig` for `ses.setProxy`. */
export interface ProxyConfig {
  /** `direct`, `auto_detect`, `pac_script`, `fixed_servers` or `system`. */
  mode?: "direct" | "auto_detect" | "pac_script" | "fixed_servers" | "system";
  /** The URL of a PAC script. */
  pacScript?: string;
  /** Rules in Chromium's proxy rule syntax. */
  proxyRules?: string;
  /** Hosts that bypass the proxy. */
  proxyBypassRules?: string;
}

/** Electron's `CertificatePrincipal`. */
export interface CertificatePrincipal {
  /** Common Name. */
  commonName: string;
  /** Organization names. */
  organizations: string[];
  /** Organization Unit names. */
  organizationUnits: string[];
  /** Locality. */
  locality: string;
  /** State or province. */
  state: string;
  /** Country or region. */
  country: string;
}

/** Electron's `Certificate`. */
export interface Certificate {
  /** PEM encoded data. */
  data: string;
  /** Issuer principal. */
  issuer: CertificatePrincipal;
  /** Issuer's Common Name. */
  issuerName: string;
  /** Issuer certificate (if not self-signed). */
  issuerCert?: Certificate;
  /** Subject principal. */
  subject: CertificatePrincipal;
  /** Subject's Common Name. */
  subjectName: string;
  /** Hex value represented string. */
  serialNumber: string;
  /** Start date of the certificate being valid in seconds. */
  validStart: number;
  /** End date of the certificate being valid in seconds. */
  validExpiry: number;
  /** Fingerprint of the certificate (`sha256/` + base64). */
  fingerprint: string;
}

/** What `setCertificateVerifyProc`'s proc receives. */
export interface CertificateVerifyRequest {
  /** The host name being verified. */
  hostname: string;
  /** The certificate the server presented. */
  certificate: Certificate;
  /** The verified chain, or the presented one when verification failed. */
  validatedCertificate: Certificate;
  /** Whether the chain ends at a root the system trusts. */
  isIssuedByKnownRoot: boolean;
  /** `OK` or a net error like `net::ERR_CERT_AUTHORITY_INVALID`. */
  verificationResult: string;
  /** The error number of `verificationResult` (0 for OK). */
  errorCode: number;
}

/**
 * The verdict callback: `0` accepts, `-2` rejects, `-3` keeps the default verifier's result.
 */
export type CertificateVerifyCallback = (verificationResult: number) => void;

/** The proc given to `setCertificateVerifyProc`. */
export type CertificateVerifyProc = (
  request: CertificateVerifyRequest,
  callback: CertificateVerifyCallback,
) => void;

/** The TLS versions `setSSLConfig` accepts. */
export type SSLVersion = "tls1" | "tls1.1" | "tls1.2" | "tls1.3";

/** Electron's `SSLConfig`. */
export interface SSLConfig {
  /** The minimum TLS version; default `tls1.2`. */
  minVersion?: SSLVersion;
  /** The maximum TLS version; default `tls1.3`. */
  maxVersion?: SSLVersion;
  /** Cipher suites to disable, as IANA numbers (e.g. `0x009c`). */
  disabledCipherSuites?: number[];
}

/** Options of `enableNetworkEmulation`. */
export interface NetworkEmulationOptions {
  /** Whether to emulate a network outage. */
  offline?: boolean;
  /** Round-trip time in milliseconds; 0 disables latency throttling. */
  latency?: number;
  /** Download rate in bytes per second; 0 disables the limit. */
  downloadThroughput?: number;
  /** Upload rate in bytes per second; 0 disables the limit. */
  uploadThroughput?: number;
}

/** Options of `preconnect`. */
export interface PreconnectOptions {
  /** The URL to preconnect to; only the origin matters. */
  url: string;
  /** Number of sockets, 1 to 6; default 1. */
  numSockets?: number;
}

/**
 * Electron's `UploadData` (`docs/api/structures/upload-data.md`): one part of a request body,
 * in webRequest details and a callback-style protocol handler's request. A byte body comes as
 * one part; `file` is never set here (only a renderer's form upload names a file), but it is
 * declared so that Electron programs reading it type-check.
 */
export interface UploadData {
  /**
   * The part's kind, as Electron's `ResourceRequestBody` converter sets it at run time (its
   * typings leave it out; its own `protocol.handle` reads it): `rawData` for bytes, `blob` for
   * a `Blob` body.
   */
  type: "rawData" | "blob";
  /** The content being sent. */
  bytes: Buffer;
  /** Path of the file being uploaded. */
  file?: string;
  /** For a `Blob` body: the UUID `ses.getBlobData` reads while the request runs. */
  blobUUID?: string;
}
