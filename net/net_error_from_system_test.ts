import { describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import type { AddressInfo } from "node:net";
import type { NetErrorCode } from "../core/net_errors.ts";
import { SessionError } from "../core/session_error.ts";
import { netErrorFromSystemError } from "./net_error_from_system.ts";

function systemError(code: string, syscall = "read"): Error {
  return Object.assign(new Error(`${syscall} ${code}`), { code, syscall, errno: -1 });
}

// [errno name, during connect, during io]
const TABLE: ReadonlyArray<readonly [string, NetErrorCode, NetErrorCode]> = [
  ["ECONNREFUSED", "ERR_CONNECTION_REFUSED", "ERR_CONNECTION_REFUSED"],
  ["ECONNRESET", "ERR_CONNECTION_RESET", "ERR_CONNECTION_RESET"],
  ["EPIPE", "ERR_CONNECTION_RESET", "ERR_CONNECTION_RESET"],
  ["ENETRESET", "ERR_CONNECTION_RESET", "ERR_CONNECTION_RESET"],
  ["ETIMEDOUT", "ERR_CONNECTION_TIMED_OUT", "ERR_TIMED_OUT"],
  ["ECONNABORTED", "ERR_CONNECTION_ABORTED", "ERR_CONNECTION_ABORTED"],
  ["EHOSTUNREACH", "ERR_ADDRESS_UNREACHABLE", "ERR_ADDRESS_UNREACHABLE"],
  ["ENETUNREACH", "ERR_ADDRESS_UNREACHABLE", "ERR_ADDRESS_UNREACHABLE"],
  ["EHOSTDOWN", "ERR_ADDRESS_UNREACHABLE", "ERR_ADDRESS_UNREACHABLE"],
  ["ENETDOWN", "ERR_INTERNET_DISCONNECTED", "ERR_INTERNET_DISCONNECTED"],
  ["EADDRNOTAVAIL", "ERR_ADDRESS_INVALID", "ERR_ADDRESS_INVALID"],
  ["EADDRINUSE", "ERR_ADDRESS_IN_USE", "ERR_ADDRESS_IN_USE"],
  ["EACCES", "ERR_NETWORK_ACCESS_DENIED", "ERR_ACCESS_DENIED"],
  ["ENOTCONN", "ERR_SOCKET_NOT_CONNECTED", "ERR_SOCKET_NOT_CONNECTED"],
  ["EMFILE", "ERR_INSUFFICIENT_RESOURCES", "ERR_INSUFFICIENT_RESOURCES"],
  ["ENOBUFS", "ERR_NO_BUFFER_SPACE", "ERR_NO_BUFFER_SPACE"],
  ["ECANCELED", "ERR_ABORTED", "ERR_ABORTED"],
  ["ENOTFOUND", "ERR_NAME_NOT_RESOLVED", "ERR_NAME_NOT_RESOLVED"],
  ["EAI_AGAIN", "ERR_NAME_NOT_RESOLVED", "ERR_NAME_NOT_RESOLVED"],
  ["ERR_STREAM_DESTROYED", "ERR_CONNECTION_CLOSED", "ERR_CONNECTION_CLOSED"],
  ["ERR_SOCKET_CONNECTION_TIMEOUT", "ERR_CONNECTION_TIMED_OUT", "ERR_TIMED_OUT"],
  ["EWHATEVER", "ERR_CONNECTION_FAILED", "ERR_FAILED"],
];

describe("netErrorFromSystemError", () => {
  it("maps errno names as Chromium's MapSystemError and MapConnectError do", () => {
    for (const [code, connect, io] of TABLE) {
      assert.equal(netErrorFromSystemError(systemError(code), "connect").code, connect, code);
      assert.equal(netErrorFromSystemError(systemError(code), "io").code, io, code);
    }
  });

  it("keeps the original error as cause", () => {
    const original = systemError("ECONNRESET");
    const mapped = netErrorFromSystemError(original, "io");
    assert.equal(mapped.cause, original);
    assert.equal(mapped.errno, -101);
    assert.equal(mapped.message, "net::ERR_CONNECTION_RESET");
  });

  it("passes a SessionError through unchanged", () => {
    const error = new SessionError("ERR_CERT_DATE_INVALID");
    assert.equal(netErrorFromSystemError(error, "connect"), error);
  });

  it("treats any resolver failure as ERR_NAME_NOT_RESOLVED, whatever its code", () => {
    // c-ares reuses socket-like names (ECONNREFUSED: the DNS server refused) for DNS failures.
    const query = systemError("ECONNREFUSED", "queryA");
    assert.equal(netErrorFromSystemError(query, "connect").code, "ERR_NAME_NOT_RESOLVED");
    const lookup = systemError("EAI_MEMORY", "getaddrinfo");
    assert.equal(netErrorFromSystemError(lookup, "connect").code, "ERR_NAME_NOT_RESOLVED");
  });

  it("maps an AggregateError from several connect attempts by its last attempt", () => {
    const error = new AggregateError([systemError("ETIMEDOUT"), systemError("ECONNREFUSED")]);
    const mapped = netErrorFromSystemError(error, "connect");
    assert.equal(mapped.code, "ERR_CONNECTION_REFUSED");
    assert.equal(mapped.cause, error);
  });

  it("maps an AbortError to ERR_ABORTED and non-errors to the generic failure", () => {
    const abort = new DOMException("The operation was aborted", "AbortError");
    assert.equal(netErrorFromSystemError(abort, "io").code, "ERR_ABORTED");
    assert.equal(netErrorFromSystemError("boom", "io").code, "ERR_FAILED");
    assert.equal(netErrorFromSystemError(undefined, "connect").code, "ERR_CONNECTION_FAILED");
    assert.equal(netErrorFromSystemError(new Error("x"), "io").code, "ERR_FAILED");
  });

  it("maps the TLS library's errors after the handshake as Chromium's MapOpenSSLErrorSSL", () => {
    const cases: [string, string, string][] = [
      ["ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED", "alert", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
      ["ERR_SSL_TLSV1_ALERT_CERTIFICATE_REQUIRED", "alert", "ERR_BAD_SSL_CLIENT_AUTH_CERT"],
      ["ERR_SSL_SSLV3_ALERT_BAD_RECORD_MAC", "alert", "ERR_SSL_BAD_RECORD_MAC_ALERT"],
      ["ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC", "bad mac", "ERR_SSL_PROTOCOL_ERROR"],
      // Deno names the alert in the message.
      [
        "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE",
        "received fatal alert: CertificateRequired",
        "ERR_BAD_SSL_CLIENT_AUTH_CERT",
      ],
    ];
    for (const [code, message, expected] of cases) {
      const error = Object.assign(new Error(message), { code });
      assert.equal(netErrorFromSystemError(error, "io").code, expected, code);
    }
  });

  it("maps a real refused connection on loopback", async () => {
    // Bind and close a server to get a port nothing listens on.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const socket = net.connect(port, "127.0.0.1");
    const error = await new Promise<unknown>((resolve) => socket.once("error", resolve));
    socket.destroy();
    const mapped = netErrorFromSystemError(error, "connect");
    assert.equal(mapped.code, "ERR_CONNECTION_REFUSED");
    assert.equal(mapped.cause, error);
  });
});
