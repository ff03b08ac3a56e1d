/**
 * How to open a connection to an origin by one route (direct or a proxy), and the pool
 * group it belongs to: (origin, proxy chain, TLS policy).
 *
 * @module
 */

import type { Duplex } from "node:stream";
import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import { SessionError } from "../core/session_error.ts";
import type { TcpConnect } from "../core/stream_socket.ts";
import type { CertificateVerifier } from "./certificate_verifier.ts";
import type { SocketFactory } from "./connection_pool.ts";
import type { ResolvedSSLConfig } from "./ssl_config.ts";
import type { ResolvedAddress } from "./host_resolver.ts";
import { tcpConnect } from "./tcp_connect.ts";
import { connectTls } from "./tls_connect.ts";

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
}

/** Opens a tunnel through a proxy to `host:port` (supplied by the proxy subsystem). */
export type ProxyTunnel = (
  proxy: ProxyServer,
  host: string,
  port: number,
  signal?: AbortSignal,
) => Promise<Duplex>;

/** What {@linkcode originConnector} needs from the session. */
export interface OriginConnectorDeps {
  /** The session's host resolver. */
  resolve: (host: string, signal?: AbortSignal) => Promise<ResolvedAddress[]>;
  /** The TLS policy in force. */
  tls: TlsPolicy;
  /** Tunnels through proxies; without it a proxy route fails. */
  tunnel?: ProxyTunnel;
  /**
   * Opens plain TCP connections for direct http routes (the runtime's native sockets);
   * default `node:net`. TLS routes always use `node:net`, which `node:tls` needs.
   */
  connectTcp?: TcpConnect;
}

/** A pool group key and the factory that opens sockets for it. */
export interface OriginConnector {
  /** The pool group: origin, route and TLS policy. */
  key: string;
  /** Opens one connected (and for https, verified) socket. */
  open: SocketFactory;
}

/**
 * Describes how to reach the origin of `url` by `proxy`.
 *
 * @param url Any URL of the origin (http or https).
 * @param proxy The route: `{scheme: "direct"}` or a proxy.
 * @param deps Resolver, TLS policy and tunnel.
 * @returns The pool key and socket factory.
 *
 * @example
 * ```ts
 * import { originConnector } from "./origin_connector.ts";
 * import { CertificateVerifier } from "./certificate_verifier.ts";
 * import { policyKey, resolveSSLConfig } from "./ssl_config.ts";
 * const ssl = resolveSSLConfig({});
 * const tls = { key: policyKey(ssl), ssl, verifier: new CertificateVerifier() };
 * const { key } = originConnector(new URL("https://a.test/x"), { scheme: "direct" }, {
 *   resolve: () => Promise.resolve([]),
 *   tls,
 * });
 * console.log(key.startsWith("https://a.test:443 direct")); // true
 * ```
 */
export function originConnector(
  url: URL,
  proxy: ProxyServer,
  deps: OriginConnectorDeps,
): OriginConnector {
  const secure = url.protocol === "https:";
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const port = Number(url.port) || (secure ? 443 : 80);
  const route = proxy.scheme === "direct"
    ? "direct"
    : `${proxy.scheme}://${proxy.host}:${proxy.port}`;
  const tls = secure ? deps.tls : undefined;
  return {
    key: `${url.protocol}//${host}:${port} ${route} ${tls?.key ?? ""}`,
    open: async (signal) => {
      const { connectTcp, resolve } = deps;
      if (!tls && proxy.scheme === "direct" && connectTcp) {
        return await tcpConnect({ host, port, resolve, signal, connect: connectTcp });
      }
      const raw = proxy.scheme === "direct"
        ? await tcpConnect({ host, port, resolve, signal })
        : await tunnelThrough(deps.tunnel, proxy, host, port, signal);
      if (!tls) return raw;
      return await connectTls(raw, {
        hostname: host,
        ssl: tls.ssl,
        verifier: tls.verifier,
        ca: tls.ca,
        signal,
      });
    },
  };
}

function tunnelThrough(
  tunnel: ProxyTunnel | undefined,
  proxy: ProxyServer,
  host: string,
  port: number,
  signal?: AbortSignal,
): Promise<Duplex> {
  if (!tunnel) return Promise.reject(new SessionError("ERR_PROXY_CONNECTION_FAILED"));
  return tunnel(proxy, host, port, signal);
}
