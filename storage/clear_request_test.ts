import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { clearDataRequest, clearStorageDataRequest } from "./clear_request.ts";

const host = (domain: string) => ({ domain, hostOnly: true });
const dotted = (domain: string) => ({ domain: `.${domain}`, hostOnly: false });

describe("clearStorageDataRequest", () => {
  it("maps Electron's storage names; indexeddb, websql and appcache reach nothing", () => {
    assert.deepEqual([...clearStorageDataRequest().targets.keys()], ["cookies", "localStorage"]);
    const request = clearStorageDataRequest({ storages: ["IndexedDB", "websql", "appcache"] });
    assert.equal(request.targets.size, 0);
    assert.equal(request.scope, "all");
  });

  it("with an origin, matches host-only cookies of its host and that origin only", () => {
    const request = clearStorageDataRequest({ origin: "https://a.test:8443" });
    assert.equal(request.cookieMatches(host("a.test")), true);
    assert.equal(request.cookieMatches(dotted("a.test")), false);
    assert.equal(request.cookieMatches(host("www.a.test")), false);
    assert.equal(request.originMatches("https://a.test:8443"), true);
    assert.equal(request.originMatches("https://a.test"), false);
  });

  // Electron: StorageKey::CreateFirstParty(url::Origin::Create(GURL(origin))); Chromium's
  // StoragePartitionImpl::ClearData filters cookies by host only when the origin has a host,
  // and storage only when the origin is not opaque.
  it("with an origin that is opaque (no URL, data:), clears as with none", () => {
    for (const origin of ["nonsense", "data:,x", "https://"]) {
      const request = clearStorageDataRequest({ origin });
      assert.equal(request.scope, "all", origin);
      assert.equal(request.cookieMatches(dotted("a.test")), true);
      assert.equal(request.originMatches("https://a.test"), true);
    }
  });

  it("with a file: origin (no host), clears every cookie and the file:// storage only", () => {
    const request = clearStorageDataRequest({ origin: "file:///tmp/x.html" });
    assert.equal(request.cookieMatches(dotted("a.test")), true);
    assert.equal(request.cookieMatches(host("b.test")), true);
    assert.equal(request.originMatches("file://"), true);
    assert.equal(request.originMatches("https://a.test"), false);
    assert.equal(request.scope, "some");
  });
});

describe("options Electron's converters cannot read", () => {
  // gin converts `storages` / `dataTypes` to std::vector<std::string> as a whole: one element
  // that is not a string fails the conversion, and the option then counts as absent (all).
  it("treats a storage or data type list holding a non-string as absent", () => {
    const storages = [["cookies", 5], [null], ["localstorage", {}]] as unknown as string[][];
    for (const list of storages) {
      assert.deepEqual(
        [...clearStorageDataRequest({ storages: list }).targets.keys()],
        ["cookies", "localStorage"],
      );
      assert.equal(clearDataRequest({ dataTypes: list }).targets.size, 4);
    }
  });

  // gin's bool converter is JavaScript truthiness: it never fails.
  it("reads avoidClosingConnections by truthiness", () => {
    const truthy = [true, 1, "yes", {}] as unknown as boolean[];
    for (const value of truthy) {
      assert.equal(
        clearDataRequest({ avoidClosingConnections: value }).avoidClosingConnections,
        true,
      );
    }
    const falsy = [false, 0, "", null, undefined] as unknown as boolean[];
    for (const value of falsy) {
      assert.equal(
        clearDataRequest({ avoidClosingConnections: value }).avoidClosingConnections,
        false,
      );
    }
  });
});

describe("clearDataRequest", () => {
  it("maps data types; cache is the HTTP cache; webSQL and unknown names are ignored", () => {
    const all = clearDataRequest();
    assert.deepEqual([...all.targets.keys()].sort(), [
      "cookies",
      "downloads",
      "httpCache",
      "localStorage",
    ]);
    const some = clearDataRequest({ dataTypes: ["cache", "webSQL", "toString", "Cookies"] });
    assert.deepEqual([...some.targets.entries()], [["httpCache", "cache"]]);
  });

  it("matches cookies by registrable domain, private registries included", () => {
    const request = clearDataRequest({ origins: ["https://x.a.test", "https://me.github.io"] });
    assert.equal(request.cookieMatches(dotted("a.test")), true);
    assert.equal(request.cookieMatches(host("other.a.test")), true);
    assert.equal(request.cookieMatches(host("b.test")), false);
    assert.equal(request.cookieMatches(host("me.github.io")), true);
    assert.equal(request.cookieMatches(host("you.github.io")), false);
    assert.equal(request.originMatches("https://x.a.test"), true);
    assert.equal(request.originMatches("https://a.test"), false);
  });

  it("inverts for excludeOrigins and reads the scope of empty lists", () => {
    const request = clearDataRequest({ excludeOrigins: ["https://a.test"] });
    assert.equal(request.cookieMatches(host("www.a.test")), false);
    assert.equal(request.cookieMatches(host("b.test")), true);
    assert.equal(clearDataRequest({ origins: [] }).scope, "none");
    assert.equal(clearDataRequest({ excludeOrigins: [] }).scope, "all");
    assert.equal(clearDataRequest({ avoidClosingConnections: true }).avoidClosingConnections, true);
  });

  it("throws Electron's errors", () => {
    assert.throws(() => clearDataRequest({ origins: ["a"], excludeOrigins: ["b"] }), {
      message: "Cannot provide both 'origins' and 'excludeOrigins'",
    });
    assert.throws(() => clearDataRequest({ excludeOrigins: ["data:,x"] }), {
      message: "Invalid origin: 'data:,x'",
    });
  });

  it("counts an origin list only when it is an array of strings, as Electron's Get does", () => {
    // `null` or a string where a list goes fails Electron's std::vector<GURL> conversion, so
    // that key counts as absent: no 'Cannot provide both' error, and the other list rules.
    const kept = clearDataRequest({
      origins: null as unknown as string[],
      excludeOrigins: ["https://a.test"],
    });
    assert.equal(kept.scope, "some");
    assert.equal(kept.originMatches("https://a.test"), false);
    assert.equal(kept.originMatches("https://b.test"), true);
    assert.equal(kept.cookieMatches(host("b.test")), true);
    const only = clearDataRequest({
      origins: ["https://a.test"],
      excludeOrigins: "https://b.test" as unknown as string[],
    });
    assert.equal(only.originMatches("https://a.test"), true);
    assert.equal(only.originMatches("https://b.test"), false);
  });

  it("takes a file: URL as Chromium's url::Origin does: the origin file://, not opaque", () => {
    const request = clearDataRequest({ origins: ["file:///tmp/x"] });
    assert.equal(request.originMatches("file://"), true);
    assert.equal(request.originMatches("https://a.test"), false);
    assert.equal(request.cookieMatches(host("a.test")), false);
  });
});
