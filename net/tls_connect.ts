/**
 * The TLS step of the transport: a handshake over an open connection under the session's SSL
 * config, then the session's certificate verdict.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { isIP } from "node:net";
import type { Duplex } from "node:stream";
import { connect, type DetailedPeerCertificate, getCACertificates, type TLSSocket } from "node:tls";
import { SessionError } from "../core/session_error.ts";
import { cipherSuiteNumber, TLS13_CIPHER_SUITES } from "./_tls_cipher_suites.ts";
import { rsaKeyUsageError } from "./_certificate_policy.ts";
import { certStatusErrors } from "./_cert_status.ts";
import { handshakeError } from "./_tls_errors.ts";
import type { CertificateVerifier } from "./certificate_verifier.ts";
import { CHROMIUM_CONNECT_TIMEOUTS, type ConnectStepOptions } from "./connect_step.ts";
import type { ResolvedSSLConfig } from "./ssl_config.ts";
import { loggedStep } from "./step_log.ts";

/** Options for {@linkcode connectTls}. */
export interface ConnectTlsOptions extends ConnectStepOptions {
  /** The host the certificate must be valid for; an IPv6 literal without brackets. */
  hostname: string;
  /** The SNI name; default `hostname`. Never sent for an IP literal. */
  servername?: string;
  /** Versions and cipher suites, from `resolveSSLConfig`. */
  ssl: ResolvedSSLConfig;
  /** The session's verifier (default checks plus the verify proc). */
  verifier: CertificateVerifier;
  /** Extra trusted roots (PEM), trusted on top of the runtime's default ones. */
  ca?: string[];
  /** `false` to judge a chain that stops short without fetching its intermediates (AIA). */
  fetchIntermediates?: boolean;
  /**
   * How long the handshake and the verification may take, in milliseconds; default 30 000
   * (Chromium's `kSSLHandshakeTimeout`). Running over fails with `net::ERR_TIMED_OUT`.
   */
  timeoutMs?: number;
}

/**
 * Runs a TLS handshake over an open connection and verifies the server's certificate.
 *
 * The handshake offers `http/1.1` by ALPN and never rejects a certificate itself
 * (`rejectUnauthorized: false`): the verifier decides after `secureConnect`. A suite the
 * config disables is refused even when the runtime ignored `ciphers` (Deno does). On failure
 * both sockets are destroyed; on success the returned socket carries none of this function's
 * listeners, so the caller must add its own `error` listener.
 *
 * @param socket A connected TCP socket or proxy tunnel.
 * @param options Host, SSL config, verifier, extra roots, timeout, abort signal and net log.
 * @returns The verified TLS socket.
 * @throws {SessionError} `ERR_SSL_VERSION_OR_CIPHER_MISMATCH` when no version or suite is
 * shared, `ERR_CONNECTION_CLOSED` when the server hangs up mid-handshake,
 * `ERR_SSL_PROTOCOL_ERROR` for other TLS failures, `ERR_CONNECTION_RESET` and other system
 * errors, the verifier's `ERR_CERT_*` verdict, `ERR_TIMED_OUT` when the handshake outlives
 * `timeoutMs`, or `ERR_ABORTED`.
 *
 * @example
 * ```ts ignore
 * import { connect } from "node:net";
 * import { connectTls } from "./tls_connect.ts";
 * import { CertificateVerifier } from "./certificate_verifier.ts";
 * import { resolveSSLConfig } from "./ssl_config.ts";
 *
 * const tcp = connect(443, "example.com");
 * await new Promise((resolve) => tcp.once("connect", resolve));
 * const socket = await connectTls(tcp, {
 *   hostname: "example.com",
 *   ssl: resolveSSLConfig({ minVersion: "tls1.3" }),
 *   verifier: new CertificateVerifier(),
 * });
 * console.log(socket.getProtocol()); // "TLSv1.3"
 * socket.destroy();
 * ```
 */
export function connectTls(socket: Duplex, options: ConnectTlsOptions): Promise<TLSSocket> {
  const netLog = options.netLog;
  if (!netLog?.sink.capturing) return handshake(socket, options);
  return loggedStep(
    netLog,
    "SSL_CONNECT",
    () => ({ host: options.hostname }),
    () =>
      handshake(socket, options, (peer) => {
        // The chain the peer sent, as Chromium's SSL_CERTIFICATES_RECEIVED lists it (PEM), logged
        // before the verdict as Chromium's VerifyCert does, so a refused certificate shows too.
        netLog.sink.add({
          type: "SSL_CERTIFICATES_RECEIVED",
          phase: "PHASE_NONE",
          source: netLog.source,
          params: { certificates: peerChainPem(peer) },
        });
      }),
    (tlsSocket) => {
      // Chromium's NetLogSSLInfoParams: SSLVersionToString's names ("TLS 1.3"), the IANA
      // suite number, NextProtoToString ("unknown" when ALPN chose nothing).
      const suite = tlsSocket.getCipher().name;
      return {
        version: SSL_VERSION_NAMES[tlsSocket.getProtocol() ?? ""] ?? "unknown",
        is_resumed: tlsSocket.isSessionReused(),
        cipher_suite: cipherSuiteNumber(suite) ?? TLS13_CIPHER_SUITES.get(suite) ?? 0,
        next_proto: tlsSocket.alpnProtocol || "unknown",
      };
    },
  );
}

// node:tls's protocol names to Chromium's SSLVersionToString.
const SSL_VERSION_NAMES: Readonly<Record<string, string>> = {
  SSLv3: "SSL 3.0",
  TLSv1: "TLS 1.0",
  "TLSv1.1": "TLS 1.1",
  "TLSv1.2": "TLS 1.2",
  "TLSv1.3": "TLS 1.3",
};

// The peer's certificates, leaf first, each as PEM.
function peerChainPem(peer: DetailedPeerCertificate): string[] {
  const chain: string[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = peer;
  while (cert?.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    // Deno hands out the DER as a plain Uint8Array (whose toString lists the bytes), Bun and
    // Node as a Buffer.
    const base64 = Buffer.from(cert.raw).toString("base64").replace(/.{1,64}/g, "$&\n");
    chain.push(`-----BEGIN CERTIFICATE-----\n${base64}-----END CERTIFICATE-----\n`);
    cert = cert.issuerCertificate;
  }
  return chain;
}

function handshake(
  socket: Duplex,
  options: ConnectTlsOptions,
  onCertificates?: (peer: DetailedPeerCertificate) => void,
): Promise<TLSSocket> {
  const {
    hostname,
    servername = hostname,
    ssl,
    verifier,
    ca,
    signal,
    fetchIntermediates = true,
    timeoutMs = CHROMIUM_CONNECT_TIMEOUTS.tlsHandshakeMs,
  } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      socket.destroy();
      reject(new SessionError("ERR_ABORTED", { cause: signal.reason }));
      return;
    }
    // Counted from here: a proxy's CONNECT answer came through the same socket.
    const bytesBefore = bytesRead(socket);
    const tlsSocket = connect({
      socket,
      ...(isIP(servername) === 0 ? { servername } : {}),
      rejectUnauthorized: false,
      minVersion: ssl.minVersion,
      maxVersion: ssl.maxVersion,
      ciphers: ssl.ciphers,
      ALPNProtocols: ["http/1.1"],
      // Setting `ca` replaces the default roots, so the extra ones go on top of a copy of them.
      ...(ca ? { ca: [...getCACertificates("default"), ...ca] } : {}),
    });
    let settled = false;
    const finish = (error?: SessionError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      tlsSocket.off("secureConnect", onSecureConnect).off("error", onError).off("close", onClose);
      socket.off("error", onError);
      signal?.removeEventListener("abort", onAbort);
      if (error === undefined) {
        resolve(tlsSocket);
        return;
      }
      tlsSocket.destroy();
      socket.destroy();
      reject(error);
    };
    const onError = (error: unknown) => {
      // More than the alert arrived: the server's own handshake came first. Deno's node:tls keeps
      // no peer certificate before the handshake completes; the bytes tell it in any runtime.
      const serverAnswered = hasPeerCertificate(tlsSocket) ||
        bytesRead(socket) - bytesBefore > TLS_ALERT_RECORD_BYTES;
      finish(handshakeError(error, { serverAnswered }));
    };
    const onClose = () => finish(new SessionError("ERR_CONNECTION_CLOSED"));
    const onAbort = () => finish(new SessionError("ERR_ABORTED", { cause: signal?.reason }));
    const timer = setTimeout(() => finish(new SessionError("ERR_TIMED_OUT")), timeoutMs);
    const onSecureConnect = () => {
      // Read once: building the chain's objects costs 40-110 µs, and three steps read it.
      const peer = tlsSocket.getPeerCertificate(true);
      onCertificates?.(peer);
      const suite = cipherSuiteNumber(tlsSocket.getCipher().name);
      if (suite !== undefined && ssl.disabledCipherSuites.includes(suite)) {
        finish(new SessionError("ERR_SSL_VERSION_OR_CIPHER_MISMATCH"));
        return;
      }
      verifier.verify(hostname, tlsSocket, ca, peer, signal, fetchIntermediates).then(
        (acceptedError) => {
          // An alert or an abort may have ended the handshake while the verdict was awaited.
          if (settled) return;
          if (acceptedError !== undefined) certStatusErrors.set(tlsSocket, acceptedError);
          // After the verdict, as BoringSSL's check comes once verification is done in Chromium;
          // BoringSSL (Bun) made it already, Deno's rustls does not.
          const protocol = tlsSocket.getProtocol();
          const signed = protocol === "TLSv1.3" || /DHE/.test(tlsSocket.getCipher()?.name ?? "");
          const usage = rsaKeyUsageError(peer.raw, signed);
          finish(usage && new SessionError(usage));
        },
        (error: unknown) => finish(handshakeError(error)),
      );
    };
    tlsSocket.once("secureConnect", onSecureConnect).on("error", onError).once("close", onClose);
    // The wrapped socket has no listener of its own once connected; an error it raises while
    // the handshake runs must fail the handshake, not the process.
    socket.on("error", onError);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

// A plaintext alert record: 5 bytes of header, level and description.
const TLS_ALERT_RECORD_BYTES = 7;

// What the connection under the TLS socket has received, 0 for a stream that does not count
// (a tunnel inside another TLS connection).
function bytesRead(socket: Duplex): number {
  const { bytesRead } = socket as Duplex & { bytesRead?: unknown };
  return typeof bytesRead === "number" ? bytesRead : 0;
}

// Whether the server's certificate arrived before the handshake failed (BoringSSL and OpenSSL
// keep it; Deno's node:tls shows none until the handshake completes).
function hasPeerCertificate(tlsSocket: TLSSocket): boolean {
  try {
    return Boolean(tlsSocket.getPeerCertificate()?.raw);
  } catch {
    return false;
  }
}
