import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hostname as machineName } from "node:os";
import { SessionError } from "../core/session_error.ts";
import { HostResolver, type ResolvedAddress } from "./host_resolver.ts";

const ADDRESS: ResolvedAddress = { address: "192.0.2.7", family: 4 };
const LOOPBACK: ResolvedAddress[] = [
  { address: "127.0.0.1", family: 4 },
  { address: "::1", family: 6 },
];

/** A stand-in for DNS that records the names it is asked for. */
function countingLookup(
  answer: (name: string) => Promise<ResolvedAddress[]> = () => Promise.resolve([ADDRESS]),
) {
  const asked: string[] = [];
  return {
    asked,
    lookup(name: string): Promise<ResolvedAddress[]> {
      asked.push(name);
      return answer(name);
    },
  };
}

/** A look-up whose answer the test releases by hand. */
function heldLookup() {
  const held = Promise.withResolvers<ResolvedAddress[]>();
  return { ...countingLookup(() => held.promise), held };
}

function dnsError(code: string): Error {
  return Object.assign(new Error(`getaddrinfo ${code} example.test`), { code });
}

function isNameNotResolved(error: unknown): boolean {
  assert.ok(SessionError.is(error));
  assert.equal(error.code, "ERR_NAME_NOT_RESOLVED");
  assert.equal(error.errno, -105);
  return true;
}

describe("HostResolver", () => {
  it("resolves IP literals at once, without a look-up or a cache entry", async () => {
    const dns = countingLookup();
    const resolver = new HostResolver({ lookup: dns.lookup });
    assert.deepEqual(await resolver.resolve("127.0.0.1"), [{ address: "127.0.0.1", family: 4 }]);
    assert.deepEqual(await resolver.resolve("[::1]"), [{ address: "::1", family: 6 }]);
    assert.deepEqual(await resolver.resolve("2001:db8::1"), [{
      address: "2001:db8::1",
      family: 6,
    }]);
    assert.deepEqual(dns.asked, []);
    assert.equal(resolver.size, 0);
  });

  it("resolves localhost and *.localhost to loopback without asking DNS", async () => {
    const dns = countingLookup();
    const resolver = new HostResolver({ lookup: dns.lookup });
    for (
      const name of ["localhost", "LocalHost", "localhost.", "app.localhost", "a.b.localhost."]
    ) {
      assert.deepEqual(await resolver.resolve(name), LOOPBACK, name);
    }
    assert.deepEqual(dns.asked, []);
    assert.equal(resolver.lookups, 0);
  });

  it("does not treat names that merely contain localhost as loopback", async () => {
    const dns = countingLookup();
    const resolver = new HostResolver({ lookup: dns.lookup });
    await resolver.resolve("localhost.example");
    await resolver.resolve("notlocalhost");
    assert.deepEqual(dns.asked, ["localhost.example", "notlocalhost"]);
  });

  it("answers a second request from the cache, names compared in lower case", async () => {
    const dns = countingLookup();
    const resolver = new HostResolver({ lookup: dns.lookup });
    assert.deepEqual(await resolver.resolve("Example.TEST"), [ADDRESS]);
    assert.deepEqual(await resolver.resolve("example.test"), [ADDRESS]);
    assert.deepEqual(dns.asked, ["example.test"]);
    assert.equal(resolver.lookups, 1);
    assert.equal(resolver.size, 1);
  });

  it("hands out copies, so a caller cannot change the cache", async () => {
    const resolver = new HostResolver({ lookup: countingLookup().lookup });
    (await resolver.resolve("example.test")).pop();
    (await resolver.resolve("example.test")).pop();
    assert.deepEqual(await resolver.resolve("example.test"), [ADDRESS]);
    assert.equal(resolver.lookups, 1);
  });

  it("asks again once the TTL has passed (60 s by default)", async () => {
    let now = 1000;
    const dns = countingLookup();
    const resolver = new HostResolver({ lookup: dns.lookup, now: () => now });
    await resolver.resolve("example.test");
    now += 59_999;
    await resolver.resolve("example.test");
    assert.equal(resolver.lookups, 1);
    now += 1;
    assert.equal(resolver.size, 0);
    await resolver.resolve("example.test");
    assert.equal(resolver.lookups, 2);
    assert.equal(resolver.size, 1);
  });

  it("honours a custom TTL, and caches nothing with a TTL of 0", async () => {
    let now = 0;
    const dns = countingLookup();
    const short = new HostResolver({ lookup: dns.lookup, ttlMs: 10, now: () => now });
    await short.resolve("example.test");
    now = 10;
    await short.resolve("example.test");
    assert.equal(short.lookups, 2);

    const none = new HostResolver({ lookup: dns.lookup, ttlMs: 0 });
    await none.resolve("example.test");
    await none.resolve("example.test");
    assert.equal(none.lookups, 2);
    assert.equal(none.size, 0);
  });

  it("shares one in-flight query among concurrent requests for a name", async () => {
    const dns = heldLookup();
    const resolver = new HostResolver({ lookup: dns.lookup });
    const answers = Promise.all([
      resolver.resolve("example.test"),
      resolver.resolve("EXAMPLE.test"),
      resolver.resolve("example.test"),
    ]);
    dns.held.resolve([ADDRESS]);
    assert.deepEqual(await answers, [[ADDRESS], [ADDRESS], [ADDRESS]]);
    assert.equal(resolver.lookups, 1);
  });

  for (const code of ["ENOTFOUND", "EAI_AGAIN", "ENODATA"]) {
    it(`maps ${code} to ERR_NAME_NOT_RESOLVED (-105) and does not cache it`, async () => {
      const failure = dnsError(code);
      const dns = countingLookup(() => Promise.reject(failure));
      const resolver = new HostResolver({ lookup: dns.lookup });
      await assert.rejects(resolver.resolve("example.test"), (error) => {
        isNameNotResolved(error);
        assert.equal((error as SessionError).cause, failure);
        return true;
      });
      await assert.rejects(resolver.resolve("example.test"), isNameNotResolved);
      assert.equal(resolver.lookups, 2);
      assert.equal(resolver.size, 0);
    });
  }

  it("maps an empty answer to ERR_NAME_NOT_RESOLVED", async () => {
    const resolver = new HostResolver({ lookup: () => Promise.resolve([]) });
    await assert.rejects(resolver.resolve("example.test"), isNameNotResolved);
    assert.equal(resolver.size, 0);
  });

  it("rejects an empty hostname with ERR_NAME_NOT_RESOLVED without asking DNS", async () => {
    const dns = countingLookup();
    const resolver = new HostResolver({ lookup: dns.lookup });
    await assert.rejects(resolver.resolve(""), isNameNotResolved);
    assert.deepEqual(dns.asked, []);
  });

  it("fails every sharer of a failed query, then asks again", async () => {
    const dns = heldLookup();
    const resolver = new HostResolver({ lookup: dns.lookup });
    const both = [resolver.resolve("example.test"), resolver.resolve("example.test")];
    dns.held.reject(dnsError("ENOTFOUND"));
    for (const answer of both) await assert.rejects(answer, isNameNotResolved);
    await assert.rejects(resolver.resolve("example.test"), isNameNotResolved);
    assert.equal(resolver.lookups, 2);
  });

  it("forgets everything on clear(), including a query in flight", async () => {
    const dns = heldLookup();
    const resolver = new HostResolver({ lookup: dns.lookup });
    const early = resolver.resolve("early.test");
    resolver.clear();
    dns.held.resolve([ADDRESS]);
    assert.deepEqual(await early, [ADDRESS], "the caller still gets its answer");
    assert.equal(resolver.size, 0, "but the answer from before clear() is not kept");

    await resolver.resolve("late.test");
    assert.equal(resolver.size, 1);
    resolver.clear();
    assert.equal(resolver.size, 0);
    await resolver.resolve("late.test");
    assert.equal(resolver.lookups, 3);
  });

  it("evicts the oldest name beyond maxEntries", async () => {
    const dns = countingLookup();
    const resolver = new HostResolver({ lookup: dns.lookup, maxEntries: 2 });
    await resolver.resolve("a.test");
    await resolver.resolve("b.test");
    await resolver.resolve("c.test");
    assert.equal(resolver.size, 2);
    await resolver.resolve("c.test");
    await resolver.resolve("b.test");
    assert.equal(resolver.lookups, 3, "b and c are still cached");
    await resolver.resolve("a.test");
    assert.equal(resolver.lookups, 4, "a was evicted");
  });

  it("shows its cache as Chromium's HostCache list for a net log's polledData", async () => {
    let now = 1000.4;
    const dns = countingLookup((name) =>
      Promise.resolve(
        name === "two.test" ? [ADDRESS, { address: "2001:db8::1", family: 6 }] : [
          ADDRESS,
        ],
      )
    );
    const resolver = new HostResolver({ lookup: dns.lookup, now: () => now, maxEntries: 5 });
    assert.deepEqual(resolver.infoValue(), { capacity: 5, network_changes: 0, entries: [] });
    await resolver.resolve("One.test");
    now = 2000;
    await resolver.resolve("two.test");
    // Neither literals nor localhost take a cache entry.
    await resolver.resolve("127.0.0.1");
    await resolver.resolve("localhost");
    const info = resolver.infoValue();
    assert.deepEqual(info.entries.map((e) => [e.hostname, e.expiration, e.ttl, e.ip_endpoints]), [
      ["one.test", "61000", 60_000, [{ endpoint_address: "192.0.2.7", endpoint_port: 0 }]],
      ["two.test", "62000", 60_000, [
        { endpoint_address: "192.0.2.7", endpoint_port: 0 },
        { endpoint_address: "2001:db8::1", endpoint_port: 0 },
      ]],
    ]);
    assert.deepEqual(Object.keys(info.entries[0]!).sort(), [
      "aliases",
      "dns_query_type",
      "expiration",
      "flags",
      "host_resolver_source",
      "hostname",
      "ip_endpoints",
      "network_anonymization_key",
      "network_changes",
      "secure",
      "ttl",
    ]);
    resolver.clear();
    assert.deepEqual(resolver.infoValue().entries, []);
  });

  it("rejects an aborted request with ERR_ABORTED while the shared query goes on", async () => {
    const dns = heldLookup();
    const resolver = new HostResolver({ lookup: dns.lookup });
    const controller = new AbortController();
    const aborted = resolver.resolve("example.test", { signal: controller.signal });
    const patient = resolver.resolve("example.test");
    controller.abort(new Error("user stop"));
    await assert.rejects(aborted, (error) => {
      assert.ok(SessionError.is(error));
      assert.equal(error.code, "ERR_ABORTED");
      assert.equal((error.cause as Error).message, "user stop");
      return true;
    });
    dns.held.resolve([ADDRESS]);
    assert.deepEqual(await patient, [ADDRESS]);
    assert.equal(resolver.size, 1);
  });

  it("lets a query fail quietly when every caller has aborted", async () => {
    const dns = heldLookup();
    const resolver = new HostResolver({ lookup: dns.lookup });
    const controller = new AbortController();
    const aborted = resolver.resolve("example.test", { signal: controller.signal });
    controller.abort();
    await assert.rejects(aborted, { code: "ERR_ABORTED" });
    dns.held.reject(dnsError("ENOTFOUND"));
    // An unhandled rejection would fail the run here, in both runtimes.
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(resolver.size, 0);
  });

  it("rejects at once for an already aborted signal, without a look-up", async () => {
    const dns = countingLookup();
    const resolver = new HostResolver({ lookup: dns.lookup });
    await assert.rejects(resolver.resolve("example.test", { signal: AbortSignal.abort() }), {
      code: "ERR_ABORTED",
    });
    assert.equal(resolver.lookups, 0);
  });

  it("follows a look-up's cache policy (Chromium's ResolveHostParameters)", async () => {
    let now = 1000;
    let answer = ADDRESS;
    const dns = countingLookup(() => Promise.resolve([answer]));
    const resolver = new HostResolver({ lookup: dns.lookup, now: () => now });
    await assert.rejects(resolver.resolve("example.test", { localOnly: true }), {
      code: "ERR_DNS_CACHE_MISS",
      errno: -804,
    });
    assert.equal(resolver.lookups, 0);
    await resolver.resolve("example.test");
    assert.deepEqual(await resolver.resolve("example.test", { localOnly: true }), [ADDRESS]);
    answer = { address: "192.0.2.8", family: 4 };
    assert.deepEqual(await resolver.resolve("example.test", { cacheUsage: "disallowed" }), [
      answer,
    ]);
    assert.equal(resolver.lookups, 2);
    // The fresh answer replaced the cached one.
    assert.deepEqual(await resolver.resolve("example.test"), [answer]);
    now += 60_000;
    assert.deepEqual(await resolver.resolve("example.test", { cacheUsage: "staleAllowed" }), [
      answer,
    ]);
    await assert.rejects(resolver.resolve("example.test", { localOnly: true }), {
      code: "ERR_DNS_CACHE_MISS",
    });
    assert.equal(resolver.lookups, 2);
    assert.deepEqual(await resolver.resolve("127.0.0.1", { localOnly: true }), [
      { address: "127.0.0.1", family: 4 },
    ]);
    assert.deepEqual(await resolver.resolve("localhost", { localOnly: true }), LOOPBACK);
  });

  it("throws for bad options and a non-string hostname", () => {
    assert.throws(() => new HostResolver({ ttlMs: -1 }), RangeError);
    assert.throws(() => new HostResolver({ ttlMs: Infinity }), RangeError);
    assert.throws(() => new HostResolver({ maxEntries: 0 }), RangeError);
    assert.throws(() => new HostResolver({ maxEntries: 1.5 }), RangeError);
    assert.throws(() => new HostResolver().resolve(42 as unknown as string), TypeError);
  });

  describe("with the system resolver (node:dns)", () => {
    it("resolves localhost to loopback without a look-up", async () => {
      const resolver = new HostResolver();
      assert.deepEqual(await resolver.resolve("localhost"), LOOPBACK);
      assert.equal(resolver.lookups, 0);
    });

    it("resolves this machine's own name through the hosts file", async () => {
      const resolver = new HostResolver();
      const addresses = await resolver.resolve(machineName());
      assert.ok(addresses.length > 0);
      for (const { address, family } of addresses) {
        assert.ok(family === 4 || family === 6, `family ${family}`);
        assert.equal(typeof address, "string");
      }
      assert.equal(resolver.lookups, 1);
    });

    it("fails an unresolvable name with ERR_NAME_NOT_RESOLVED", async () => {
      const resolver = new HostResolver();
      await assert.rejects(resolver.resolve("does-not-exist.invalid"), (error) => {
        isNameNotResolved(error);
        assert.ok((error as SessionError).cause instanceof Error);
        return true;
      });
    });
  });
});
