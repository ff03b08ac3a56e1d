import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../runtime/mod.ts";
import { App, createSessionModule } from "../session/mod.ts";
import { runStorage } from "./storage_command.ts";
import {
  buildChromiumLocalStorage,
  buildChromiumProfile,
} from "../tests/fixtures/chromium_profile.ts";

const runtime = currentRuntime();
const root = mkdtempSync(join(tmpdir(), "ses-cli-storage-"));
after(() => rmSync(root, { recursive: true, force: true }));

const SESSION_COOKIE_NOTE = (count: number) =>
  `${count} session cookies not saved: as in Chromium, cookies without an expiry are never ` +
  "written to disk";

// A new `ses` process with its own userData directory.
function newProcess(name: string) {
  const app = new App(runtime);
  app.setPath("userData", join(root, name));
  return createSessionModule(app, runtime);
}

async function run(session: ReturnType<typeof newProcess>, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runStorage(session, args, {
    out: (line) => void out.push(line),
    err: (line) => void err.push(line),
  });
  return { code, out, err };
}

describe("ses storage", () => {
  it("exports, imports into another profile and exports the same file", async () => {
    const first = newProcess("one");
    const ses = first.fromPartition("persist:default");
    // Only persistent cookies reach the disk (Chromium drops session cookies at exit).
    await ses.cookies.set({
      url: "https://a.test/",
      name: "id",
      value: "7",
      httpOnly: true,
      expirationDate: Math.floor(Date.now() / 1000) + 3600,
    });
    ses.localStorage("https://a.test").setItem("k", "v");
    const file = join(root, "state.json");
    const exported = await run(first, "export", file);
    assert.deepEqual(exported.out, [
      `wrote 1 cookies and 1 origins of persist:default to ${file}`,
    ]);
    const second = newProcess("two");
    assert.equal((await run(second, "import", file, "--partition", "persist:work")).code, 0);
    const again = join(root, "again.json");
    await run(newProcess("two"), "export", again, "--partition", "persist:work");
    assert.equal(readFileSync(again, "utf8"), readFileSync(file, "utf8"));
  });

  it("exports to standard output with -, the summary going to stderr", async () => {
    const session = newProcess("seven");
    session.fromPartition("persist:default").localStorage("https://a.test").setItem("k", "v");
    const result = await run(session, "export", "-");
    assert.equal(result.code, 0);
    assert.deepEqual(result.out, [
      JSON.stringify(
        {
          cookies: [],
          origins: [{ origin: "https://a.test", localStorage: [{ name: "k", value: "v" }] }],
        },
        undefined,
        2,
      ),
    ]);
    assert.deepEqual(result.err, ["wrote 0 cookies and 1 origins of persist:default to -"]);
  });

  it("reports a bad file and bad arguments", async () => {
    const file = join(root, "bad.json");
    writeFileSync(file, JSON.stringify({ cookies: [{ name: "a", value: "b" }] }));
    const bad = await run(newProcess("three"), "import", file);
    assert.equal(bad.code, 1);
    assert.match(bad.err[0] ?? "", /Cookie should have a url or a domain\/path pair/);
    const missing = await run(newProcess("three"), "import", join(root, "none.json"));
    assert.deepEqual(missing.err, [
      `ses storage import: Cannot read storageState file "${
        join(root, "none.json")
      }": no such file`,
    ]);
    const notJson = join(root, "not.json");
    writeFileSync(notJson, "{bad");
    const syntax = await run(newProcess("three"), "import", notJson);
    assert.equal(syntax.code, 1);
    assert.match(
      syntax.err[0] ?? "",
      new RegExp(`^ses storage import: Invalid storageState: "${notJson}" is not JSON \\(.+\\)$`),
    );
    assert.equal((await run(newProcess("three"), "import")).code, 2);
    assert.equal((await run(newProcess("three"), "shred", file)).code, 2);
  });

  it("says which imported cookies are session cookies, which no later process sees", async () => {
    const file = join(root, "session-cookies.json");
    const expires = Math.floor(Date.now() / 1000) + 3600;
    const cookie = { value: "v", domain: "a.test", path: "/", httpOnly: false, secure: false };
    writeFileSync(
      file,
      JSON.stringify({
        cookies: [
          { ...cookie, name: "s1", expires: -1, sameSite: "Lax" },
          { ...cookie, name: "s2", expires: -1, sameSite: "Lax" },
          { ...cookie, name: "p", expires, sameSite: "Lax" },
        ],
        origins: [],
      }),
    );
    const result = await run(newProcess("five"), "import", file);
    assert.equal(result.code, 0);
    assert.deepEqual(result.out, [
      `imported ${file} into persist:default`,
      SESSION_COOKIE_NOTE(2),
    ]);
    const later = await newProcess("five").fromPartition("persist:default").cookies.get({});
    assert.deepEqual(later.map((c) => c.name), ["p"]);
  });

  it("reports a partition it cannot open instead of crashing", async () => {
    const partition = `persist:${"x".repeat(300)}`;
    const result = await run(newProcess("eight"), "export", "-", "--partition", partition);
    assert.equal(result.code, 2);
    assert.deepEqual(result.out, []);
    assert.match(
      result.err[0] ?? "",
      /^ses storage: --partition: Invalid partition "persist:x+": its directory/,
    );
  });

  it("refuses an in-memory partition, whose data would end with the command", async () => {
    const file = join(root, "state.json");
    for (const action of ["export", "import", "import-chromium"]) {
      const result = await run(newProcess("six"), action, file, "--partition", "scratch");
      assert.equal(result.code, 2);
      assert.deepEqual(result.out, []);
      assert.deepEqual(result.err, [
        'ses storage: partition "scratch" lives in memory and ends with this command; ' +
        'use a persistent one like "persist:scratch"',
      ]);
    }
  });

  it("imports a Chromium profile's cookies, counting the skipped ones", async () => {
    const profile = join(root, "chromium-profile");
    buildChromiumProfile((p) => runtime.openDatabase(p), profile, 24, true);
    await buildChromiumLocalStorage(profile);
    const session = newProcess("four");
    const result = await run(session, "import-chromium", profile);
    assert.equal(result.code, 0);
    assert.deepEqual(result.out, [
      `imported 2 cookies from ${join(profile, "Network", "Cookies")} into persist:default`,
      "skipped 1 cookies encrypted with the desktop keyring (v11)",
      "skipped 1 cookies whose value did not decrypt",
      "imported 3 local storage items of 2 origins",
      SESSION_COOKIE_NOTE(1),
    ]);
    const ses = session.fromPartition("persist:default");
    assert.equal(ses.localStorage("https://a.test").getItem("clé✓"), "välue✓");
    const cookies = await session.fromPartition("persist:default").cookies.get({});
    assert.deepEqual(cookies.map((c) => [c.name, c.value, c.domain]).sort(), [
      ["enc", "sécret", ".a.test"],
      ["plain", "p", "a.test"],
    ]);
    // The persistent one is on disk for the next process.
    const later = await newProcess("four").fromPartition("persist:default").cookies.get({});
    assert.deepEqual(later.map((c) => c.name), ["enc"]);
    assert.equal((await run(session, "import-chromium", join(root, "nowhere"))).code, 1);
  });

  it("clears with Electron's clearStorageData options, the next process seeing it", async () => {
    const expirationDate = Math.floor(Date.now() / 1000) + 3600;
    const seed = async () => {
      const ses = newProcess("clear").fromPartition("persist:default");
      await ses.clearStorageData();
      for (const url of ["https://a.test/", "https://b.test/"]) {
        await ses.cookies.set({ url, name: "id", value: "1", expirationDate });
      }
      ses.localStorage("https://a.test").setItem("k", "v");
      ses.localStorage("https://b.test").setItem("k", "v");
      ses.flushStorageData();
    };
    const remaining = async () => {
      const state = await newProcess("clear").fromPartition("persist:default").storageState();
      return [
        state.cookies.map((c) => c.domain).sort(),
        state.origins.map((o) => o.origin).sort(),
      ];
    };
    await seed();
    const some = await run(newProcess("clear"), "clear", "--origin", "https://a.test");
    assert.deepEqual([some.code, some.out, some.err], [
      0,
      ["removed 1 cookies and 1 local storage items of persist:default"],
      [],
    ]);
    assert.deepEqual(await remaining(), [["b.test"], ["https://b.test"]]);
    await seed();
    const cookies = await run(newProcess("clear"), "clear", "--storages", "Cookies", "--json");
    assert.deepEqual([cookies.code, cookies.out.map((line) => JSON.parse(line))], [0, [{
      partition: "persist:default",
      removed: { cookies: 2, localStorageItems: 0 },
    }]]);
    assert.deepEqual(await remaining(), [[], ["https://a.test", "https://b.test"]]);
    await seed();
    assert.equal((await run(newProcess("clear"), "clear")).code, 0);
    assert.deepEqual(await remaining(), [[], []]);
  });

  it("takes Electron's documented storage name indexeddb, which clears nothing", async () => {
    const ses = newProcess("clear-idb").fromPartition("persist:default");
    ses.localStorage("https://a.test").setItem("k", "v");
    ses.flushStorageData();
    const result = await run(newProcess("clear-idb"), "clear", "--storages", "IndexedDB");
    assert.deepEqual([result.code, result.out, result.err], [
      0,
      ["removed 0 cookies and 0 local storage items of persist:default"],
      [],
    ]);
  });

  it("clears the file:// origin of pages loaded from files", async () => {
    const ses = newProcess("clear-file").fromPartition("persist:default");
    ses.localStorage("file:///app/index.html").setItem("k", "v");
    ses.localStorage("https://a.test").setItem("k", "v");
    ses.flushStorageData();
    const result = await run(
      newProcess("clear-file"),
      "clear",
      "--origin",
      "file://",
      "--storages",
      "localstorage",
    );
    assert.deepEqual([result.code, result.out, result.err], [
      0,
      ["removed 0 cookies and 1 local storage items of persist:default"],
      [],
    ]);
    const state = await newProcess("clear-file").fromPartition("persist:default").storageState();
    assert.deepEqual(state.origins.map((o) => o.origin), ["https://a.test"]);
  });

  it("refuses a clear that would silently clear nothing", async () => {
    const ses = newProcess("clear-bad").fromPartition("persist:default");
    await ses.cookies.set({
      url: "https://a.test/",
      name: "id",
      value: "1",
      expirationDate: Math.floor(Date.now() / 1000) + 3600,
    });
    ses.flushStorageData();
    for (
      const [args, message] of <[string[], string][]> [
        [["--origin", "a.test"], '--origin: "a.test" is not an origin like https://example.com'],
        [["--origin", "data:,x"], '--origin: "data:,x" is not an origin like https://example.com'],
        [["--storages", "cookies,cookie"], '--storages: unknown storage "cookie" (known: '],
        [["state.json"], 'clear takes no path (got "state.json")'],
      ]
    ) {
      const result = await run(newProcess("clear-bad"), "clear", ...args);
      assert.equal(result.code, 2, String(args));
      assert.ok(result.err[0]?.startsWith(`ses storage: ${message}`), result.err[0]);
    }
    const mixed = await run(newProcess("clear-bad"), "export", "-", "--origin", "https://a.test");
    assert.equal(mixed.code, 2);
    assert.match(mixed.err[0] ?? "", /--origin and --storages belong to clear, not export/);
    const kept = await newProcess("clear-bad").fromPartition("persist:default").cookies.get({});
    assert.equal(kept.length, 1);
  });

  it("prints one JSON object per action with --json, the sentences going to stderr", async () => {
    const file = join(root, "json-state.json");
    const expires = Math.floor(Date.now() / 1000) + 3600;
    writeFileSync(
      file,
      JSON.stringify({
        cookies: [
          { name: "s", value: "1", url: "https://a.test/" },
          { name: "p", value: "2", url: "https://a.test/", expires },
        ],
        origins: [{ origin: "https://a.test", localStorage: [{ name: "k", value: "v" }] }],
      }),
    );
    const imported = await run(newProcess("json"), "import", file, "--json");
    assert.equal(imported.code, 0);
    assert.deepEqual(imported.out.map((line) => JSON.parse(line)), [
      { partition: "persist:default", file, sessionCookies: 1 },
    ]);
    assert.deepEqual(imported.err, [
      `imported ${file} into persist:default`,
      SESSION_COOKIE_NOTE(1),
    ]);
    const out = join(root, "json-out.json");
    const exported = await run(newProcess("json"), "export", out, "--json");
    assert.deepEqual(exported.out.map((line) => JSON.parse(line)), [
      { partition: "persist:default", file: out, cookies: 1, origins: 1 },
    ]);
    assert.equal(JSON.parse(readFileSync(out, "utf8")).cookies[0].name, "p");
    const stdout = await run(newProcess("json"), "export", "-", "--json");
    assert.equal(JSON.parse(stdout.out.join("\n")).origins[0].origin, "https://a.test");
    const profile = join(root, "json-chromium-profile");
    buildChromiumProfile((p) => runtime.openDatabase(p), profile, 24, true);
    const chromium = await run(newProcess("json-chromium"), "import-chromium", profile, "--json");
    assert.equal(chromium.code, 0);
    const summary = JSON.parse(chromium.out.join("\n"));
    assert.deepEqual(
      [summary.partition, summary.imported, summary.skippedKeyring, summary.sessionCookies],
      ["persist:default", 2, 1, 1],
    );
  });
});
