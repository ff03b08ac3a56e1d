/**
 * Keep-alive sockets grouped by (origin, proxy chain, TLS policy), with Chromium's limit of
 * six per group, a global bound and an idle timeout.
 *
 * @module
 */

import { setInterval } from "node:timers";
import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import { SessionError } from "../core/session_error.ts";
import type { StreamSocket } from "../core/stream_socket.ts";
import type { ConnectStepOptions } from "./connect_step.ts";

/** Opens a new connected socket for a group; rejects with `net::ERR_ABORTED` when told to stop. */
export type SocketFactory = (options: ConnectStepOptions) => Promise<StreamSocket>;

/**
 * How a request reaches its origin: `direct`; `forward` through a plain HTTP proxy (the request
 * target in absolute form, sockets shared by every origin); or `tunnel` through a CONNECT or
 * SOCKS handshake (then TLS to the origin for https).
 */
export type ConnectRoute = "direct" | "forward" | "tunnel";

/** A pool group: its key, its route and how to open sockets for it. */
export interface PoolGroupTarget {
  /** The group key (see `poolKey`): route, origin and TLS policy. */
  readonly key: string;
  /** How the group's sockets reach the origin. */
  readonly route: ConnectRoute;
  /** The proxy the sockets go through; `{scheme: "direct"}` for none. */
  readonly proxy: ProxyServer;
  /** Opens one connected (and for https, verified) socket. */
  readonly open: SocketFactory;
}

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
  /**
   * How long a reused socket lay idle before this lease, in whole milliseconds (0 for a new
   * one or one handed straight from its last exchange): Chromium's `idle_ms`.
   */
  readonly idleMs: number;
  /** The route of the socket: on `forward` the request target is in absolute form. */
  readonly route: ConnectRoute;
  /** The proxy the socket goes through; `{scheme: "direct"}` for none. */
  readonly proxy: ProxyServer;
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
  /** Fails the waiter (`closeAll`). */
  reject: (error: SessionError) => void;
}

interface Group {
  route: ConnectRoute;
  proxy: ProxyServer;
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
 * const lease = await pool.acquire({
 *   key: "direct http://127.0.0.1:8080",
 *   route: "direct",
 *   proxy: { scheme: "direct" },
 *   open: () => new Promise((resolve) => { const s = connect(8080, "127.0.0.1", () => resolve(s)); }),
 * });
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
  /** One controller per connect job in progress, so `closeAll` can stop them. */
  #jobs = new Set<AbortController>();
  /** Busy sockets `retire` marked: closed, not kept, when their exchange ends. */
  #retired = new WeakSet<StreamSocket>();

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
   * The pool as Chromium's `TransportClientSocketPool::GetInfoAsValue` describes it in a net
   * log's `polledData.socketPoolInfo`: socket counts and limits. Chromium also lists each
   * group's idle sockets and connect jobs by net log source id; this pool's sockets have no
   * sources of their own (their events are on the request's), so the groups are left out.
   *
   * @returns `{name, type, handed_out_socket_count, connecting_socket_count,
   * idle_socket_count, max_socket_count, max_sockets_per_group}`.
   */
  infoValue(): Record<string, string | number> {
    let connecting = 0;
    for (const group of this.#groups.values()) connecting += group.connecting;
    return {
      name: "transport_socket_pool",
      type: "transport_socket_pool",
      handed_out_socket_count: this.#total - this.#idleTotal - connecting,
      connecting_socket_count: connecting,
      idle_socket_count: this.#idleTotal,
      max_socket_count: this.#maxSockets,
      max_sockets_per_group: this.#maxPerGroup,
    };
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
   * Lends a socket of a group, reusing an idle one or opening one with `target.open`.
   *
   * @param target The group: key, route, proxy and socket factory.
   * @param options `signal` gives up waiting or connecting; `netLog` goes to the connect job.
   * @returns The lease; call `release` when the exchange ends.
   * @throws {SessionError} The connect job's failure, or `ERR_ABORTED` when the signal aborts
   * or `closeAll` runs first.
   */
  acquire(target: PoolGroupTarget, options?: ConnectStepOptions): Promise<Lease> {
    // Promise chains rather than an async loop: one promise turn fewer per request.
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const group = this.#group(target);
    const idle = this.#takeIdle(group);
    if (idle) {
      const idleMs = Math.floor(performance.now() - idle.since);
      return Promise.resolve(this.#lease(target.key, group, idle.socket, true, idleMs));
    }
    if (this.#groupSize(group) < this.#maxPerGroup && this.#makeRoom()) {
      return this.#open(target.key, group, target.open, options).then((socket) =>
        this.#lease(target.key, group, socket, false)
      );
    }
    // Woken with a socket handed straight over, or with none: then the group has room again.
    return this.#wait(group, signal).then((handed) =>
      handed ? this.#lease(target.key, group, handed, true) : this.acquire(target, options)
    );
  }

  /**
   * Opens idle sockets so that a group has at least `count` (never above the group limit), as
   * Chromium's preconnect does.
   *
   * @param target The group: key, route, proxy and socket factory.
   * @param count How many sockets the group should have ready.
   * @returns How many sockets were opened.
   */
  async preconnect(target: PoolGroupTarget, count: number): Promise<number> {
    const group = this.#group(target);
    const wanted = Math.min(count, this.#maxPerGroup) - this.#groupSize(group);
    const opened = [];
    for (let i = 0; i < wanted && this.#makeRoom(); i++) {
      opened.push(this.#open(target.key, group, target.open, undefined));
    }
    let ready = 0;
    for (const result of await Promise.allSettled(opened)) {
      if (result.status === "fulfilled") {
        this.#keepIdle(target.key, group, result.value);
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
   * Closes the idle sockets and keeps the busy ones from serving another request: each finishes
   * its exchange (a pinned one its whole handshake) and then closes, as the sockets of an older
   * generation do after Chromium's `FlushWithError`. What a connection was authenticated as
   * (NTLM) goes with it.
   */
  retire(): void {
    this.closeIdle();
    for (const group of this.#groups.values()) {
      for (const socket of group.busy) this.#retired.add(socket);
    }
  }

  /**
   * Closes every socket and fails everything in progress with `net::ERR_ABORTED` (Electron's
   * `closeAllConnections`, Chromium's `FlushWithError`): idle sockets close at once, busy ones
   * fail their exchange, connect jobs (TCP, TLS, tunnel) stop, and queued requests fail.
   */
  closeAll(): void {
    this.closeIdle();
    for (const job of this.#jobs) job.abort(new SessionError("ERR_ABORTED"));
    this.#jobs.clear();
    for (const [key, group] of this.#groups) {
      for (const socket of group.busy) {
        socket.destroy(new SessionError("ERR_ABORTED"));
        this.#total--;
      }
      group.busy.clear();
      for (const waiter of group.waiters.splice(0)) waiter.reject(new SessionError("ERR_ABORTED"));
      this.#forgetIfEmpty(key, group);
    }
  }

  #group(target: PoolGroupTarget): Group {
    let group = this.#groups.get(target.key);
    if (!group) {
      group = {
        route: target.route,
        proxy: target.proxy,
        idle: [],
        busy: new Set(),
        connecting: 0,
        waiters: [],
      };
      this.#groups.set(target.key, group);
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

  /** Runs one connect job under a controller of its own, which the caller and `closeAll` abort. */
  async #open(
    key: string,
    group: Group,
    open: SocketFactory,
    options: ConnectStepOptions | undefined,
  ): Promise<StreamSocket> {
    const job = new AbortController();
    const signal = options?.signal;
    const onAbort = () => job.abort(new SessionError("ERR_ABORTED", { cause: signal?.reason }));
    signal?.addEventListener("abort", onAbort, { once: true });
    this.#jobs.add(job);
    group.connecting++;
    this.#total++;
    let socket: StreamSocket;
    try {
      socket = await open({
        signal: job.signal,
        netLog: options?.netLog,
        urlChain: options?.urlChain,
      });
    } catch (error) {
      this.#jobFailed(key, group);
      const aborted = SessionError.is(error) && error.code === "ERR_ABORTED";
      throw job.signal.aborted && !aborted
        ? new SessionError("ERR_ABORTED", { cause: error })
        : error;
    } finally {
      this.#jobs.delete(job);
      signal?.removeEventListener("abort", onAbort);
    }
    if (job.signal.aborted) {
      // closeAll ran while a factory that ignores its signal was finishing.
      socket.destroy();
      this.#jobFailed(key, group);
      throw job.signal.reason;
    }
    group.connecting--;
    return socket;
  }

  /** Frees a failed job's slot; a request queued for it may now connect. */
  #jobFailed(key: string, group: Group): void {
    group.connecting--;
    this.#total--;
    this.#wake(group);
    this.#forgetIfEmpty(key, group);
  }

  #takeIdle(group: Group): IdleSocket | undefined {
    // Most recently used first: it is the least likely to have been closed by the server.
    for (let idle = group.idle.pop(); idle; idle = group.idle.pop()) {
      this.#idleTotal--;
      idle.socket.off("close", idle.onGone).off("error", idle.onGone).off("data", idle.onGone);
      if (!idle.socket.destroyed && idle.socket.writable) {
        refSocket(idle.socket, true);
        return idle;
      }
      idle.socket.destroy();
      this.#total--;
    }
    return undefined;
  }

  #lease(
    key: string,
    group: Group,
    socket: StreamSocket,
    reused: boolean,
    idleMs = 0,
  ): Lease {
    group.busy.add(socket);
    let released = false;
    return {
      socket,
      reused,
      idleMs,
      route: group.route,
      proxy: group.proxy,
      release: (reusable) => {
        if (released) return;
        released = true;
        if (!group.busy.has(socket)) return; // closeAll already destroyed it
        if (reusable && !socket.destroyed && socket.writable && !this.#retired.has(socket)) {
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
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
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
