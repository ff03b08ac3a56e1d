import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DetailedPeerCertificate, TLSSocket } from "node:tls";
import { type CertPair, makeTestCertificates } from "../tests/fixtures/tls_certs.ts";
import { handshake, startTlsServer } from "../tests/fixtures/tls_servers.ts";
import { toElectronCertificate } from "./certificate.ts";

const certs = makeTestCertificates();

// A self-signed certificate with the given subject and serial, for the fields the shared
// fixtures do not vary.
function selfSigned(subject: string, serial: string): CertPair {
  const dir = mkdtempSync(join(tmpdir(), "ses-cert-"));
  try {
    execFileSync("openssl", [
      "req",
      "-x509",
      "-new",
      "-nodes",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-keyout",
      "key.pem",
      "-out",
      "cert.pem",
      "-days",
      "5",
      "-subj",
      subject,
      "-set_serial",
      serial,
    ], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    return {
      cert: readFileSync(join(dir, "cert.pem"), "utf8"),
      key: readFileSync(join(dir, "key.pem"), "utf8"),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("toElectronCertificate", () => {
  const sockets: TLSSocket[] = [];
  after(() => {
    for (const socket of sockets) socket.destroy();
  });

  async function peerOf(pair: CertPair, ca?: string[]): Promise<DetailedPeerCertificate> {
    await using server = await startTlsServer(pair);
    const socket = await handshake(server.port, "localhost", ca);
    sockets.push(socket);
    return socket.getPeerCertificate(true);
  }

  it("describes a CA-signed leaf and chains its issuer", async () => {
    const peer = await peerOf(
      { key: certs.server.key, cert: certs.server.cert + certs.ca.cert },
      [certs.ca.cert],
    );
    const certificate = toElectronCertificate(peer);
    const x509 = new X509Certificate(certs.server.cert);

    assert.deepEqual(Object.keys(certificate), [
      "data",
      "issuer",
      "issuerName",
      "issuerCert",
      "subject",
      "subjectName",
      "serialNumber",
      "validStart",
      "validExpiry",
      "fingerprint",
    ]);
    assert.deepEqual(certificate.subject, {
      commonName: "localhost",
      organizations: ["ses tests"],
      organizationUnits: [],
      locality: "",
      state: "",
      country: "",
    });
    assert.equal(certificate.subjectName, "localhost");
    assert.equal(certificate.issuer.commonName, "ses test CA");
    assert.deepEqual(certificate.issuer.organizations, ["ses tests"]);
    assert.equal(certificate.issuerName, "ses test CA");

    assert.match(certificate.serialNumber, /^([0-9A-F]{2})+$/);
    // Ours is the hex of the DER bytes ("0C44…"); Node's drops leading zero digits ("C44…"),
    // and openssl picks serials at random, so compare without them.
    assert.equal(
      certificate.serialNumber.replace(/^0+/, ""),
      x509.serialNumber.toUpperCase().replace(/^0+/, ""),
    );

    assert.equal(certificate.validStart, x509.validFromDate.getTime() / 1000);
    assert.equal(certificate.validExpiry, x509.validToDate.getTime() / 1000);
    const now = Date.now() / 1000;
    assert.ok(certificate.validStart <= now && now < certificate.validExpiry);

    assert.equal(
      certificate.fingerprint,
      `sha256/${createHash("sha256").update(x509.raw).digest("base64")}`,
    );
    assert.equal(new X509Certificate(certificate.data).fingerprint256, x509.fingerprint256);
    assert.match(
      certificate.data,
      /^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE-----\n$/,
    );

    const issuerCert = certificate.issuerCert;
    assert.ok(issuerCert);
    assert.equal(issuerCert.subjectName, "ses test CA");
    assert.equal(issuerCert.issuerName, "ses test CA");
    assert.equal(
      new X509Certificate(issuerCert.data).fingerprint256,
      new X509Certificate(certs.ca.cert).fingerprint256,
    );
    assert.equal(issuerCert.issuerCert, undefined, "the self-issued root ends the chain");
  });

  it("gives a self-signed certificate no issuerCert", async () => {
    const certificate = toElectronCertificate(await peerOf(certs.selfSigned));
    assert.equal(certificate.subjectName, "localhost");
    assert.equal(certificate.issuerName, "localhost");
    assert.equal("issuerCert" in certificate, false);
  });

  it("gives no issuerCert for a certificate reported without its chain", async () => {
    const peer = await peerOf(
      { key: certs.server.key, cert: certs.server.cert + certs.ca.cert },
      [certs.ca.cert],
    );
    const { issuerCertificate: _chain, ...leafOnly } = peer;
    assert.equal("issuerCert" in toElectronCertificate(leafOnly), false);
  });

  it("reads every principal field and pads a serial with its top bit set", async () => {
    const pair = selfSigned(
      "/C=DE/ST=Berlin/L=Berlin Mitte/O=First Org/O=Second Org/OU=Unit A/OU=Unit B/CN=multi.example",
      "0x8a01",
    );
    const certificate = toElectronCertificate(await peerOf(pair));
    assert.deepEqual(certificate.subject, {
      commonName: "multi.example",
      organizations: ["First Org", "Second Org"],
      organizationUnits: ["Unit A", "Unit B"],
      locality: "Berlin Mitte",
      state: "Berlin",
      country: "DE",
    });
    assert.deepEqual(certificate.issuer, certificate.subject);
    // Chromium hex-encodes the DER INTEGER, which needs a zero byte before 0x8a.
    assert.equal(certificate.serialNumber, "008A01");
  });

  it("hex-encodes serials by whole bytes", async () => {
    const certificate = toElectronCertificate(await peerOf(selfSigned("/CN=odd.example", "0xabc")));
    assert.equal(certificate.serialNumber, "0ABC");
  });

  it("names a principal without a common name by its organization, then its unit", async () => {
    const byOrganization = toElectronCertificate(
      await peerOf(selfSigned("/O=Only Org/OU=Some Unit", "7")),
    );
    assert.equal(byOrganization.subject.commonName, "");
    assert.equal(byOrganization.subjectName, "Only Org");
    const byUnit = toElectronCertificate(await peerOf(selfSigned("/OU=Lone Unit/C=FR", "8")));
    assert.equal(byUnit.subjectName, "Lone Unit");
    assert.equal(byUnit.subject.country, "FR");
  });
});
