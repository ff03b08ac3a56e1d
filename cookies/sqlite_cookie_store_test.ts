import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { currentRuntime } from "../runtime/mod.ts";
import { CookieJar } from "./cookie_jar.ts";
import { Cookies } from "./cookies.ts";
import { COMMIT_BATCH_SIZE, SqliteCookieStore, toChromiumTime } from "./sqlite_cookie_store.ts";

const runtime = currentRuntime();
const openDatabase = (path: string) => runtime.openDatabase(path);
const future = () => Date.now() / 1000 + 3600;

function countRows(path: string): number {
  const db = runtime.openDatabase(path);
  try {
    return Number(db.prepare("SELECT COUNT(*) AS n FROM cookies").get()?.n);
  } finally {
    db.close();
  }
}

describe("SqliteCookieStore", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ses-cookie-store-"));
    file = join(dir, "Cookies");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("uses Chromium's time unit: microseconds since 1601-01-01", () => {
    assert.equal(toChromiumTime(Date.UTC(1601, 0, 1)), 0n);
    assert.equal(toChromiumTime(1.5), 11_644_473_600_001_500n);
  });

  it("keeps the file and its WAL readable by its owner alone, as a Chromium profile's", () => {
    // A directory others may list (an app's data directory made 0755): the cookie values are
    // in the clear, so the files must not be readable through it (Chromium's SQLite is built
    // with SQLITE_DEFAULT_FILE_PERMISSIONS=0600).
    chmodSync(dir, 0o755);
    const store = new SqliteCookieStore(file, { openDatabase });
    const jar = new CookieJar({ store });
    jar.storeSetCookies(new Request("http://a.test/"), ["id=secret; Max-Age=3600"]);
    store.flush();
    try {
      for (const name of ["Cookies", "Cookies-wal", "Cookies-shm"]) {
        assert.equal(statSync(join(dir, name)).mode & 0o777, 0o600, name);
      }
    } finally {
      store.close();
    }
  });

  it("batches writes until the task after 512 changes, or a flush", async () => {
    const store = new SqliteCookieStore(file, { openDatabase });
    const cookies = new Cookies(new CookieJar({ store }));
    for (let i = 0; i < COMMIT_BATCH_SIZE - 1; i++) {
      // One site per cookie, so the per-site limit does not evict any.
      await cookies.set({
        url: `https://s${i}.test/`,
        name: `c${i}`,
        value: "1",
        expirationDate: future(),
      });
    }
    assert.equal(countRows(file), 0);
    assert.equal(store.pendingCount, COMMIT_BATCH_SIZE - 1);
    await cookies.set({
      url: "https://s0.test/",
      name: "last",
      value: "1",
      expirationDate: future(),
    });
    // Written once the task that made the 512th change is over.
    assert.equal(countRows(file), 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(countRows(file), COMMIT_BATCH_SIZE);
    await cookies.remove("https://s0.test/", "last");
    assert.equal(countRows(file), COMMIT_BATCH_SIZE);
    await cookies.flushStore();
    assert.equal(countRows(file), COMMIT_BATCH_SIZE - 1);
    store.close();
  });

  it("round-trips every field through Chromium's columns", async () => {
    const store = new SqliteCookieStore(file, { openDatabase });
    const cookies = new Cookies(new CookieJar({ store }));
    const expirationDate = Math.floor(future()) + 0.25;
    await cookies.set({
      url: "https://www.example.com/a/b",
      name: "n",
      value: "v",
      domain: "example.com",
      path: "/a",
      secure: true,
      httpOnly: true,
      sameSite: "strict",
      expirationDate,
    });
    await cookies.flushStore();
    store.close();
    // Chromium's unit, exact to the microsecond (the values pass 2^53).
    const raw = runtime.openDatabase(file);
    const row = raw.prepare("SELECT CAST(expires_utc AS TEXT) AS expires FROM cookies").get();
    raw.close();
    assert.equal(row?.expires, String(toChromiumTime(expirationDate * 1000)));
    const reopened = new SqliteCookieStore(file, { openDatabase });
    const again = new Cookies(new CookieJar({ store: reopened }));
    assert.deepEqual(await again.get({}), [{
      name: "n",
      value: "v",
      domain: ".example.com",
      hostOnly: false,
      path: "/a",
      secure: true,
      httpOnly: true,
      session: false,
      expirationDate,
      sameSite: "strict",
    }]);
    reopened.close();
  });

  it("keeps one row per cookie when an overwrite comes from another scheme", () => {
    const store = new SqliteCookieStore(file, { openDatabase });
    const jar = new CookieJar({ store });
    jar.storeSetCookies(new Request("http://example.com/"), ["a=1; Max-Age=100"]);
    jar.flush();
    jar.storeSetCookies(new Request("https://example.com/"), ["a=2; Max-Age=100"]);
    jar.flush();
    jar.storeSetCookies(new Request("https://example.com/"), ["a=3; Max-Age=100"]);
    jar.flush();
    store.close();
    const db = runtime.openDatabase(file);
    const rows = db.prepare("SELECT value, source_scheme FROM cookies").all();
    db.close();
    assert.deepEqual(rows.map((row) => [row.value, row.source_scheme]), [["3", 2]]);
  });

  it("writes source_type and last_update_utc as chromium 156 writes them", async () => {
    // Checked against a profile chromium 156 wrote (Set-Cookie: 1, an API: 3; a second
    // Set-Cookie with the same value keeps creation_utc and moves last_update_utc).
    let now = Date.UTC(2026, 11, 1, 12);
    const store = new SqliteCookieStore(file, { openDatabase });
    const jar = new CookieJar({ store, now: () => now });
    jar.storeSetCookies(new Request("http://example.com/"), ["h=1; Max-Age=100"]);
    await new Cookies(jar).set({
      url: "http://example.com/",
      name: "api",
      value: "1",
      expirationDate: future(),
    });
    now += 5_000;
    jar.storeSetCookies(new Request("http://example.com/"), ["h=1; Max-Age=100"]);
    jar.flush();
    store.close();
    const db = runtime.openDatabase(file);
    // Microseconds since 1970 (Chromium's own times are past 2^53, too large to read).
    const epoch = toChromiumTime(0);
    const rows = db.prepare(
      `SELECT name, source_type, creation_utc - ${epoch} AS creation_utc,
        last_update_utc - ${epoch} AS last_update_utc FROM cookies ORDER BY name`,
    ).all();
    db.close();
    const at = (ms: number) => ms * 1000;
    const start = Date.UTC(2026, 11, 1, 12);
    assert.deepEqual(
      rows.map((row) => [row.name, row.source_type, row.creation_utc, row.last_update_utc]),
      [["api", 3, at(start) + 1, at(start)], ["h", 1, at(start), at(start + 5_000)]],
    );
    // Read back as they were written.
    const reopened = new SqliteCookieStore(file, { openDatabase });
    assert.deepEqual(
      reopened.load().map((cookie) => [cookie.name, cookie.sourceType, cookie.lastUpdate]),
      [["h", "http", start + 5_000], ["api", "other", start]],
    );
    reopened.close();
  });

  it("records the source scheme and port as Chromium's CanonicalCookie::Create does", async () => {
    const store = new SqliteCookieStore(file, { openDatabase });
    const jar = new CookieJar({ store });
    // The effective port of the URL, not its scheme's default; a loopback http origin is not
    // a cryptographic scheme, unless the cookie is Secure (then it counts as kSecure).
    jar.storeSetCookies(new Request("http://127.0.0.1:45871/"), ["plain=1; Max-Age=100"]);
    jar.storeSetCookies(new Request("http://127.0.0.1:45871/"), ["sec=1; Max-Age=100; Secure"]);
    jar.storeSetCookies(new Request("https://example.com:8443/"), ["tls=1; Max-Age=100"]);
    jar.storeSetCookies(new Request("http://example.com/"), ["http=1; Max-Age=100"]);
    // A Secure cookie from a trustworthy http URL on port 80 counts as set from 443
    // (GetAndAdjustPortForTrustworthyUrls), so that https requests see it as their own.
    jar.storeSetCookies(new Request("http://localhost/"), ["local=1; Max-Age=100; Secure"]);
    jar.storeSetCookies(new Request("http://localhost/"), ["localplain=1; Max-Age=100"]);
    await new Cookies(jar).set({
      url: "wss://example.org/",
      name: "api",
      value: "1",
      expirationDate: future(),
    });
    jar.flush();
    store.close();
    const db = runtime.openDatabase(file);
    const rows = db.prepare("SELECT name, source_scheme, source_port FROM cookies ORDER BY name")
      .all();
    db.close();
    assert.deepEqual(rows.map((row) => [row.name, row.source_scheme, row.source_port]), [
      ["api", 2, 443],
      ["http", 1, 80],
      ["local", 2, 443],
      ["localplain", 1, 80],
      ["plain", 1, 45871],
      ["sec", 2, 45871],
      ["tls", 2, 8443],
    ]);
  });

  it("writes a replaced and a replacing cookie of one batch in order", () => {
    const store = new SqliteCookieStore(file, { openDatabase });
    const jar = new CookieJar({ store });
    const request = new Request("https://example.com/");
    jar.storeSetCookies(request, ["a=1; Max-Age=100", "b=1; Max-Age=100"]);
    jar.flush();
    // A session cookie replaces a, then a persistent one replaces that; b is deleted and set
    // again as a new record; c is set and deleted before any write.
    jar.storeSetCookies(request, ["a=2", "a=3; Max-Age=100", "b=0; Max-Age=0", "b=2; Max-Age=9"]);
    jar.storeSetCookies(request, ["c=1; Max-Age=100", "c=0; Max-Age=0"]);
    jar.flush();
    store.close();
    const db = runtime.openDatabase(file);
    const rows = db.prepare("SELECT name, value FROM cookies ORDER BY name").all();
    db.close();
    assert.deepEqual(rows.map((row) => [row.name, row.value]), [["a", "3"], ["b", "2"]]);
  });

  it("writes a replacing cookie's access time, not its predecessor's", () => {
    let now = Date.UTC(2026, 0, 1);
    const store = new SqliteCookieStore(file, { openDatabase });
    const jar = new CookieJar({ store, now: () => now });
    const request = new Request("https://example.com/");
    jar.storeSetCookies(request, ["a=1; Max-Age=1000"]);
    jar.flush();
    now += 61_000;
    assert.equal(jar.cookieHeader(request), "a=1");
    now += 61_000;
    jar.storeSetCookies(request, ["a=0; Max-Age=0", "a=2; Max-Age=1000"]);
    jar.flush();
    store.close();
    const db = runtime.openDatabase(file);
    const row = db.prepare("SELECT value, CAST(last_access_utc AS TEXT) AS at FROM cookies").get();
    db.close();
    assert.deepEqual({ ...row }, { value: "2", at: String(toChromiumTime(now)) });
  });

  it("keeps a batch another process's lock refused, before the changes made since", () => {
    const store = new SqliteCookieStore(file, {
      openDatabase: (path) => runtime.openDatabase(path, { busyTimeoutMs: 0 }),
    });
    const jar = new CookieJar({ store });
    const request = new Request("https://example.com/");
    jar.storeSetCookies(request, ["a=1; Max-Age=100", "b=1; Max-Age=100", "d=1; Max-Age=100"]);
    const other = runtime.openDatabase(file, { busyTimeoutMs: 0 });
    other.exec("BEGIN IMMEDIATE");
    assert.throws(() => jar.flush(), /locked|busy/i);
    assert.equal(store.pendingCount, 3);
    jar.storeSetCookies(request, ["a=0; Max-Age=0", "c=1; Max-Age=100", "b=2; Max-Age=100"]);
    other.exec("COMMIT");
    other.close();
    jar.flush();
    store.close();
    const db = runtime.openDatabase(file);
    const rows = db.prepare("SELECT name, value FROM cookies ORDER BY name").all();
    db.close();
    assert.deepEqual(rows.map((row) => [row.name, row.value]), [["b", "2"], ["c", "1"], [
      "d",
      "1",
    ]]);
  });

  it("lets two stores on one file see each other's flushed cookies", async () => {
    const storeA = new SqliteCookieStore(file, { openDatabase });
    const storeB = new SqliteCookieStore(file, { openDatabase });
    const a = new Cookies(new CookieJar({ store: storeA }));
    const b = new Cookies(new CookieJar({ store: storeB }));
    await a.set({
      url: "https://example.com/",
      name: "fromA",
      value: "1",
      expirationDate: future(),
    });
    assert.deepEqual(await b.get({}), []);
    await a.flushStore();
    assert.deepEqual((await b.get({})).map((c) => c.name), ["fromA"]);
    await b.set({
      url: "https://example.com/",
      name: "fromB",
      value: "1",
      expirationDate: future(),
    });
    await b.flushStore();
    assert.deepEqual((await a.get({})).map((c) => c.name).sort(), ["fromA", "fromB"]);
    storeA.close();
    storeB.close();
  });

  it("sets a cookie against what another store flushed, as it reads against it", async () => {
    const storeA = new SqliteCookieStore(file, { openDatabase });
    const storeB = new SqliteCookieStore(file, { openDatabase });
    const a = new Cookies(new CookieJar({ store: storeA }));
    const b = new Cookies(new CookieJar({ store: storeB }));
    assert.deepEqual(await b.get({}), []);
    const url = "https://a.test/";
    await a.set({ url, name: "x", value: "1", httpOnly: true, expirationDate: future() });
    await a.flushStore();
    const heard: string[] = [];
    b.on("changed", (_event, cookie, cause) => heard.push(`${cookie.value} ${cause}`));
    await assert.rejects(
      b.set({ url, name: "x", value: "2", expirationDate: future() }),
      /would have overwritten an HttpOnly cookie/,
    );
    await b.set({ url, name: "x", value: "3", httpOnly: true, expirationDate: future() });
    assert.deepEqual(heard, ["1 overwrite", "3 inserted"]);
    storeA.close();
    storeB.close();
  });

  // Two rows under one name, domain and path, from two schemes (the file's unique key holds
  // the source scheme and port): Chromium keeps the newest and deletes the others. Deleting
  // them by name, domain and path deleted the one kept as well.
  it("keeps the newest of two stored rows of one cookie after another store wrote the other", async () => {
    const storeA = new SqliteCookieStore(file, { openDatabase });
    const storeB = new SqliteCookieStore(file, { openDatabase });
    const a = new Cookies(new CookieJar({ store: storeA }));
    const b = new Cookies(new CookieJar({ store: storeB }));
    assert.deepEqual(await b.get({}), []);
    await a.set({ url: "http://a.test/", name: "x", value: "stale", expirationDate: future() });
    await a.flushStore();
    // b has not looked since: it stores its own x, from https.
    await b.set({ url: "https://a.test/", name: "x", value: "fresh", expirationDate: future() });
    assert.deepEqual((await b.get({})).map((c) => c.value), ["fresh"]);
    await b.flushStore();
    storeA.close();
    storeB.close();
    const reopened = new SqliteCookieStore(file, { openDatabase });
    assert.deepEqual(reopened.load().map((c) => c.value), ["fresh"]);
    reopened.close();
  });

  it("moves a corrupt file aside, says where, and keeps working", async () => {
    writeFileSync(file, "this is not a SQLite database, just bytes ".repeat(200));
    const warnings: string[] = [];
    const store = new SqliteCookieStore(file, { openDatabase, onWarning: (m) => warnings.push(m) });
    const aside = readdirSync(dir).find((name) => name.startsWith("Cookies.corrupt-"));
    assert.ok(aside, "the corrupt file is kept beside the new one");
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]!.includes(join(dir, aside)), warnings[0]);
    const cookies = new Cookies(new CookieJar({ store }));
    await cookies.set({
      url: "https://example.com/",
      name: "a",
      value: "1",
      expirationDate: future(),
    });
    await cookies.flushStore();
    assert.equal(countRows(file), 1);
    store.close();
  });

  it("loads a year-9999 expiry and skips rows that cannot be cookies, without throwing", async () => {
    // Chromium before M104 kept `Expires=...9999` as given: 2.5e17 µs, past 2^53. A file made by
    // something else may hold any SQLite value in any column.
    new SqliteCookieStore(file, { openDatabase }).close();
    const db = runtime.openDatabase(file);
    const row = (values: string) =>
      db.exec(
        `INSERT INTO cookies VALUES (${values}, 0, 0, 13300000000000000, 1, 1, 1, 0, 1, 80, 0, 0, 0)`,
      );
    const farFuture = toChromiumTime(Date.UTC(9999, 11, 31));
    row(`13300000000000000, 'a.test', '', 'old', 'v', X'', '/', ${farFuture}`);
    row(`13300000000000001, 'b.test', '', X'00ff', 'v', X'', '/', 13400000000000000`);
    row(`13300000000000002, 'c.test', '', 'n', 'v', X'', '/', 1e308`);
    row(`'later', 'd.test', '', 'n', 'v', X'', '/', 13400000000000000`);
    row(`13300000000000003, 'e.test', '', 'n', 'v', X'', '/', 'soon'`);
    db.close();
    const store = new SqliteCookieStore(file, { openDatabase });
    const cookies = new Cookies(new CookieJar({ store }));
    const loaded = await cookies.get({});
    assert.deepEqual(loaded.map((c) => [c.name, c.domain, c.expirationDate]), [
      ["old", "a.test", Date.UTC(9999, 11, 31) / 1000],
    ]);
    store.close();
  });

  it("leaves out the session cookies a Chromium profile kept (is_persistent 0), as Electron does", async () => {
    // Chromium writes session cookies only to restore a session, which Electron never does:
    // its store drops such rows at startup rather than loading them as long expired.
    new SqliteCookieStore(file, { openDatabase }).close();
    const db = runtime.openDatabase(file);
    const later = toChromiumTime(Date.now() + 3_600_000);
    db.exec(
      `INSERT INTO cookies VALUES (13300000000000000, 'a.test', '', 'kept', 'v', X'', '/', ${later}, 0, 0, 13300000000000000, 1, 1, 1, 0, 1, 80, 0, 0, 0), (13300000000000001, 'a.test', '', 'session', 'v', X'', '/', 0, 0, 0, 13300000000000000, 0, 0, 1, 0, 1, 80, 0, 0, 0)`,
    );
    db.close();
    const store = new SqliteCookieStore(file, { openDatabase });
    const cookies = new Cookies(new CookieJar({ store }));
    const changes: string[] = [];
    cookies.on("changed", (_event, cookie, cause) => changes.push(`${cookie.name} ${cause}`));
    assert.deepEqual((await cookies.get({})).map((c) => c.name), ["kept"]);
    assert.deepEqual(changes, []);
    store.close();
  });

  it("writes pending cookies at normal process exit", async () => {
    const code = await runWriter(dir, "exit", () => {});
    assert.equal(code, 0);
    assert.equal(countRows(file), 10);
  });

  it("writes pending cookies when the program ends by Deno.exit", {
    skip: runtime.name !== "deno" && "Deno.exit is Deno's own",
  }, async () => {
    // Deno.exit dispatches the global `unload` event, not node:process's `exit`.
    const code = await runWriter(dir, "runtime-exit", () => {});
    assert.equal(code, 0);
    assert.equal(countRows(file), 10);
  });

  for (const mode of ["throw", "reject"]) {
    it(`writes pending cookies when the program dies of an uncaught error (${mode})`, async () => {
      const stderr: string[] = [];
      const code = await runWriter(dir, mode, () => {}, stderr);
      // It still dies of its own error, as it would without the store.
      assert.equal(code, 1);
      assert.match(stderr.join(""), /the program's own bug/);
      assert.equal(countRows(file), 10);
    });
  }

  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    it(`writes pending cookies when ${signal} ends the process, which still dies of it`, async () => {
      let exitSignal: string | null = null;
      const code = await runWriter(dir, "wait", (line, child) => {
        // process.kill, not child.kill: Deno's ChildProcess.kill does more than send the signal.
        if (line === "ready") process.kill(child.pid!, signal);
        child.once("exit", (_code, received) => exitSignal = received);
      });
      assert.equal(code, null);
      assert.equal(exitSignal, signal);
      assert.equal(countRows(file), 10);
    });
  }

  it("writes pending cookies on a signal the program handles, and leaves the exit to it", async () => {
    const lines: string[] = [];
    const code = await runWriter(dir, "handle", (line, child) => {
      lines.push(line);
      if (line === "ready") process.kill(child.pid!, "SIGTERM");
    });
    assert.deepEqual(lines, ["ready", "handled"]);
    assert.equal(code, 3);
    assert.equal(countRows(file), 10);
  });

  it("keeps no row for a cookie a change listener removed as it was being overwritten", async () => {
    const store = new SqliteCookieStore(file, { openDatabase });
    const cookies = new Cookies(new CookieJar({ store }));
    const url = "https://a.test/";
    await cookies.set({ url, name: "x", value: "1", expirationDate: future() });
    await cookies.flushStore();
    const heard: string[] = [];
    cookies.on("changed", (_event, cookie, cause) => {
      heard.push(`${cookie.name}=${cookie.value} ${cause}`);
      // Cookies.remove runs the jar's remove at once, inside the listener.
      if (cause === "overwrite") void cookies.remove(url, "x");
    });
    await cookies.set({ url, name: "x", value: "2", expirationDate: future() });
    await cookies.flushStore();
    assert.deepEqual(heard, ["x=1 overwrite", "x=1 explicit"]);
    assert.deepEqual(await cookies.get({}), []);
    assert.equal(countRows(file), 0);
    store.close();
  });

  it("never touches the disk for an in-memory jar", async () => {
    const cookies = new Cookies(new CookieJar());
    await cookies.set({
      url: "https://example.com/",
      name: "a",
      value: "1",
      expirationDate: future(),
    });
    await cookies.flushStore();
    assert.deepEqual(readdirSync(dir), []);
  });

  it("opens with every flushed cookie after SIGKILL at 50 random moments", {
    timeout: 60_000,
  }, async () => {
    // Five partitions, ten kills each, the partitions side by side to use both cores.
    let checked = 0;
    const lane = async (partition: string) => {
      const path = join(partition, "Cookies");
      for (let round = 0; round < 10; round++) {
        let flushed = -1;
        const delay = Math.random() * 40;
        // Odd rounds count the delay from the writer's start, so some kills land before any
        // flush; even rounds from its first flush, so at least half the rounds check cookies
        // however slowly a loaded machine runs the writer.
        const from = round % 2 === 0 ? "flushed" : "ready";
        let armed = false;
        await runWriter(partition, "crash", (line, child) => {
          const match = /^flushed (\d+)$/.exec(line);
          if (match) flushed = Number(match[1]);
          if (!armed && (line === from || (match && from === "flushed"))) {
            armed = true;
            setTimeout(() => child.kill("SIGKILL"), delay);
          }
        });
        const where = `${partition} round ${round}`;
        const store = new SqliteCookieStore(path, {
          openDatabase,
          onWarning: (message) => assert.fail(`${where}: ${message}`),
        });
        const names = new Set(store.load().map((cookie) => cookie.name));
        store.close();
        if (flushed >= 0) checked++;
        for (let i = 0; i <= Math.min(flushed, 2999); i++) {
          assert.ok(names.has(`c${i}`), `${where}: c${i} was flushed before the kill`);
        }
      }
    };
    await Promise.all([1, 2, 3, 4, 5].map((n) => lane(join(dir, `p${n}`))));
    // Most kills land after some flushes; otherwise the test would check nothing.
    assert.ok(checked >= 25, `only ${checked} of 50 rounds had flushed cookies`);
  });
});

const WRITER = fileURLToPath(new URL("../tests/fixtures/cookie_writer.ts", import.meta.url));

// Spawns the same runtime on the writer script; resolves with its exit code. Its standard error
// goes to `stderr` when given (a writer meant to die), else to the test's own.
function runWriter(
  dir: string,
  mode: string,
  onLine: (line: string, child: ReturnType<typeof spawn>) => void,
  stderr?: string[],
): Promise<number | null> {
  const args = runtime.name === "deno" ? ["run", "-A", WRITER, dir, mode] : [WRITER, dir, mode];
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", stderr ? "pipe" : "inherit"],
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => stderr!.push(chunk));
  let buffered = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf("\n")) !== -1) {
      onLine(buffered.slice(0, newline), child);
      buffered = buffered.slice(newline + 1);
    }
  });
  return new Promise((resolve) => child.on("close", (code) => resolve(code)));
}
