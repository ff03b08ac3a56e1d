import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { currentRuntime } from "../runtime/mod.ts";
import { LOCAL_STORAGE_QUOTA, WebStorage } from "./web_storage.ts";
import { MemoryLocalStorageStore } from "./memory_local_storage_store.ts";
import { SqliteLocalStorageStore } from "./sqlite_local_storage_store.ts";
import type { LocalStorageStore } from "./local_storage_store.ts";

const runtime = currentRuntime();
const openDatabase = (path: string) => runtime.openDatabase(path);
const ORIGIN = "https://a.test";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ses-local-storage-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const kinds: [string, () => LocalStorageStore][] = [
  ["memory", () => new MemoryLocalStorageStore()],
  ["sqlite", () => new SqliteLocalStorageStore(join(dir, "ls.sqlite"), { openDatabase })],
];

for (const [kind, makeStore] of kinds) {
  describe(`WebStorage over the ${kind} store`, () => {
    it("has the Storage methods, with String() conversion and Chromium's key order", () => {
      const storage = new WebStorage(makeStore(), ORIGIN);
      assert.equal(storage.length, 0);
      assert.equal(storage.getItem("x"), null);
      storage.setItem("b", "2");
      storage.setItem("a", 1 as unknown as string);
      storage.setItem("B", "3");
      storage.setItem(null as unknown as string, "n");
      assert.equal(storage.getItem("a"), "1");
      assert.equal(storage.getItem("null"), "n");
      assert.equal(storage.length, 4);
      assert.deepEqual([0, 1, 2, 3, 4].map((i) => storage.key(i)), ["B", "a", "b", "null", null]);
      storage.setItem("a", "replaced");
      assert.equal(storage.getItem("a"), "replaced");
      assert.equal(storage.length, 4);
      storage.removeItem("a");
      storage.removeItem("never");
      assert.equal(storage.getItem("a"), null);
      storage.clear();
      assert.equal(storage.length, 0);
    });

    it('throws WebIDL\'s TypeError for missing arguments instead of storing "undefined"', () => {
      const storage = new WebStorage(makeStore(), ORIGIN);
      const loose = storage as unknown as Record<string, (...args: unknown[]) => unknown>;
      assert.throws(() => loose.setItem!.call(storage, "k"), {
        name: "TypeError",
        message:
          "Failed to execute 'setItem' on 'Storage': 2 arguments required, but only 1 present.",
      });
      assert.throws(() => loose.setItem!.call(storage), {
        message:
          "Failed to execute 'setItem' on 'Storage': 2 arguments required, but only 0 present.",
      });
      for (const method of ["getItem", "removeItem", "key"]) {
        assert.throws(() => loose[method]!.call(storage), {
          name: "TypeError",
          message:
            `Failed to execute '${method}' on 'Storage': 1 argument required, but only 0 present.`,
        });
      }
      assert.equal(storage.length, 0);
      storage.setItem("k", undefined as unknown as string);
      assert.equal(storage.getItem("k"), "undefined");
      // WebIDL's DOMString is ECMAScript's ToString, which refuses a Symbol (String() does not).
      const symbol = Symbol("k");
      for (const call of [[symbol], [symbol, "v"], ["k", symbol]]) {
        for (const method of call.length === 1 ? ["getItem", "removeItem"] : ["setItem"]) {
          assert.throws(() => loose[method]!.call(storage, ...call), {
            name: "TypeError",
            message: "Cannot convert a Symbol value to a string",
          });
        }
      }
      assert.equal(storage.getItem("k"), "undefined");
      assert.equal(storage.length, 1);
    });

    it("keeps any JS string exactly: NUL, lone surrogates, astral characters", () => {
      const storage = new WebStorage(makeStore(), ORIGIN);
      const strings = [
        "a\u0000b",
        "\u0000",
        "\uD800lone",
        "lone\uDC00",
        "\uDC00\uD800",
        "ok\u{1F600}",
        "",
      ];
      for (const text of strings) {
        storage.setItem(text, text);
        assert.equal(storage.getItem(text), text, JSON.stringify(text));
      }
      // Keys differing only after a NUL or in a lone surrogate stay apart.
      storage.setItem("a", "plain");
      assert.equal(storage.getItem("a\u0000b"), "a\u0000b");
      assert.equal(storage.length, strings.length + 1);
      assert.deepEqual(
        Array.from({ length: storage.length }, (_, i) => storage.key(i)),
        [...strings, "a"].sort(),
      );
    });

    it("keeps origins apart", () => {
      const store = makeStore();
      new WebStorage(store, ORIGIN).setItem("k", "a");
      new WebStorage(store, "https://b.test").setItem("k", "b");
      assert.equal(new WebStorage(store, ORIGIN).getItem("k"), "a");
      new WebStorage(store, ORIGIN).clear();
      assert.equal(new WebStorage(store, "https://b.test").getItem("k"), "b");
      assert.deepEqual(store.origins(), ["https://b.test"]);
    });

    it("throws QuotaExceededError past 10 MiB per origin and stores nothing", () => {
      const store = makeStore();
      const storage = new WebStorage(store, ORIGIN);
      // 2 bytes per UTF-16 code unit: a 5 Mi-character value minus its key fills the quota.
      const fill = "x".repeat(LOCAL_STORAGE_QUOTA / 2 - 1);
      storage.setItem("k", fill);
      assert.throws(() => storage.setItem("j", ""), (error: unknown) => {
        assert.ok(error instanceof DOMException);
        assert.equal(error.name, "QuotaExceededError");
        assert.equal(
          error.message,
          "Failed to execute 'setItem' on 'Storage': Setting the value of 'j' exceeded the quota.",
        );
        return true;
      });
      assert.equal(storage.getItem("j"), null);
      // Replacing an item counts its new size only; another origin has its own quota.
      storage.setItem("k", "small");
      storage.setItem("j", "");
      new WebStorage(store, "https://b.test").setItem("k", fill);
    });

    it("checks the quota without going over the origin's other items", () => {
      const store = makeStore();
      const full = new WebStorage(store, ORIGIN);
      const empty = new WebStorage(store, "https://b.test");
      // What a full origin costs a pass over: many items in memory, many bytes on disk.
      const [count, value] = kind === "memory" ? [50_000, "v"] : [1_000, "x".repeat(4096)];
      for (let i = 0; i < count; i++) full.setItem(`k${i}`, value);
      const full_ms = medianSetItemMs(full);
      const empty_ms = medianSetItemMs(empty);
      // A pass made a set in the full origin 50 to 500 times slower; noise stays under 10.
      assert.ok(
        full_ms < 10 * empty_ms + 0.05,
        `setItem took ${full_ms} ms with ${count} items, ${empty_ms} ms with none`,
      );
      // The running total still refuses past the quota and counts what a set replaced.
      full.clear();
      full.setItem("k", "x".repeat(LOCAL_STORAGE_QUOTA / 2 - 2));
      assert.throws(() => full.setItem("j", "x"), { name: "QuotaExceededError" });
      full.setItem("k", "");
      full.removeItem("k");
      full.setItem("j", "x".repeat(LOCAL_STORAGE_QUOTA / 2 - 1));
    });

    it("enumerates with key(i) up to length without reading every key on each call", () => {
      const storage = new WebStorage(makeStore(), ORIGIN);
      for (let i = 0; i < 2000; i++) storage.setItem(`k${i}`, "v");
      // A new key: the first length after it reads every key again.
      storage.setItem("a", "v");
      let start = performance.now();
      assert.equal(storage.length, 2001);
      const read_all_ms = performance.now() - start;
      start = performance.now();
      const keys: string[] = [];
      for (let i = 0; i < storage.length; i++) keys.push(storage.key(i)!);
      const enumerate_ms = performance.now() - start;
      assert.ok(
        enumerate_ms < 50 * read_all_ms + 50,
        `enumerating took ${enumerate_ms} ms, reading every key ${read_all_ms} ms`,
      );
      assert.equal(keys[0], "a");
      assert.equal(keys.length, 2001);
      // Writes that change the keys show at once; replacing a value keeps them.
      storage.setItem("k0", "w");
      assert.equal(storage.key(1), "k0");
      storage.removeItem("a");
      assert.equal(storage.key(0), "k0");
      storage.setItem("0", "v");
      assert.equal(storage.key(0), "0");
      storage.clear();
      assert.equal(storage.length, 0);
      assert.equal(storage.key(0), null);
    });
  });
}

// The median time of 31 setItem calls on one key, in milliseconds.
function medianSetItemMs(storage: WebStorage): number {
  const times: number[] = [];
  for (let i = 0; i < 31; i++) {
    const start = performance.now();
    storage.setItem("probe", String(i));
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[15]!;
}

describe("SqliteLocalStorageStore", () => {
  it("survives reopening", () => {
    const file = join(dir, "Local Storage", "ls.sqlite");
    const first = new SqliteLocalStorageStore(file, { openDatabase });
    new WebStorage(first, ORIGIN).setItem("k", "v");
    first.flush();
    first.close();
    const second = new SqliteLocalStorageStore(file, { openDatabase });
    assert.equal(new WebStorage(second, ORIGIN).getItem("k"), "v");
    second.close();
  });

  it("moves the items of the first schema (UTF-8 text columns) into the current one", () => {
    const file = join(dir, "ls.sqlite");
    const old = openDatabase(file);
    old.exec(`CREATE TABLE items (
      origin TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, bytes INTEGER NOT NULL,
      PRIMARY KEY (origin, key)) WITHOUT ROWID;`);
    old.prepare("INSERT INTO items VALUES (?, ?, ?, ?)").run(ORIGIN, "ключ", "välue", 18);
    old.close();
    const store = new SqliteLocalStorageStore(file, { openDatabase });
    assert.deepEqual(store.entries(ORIGIN), [["ключ", "välue"]]);
    store.close();
    // Opening again finds nothing left to move.
    const again = new SqliteLocalStorageStore(file, { openDatabase });
    assert.deepEqual(again.entries(ORIGIN), [["ключ", "välue"]]);
    again.close();
  });

  it("counts the items a file already holds against the quota", () => {
    const file = join(dir, "ls.sqlite");
    const before = new SqliteLocalStorageStore(file, { openDatabase });
    new WebStorage(before, ORIGIN).setItem("k", "x".repeat(LOCAL_STORAGE_QUOTA / 2 - 2));
    before.close();
    // As a version without the running total left it.
    const db = openDatabase(file);
    db.exec(
      "DROP TRIGGER items_utf16_insert; DROP TRIGGER items_utf16_update; " +
        "DROP TRIGGER items_utf16_delete; DROP TABLE origin_usage;",
    );
    db.close();
    const store = new SqliteLocalStorageStore(file, { openDatabase });
    const storage = new WebStorage(store, ORIGIN);
    assert.throws(() => storage.setItem("j", "x"), { name: "QuotaExceededError" });
    storage.setItem("j", "");
    store.close();
  });

  it("sees the keys another connection adds or removes", () => {
    const file = join(dir, "ls.sqlite");
    const one = new SqliteLocalStorageStore(file, { openDatabase });
    const two = new SqliteLocalStorageStore(file, { openDatabase });
    const storage = new WebStorage(one, ORIGIN);
    storage.setItem("b", "v");
    assert.equal(storage.length, 1);
    new WebStorage(two, ORIGIN).setItem("a", "v");
    assert.equal(storage.length, 2);
    assert.equal(storage.key(0), "a");
    new WebStorage(two, ORIGIN).clear();
    assert.equal(storage.length, 0);
    one.close();
    two.close();
  });

  it("stays consistent with another process writing at the same time", {
    timeout: 60_000,
  }, async () => {
    const file = join(dir, "ls.sqlite");
    const store = new SqliteLocalStorageStore(file, { openDatabase });
    const storage = new WebStorage(store, ORIGIN);
    const child = runWriter(file, "child", 300);
    for (let i = 0; i < 300; i++) storage.setItem(`parent${i}`, String(i));
    const line = await child;
    assert.match(line, /^done \d+$/);
    // The open store sees the other process's writes without reopening.
    assert.equal(storage.length, 600);
    assert.equal(storage.getItem("child299"), "299");
    store.close();
  });
});

const WRITER = fileURLToPath(new URL("../tests/fixtures/local_storage_writer.ts", import.meta.url));

function runWriter(file: string, prefix: string, count: number): Promise<string> {
  const args = [WRITER, file, prefix, String(count)];
  const child = spawn(process.execPath, runtime.name === "deno" ? ["run", "-A", ...args] : args, {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => out += chunk);
  return new Promise((resolve, reject) =>
    child.on(
      "close",
      (code) => code === 0 ? resolve(out.trim()) : reject(new Error(`exit ${code}`)),
    )
  );
}
