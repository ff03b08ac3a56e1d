import { after, describe, it } from "node:test";
import { Buffer } from "node:buffer";
import assert from "node:assert/strict";
import { getEventListeners, once } from "node:events";
import type { Socket } from "node:net";
import { connect, type TLSSocket } from "node:tls";
import { X509Certificate } from "node:crypto";
import type { NetLogEntry } from "../core/net_log_sink.ts";
import { SessionError } from "../core/session_error.ts";
import { makeTestCertificates, makeTestLeaf } from "../tests/fixtures/tls_certs.ts";
import { cipherSuiteNumber } from "./_tls_cipher_suites.ts";
import {
  openTcp,
  startOpensslServer,
  startTcpServer,
  startTlsServer,
} from "../tests/fixtures/tls_servers.ts";
import { CertificateVerifier } from "./certificate_verifier.ts";
import { resolveSSLConfig } from "./ssl_config.ts";
import { connectTls, type ConnectTlsOptions } from "./tls_connect.ts";

const certs = makeTestCertificates();
const trusted = [certs.ca.cert];

function options(overrides: Partial<ConnectTlsOptions> = {}): ConnectTlsOptions {
  return {
    hostname: "localhost",
    ssl: resolveSSLConfig({}),
    verifier: new CertificateVerifier(),
    ca: trusted,
    ...overrides,
  };
}

function rejectsWith(promise: Promise<unknown>, code: string, errno: number): Promise<void> {
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(SessionError.is(error), `expected a SessionError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.errno, errno);
    return true;
  });
}

describe("connectTls", () => {
  const sockets: (Socket | TLSSocket)[] = [];
  after(() => {
    for (const socket of sockets) socket.destroy();
  });

  async function tcp(port: number): Promise<Socket> {
    const socket = await openTcp(port);
    sockets.push(socket);
    return socket;
  }

  async function secure(port: number, overrides?: Partial<ConnectTlsOptions>) {
    const socket = await connectTls(await tcp(port), options(overrides));
    sockets.push(socket);
    socket.on("error", () => {});
    return socket;
  }

  describe("certificates", () => {
    it("connects to a server whose CA is trusted and exchanges bytes", async () => {
      await using server = await startTlsServer({ ...certs.server, ALPNProtocols: ["http/1.1"] });
      const socket = await secure(server.port);
      assert.equal(socket.getProtocol(), "TLSv1.3");
      assert.equal(socket.alpnProtocol, "http/1.1");
      socket.write("ping");
      const [echoed] = await once(socket, "data");
      assert.equal(String(echoed), "ping");
    });

    it("connects to an IP literal without sending it as SNI", async () => {
      await using server = await startTlsServer(certs.server);
      const socket = await secure(server.port, { hostname: "127.0.0.1" });
      assert.equal(socket.servername || undefined, undefined);
    });

    it("rejects an untrusted CA with ERR_CERT_AUTHORITY_INVALID", async () => {
      await using server = await startTlsServer(certs.server);
      await rejectsWith(secure(server.port, { ca: undefined }), "ERR_CERT_AUTHORITY_INVALID", -202);
    });

    it("rejects a certificate for another host with ERR_CERT_COMMON_NAME_INVALID", async () => {
      await using server = await startTlsServer(certs.wrongHost);
      await rejectsWith(secure(server.port), "ERR_CERT_COMMON_NAME_INVALID", -200);
    });

    it("rejects an expired certificate with ERR_CERT_DATE_INVALID", async () => {
      await using server = await startTlsServer(certs.expired);
      await rejectsWith(secure(server.port), "ERR_CERT_DATE_INVALID", -201);
    });

    it("lets the verify proc accept a bad certificate and reject a good one", async () => {
      await using bad = await startTlsServer(certs.selfSigned);
      await using good = await startTlsServer(certs.server);
      const accepting = new CertificateVerifier();
      accepting.setProc((_request, callback) => callback(0));
      const socket = await secure(bad.port, { verifier: accepting });
      socket.write("still works");
      assert.equal(String((await once(socket, "data"))[0]), "still works");
      const rejecting = new CertificateVerifier();
      rejecting.setProc((_request, callback) => callback(-2));
      await rejectsWith(secure(good.port, { verifier: rejecting }), "ERR_FAILED", -2);
    });

    it("refuses an RSA certificate whose keyUsage does not allow signing with ERR_SSL_KEY_USAGE_INCOMPATIBLE", async () => {
      // Chromium enforces RSA keyUsage for every root (SSL_set_enforce_rsa_key_usage): an ECDHE
      // or TLS 1.3 handshake needs digitalSignature. BoringSSL (Bun) refuses in the handshake,
      // Deno's rustls does not look; a verify proc accepting the certificate changes nothing.
      await using server = await startTlsServer(
        makeTestLeaf(certs.ca, { keyType: "rsa", keyUsage: "critical,keyEncipherment" }),
      );
      await rejectsWith(secure(server.port), "ERR_SSL_KEY_USAGE_INCOMPATIBLE", -181);
      const verifier = new CertificateVerifier();
      verifier.setProc((_request, callback) => callback(0));
      await rejectsWith(secure(server.port, { verifier }), "ERR_SSL_KEY_USAGE_INCOMPATIBLE", -181);
    });

    it("logs the certificates received before the verdict, a refused one too", async () => {
      // Chromium adds SSL_CERTIFICATES_RECEIVED in VerifyCert, before the verifier answers, so
      // a net log of a certificate error shows the certificate.
      await using server = await startTlsServer(certs.expired);
      const entries: NetLogEntry[] = [];
      const source = { id: 1, type: "SOCKET", startTime: Date.now() };
      const sink = {
        capturing: true,
        newSource: () => source,
        add: (entry: NetLogEntry) => void entries.push(entry),
      };
      await rejectsWith(
        secure(server.port, { netLog: { sink, source } }),
        "ERR_CERT_DATE_INVALID",
        -201,
      );
      assert.deepEqual(entries.map((entry) => `${entry.type} ${entry.phase}`), [
        "SSL_CONNECT PHASE_BEGIN",
        "SSL_CERTIFICATES_RECEIVED PHASE_NONE",
        "SSL_CONNECT PHASE_END",
      ]);
      const [certificate] = entries[1]!.params!.certificates as string[];
      assert.equal(certificate, new X509Certificate(certs.expired.cert).toString());
      assert.deepEqual(entries[2]!.params, { net_error: -201 });
    });

    it("destroys both sockets when verification fails", async () => {
      await using server = await startTlsServer(certs.expired);
      const raw = await tcp(server.port);
      await rejectsWith(connectTls(raw, options()), "ERR_CERT_DATE_INVALID", -201);
      assert.equal(raw.destroyed, true);
    });
  });

  describe("listeners", () => {
    it("leaves none of its own on the sockets or the signal after success", async () => {
      await using server = await startTlsServer(certs.server);
      // What node:tls itself keeps on a socket made the same way, to compare against.
      const plainRaw = await tcp(server.port);
      const plain = connect({ socket: plainRaw, servername: "localhost", ca: trusted });
      sockets.push(plain);
      await once(plain, "secureConnect");
      const raw = await tcp(server.port);
      const controller = new AbortController();
      const socket = await connectTls(raw, options({ signal: controller.signal }));
      sockets.push(socket);
      for (const event of ["secureConnect", "error", "close", "end"]) {
        assert.equal(socket.listenerCount(event), plain.listenerCount(event), event);
      }
      for (const event of ["error", "close", "end", "data"]) {
        assert.equal(raw.listenerCount(event), plainRaw.listenerCount(event), `raw ${event}`);
      }
      assert.equal(getEventListeners(controller.signal, "abort").length, 0);
    });
  });

  describe("versions and cipher suites", () => {
    it("fails with ERR_SSL_VERSION_OR_CIPHER_MISMATCH when no version is shared", async () => {
      await using server = await startTlsServer({ ...certs.server, maxVersion: "TLSv1.2" });
      await rejectsWith(
        secure(server.port, { ssl: resolveSSLConfig({ minVersion: "tls1.3" }) }),
        "ERR_SSL_VERSION_OR_CIPHER_MISMATCH",
        -113,
      );
    });

    it("negotiates TLS 1.2 with a TLS 1.2-only server by default", async () => {
      await using server = await startTlsServer({ ...certs.server, maxVersion: "TLSv1.2" });
      const socket = await secure(server.port);
      assert.equal(socket.getProtocol(), "TLSv1.2");
    });

    it("honours maxVersion tls1.2 against a TLS 1.3 server", async () => {
      await using server = await startTlsServer(certs.server);
      const socket = await secure(server.port, { ssl: resolveSSLConfig({ maxVersion: "tls1.2" }) });
      assert.equal(socket.getProtocol(), "TLSv1.2");
    });

    it("fails with ERR_SSL_VERSION_OR_CIPHER_MISMATCH when the only suite is disabled", async () => {
      await using server = await startTlsServer({
        ...certs.server,
        maxVersion: "TLSv1.2",
        ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256",
      });
      // The suite this runtime's server really picks: Deno's rustls ignores `ciphers`.
      const probe = await secure(server.port);
      const suite = cipherSuiteNumber(probe.getCipher().name);
      assert.ok(suite !== undefined, `unknown suite ${probe.getCipher().name}`);
      await rejectsWith(
        secure(server.port, { ssl: resolveSSLConfig({ disabledCipherSuites: [suite] }) }),
        "ERR_SSL_VERSION_OR_CIPHER_MISMATCH",
        -113,
      );
      const other = suite === 0xc02c ? 0xc02b : 0xc02c;
      const socket = await secure(server.port, {
        ssl: resolveSSLConfig({ disabledCipherSuites: [other] }),
      });
      assert.equal(socket.getProtocol(), "TLSv1.2");
    });

    it("speaks a CBC suite to a TLS 1.2 server that has no other where the runtime has them", async () => {
      // Chromium still offers ECDHE-ECDSA-AES128-SHA; Bun (BoringSSL) does, Deno (rustls) has
      // AEAD suites only and fails as for any suite not shared.
      await using server = await startOpensslServer({
        ...certs.server,
        args: ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"],
      });
      const outcome = await secure(server.port).then(
        (socket) => socket.getCipher().name,
        (error: unknown) => SessionError.is(error) ? error.code : String(error),
      );
      assert.ok(
        ["ECDHE-ECDSA-AES128-SHA", "ERR_SSL_VERSION_OR_CIPHER_MISMATCH"].includes(outcome),
        outcome,
      );
    });

    it("falls back to another shared suite where the runtime honours ciphers", async () => {
      await using server = await startTlsServer({
        ...certs.server,
        maxVersion: "TLSv1.2",
        ciphers: "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256",
        honorCipherOrder: true,
      });
      const preferred = (await secure(server.port)).getCipher().name;
      const other = preferred === "ECDHE-ECDSA-AES128-GCM-SHA256"
        ? "ECDHE-ECDSA-AES256-GCM-SHA384"
        : "ECDHE-ECDSA-AES128-GCM-SHA256";
      // Bun (BoringSSL) honours `ciphers`; Deno (rustls) ignores it.
      const plainRaw = await tcp(server.port);
      const plain = connect({ socket: plainRaw, rejectUnauthorized: false, ciphers: other });
      sockets.push(plain);
      await once(plain, "secureConnect");
      const runtimeHonoursCiphers = plain.getCipher().name === other;
      const disabling = secure(server.port, {
        ssl: resolveSSLConfig({ disabledCipherSuites: [cipherSuiteNumber(preferred)!] }),
      });
      if (runtimeHonoursCiphers) {
        assert.equal((await disabling).getCipher().name, other);
      } else {
        await rejectsWith(disabling, "ERR_SSL_VERSION_OR_CIPHER_MISMATCH", -113);
      }
    });

    it("reaches TLS 1.1 with minVersion tls1 where the runtime has it", async () => {
      await using old = await startTlsServer({
        ...certs.server,
        minVersion: "TLSv1.1",
        maxVersion: "TLSv1.1",
      });
      // Bun (BoringSSL) speaks TLS 1.1; Deno (rustls) has nothing below TLS 1.2.
      const runtimeHasTls11 = await secure(old.port, {
        ssl: resolveSSLConfig({ minVersion: "tls1" }),
      }).then((socket) => socket.getProtocol() === "TLSv1.1", () => false);
      if (runtimeHasTls11) {
        await rejectsWith(secure(old.port), "ERR_SSL_VERSION_OR_CIPHER_MISMATCH", -113);
      } else {
        await using modern = await startTlsServer(certs.server);
        const socket = await secure(modern.port, { ssl: resolveSSLConfig({ minVersion: "tls1" }) });
        assert.equal(socket.getProtocol(), "TLSv1.3");
      }
    });
  });

  describe("handshake failures", () => {
    it("reports a server that hangs up at once as ERR_CONNECTION_CLOSED", async () => {
      await using server = await startTcpServer((socket) => socket.end());
      await rejectsWith(secure(server.port), "ERR_CONNECTION_CLOSED", -100);
    });

    it("reports a server that hangs up after the ClientHello as ERR_CONNECTION_CLOSED", async () => {
      await using server = await startTcpServer((socket) =>
        socket.once("data", () => socket.end())
      );
      await rejectsWith(secure(server.port), "ERR_CONNECTION_CLOSED", -100);
    });

    it("reports a plain-text answer as ERR_SSL_PROTOCOL_ERROR", async () => {
      await using server = await startTcpServer((socket) =>
        socket.once("data", () => socket.end("HTTP/1.1 400 Bad Request\r\n\r\n"))
      );
      await rejectsWith(secure(server.port), "ERR_SSL_PROTOCOL_ERROR", -107);
    });

    it("reports a TLS 1.2 server that wants a client certificate as ERR_BAD_SSL_CLIENT_AUTH_CERT", async () => {
      // No client certificate is sent; the server ends the handshake with an alert (OpenSSL and
      // BoringSSL: handshake_failure, rustls: certificate_required). Chromium's
      // SSLClientSocketImpl::MapLastOpenSSLError reads a handshake_failure after a
      // CertificateRequest as the client certificate refused.
      await using server = await startTlsServer({
        ...certs.server,
        maxVersion: "TLSv1.2",
        requestCert: true,
        rejectUnauthorized: true,
        ca: [certs.ca.cert],
      });
      await rejectsWith(secure(server.port), "ERR_BAD_SSL_CLIENT_AUTH_CERT", -117);
    });

    it("reports an OpenSSL TLS 1.2 server's handshake_failure for the missing client certificate as ERR_BAD_SSL_CLIENT_AUTH_CERT", async () => {
      // The alert follows the server's whole first flight, where one answering the ClientHello
      // comes alone; Deno's rustls client keeps no peer certificate to tell them apart by.
      await using server = await startOpensslServer({
        ...certs.server,
        ca: certs.ca.cert,
        args: ["-tls1_2", "-Verify", "1"],
      });
      await rejectsWith(secure(server.port), "ERR_BAD_SSL_CLIENT_AUTH_CERT", -117);
    });

    it("reports a handshake its runtime cannot verify the signature of as ERR_SSL_PROTOCOL_ERROR", async () => {
      // A 1024-bit RSA key: BoringSSL (Bun) takes it, as Chromium does; Deno's rustls refuses
      // to check a signature under 2048 bits and fails the handshake with a verify code
      // (UNABLE_TO_VERIFY_LEAF_SIGNATURE), which BoringSSL would report as a bad signature.
      await using server = await startOpensslServer({
        ...makeTestLeaf(certs.ca, { keyType: "rsa", rsaBits: 1024 }),
        args: ["-cipher", "DEFAULT@SECLEVEL=0"],
      });
      const outcome = await secure(server.port).then(
        (socket) => socket.authorized ? "connected" : "unverified",
        (error: unknown) => SessionError.is(error) ? error.code : String(error),
      );
      assert.ok(["connected", "ERR_SSL_PROTOCOL_ERROR"].includes(outcome), outcome);
    });

    it("rejects an RSA key under 1024 bits with ERR_CERT_WEAK_KEY", async () => {
      // Chromium's path builder refuses such a key (kUnacceptablePublicKey, CERT_STATUS_WEAK_KEY);
      // BoringSSL (Bun) takes it; Deno's rustls cannot check its signature at all.
      await using server = await startOpensslServer({
        ...makeTestLeaf(certs.ca, { keyType: "rsa", rsaBits: 768 }),
        args: ["-cipher", "DEFAULT@SECLEVEL=0"],
      });
      const outcome = await secure(server.port).then(
        () => "connected",
        (error: unknown) => SessionError.is(error) ? error.code : String(error),
      );
      assert.ok(["ERR_CERT_WEAK_KEY", "ERR_SSL_PROTOCOL_ERROR"].includes(outcome), outcome);
    });

    it("fails cleanly when a TLS 1.3 server's certificate_required alert beats the verify proc", async () => {
      // The alert closes the socket while the proc has not answered; its late answer must not
      // touch the closed socket (Deno's getCipher() is null then).
      await using server = await startOpensslServer({
        ...certs.server,
        ca: certs.ca.cert,
        args: ["-tls1_3", "-Verify", "1"],
      });
      const verifier = new CertificateVerifier();
      verifier.setProc((_request, callback) => setTimeout(() => callback(0), 200));
      await rejectsWith(secure(server.port, { verifier }), "ERR_BAD_SSL_CLIENT_AUTH_CERT", -117);
      // Long enough for the late answer to run here, where a throw would fail the test.
      await new Promise((resolve) => setTimeout(resolve, 300));
    });

    it("reports an access_denied alert answering the ClientHello as ERR_SSL_PROTOCOL_ERROR", async () => {
      // What a filtering firewall sends; Chromium keeps ERR_BAD_SSL_CLIENT_AUTH_CERT for an
      // access_denied after a CertificateRequest (MapLastOpenSSLError, crbug.com/630883).
      await using server = await startTcpServer((socket) =>
        socket.once("data", () => socket.end(Buffer.from([21, 3, 3, 0, 2, 2, 49])))
      );
      await rejectsWith(secure(server.port), "ERR_SSL_PROTOCOL_ERROR", -107);
    });

    it("reports a reset as ERR_CONNECTION_RESET where the runtime tells it from a close", async () => {
      await using server = await startTcpServer((socket) =>
        socket.once("data", () => socket.resetAndDestroy())
      );
      // Deno's node:tls reports a reset during the handshake like a clean close.
      await assert.rejects(secure(server.port), (error: unknown) => {
        assert.ok(SessionError.is(error));
        assert.ok(["ERR_CONNECTION_RESET", "ERR_CONNECTION_CLOSED"].includes(error.code));
        return true;
      });
    });
  });

  describe("abort", () => {
    it("fails at once with ERR_ABORTED for an aborted signal", async () => {
      await using server = await startTlsServer(certs.server);
      const raw = await tcp(server.port);
      await rejectsWith(
        connectTls(raw, options({ signal: AbortSignal.abort() })),
        "ERR_ABORTED",
        -3,
      );
      assert.equal(raw.destroyed, true);
    });

    it("aborts a handshake the server never answers", async () => {
      await using server = await startTcpServer(() => {});
      const raw = await tcp(server.port);
      const controller = new AbortController();
      const pending = connectTls(raw, options({ signal: controller.signal }));
      setTimeout(() => controller.abort(), 20);
      await rejectsWith(pending, "ERR_ABORTED", -3);
      assert.equal(raw.destroyed, true);
    });

    it("fails a handshake the server never answers with ERR_TIMED_OUT after timeoutMs", async () => {
      await using server = await startTcpServer(() => {});
      const raw = await tcp(server.port);
      await rejectsWith(connectTls(raw, options({ timeoutMs: 30 })), "ERR_TIMED_OUT", -7);
      assert.equal(raw.destroyed, true);
    });

    it("counts a verify proc that never answers in the handshake's time", async () => {
      await using server = await startTlsServer(certs.server);
      const verifier = new CertificateVerifier();
      verifier.setProc(() => {});
      const raw = await tcp(server.port);
      await rejectsWith(
        connectTls(raw, options({ verifier, timeoutMs: 200 })),
        "ERR_TIMED_OUT",
        -7,
      );
      assert.equal(raw.destroyed, true);
    });

    it("aborts while the verify proc has not answered", async () => {
      await using server = await startTlsServer(certs.server);
      const controller = new AbortController();
      const verifier = new CertificateVerifier();
      verifier.setProc(() => controller.abort());
      const raw = await tcp(server.port);
      await rejectsWith(
        connectTls(raw, options({ verifier, signal: controller.signal })),
        "ERR_ABORTED",
        -3,
      );
      assert.equal(raw.destroyed, true);
    });
  });
});
