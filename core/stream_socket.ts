/**
 * The seam between the network stack and the sockets under it: the part of a connected
 * `node:net` socket the HTTP codec and the connection pool use. `node:net` and `node:tls`
 * sockets satisfy it as they are; `runtime/` may supply a lighter native one.
 *
 * @module
 */

/**
 * A connected, bidirectional byte stream with `node:net`'s events and flow control.
 *
 * @example A `node:net` socket is one as it is
 * ```ts
 * import { connect, createServer } from "node:net";
 * import type { StreamSocket } from "./stream_socket.ts";
 *
 * const server = createServer((peer) => peer.end("hi")).listen(0, "127.0.0.1");
 * await new Promise((resolve) => server.once("listening", resolve));
 * const socket: StreamSocket = connect((server.address() as { port: number }).port, "127.0.0.1");
 * socket.on("data", (chunk) => console.log(new TextDecoder().decode(chunk))); // hi
 * await new Promise<void>((resolve) => socket.on("close", resolve));
 * server.close();
 * ```
 */
export interface StreamSocket {
  /** True once the socket is destroyed or closed. */
  readonly destroyed: boolean;
  /** True while writes are accepted. */
  readonly writable: boolean;
  /**
   * Sends bytes.
   *
   * @returns `false` when bytes are waiting to be sent; `'drain'` follows once they are.
   */
  write(chunk: Uint8Array): boolean;
  /**
   * Sends text as Latin-1 bytes.
   *
   * @returns `false` when bytes are waiting to be sent; `'drain'` follows once they are.
   */
  write(chunk: string, encoding: "latin1"): boolean;
  /** Holds writes until the matching `uncork()`, so they leave together. */
  cork(): void;
  /** Sends what was written since the matching `cork()`. */
  uncork(): void;
  /** Stops `'data'` events until `resume()`. */
  pause(): this;
  /** Starts (or restarts) `'data'` events. */
  resume(): this;
  /** Puts bytes back, to be the next `'data'`. */
  unshift(chunk: Uint8Array): void;
  /** Half-closes: sends what is queued, then FIN. */
  end(): this;
  /** Closes at once; `'error'` (when given one) and `'close'` follow. */
  destroy(error?: Error): this;
  /** The peer's IP address, when known (`node:net` sockets know it once connected). */
  readonly remoteAddress?: string;
  /** The peer's port, when known. */
  readonly remotePort?: number;
  /** This end's IP address, when known (`node:net` sockets know it once connected). */
  readonly localAddress?: string;
  /** This end's port, when known. */
  readonly localPort?: number;
  /** Lets an open socket keep the program alive (the default). */
  ref?(): this;
  /** Lets the program exit while the socket is open. */
  unref?(): this;
  /** Bytes from the peer. */
  on(event: "data", listener: (chunk: Uint8Array) => void): this;
  /** The peer sent FIN (`'end'`), the socket closed (`'close'`), or writes can go on (`'drain'`). */
  on(event: "end" | "close" | "drain", listener: () => void): this;
  /** A socket error; `'close'` follows. */
  on(event: "error", listener: (error: Error) => void): this;
  /** Adds a listener that is removed after one call. */
  once(event: "data", listener: (chunk: Uint8Array) => void): this;
  /** Adds a listener that is removed after one call. */
  once(event: "end" | "close" | "drain", listener: () => void): this;
  /** Adds a listener that is removed after one call. */
  once(event: "error", listener: (error: Error) => void): this;
  /** Removes a listener. */
  off(event: "data", listener: (chunk: Uint8Array) => void): this;
  /** Removes a listener. */
  off(event: "end" | "close" | "drain", listener: () => void): this;
  /** Removes a listener. */
  off(event: "error", listener: (error: Error) => void): this;
}

/**
 * Opens a TCP connection to an IP address. It resolves with the socket connected, paused
 * and with Nagle's algorithm off, and rejects with the system error (`ECONNREFUSED`, ...).
 *
 * @example A connector over `node:net`
 * ```ts
 * import { connect } from "node:net";
 * import type { StreamSocket, TcpConnect } from "./stream_socket.ts";
 *
 * const connectTcp: TcpConnect = (address, port) =>
 *   new Promise<StreamSocket>((resolve, reject) => {
 *     const socket = connect({ host: address, port, noDelay: true });
 *     socket.once("connect", () => resolve(socket.pause())).once("error", reject);
 *   });
 * ```
 */
export type TcpConnect = (address: string, port: number) => Promise<StreamSocket>;
