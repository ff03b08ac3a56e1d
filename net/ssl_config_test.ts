import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createSecureContext, DEFAULT_CIPHERS } from "node:tls";
import fc from "fast-check";
import { TLS12_CIPHER_SUITES } from "./_tls_cipher_suites.ts";
import { policyKey, resolveSSLConfig } from "./ssl_config.ts";

describe("resolveSSLConfig", () => {
  it("defaults to Chromium's TLS 1.2 to 1.3 and the runtime's ciphers", () => {
    assert.deepEqual(resolveSSLConfig({}), {
      minVersion: "TLSv1.2",
      maxVersion: "TLSv1.3",
      ciphers: DEFAULT_CIPHERS,
      disabledCipherSuites: [],
    });
    assert.deepEqual(
      resolveSSLConfig({ minVersion: undefined, maxVersion: undefined }),
      resolveSSLConfig({}),
    );
  });

  it("maps Electron's version names to node:tls ones", () => {
    assert.equal(resolveSSLConfig({ minVersion: "tls1" }).minVersion, "TLSv1");
    assert.equal(resolveSSLConfig({ minVersion: "tls1.1" }).minVersion, "TLSv1.1");
    assert.equal(resolveSSLConfig({ minVersion: "tls1.2" }).minVersion, "TLSv1.2");
    assert.equal(resolveSSLConfig({ minVersion: "tls1.3" }).minVersion, "TLSv1.3");
    assert.equal(resolveSSLConfig({ maxVersion: "tls1.2" }).maxVersion, "TLSv1.2");
    assert.equal(resolveSSLConfig({ maxVersion: "tls1.3" }).maxVersion, "TLSv1.3");
  });

  it("rejects a version Electron does not accept, naming it", () => {
    assert.throws(() => resolveSSLConfig({ minVersion: "tls9" }), {
      name: "TypeError",
      message: 'Invalid minVersion "tls9": must be "tls1", "tls1.1", "tls1.2" or "tls1.3"',
    });
    assert.throws(() => resolveSSLConfig({ minVersion: "TLSv1.2" }), TypeError);
    assert.throws(() => resolveSSLConfig({ minVersion: 12 }), {
      name: "TypeError",
      message: /^Invalid minVersion 12:/,
    });
    // Electron's converter refuses a ceiling below TLS 1.2.
    assert.throws(() => resolveSSLConfig({ maxVersion: "tls1.1" }), {
      name: "TypeError",
      message: 'Invalid maxVersion "tls1.1": must be "tls1.2" or "tls1.3"',
    });
    assert.throws(() => resolveSSLConfig({ maxVersion: "tls1" }), TypeError);
    assert.throws(() => resolveSSLConfig({ maxVersion: null }), TypeError);
  });

  it("rejects a minimum above the maximum with a RangeError", () => {
    assert.throws(() => resolveSSLConfig({ minVersion: "tls1.3", maxVersion: "tls1.2" }), {
      name: "RangeError",
      message: 'Invalid SSL config: minVersion "tls1.3" is above maxVersion "tls1.2"',
    });
    assert.equal(
      resolveSSLConfig({ minVersion: "tls1.3", maxVersion: "tls1.3" }).minVersion,
      "TLSv1.3",
    );
  });

  it("takes only an object", () => {
    for (const value of [null, undefined, "tls1.2", 3, [], () => {}]) {
      assert.throws(() => resolveSSLConfig(value), {
        name: "TypeError",
        message: /^Invalid SSL config: expected an object, got /,
      });
    }
  });

  it("checks disabledCipherSuites: an array of integers from 0 to 0xffff", () => {
    assert.throws(() => resolveSSLConfig({ disabledCipherSuites: 0xc02f }), TypeError);
    assert.throws(() => resolveSSLConfig({ disabledCipherSuites: "0xc02f" }), TypeError);
    assert.throws(() => resolveSSLConfig({ disabledCipherSuites: [1.5] }), TypeError);
    assert.throws(() => resolveSSLConfig({ disabledCipherSuites: ["0xc02f"] }), {
      name: "TypeError",
      message: 'Invalid cipher suite "0xc02f" in disabledCipherSuites: must be an integer',
    });
    assert.throws(() => resolveSSLConfig({ disabledCipherSuites: [-1] }), RangeError);
    assert.throws(() => resolveSSLConfig({ disabledCipherSuites: [0x10000] }), {
      name: "RangeError",
      message: "Invalid cipher suite 65536 in disabledCipherSuites: must be between 0 and 0xffff",
    });
  });

  it("removes disabled suites from the cipher list, for good", () => {
    const ssl = resolveSSLConfig({ disabledCipherSuites: [0xc02f, 0x009c, 0xc02f] });
    assert.deepEqual(ssl.disabledCipherSuites, [0x009c, 0xc02f]);
    assert.equal(ssl.ciphers, `${DEFAULT_CIPHERS}:!AES128-GCM-SHA256:!ECDHE-RSA-AES128-GCM-SHA256`);
  });

  it("accepts and ignores unknown suites and TLS 1.3 suites, as Electron does", () => {
    const ssl = resolveSSLConfig({ disabledCipherSuites: [0x0004, 0x1301, 0x1302] });
    assert.equal(ssl.ciphers, DEFAULT_CIPHERS);
    assert.deepEqual(ssl.disabledCipherSuites, [0x0004, 0x1301, 0x1302]);
  });

  it("builds cipher strings the runtime's TLS library accepts", () => {
    const ssl = resolveSSLConfig({ disabledCipherSuites: [...TLS12_CIPHER_SUITES.keys()] });
    createSecureContext({ ciphers: ssl.ciphers, minVersion: ssl.minVersion });
  });

  it("always yields a version range node:tls accepts, with the suites sorted", () => {
    const versions = fc.constantFrom("tls1", "tls1.1", "tls1.2", "tls1.3", undefined);
    fc.assert(
      fc.property(
        versions,
        versions,
        fc.array(fc.integer({ min: 0, max: 0xffff })),
        (minVersion, maxVersion, disabledCipherSuites) => {
          const order = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];
          let ssl;
          try {
            ssl = resolveSSLConfig({ minVersion, maxVersion, disabledCipherSuites });
          } catch (error) {
            assert.ok(error instanceof TypeError || error instanceof RangeError);
            return;
          }
          assert.ok(order.indexOf(ssl.minVersion) <= order.indexOf(ssl.maxVersion));
          assert.ok(order.indexOf(ssl.maxVersion) >= 2);
          assert.deepEqual(
            ssl.disabledCipherSuites,
            [...new Set(disabledCipherSuites)].sort((a, b) => a - b),
          );
        },
      ),
    );
  });
});

describe("policyKey", () => {
  it("is equal for equal policies, whatever the order and repeats of the suites", () => {
    const suite = fc.integer({ min: 0, max: 0xffff });
    fc.assert(
      fc.property(fc.array(suite), fc.array(suite), (a, b) => {
        const keyA = policyKey(resolveSSLConfig({ disabledCipherSuites: a }));
        const keyB = policyKey(resolveSSLConfig({ disabledCipherSuites: [...b, ...a] }));
        const sameSet = b.every((value) => a.includes(value));
        assert.equal(keyA === keyB, sameSet);
      }),
    );
  });

  it("differs when a version differs", () => {
    const keys = new Set([
      policyKey(resolveSSLConfig({})),
      policyKey(resolveSSLConfig({ minVersion: "tls1" })),
      policyKey(resolveSSLConfig({ minVersion: "tls1.3" })),
      policyKey(resolveSSLConfig({ maxVersion: "tls1.2" })),
      policyKey(resolveSSLConfig({ minVersion: "tls1.1", maxVersion: "tls1.2" })),
    ]);
    assert.equal(keys.size, 5);
  });

  it("is stable across calls", () => {
    const config = { minVersion: "tls1.1", disabledCipherSuites: [0xc02f] };
    assert.equal(policyKey(resolveSSLConfig(config)), policyKey(resolveSSLConfig(config)));
    assert.equal(policyKey(resolveSSLConfig(config)), "TLSv1.1-TLSv1.3/c02f");
  });
});
