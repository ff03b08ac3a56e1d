/**
 * A TCP socket on Bun's native `Bun.connect`, with the `StreamSocket` surface the network
 * stack uses. Bun calls a native socket's handlers straight from its event loop; its
 * `node:net` puts a stream layer on top that costs the HTTP client about a fifth of its
 * speed (bench/README.md).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { closeSync, openSync } from "node:fs";
import process from "node:process";
import type { StreamSocket } from "../core/stream_socket.ts";

/** The part of a Bun socket used here, so `deno check` needs no Bun types. */
interface BunSocket {
  readonly data: BunTcpSocket;
  write(data: Uint8Array): number;
  end(): void;
  terminate(): void;
  pause(): void;
  resume(): void;
  ref(): void;
  unref(): void;
  setNoDelay(noDelay: boolean): boolean;
}

/** The handlers Bun calls for every socket; `socket.data` is our wrapper. */
interface BunSocketHandlers {
  open(socket: BunSocket): void;
  data(socket: BunSocket, chunk: Buffer): void;
  drain(socket: BunSocket): void;
  end(socket: BunSocket): void;
  error(socket: BunSocket, error: Error): void;
  close(socket: BunSocket, error?: Error): void;
}

/** The part of the `Bun` global used here. */
interface BunConnect {
  connect(options: {
    hostname: string;
    port: number;
    data: BunTcpSocket;
    socket: BunSocketHandlers;
  }): Promise<BunSocket>;
}

/** The events a socket emits. */
type SocketEvent = "data" | "end" | "error" | "close" | "drain";
type Listener = (value: unknown) => void;
type OnceListener = Listener & { readonly listener: Listener };

// Bytes a socket holds before `write()` asks the writer to wait for 'drain', as node:net's
// default `writableHighWaterMark` (64 KiB since Node 22).
const WRITE_HIGH_WATER_MARK = 64 * 1024;

// One handler table for all sockets, rather than closures per socket.
const handlers: BunSocketHandlers = {
  open: (socket) => socket.data.attach(socket),
  data: (socket, chunk) => socket.data.received(chunk),
  drain: (socket) => socket.data.flush(),
  end: (socket) => socket.data.peerEnded(),
  error: (socket, error) => socket.data.destroy(error),
  close: (socket, error) => socket.data.closed(error),
};

/**
 * A connected Bun TCP socket. It starts paused: bytes that arrive before `resume()` wait, as
 * with `node:net` before a reader attaches. After the peer's FIN it emits `'end'` (once the
 * bytes before it have been read) and closes, like `node:net` without `allowHalfOpen`.
 *
 * @example Made by {@linkcode connectBunTcp} (Bun only)
 * ```ts ignore
 * import { connectBunTcp } from "./_bun_tcp_socket.ts";
 * const socket = await connectBunTcp("127.0.0.1", 8080);
 * socket.on("end", () => console.log("peer done")).resume();
 * ```
 */
export class BunTcpSocket implements StreamSocket {
  // A fixed list per event rather than EventEmitter: the codec adds and removes its four
  // listeners on every request, which EventEmitter's changing event map makes costly.
  #listeners: Record<SocketEvent, Listener[]> = {
    data: [],
    end: [],
    error: [],
    close: [],
    drain: [],
  };
  #socket: BunSocket | null = null;
  #destroyed = false;
  #writable = true;
  #flowing = false;
  // Bytes received while paused, and bytes put back with unshift, in order.
  #held: Buffer[] = [];
  // FIN seen (or the socket closed) but 'end' not emitted yet: it waits behind #held.
  #finPending = false;
  #nativeClosed = false;
  // Bytes the kernel has not taken yet, in order.
  #unsent: Uint8Array[] = [];
  #needDrain = false;
  #endAfterFlush = false;
  #corked: Uint8Array[] | null = null;
  #corkedBytes = 0;
  #corks = 0;
  #bytesRead = 0;
  #bytesWritten = 0;

  /** The IP address connected to. */
  remoteAddress = "";
  /** The port connected to. */
  remotePort = 0;

  /** True once destroyed or closed. */
  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** True while writes are accepted. */
  get writable(): boolean {
    return this.#writable && !this.#destroyed;
  }

  /** Bytes received so far. */
  get bytesRead(): number {
    return this.#bytesRead;
  }

  /** Bytes accepted by `write()` so far, sent or still queued. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** @internal The open handler: the native socket is connected. */
  attach(socket: BunSocket): void {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.pause();
  }

  /** @internal Bytes from the peer. */
  received(chunk: Buffer): void {
    if (this.#destroyed) return;
    this.#bytesRead += chunk.length;
    if (this.#flowing && this.#held.length === 0) this.#emit("data", chunk);
    else this.#held.push(chunk);
  }

  /** @internal The peer sent FIN. */
  peerEnded(): void {
    if (this.#destroyed) return;
    this.#finPending = true;
    this.#finishIfRead();
  }

  /** @internal The native socket closed; an error means it failed. */
  closed(error?: Error): void {
    this.#nativeClosed = true;
    if (error !== undefined) {
      this.destroy(error);
      return;
    }
    if (this.#destroyed) return;
    // Nothing more can arrive: what was held is still delivered, then 'end'.
    this.#finPending = true;
    this.#writable = false;
    this.#finishIfRead();
  }

  /** @internal The kernel can take more bytes. */
  flush(): void {
    const socket = this.#socket;
    if (socket === null || this.#destroyed) return;
    while (this.#unsent.length > 0) {
      const bytes = this.#unsent[0]!;
      const sent = socket.write(bytes);
      if (sent < bytes.length) {
        this.#unsent[0] = bytes.subarray(Math.max(sent, 0));
        return;
      }
      this.#unsent.shift();
    }
    if (this.#endAfterFlush) socket.end();
    if (this.#needDrain) {
      this.#needDrain = false;
      this.#emit("drain");
    }
  }

  // 'end' goes out only after every byte before the FIN has been delivered.
  #finishIfRead(): void {
    if (!this.#finPending || !this.#flowing || this.#held.length > 0) return;
    this.#finPending = false;
    this.#emit("end");
    this.destroy();
  }

  /**
   * Sends bytes (a string is encoded as `encoding`, default UTF-8). Inside `cork()` the bytes
   * are held, and the answer says whether the writer may go on: false once the held bytes
   * reach 64 KiB or earlier bytes still wait for the kernel.
   *
   * @returns `false` when the writer should wait; `'drain'` follows once the bytes are sent.
   */
  write(chunk: Uint8Array | string, encoding?: BufferEncoding): boolean {
    if (!this.writable) return false;
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, encoding) : chunk;
    this.#bytesWritten += bytes.length;
    if (this.#corked !== null) {
      this.#corked.push(bytes);
      this.#corkedBytes += bytes.length;
      if (this.#unsent.length === 0 && this.#corkedBytes < WRITE_HIGH_WATER_MARK) return true;
      this.#needDrain = true;
      return false;
    }
    return this.#send(bytes);
  }

  #send(bytes: Uint8Array): boolean {
    if (this.#unsent.length === 0) {
      const sent = (this.#socket as BunSocket).write(bytes);
      if (sent >= bytes.length) return true;
      this.#unsent.push(bytes.subarray(Math.max(sent, 0)));
    } else {
      this.#unsent.push(bytes);
    }
    this.#needDrain = true;
    return false;
  }

  /** Holds writes until the matching `uncork()`, then sends them in one write. */
  cork(): void {
    this.#corks++;
    this.#corked ??= [];
  }

  /** Sends what was written since the matching `cork()`. */
  uncork(): void {
    if (this.#corks === 0 || --this.#corks > 0) return;
    const corked = this.#corked as Uint8Array[];
    this.#corked = null;
    this.#corkedBytes = 0;
    if (corked.length === 0 || !this.writable) return;
    // A corked write that said "wait" is owed a 'drain', even when the kernel took everything
    // at once and no native drain will come; emitted later, as the writer listens only after
    // uncork() returns.
    if (this.#send(Buffer.concat(corked)) && this.#needDrain) {
      process.nextTick(() => this.flush());
    }
  }

  /** Stops `'data'` events; the kernel stops reading once its buffer fills. */
  pause(): this {
    if (this.#flowing) {
      this.#flowing = false;
      if (!this.#nativeClosed) this.#socket?.pause();
    }
    return this;
  }

  /** Starts (or restarts) `'data'` events, first with the bytes held while paused. */
  resume(): this {
    if (this.#flowing || this.#destroyed) return this;
    this.#flowing = true;
    // As in node:net, held bytes come on a later turn, not inside resume().
    if (this.#held.length > 0 || this.#finPending) queueMicrotask(() => this.#release());
    else if (!this.#nativeClosed) this.#socket?.resume();
    return this;
  }

  /** Adds a listener for bytes from the peer. */
  on(event: "data", listener: (chunk: Buffer) => void): this;
  /** Adds a listener for the peer's FIN, the close, or room to write again. */
  on(event: "end" | "close" | "drain", listener: () => void): this;
  /** Adds a listener for socket errors. */
  on(event: "error", listener: (error: Error) => void): this;
  on(event: SocketEvent, listener: (value: never) => void): this {
    this.#listeners[event].push(listener as Listener);
    return this;
  }

  /** Adds a listener for bytes from the peer, removed after one call. */
  once(event: "data", listener: (chunk: Buffer) => void): this;
  /** Adds a listener for the peer's FIN, the close, or room to write, removed after one call. */
  once(event: "end" | "close" | "drain", listener: () => void): this;
  /** Adds a listener for a socket error, removed after one call. */
  once(event: "error", listener: (error: Error) => void): this;
  once(event: SocketEvent, listener: (value: never) => void): this {
    const wrapped: OnceListener = Object.assign((value: unknown) => {
      this.#remove(event, wrapped);
      (listener as Listener)(value);
    }, { listener: listener as Listener });
    this.#listeners[event].push(wrapped);
    return this;
  }

  /** Removes a listener of bytes from the peer. */
  off(event: "data", listener: (chunk: Buffer) => void): this;
  /** Removes a listener of the FIN, the close or drain. */
  off(event: "end" | "close" | "drain", listener: () => void): this;
  /** Removes a listener of socket errors. */
  off(event: "error", listener: (error: Error) => void): this;
  off(event: SocketEvent, listener: (value: never) => void): this {
    this.#remove(event, listener as Listener);
    return this;
  }

  /** How many listeners `event` has. */
  listenerCount(event: SocketEvent): number {
    return this.#listeners[event].length;
  }

  #remove(event: SocketEvent, listener: Listener): void {
    const list = this.#listeners[event];
    // The latest match, as EventEmitter removes it.
    for (let i = list.length - 1; i >= 0; i--) {
      const each = list[i]!;
      if (each === listener || (each as Partial<OnceListener>).listener === listener) {
        list.splice(i, 1);
        return;
      }
    }
  }

  // Like EventEmitter: listeners added during the emit wait for the next one, and an 'error'
  // nobody listens to is thrown rather than lost.
  #emit(event: SocketEvent, value?: unknown): void {
    const list = this.#listeners[event];
    if (list.length === 1) {
      list[0]!(value);
      return;
    }
    if (list.length === 0) {
      if (event === "error") throw value;
      return;
    }
    for (const listener of list.slice()) listener(value);
  }

  /** True while `'data'` events are stopped. */
  isPaused(): boolean {
    return !this.#flowing;
  }

  #release(): void {
    while (this.#flowing && !this.#destroyed && this.#held.length > 0) {
      this.#emit("data", this.#held.shift());
    }
    this.#finishIfRead();
    if (this.#flowing && !this.#destroyed && !this.#nativeClosed) this.#socket?.resume();
  }

  /** Puts bytes back, to be read before anything else. */
  unshift(chunk: Uint8Array): void {
    if (this.#destroyed || chunk.length === 0) return;
    this.#held.unshift(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (this.#flowing) queueMicrotask(() => this.#release());
  }

  /** Half-closes once the queued bytes are sent. */
  end(): this {
    if (!this.writable) return this;
    this.#writable = false;
    if (this.#unsent.length > 0) this.#endAfterFlush = true;
    else this.#socket?.end();
    return this;
  }

  /** Closes at once, dropping unsent bytes; `'error'` (when given) and `'close'` follow. */
  destroy(error?: Error): this {
    if (this.#destroyed) return this;
    this.#destroyed = true;
    this.#writable = false;
    this.#held = [];
    this.#unsent = [];
    if (!this.#nativeClosed) this.#socket?.terminate();
    process.nextTick(() => {
      if (error !== undefined) this.#emit("error", error);
      this.#emit("close", error !== undefined);
    });
    return this;
  }

  /** Lets the socket keep the program running (the default). */
  ref(): this {
    if (!this.#nativeClosed) this.#socket?.ref();
    return this;
  }

  /** Lets the program exit while the socket is open. */
  unref(): this {
    if (!this.#nativeClosed) this.#socket?.unref();
    return this;
  }
}

/**
 * Connects to `address:port` with `Bun.connect` (Bun only).
 *
 * @param address An IP address.
 * @param port The port.
 * @returns The connected socket, paused, with Nagle's algorithm off; rejects with the system
 *   error (`code` such as `ECONNREFUSED`).
 *
 * @example
 * ```ts ignore
 * import { connectBunTcp } from "./_bun_tcp_socket.ts";
 * const socket = await connectBunTcp("127.0.0.1", 8080);
 * socket.on("data", (chunk) => console.log(chunk.length)).resume();
 * socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", "latin1");
 * ```
 */
export async function connectBunTcp(address: string, port: number): Promise<BunTcpSocket> {
  const bun = (globalThis as unknown as { Bun: BunConnect }).Bun;
  const wrapper = new BunTcpSocket();
  wrapper.remoteAddress = address;
  wrapper.remotePort = port;
  try {
    await bun.connect({ hostname: address, port, data: wrapper, socket: handlers });
  } catch (error) {
    throw refusedOrOutOfDescriptors(error);
  }
  return wrapper;
}

/**
 * Bun (1.4) rejects a connect whose `socket()` failed for want of file descriptors as it
 * rejects a refused one (`ECONNREFUSED`, "Failed to connect"), so a process out of descriptors
 * would report `net::ERR_CONNECTION_REFUSED` where Chromium reports
 * `net::ERR_INSUFFICIENT_RESOURCES`. A refusal is checked by opening a descriptor: when that
 * fails with EMFILE or ENFILE, that is the error. A refused connect costs one open and close.
 */
function refusedOrOutOfDescriptors(error: unknown): unknown {
  if ((error as { code?: unknown } | null)?.code !== "ECONNREFUSED") return error;
  let probe: number;
  try {
    probe = openSync("/dev/null", "r");
  } catch (failure) {
    const code = (failure as { code?: unknown }).code;
    if (code !== "EMFILE" && code !== "ENFILE") return error;
    return Object.assign(new Error(`connect ${code}: too many open files`, { cause: error }), {
      code,
      syscall: "socket",
    });
  }
  closeSync(probe);
  return error;
}
