/**
 * Turns what `node:tls` emits when a handshake fails into the net error Chromium reports.
 *
 * @module
 */

import { SessionError } from "../core/session_error.ts";
import { sslReason, sslReasonNetError } from "./_ssl_reasons.ts";
import { netErrorFromSystemError } from "./net_error_from_system.ts";

/** What the handshake had seen when it failed. */
export interface HandshakeErrorContext {
  /**
   * Whether the server had answered the ClientHello with its handshake (its certificate arrived,
   * or it sent more than the alert), so a handshake_failure alert is about what followed, the
   * client certificate it asked for, and an access_denied alert about that certificate too
   * rather than a firewall's refusal.
   */
  serverAnswered?: boolean;
}

// Chromium's SSLClientSocketImpl::MapLastOpenSSLError on top of MapOpenSSLErrorSSL: TLS has no
// alert for a missing client certificate, so a handshake_failure after a CertificateRequest is
// the certificate refused (crbug.com/646567), and an access_denied with no CertificateRequest
// is some firewall's, a protocol error (crbug.com/630883). The server's answer stands for the
// CertificateRequest, which node:tls does not report.
function handshakeReasonNetError(reason: string, context: HandshakeErrorContext) {
  const requested = context.serverAnswered === true;
  if (reason === "SSLV3_ALERT_HANDSHAKE_FAILURE" && requested) {
    return "ERR_BAD_SSL_CLIENT_AUTH_CERT";
  }
  if (reason === "TLSV1_ALERT_ACCESS_DENIED" && !requested) return "ERR_SSL_PROTOCOL_ERROR";
  return sslReasonNetError(reason);
}

/**
 * Maps an error a `TLSSocket` emitted before `secureConnect` to Chromium's net error.
 *
 * TLS library errors (`ERR_SSL_*`) follow Chromium's OpenSSL mapping: no shared version or
 * suite is `ERR_SSL_VERSION_OR_CIPHER_MISMATCH`, anything else `ERR_SSL_PROTOCOL_ERROR`. The
 * peer closing the connection mid-handshake is `ERR_CONNECTION_CLOSED`, as in Chromium, whose
 * socket adapter reports end of stream that way. System and stream errors map as elsewhere
 * (`ECONNRESET` is `ERR_CONNECTION_RESET`); Node's own `ERR_TLS_*` errors, OpenSSL verify
 * results raised by the handshake itself and errors without a code are
 * `ERR_SSL_PROTOCOL_ERROR`. A handshake_failure alert after the server answered the ClientHello
 * is `ERR_BAD_SSL_CLIENT_AUTH_CERT`: TLS 1.2 has no alert for a missing client certificate, and
 * Chromium's SSLClientSocketImpl::MapLastOpenSSLError reads a handshake_failure after a
 * CertificateRequest that way (no certificate is ever sent here); an access_denied alert
 * before it is `ERR_SSL_PROTOCOL_ERROR`, as Chromium reads a firewall's.
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
  const { code, syscall } = typeof error === "object" && error !== null
    ? error as Record<string, unknown>
    : {};
  const reason = sslReason(error);
  if (reason !== undefined) {
    return new SessionError(handshakeReasonNetError(reason, context), { cause: error });
  }
  // node:tls reports a clean end of stream before the handshake finished as an ECONNRESET with
  // no syscall ("Client network socket disconnected before secure TLS connection was
  // established"); a reset the kernel saw carries the syscall that hit it.
  if (code === "ECONNRESET" && syscall === undefined) {
    return new SessionError("ERR_CONNECTION_CLOSED", { cause: error });
  }
  if (typeof code !== "string" || code.startsWith("ERR_TLS_") || VERIFY_REASON.test(code)) {
    return new SessionError("ERR_SSL_PROTOCOL_ERROR", { cause: error });
  }
  return netErrorFromSystemError(error, "io");
}

// OpenSSL's certificate verify results (X509_V_ERR_* names), which Deno's rustls raises as a
// handshake error when it cannot check a signature itself (an RSA key under 2048 bits):
// BoringSSL reports a handshake signature it cannot verify as SSL_R_BAD_SIGNATURE, a protocol
// error. Certificates are otherwise judged after the handshake, by CertificateVerifier.
const VERIFY_REASON =
  /^(?:UNABLE_TO_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|INVALID_CA$|INVALID_PURPOSE$|PATH_LENGTH_)/;
