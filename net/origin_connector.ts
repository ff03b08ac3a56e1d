/**
 * How to open a connection to an origin by one route — direct, forward through a plain HTTP
 * proxy, or a tunnel (CONNECT or SOCKS, then TLS to the origin) — and the pool group it belongs
 * to: (route, origin, TLS policy). Every step is bounded by Chromium's connect-job timeouts.
 *
 * @module
 */

import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { ProxyAuthorize, ProxyHandshake } from "../core/proxy_handshake.ts";
import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import { SessionError } from "../core/session_error.ts";
import type { StreamSocket, TcpConnect } from "../core/stream_socket.ts";
import type { CertificateVerifier } from "./certificate_verifier.ts";
import {
  boundConnectStep,
  CHROMIUM_CONNECT_TIMEOUTS,
  type ConnectStepOptions,
  type ConnectTimeouts,
} from "./connect_step.ts";
import type { ConnectRoute, PoolGroupTarget } from "./connection_pool.ts";
import type { ResolvedAddress } from "./host_resolver.ts";
import { fromOriginTls } from "./proxy_fallback.ts";
import type { ResolvedSSLConfig } from "./ssl_config.ts";
import { tcpConnect } from "./tcp_connect.ts";
import { loggedStep, pacString } from "./step_log.ts";
import { connectTls } from "./tls_connect.ts";
import { hostPort } from "./host_port.ts";

/** The TLS settings new connections use; `key` separates pool groups by policy. */
export interface TlsPolicy {
  /** Identifies the policy, so sockets made under another one are not reused. */
  key: string;
  /** Versions and ciphers. */
  ssl: ResolvedSSLConfig;
  /** Default verification plus the session's verify proc. */
  verifier: CertificateVerifier;
  /** Extra trusted roots (PEM), on top of the system's. */
  ca?: string[];
  /**
   * `false` on the connections that fetch `caIssuers` URLs: a short chain is not completed by
   * another fetch (Chromium's `LOAD_DISABLE_CERT_NETWORK_FETCHES`).
   */
  fetchIntermediates?: boolean;
}

/** What {@linkcode originConnector} needs from the session. */
export interface OriginConnectorDeps {
  /** The session's host resolver. */
  resolve: (host: string, options: ConnectStepOptions) => Promise<ResolvedAddress[]>;
  /** The TLS policy in force, for origins and for HTTPS proxies. */
  tls: TlsPolicy;
  /**
   * Runs the CONNECT or SOCKS handshake over a socket connected to the proxy (supplied by the
   * proxy subsystem); without it a tunnel route fails with `net::ERR_PROXY_CONNECTION_FAILED`.
   */
  handshake?: ProxyHandshake;
  /** Answers a proxy's `407` during the handshake (supplied by the auth subsystem). */
  authorize?: ProxyAuthorize;
  /**
   * Opens plain TCP connections for direct http routes (the runtime's native sockets);
   * default `node:net`. TLS and proxy routes always use `node:net`, which `node:tls` needs.
   */
  connectTcp?: TcpConnect;
  /** The connect-job timeouts; default Chromium's. */
  timeouts?: ConnectTimeouts;
}

/** Proxies that are real servers (not `direct`). */
type ProxyEndpoint = Exclude<ProxyServer, { scheme: "direct" }>;

/**
 * Chooses the route to an origin through `proxy`: `direct` without one; `forward` for an
 * `http:` URL through an HTTP(S) proxy (Chromium sends such requests to the proxy in absolute
 * form and tunnels only secure schemes and WebSockets); `tunnel` otherwise, and always through
 * SOCKS.
 *
 * @param url The request URL.
 * @param proxy An entry of the proxy list.
 * @returns The route.
 *
 * @example
 * ```ts
 * import { connectRoute } from "./origin_connector.ts";
 * const proxy = { scheme: "http", host: "p.test", port: 3128 } as const;
 * console.log(connectRoute(new URL("http://a.test/"), proxy)); // forward
 * console.log(connectRoute(new URL("https://a.test/"), proxy)); // tunnel
 * ```
 */
export function connectRoute(url: URL, proxy: ProxyServer): ConnectRoute {
  if (proxy.scheme === "direct") return "direct";
  if (url.protocol === "http:" && (proxy.scheme === "http" || proxy.scheme === "https")) {
    return "forward";
  }
  return "tunnel";
}

/**
 * Builds the pool group key for requests to `url` through `proxy` under a TLS policy: the
 * route, the proxy with its URI's credentials (a connector answers the proxy with them, so
 * other credentials are another group), the origin (except on `forward`, where one group serves every origin of
 * that proxy) and the TLS policy when TLS is spoken to the origin or the proxy.
 *
 * @param url The request URL.
 * @param proxy An entry of the proxy list.
 * @param tls The TLS policy in force.
 * @returns The key.
 *
 * @example
 * ```ts
 * import { poolKey } from "./origin_connector.ts";
 * import { CertificateVerifier } from "./certificate_verifier.ts";
 * import { policyKey, resolveSSLConfig } from "./ssl_config.ts";
 * const ssl = resolveSSLConfig({});
 * const tls = { key: policyKey(ssl), ssl, verifier: new CertificateVerifier() };
 * console.log(poolKey(new URL("http://a.test/x"), { scheme: "direct" }, tls));
 * // direct http://a.test:80
 * ```
 */
export function poolKey(url: URL, proxy: ProxyServer, tls: TlsPolicy): string {
  const route = connectRoute(url, proxy);
  const via = proxy.scheme === "direct"
    ? ""
    : ` ${proxy.scheme}://${userInfo(proxy)}${hostPort(proxy.host, proxy.port)}`;
  const secure = isSecure(url);
  const policy = secure || proxy.scheme === "https" ? ` ${tls.key}` : "";
  if (route === "forward") return `forward${via}${policy}`;
  const host = bareHost(url.hostname);
  return `${route}${via} ${url.protocol}//${hostPort(host, defaultPort(url, secure))}${policy}`;
}

/**
 * Describes how to reach the origin of `url` by `proxy`: the pool group and a socket factory
 * whose every step takes `{signal, netLog}` and runs under Chromium's connect-job timeouts.
 *
 * @param url Any URL of the origin (http or https).
 * @param proxy The route: `{scheme: "direct"}` or a proxy.
 * @param deps Resolver, TLS policy, proxy handshake and timeouts.
 * @returns The pool group target.
 *
 * @example
 * ```ts
 * import { originConnector } from "./origin_connector.ts";
 * import { CertificateVerifier } from "./certificate_verifier.ts";
 * import { policyKey, resolveSSLConfig } from "./ssl_config.ts";
 * const ssl = resolveSSLConfig({});
 * const tls = { key: policyKey(ssl), ssl, verifier: new CertificateVerifier() };
 * const { key, route } = originConnector(new URL("https://a.test/x"), { scheme: "direct" }, {
 *   resolve: () => Promise.resolve([]),
 *   tls,
 * });
 * console.log(route, key.startsWith("direct https://a.test:443 ")); // direct true
 * ```
 */
export function originConnector(
  url: URL,
  proxy: ProxyServer,
  deps: OriginConnectorDeps,
): PoolGroupTarget {
  const secure = isSecure(url);
  const host = bareHost(url.hostname);
  const port = defaultPort(url, secure);
  const route = connectRoute(url, proxy);
  const key = poolKey(url, proxy, deps.tls);
  const timeouts = deps.timeouts ?? CHROMIUM_CONNECT_TIMEOUTS;
  if (proxy.scheme === "direct") {
    return {
      key,
      route,
      proxy,
      open: (options) => connectDirect(host, port, secure, deps, timeouts, options),
    };
  }
  if (route === "forward") {
    return { key, route, proxy, open: (options) => connectToProxy(proxy, deps, timeouts, options) };
  }
  return {
    key,
    route,
    proxy,
    open: (options) => connectTunnel(proxy, host, port, secure, deps, timeouts, options),
  };
}

async function connectDirect(
  host: string,
  port: number,
  secure: boolean,
  deps: OriginConnectorDeps,
  timeouts: ConnectTimeouts,
  options: ConnectStepOptions,
): Promise<StreamSocket> {
  const { resolve, connectTcp } = deps;
  const { signal, netLog } = options;
  const tcp = { host, port, resolve, signal, netLog, timeoutMs: timeouts.tcpMs };
  if (!secure) return await tcpConnect(connectTcp ? { ...tcp, connect: connectTcp } : tcp);
  return await originTls(await tcpConnect(tcp), host, deps.tls, timeouts, options);
}

/**
 * Opens the connection to the proxy itself, TCP and for an HTTPS proxy TLS verified against
 * the proxy's name. Failures become the proxy's, as Chromium's HttpProxyConnectJob and
 * SOCKSConnectJob report them: `ERR_PROXY_CERTIFICATE_INVALID` for its certificate,
 * `ERR_PROXY_CONNECTION_FAILED` for anything else.
 */
async function connectToProxy(
  proxy: ProxyEndpoint,
  deps: OriginConnectorDeps,
  timeouts: ConnectTimeouts,
  options: ConnectStepOptions,
): Promise<Socket | TLSSocket> {
  const { signal, netLog } = options;
  let tcp: Socket;
  try {
    tcp = await tcpConnect({
      host: proxy.host,
      port: proxy.port,
      resolve: deps.resolve,
      signal,
      netLog,
      timeoutMs: timeouts.tcpMs,
    });
  } catch (error) {
    throw proxyFailure(error, "ERR_PROXY_CONNECTION_FAILED");
  }
  if (proxy.scheme !== "https") return tcp;
  const { ssl, verifier, ca, fetchIntermediates } = deps.tls;
  try {
    return await connectTls(tcp, {
      hostname: proxy.host,
      ssl,
      verifier,
      ca,
      fetchIntermediates,
      signal,
      netLog,
      timeoutMs: timeouts.tlsHandshakeMs,
    });
  } catch (error) {
    throw proxyFailure(
      error,
      isCertificateError(error) ? "ERR_PROXY_CERTIFICATE_INVALID" : "ERR_PROXY_CONNECTION_FAILED",
    );
  }
}

async function connectTunnel(
  proxy: ProxyEndpoint,
  host: string,
  port: number,
  secure: boolean,
  deps: OriginConnectorDeps,
  timeouts: ConnectTimeouts,
  options: ConnectStepOptions,
): Promise<StreamSocket> {
  const { handshake, authorize } = deps;
  // Nothing here speaks CONNECT or SOCKS: the route is as unusable as an unreachable proxy.
  if (!handshake) throw new SessionError("ERR_PROXY_CONNECTION_FAILED");
  let socket = await connectToProxy(proxy, deps, timeouts, options);
  const { signal, netLog } = options;
  // For a 407 on a connection the proxy closes: the handshake goes on over a new one.
  const reconnect = async () => {
    socket.destroy();
    socket = await connectToProxy(proxy, deps, timeouts, options);
    return socket;
  };
  try {
    await loggedStep(
      netLog,
      // Chromium's HttpProxyConnectJob / SOCKSConnectJob events.
      proxy.scheme === "socks4" || proxy.scheme === "socks5"
        ? "SOCKS_CONNECT"
        : "HTTP_PROXY_CONNECT_JOB_CONNECT",
      () => ({ proxy: pacString([proxy]), endpoint: `${host}:${port}` }),
      () =>
        boundConnectStep(
          (stepSignal, timer) => {
            const untimed = <T>(waiting: Promise<T>): Promise<T> => {
              timer.stop();
              return waiting.finally(() => timer.restart());
            };
            return handshake(socket, proxy, { host, port }, {
              signal: stepSignal,
              netLog,
              authorize: authorize &&
                ((challenges, server) => untimed(authorize(challenges, server))),
              untimed,
              reconnect,
              url: requestUrl(options.urlChain),
              urlChain: options.urlChain,
            });
          },
          timeouts.proxyHandshakeMs,
          signal,
          () => {},
        ),
    );
  } catch (error) {
    socket.destroy();
    throw error;
  }
  if (!secure) return socket;
  return await originTls(socket, host, deps.tls, timeouts, options);
}

// The URL a proxy's challenge is shown with: the request's current one, without credentials.
function requestUrl(urlChain: readonly string[] | undefined): string | undefined {
  const last = urlChain?.at(-1);
  if (last === undefined || !URL.canParse(last)) return undefined;
  const url = new URL(last);
  url.username = "";
  url.password = "";
  return url.href;
}

// Chromium stops the tunnel's timer while the user is asked for proxy credentials, and gives
// the handshake its full time again once they are given (HttpProxyConnectJob::OnAuthChallenge).
function originTls(
  socket: Socket | TLSSocket,
  host: string,
  tls: TlsPolicy,
  timeouts: ConnectTimeouts,
  options: ConnectStepOptions,
): Promise<TLSSocket> {
  const { ssl, verifier, ca, fetchIntermediates } = tls;
  const { signal, netLog } = options;
  return connectTls(socket, {
    hostname: host,
    ssl,
    verifier,
    ca,
    fetchIntermediates,
    signal,
    netLog,
    timeoutMs: timeouts.tlsHandshakeMs,
  }).catch((error: unknown) => {
    throw fromOriginTls(error);
  });
}

function proxyFailure(
  error: unknown,
  code: "ERR_PROXY_CONNECTION_FAILED" | "ERR_PROXY_CERTIFICATE_INVALID",
): unknown {
  if (SessionError.is(error) && error.code === "ERR_ABORTED") return error;
  return new SessionError(code, { cause: error });
}

// Chromium's IsCertificateError: the ERR_CERT_* range, -200 down to (not including) -220.
function isCertificateError(error: unknown): boolean {
  return SessionError.is(error) && error.errno <= -200 && error.errno > -220;
}

function isSecure(url: URL): boolean {
  return url.protocol === "https:" || url.protocol === "wss:";
}

function bareHost(hostname: string): string {
  return hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
}

function defaultPort(url: URL, secure: boolean): number {
  return Number(url.port) || (secure ? 443 : 80);
}

function userInfo(proxy: ProxyEndpoint): string {
  if (proxy.username === undefined) return "";
  return `${encodeURIComponent(proxy.username)}:${encodeURIComponent(proxy.password ?? "")}@`;
}
