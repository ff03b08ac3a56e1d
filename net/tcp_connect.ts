/**
 * Opens a TCP connection to a host name: resolve, then try each address in order.
 *
 * @module
 */

import { connect, type Socket } from "node:net";
import { SessionError } from "../core/session_error.ts";
import type { StreamSocket, TcpConnect } from "../core/stream_socket.ts";
import type { ResolvedAddress } from "./host_resolver.ts";
import { netErrorFromSystemError } from "./net_error_from_system.ts";

/** Options for {@linkcode tcpConnect}. */
export interface TcpConnectOptions {
  /** Host name or IP literal (IPv6 without brackets). */
  host: string;
  /** Port. */
  port: number;
  /** Resolves the host name (the session's host resolver cache). */
  resolve: (host: string, signal?: AbortSignal) => Promise<ResolvedAddress[]>;
  /** Gives up. */
  signal?: AbortSignal;
  /** Per-address connect timeout in milliseconds; default 240 000 (Chromium's four minutes). */
  timeoutMs?: number;
  /** Opens the connection to one address (a runtime's native sockets); default `node:net`. */
  connect?: TcpConnect;
}

/**
 * Connects to `host:port`, trying every resolved address until one accepts.
 *
 * @param options Where to connect, how to resolve names and, optionally, how to connect.
 * @returns The connected socket, with Nagle's algorithm off: a `node:net` socket unless
 *   `options.connect` made it.
 * @throws {SessionError} The last address's failure, like `net::ERR_CONNECTION_REFUSED`.
 *
 * @example
 * ```ts ignore
 * import { tcpConnect } from "./tcp_connect.ts";
 * const socket = await tcpConnect({
 *   host: "127.0.0.1",
 *   port: 8080,
 *   resolve: (host) => Promise.resolve([{ address: host, family: 4 }]),
 * });
 * socket.end();
 * ```
 */
export function tcpConnect(options: TcpConnectOptions & { connect?: undefined }): Promise<Socket>;
export function tcpConnect(options: TcpConnectOptions): Promise<StreamSocket>;
export async function tcpConnect(options: TcpConnectOptions): Promise<StreamSocket> {
  const { host, port, resolve, signal, timeoutMs = 240_000, connect } = options;
  const addresses = await resolve(host, signal);
  let lastError: SessionError | undefined;
  for (const { address } of addresses) {
    try {
      return connect
        ? await connectWith(connect, address, port, timeoutMs, signal)
        : await connectOne(address, port, timeoutMs, signal);
    } catch (error) {
      if (signal?.aborted) throw new SessionError("ERR_ABORTED", { cause: error });
      lastError = netErrorFromSystemError(error, "connect");
    }
  }
  // The resolver rejects an empty answer, so this fallback only guards a custom resolver.
  throw lastError ?? new SessionError("ERR_NAME_NOT_RESOLVED");
}

function connectOne(
  address: string,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const socket = connect({ host: address, port, noDelay: true });
    const timer = setTimeout(() => fail(new SessionError("ERR_CONNECTION_TIMED_OUT")), timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      socket.off("connect", onConnect).off("error", fail);
      signal?.removeEventListener("abort", onAbort);
    };
    const onConnect = () => {
      cleanup();
      resolve(socket);
    };
    function fail(error: unknown) {
      cleanup();
      socket.destroy();
      reject(error);
    }
    const onAbort = () => fail(new SessionError("ERR_ABORTED"));
    socket.once("connect", onConnect).once("error", fail);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

// A connector that cannot be cancelled midway: on timeout or abort we stop waiting, and a
// socket that still arrives is closed.
function connectWith(
  connect: TcpConnect,
  address: string,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<StreamSocket> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    let waiting = true;
    const stop = () => {
      waiting = false;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const giveUp = (error: SessionError) => {
      stop();
      reject(error);
    };
    const timer = setTimeout(() => giveUp(new SessionError("ERR_CONNECTION_TIMED_OUT")), timeoutMs);
    const onAbort = () => giveUp(new SessionError("ERR_ABORTED"));
    signal?.addEventListener("abort", onAbort, { once: true });
    connect(address, port).then((socket) => {
      if (!waiting) return void socket.destroy();
      stop();
      resolve(socket);
    }, (error) => {
      if (!waiting) return;
      stop();
      reject(error);
    });
  });
}
