/**
 * Turns the errors `node:net`, `node:tls` and `node:dns` raise (`error.code` such as
 * `"ECONNREFUSED"`) into the Chromium net errors Electron reports.
 *
 * @module
 */

import type { NetErrorCode } from "../core/net_errors.ts";
import { SessionError } from "../core/session_error.ts";
import { sslReason, sslReasonNetError } from "./_ssl_reasons.ts";

/** Where a system error happened: while opening the connection, or reading and writing it. */
export type SystemErrorPhase = "connect" | "io";

// Chromium's MapSystemError (net/base/net_errors_posix.cc), keyed by the errno name Node puts in
// `error.code`. Codes it leaves to the default fall through to ERR_FAILED the same way.
const POSIX_ERRORS: ReadonlyMap<string, NetErrorCode> = new Map<string, NetErrorCode>([
  ["EACCES", "ERR_ACCESS_DENIED"],
  ["ENETDOWN", "ERR_INTERNET_DISCONNECTED"],
  ["ETIMEDOUT", "ERR_TIMED_OUT"],
  ["ECONNRESET", "ERR_CONNECTION_RESET"],
  ["ENETRESET", "ERR_CONNECTION_RESET"],
  ["EPIPE", "ERR_CONNECTION_RESET"],
  ["ECONNABORTED", "ERR_CONNECTION_ABORTED"],
  ["ECONNREFUSED", "ERR_CONNECTION_REFUSED"],
  ["EHOSTUNREACH", "ERR_ADDRESS_UNREACHABLE"],
  ["EHOSTDOWN", "ERR_ADDRESS_UNREACHABLE"],
  ["ENETUNREACH", "ERR_ADDRESS_UNREACHABLE"],
  ["EAFNOSUPPORT", "ERR_ADDRESS_UNREACHABLE"],
  ["EADDRNOTAVAIL", "ERR_ADDRESS_INVALID"],
  ["EMSGSIZE", "ERR_MSG_TOO_BIG"],
  ["ENOTCONN", "ERR_SOCKET_NOT_CONNECTED"],
  ["EISCONN", "ERR_SOCKET_IS_CONNECTED"],
  ["EINVAL", "ERR_INVALID_ARGUMENT"],
  ["EADDRINUSE", "ERR_ADDRESS_IN_USE"],
  ["E2BIG", "ERR_INVALID_ARGUMENT"],
  ["EBADF", "ERR_INVALID_HANDLE"],
  ["EBUSY", "ERR_INSUFFICIENT_RESOURCES"],
  ["ECANCELED", "ERR_ABORTED"],
  ["EDEADLK", "ERR_INSUFFICIENT_RESOURCES"],
  ["EDQUOT", "ERR_FILE_NO_SPACE"],
  ["EEXIST", "ERR_FILE_EXISTS"],
  ["EFAULT", "ERR_INVALID_ARGUMENT"],
  ["EFBIG", "ERR_FILE_TOO_BIG"],
  ["EISDIR", "ERR_ACCESS_DENIED"],
  ["ENAMETOOLONG", "ERR_FILE_PATH_TOO_LONG"],
  ["ENFILE", "ERR_INSUFFICIENT_RESOURCES"],
  ["ENOBUFS", "ERR_NO_BUFFER_SPACE"],
  ["ENODEV", "ERR_INVALID_ARGUMENT"],
  ["ENOENT", "ERR_FILE_NOT_FOUND"],
  ["ENOLCK", "ERR_INSUFFICIENT_RESOURCES"],
  ["ENOMEM", "ERR_OUT_OF_MEMORY"],
  ["ENOSPC", "ERR_FILE_NO_SPACE"],
  ["ENOSYS", "ERR_NOT_IMPLEMENTED"],
  ["ENOTDIR", "ERR_FILE_NOT_FOUND"],
  ["ENOTSUP", "ERR_NOT_IMPLEMENTED"],
  ["EOPNOTSUPP", "ERR_NOT_IMPLEMENTED"],
  ["EPERM", "ERR_ACCESS_DENIED"],
  ["EROFS", "ERR_ACCESS_DENIED"],
  ["ETXTBSY", "ERR_ACCESS_DENIED"],
  ["EUSERS", "ERR_INSUFFICIENT_RESOURCES"],
  ["EMFILE", "ERR_INSUFFICIENT_RESOURCES"],
  ["ENOPROTOOPT", "ERR_NOT_IMPLEMENTED"],
  // Not errnos: what Node's streams and sockets raise when the other side or another part of
  // the program has already closed the connection.
  ["ERR_STREAM_DESTROYED", "ERR_CONNECTION_CLOSED"],
  ["ERR_STREAM_PREMATURE_CLOSE", "ERR_CONNECTION_CLOSED"],
  ["ERR_STREAM_WRITE_AFTER_END", "ERR_CONNECTION_CLOSED"],
  ["ERR_SOCKET_CLOSED", "ERR_CONNECTION_CLOSED"],
  ["ERR_SOCKET_CONNECTION_TIMEOUT", "ERR_TIMED_OUT"],
  ["ABORT_ERR", "ERR_ABORTED"],
]);

// Resolver failures: Chromium reports every failed host lookup as ERR_NAME_NOT_RESOLVED (the
// detail goes to the netlog), whether getaddrinfo or a DNS query failed.
const DNS_CODES: ReadonlySet<string> = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_NONAME",
  "EAI_NODATA",
  "EAI_FAIL",
  "ENODATA",
  "ESERVFAIL",
  "ENONAME",
  "EBADNAME",
]);

/**
 * Maps an error from a socket, TLS or DNS operation to the `SessionError` Chromium would report.
 *
 * Follows Chromium's `MapSystemError` and, for `phase: "connect"`, its `MapConnectError`:
 * `ETIMEDOUT` becomes `ERR_CONNECTION_TIMED_OUT` instead of `ERR_TIMED_OUT`, `EACCES` becomes
 * `ERR_NETWORK_ACCESS_DENIED`, and anything unknown `ERR_CONNECTION_FAILED` instead of
 * `ERR_FAILED`. Lookup failures (`ENOTFOUND`, `EAI_AGAIN`, or any error from `getaddrinfo` or a
 * DNS query) are `ERR_NAME_NOT_RESOLVED`. The TLS library's errors (`ERR_SSL_*`) map as
 * Chromium's MapOpenSSLErrorSSL (`ERR_BAD_SSL_CLIENT_AUTH_CERT` for a certificate_required
 * alert, `ERR_SSL_PROTOCOL_ERROR` for most). An `AggregateError` from trying several addresses maps
 * by its last attempt, as Chromium reports the last address's error. A `SessionError` is returned
 * unchanged; any other result keeps the original error as `cause`.
 *
 * @param error What the operation threw or emitted.
 * @param phase `"connect"` while the connection is being opened, `"io"` once it is open.
 * @returns The matching `SessionError`.
 *
 * @example A refused connection and a reset during a read
 * ```ts
 * import { netErrorFromSystemError } from "./net_error_from_system.ts";
 * import assert from "node:assert/strict";
 *
 * const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
 * assert.equal(netErrorFromSystemError(refused, "connect").code, "ERR_CONNECTION_REFUSED");
 *
 * const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
 * const error = netErrorFromSystemError(reset, "io");
 * assert.equal(error.message, "net::ERR_CONNECTION_RESET");
 * assert.equal(error.cause, reset);
 * ```
 */
export function netErrorFromSystemError(error: unknown, phase: SystemErrorPhase): SessionError {
  if (SessionError.is(error)) return error;
  return new SessionError(mapCode(error, phase), { cause: error });
}

function mapCode(error: unknown, phase: SystemErrorPhase): NetErrorCode {
  if (typeof error !== "object" || error === null) return fallback(phase);
  const { code, syscall, errors, name } = error as Record<string, unknown>;
  if (typeof code !== "string") {
    if (Array.isArray(errors) && errors.length > 0) {
      const last: unknown = errors[errors.length - 1];
      return SessionError.is(last) ? last.code : mapCode(last, phase);
    }
    return name === "AbortError" ? "ERR_ABORTED" : fallback(phase);
  }
  if (
    DNS_CODES.has(code) ||
    (typeof syscall === "string" && (syscall === "getaddrinfo" || syscall.startsWith("query")))
  ) {
    return "ERR_NAME_NOT_RESOLVED";
  }
  // A TLS alert or failure once the handshake is done, such as a TLS 1.3 server refusing the
  // missing client certificate as the request is read: Chromium's DoPayloadRead maps it as in
  // the handshake.
  const reason = sslReason(error);
  if (reason !== undefined) return sslReasonNetError(reason);
  if (phase === "connect") {
    if (code === "ETIMEDOUT" || code === "ERR_SOCKET_CONNECTION_TIMEOUT") {
      return "ERR_CONNECTION_TIMED_OUT";
    }
    if (code === "EACCES") return "ERR_NETWORK_ACCESS_DENIED";
  }
  return POSIX_ERRORS.get(code) ?? fallback(phase);
}

function fallback(phase: SystemErrorPhase): NetErrorCode {
  return phase === "connect" ? "ERR_CONNECTION_FAILED" : "ERR_FAILED";
}
