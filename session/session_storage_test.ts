import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { startOrigin } from "../tests/fixtures/origin_server.ts";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { createSessionModule, type SessionModule } from "./session_module.ts";
import type { Session } from "./session.ts";
import type { StorageStateInput } from "../storage/mod.ts";

const runtime = currentRuntime();
let dir: string;
let session: SessionModule;
let counter = 0;
const fresh = (): Session => session.fromPartition(`storage-${++counter}`);
const names = async (ses: Session) => (await ses.cookies.get({})).map((c) => c.name).sort();

before(() => {
  dir = mkdtempSync(join(tmpdir(), "ses-session-storage-"));
  const app = new App(runtime);
  app.setPath("userData", dir);
  session = createSessionModule(app, runtime);
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function seed(ses: Session): Promise<void> {
  await ses.cookies.set({ url: "https://a.test/", name: "hostA", value: "1" });
  await ses.cookies.set({ url: "https://a.test/", name: "domA", value: "1", domain: "a.test" });
  await ses.cookies.set({ url: "https://www.a.test/", name: "hostWww", value: "1" });
  await ses.cookies.set({ url: "https://b.test/", name: "hostB", value: "1" });
  ses.localStorage("https://a.test").setItem("k", "a");
  ses.localStorage("https://www.a.test").setItem("k", "www");
  ses.localStorage("https://b.test").setItem("k", "b");
}

const localOrigins = async (ses: Session) =>
  (await ses.storageState()).origins.map((o) => o.origin);

describe("ses.localStorage", () => {
  it("returns one object per origin and rejects opaque origins", () => {
    const ses = fresh();
    assert.equal(ses.localStorage("https://a.test/x"), ses.localStorage("https://a.test"));
    assert.throws(() => ses.localStorage("data:,x"), {
      name: "TypeError",
      message: "Invalid origin: 'data:,x'",
    });
  });

  it("keeps file: pages' storage under file://, as Electron apps at file:// have it", async () => {
    const ses = fresh();
    ses.localStorage("file:///home/me/app/index.html").setItem("theme", "dark");
    assert.equal(ses.localStorage("file:///other/page.html").getItem("theme"), "dark");
    const state = await ses.storageState();
    assert.deepEqual(state.origins, [
      { origin: "file://", localStorage: [{ name: "theme", value: "dark" }] },
    ]);
    const copy = session.fromPartition(`storage-copy-${++counter}`, { storageState: state });
    assert.equal(copy.localStorage("file://").getItem("theme"), "dark");
    await ses.clearData({ dataTypes: ["localStorage"], origins: ["file:///anything"] });
    assert.equal(ses.localStorage("file://").length, 0);
  });

  it("keeps an extension page's storage under chrome-extension://<id>, clearable by origin", async () => {
    const ses = fresh();
    const id = "abcdefghijklmnopabcdefghijklmnop";
    ses.localStorage(`chrome-extension://${id}/popup.html`).setItem("seen", "1");
    ses.localStorage("https://a.test").setItem("k", "a");
    assert.deepEqual(await localOrigins(ses), [`chrome-extension://${id}`, "https://a.test"]);
    await ses.clearStorageData({ origin: `chrome-extension://${id}`, storages: ["localstorage"] });
    assert.equal(ses.localStorage(`chrome-extension://${id}`).length, 0);
    assert.equal(ses.localStorage("https://a.test").getItem("k"), "a");
  });

  it("persists in Local Storage/ of a persistent partition", () => {
    const ses = session.fromPartition("persist:local-storage");
    ses.localStorage("https://a.test").setItem("k", "v");
    ses.flushStorageData();
    const other = createSessionModule(appAt(dir), runtime).fromPartition("persist:local-storage");
    assert.equal(other.localStorage("https://a.test").getItem("k"), "v");
    assert.match(ses.getStoragePath() ?? "", /Partitions/);
  });
});

function appAt(userData: string): App {
  const app = new App(runtime);
  app.setPath("userData", userData);
  return app;
}

describe("ses.clearStorageData", () => {
  it("clears everything without options", async () => {
    const ses = fresh();
    await seed(ses);
    assert.equal(await ses.clearStorageData(), undefined);
    assert.deepEqual(await names(ses), []);
    assert.deepEqual(await localOrigins(ses), []);
  });

  it("with an origin: its local storage and the host-only cookies of its host", async () => {
    const ses = fresh();
    await seed(ses);
    await ses.clearStorageData({ origin: "https://a.test" });
    assert.deepEqual(await names(ses), ["domA", "hostB", "hostWww"]);
    assert.deepEqual(await localOrigins(ses), ["https://b.test", "https://www.a.test"]);
  });

  it("writes the cookie deletions at once: another process on the partition sees them", async () => {
    const ses = session.fromPartition("persist:clear-durable");
    const url = "https://a.test/";
    await ses.cookies.set({ url, name: "kept", value: "1", expirationDate: 2e9 });
    await ses.cookies.flushStore();
    const other = createSessionModule(appAt(dir), runtime).fromPartition("persist:clear-durable");
    assert.deepEqual(await names(other), ["kept"]);
    await ses.clearStorageData({ storages: ["cookies"] });
    // No flushStore: a clear that waited for the 30 s batch would come back after a crash.
    assert.deepEqual(await names(other), []);
    await ses.cookies.set({ url, name: "again", value: "1", expirationDate: 2e9 });
    await ses.cookies.flushStore();
    await ses.clearData({ dataTypes: ["cookies"] });
    assert.deepEqual(await names(other), []);
  });

  it("lower-cases storage names and ignores unknown ones", async () => {
    const ses = fresh();
    await seed(ses);
    await ses.clearStorageData({ storages: ["LocalStorage", "websql", "indexeddb"] });
    assert.equal((await names(ses)).length, 4);
    assert.deepEqual(await localOrigins(ses), []);
    await ses.clearStorageData({ storages: ["cookies"] });
    assert.deepEqual(await names(ses), []);
  });

  it("never rejects; an origin that is no URL clears everything, as no origin does", async () => {
    // Electron reads `origin` as a GURL (any string converts) and keys the clear on
    // StorageKey::CreateFirstParty(url::Origin::Create(url)): an invalid URL gives an opaque
    // origin, and StoragePartitionImpl::ClearData filters cookies by host only when the origin
    // has one and storage only when the origin is not opaque.
    for (const origin of ["not a url", "data:,x"]) {
      const ses = fresh();
      await seed(ses);
      await ses.clearStorageData({ origin });
      assert.deepEqual(await names(ses), []);
      assert.deepEqual(await localOrigins(ses), []);
    }
  });
});

describe("ses.clearData", () => {
  it("throws Electron's TypeErrors synchronously", () => {
    const ses = fresh();
    assert.throws(() => ses.clearData({ origins: [], excludeOrigins: [] }), {
      name: "TypeError",
      message: "Cannot provide both 'origins' and 'excludeOrigins'",
    });
    assert.throws(() => ses.clearData({ origins: ["data:,x"] }), {
      name: "TypeError",
      message: "Invalid origin: 'data:,x'",
    });
  });

  it("filters cookies by registrable domain and local storage by origin", async () => {
    const ses = fresh();
    await seed(ses);
    await ses.clearData({ origins: ["https://a.test"] });
    assert.deepEqual(await names(ses), ["hostB"]);
    assert.deepEqual(await localOrigins(ses), ["https://b.test", "https://www.a.test"]);
  });

  it("excludeOrigins keeps those; [] clears all; origins: [] clears nothing", async () => {
    const ses = fresh();
    await seed(ses);
    await ses.clearData({ origins: [] });
    assert.equal((await names(ses)).length, 4);
    await ses.clearData({ excludeOrigins: ["https://www.a.test"] });
    assert.deepEqual(await names(ses), ["domA", "hostA", "hostWww"]);
    assert.deepEqual(await localOrigins(ses), ["https://www.a.test"]);
    await ses.clearData({ excludeOrigins: [] });
    assert.deepEqual(await names(ses), []);
    assert.deepEqual(await localOrigins(ses), []);
  });

  it("clears only the named data types, ignoring unknown ones", async () => {
    const ses = fresh();
    await seed(ses);
    await ses.clearData({ dataTypes: ["localStorage", "webSQL", "nonsense"] });
    assert.equal((await names(ses)).length, 4);
    assert.deepEqual(await localOrigins(ses), []);
  });

  it("clears the HTTP cache only under 'cache', and not for origins: []", async () => {
    const app = new Hono();
    app.get("/", (c) => c.text("x".repeat(1000), 200, { "cache-control": "max-age=600" }));
    const origin = await startOrigin(app);
    try {
      const ses = session.fromPartition("persist:clear-cache");
      await (await ses.fetch(origin.url.href)).text();
      await ses.cacheIdle();
      const size = await ses.getCacheSize();
      assert.ok(size > 1000);
      await ses.clearStorageData();
      await ses.clearData({ dataTypes: ["cookies", "localStorage", "downloads"] });
      await ses.clearData({ dataTypes: ["cache"], origins: [] });
      assert.equal(await ses.getCacheSize(), size);
      await ses.clearData({ dataTypes: ["cache"] });
      assert.equal(await ses.getCacheSize(), 0);
      await ses.closeAllConnections();
    } finally {
      await origin.close();
    }
  });

  it("clears the HTTP cache of the listed origins only, or of all but the excluded ones", async () => {
    const hits = { a: 0, b: 0, c: 0 };
    const cached = (name: keyof typeof hits) =>
      new Hono().get("/*", (c) => {
        hits[name]++;
        return c.text(name, 200, { "cache-control": "max-age=600" });
      });
    const [a, b, c] = await Promise.all([
      startOrigin(cached("a")),
      startOrigin(cached("b")),
      startOrigin(cached("c")),
    ]);
    try {
      const ses = session.fromPartition("persist:clear-cache-by-origin");
      await ses.clearCache();
      const fetchAll = async () => {
        for (const origin of [a, b, c]) {
          for (const path of ["/one", "/two"]) {
            await (await ses.fetch(new URL(path, origin.url))).text();
          }
        }
        await ses.cacheIdle();
      };
      await fetchAll();
      assert.deepEqual(hits, { a: 2, b: 2, c: 2 });
      await ses.clearData({ dataTypes: ["cache"], origins: [a.url.origin] });
      await fetchAll();
      assert.deepEqual(hits, { a: 4, b: 2, c: 2 }, "only a's entries were cleared");
      await ses.clearData({ dataTypes: ["cache"], excludeOrigins: [b.url.origin] });
      await fetchAll();
      assert.deepEqual(hits, { a: 6, b: 2, c: 4 }, "all but b's entries were cleared");
      await ses.closeAllConnections();
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it("closes idle connections after clearing cookies, unless avoidClosingConnections", async () => {
    const origin = await startOrigin(new Hono().get("/", (c) => c.text("ok")));
    try {
      const ses = fresh();
      await (await ses.fetch(origin.url.href)).text();
      assert.equal(ses.openSocketCount, 1);
      await ses.clearData({ dataTypes: ["cookies"], avoidClosingConnections: true });
      await ses.clearData({ dataTypes: ["localStorage"] });
      assert.equal(ses.openSocketCount, 1);
      await ses.clearData({ dataTypes: ["cookies"] });
      assert.equal(ses.openSocketCount, 0);
    } finally {
      await origin.close();
    }
  });

  it("flushStorageData is synchronous and returns undefined", () => {
    const ses = session.fromPartition("persist:flush");
    ses.localStorage("https://a.test").setItem("k", "v");
    assert.equal(ses.flushStorageData(), undefined);
  });

  it("rejects with 'Failed to clear data' and failedDataTypes when a store fails", async () => {
    const ses = session.fromPartition("persist:broken-local-storage");
    ses.localStorage("https://a.test").setItem("k", "v");
    await ses.cookies.set({ url: "https://a.test/", name: "c", value: "1" });
    // Another process wrecks the table under the open store.
    const file = join(ses.getStoragePath() ?? "", "Local Storage", "localstorage.sqlite");
    const db = runtime.openDatabase(file);
    db.exec("DROP TABLE items_utf16");
    db.close();
    await assert.rejects(ses.clearData({ dataTypes: ["localStorage", "cookies"] }), (error) => {
      assert.ok(error instanceof Error);
      assert.equal(error.message, "Failed to clear data");
      assert.deepEqual((error as Error & { failedDataTypes: string[] }).failedDataTypes, [
        "localStorage",
      ]);
      return true;
    });
    // The other types were still cleared.
    assert.deepEqual(await names(ses), []);
  });
});

describe("storageState", () => {
  it("names a bad path option instead of failing inside the runtime", async () => {
    const ses = fresh();
    for (const path of [5, {}, ""]) {
      await assert.rejects(ses.storageState({ path } as never), {
        name: "TypeError",
        message: `Invalid storageState options: "path" must be a non-empty string (got ${
          JSON.stringify(path)
        })`,
      });
    }
    // No options, undefined, or null, as Playwright's `storageState()` without options.
    for (const options of [undefined, null, {}, { path: undefined }]) {
      assert.deepEqual(await ses.storageState(options as never), { cookies: [], origins: [] });
    }
  });

  it("names the file when a storageState path cannot be read or is not JSON", () => {
    const missing = join(dir, "missing.json");
    assert.throws(
      () => session.fromPartition(`storage-file-${++counter}`, { storageState: missing }),
      {
        name: "Error",
        message: `Cannot read storageState file "${missing}": no such file`,
      },
    );
    assert.throws(() => fresh().importStorageState(dir), {
      message: `Cannot read storageState file "${dir}": it is a directory`,
    });
    const notJson = join(dir, "not.json");
    writeFileSync(notJson, "{bad");
    assert.throws(() => fresh().importStorageState(notJson), (error: Error) => {
      assert.equal(error.name, "SyntaxError");
      assert.ok(error.message.startsWith(`Invalid storageState: "${notJson}" is not JSON (`));
      return true;
    });
    const good = join(dir, "good.json");
    writeFileSync(
      good,
      JSON.stringify({
        origins: [{ origin: "https://f.test", localStorage: [{ name: "k", value: "v" }] }],
      }),
    );
    const ses = fresh();
    ses.importStorageState(good);
    assert.equal(ses.localStorage("https://f.test").getItem("k"), "v");
  });

  it("writes Playwright's format and round-trips @ses → file → @ses identically", async () => {
    const ses = fresh();
    await seed(ses);
    const expires = Math.floor(Date.now() / 1000) + 3600.5;
    await ses.cookies.set({
      url: "https://a.test/app/",
      name: "strict",
      value: "s",
      path: "/app",
      secure: true,
      httpOnly: true,
      sameSite: "strict",
      expirationDate: expires,
    });
    await ses.cookies.set({
      url: "https://b.test/",
      name: "none",
      value: "n",
      domain: ".b.test",
      sameSite: "no_restriction",
    });
    const path = join(dir, "state.json");
    const state = await ses.storageState({ path });
    const text = readFileSync(path, "utf8");
    assert.equal(text, JSON.stringify(state, undefined, 2));
    const strict = state.cookies.find((c) => c.name === "strict");
    assert.deepEqual(strict, {
      name: "strict",
      value: "s",
      domain: "a.test",
      path: "/app",
      expires,
      httpOnly: true,
      secure: true,
      sameSite: "Strict",
    });
    const hostA = state.cookies.find((c) => c.name === "hostA");
    assert.equal(hostA?.expires, -1);
    assert.equal(hostA?.sameSite, "Lax");
    assert.equal(state.cookies.find((c) => c.name === "domA")?.domain, ".a.test");
    assert.equal(state.cookies.find((c) => c.name === "none")?.sameSite, "None");
    assert.deepEqual(state.origins[0], {
      origin: "https://a.test",
      localStorage: [{ name: "k", value: "a" }],
    });

    const copy = session.fromPartition(`storage-copy-${++counter}`, { storageState: path });
    const again = join(dir, "again.json");
    await copy.storageState({ path: again });
    assert.equal(readFileSync(again, "utf8"), text);
    const imported = await copy.cookies.get({ name: "domA" });
    assert.equal(imported[0]?.hostOnly, false);
  });

  it("writes through a symlink and into a FIFO (like /dev/stdout), never replacing them", {
    timeout: 30_000,
  }, async () => {
    const ses = fresh();
    ses.localStorage("https://a.test").setItem("k", "v");
    const expected = JSON.stringify(await ses.storageState(), undefined, 2);
    const target = join(dir, `target-${counter}.json`);
    writeFileSync(target, "old");
    const link = join(dir, `link-${counter}.json`);
    symlinkSync(target, link);
    await ses.storageState({ path: link });
    assert.equal(lstatSync(link).isSymbolicLink(), true);
    assert.equal(readFileSync(target, "utf8"), expected);

    const fifo = join(dir, `fifo-${counter}`);
    execFileSync("mkfifo", [fifo]);
    const reader = spawn("cat", [fifo], { stdio: ["ignore", "pipe", "inherit"] });
    let read = "";
    reader.stdout.setEncoding("utf8").on("data", (chunk: string) => read += chunk);
    const closed = new Promise((resolve) => reader.on("close", resolve));
    try {
      await ses.storageState({ path: fifo });
      assert.equal(lstatSync(fifo).isFIFO(), true, "the FIFO was replaced by a file");
      await closed;
      assert.equal(read, expected);
    } finally {
      reader.kill();
    }
  });

  it("imports a state written from Playwright's documented schema", async () => {
    const fixture: StorageStateInput = {
      cookies: [
        {
          name: "sid",
          value: "abc",
          domain: ".example.com",
          path: "/",
          expires: 4102444800,
          httpOnly: true,
          secure: true,
          sameSite: "None",
        },
        {
          name: "pref",
          value: "1",
          domain: "app.example.com",
          path: "/",
          expires: -1,
          httpOnly: false,
          secure: false,
          sameSite: "Lax",
        },
        { name: "byUrl", value: "u", url: "https://example.com/account/page" },
      ],
      origins: [{
        origin: "https://app.example.com",
        localStorage: [{ name: "token", value: "t" }, { name: "theme", value: "dark" }],
      }],
    };
    const ses = session.fromPartition(`storage-pw-${++counter}`, { storageState: fixture });
    const sid = (await ses.cookies.get({ name: "sid" }))[0];
    assert.equal(sid?.domain, ".example.com");
    assert.equal(sid?.sameSite, "no_restriction");
    // Chromium clamps expiry to 400 days from now (RFC 6265bis).
    assert.ok((sid?.expirationDate ?? 0) <= Date.now() / 1000 + 400 * 86400 + 1);
    assert.equal(sid?.secure, true);
    const pref = (await ses.cookies.get({ name: "pref" }))[0];
    assert.equal(pref?.hostOnly, true);
    assert.equal(pref?.session, true);
    const byUrl = (await ses.cookies.get({ name: "byUrl" }))[0];
    assert.deepEqual([byUrl?.domain, byUrl?.path, byUrl?.secure], [
      "example.com",
      "/account/",
      true,
    ]);
    assert.equal(ses.localStorage("https://app.example.com").getItem("theme"), "dark");
  });

  it("refuses the cookies cookies.set refuses, importing the others", async () => {
    const ses = session.fromPartition(`storage-text-${++counter}`);
    const url = "https://a.test/";
    assert.throws(
      () =>
        ses.importStorageState({
          cookies: [
            { name: "n", value: "a;admin=1", url },
            { name: "bad=name", value: "v", url },
            { name: "ok", value: "v", url },
            { name: "p", value: "v", domain: "a.test", path: "/x;y" },
          ],
        }),
      {
        name: "TypeError",
        message: 'Cannot import cookies: "n" (a.test): The cookie contains ASCII control ' +
          'characters; "bad=name" (a.test): The cookie contains ASCII control characters; ' +
          '"p" (a.test): The cookie contains ASCII control characters',
      },
    );
    const kept = await ses.cookies.get({});
    assert.deepEqual(kept.map((cookie) => [cookie.name, cookie.value]), [["ok", "v"]]);
  });

  it("refuses a cookie without url or domain+path, before creating the session", async () => {
    const partition = `storage-bad-${++counter}`;
    assert.throws(
      () =>
        session.fromPartition(partition, {
          storageState: { cookies: [{ name: "a", value: "1", domain: "a.test" }], origins: [] },
        } as never),
      {
        name: "TypeError",
        message: "Invalid storageState: cookies[0]: Cookie should have a url or a domain/path pair",
      },
    );
    assert.deepEqual(await names(session.fromPartition(partition)), []);
  });

  it("makes a public suffix or IP 'domain' cookie host-only, as Chromium's CreateSanitizedCookie", async () => {
    const ses = fresh();
    ses.importStorageState({
      cookies: [
        { name: "suffix", value: "1", domain: ".co.uk", path: "/" },
        { name: "ip", value: "1", domain: ".127.0.0.1", path: "/" },
        { name: "site", value: "1", domain: ".a.co.uk", path: "/" },
      ],
      origins: [],
    });
    // A domain cookie on ".co.uk" would go to every site under it.
    const sent = async (url: string) => (await ses.cookies.get({ url })).map((c) => c.name).sort();
    assert.deepEqual(await sent("https://victim.co.uk/"), []);
    assert.deepEqual(await sent("https://b.a.co.uk/"), ["site"]);
    assert.deepEqual(await sent("https://co.uk/"), ["suffix"]);
    assert.deepEqual(await sent("http://127.0.0.1/"), ["ip"]);
    const shapes = (await ses.cookies.get({})).map(({ name, domain, hostOnly }) => ({
      name,
      domain,
      hostOnly,
    }));
    assert.deepEqual(shapes.sort((a, b) => a.name.localeCompare(b.name)), [
      { name: "ip", domain: "127.0.0.1", hostOnly: true },
      { name: "site", domain: ".a.co.uk", hostOnly: false },
      { name: "suffix", domain: "co.uk", hostOnly: true },
    ]);
  });
});
