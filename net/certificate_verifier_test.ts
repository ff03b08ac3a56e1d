import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { TLSSocket } from "node:tls";
import type { CertificateVerifyRequest } from "../core/electron_types.ts";
import { SessionError } from "../core/session_error.ts";
import { makeTestCertificates, makeTestLeaf } from "../tests/fixtures/tls_certs.ts";
import { handshake, startTlsServer, type TestServer } from "../tests/fixtures/tls_servers.ts";
import { CertificateVerifier } from "./certificate_verifier.ts";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runFixture } from "../tests/fixtures/run_fixture.ts";

const certs = makeTestCertificates();
// OpenSSL signs MD5 only with RSA keys.
const rsaCerts = makeTestCertificates({ keyType: "rsa" });
// The roots the test sockets trust besides the defaults, told to the verifier too.
const TRUSTED = [certs.ca.cert];

function rejectsWith(promise: Promise<unknown>, code: string, errno: number): Promise<void> {
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(SessionError.is(error), `expected a SessionError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.errno, errno);
    assert.equal(error.message, `net::${code}`);
    return true;
  });
}

describe("CertificateVerifier", () => {
  const servers: Record<string, TestServer> = {};
  const sockets: TLSSocket[] = [];

  before(async () => {
    servers.good = await startTlsServer(certs.server);
    servers.chain = await startTlsServer({
      key: certs.server.key,
      cert: certs.server.cert + certs.ca.cert,
    });
    servers.expired = await startTlsServer(certs.expired);
    servers.wrongHost = await startTlsServer(certs.wrongHost);
    servers.selfSigned = await startTlsServer(certs.selfSigned);
    servers.cnOnly = await startTlsServer(makeTestLeaf(certs.ca, { subjectAltName: null }));
    servers.clientAuth = await startTlsServer(
      makeTestLeaf(certs.ca, { extendedKeyUsage: "clientAuth" }),
    );
    servers.sha1 = await startTlsServer(makeTestLeaf(certs.ca, { digest: "sha1" }));
    servers.md5 = await startTlsServer(
      makeTestLeaf(rsaCerts.ca, { digest: "md5", keyType: "rsa" }),
    );
    // An intermediate whose extendedKeyUsage leaves out serverAuth, sent with its leaf.
    const clientAuthCa = makeTestLeaf(certs.ca, {
      isCa: true,
      commonName: "client-only CA",
      subjectAltName: null,
      extendedKeyUsage: "clientAuth",
    });
    const underClientAuthCa = makeTestLeaf(clientAuthCa);
    servers.clientAuthIntermediate = await startTlsServer({
      key: underClientAuthCa.key,
      cert: underClientAuthCa.cert + clientAuthCa.cert,
    });
    // An intermediate constrained to example.com, signing a leaf for localhost.
    const constrainedCa = makeTestLeaf(certs.ca, {
      isCa: true,
      commonName: "example.com CA",
      subjectAltName: null,
      extendedKeyUsage: "serverAuth",
      extraExtensions: ["nameConstraints=critical,permitted;DNS:example.com"],
    });
    const outsideConstraints = makeTestLeaf(constrainedCa);
    servers.outsideConstraints = await startTlsServer({
      key: outsideConstraints.key,
      cert: outsideConstraints.cert + constrainedCa.cert,
    });
    servers.wildcards = await startTlsServer(makeTestLeaf(certs.ca, {
      subjectAltName: "DNS:*.co.uk,DNS:f*.example.com,DNS:*.test.example,DNS:Upper.Example.ORG.," +
        "DNS:127.0.0.2,IP:::1",
    }));
  });

  after(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(Object.values(servers).map((server) => server.close()));
  });

  async function connect(name: string, trustCa = true): Promise<TLSSocket> {
    const socket = await handshake(
      servers[name]!.port,
      "localhost",
      trustCa ? [certs.ca.cert] : undefined,
    );
    sockets.push(socket);
    return socket;
  }

  describe("default verification", () => {
    it("accepts a certificate from a trusted CA for its host name and IP", async () => {
      const verifier = new CertificateVerifier();
      const socket = await connect("good");
      await verifier.verify("localhost", socket);
      await verifier.verify("127.0.0.1", socket);
    });

    it("rejects an unknown issuer with ERR_CERT_AUTHORITY_INVALID", async () => {
      const verifier = new CertificateVerifier();
      await rejectsWith(
        verifier.verify("localhost", await connect("good", false)),
        "ERR_CERT_AUTHORITY_INVALID",
        -202,
      );
    });

    it("rejects a self-signed certificate with ERR_CERT_AUTHORITY_INVALID", async () => {
      await rejectsWith(
        new CertificateVerifier().verify("localhost", await connect("selfSigned", false)),
        "ERR_CERT_AUTHORITY_INVALID",
        -202,
      );
    });

    it("rejects a certificate for another host with ERR_CERT_COMMON_NAME_INVALID", async () => {
      const verifier = new CertificateVerifier();
      await rejectsWith(
        verifier.verify("localhost", await connect("wrongHost"), TRUSTED),
        "ERR_CERT_COMMON_NAME_INVALID",
        -200,
      );
      await rejectsWith(
        verifier.verify("other.example", await connect("good"), TRUSTED),
        "ERR_CERT_COMMON_NAME_INVALID",
        -200,
      );
    });

    it("ignores the subject's CN: a certificate without subjectAltName fits no host", async () => {
      // Chromium 58 dropped the CN fallback (X509Certificate::VerifyHostname reads only SANs).
      await rejectsWith(
        new CertificateVerifier().verify("localhost", await connect("cnOnly"), TRUSTED),
        "ERR_CERT_COMMON_NAME_INVALID",
        -200,
      );
    });

    it("matches names by Chromium's rules, not Node's", async () => {
      // X509Certificate::VerifyHostname: no wildcard under a public suffix, only a whole-label
      // wildcard, IP addresses only against IP entries, case and a trailing dot ignored.
      const cases: [string, boolean][] = [
        ["shop.co.uk", false],
        ["foo.example.com", false],
        ["a.test.example", true],
        ["a.b.test.example", false],
        ["upper.example.org", true],
        ["upper.example.org.", true],
        ["127.0.0.2", false],
        ["::1", true],
        ["[::1]", true],
      ];
      for (const [hostname, good] of cases) {
        const verdict = new CertificateVerifier().verify(
          hostname,
          await connect("wildcards"),
          TRUSTED,
        );
        if (good) await verdict;
        else await rejectsWith(verdict, "ERR_CERT_COMMON_NAME_INVALID", -200);
      }
    });

    it("rejects a certificate whose extendedKeyUsage leaves out serverAuth with ERR_CERT_INVALID", async () => {
      // The path builder's kEkuLacksServerAuth maps to no other status (CERT_STATUS_INVALID).
      await rejectsWith(
        new CertificateVerifier().verify("localhost", await connect("clientAuth"), TRUSTED),
        "ERR_CERT_INVALID",
        -207,
      );
      // Chromium checks the intermediates' extendedKeyUsage too (VerifyExtendedKeyUsage).
      await rejectsWith(
        new CertificateVerifier().verify(
          "localhost",
          await connect("clientAuthIntermediate"),
          TRUSTED,
        ),
        "ERR_CERT_INVALID",
        -207,
      );
    });

    it("rejects a SHA-1 signature with ERR_CERT_WEAK_SIGNATURE_ALGORITHM, an MD5 one with ERR_CERT_INVALID", async () => {
      // CertVerifyProc::Verify flags SHA-1 in a chain that reaches a root; an MD5 certificate
      // cannot be parsed by Chromium at all.
      await rejectsWith(
        new CertificateVerifier().verify("localhost", await connect("sha1"), TRUSTED),
        "ERR_CERT_WEAK_SIGNATURE_ALGORITHM",
        -208,
      );
      await rejectsWith(
        new CertificateVerifier().verify("localhost", await connect("sha1", false)),
        "ERR_CERT_AUTHORITY_INVALID",
        -202,
      );
      const md5 = await handshake(servers.md5!.port, "localhost", [rsaCerts.ca.cert]);
      sockets.push(md5);
      await rejectsWith(
        new CertificateVerifier().verify("localhost", md5, [rsaCerts.ca.cert]),
        "ERR_CERT_INVALID",
        -207,
      );
    });

    it("rejects a name outside an intermediate's name constraints with ERR_CERT_INVALID", async () => {
      // The path builder's kNotPermittedByNameConstraints maps to CERT_STATUS_INVALID.
      await rejectsWith(
        new CertificateVerifier().verify("localhost", await connect("outsideConstraints"), TRUSTED),
        "ERR_CERT_INVALID",
        -207,
      );
    });

    it("judges only the path up to the first trusted root, not a SHA-1 cross-certificate beyond it", async () => {
      // The server sends the CA again as cross-signed (SHA-1) by another trusted root; Chromium's
      // path ends at the CA itself, which is trusted, and the cross-certificate plays no part.
      const legacyRoot = makeTestCertificates({ caName: "legacy root" }).ca;
      const crossSigned = makeTestLeaf(legacyRoot, {
        isCa: true,
        commonName: "ses test CA",
        subjectAltName: null,
        key: certs.ca.key,
        digest: "sha1",
      });
      await using server = await startTlsServer({
        key: certs.server.key,
        cert: certs.server.cert + crossSigned.cert,
      });
      const socket = await handshake(server.port, "localhost", [certs.ca.cert, legacyRoot.cert]);
      sockets.push(socket);
      await new CertificateVerifier().verify("localhost", socket, [
        certs.ca.cert,
        legacyRoot.cert,
      ]);
      // Nor a cross-certificate whose extendedKeyUsage leaves out serverAuth.
      const clientOnlyCross = makeTestLeaf(legacyRoot, {
        isCa: true,
        commonName: "ses test CA",
        subjectAltName: null,
        key: certs.ca.key,
        extendedKeyUsage: "clientAuth",
      });
      await using clientOnlyServer = await startTlsServer({
        key: certs.server.key,
        cert: certs.server.cert + clientOnlyCross.cert,
      });
      const clientOnlySocket = await handshake(clientOnlyServer.port, "localhost", [
        certs.ca.cert,
        legacyRoot.cert,
      ]);
      sockets.push(clientOnlySocket);
      await new CertificateVerifier().verify("localhost", clientOnlySocket, [
        certs.ca.cert,
        legacyRoot.cert,
      ]);
    });

    it("rejects an expired certificate with ERR_CERT_DATE_INVALID", async () => {
      await rejectsWith(
        new CertificateVerifier().verify("localhost", await connect("expired"), TRUSTED),
        "ERR_CERT_DATE_INVALID",
        -201,
      );
    });

    it("reports the most serious of several errors, in Chromium's order", async () => {
      const verifier = new CertificateVerifier();
      // OpenSSL reports the date of an expired certificate from an unknown issuer; Chromium
      // flags both and the unknown issuer outranks the date.
      await rejectsWith(
        verifier.verify("localhost", await connect("expired", false)),
        "ERR_CERT_AUTHORITY_INVALID",
        -202,
      );
      // Unknown issuer outranks a wrong name; a wrong name outranks a bad date.
      await rejectsWith(
        verifier.verify("other.example", await connect("good", false)),
        "ERR_CERT_AUTHORITY_INVALID",
        -202,
      );
      await rejectsWith(
        verifier.verify("other.example", await connect("expired"), TRUSTED),
        "ERR_CERT_COMMON_NAME_INVALID",
        -200,
      );
    });
  });

  describe("verify proc", () => {
    it("accepts a bad certificate when the proc answers 0, telling the error it let through", async () => {
      const verifier = new CertificateVerifier();
      verifier.setProc((_request, callback) => callback(0));
      assert.equal(
        await verifier.verify("localhost", await connect("selfSigned", false)),
        "ERR_CERT_AUTHORITY_INVALID",
      );
      assert.equal(
        await verifier.verify("localhost", await connect("expired"), TRUSTED),
        "ERR_CERT_DATE_INVALID",
      );
      assert.equal(await verifier.verify("localhost", await connect("good"), TRUSTED), undefined);
    });

    it("rejects a good certificate with ERR_FAILED when the proc answers -2", async () => {
      const verifier = new CertificateVerifier();
      verifier.setProc((_request, callback) => callback(-2));
      await rejectsWith(
        verifier.verify("localhost", await connect("good"), TRUSTED),
        "ERR_FAILED",
        -2,
      );
    });

    it("keeps the default verdict when the proc answers -3", async () => {
      const verifier = new CertificateVerifier();
      verifier.setProc((_request, callback) => callback(-3));
      await verifier.verify("localhost", await connect("good"), TRUSTED);
      await rejectsWith(
        verifier.verify("localhost", await connect("expired"), TRUSTED),
        "ERR_CERT_DATE_INVALID",
        -201,
      );
    });

    it("rejects with the net error the proc answers, ERR_FAILED for anything else", async () => {
      const socket = await connect("good");
      const cases: [unknown, string, number][] = [
        [-202, "ERR_CERT_AUTHORITY_INVALID", -202],
        [-106, "ERR_INTERNET_DISCONNECTED", -106],
        [-9999, "ERR_FAILED", -2],
        [1, "ERR_FAILED", -2],
        [-1.5, "ERR_FAILED", -2],
        ["0", "ERR_FAILED", -2],
        [undefined, "ERR_FAILED", -2],
      ];
      for (const [answer, code, errno] of cases) {
        const verifier = new CertificateVerifier();
        verifier.setProc((_request, callback) => (callback as (value: unknown) => void)(answer));
        await rejectsWith(verifier.verify("localhost", socket), code, errno);
      }
    });

    it("passes Electron's request for a certificate the default verifier rejects", async () => {
      const verifier = new CertificateVerifier();
      const requests: CertificateVerifyRequest[] = [];
      verifier.setProc((request, callback) => {
        requests.push(request);
        callback(0);
      });
      await verifier.verify("localhost", await connect("good", false));
      const [request] = requests;
      assert.ok(request);
      assert.deepEqual(Object.keys(request), [
        "hostname",
        "certificate",
        "validatedCertificate",
        "isIssuedByKnownRoot",
        "verificationResult",
        "errorCode",
      ]);
      assert.equal(request.hostname, "localhost");
      assert.equal(request.certificate.subjectName, "localhost");
      assert.equal(request.certificate.issuerName, "ses test CA");
      assert.match(request.certificate.fingerprint, /^sha256\/[A-Za-z0-9+/]{43}=$/);
      assert.equal(request.validatedCertificate.fingerprint, request.certificate.fingerprint);
      assert.equal(request.isIssuedByKnownRoot, false);
      assert.equal(request.verificationResult, "net::ERR_CERT_AUTHORITY_INVALID");
      assert.equal(request.errorCode, -202);
    });

    it("passes net::OK for a good certificate, not issued by a known root", async () => {
      const verifier = new CertificateVerifier();
      const requests: CertificateVerifyRequest[] = [];
      verifier.setProc((request, callback) => {
        requests.push(request);
        callback(-3);
      });
      await verifier.verify("localhost", await connect("chain"), TRUSTED);
      const [request] = requests;
      assert.ok(request);
      assert.equal(request.verificationResult, "net::OK");
      assert.equal(request.errorCode, 0);
      // Trusted, but through a root the session added: Chromium says not a known root.
      assert.equal(request.isIssuedByKnownRoot, false);
      assert.equal(request.certificate.issuerCert?.subjectName, "ses test CA");
    });

    it("passes the chain up to the trusted root as validatedCertificate when the peer's chain stops short", async () => {
      // Trusted through NODE_EXTRA_CA_CERTS, the CA is missing from Deno's peer chain (Bun's
      // includes it); Chromium's verified chain always ends at the trust anchor.
      const dir = mkdtempSync(join(tmpdir(), "ses-extra-ca-"));
      try {
        const caFile = join(dir, "ca.pem");
        writeFileSync(caFile, certs.ca.cert);
        const run = await runFixture(
          new URL("../tests/fixtures/extra_ca_verify.ts", import.meta.url),
          20_000,
          { NODE_EXTRA_CA_CERTS: caFile, SES_FIXTURE_PORT: String(servers.good!.port) },
        );
        assert.equal(run.code, 0);
        const printed = JSON.parse(run.out);
        assert.equal(printed.verificationResult, "net::OK");
        assert.equal(printed.certificate[0], "localhost");
        assert.deepEqual(printed.validatedCertificate, ["localhost", "ses test CA"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("waits for a callback called later", async () => {
      const verifier = new CertificateVerifier();
      verifier.setProc((_request, callback) => {
        setTimeout(() => callback(-2), 5);
      });
      await rejectsWith(
        verifier.verify("localhost", await connect("good"), TRUSTED),
        "ERR_FAILED",
        -2,
      );
    });

    it("rejects with ERR_FAILED when the proc throws or its promise rejects", async () => {
      const socket = await connect("good");
      const throwing = new CertificateVerifier();
      throwing.setProc(() => {
        throw new Error("proc bug");
      });
      await rejectsWith(throwing.verify("localhost", socket), "ERR_FAILED", -2);
      const asyncThrowing = new CertificateVerifier();
      asyncThrowing.setProc(async () => {
        await Promise.resolve();
        throw new Error("async proc bug");
      });
      await rejectsWith(asyncThrowing.verify("localhost", socket), "ERR_FAILED", -2);
    });

    it("ignores a second call of the callback and a throw after the first", async () => {
      const socket = await connect("selfSigned", false);
      const twice = new CertificateVerifier();
      twice.setProc((_request, callback) => {
        callback(0);
        callback(-2);
      });
      await twice.verify("localhost", socket);
      const throwsAfter = new CertificateVerifier();
      throwsAfter.setProc((_request, callback) => {
        callback(0);
        throw new Error("after the answer");
      });
      await throwsAfter.verify("localhost", socket);
    });

    it("goes back to the default verifier after setProc(null)", async () => {
      const verifier = new CertificateVerifier();
      verifier.setProc((_request, callback) => callback(0));
      const socket = await connect("expired");
      await verifier.verify("localhost", socket, TRUSTED);
      verifier.setProc(null);
      await rejectsWith(
        verifier.verify("localhost", socket, TRUSTED),
        "ERR_CERT_DATE_INVALID",
        -201,
      );
    });

    it("takes only a function or null, with Electron's message", () => {
      const verifier = new CertificateVerifier();
      for (const value of ["proc", undefined, 0, {}]) {
        assert.throws(
          () => verifier.setProc(value as unknown as null),
          { name: "TypeError", message: "Must pass null or function" },
        );
      }
    });
  });

  describe("verdict cache", () => {
    it("asks the proc once per host and certificate", async () => {
      const verifier = new CertificateVerifier();
      let calls = 0;
      const proc = (_request: CertificateVerifyRequest, callback: (result: number) => void) => {
        calls++;
        callback(0);
      };
      verifier.setProc(proc);
      await verifier.verify("localhost", await connect("good"), TRUSTED);
      await verifier.verify("localhost", await connect("good"), TRUSTED);
      assert.equal(calls, 1);
      await verifier.verify("127.0.0.1", await connect("good"), TRUSTED);
      assert.equal(calls, 2, "another host name is another verification");
      verifier.setProc(proc);
      await verifier.verify("localhost", await connect("good"), TRUSTED);
      assert.equal(calls, 3, "setProc forgets the cached verdicts");
      verifier.clearCache();
      await verifier.verify("localhost", await connect("good"), TRUSTED);
      assert.equal(calls, 4, "clearCache forgets them too");
    });

    it("asks the proc again once a verdict is 30 minutes old, as CachingCertVerifier's TTL", async () => {
      // chromium/src/net/cert/caching_cert_verifier.cc: kTTLSecs = 1800, from the verification's
      // start; a clock set back before that start also makes the entry stale.
      let now = Date.UTC(2026, 0, 1);
      const verifier = new CertificateVerifier({ now: () => now });
      let calls = 0;
      verifier.setProc((_request, callback) => {
        calls++;
        callback(0);
      });
      const socket = await connect("good");
      await verifier.verify("localhost", socket, TRUSTED);
      now += 1_799_999;
      await verifier.verify("localhost", socket, TRUSTED);
      assert.equal(calls, 1, "still fresh just under 30 minutes");
      now += 1;
      await verifier.verify("localhost", socket, TRUSTED);
      assert.equal(calls, 2, "asked again at 30 minutes");
      now -= 60_000;
      await verifier.verify("localhost", socket, TRUSTED);
      assert.equal(calls, 3, "asked again when the clock went back before the verdict");
    });

    it("caches rejections as well", async () => {
      const verifier = new CertificateVerifier();
      let calls = 0;
      verifier.setProc((_request, callback) => {
        calls++;
        callback(-2);
      });
      const socket = await connect("good");
      await rejectsWith(verifier.verify("localhost", socket), "ERR_FAILED", -2);
      await rejectsWith(verifier.verify("localhost", socket), "ERR_FAILED", -2);
      assert.equal(calls, 1);
    });

    it("shares one proc call between verifications in flight", async () => {
      const verifier = new CertificateVerifier();
      let calls = 0;
      verifier.setProc((_request, callback) => {
        calls++;
        setTimeout(() => callback(0), 5);
      });
      const [a, b] = [await connect("good"), await connect("good")];
      await Promise.all([verifier.verify("localhost", a), verifier.verify("localhost", b)]);
      assert.equal(calls, 1);
    });

    it("keeps the 256 most recently used verdicts", async () => {
      const verifier = new CertificateVerifier();
      const asked: string[] = [];
      verifier.setProc((request, callback) => {
        asked.push(request.hostname);
        callback(0);
      });
      const socket = await connect("good");
      for (let i = 0; i <= 256; i++) await verifier.verify(`h${i}.test`, socket);
      assert.equal(asked.length, 257);
      await verifier.verify("h256.test", socket);
      assert.equal(asked.length, 257, "a recent verdict is kept");
      await verifier.verify("h0.test", socket);
      assert.equal(asked.length, 258, "the oldest verdict was dropped");
    });

    it("keeps sessions apart: each verifier has its own proc and cache", async () => {
      const first = new CertificateVerifier();
      const second = new CertificateVerifier();
      const third = new CertificateVerifier();
      let firstCalls = 0;
      let secondCalls = 0;
      first.setProc((_request, callback) => {
        firstCalls++;
        callback(-2);
      });
      second.setProc((_request, callback) => {
        secondCalls++;
        callback(0);
      });
      const socket = await connect("selfSigned", false);
      await rejectsWith(first.verify("localhost", socket), "ERR_FAILED", -2);
      await second.verify("localhost", socket);
      await rejectsWith(third.verify("localhost", socket), "ERR_CERT_AUTHORITY_INVALID", -202);
      assert.deepEqual([firstCalls, secondCalls], [1, 1]);
      first.clearCache();
      await second.verify("localhost", socket);
      assert.equal(secondCalls, 1, "clearing one session's cache leaves the other's");
    });
  });
});
