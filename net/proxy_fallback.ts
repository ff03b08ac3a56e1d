/**
 * When a failed connection moves on to the next entry of the proxy list: Chromium's
 * `CanFalloverToNextProxy` (net/http/proxy_fallback.cc), applied only to errors raised before
 * the TLS handshake with the origin began (`ssl_started` in http_stream_factory_job.cc).
 *
 * @module
 */

import { SessionError } from "../core/session_error.ts";

/** The errors that mean "this route does not work", so the next one may (proxy_fallback.cc). */
const FALLOVER_ERRORS: ReadonlySet<string> = new Set([
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
  // A TLS proxy that turns out to be a captive portal.
  "ERR_PROXY_CERTIFICATE_INVALID",
  // TLS spoken to a server that does not speak it (a captive portal again).
  "ERR_SSL_PROTOCOL_ERROR",
]);

// Errors of the TLS handshake with the origin: the route worked, so they are the origin's.
const ORIGIN_TLS_ERRORS = new WeakSet<object>();

/**
 * Marks an error as raised by the TLS handshake with the origin (or later), which never moves
 * on to another proxy.
 *
 * @param error The failure of the origin's TLS step.
 * @returns The same error, to rethrow.
 *
 * @example
 * ```ts
 * import { SessionError } from "../core/session_error.ts";
 * import { fromOriginTls, proxyFallover } from "./proxy_fallback.ts";
 * const error = fromOriginTls(new SessionError("ERR_SSL_PROTOCOL_ERROR"));
 * console.log(proxyFallover(error).fallover); // false
 * ```
 */
export function fromOriginTls(error: unknown): unknown {
  if (typeof error === "object" && error !== null) ORIGIN_TLS_ERRORS.add(error);
  return error;
}

/** What {@linkcode proxyFallover} decides. */
export interface ProxyFalloverVerdict {
  /** Whether the next entry of the proxy list should be tried. */
  fallover: boolean;
  /** The error to report when there is no next entry (or no fallover). */
  error: unknown;
}

/**
 * Decides whether a failed connection attempt may try the next proxy of the list, as
 * Chromium's `CanFalloverToNextProxy`: unreachable or broken routes do, origin answers
 * (a certificate error through a working tunnel, a CONNECT refused with `ERR_TUNNEL_CONNECTION_FAILED`,
 * which some PAC setups rely on to block sites) do not. A SOCKS proxy's "host unreachable" becomes
 * `ERR_ADDRESS_UNREACHABLE`.
 *
 * @param error The connection attempt's failure.
 * @returns Whether to fall over, and the error to report otherwise.
 *
 * @example
 * ```ts
 * import { SessionError } from "../core/session_error.ts";
 * import { proxyFallover } from "./proxy_fallback.ts";
 * console.log(proxyFallover(new SessionError("ERR_PROXY_CONNECTION_FAILED")).fallover); // true
 * console.log(proxyFallover(new SessionError("ERR_CERT_AUTHORITY_INVALID")).fallover); // false
 * ```
 */
export function proxyFallover(error: unknown): ProxyFalloverVerdict {
  if (!SessionError.is(error) || ORIGIN_TLS_ERRORS.has(error)) return { fallover: false, error };
  if (error.code === "ERR_SOCKS_CONNECTION_HOST_UNREACHABLE") {
    return {
      fallover: false,
      error: new SessionError("ERR_ADDRESS_UNREACHABLE", { cause: error, url: error.url }),
    };
  }
  return { fallover: FALLOVER_ERRORS.has(error.code), error };
}
