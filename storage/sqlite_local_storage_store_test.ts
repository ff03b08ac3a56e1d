import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../runtime/mod.ts";
import { SqliteLocalStorageStore } from "./sqlite_local_storage_store.ts";

const runtime = currentRuntime();
const openDatabase = (path: string) => runtime.openDatabase(path);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ses-ls-store-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("SqliteLocalStorageStore with a damaged file", () => {
  for (
    const [damage, bytes] of [
      ["garbage", new Uint8Array(3000).map((_, i) => (i * 7919) & 0xff)],
      ["a truncated database", new TextEncoder().encode("SQLite format 3\0".padEnd(100, "\0"))],
    ] as const
  ) {
    it(`moves ${damage} aside with a warning and keeps storing on disk`, () => {
      const file = join(dir, "Local Storage", "localstorage.sqlite");
      mkdirSync(join(dir, "Local Storage"));
      writeFileSync(file, bytes);
      const warnings: string[] = [];
      const store = new SqliteLocalStorageStore(file, {
        openDatabase,
        onWarning: (message) => warnings.push(message),
      });
      store.set("https://a.test", "k", "v", 1024);
      store.close();
      const aside = readdirSync(join(dir, "Local Storage")).filter((name) =>
        name.startsWith("localstorage.sqlite.corrupt-")
      );
      assert.equal(aside.length, 1);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /could not be read/);
      assert.ok(warnings[0]!.includes(join(dir, "Local Storage", aside[0]!)));
      // The new file holds what was written after the recovery, for the next process too.
      const again = new SqliteLocalStorageStore(file, { openDatabase, onWarning: assert.fail });
      assert.equal(again.get("https://a.test", "k"), "v");
      again.close();
    });
  }

  it("moves a file aside when damage shows only in use, and the call still works", () => {
    const file = join(dir, "localstorage.sqlite");
    const filled = new SqliteLocalStorageStore(file, { openDatabase, onWarning: assert.fail });
    for (let i = 0; i < 50; i++) filled.set("https://a.test", `k${i}`, "v".repeat(1000), 1e8);
    filled.close();
    // Every page but the first (the schema): the file opens, then reads fail as malformed.
    const size = statSync(file).size;
    const fd = openSync(file, "r+");
    writeSync(fd, new Uint8Array(size - 4096).fill(0x5a), 0, size - 4096, 4096);
    closeSync(fd);
    const warnings: string[] = [];
    const store = new SqliteLocalStorageStore(file, {
      openDatabase,
      onWarning: (message) => warnings.push(message),
    });
    assert.deepEqual(warnings, []);
    assert.deepEqual(store.keys("https://a.test"), []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /malformed/);
    assert.equal(store.set("https://a.test", "k", "v", 1024), true);
    assert.equal(store.get("https://a.test", "k"), "v");
    store.close();
    assert.equal(readdirSync(dir).filter((name) => name.includes(".corrupt-")).length, 1);
  });

  it("does not move aside a file it cannot open for another reason", () => {
    const file = join(dir, "missing-dir-is-a-file", "localstorage.sqlite");
    writeFileSync(join(dir, "missing-dir-is-a-file"), "");
    assert.throws(() => new SqliteLocalStorageStore(file, { openDatabase }));
    assert.equal(existsSync(join(dir, "missing-dir-is-a-file")), true);
  });
});
