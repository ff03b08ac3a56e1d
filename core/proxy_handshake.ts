/**
 * The seam between the transport and the proxy subsystem for tunnels: net/ opens the TCP (and,
 * for an HTTPS proxy, TLS) connection to the proxy with the session's policy, then hands the
 * socket to a handshake that proxy/ supplies (HTTP CONNECT, SOCKS4/4a/5). proxy/ never opens
 * sockets itself.
 *
 * @module
 */

import type { NetLogWithSource } from "./net_log_sink.ts";
import { objectSlot } from "./object_slot.ts";
import type { ProxyServer } from "./proxy_resolver_like.ts";
import { SessionError } from "./session_error.ts";
import type { StreamSocket } from "./stream_socket.ts";

/** Where the tunnel must lead: the origin's host (IPv6 without brackets) and port. */
export interface ProxyTarget {
  /** The origin host name or IP literal, as in the URL (not resolved locally). */
  readonly host: string;
  /** The origin port. */
  readonly port: number;
}

/**
 * Answers a proxy's `407 Proxy Authentication Required` (supplied by the auth subsystem).
 *
 * @param challenges The 407's header lines in order (`Proxy-Authenticate` lines kept apart).
 * @param proxy The proxy that asked.
 * @returns The `Proxy-Authorization` value to retry with, or `undefined` to give up.
 */
export type ProxyAuthorize = (
  challenges: ReadonlyArray<readonly [string, string]>,
  proxy: ProxyServer,
) => Promise<string | undefined>;

/** What a handshake receives besides the socket. */
export interface ProxyHandshakeOptions {
  /** Gives up: the handshake rejects with `net::ERR_ABORTED`. */
  readonly signal?: AbortSignal;
  /** The connect job's net log source, when a net log is capturing. */
  readonly netLog?: NetLogWithSource;
  /** Answers proxy authentication challenges; without it a 407 fails the tunnel. */
  readonly authorize?: ProxyAuthorize;
  /**
   * Waits for `waiting` without the handshake's timeout running meanwhile, as Chromium's
   * `HttpProxyConnectJob` stops its timer while a person is asked for proxy credentials and
   * starts it again with the answer. An authorizer that replaces `authorize` (one per
   * handshake) runs its answers through it; none: waits count.
   */
  readonly untimed?: <T>(waiting: Promise<T>) => Promise<T>;
  /**
   * The `Proxy-Authorization` value the first CONNECT carries before being asked (the proxy
   * URI's credentials, or those the auth cache holds for the proxy), or `undefined`; without
   * it the proxy URI's credentials go as Basic. Supplied with `authorize`, which a 407 then
   * tells it was rejected.
   */
  readonly preemptiveAuthorization?: (proxy: ProxyServer) => string | undefined;
  /**
   * Opens a new connection to the same proxy, for a 407 on a connection the proxy closes
   * (tinyproxy does): the handshake goes on there with its answer, as Chromium's
   * `HttpProxyConnectJob` reconnects and keeps its auth controller. The transport keeps the
   * socket it hands out (and closes the one before); without it such a 407 fails the tunnel
   * with `ERR_UNABLE_TO_REUSE_CONNECTION_FOR_PROXY_AUTH`.
   */
  readonly reconnect?: () => Promise<StreamSocket>;
  /**
   * The URL of the request the tunnel is opened for, without credentials: what a proxy's
   * challenge is shown with (the `'login'` event's `url`); none for a preconnect, for which
   * nobody is asked.
   */
  readonly url?: string;
  /**
   * The URL chain of that request (the request context's own array, one object across its
   * hops and connections), by which the auth subsystem knows the request (whether it asked
   * `'login'` before); none for a preconnect.
   */
  readonly urlChain?: readonly string[];
  /**
   * The session's User-Agent, which an HTTP CONNECT carries after `Proxy-Connection`, as
   * Chromium's `HttpProxyClientSocket` sends its network context's (proxies log it, and squid's
   * `browser` ACLs match it); none sends no `User-Agent`.
   */
  readonly userAgent?: string;
}

/**
 * Runs a tunnel handshake over a socket connected to `proxy`. On success the socket (the last
 * one `reconnect` gave, if it was called) is a byte stream to `target` (bytes that followed the handshake put back with `unshift`, the socket
 * paused); on failure it rejects with Chromium's code (`ERR_TUNNEL_CONNECTION_FAILED`,
 * `ERR_SOCKS_CONNECTION_FAILED`, `ERR_PROXY_AUTH_UNSUPPORTED`, ...) and the caller destroys the
 * socket.
 *
 * @example A handshake for a proxy that needs none
 * ```ts
 * import type { ProxyHandshake } from "./proxy_handshake.ts";
 * const transparent: ProxyHandshake = (_socket, _proxy, _target, { signal }) => {
 *   signal?.throwIfAborted();
 *   return Promise.resolve();
 * };
 * console.log(typeof transparent); // function
 * ```
 */
export type ProxyHandshake = (
  socket: StreamSocket,
  proxy: ProxyServer,
  target: ProxyTarget,
  options: ProxyHandshakeOptions,
) => Promise<void>;

/**
 * The head of a proxy's `407` to a CONNECT that nobody answered (no `'login'` listener, a
 * login given up, or three prompts refused): the request gets this head as its response, and
 * its body fails with `net::ERR_TUNNEL_CONNECTION_FAILED`, as Chromium's URLRequestHttpJob
 * shows the 407 once the login is cancelled and `HttpNetworkTransaction::Read` refuses the
 * proxy's bytes (crbug.com/8473).
 */
export interface TunnelAuthRefusal {
  /** The proxy that asked. */
  readonly proxy: ProxyServer;
  /** The proxy's HTTP version. */
  readonly httpVersion: "1.0" | "1.1";
  /** The status code, 407. */
  readonly status: number;
  /** The reason phrase, `""` when none. */
  readonly statusText: string;
  /**
   * The header lines Chromium's `SanitizeProxyAuth` keeps (hop-by-hop ones, `Content-Length`,
   * `Proxy-Authenticate`), as the proxy spelled them, in order.
   */
  readonly rawHeaders: ReadonlyArray<readonly [string, string]>;
  /** The proxy's IP address, `""` if unknown. */
  readonly remoteAddress: string;
  /** The proxy's port, `0` if unknown. */
  readonly remotePort: number;
}

// Kept in a slot of the error rather than a property of its type: the error goes up through the
// connect steps and the pool as any tunnel failure does, and only the transport asks for the head.
const REFUSALS = objectSlot<object, TunnelAuthRefusal>("tunnel auth refusal");

/**
 * The tunnel failure for a 407 nobody answered: `net::ERR_TUNNEL_CONNECTION_FAILED`, with the
 * 407's head kept for {@linkcode tunnelAuthRefusal}.
 *
 * @param head The 407's head.
 * @returns The error a handshake rejects with.
 *
 * @example
 * ```ts
 * import { tunnelAuthRefused, tunnelAuthRefusal } from "./proxy_handshake.ts";
 * const error = tunnelAuthRefused({
 *   proxy: { scheme: "http", host: "127.0.0.1", port: 3128 },
 *   httpVersion: "1.1",
 *   status: 407,
 *   statusText: "Proxy Authentication Required",
 *   rawHeaders: [["Proxy-Authenticate", 'Basic realm="p"']],
 *   remoteAddress: "127.0.0.1",
 *   remotePort: 3128,
 * });
 * console.log(error.message, tunnelAuthRefusal(error)?.status); // net::ERR_TUNNEL_CONNECTION_FAILED 407
 * ```
 */
export function tunnelAuthRefused(head: TunnelAuthRefusal): SessionError {
  const error = new SessionError("ERR_TUNNEL_CONNECTION_FAILED");
  REFUSALS.set(error, head);
  return error;
}

/**
 * The 407 head a tunnel failure carries, when it is one {@linkcode tunnelAuthRefused} made.
 *
 * @param error Any caught error.
 * @returns The head, or `undefined` for every other failure.
 */
export function tunnelAuthRefusal(error: unknown): TunnelAuthRefusal | undefined {
  return typeof error === "object" && error !== null ? REFUSALS.get(error) : undefined;
}
