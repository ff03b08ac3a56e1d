import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TransportSecurityState } from "./transport_security_state.ts";

function clock(start = 1_700_000_000_000) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

describe("TransportSecurityState", () => {
  it("upgrades the host, and its subdomains only with includeSubDomains", () => {
    const state = new TransportSecurityState({ path: null });
    assert.equal(state.empty, true);
    assert.equal(state.processHeader("a.test", "max-age=600"), true);
    assert.equal(state.processHeader("b.test", "max-age=600; includeSubDomains"), true);
    assert.equal(state.empty, false);
    assert.equal(state.shouldUpgradeToSsl("a.test"), true);
    assert.equal(state.shouldUpgradeToSsl("A.TEST."), true);
    assert.equal(state.shouldUpgradeToSsl("www.a.test"), false);
    assert.equal(state.shouldUpgradeToSsl("x.y.b.test"), true);
    assert.equal(state.shouldUpgradeToSsl("c.test"), false);
    assert.equal(state.shouldUpgradeToSsl("test"), false);
  });

  it("forgets a host at its expiry and on max-age=0", () => {
    const time = clock();
    const state = new TransportSecurityState({ path: null, now: time.read });
    state.processHeader("a.test", "max-age=10");
    time.now += 9_999;
    assert.equal(state.shouldUpgradeToSsl("a.test"), true);
    time.now += 1;
    assert.equal(state.shouldUpgradeToSsl("a.test"), false);
    state.processHeader("b.test", "max-age=10");
    assert.equal(state.processHeader("b.test", "max-age=0"), true);
    assert.equal(state.shouldUpgradeToSsl("b.test"), false);
    assert.equal(state.processHeader("b.test", "max-age=0"), false, "nothing left to remove");
  });

  it("never learns an IP address, localhost, a bad header or a name DNS cannot carry", () => {
    const state = new TransportSecurityState({ path: null });
    for (const host of ["localhost", "LocalHost.", "app.localhost"]) {
      assert.equal(state.processHeader(host, "max-age=600"), false, host);
    }
    assert.equal(state.processHeader("localhost.test", "max-age=600"), true);
    state.processHeader("localhost.test", "max-age=0");
    assert.equal(state.processHeader("127.0.0.1", "max-age=600"), false);
    assert.equal(state.processHeader("[::1]", "max-age=600"), false);
    assert.equal(state.processHeader("a.test", "max-age=x"), false);
    assert.equal(state.processHeader(`${"x".repeat(64)}.test`, "max-age=600"), false);
    assert.equal(state.empty, true);
  });

  it("writes Chromium's TransportSecurity file: hashed hosts, seconds, version 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-hsts-"));
    try {
      const path = join(dir, "TransportSecurity");
      const time = clock();
      const state = new TransportSecurityState({ path, now: time.read });
      state.processHeader("Example.com", "max-age=600; includeSubDomains");
      const file = JSON.parse(readFileSync(path, "utf8"));
      // SHA-256 of the DNS wire form "\x07example\x03com\x00", spelled out here.
      const hash = createHash("sha256").update("\x07example\x03com\x00", "latin1").digest("base64");
      assert.deepEqual(file, {
        version: 2,
        sts: [{
          host: hash,
          mode: "force-https",
          sts_include_subdomains: true,
          sts_observed: time.now / 1000,
          expiry: time.now / 1000 + 600,
        }],
      });
      assert.ok(!readFileSync(path, "utf8").includes("example"), "no host in clear text");
      const reopened = new TransportSecurityState({ path, now: time.read });
      assert.equal(reopened.shouldUpgradeToSsl("www.example.com"), true);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("writes a new host at once, and a refresh of one it knows at most once a minute", () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-hsts-"));
    try {
      const path = join(dir, "TransportSecurity");
      const time = clock();
      const state = new TransportSecurityState({ path, now: time.read });
      const expiries = () =>
        (JSON.parse(readFileSync(path, "utf8")).sts as { expiry: number }[]).map((e) => e.expiry);
      const start = time.now / 1000;
      state.processHeader("a.test", "max-age=600");
      time.now += 1_000;
      state.processHeader("a.test", "max-age=600");
      assert.deepEqual(expiries(), [start + 600], "a refresh within the minute waits");
      state.processHeader("a.test", "max-age=600; includeSubDomains");
      assert.deepEqual(expiries(), [start + 601], "a changed entry goes at once");
      time.now += 60_000;
      state.processHeader("a.test", "max-age=600; includeSubDomains");
      assert.deepEqual(expiries(), [start + 661]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("reads its file at the first question, not when made", () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-hsts-"));
    try {
      const path = join(dir, "TransportSecurity");
      const state = new TransportSecurityState({ path });
      new TransportSecurityState({ path }).processHeader("a.test", "max-age=600");
      assert.equal(state.shouldUpgradeToSsl("a.test"), true);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("keeps another process's entries when it writes, and a removal of its own", () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-hsts-"));
    try {
      const path = join(dir, "TransportSecurity");
      const first = new TransportSecurityState({ path });
      const second = new TransportSecurityState({ path });
      first.processHeader("a.test", "max-age=600");
      second.processHeader("b.test", "max-age=600");
      const third = new TransportSecurityState({ path });
      assert.equal(third.shouldUpgradeToSsl("a.test"), true);
      assert.equal(third.shouldUpgradeToSsl("b.test"), true);
      third.processHeader("a.test", "max-age=0");
      const fourth = new TransportSecurityState({ path });
      assert.equal(fourth.shouldUpgradeToSsl("a.test"), false);
      assert.equal(fourth.shouldUpgradeToSsl("b.test"), true);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it("ignores a file that is not Chromium's format, and replaces it at the next change", () => {
    const dir = mkdtempSync(join(tmpdir(), "ses-hsts-"));
    try {
      const path = join(dir, "TransportSecurity");
      for (const text of ["{", "null", '{"version":1,"sts":[]}', '{"version":2,"sts":[7,{}]}']) {
        writeFileSync(path, text);
        const state = new TransportSecurityState({ path });
        assert.equal(state.empty, true, text);
        state.processHeader("a.test", "max-age=600");
        assert.equal(JSON.parse(readFileSync(path, "utf8")).sts.length, 1, text);
      }
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
