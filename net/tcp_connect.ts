/**
 * Opens a TCP connection to a host name: resolve, then try each address in order, within
 * Chromium's transport connect-job timeout.
 *
 * @module
 */

import { connect, type Socket } from "node:net";
import { SessionError } from "../core/session_error.ts";
import type { StreamSocket, TcpConnect } from "../core/stream_socket.ts";
import {
  boundConnectStep,
  CHROMIUM_CONNECT_TIMEOUTS,
  type ConnectStepOptions,
} from "./connect_step.ts";
import type { ResolvedAddress } from "./host_resolver.ts";
import { netErrorFromSystemError } from "./net_error_from_system.ts";
import { loggedStep } from "./step_log.ts";
import { hostPort } from "./host_port.ts";

/** Options for {@linkcode tcpConnect}. */
export interface TcpConnectOptions extends ConnectStepOptions {
  /** Host name or IP literal (IPv6 without brackets). */
  host: string;
  /** Port. */
  port: number;
  /** Resolves the host name (the session's host resolver cache). */
  resolve: (host: string, options: ConnectStepOptions) => Promise<ResolvedAddress[]>;
  /**
   * How long resolution plus the connect over every address may take, in milliseconds; default
   * 240 000 (Chromium's `TransportConnectJob::ConnectionTimeout`, four minutes).
   */
  timeoutMs?: number;
  /** Opens the connection to one address (a runtime's native sockets); default `node:net`. */
  connect?: TcpConnect;
}

/**
 * Connects to `host:port`, trying every resolved address until one accepts, as Chromium's
 * transport connect job: one timer bounds the whole job.
 *
 * @param options Where to connect, how to resolve names and, optionally, how to connect.
 * @returns The connected socket, with Nagle's algorithm off: a `node:net` socket unless
 *   `options.connect` made it.
 * @throws {SessionError} The last address's failure, like `net::ERR_CONNECTION_REFUSED`;
 *   `ERR_TIMED_OUT` when the job outlives `timeoutMs`; `ERR_ABORTED` when the signal aborts.
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
export function tcpConnect(options: TcpConnectOptions): Promise<StreamSocket> {
  const { signal, timeoutMs = CHROMIUM_CONNECT_TIMEOUTS.tcpMs } = options;
  return boundConnectStep(
    (jobSignal) => connectAny(options, jobSignal),
    timeoutMs,
    signal,
    (socket) => socket.destroy(),
  );
}

async function connectAny(options: TcpConnectOptions, signal: AbortSignal): Promise<StreamSocket> {
  const { host, port, resolve, netLog } = options;
  const addresses = await resolve(host, { signal, netLog });
  return loggedStep(
    netLog,
    "TCP_CONNECT",
    // Chromium's AddressList::NetLogParams: the addresses, and the DNS aliases the resolver
    // (getaddrinfo without canonical names) does not give.
    () => ({
      address_list: addresses.map(({ address }) => hostPort(address, port)),
      aliases: [],
    }),
    () => connectAddresses(addresses, options, signal),
    // TCPClientSocket::LogConnectEnd: this end's address and the peer's, when the socket
    // knows its own (a custom connector's may not).
    (socket) =>
      socket.localAddress === undefined || socket.localPort === undefined
        ? { remote_address: hostPort(socket.remoteAddress ?? "", port) }
        : {
          local_address: hostPort(socket.localAddress, socket.localPort),
          remote_address: hostPort(socket.remoteAddress ?? "", port),
        },
  );
}

async function connectAddresses(
  addresses: readonly { address: string }[],
  options: TcpConnectOptions,
  signal: AbortSignal,
): Promise<StreamSocket> {
  const { port, netLog, connect } = options;
  let lastError: SessionError | undefined;
  for (const { address } of addresses) {
    try {
      const attempt = (): Promise<StreamSocket> =>
        connect ? connectWith(connect, address, port, signal) : connectOne(address, port, signal);
      return await loggedStep(
        netLog,
        "TCP_CONNECT_ATTEMPT",
        () => ({ address: hostPort(address, port) }),
        () =>
          attempt().catch((error: unknown) => {
            throw signal.aborted ? error : netErrorFromSystemError(error, "connect");
          }),
      );
    } catch (error) {
      if (signal.aborted) throw new SessionError("ERR_ABORTED", { cause: error });
      lastError = netErrorFromSystemError(error, "connect");
    }
  }
  // The resolver rejects an empty answer, so this fallback only guards a custom resolver.
  throw lastError ?? new SessionError("ERR_NAME_NOT_RESOLVED");
}

function connectOne(address: string, port: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const socket = connect({ host: address, port, noDelay: true });
    const cleanup = () => {
      socket.off("connect", onConnect).off("error", fail);
      signal.removeEventListener("abort", onAbort);
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
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

// A connector that cannot be cancelled midway: on abort we stop waiting, and a socket that
// still arrives is closed.
function connectWith(
  connect: TcpConnect,
  address: string,
  port: number,
  signal: AbortSignal,
): Promise<StreamSocket> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    let waiting = true;
    const stop = () => {
      waiting = false;
      signal.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      stop();
      reject(new SessionError("ERR_ABORTED"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
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
