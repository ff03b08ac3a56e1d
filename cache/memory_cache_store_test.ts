import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type CacheEntry, cacheKey, entrySize } from "./cache_entry.ts";
import { HttpCache } from "./http_cache.ts";
import { defaultInMemoryCacheSize, MemoryCacheStore } from "./memory_cache_store.ts";

function entry(path: string, bytes = 100, vary: CacheEntry["vary"] = []): CacheEntry {
  const url = `http://a.test/${path}`;
  return {
    key: cacheKey(url, vary),
    url,
    status: 200,
    statusText: "OK",
    httpVersion: "1.1",
    rawHeaders: [],
    vary,
    requestTime: 0,
    responseTime: 0,
    remoteAddress: "",
    remotePort: 0,
    body: new Uint8Array(bytes),
  };
}

describe("MemoryCacheStore", () => {
  it("keeps variants per URL, replaces by key and deletes all variants of a URL", () => {
    const store = new MemoryCacheStore();
    store.put(entry("x", 10, [["accept", "a"]]));
    store.put(entry("x", 20, [["accept", "b"]]));
    store.put(entry("x", 30, [["accept", "b"]]));
    assert.deepEqual(store.variants("http://a.test/x").map((e) => e.body.length).sort(), [10, 30]);
    assert.equal(
      store.size(),
      entrySize(entry("x", 10, [["accept", "a"]])) + entrySize(entry("x", 30, [["accept", "b"]])),
    );
    store.deleteUrl("http://a.test/x");
    assert.deepEqual([store.variants("http://a.test/x"), store.size()], [[], 0]);
  });

  it("evicts the least recently used: a touched entry outlives an older untouched one", () => {
    const one = entrySize(entry("a"));
    const store = new MemoryCacheStore(one * 2);
    store.put(entry("a"));
    store.put(entry("b"));
    store.touch(entry("a").key);
    store.put(entry("c"));
    assert.deepEqual(
      ["a", "b", "c"].map((path) => store.variants(`http://a.test/${path}`).length),
      [1, 0, 1],
    );
  });

  it("lists each stored URL once", () => {
    const store = new MemoryCacheStore();
    store.put(entry("a"));
    store.put(entry("b"));
    store.put(entry("a"));
    assert.deepEqual(store.urls().sort(), ["http://a.test/a", "http://a.test/b"]);
    store.deleteUrl("http://a.test/a");
    assert.deepEqual(store.urls(), ["http://a.test/b"]);
  });

  it("empties on clear and refuses use after close", async () => {
    const store = new MemoryCacheStore();
    store.put(entry("a"));
    store.clear();
    assert.equal(store.size(), 0);
    await store.close();
    assert.throws(() => store.variants("http://a.test/a"), /closed/);
  });
});

describe("defaultInMemoryCacheSize", () => {
  it("is Chromium's in-memory default: 2% of physical memory, 50 MiB from 2500 MiB up, 10 MiB unknown", () => {
    const MiB = 1024 * 1024;
    assert.equal(defaultInMemoryCacheSize(0), 10 * MiB);
    assert.equal(defaultInMemoryCacheSize(NaN), 10 * MiB);
    assert.equal(defaultInMemoryCacheSize(1000 * MiB), 20 * MiB);
    assert.equal(defaultInMemoryCacheSize(2499 * MiB), Math.floor(2499 * MiB * 0.02));
    assert.equal(defaultInMemoryCacheSize(2500 * MiB), 50 * MiB);
    assert.equal(defaultInMemoryCacheSize(64 * 1024 * MiB), 50 * MiB);
    const machine = defaultInMemoryCacheSize();
    assert.ok(machine > 0 && machine <= 50 * MiB, String(machine));
    assert.equal(new HttpCache({ directory: null }).maxSize, machine);
    assert.equal(new HttpCache({ directory: null, maxSize: 123 }).maxSize, 123);
  });
});
