import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../runtime/mod.ts";
import { collectGarbage } from "../tests/fixtures/collect_garbage.ts";
import { type CacheEntry, cacheKey } from "./cache_entry.ts";
import { CACHE_BODIES_DIR, CACHE_INDEX_NAME, DiskCacheStore } from "./disk_cache_store.ts";

function entry(path: string, bytes: number, fill = 7): CacheEntry {
  const url = `http://a.test/${path}`;
  return {
    key: cacheKey(url, []),
    url,
    status: 200,
    statusText: "OK",
    httpVersion: "1.1",
    rawHeaders: [["Cache-Control", "max-age=60"]],
    vary: [],
    requestTime: 1,
    responseTime: 2,
    remoteAddress: "127.0.0.1",
    remotePort: 80,
    body: new Uint8Array(bytes).fill(fill),
  };
}

async function withStore(run: (dir: string, store: DiskCacheStore) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), "ses-disk-cache-"));
  const store = await DiskCacheStore.open(currentRuntime(), dir);
  try {
    await run(dir, store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const bodies = (dir: string) => readdirSync(join(dir, CACHE_BODIES_DIR));

describe("DiskCacheStore", () => {
  it("keeps small bodies in the index and large ones in files, across reopening", async () => {
    await withStore(async (dir, store) => {
      store.put(entry("small", 100));
      store.put(entry("large", 100_000));
      // Visible at once in this process, before the batch commits.
      assert.equal(store.variants("http://a.test/large")[0]?.body.length, 100_000);
      await store.flush();
      assert.equal(bodies(dir).length, 1);
      const again = await DiskCacheStore.open(currentRuntime(), dir);
      const [large] = again.variants("http://a.test/large");
      assert.deepEqual(large, entry("large", 100_000));
      assert.deepEqual(again.variants("http://a.test/small"), [entry("small", 100)]);
      assert.ok(again.size() > 100_100);
      await again.close();
    });
  });

  it("replaces an entry and removes the old body file", async () => {
    await withStore(async (dir, store) => {
      store.put(entry("x", 100_000, 1));
      await store.flush();
      store.put(entry("x", 120_000, 2));
      await store.flush();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(bodies(dir).length, 1);
      assert.equal(store.variants("http://a.test/x")[0]?.body[0], 2);
    });
  });

  it("drops an entry whose body file is damaged or missing, never returning it", async () => {
    await withStore(async (dir, store) => {
      store.put(entry("torn", 100_000));
      await store.flush();
      const [first] = bodies(dir).map((file) => join(dir, CACHE_BODIES_DIR, file));
      // Another store (process) writes packs of its own.
      const other = await DiskCacheStore.open(currentRuntime(), dir);
      other.put(entry("gone", 100_000));
      await other.close();
      const second = bodies(dir).map((file) => join(dir, CACHE_BODIES_DIR, file))
        .find((path) => path !== first);
      const reopened = await DiskCacheStore.open(currentRuntime(), dir);
      writeFileSync(first!, new Uint8Array(10_000).fill(7));
      rmSync(second!);
      assert.deepEqual(reopened.variants("http://a.test/torn"), []);
      assert.deepEqual(reopened.variants("http://a.test/gone"), []);
      assert.equal(reopened.size(), 0);
      await reopened.close();
    });
  });

  it("never reads or deletes a file outside its folder that a tampered index names", async () => {
    const outside = mkdtempSync(join(tmpdir(), "ses-disk-cache-victim-"));
    const victim = join(outside, "victim");
    try {
      await withStore(async (dir, store) => {
        store.put(entry("a", 100_000));
        store.put(entry("b", 100_000));
        await store.flush();
        writeFileSync(victim, new Uint8Array(100_000).fill(7));
        const db = currentRuntime().openDatabase(join(dir, CACHE_INDEX_NAME));
        const relative = join("..", "..", "..", "..", "..", "..", "..", "..", victim);
        db.prepare("UPDATE entries SET file = ? WHERE url = ?").run(relative, "http://a.test/a");
        db.prepare("UPDATE entries SET file = ? WHERE url = ?").run(victim, "http://a.test/b");
        db.close();
        const reopened = await DiskCacheStore.open(currentRuntime(), dir);
        assert.deepEqual(reopened.variants("http://a.test/a"), []);
        assert.deepEqual(reopened.variants("http://a.test/b"), []);
        reopened.clear();
        await reopened.close();
        // The deletions are not awaited by clear(): give them time to happen, were they made.
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.ok(existsSync(victim), "the file outside the cache is still there");
      });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("lists each stored URL once, committed or not", async () => {
    await withStore(async (_dir, store) => {
      store.put(entry("a", 10));
      await store.flush();
      store.put(entry("b", 10));
      store.put(entry("a", 10));
      assert.deepEqual(store.urls().sort(), ["http://a.test/a", "http://a.test/b"]);
      store.deleteUrl("http://a.test/a");
      await store.flush();
      assert.deepEqual(store.urls(), ["http://a.test/b"]);
    });
  });

  it("appends batches' bodies to one pack file, deleted with the last entry naming it", async () => {
    await withStore(async (dir, store) => {
      for (const [i, path] of ["p", "q", "r"].entries()) store.put(entry(path, 30_000 + i, i));
      store.put(entry("inline", 100, 9));
      await store.flush();
      assert.equal(bodies(dir).length, 1);
      const again = await DiskCacheStore.open(currentRuntime(), dir);
      for (const [i, path] of ["p", "q", "r"].entries()) {
        assert.deepEqual(again.variants(`http://a.test/${path}`), [entry(path, 30_000 + i, i)]);
      }
      await again.close();
      store.deleteUrl("http://a.test/p");
      // The next batch goes to the same pack, after the first.
      store.put(entry("q", 50_000, 5));
      await store.flush();
      store.deleteUrl("http://a.test/r");
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(bodies(dir).length, 1);
      assert.equal(store.variants("http://a.test/q")[0]?.body[0], 5);
      const reopened = await DiskCacheStore.open(currentRuntime(), dir);
      assert.deepEqual(reopened.variants("http://a.test/q"), [entry("q", 50_000, 5)]);
      await reopened.close();
      // Its last entry gone, the pack goes too, though this store was still appending to it.
      store.deleteUrl("http://a.test/q");
      await store.flush();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(bodies(dir), []);
      store.put(entry("s", 40_000, 6));
      await store.flush();
      assert.equal(bodies(dir).length, 1);
      assert.deepEqual(store.variants("http://a.test/s"), [entry("s", 40_000, 6)]);
    });
  });

  it("starts a new pack file once one holds 4 MiB", async () => {
    await withStore(async (dir, store) => {
      for (let i = 0; i < 5; i++) {
        store.put(entry(`m${i}`, 1 << 20, i));
        await store.flush();
      }
      assert.equal(bodies(dir).length, 2);
      const reopened = await DiskCacheStore.open(currentRuntime(), dir);
      for (let i = 0; i < 5; i++) {
        assert.deepEqual(reopened.variants(`http://a.test/m${i}`), [entry(`m${i}`, 1 << 20, i)]);
      }
      await reopened.close();
    });
  });

  it("forgets a write still in flight when its URL is deleted or the cache cleared", async () => {
    await withStore(async (dir, store) => {
      store.put(entry("a", 100_000));
      store.deleteUrl("http://a.test/a");
      store.put(entry("b", 100_000));
      store.clear();
      await store.flush();
      assert.deepEqual([store.variants("http://a.test/a"), store.variants("http://a.test/b")], [
        [],
        [],
      ]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(bodies(dir), []);
    });
  });

  it("forgets a body being appended when its URL is deleted meanwhile", async () => {
    await withStore(async (_dir, store) => {
      // 4 MiB fills a pack: the append starts at once, before the deletion.
      store.put(entry("big", 4 * 1024 * 1024));
      store.deleteUrl("http://a.test/big");
      await store.flush();
      assert.equal(store.variants("http://a.test/big").length, 0);
      assert.equal(store.size(), 0);
    });
  });

  it("keeps nothing in memory for each URL deleted, however many", async () => {
    await withStore(async (_dir, store) => {
      // A client that POSTs to ever new URLs deletes each (RFC 9111 section 4.4).
      const long = "x".repeat(10_000);
      const deleteMany = (from: number) => {
        for (let i = from; i < from + 2000; i++) store.deleteUrl(`http://a.test/${i}/${long}`);
      };
      deleteMany(0);
      await collectGarbage();
      const before = process.memoryUsage().heapUsed;
      deleteMany(2000);
      await collectGarbage();
      // 2000 URLs of 10 KB: 20 MB if they were kept.
      const grown = process.memoryUsage().heapUsed - before;
      assert.ok(grown < 8_000_000, `the heap grew by ${grown} bytes`);
    });
  });

  it("keeps at most 8 MiB of entries in memory, counting heads as well as bodies", async () => {
    await withStore(async (_dir, store) => {
      // Empty bodies with 1 KB heads: redirects, 204s, HEAD answers.
      const header = "x".repeat(1000);
      const putMany = async (from: number) => {
        for (let i = from; i < from + 10_000; i++) {
          store.put({ ...entry(`e${i}`, 0), rawHeaders: [["X-Pad", `${i}${header}`]] });
        }
        await store.flush();
      };
      await putMany(0);
      await collectGarbage();
      const before = process.memoryUsage().heapUsed;
      await putMany(10_000);
      await collectGarbage();
      // 10 000 heads of 1 KB: 10 MB more if every committed entry stayed in memory.
      const grown = process.memoryUsage().heapUsed - before;
      assert.ok(grown < 5_000_000, `the heap grew by ${grown} bytes`);
    });
  });

  it("evicts the oldest entries and their files beyond the limit", async () => {
    await withStore(async (dir, store) => {
      store.maxSize = 240_000;
      for (const path of ["a", "b", "c"]) {
        store.put(entry(path, 100_000));
        await store.flush();
      }
      assert.deepEqual(
        ["a", "b", "c"].map((path) => store.variants(`http://a.test/${path}`).length),
        [0, 1, 1],
      );
      assert.equal(bodies(dir).length, 1);
      // Evicting every entry of the pack deletes it.
      store.maxSize = 1_000;
      store.put(entry("small", 100));
      await store.flush();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(bodies(dir), []);
      assert.deepEqual(store.variants("http://a.test/c"), []);
    });
  });

  it("evicts by last use: an entry used since newer ones were stored outlives them", async () => {
    await withStore(async (_dir, store) => {
      store.maxSize = 350_000;
      for (const path of ["a", "b", "c"]) {
        store.put(entry(path, 100_000));
        await store.flush();
      }
      // A hit moments after "b" and "c" were stored makes "a" the most recently used.
      await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(store.variants("http://a.test/a").length, 1);
      store.touch(entry("a", 0).key);
      store.put(entry("d", 100_000));
      await store.flush();
      assert.deepEqual(
        ["a", "b", "c", "d"].map((path) => store.variants(`http://a.test/${path}`).length),
        [1, 0, 1, 1],
      );
    });
  });

  it("counts a replaced entry's size once, also when another store replaces it unawares", async () => {
    await withStore(async (dir, store) => {
      store.put(entry("one", 100_000, 1));
      await store.flush();
      const single = store.size();
      store.put(entry("one", 100_000, 2));
      await store.flush();
      assert.equal(store.size(), single);
      // Opened before the row existed, the other store takes the key for new and writes it
      // without looking for the row first: the row's replacement must still subtract it.
      const other = await DiskCacheStore.open(currentRuntime(), dir);
      other.deleteUrl("http://a.test/none");
      store.put(entry("two", 100_000, 3));
      await store.flush();
      other.put(entry("two", 100_000, 4));
      await other.flush();
      assert.equal(other.size(), 2 * single);
      assert.equal(store.size(), 2 * single);
      await other.close();
    });
  });

  it("keeps storing when another process deletes the pack file it appends to", async () => {
    // Another process that deletes (or clears, or evicts) the last row naming this store's
    // pack removes the file; this store must not go on naming bodies in it that no one can read.
    for (const remove of ["deleteUrl", "clear"] as const) {
      await withStore(async (dir, store) => {
        store.put(entry("first", 10_000, 1));
        await store.flush();
        const other = await DiskCacheStore.open(currentRuntime(), dir);
        if (remove === "clear") other.clear();
        else other.deleteUrl("http://a.test/first");
        await other.flush();
        // Its unlink is not awaited by anything: wait for the file to go.
        for (let i = 0; i < 200 && bodies(dir).length > 0; i++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        assert.deepEqual(bodies(dir), [], remove);
        // The batch that finds its pack gone writes its bodies again, to a new pack.
        store.put(entry("second", 10_000, 2));
        await store.flush();
        store.put(entry("third", 10_000, 3));
        await store.flush();
        const reader = await DiskCacheStore.open(currentRuntime(), dir);
        assert.deepEqual(reader.variants("http://a.test/second"), [entry("second", 10_000, 2)]);
        assert.deepEqual(reader.variants("http://a.test/third"), [entry("third", 10_000, 3)]);
        assert.equal(bodies(dir).length, 1, remove);
        await reader.close();
        await other.close();
      });
    }
  });

  it("sees another process's writes within a second, its deletions within 100 ms", async () => {
    await withStore(async (dir, store) => {
      store.put(entry("shared", 100));
      await store.flush();
      assert.equal(store.variants("http://a.test/shared").length, 1);
      const other = await DiskCacheStore.open(currentRuntime(), dir);
      assert.equal(other.variants("http://a.test/shared").length, 1);
      other.deleteUrl("http://a.test/shared");
      other.put(entry("theirs", 100));
      await other.flush();
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      assert.deepEqual(store.variants("http://a.test/shared"), []);
      assert.equal(store.variants("http://a.test/theirs").length, 1);
      await other.close();
    });
  });

  it("rebuilds an index that is not a database and removes old orphan body files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-disk-cache-"));
    try {
      await currentRuntime().ensureDir(join(dir, CACHE_BODIES_DIR));
      writeFileSync(
        join(dir, CACHE_INDEX_NAME),
        "this is not SQLite, just text padding ".repeat(200),
      );
      const old = join(dir, CACHE_BODIES_DIR, "orphan");
      const young = join(dir, CACHE_BODIES_DIR, "in-progress");
      writeFileSync(old, "x");
      writeFileSync(young, "y");
      utimesSync(old, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
      const warnings: string[] = [];
      const store = await DiskCacheStore.open(
        currentRuntime(),
        dir,
        undefined,
        (message) => warnings.push(message),
      );
      assert.equal(store.size(), 0);
      assert.deepEqual([existsSync(old), existsSync(young)], [false, true]);
      assert.equal(warnings.length, 1);
      assert.ok(warnings[0]!.startsWith(`HTTP cache index "${join(dir, CACHE_INDEX_NAME)}" could`));
      store.put(entry("a", 10));
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
