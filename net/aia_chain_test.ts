import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import type { Certificate, CertificateVerifyRequest } from "../core/electron_types.ts";
import { SessionError } from "../core/session_error.ts";
import { type CertPair, makeTestCertificates, makeTestLeaf } from "../tests/fixtures/tls_certs.ts";
import {
  handshake,
  openTcp,
  startTlsServer,
  type TestServer,
} from "../tests/fixtures/tls_servers.ts";
import { caIssuersUrls, parseCaIssuers } from "./ca_issuers.ts";
import { fetchCaIssuers } from "./ca_issuers_fetch.ts";
import { CertificateVerifier } from "./certificate_verifier.ts";
import { resolveSSLConfig } from "./ssl_config.ts";
import { connectTls } from "./tls_connect.ts";

function der(pem: string): Uint8Array {
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64"));
}

// The same certificates as a certs-only CMS SignedData (.p7c), made by openssl.
function p7c(pems: string[]): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "ses-p7c-"));
  try {
    writeFileSync(join(dir, "in.pem"), pems.join(""));
    execFileSync("openssl", [
      "crl2pkcs7",
      "-nocrl",
      "-certfile",
      "in.pem",
      "-outform",
      "DER",
      "-out",
      "out.p7c",
    ], { cwd: dir });
    return new Uint8Array(readFileSync(join(dir, "out.p7c")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function names(certificate: Certificate): string[] {
  const list = [];
  for (let cert: Certificate | undefined = certificate; cert; cert = cert.issuerCert) {
    list.push(cert.subjectName);
  }
  return list;
}

function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  return assert.rejects(promise, (error: unknown) => {
    assert.ok(SessionError.is(error), `expected a SessionError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  });
}

describe("missing intermediates completed from caIssuers URLs (AIA)", () => {
  const certs = makeTestCertificates();
  const TRUSTED = [certs.ca.cert];
  // What the CA's server serves, by path, and how often each was asked for.
  const bodies = new Map<string, Uint8Array | string>();
  const hits = new Map<string, number>();
  let origin = "";
  let caServer: Server;
  const servers: Record<string, TestServer> = {};
  const sockets: TLSSocket[] = [];
  let intermediate: CertPair;

  // A leaf for localhost signed by `issuer`, naming `paths` of the CA's server as caIssuers.
  function leafUnder(issuer: CertPair, paths: string[], options = {}): CertPair {
    const urls = paths.map((path) => path.includes(":") ? path : `URI:${origin}${path}`);
    return makeTestLeaf(issuer, {
      ...options,
      extraExtensions: [`authorityInfoAccess=${urls.map((url) => `caIssuers;${url}`).join(",")}`],
    });
  }

  before(async () => {
    caServer = createServer((request, response) => {
      const path = request.url ?? "/";
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const body = bodies.get(path);
      if (typeof body === "string") {
        response.writeHead(302, { location: body }).end();
      } else if (body) response.writeHead(200).end(body);
      else response.writeHead(404).end("no such certificate");
    });
    await new Promise<void>((resolve) => caServer.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(caServer.address() as AddressInfo).port}`;

    intermediate = makeTestLeaf(certs.ca, {
      isCa: true,
      commonName: "ses test intermediate",
      subjectAltName: null,
    });
    bodies.set("/i.der", der(intermediate.cert));
    bodies.set("/i.p7c", p7c([intermediate.cert]));
    bodies.set("/i.pem", new TextEncoder().encode(intermediate.cert));
    bodies.set("/moved", "/i.der");
    bodies.set("/big", new Uint8Array(70 * 1024));
    bodies.set("/leaf.der", der(makeTestLeaf(certs.ca).cert));
    const constrained = makeTestLeaf(certs.ca, {
      isCa: true,
      commonName: "constrained intermediate",
      subjectAltName: null,
      extraExtensions: ["nameConstraints=critical,permitted;DNS:localhost"],
    });
    bodies.set("/constrained.der", der(constrained.cert));
    // Two levels: root -> upper -> lower -> leaf, each naming the next one up.
    const upper = makeTestLeaf(certs.ca, {
      isCa: true,
      commonName: "ses upper intermediate",
      subjectAltName: null,
    });
    bodies.set("/upper.der", der(upper.cert));
    const lower = makeTestLeaf(upper, {
      isCa: true,
      commonName: "ses lower intermediate",
      subjectAltName: null,
      extraExtensions: [`authorityInfoAccess=caIssuers;URI:${origin}/upper.der`],
    });
    bodies.set("/lower.der", der(lower.cert));

    const start = async (name: string, pair: CertPair) => {
      servers[name] = await startTlsServer(pair);
    };
    await start("der", leafUnder(intermediate, ["/i.der"]));
    await start("derAgain", leafUnder(intermediate, ["/i.der"]));
    await start("p7c", leafUnder(intermediate, ["/i.p7c"]));
    await start("pem", leafUnder(intermediate, ["/i.pem"]));
    await start("moved", leafUnder(intermediate, ["/moved"]));
    await start("fallback", leafUnder(intermediate, ["/missing", "/big", "/i.der"]));
    await start("missing", leafUnder(intermediate, ["/missing"]));
    await start("big", leafUnder(intermediate, ["/big"]));
    await start("https", leafUnder(intermediate, ["URI:https://127.0.0.1:1/i.der"]));
    await start("notCa", leafUnder(intermediate, ["/leaf.der"]));
    await start("constrained", leafUnder(constrained, ["/constrained.der"]));
    await start("twoLevels", leafUnder(lower, ["/lower.der"]));
    await start("noAia", makeTestLeaf(intermediate));
    await start(
      "wrongHost",
      leafUnder(intermediate, ["/i.der"], {
        subjectAltName: "DNS:wrong.example",
      }),
    );
    await start("expired", leafUnder(intermediate, ["/i.der"], { days: -1 }));
  });

  after(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(Object.values(servers).map((server) => server.close()));
    await new Promise((resolve) => caServer.close(resolve));
  });

  async function connect(name: string): Promise<TLSSocket> {
    const socket = await handshake(servers[name]!.port, "localhost", TRUSTED);
    sockets.push(socket);
    return socket;
  }

  it("reads the caIssuers URLs, http: only and at most five", () => {
    const leaf = leafUnder(intermediate, [
      "/1",
      "URI:https://127.0.0.1/2",
      "/3",
      "/4",
      "/5",
      "/6",
    ]);
    assert.deepEqual(caIssuersUrls(der(leaf.cert)), [
      `${origin}/1`,
      `${origin}/3`,
      `${origin}/4`,
      `${origin}/5`,
    ]);
    assert.deepEqual(caIssuersUrls(der(certs.ca.cert)), []);
    assert.deepEqual(caIssuersUrls(new Uint8Array([0x30, 0x80, 1])), []);
  });

  it("parses DER, certs-only CMS and PEM answers, and nothing from junk", () => {
    const expected = Buffer.from(der(intermediate.cert));
    for (const path of ["/i.der", "/i.p7c", "/i.pem"]) {
      const found = parseCaIssuers(bodies.get(path) as Uint8Array);
      assert.equal(found.length, 1, path);
      assert.ok(Buffer.from(found[0]!).equals(expected), path);
    }
    assert.equal(parseCaIssuers(p7c([intermediate.cert, certs.ca.cert])).length, 2);
    assert.deepEqual(parseCaIssuers(new TextEncoder().encode("<html>not found</html>")), []);
    assert.deepEqual(parseCaIssuers(new Uint8Array([0x30, 0x82, 0xff, 0xff, 0])), []);
  });

  it("fetches within Chromium's limits: 200 only, http: redirects, 64 KiB", async () => {
    assert.equal((await fetchCaIssuers(`${origin}/moved`)).length, der(intermediate.cert).length);
    await rejectsWith(fetchCaIssuers(`${origin}/missing`), "ERR_HTTP_RESPONSE_CODE_FAILURE");
    await rejectsWith(fetchCaIssuers(`${origin}/big`), "ERR_FILE_TOO_BIG");
    await rejectsWith(fetchCaIssuers("https://127.0.0.1:1/i.der"), "ERR_DISALLOWED_URL_SCHEME");
    bodies.set("/to-https", "https://127.0.0.1:1/i.der");
    await rejectsWith(fetchCaIssuers(`${origin}/to-https`), "ERR_DISALLOWED_URL_SCHEME");
  });

  it("times out a caIssuers server that never answers", async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      await rejectsWith(
        fetchCaIssuers(`http://127.0.0.1:${port}/i.der`, { timeoutMs: 200 }),
        "ERR_TIMED_OUT",
      );
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("stops a caIssuers fetch once the handshakes waiting for it are aborted", async () => {
    // A CA's server that takes the request and never answers: the fetch waits on its socket.
    const asked: Socket[] = [];
    const silent = createServer(() => {});
    silent.on("connection", (socket: Socket) => asked.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    await using server = await startTlsServer(
      leafUnder(intermediate, [`URI:http://127.0.0.1:${port}/i.der`]),
    );
    const verifier = new CertificateVerifier();
    const handshakes = [new AbortController(), new AbortController()].map(async (controller) => {
      const tcp = await openTcp(server.port);
      const connecting = connectTls(tcp, {
        hostname: "localhost",
        ssl: resolveSSLConfig({}),
        verifier,
        ca: TRUSTED,
        signal: controller.signal,
      });
      return { controller, connecting };
    });
    try {
      const [first, second] = await Promise.all(handshakes);
      while (asked.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(asked.length, 1, "the two handshakes share one fetch");
      const closed = new Promise((resolve) => asked[0]!.once("close", resolve));
      first!.controller.abort();
      await rejectsWith(first!.connecting, "ERR_ABORTED");
      // The other handshake still waits for the answer, so the fetch goes on.
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(asked[0]!.destroyed, false);
      second!.controller.abort();
      await rejectsWith(second!.connecting, "ERR_ABORTED");
      // Well before the fetch's own 10 s limit.
      const late = new Promise((resolve) => setTimeout(resolve, 3_000, "still open"));
      assert.notEqual(await Promise.race([closed, late]), "still open");
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("refuses a leaf sent without its intermediate and without caIssuers", async () => {
    await rejectsWith(
      new CertificateVerifier().verify("localhost", await connect("noAia"), TRUSTED),
      "ERR_CERT_AUTHORITY_INVALID",
    );
  });

  it("accepts a leaf whose intermediate is fetched, DER, CMS or PEM, once per verifier", async () => {
    const verifier = new CertificateVerifier();
    const before = hits.get("/i.der") ?? 0;
    await verifier.verify("localhost", await connect("der"), TRUSTED);
    await verifier.verify("localhost", await connect("derAgain"), TRUSTED);
    assert.equal(hits.get("/i.der"), before + 1, "the answer is kept for the next handshake");
    await verifier.verify("localhost", await connect("p7c"), TRUSTED);
    await verifier.verify("localhost", await connect("pem"), TRUSTED);
    await verifier.verify("localhost", await connect("moved"), TRUSTED);
  });

  it("tries the next URL when one fails, and a failed URL again later", async () => {
    const verifier = new CertificateVerifier();
    await verifier.verify("localhost", await connect("fallback"), TRUSTED);
    const missing = hits.get("/missing") ?? 0;
    await rejectsWith(
      verifier.verify("localhost", await connect("missing"), TRUSTED),
      "ERR_CERT_AUTHORITY_INVALID",
    );
    assert.equal(hits.get("/missing"), missing + 1, "a failed fetch is not kept");
    await rejectsWith(
      verifier.verify("localhost", await connect("big"), TRUSTED),
      "ERR_CERT_AUTHORITY_INVALID",
    );
    await rejectsWith(
      verifier.verify("localhost", await connect("https"), TRUSTED),
      "ERR_CERT_AUTHORITY_INVALID",
    );
  });

  it("follows caIssuers up two levels to the root", async () => {
    await new CertificateVerifier().verify("localhost", await connect("twoLevels"), TRUSTED);
  });

  it("refuses a fetched certificate that is no CA, or has name constraints", async () => {
    await rejectsWith(
      new CertificateVerifier().verify("localhost", await connect("notCa"), TRUSTED),
      "ERR_CERT_AUTHORITY_INVALID",
    );
    await rejectsWith(
      new CertificateVerifier().verify("localhost", await connect("constrained"), TRUSTED),
      "ERR_CERT_AUTHORITY_INVALID",
    );
  });

  it("still checks the name and the dates of a completed chain", async () => {
    await rejectsWith(
      new CertificateVerifier().verify("localhost", await connect("wrongHost"), TRUSTED),
      "ERR_CERT_COMMON_NAME_INVALID",
    );
    await rejectsWith(
      new CertificateVerifier().verify("localhost", await connect("expired"), TRUSTED),
      "ERR_CERT_DATE_INVALID",
    );
  });

  it("shows the proc the fetched intermediate in validatedCertificate", async () => {
    const verifier = new CertificateVerifier();
    let seen: CertificateVerifyRequest | undefined;
    verifier.setProc((request, callback) => {
      seen = request;
      callback(-3);
    });
    await verifier.verify("localhost", await connect("twoLevels"), TRUSTED);
    assert.ok(seen);
    assert.equal(seen.verificationResult, "net::OK");
    assert.equal(seen.errorCode, 0);
    assert.equal(seen.isIssuedByKnownRoot, false);
    assert.deepEqual(names(seen.certificate), ["localhost"]);
    assert.deepEqual(names(seen.validatedCertificate), [
      "localhost",
      "ses lower intermediate",
      "ses upper intermediate",
      "ses test CA",
    ]);
  });
});
