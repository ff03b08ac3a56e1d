/**
 * The one handshake the transport needs: HTTP CONNECT for `http` and `https` proxies, SOCKS
 * for `socks4` and `socks5` ones.
 *
 * @module
 */

import type { ProxyHandshakeOptions, ProxyTarget } from "../core/proxy_handshake.ts";
import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import type { StreamSocket } from "../core/stream_socket.ts";
import { httpConnectHandshake } from "./http_connect_handshake.ts";
import { socksHandshake } from "./socks_handshake.ts";

/**
 * Runs the tunnel handshake that suits the proxy's scheme; a `ProxyHandshake`.
 *
 * @param socket The connection to the proxy.
 * @param proxy The proxy.
 * @param target The origin's host and port.
 * @param options `{signal, netLog, authorize}`.
 * @returns Resolves once the tunnel is open; rejects with Chromium's tunnel or SOCKS codes.
 *
 * @example
 * ```ts ignore
 * import { tunnelHandshake } from "./tunnel_handshake.ts";
 * await tunnelHandshake(socket, proxy, { host: "example.com", port: 443 }, { signal });
 * ```
 */
export function tunnelHandshake(
  socket: StreamSocket,
  proxy: ProxyServer,
  target: ProxyTarget,
  options: ProxyHandshakeOptions,
): Promise<void> {
  return proxy.scheme === "socks4" || proxy.scheme === "socks5"
    ? socksHandshake(socket, proxy, target, options)
    : httpConnectHandshake(socket, proxy, target, options);
}
