import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SessionError } from "../core/session_error.ts";
import { handshakeError } from "./_tls_errors.ts";

function failure(code: string | undefined, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error("handshake failed"), code === undefined ? {} : { code }, extra);
}

describe("handshakeError", () => {
  it("maps no shared version or suite to ERR_SSL_VERSION_OR_CIPHER_MISMATCH", () => {
    for (
      const code of [
        "ERR_SSL_NO_SHARED_CIPHER",
        "ERR_SSL_NO_CIPHER_MATCH",
        "ERR_SSL_NO_PROTOCOLS_AVAILABLE",
        "ERR_SSL_UNSUPPORTED_PROTOCOL",
        "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION",
        "ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY",
        "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
      ]
    ) {
      assert.equal(handshakeError(failure(code)).code, "ERR_SSL_VERSION_OR_CIPHER_MISMATCH", code);
    }
  });

  it("maps alerts about the client certificate and others as Chromium does", () => {
    const cases: [string, string][] = [
      ["ERR_SSL_TLSV1_ALERT_UNKNOWN_CA", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
      ["ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
      ["ERR_SSL_SSLV3_ALERT_BAD_RECORD_MAC", "ERR_SSL_BAD_RECORD_MAC_ALERT"],
      ["ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR", "ERR_SSL_DECRYPT_ERROR_ALERT"],
      ["ERR_SSL_TLSV1_UNRECOGNIZED_NAME", "ERR_SSL_UNRECOGNIZED_NAME_ALERT"],
      ["ERR_SSL_WRONG_VERSION_NUMBER", "ERR_SSL_PROTOCOL_ERROR"],
      ["ERR_SSL_SOMETHING_NEW", "ERR_SSL_PROTOCOL_ERROR"],
    ];
    for (const [code, expected] of cases) {
      assert.equal(handshakeError(failure(code)).code, expected, code);
    }
  });

  it("takes a handshake_failure once the server answered the ClientHello as the client certificate refused", () => {
    // Chromium: the alert after a CertificateRequest (MapLastOpenSSLError); the server's
    // certificate comes in the same flight, and an answer to the ClientHello comes before it.
    const alert = failure("ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE");
    assert.equal(
      handshakeError(alert, { serverAnswered: true }).code,
      "ERR_BAD_SSL_CLIENT_AUTH_CERT",
    );
    assert.equal(
      handshakeError(alert, { serverAnswered: false }).code,
      "ERR_SSL_VERSION_OR_CIPHER_MISMATCH",
    );
  });

  it("takes an access_denied answering the ClientHello as a firewall's, a protocol error", () => {
    const alert = failure("ERR_SSL_TLSV1_ALERT_ACCESS_DENIED");
    assert.equal(handshakeError(alert).code, "ERR_SSL_PROTOCOL_ERROR");
    assert.equal(
      handshakeError(alert, { serverAnswered: true }).code,
      "ERR_BAD_SSL_CLIENT_AUTH_CERT",
    );
  });

  it("reads the alert Deno names in its message, whatever code it gives", () => {
    // Deno's rustls puts alerts it has no code for under SSLV3_ALERT_HANDSHAKE_FAILURE.
    const cases: [string, string][] = [
      ["CertificateRequired", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
      ["BadCertificate", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
      ["UnknownCA", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
      ["ProtocolVersion", "ERR_SSL_VERSION_OR_CIPHER_MISMATCH"],
      ["HandshakeFailure", "ERR_SSL_VERSION_OR_CIPHER_MISMATCH"],
      ["DecryptError", "ERR_SSL_DECRYPT_ERROR_ALERT"],
      ["UnrecognisedName", "ERR_SSL_UNRECOGNIZED_NAME_ALERT"],
      ["IllegalParameter", "ERR_SSL_PROTOCOL_ERROR"],
    ];
    for (const [alert, expected] of cases) {
      const error = Object.assign(new Error(`received fatal alert: ${alert}`), {
        code: "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
      });
      assert.equal(handshakeError(error).code, expected, alert);
    }
  });

  it("tells a clean hang-up from a reset", () => {
    // node:tls's own "disconnected before secure TLS connection" error has no syscall.
    assert.equal(handshakeError(failure("ECONNRESET")).code, "ERR_CONNECTION_CLOSED");
    assert.equal(
      handshakeError(failure("ECONNRESET", { syscall: "read", errno: -104 })).code,
      "ERR_CONNECTION_RESET",
    );
    assert.equal(
      handshakeError(failure("EPIPE", { syscall: "write" })).code,
      "ERR_CONNECTION_RESET",
    );
    assert.equal(handshakeError(failure("ERR_SOCKET_CLOSED")).code, "ERR_CONNECTION_CLOSED");
  });

  it("treats Node's own TLS errors, verify results and errors without a code as ERR_SSL_PROTOCOL_ERROR", () => {
    assert.equal(handshakeError(failure("ERR_TLS_INVALID_STATE")).code, "ERR_SSL_PROTOCOL_ERROR");
    assert.equal(handshakeError(failure(undefined)).code, "ERR_SSL_PROTOCOL_ERROR");
    // Deno's rustls, failing a handshake whose signature it cannot check.
    assert.equal(
      handshakeError(failure("UNABLE_TO_VERIFY_LEAF_SIGNATURE")).code,
      "ERR_SSL_PROTOCOL_ERROR",
    );
    assert.equal(handshakeError("not an error").code, "ERR_SSL_PROTOCOL_ERROR");
  });

  it("keeps the original error as the cause and passes SessionErrors through", () => {
    const original = failure("ERR_SSL_NO_SHARED_CIPHER");
    assert.equal(handshakeError(original).cause, original);
    const verdict = new SessionError("ERR_CERT_DATE_INVALID");
    assert.equal(handshakeError(verdict), verdict);
  });
});
