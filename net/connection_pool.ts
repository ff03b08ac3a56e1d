/**
 * Keep-alive sockets grouped by (origin, proxy chain, TLS policy), with Chromium's limit of
 * six per group, a global bound and an idle timeout.
 *
 * @module
 */

import { setInterval } from "node:timers";
import { SessionError } from "../core/session_error.ts";
import type { StreamSocket } from "../core/stream_socket.ts";

/** Opens a new connected socket for a group. */
export type SocketFactory = (signal?: AbortSignal) => Promise<StreamSocket>;

/** Options for {@linkcode ConnectionPool}. */
export interface ConnectionPoolOptions {
  /** Sockets per group, idle or busy; default 6 as in Chromium. */
  maxSocketsPerGroup?: number;
  /** Sockets in all groups; default 256 as in Chromium. */
  maxSockets?: number;
  /** How long an idle socket is kept, in milliseconds; default 60 000. */
  idleTimeoutMs?: number;
}

/** A socket on loan from the pool for one exchange. */
export interface Lease {
  /** The connected socket. */
  readonly socket: StreamSocket;
  /** Whether the socket served an earlier exchange (a failure on it may be retried). */
  readonly reused: boolean;
  /** Returns the socket: kept idle when `reusable`, destroyed otherwise. Idempotent. */
  release(reusable: boolean): void;
}

interface IdleSocket {
  socket: StreamSocket;
  /** `performance.now()` when it went idle. */
  since: number;
  onGone: () => void;
}

interface Waiter {
  /** Wakes the waiter, handing it a socket released for it, or none to make it retry. */
  resolve: (socket?: StreamSocket) => void;
}

interface Group {
  idle: IdleSocket[];
  busy: Set<StreamSocket>;
  connecting: number;
  waiters: Waiter[];
}

/**
 * A pool of keep-alive sockets. `acquire` hands out the most recently used idle socket of a
 * group or opens a new one within the limits, queueing callers beyond them.
 *
 * @example
 * ```ts ignore
 * import { connect } from "node:net";
 * import { ConnectionPool } from "./connection_pool.ts";
 * const pool = new ConnectionPool();
 * const lease = await pool.acquire("http://127.0.0.1:8080", () =>
 *   new Promise((resolve) => { const s = connect(8080, "127.0.0.1", () => resolve(s)); }));
 * lease.release(true); // kept for the next request to that origin
 * pool.closeAll();
 * ```
 */
export class ConnectionPool {
  #groups = new Map<string, Group>();
  #maxPerGroup: number;
  #maxSockets: number;
  #idleTimeoutMs: number;
  #total = 0;
  #idleTotal = 0;
  #sweeper: ReturnType<typeof setInterval> | undefined;

  /**
   * Creates an empty pool.
   *
   * @param options Limits and idle timeout.
   */
  constructor(options: ConnectionPoolOptions = {}) {
    const { maxSocketsPerGroup = 6, maxSockets = 256, idleTimeoutMs = 60_000 } = options;
    this.#maxPerGroup = maxSocketsPerGroup;
    this.#maxSockets = maxSockets;
    this.#idleTimeoutMs = idleTimeoutMs;
  }

  /** Sockets open in all groups, idle, busy or connecting. */
  get size(): number {
    return this.#total;
  }

  /**
   * Counts a group's idle sockets.
   *
   * @param key The group key.
   * @returns How many sockets wait idle in it.
   */
  idleCount(key: string): number {
    return this.#groups.get(key)?.idle.length ?? 0;
  }

  /**
   * Lends a socket of group `key`, reusing an idle one or opening one with `open`.
   *
   * @param key The group key: origin, proxy chain and TLS policy.
   * @param open Opens a new socket when the group has none idle.
   * @param signal Gives up waiting or connecting.
   * @returns The lease; call `release` when the exchange ends.
   */
  acquire(key: string, open: SocketFactory, signal?: AbortSignal): Promise<Lease> {
    // Promise chains rather than an async loop: one promise turn fewer per request.
    if (signal?.aborted) return Promise.reject(signal.reason);
    const group = this.#group(key);
    const idle = this.#takeIdle(group);
    if (idle) return Promise.resolve(this.#lease(key, group, idle, true));
    if (this.#groupSize(group) < this.#maxPerGroup && this.#makeRoom()) {
      return this.#open(group, open, signal).then((socket) =>
        this.#lease(key, group, socket, false)
      );
    }
    // Woken with a socket handed straight over, or with none: then the group has room again.
    return this.#wait(group, signal).then((handed) =>
      handed ? this.#lease(key, group, handed, true) : this.acquire(key, open, signal)
    );
  }

  /**
   * Opens idle sockets so that group `key` has at least `count` (never above the group
   * limit), as Chromium's preconnect does.
   *
   * @param key The group key.
   * @param open Opens one socket.
   * @param count How many sockets the group should have ready.
   * @returns How many sockets were opened.
   */
  async preconnect(key: string, open: SocketFactory, count: number): Promise<number> {
    const group = this.#group(key);
    const wanted = Math.min(count, this.#maxPerGroup) - this.#groupSize(group);
    const opened = [];
    for (let i = 0; i < wanted && this.#makeRoom(); i++) opened.push(this.#open(group, open));
    let ready = 0;
    for (const result of await Promise.allSettled(opened)) {
      if (result.status === "fulfilled") {
        this.#keepIdle(key, group, result.value);
        ready++;
      }
    }
    this.#wake(group);
    return ready;
  }

  /** Closes the idle sockets of every group; busy ones finish their exchange first. */
  closeIdle(): void {
    for (const [key, group] of this.#groups) {
      for (const idle of group.idle.splice(0)) this.#dropIdle(idle);
      this.#forgetIfEmpty(key, group);
    }
  }

  /**
   * Closes every socket: idle ones at once, busy ones by failing their exchange with
   * `net::ERR_ABORTED` (Electron's `closeAllConnections`).
   */
  closeAll(): void {
    this.closeIdle();
    for (const [key, group] of this.#groups) {
      for (const socket of group.busy) {
        socket.destroy(new SessionError("ERR_ABORTED"));
        this.#total--;
      }
      group.busy.clear();
      this.#wake(group);
      this.#forgetIfEmpty(key, group);
    }
  }

  #group(key: string): Group {
    let group = this.#groups.get(key);
    if (!group) {
      group = { idle: [], busy: new Set(), connecting: 0, waiters: [] };
      this.#groups.set(key, group);
    }
    return group;
  }

  #groupSize(group: Group): number {
    return group.idle.length + group.busy.size + group.connecting;
  }

  /** Frees a global slot by closing the oldest idle socket of any group when at the bound. */
  #makeRoom(): boolean {
    if (this.#total < this.#maxSockets) return true;
    for (const [key, group] of this.#groups) {
      const oldest = group.idle.shift();
      if (oldest) {
        this.#dropIdle(oldest);
        this.#forgetIfEmpty(key, group);
        return true;
      }
    }
    return false;
  }

  async #open(group: Group, open: SocketFactory, signal?: AbortSignal): Promise<StreamSocket> {
    group.connecting++;
    this.#total++;
    try {
      return await open(signal);
    } catch (error) {
      this.#total--;
      throw error;
    } finally {
      group.connecting--;
    }
  }

  #takeIdle(group: Group): StreamSocket | undefined {
    // Most recently used first: it is the least likely to have been closed by the server.
    for (let idle = group.idle.pop(); idle; idle = group.idle.pop()) {
      this.#idleTotal--;
      idle.socket.off("close", idle.onGone).off("error", idle.onGone).off("data", idle.onGone);
      if (!idle.socket.destroyed && idle.socket.writable) {
        refSocket(idle.socket, true);
        return idle.socket;
      }
      idle.socket.destroy();
      this.#total--;
    }
    return undefined;
  }

  #lease(key: string, group: Group, socket: StreamSocket, reused: boolean): Lease {
    group.busy.add(socket);
    let released = false;
    return {
      socket,
      reused,
      release: (reusable) => {
        if (released) return;
        released = true;
        if (!group.busy.has(socket)) return; // closeAll already destroyed it
        if (reusable && !socket.destroyed && socket.writable) {
          // Straight to the next waiter, still counted busy: no idle bookkeeping on the hot
          // path, and no window in which the group looks smaller than it is.
          const waiter = group.waiters.shift();
          if (waiter) return waiter.resolve(socket);
          group.busy.delete(socket);
          this.#keepIdle(key, group, socket);
        } else {
          group.busy.delete(socket);
          socket.destroy();
          this.#total--;
        }
        this.#wake(group);
        this.#forgetIfEmpty(key, group);
      },
    };
  }

  #keepIdle(key: string, group: Group, socket: StreamSocket): void {
    const idle: IdleSocket = { socket, since: performance.now(), onGone: () => onGone() };
    // An idle socket that closes, errors or receives bytes nobody asked for is useless.
    const onGone = () => {
      const index = group.idle.indexOf(idle);
      if (index === -1) return;
      group.idle.splice(index, 1);
      this.#dropIdle(idle);
      this.#forgetIfEmpty(key, group);
    };
    socket.on("close", idle.onGone).on("error", idle.onGone).on("data", idle.onGone);
    // Idle connections must not keep a finished program running (Node's Agent agrees).
    refSocket(socket, false);
    group.idle.push(idle);
    this.#idleTotal++;
    // One sweeper for the whole pool instead of a timer per socket per request.
    this.#sweeper ??= setInterval(() => this.#sweep(), Math.max(this.#idleTimeoutMs / 2, 1))
      .unref();
  }

  /** Closes sockets idle for longer than the idle timeout (so after 1 to 1.5 timeouts). */
  #sweep(): void {
    const cutoff = performance.now() - this.#idleTimeoutMs;
    for (const [key, group] of this.#groups) {
      // Oldest first: the idle list is in release order.
      while (group.idle.length > 0 && group.idle[0]!.since <= cutoff) {
        this.#dropIdle(group.idle.shift()!);
      }
      this.#forgetIfEmpty(key, group);
    }
    this.#stopSweeperIfIdle();
  }

  #stopSweeperIfIdle(): void {
    if (this.#idleTotal === 0 && this.#sweeper !== undefined) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  }

  #dropIdle(idle: IdleSocket): void {
    this.#idleTotal--;
    this.#stopSweeperIfIdle();
    idle.socket.off("close", idle.onGone).off("data", idle.onGone);
    // Keep swallowing errors: destroy may still emit one after we stop listening.
    idle.socket.on("error", () => {});
    idle.socket.destroy();
    this.#total--;
  }

  #wait(group: Group, signal?: AbortSignal): Promise<StreamSocket | undefined> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (socket) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(socket);
        },
      };
      const onAbort = () => {
        group.waiters.splice(group.waiters.indexOf(waiter), 1);
        reject(new SessionError("ERR_ABORTED"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      group.waiters.push(waiter);
    });
  }

  /** Lets one waiter retry: of this group, or else of any group waiting for a global slot. */
  #wake(group: Group): void {
    if (group.waiters.length > 0) {
      group.waiters.shift()?.resolve();
      return;
    }
    for (const other of this.#groups.values()) {
      if (other.waiters.length > 0) {
        other.waiters.shift()?.resolve();
        return;
      }
    }
  }

  #forgetIfEmpty(key: string, group: Group): void {
    if (this.#groupSize(group) === 0 && group.waiters.length === 0) this.#groups.delete(key);
  }
}

/** Refs or unrefs a socket when it has that ability (TCP and TLS sockets do). */
function refSocket(socket: StreamSocket, ref: boolean): void {
  if (ref) socket.ref?.();
  else socket.unref?.();
}
