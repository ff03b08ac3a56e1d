import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type CacheEntry, cacheKey, entrySize } from "./cache_entry.ts";
import { MemoryCacheStore } from "./memory_cache_store.ts";

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
