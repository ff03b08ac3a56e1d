/**
 * Turns what `node:tls` emits when a handshake fails into the net error Chromium reports.
 *
 * @module
 */

import type { NetErrorCode } from "../core/net_errors.ts";
import { SessionError } from "../core/session_error.ts";
import { netErrorFromSystemError } from "./net_error_from_system.ts";

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
  // Chromium narrows this to a handshake_failure answering the ClientHello, which node:tls
  // cannot tell apart; a server sends it there when no version or suite is shared.
  ["SSLV3_ALERT_HANDSHAKE_FAILURE", "ERR_SSL_VERSION_OR_CIPHER_MISMATCH"],
  ["SSLV3_ALERT_BAD_CERTIFICATE", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
  ["SSLV3_ALERT_UNSUPPORTED_CERTIFICATE", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
  ["SSLV3_ALERT_CERTIFICATE_REVOKED", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
  ["SSLV3_ALERT_CERTIFICATE_EXPIRED", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
  ["SSLV3_ALERT_CERTIFICATE_UNKNOWN", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
  ["TLSV1_ALERT_ACCESS_DENIED", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
  ["TLSV1_ALERT_UNKNOWN_CA", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
  ["TLSV13_ALERT_CERTIFICATE_REQUIRED", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
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

/** What the handshake had seen when it failed. */
export interface HandshakeErrorContext {
  /**
   * Whether the server's certificate had arrived: the server then answered the ClientHello, so
   * a handshake_failure alert is about what followed, the client certificate it asked for.
   */
  serverCertificateReceived?: boolean;
}

/**
 * Maps an error a `TLSSocket` emitted before `secureConnect` to Chromium's net error.
 *
 * TLS library errors (`ERR_SSL_*`) follow Chromium's OpenSSL mapping: no shared version or
 * suite is `ERR_SSL_VERSION_OR_CIPHER_MISMATCH`, anything else `ERR_SSL_PROTOCOL_ERROR`. The
 * peer closing the connection mid-handshake is `ERR_CONNECTION_CLOSED`, as in Chromium, whose
 * socket adapter reports end of stream that way. System and stream errors map as elsewhere
 * (`ECONNRESET` is `ERR_CONNECTION_RESET`); Node's own `ERR_TLS_*` errors and errors without a
 * code are `ERR_SSL_PROTOCOL_ERROR`. A handshake_failure alert after the server's certificate
 * arrived is `ERR_BAD_SSL_CLIENT_AUTH_CERT`: TLS 1.2 has no alert for a missing client
 * certificate, and Chromium's SSLClientSocketImpl::MapLastOpenSSLError reads a
 * handshake_failure after a CertificateRequest that way (no certificate is ever sent here).
 *
 * @param error What the socket emitted.
 * @param context What the handshake had seen; see {@linkcode HandshakeErrorContext}.
 * @returns The `SessionError`, with `error` as its cause.
 *
 * @example
 * ```ts
 * import { handshakeError } from "./_tls_errors.ts";
 * const alert = Object.assign(new Error("alert"), { code: "ERR_SSL_NO_SHARED_CIPHER" });
 * console.log(handshakeError(alert).code); // ERR_SSL_VERSION_OR_CIPHER_MISMATCH
 * ```
 */
export function handshakeError(
  error: unknown,
  context: HandshakeErrorContext = {},
): SessionError {
  if (SessionError.is(error)) return error;
  const { code, syscall, message } = typeof error === "object" && error !== null
    ? error as Record<string, unknown>
    : {};
  if (typeof code === "string" && code.startsWith("ERR_SSL_")) {
    const alert = typeof message === "string"
      ? /received fatal alert: (\w+)/.exec(message)?.[1]
      : undefined;
    const reason = alert === undefined
      ? code.slice("ERR_SSL_".length)
      : RUSTLS_ALERTS.get(alert) ?? "UNKNOWN_ALERT";
    const mapped = reason === "SSLV3_ALERT_HANDSHAKE_FAILURE" && context.serverCertificateReceived
      ? "ERR_BAD_SSL_CLIENT_AUTH_CERT"
      : SSL_REASONS.get(reason) ?? "ERR_SSL_PROTOCOL_ERROR";
    return new SessionError(mapped, { cause: error });
  }
  // node:tls reports a clean end of stream before the handshake finished as an ECONNRESET with
  // no syscall ("Client network socket disconnected before secure TLS connection was
  // established"); a reset the kernel saw carries the syscall that hit it.
  if (code === "ECONNRESET" && syscall === undefined) {
    return new SessionError("ERR_CONNECTION_CLOSED", { cause: error });
  }
  if (typeof code !== "string" || code.startsWith("ERR_TLS_")) {
    return new SessionError("ERR_SSL_PROTOCOL_ERROR", { cause: error });
  }
  return netErrorFromSystemError(error, "io");
}
