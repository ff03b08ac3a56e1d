import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { NetErrorCode } from "../core/net_errors.ts";
import { SessionError } from "../core/session_error.ts";
import { fromOriginTls, proxyFallover } from "./proxy_fallback.ts";

// net/http/proxy_fallback.cc, CanFalloverToNextProxy, non-QUIC cases.
const FALLOVER: NetErrorCode[] = [
  "ERR_PROXY_CONNECTION_FAILED",
  "ERR_NAME_NOT_RESOLVED",
  "ERR_INTERNET_DISCONNECTED",
  "ERR_ADDRESS_UNREACHABLE",
  "ERR_CONNECTION_CLOSED",
  "ERR_CONNECTION_TIMED_OUT",
  "ERR_CONNECTION_RESET",
  "ERR_CONNECTION_REFUSED",
  "ERR_CONNECTION_ABORTED",
  "ERR_TIMED_OUT",
  "ERR_SOCKS_CONNECTION_FAILED",
  "ERR_PROXY_CERTIFICATE_INVALID",
  "ERR_SSL_PROTOCOL_ERROR",
];

const FINAL: NetErrorCode[] = [
  "ERR_TUNNEL_CONNECTION_FAILED",
  "ERR_CERT_AUTHORITY_INVALID",
  "ERR_CERT_COMMON_NAME_INVALID",
  "ERR_PROXY_AUTH_UNSUPPORTED",
  "ERR_ABORTED",
  "ERR_EMPTY_RESPONSE",
];

describe("proxyFallover", () => {
  it("moves on for Chromium's proxy-connection errors", () => {
    for (const code of FALLOVER) {
      const error = new SessionError(code);
      assert.deepEqual(proxyFallover(error), { fallover: true, error }, code);
    }
  });

  it("stops on every other error, keeping it", () => {
    for (const code of FINAL) {
      const error = new SessionError(code);
      assert.deepEqual(proxyFallover(error), { fallover: false, error }, code);
    }
    const bug = new TypeError("not a net error");
    assert.deepEqual(proxyFallover(bug), { fallover: false, error: bug });
  });

  it("never moves on for an error of the TLS handshake with the origin", () => {
    // ERR_SSL_PROTOCOL_ERROR falls over when it comes from the route, not from the origin.
    const error = fromOriginTls(new SessionError("ERR_SSL_PROTOCOL_ERROR"));
    assert.deepEqual(proxyFallover(error), { fallover: false, error });
    const timeout = fromOriginTls(new SessionError("ERR_TIMED_OUT"));
    assert.equal(proxyFallover(timeout).fallover, false);
  });

  it("reports a SOCKS proxy's host-unreachable as ERR_ADDRESS_UNREACHABLE, without moving on", () => {
    const socks = new SessionError("ERR_SOCKS_CONNECTION_HOST_UNREACHABLE");
    const { fallover, error } = proxyFallover(socks);
    assert.equal(fallover, false);
    assert.ok(SessionError.is(error));
    assert.equal(error.code, "ERR_ADDRESS_UNREACHABLE");
    assert.equal(error.cause, socks);
  });
});
