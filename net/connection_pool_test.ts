import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect, createServer, type Server, type Socket } from "node:net";
import { SessionError } from "../core/session_error.ts";
import type { StreamSocket } from "../core/stream_socket.ts";
import { ConnectionPool, type PoolGroupTarget, type SocketFactory } from "./connection_pool.ts";

let server: Server;
let port: number;
const serverSockets = new Set<Socket>();

beforeEach(async () => {
  server = createServer((socket) => {
    serverSockets.add(socket);
    socket.on("close", () => serverSockets.delete(socket));
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
});

afterEach(async () => {
  for (const socket of serverSockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

function open(): Promise<StreamSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

function group(key: string, opener: SocketFactory = open): PoolGroupTarget {
  return { key, route: "direct", proxy: { scheme: "direct" }, open: opener };
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("ConnectionPool", () => {
  it("reuses a released socket and counts it as reused", async () => {
    const pool = new ConnectionPool();
    const first = await pool.acquire(group("a"));
    assert.equal(first.reused, false);
    assert.equal(first.idleMs, 0);
    first.release(true);
    assert.equal(pool.idleCount("a"), 1);
    // Time is the feature: how long it lay idle (the net log's idle_ms), with a wide bound.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await pool.acquire(group("a"));
    assert.equal(second.socket, first.socket);
    assert.equal(second.reused, true);
    assert.ok(second.idleMs >= 40 && second.idleMs < 60_000, `${second.idleMs} ms`);
    second.release(false);
    assert.equal(pool.size, 0);
    assert.ok(second.socket.destroyed);
  });

  it("keeps groups apart", async () => {
    const pool = new ConnectionPool();
    const a = await pool.acquire(group("a"));
    a.release(true);
    const b = await pool.acquire(group("b"));
    assert.notEqual(b.socket, a.socket);
    b.release(true);
    assert.equal(pool.size, 2);
    pool.closeAll();
    assert.equal(pool.size, 0);
  });

  it("holds at most six sockets per group and queues the rest", async () => {
    const pool = new ConnectionPool();
    const leases = await Promise.all(Array.from({ length: 6 }, () => pool.acquire(group("a"))));
    let seventhSettled = false;
    const seventh = pool.acquire(group("a")).then((lease) => {
      seventhSettled = true;
      return lease;
    });
    await settle();
    assert.equal(seventhSettled, false);
    assert.equal(pool.size, 6);
    leases[0]!.release(true);
    const lease = await seventh;
    assert.equal(lease.socket, leases[0]!.socket);
    for (const other of leases.slice(1)) other.release(true);
    lease.release(true);
    assert.equal(pool.size, 6);
    pool.closeAll();
  });

  it("respects the global bound by closing idle sockets of other groups", async () => {
    const pool = new ConnectionPool({ maxSockets: 2 });
    (await pool.acquire(group("a"))).release(true);
    (await pool.acquire(group("b"))).release(true);
    const c = await pool.acquire(group("c"));
    assert.equal(pool.size, 2);
    assert.equal(pool.idleCount("a"), 0);
    assert.equal(pool.idleCount("b"), 1);
    c.release(false);
    pool.closeAll();
  });

  it("drops an idle socket the server closes", async () => {
    const pool = new ConnectionPool();
    (await pool.acquire(group("a"))).release(true);
    await settle();
    for (const socket of serverSockets) socket.end();
    await settle();
    assert.equal(pool.idleCount("a"), 0);
    assert.equal(pool.size, 0);
  });

  it("closes idle sockets after the idle timeout", async () => {
    const pool = new ConnectionPool({ idleTimeoutMs: 30 });
    (await pool.acquire(group("a"))).release(true);
    assert.equal(pool.size, 1);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(pool.size, 0);
  });

  it("closeAll fails in-flight exchanges with ERR_ABORTED", async () => {
    const pool = new ConnectionPool();
    const lease = await pool.acquire(group("a"));
    const failed = new Promise<unknown>((resolve) => lease.socket.once("error", resolve));
    pool.closeAll();
    const error = await failed;
    assert.ok(SessionError.is(error));
    assert.equal(error.code, "ERR_ABORTED");
    lease.release(true);
    assert.equal(pool.size, 0);
  });

  it("retire closes idle sockets and a busy one when released, without failing it", async () => {
    const pool = new ConnectionPool();
    const idle = await pool.acquire(group("a"));
    const busy = await pool.acquire(group("a"));
    idle.release(true);
    pool.retire();
    assert.ok(idle.socket.destroyed);
    assert.equal(busy.socket.destroyed, false);
    busy.release(true);
    assert.ok(busy.socket.destroyed);
    assert.equal(pool.size, 0);
    // Sockets opened after it are kept as usual.
    const next = await pool.acquire(group("a"));
    next.release(true);
    assert.equal(pool.idleCount("a"), 1);
    pool.closeIdle();
  });

  it("preconnect opens idle sockets up to the count and the group limit", async () => {
    const pool = new ConnectionPool();
    assert.equal(await pool.preconnect(group("a"), 3), 3);
    assert.equal(pool.idleCount("a"), 3);
    assert.equal(await pool.preconnect(group("a"), 2), 0);
    assert.equal(await pool.preconnect(group("a"), 10), 3);
    assert.equal(pool.idleCount("a"), 6);
    await settle();
    assert.equal(serverSockets.size, 6);
    pool.closeAll();
  });

  it("a failed open frees its slot and rejects", async () => {
    const pool = new ConnectionPool();
    await assert.rejects(
      pool.acquire(group("a", () => Promise.reject(new SessionError("ERR_CONNECTION_REFUSED")))),
      { code: "ERR_CONNECTION_REFUSED" },
    );
    assert.equal(pool.size, 0);
  });

  it("an aborted waiter leaves the queue", async () => {
    const pool = new ConnectionPool({ maxSocketsPerGroup: 1 });
    const lease = await pool.acquire(group("a"));
    const controller = new AbortController();
    const waiting = pool.acquire(group("a"), { signal: controller.signal });
    controller.abort();
    await assert.rejects(waiting, { code: "ERR_ABORTED" });
    lease.release(true);
    assert.equal(pool.idleCount("a"), 1);
    pool.closeAll();
  });

  it("closeAll stops connect jobs and fails queued requests with ERR_ABORTED", async () => {
    const pool = new ConnectionPool({ maxSocketsPerGroup: 1 });
    let jobSignal: AbortSignal | undefined;
    // A factory that only ever finishes by being told to stop.
    const hanging = group("a", ({ signal }) =>
      new Promise<StreamSocket>((_, reject) => {
        jobSignal = signal;
        signal?.addEventListener("abort", () => reject(signal.reason));
      }));
    const connecting = pool.acquire(hanging);
    const queued = pool.acquire(hanging);
    assert.equal(pool.size, 1);
    pool.closeAll();
    await assert.rejects(connecting, { code: "ERR_ABORTED" });
    await assert.rejects(queued, { code: "ERR_ABORTED" });
    assert.equal(jobSignal?.aborted, true);
    assert.equal(pool.size, 0);
  });

  it("closeAll fails a job whose factory ignores the signal, and closes its late socket", async () => {
    const pool = new ConnectionPool();
    let finish: (socket: StreamSocket) => void = () => {};
    const attempt = pool.acquire(group("a", () => new Promise((resolve) => finish = resolve)));
    pool.closeAll();
    const late = await open();
    finish(late);
    await assert.rejects(attempt, { code: "ERR_ABORTED" });
    assert.equal(late.destroyed, true);
    assert.equal(pool.size, 0);
  });

  it("a failed connect job wakes a request queued for its slot", async () => {
    const pool = new ConnectionPool({ maxSocketsPerGroup: 1 });
    let fail: (error: Error) => void = () => {};
    const failing = pool.acquire(group("a", () => new Promise((_, reject) => fail = reject)));
    const queued = pool.acquire(group("a"));
    fail(new SessionError("ERR_CONNECTION_RESET"));
    await assert.rejects(failing, { code: "ERR_CONNECTION_RESET" });
    const lease = await queued;
    assert.equal(lease.reused, false);
    lease.release(false);
    assert.equal(pool.size, 0);
  });

  it("lends sockets with their group's route and proxy", async () => {
    const pool = new ConnectionPool();
    const proxy = { scheme: "http", host: "127.0.0.1", port: 3128 } as const;
    const lease = await pool.acquire({ key: "forward", route: "forward", proxy, open });
    assert.equal(lease.route, "forward");
    assert.equal(lease.proxy, proxy);
    lease.release(false);
  });

  it("hands the caller's net log to the connect job", async () => {
    const pool = new ConnectionPool();
    const source = { id: 1, type: "URL_REQUEST", startTime: 0 };
    const netLog = { sink: { capturing: true, newSource: () => source, add: () => {} }, source };
    let given: unknown;
    const lease = await pool.acquire(
      group("a", (options) => {
        given = options.netLog;
        return open();
      }),
      { netLog },
    );
    assert.equal(given, netLog);
    lease.release(false);
  });
});
