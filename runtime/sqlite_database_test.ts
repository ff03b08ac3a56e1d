import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteDatabase } from "./sqlite_database.ts";

interface LockHolder {
  /** Lets the worker commit now instead of at the end of its hold time. */
  release(): void;
  /** Settles once the worker has committed its row and closed its connection. */
  committed: Promise<void>;
}

function nextMessage(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.addEventListener("message", (event) => resolve(event.data), { once: true });
    worker.addEventListener("error", (event) => reject(new Error(event.message)), { once: true });
  });
}

/** Starts a worker that inserts "worker" into `log` inside a write transaction and holds it. */
async function holdWriteLock(
  path: string,
  holdMs: number,
  rollbackJournal = false,
): Promise<LockHolder> {
  const worker = new Worker(new URL("./testdata/sqlite_lock_worker.ts", import.meta.url), {
    type: "module",
  });
  const release = new SharedArrayBuffer(4);
  const locked = nextMessage(worker);
  worker.postMessage({ path, release, holdMs, rollbackJournal });
  assert.equal(await locked, "locked");
  const committed = nextMessage(worker).then((message) => {
    worker.terminate();
    assert.equal(message, "committed");
  });
  return {
    release() {
      const flag = new Int32Array(release);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    },
    committed,
  };
}

function createLog(path: string): void {
  const db = openSqliteDatabase(path);
  db.exec("CREATE TABLE log (id INTEGER PRIMARY KEY, who TEXT NOT NULL)");
  db.close();
}

function writers(path: string): unknown[] {
  const db = openSqliteDatabase(path);
  const rows = db.prepare("SELECT who FROM log ORDER BY id").all().map((row) => row.who);
  db.close();
  return rows;
}

describe("openSqliteDatabase()", () => {
  let dir = "";
  let file = 0;
  const nextPath = () => join(dir, `test-${++file}.db`);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ses-sqlite-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("opens a file in WAL mode with a 5000 ms busy timeout", () => {
    const path = nextPath();
    const db = openSqliteDatabase(path);
    assert.equal(db.path, path);
    assert.deepEqual({ ...db.prepare("PRAGMA journal_mode").get() }, { journal_mode: "wal" });
    assert.deepEqual({ ...db.prepare("PRAGMA busy_timeout").get() }, { timeout: 5000 });
    db.close();
  });

  it("applies busyTimeoutMs", () => {
    const db = openSqliteDatabase(nextPath(), { busyTimeoutMs: 250 });
    assert.deepEqual({ ...db.prepare("PRAGMA busy_timeout").get() }, { timeout: 250 });
    db.close();
  });

  it("rejects a busyTimeoutMs that is not a non-negative integer", () => {
    for (const busyTimeoutMs of [-1, 1.5, Number.NaN]) {
      assert.throws(() => openSqliteDatabase(nextPath(), { busyTimeoutMs }), RangeError);
    }
  });

  it("keeps :memory: databases in memory journal mode", () => {
    const db = openSqliteDatabase(":memory:");
    assert.equal(db.path, ":memory:");
    assert.deepEqual({ ...db.prepare("PRAGMA journal_mode").get() }, { journal_mode: "memory" });
    db.close();
  });

  it("runs statements and round-trips every SqlValue kind", () => {
    const db = openSqliteDatabase(":memory:");
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, n, s, b, z)");
    const insert = db.prepare("INSERT INTO t (n, s, b, z) VALUES (?, ?, ?, ?)");
    const result = insert.run(1.5, "héllo", new Uint8Array([0, 255]), null);
    assert.equal(Number(result.changes), 1);
    assert.equal(Number(result.lastInsertRowid), 1);
    insert.run(2n ** 40n, "x", new Uint8Array(), null);
    const first = db.prepare("SELECT n, s, b, z FROM t WHERE id = ?").get(1);
    assert.deepEqual({ ...first }, { n: 1.5, s: "héllo", b: new Uint8Array([0, 255]), z: null });
    assert.equal(db.prepare("SELECT * FROM t WHERE id = ?").get(99), undefined);
    assert.deepEqual(db.prepare("SELECT n FROM t ORDER BY id").all().map((row) => row.n), [
      1.5,
      2 ** 40,
    ]);
    db.close();
  });

  it("commits a transaction and returns the callback's value", () => {
    const db = openSqliteDatabase(nextPath());
    db.exec("CREATE TABLE t (v TEXT)");
    const value = db.transaction(() => {
      db.prepare("INSERT INTO t VALUES (?)").run("kept");
      return 42;
    });
    assert.equal(value, 42);
    assert.deepEqual(db.prepare("SELECT v FROM t").all().map((row) => row.v), ["kept"]);
    db.close();
  });

  it("rolls back and rethrows when the callback throws, and stays usable", () => {
    const db = openSqliteDatabase(nextPath());
    db.exec("CREATE TABLE t (v TEXT)");
    const failure = new Error("boom");
    assert.throws(
      () =>
        db.transaction(() => {
          db.prepare("INSERT INTO t VALUES (?)").run("discarded");
          throw failure;
        }),
      (error) => error === failure,
    );
    assert.equal(db.prepare("SELECT count(*) AS n FROM t").get()?.n, 0);
    db.transaction(() => db.prepare("INSERT INTO t VALUES (?)").run("after"));
    assert.deepEqual(db.prepare("SELECT v FROM t").all().map((row) => row.v), ["after"]);
    db.close();
  });

  it("rolls back and throws a TypeError when the callback returns a promise", () => {
    const db = openSqliteDatabase(nextPath());
    db.exec("CREATE TABLE t (v TEXT)");
    assert.throws(
      () =>
        db.transaction(() => {
          db.prepare("INSERT INTO t VALUES (?)").run("discarded");
          return Promise.resolve();
        }),
      TypeError,
    );
    assert.equal(db.prepare("SELECT count(*) AS n FROM t").get()?.n, 0);
    db.close();
  });

  it("lets another connection read committed data while a write is pending", () => {
    const path = nextPath();
    const writer = openSqliteDatabase(path);
    const reader = openSqliteDatabase(path);
    writer.exec("CREATE TABLE t (v TEXT)");
    writer.exec("BEGIN IMMEDIATE");
    writer.prepare("INSERT INTO t VALUES (?)").run("pending");
    // WAL readers see the last commit instead of waiting for the writer.
    assert.equal(reader.prepare("SELECT count(*) AS n FROM t").get()?.n, 0);
    writer.exec("COMMIT");
    assert.deepEqual(reader.prepare("SELECT v FROM t").all().map((row) => row.v), ["pending"]);
    writer.close();
    reader.close();
  });

  it("waits for another connection's write lock, then writes", async () => {
    const path = nextPath();
    createLog(path);
    const holder = await holdWriteLock(path, 300);
    const db = openSqliteDatabase(path);
    db.transaction(() => db.prepare("INSERT INTO log (who) VALUES (?)").run("main"));
    db.close();
    await holder.committed;
    assert.deepEqual(writers(path), ["worker", "main"]);
  });

  it("waits to switch to WAL while another connection writes in rollback-journal mode", async () => {
    // SQLite reports this lock at once, without calling the busy handler: a second process
    // opening a partition's database while another writes it must retry, in Deno (whose
    // node:sqlite errors carry no errcode) as in Bun.
    const path = nextPath();
    createLog(path);
    const holder = await holdWriteLock(path, 300, true);
    const db = openSqliteDatabase(path);
    assert.equal(db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
    db.close();
    await holder.committed;
    assert.deepEqual(writers(path), ["worker"]);
  });

  it("fails with 'database is locked' once the busy timeout runs out", async () => {
    const path = nextPath();
    createLog(path);
    const holder = await holdWriteLock(path, 10_000);
    const db = openSqliteDatabase(path, { busyTimeoutMs: 0 });
    assert.throws(
      () => db.transaction(() => db.prepare("INSERT INTO log (who) VALUES (?)").run("main")),
      /database is locked/,
    );
    db.close();
    holder.release();
    await holder.committed;
    assert.deepEqual(writers(path), ["worker"]);
  });

  it("throws when the file is not a SQLite database", async () => {
    const path = nextPath();
    await writeFile(path, "this is not a database, just some text that is long enough".repeat(20));
    assert.throws(() => openSqliteDatabase(path), /not a database/);
  });

  it("throws on use after close", () => {
    const db = openSqliteDatabase(":memory:");
    db.close();
    assert.throws(() => db.exec("SELECT 1"));
  });
});
