/**
 * The TLS library's reason for a failure, as Node, Deno and Bun report it in `error.code`
 * (`ERR_SSL_<REASON>`), and the net error Chromium gives for it, during the handshake or after.
 *
 * @module
 */

import type { NetErrorCode } from "../core/net_errors.ts";

// Chromium's MapOpenSSLErrorSSL (net/socket/openssl_ssl_util.cc), keyed by the reason Node,
// Deno and Bun put after "ERR_SSL_" in `error.code`. Unlisted reasons are
// ERR_SSL_PROTOCOL_ERROR there too, including WRONG_VERSION_NUMBER (a plain-text reply).
const SSL_REASONS: ReadonlyMap<string, NetErrorCode> = new Map<string, NetErrorCode>([
  ["NO_CIPHER_MATCH", "ERR_SSL_VERSION_OR_CIPHER_MISMATCH"],
  ["NO_CIPHERS_AVAILABLE", "ERR_SSL_VERSION_OR_CIPHER_MISMATCH"],
  ["NO_SHARED_CIPHER", "ERR_SSL_VERSION_OR_CIPHER_MISMATCH"],
  ["NO_PROTOCOLS_AVAILABLE", "ERR_SSL_VERSION_OR_CIPHER_MISMATCH"],
  ["UNSUPPORTED_PROTOCOL", "ERR_SSL_VERSION_OR_CIPHER_MISMATCH"],
  ["TLSV1_ALERT_PROTOCOL_VERSION", "ERR_SSL_VERSION_OR_CIPHER_MISMATCH"],
  ["TLSV1_ALERT_INSUFFICIENT_SECURITY", "ERR_SSL_VERSION_OR_CIPHER_MISMATCH"],
  // Chromium narrows this to a handshake_failure answering the ClientHello, where a server
  // sends it when no version or suite is shared; handshakeError tells the later one apart.
  ["SSLV3_ALERT_HANDSHAKE_FAILURE", "ERR_SSL_VERSION_OR_CIPHER_MISMATCH"],
  ["SSLV3_ALERT_BAD_CERTIFICATE", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
  ["SSLV3_ALERT_UNSUPPORTED_CERTIFICATE", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
  ["SSLV3_ALERT_CERTIFICATE_REVOKED", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
  ["SSLV3_ALERT_CERTIFICATE_EXPIRED", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
  ["SSLV3_ALERT_CERTIFICATE_UNKNOWN", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
  ["TLSV1_ALERT_ACCESS_DENIED", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
  ["TLSV1_ALERT_UNKNOWN_CA", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
  ["TLSV13_ALERT_CERTIFICATE_REQUIRED", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
  // BoringSSL's (Bun's) name for the same alert.
  ["TLSV1_ALERT_CERTIFICATE_REQUIRED", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
  ["KEY_USAGE_BIT_INCORRECT", "ERR_SSL_KEY_USAGE_INCOMPATIBLE"],
  ["SSLV3_ALERT_DECOMPRESSION_FAILURE", "ERR_SSL_DECOMPRESSION_FAILURE_ALERT"],
  ["SSLV3_ALERT_BAD_RECORD_MAC", "ERR_SSL_BAD_RECORD_MAC_ALERT"],
  ["TLSV1_ALERT_DECRYPT_ERROR", "ERR_SSL_DECRYPT_ERROR_ALERT"],
  ["TLSV1_UNRECOGNIZED_NAME", "ERR_SSL_UNRECOGNIZED_NAME_ALERT"],
  ["TLSV1_ALERT_UNRECOGNIZED_NAME", "ERR_SSL_UNRECOGNIZED_NAME_ALERT"],
]);

// Deno's rustls names the alert in the message ("received fatal alert: CertificateRequired")
// but files the ones it has no code for under SSLV3_ALERT_HANDSHAKE_FAILURE; the name is the
// alert's, read as OpenSSL's reason for it.
const RUSTLS_ALERTS: ReadonlyMap<string, string> = new Map([
  ["HandshakeFailure", "SSLV3_ALERT_HANDSHAKE_FAILURE"],
  ["BadCertificate", "SSLV3_ALERT_BAD_CERTIFICATE"],
  ["UnsupportedCertificate", "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE"],
  ["CertificateRevoked", "SSLV3_ALERT_CERTIFICATE_REVOKED"],
  ["CertificateExpired", "SSLV3_ALERT_CERTIFICATE_EXPIRED"],
  ["CertificateUnknown", "SSLV3_ALERT_CERTIFICATE_UNKNOWN"],
  ["AccessDenied", "TLSV1_ALERT_ACCESS_DENIED"],
  ["UnknownCA", "TLSV1_ALERT_UNKNOWN_CA"],
  ["CertificateRequired", "TLSV13_ALERT_CERTIFICATE_REQUIRED"],
  ["ProtocolVersion", "TLSV1_ALERT_PROTOCOL_VERSION"],
  ["InsufficientSecurity", "TLSV1_ALERT_INSUFFICIENT_SECURITY"],
  ["DecompressionFailure", "SSLV3_ALERT_DECOMPRESSION_FAILURE"],
  ["BadRecordMac", "SSLV3_ALERT_BAD_RECORD_MAC"],
  ["DecryptError", "TLSV1_ALERT_DECRYPT_ERROR"],
  ["UnrecognisedName", "TLSV1_ALERT_UNRECOGNIZED_NAME"],
]);

/**
 * The OpenSSL reason of a TLS error: what follows `ERR_SSL_` in its code, or, when Deno names a
 * received alert in the message, that alert's reason.
 *
 * @param error What a TLS socket emitted.
 * @returns The reason (`"TLSV1_ALERT_UNKNOWN_CA"`), or `undefined` for an error that is not the
 * TLS library's.
 *
 * @example
 * ```ts
 * import { sslReason } from "./_ssl_reasons.ts";
 * const error = Object.assign(new Error("received fatal alert: CertificateRequired"), {
 *   code: "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
 * });
 * console.log(sslReason(error)); // "TLSV13_ALERT_CERTIFICATE_REQUIRED"
 * ```
 */
export function sslReason(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, message } = error as Record<string, unknown>;
  if (typeof code !== "string" || !code.startsWith("ERR_SSL_")) return undefined;
  const alert = typeof message === "string"
    ? /received fatal alert: (\w+)/.exec(message)?.[1]
    : undefined;
  if (alert === undefined) return code.slice("ERR_SSL_".length);
  return RUSTLS_ALERTS.get(alert) ?? "UNKNOWN_ALERT";
}

/**
 * The net error Chromium's MapOpenSSLErrorSSL gives for a reason; `ERR_SSL_PROTOCOL_ERROR` for
 * any it does not list.
 *
 * @param reason An OpenSSL reason, from {@linkcode sslReason}.
 * @returns The net error code.
 *
 * @example
 * ```ts
 * import { sslReasonNetError } from "./_ssl_reasons.ts";
 * console.log(sslReasonNetError("TLSV1_ALERT_UNKNOWN_CA")); // "ERR_BAD_SSL_CLIENT_AUTH_CERT"
 * ```
 */
export function sslReasonNetError(reason: string): NetErrorCode {
  return SSL_REASONS.get(reason) ?? "ERR_SSL_PROTOCOL_ERROR";
}
