/**
 * SOCKS tunnel handshakes: SOCKS4 (RFC-less, the NEC protocol) for IPv4 targets, SOCKS4a for
 * names (the proxy resolves them), and SOCKS5 (RFC 1928) with no authentication or
 * username/password (RFC 1929), names always sent to the proxy (remote DNS). Failures use
 * Chromium's codes (net/socket/socks_client_socket.cc, socks5_client_socket.cc).
 *
 * @module
 */

import type { ProxyHandshake, ProxyTarget } from "../core/proxy_handshake.ts";
import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import { SessionError } from "../core/session_error.ts";
import type { StreamSocket } from "../core/stream_socket.ts";
import { parseIpLiteral } from "./_ip_address.ts";
import { asNetError, SocketReader } from "./_socket_reader.ts";

/**
 * Opens a SOCKS4, SOCKS4a or SOCKS5 tunnel, by the proxy's scheme.
 *
 * @param socket The connection to the SOCKS proxy; on success it carries bytes to `target`.
 * @param proxy A `socks4` or `socks5` proxy; SOCKS5 credentials come from its URI.
 * @param target The origin's host (sent as a name unless it is an IP literal) and port.
 * @param options `{signal}`.
 * @returns Resolves once the proxy granted the connection.
 * @throws {SessionError} `ERR_SOCKS_CONNECTION_FAILED` (also when a SOCKS5 proxy wants an
 * authentication method we did not offer), `ERR_SOCKS_CONNECTION_HOST_UNREACHABLE` (SOCKS4's
 * "unreachable" reply), `ERR_ABORTED`.
 *
 * @example
 * ```ts ignore
 * import { socksHandshake } from "./socks_handshake.ts";
 * await socksHandshake(socket, { scheme: "socks5", host: "127.0.0.1", port: 1080 },
 *   { host: "example.com", port: 443 }, {});
 * ```
 */
export const socksHandshake: ProxyHandshake = async (socket, proxy, target, options) => {
  if (proxy.scheme !== "socks4" && proxy.scheme !== "socks5") {
    throw new TypeError(`A SOCKS handshake cannot talk to a "${proxy.scheme}" proxy`);
  }
  const reader = new SocketReader(socket, options.signal);
  try {
    if (proxy.scheme === "socks4") await socks4(socket, reader, target);
    else await socks5(socket, reader, proxy, target);
  } catch (error) {
    throw asNetError(error, "ERR_SOCKS_CONNECTION_FAILED");
  } finally {
    reader.release();
  }
};

async function socks4(socket: StreamSocket, reader: SocketReader, target: ProxyTarget) {
  const ip = parseIpLiteral(target.host);
  if (ip !== undefined && ip.length !== 4) {
    // SOCKS4 carries IPv4 only.
    throw new SessionError("ERR_SOCKS_CONNECTION_FAILED");
  }
  const name = ip === undefined ? new TextEncoder().encode(target.host) : new Uint8Array(0);
  // VN=4, CD=1 (CONNECT), port, address (0.0.0.1 asks a SOCKS4a proxy to resolve the name),
  // an empty user id, then the name for SOCKS4a.
  const request = new Uint8Array(9 + (name.length > 0 ? name.length + 1 : 0));
  request.set([4, 1, target.port >> 8, target.port & 0xff]);
  request.set(ip ?? [0, 0, 0, 1], 4);
  request[8] = 0;
  if (name.length > 0) request.set(name, 9);
  socket.write(request);
  const reply = await reader.read(8);
  if (reply[0] !== 0) throw new SessionError("ERR_SOCKS_CONNECTION_FAILED");
  switch (reply[1]) {
    case 90:
      return;
    case 92:
      // "Unreachable" (SOCKSClientSocket's kServerResponseNotReachable); 91 (rejected), 93
      // (identd user mismatch) and unknown codes fail the connection.
      throw new SessionError("ERR_SOCKS_CONNECTION_HOST_UNREACHABLE");
    default:
      throw new SessionError("ERR_SOCKS_CONNECTION_FAILED");
  }
}

async function socks5(
  socket: StreamSocket,
  reader: SocketReader,
  proxy: Extract<ProxyServer, { host: string }>,
  target: ProxyTarget,
) {
  const withPassword = proxy.username !== undefined;
  socket.write(withPassword ? new Uint8Array([5, 2, 0, 2]) : new Uint8Array([5, 1, 0]));
  const [version, method] = await reader.read(2);
  if (version !== 5) throw new SessionError("ERR_SOCKS_CONNECTION_FAILED");
  if (method === 2 && withPassword) {
    const user = new TextEncoder().encode(proxy.username);
    const password = new TextEncoder().encode(proxy.password ?? "");
    if (user.length > 255 || password.length > 255) {
      throw new SessionError("ERR_SOCKS_CONNECTION_FAILED");
    }
    socket.write(Uint8Array.from([1, user.length, ...user, password.length, ...password]));
    const [, status] = await reader.read(2);
    if (status !== 0) throw new SessionError("ERR_SOCKS_CONNECTION_FAILED");
  } else if (method !== 0) {
    // A method we did not offer, or 0xFF (none acceptable): a failed route, which the proxy
    // list falls over from, as SOCKS5ClientSocket::DoGreetReadComplete.
    throw new SessionError("ERR_SOCKS_CONNECTION_FAILED");
  }
  socket.write(connectRequest(target));
  const head = await reader.read(4);
  // SOCKS5ClientSocket::DoHandshakeReadComplete: a wrong version or reserved byte, and every
  // failure reply alike (host unreachable included), fail the connection.
  if (head[0] !== 5 || head[1] !== 0 || head[2] !== 0) {
    throw new SessionError("ERR_SOCKS_CONNECTION_FAILED");
  }
  // The bound address is not needed; it is read so the tunnel starts at the origin's bytes.
  switch (head[3]) {
    case 1:
      await reader.read(4 + 2);
      return;
    case 4:
      await reader.read(16 + 2);
      return;
    case 3: {
      const [length = 0] = await reader.read(1);
      await reader.read(length + 2);
      return;
    }
    default:
      throw new SessionError("ERR_SOCKS_CONNECTION_FAILED");
  }
}

function connectRequest(target: ProxyTarget): Uint8Array {
  const ip = parseIpLiteral(target.host);
  let address: number[];
  if (ip === undefined) {
    const name = new TextEncoder().encode(target.host);
    if (name.length > 255) throw new SessionError("ERR_SOCKS_CONNECTION_FAILED");
    address = [3, name.length, ...name];
  } else {
    address = [ip.length === 4 ? 1 : 4, ...ip];
  }
  return Uint8Array.from([5, 1, 0, ...address, target.port >> 8, target.port & 0xff]);
}
