import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AuthCache } from "./auth_cache.ts";

const alice = { username: "alice", password: "a" };
const bob = { username: "bob", password: "b" };

describe("AuthCache", () => {
  it("keys by target, realm and scheme", () => {
    const cache = new AuthCache();
    cache.add("http://a.test", "r", "basic", alice, "/x");
    cache.add("http://a.test", "r", "digest", bob, "/x");
    cache.add("proxy http://p.test:3128", "r", "basic", bob);
    assert.equal(cache.lookup("http://a.test", "r", "basic")?.credentials, alice);
    assert.equal(cache.lookup("http://a.test", "r", "digest")?.credentials, bob);
    assert.equal(cache.lookup("http://a.test", "other", "basic"), undefined);
    assert.equal(cache.lookup("http://b.test", "r", "basic"), undefined);
    assert.equal(cache.lookup("proxy http://p.test:3128", "r", "basic")?.credentials, bob);
    assert.equal(cache.size, 3);
  });

  it("covers the directory of each path used and below, longest prefix first", () => {
    const cache = new AuthCache();
    cache.add("http://a.test", "top", "basic", alice, "/docs/index.html");
    cache.add("http://a.test", "deep", "basic", bob, "/docs/private/x");
    assert.equal(cache.lookupByPath("http://a.test", "/docs/y")?.realm, "top");
    assert.equal(cache.lookupByPath("http://a.test", "/docs/private/z/w")?.realm, "deep");
    assert.equal(cache.lookupByPath("http://a.test", "/doc"), undefined);
    assert.equal(cache.lookupByPath("http://a.test", "/"), undefined);
    cache.add("http://a.test", "top", "basic", alice, "/");
    assert.equal(cache.lookupByPath("http://a.test", "/elsewhere")?.realm, "top");
    // A proxy entry has no paths: never pre-emptive for an origin.
    cache.add("proxy http://p.test:3128", "r", "basic", bob);
    assert.equal(cache.lookupByPath("proxy http://p.test:3128", "/"), undefined);
  });

  it("replacing keeps the paths; removing a replaced entry keeps the new one", () => {
    const cache = new AuthCache();
    const old = cache.add("http://a.test", "r", "basic", alice, "/a/x");
    const fresh = cache.add("http://a.test", "r", "basic", bob, "/b/x");
    assert.deepEqual(fresh.paths, ["/a/", "/b/"]);
    cache.remove(old);
    assert.equal(cache.lookup("http://a.test", "r", "basic"), fresh);
    cache.remove(fresh);
    assert.equal(cache.size, 0);
    assert.equal(cache.lookupByPath("http://a.test", "/a/x"), undefined);
  });

  it("is bounded like Chromium's: 20 realms in all, least recently used out, 10 paths per realm", () => {
    const cache = new AuthCache();
    for (let i = 0; i < 22; i++) cache.add("http://a.test", `r${i}`, "basic", alice, "/");
    assert.equal(cache.size, 20);
    assert.equal(cache.lookup("http://a.test", "r0", "basic"), undefined);
    assert.ok(cache.lookup("http://a.test", "r11", "basic"));
    // A scraper logging in to ever new origins: the oldest unused go, a used one stays.
    for (let i = 0; i < 1000; i++) {
      assert.ok(cache.lookupByPath("http://a.test", "/x"));
      cache.add(`http://h${i}.test`, "r", "basic", alice, "/");
    }
    assert.equal(cache.size, 20);
    assert.ok(cache.lookupByPath("http://a.test", "/x"));
    assert.ok(cache.lookup("http://h999.test", "r", "basic"));
    assert.equal(cache.lookup("http://h979.test", "r", "basic"), undefined);
    let entry = cache.add("http://b.test", "paths", "basic", alice);
    for (let i = 0; i < 12; i++) {
      entry = cache.add("http://b.test", "paths", "basic", alice, `/p${i}/x`);
    }
    assert.equal(entry.paths.length, 10);
    assert.equal(cache.lookupByPath("http://b.test", "/p0/x"), undefined);
    assert.equal(cache.lookupByPath("http://b.test", "/p11/x"), entry);
    cache.clear();
    assert.equal(cache.size, 0);
  });
});
