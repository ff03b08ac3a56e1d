import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createServer, type Server } from "node:https";
import { getCACertificates, setDefaultCACertificates } from "node:tls";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTestCertificates, makeTestLeaf } from "../tests/fixtures/tls_certs.ts";
import { SessionError } from "../core/session_error.ts";
import { readNetLogFile } from "../netlog/mod.ts";
import type { Runtime } from "../core/runtime.ts";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";
import type { Session } from "./session.ts";

const HOST = "hsts.test";
// Chromium learns no HSTS from localhost (IgnoreHSTSForLocalhost): the tests name another host,
// which this runtime's look-up puts on 127.0.0.1, as --host-resolver-rules would.
const runtime: Runtime = {
  ...currentRuntime(),
  lookupHost: (name) =>
    name === HOST
      ? Promise.resolve([{ address: "127.0.0.1", family: 4 }])
      : Promise.reject(new Error(`${name} is not a test host`)),
};

/** A module over its own userData, so a second one reads what the first wrote. */
function sessionModule(userData: string) {
  const app = new App(runtime);
  app.setPath("userData", userData);
  return createSessionModule(app, runtime);
}

function trusting(ses: Session): Session {
  ses.setCertificateVerifyProc((_request, callback) => callback(0));
  return ses;
}

describe("HSTS through ses.fetch", () => {
  let server: Server;
  let port = 0;
  const seen: string[] = [];
  const userData = mkdtempSync(join(tmpdir(), "ses-hsts-"));
  const module = sessionModule(userData);
  let partitions = 0;

  const certs = makeTestCertificates();
  const leaf = makeTestLeaf(certs.ca, { subjectAltName: `DNS:${HOST},DNS:localhost,IP:127.0.0.1` });
  // The test CA joins the runtime's roots for this file, so its certificates verify as a
  // public site's do: Chromium learns HSTS only over a connection without certificate errors.
  const defaultRoots = getCACertificates("default");
  let wrongHostServer: Server;
  let wrongHostPort = 0;

  before(async () => {
    setDefaultCACertificates([...defaultRoots, certs.ca.cert]);
    server = createServer(leaf, (request, response) => {
      seen.push(`${request.headers.host} ${request.url}`);
      const sts = new URL(request.url!, "https://x").searchParams.get("sts");
      if (sts !== null) response.setHeader("Strict-Transport-Security", sts);
      if (request.url!.startsWith("/proxy.pac")) {
        response.end('function FindProxyForURL() { return "PROXY 127.0.0.1:9"; }');
        return;
      }
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString();
        response.end(`secure ${request.url}${body === "" ? "" : ` ${body}`}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
    wrongHostServer = createServer(certs.wrongHost, (request, response) => {
      response.setHeader("Strict-Transport-Security", "max-age=600");
      response.end(`wrong host ${request.url}`);
    });
    await new Promise<void>((resolve) => wrongHostServer.listen(0, "127.0.0.1", resolve));
    wrongHostPort = (wrongHostServer.address() as { port: number }).port;
  });
  after(async () => {
    setDefaultCACertificates(defaultRoots);
    wrongHostServer.closeAllConnections();
    await new Promise((resolve) => wrongHostServer.close(resolve));
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(userData, { recursive: true });
  });

  it("answers an http: URL of a host that sent the header with Chromium's 307 Internal Redirect", async () => {
    const ses = trusting(module.fromPartition(`hsts-${++partitions}`));
    const before: string[] = [];
    const redirects: { url: string; redirectURL: string; statusCode: number }[] = [];
    const sent: string[] = [];
    ses.webRequest.onBeforeRequest((details, callback) => {
      before.push(details.url);
      callback({});
    });
    ses.webRequest.onBeforeRedirect(({ url, redirectURL, statusCode }) => {
      redirects.push({ url, redirectURL, statusCode });
    });
    ses.webRequest.onSendHeaders(({ url }) => sent.push(url));
    // Before the header, http: goes to the port as is: a TLS server does not answer HTTP.
    await assert.rejects(ses.fetch(`http://${HOST}:${port}/plain`), SessionError);
    await (await ses.fetch(`https://${HOST}:${port}/learn?sts=max-age=600`)).text();
    before.length = 0;
    sent.length = 0;
    seen.length = 0;

    const response = await ses.fetch(`http://${HOST}:${port}/page?q=1`);
    assert.equal(await response.text(), "secure /page?q=1");
    assert.equal(response.url, `https://${HOST}:${port}/page?q=1`);
    assert.equal(response.redirected, true);
    assert.deepEqual(before, [
      `http://${HOST}:${port}/page?q=1`,
      `https://${HOST}:${port}/page?q=1`,
    ]);
    assert.deepEqual(redirects, [{
      url: `http://${HOST}:${port}/page?q=1`,
      redirectURL: `https://${HOST}:${port}/page?q=1`,
      statusCode: 307,
    }]);
    // The http: hop never reached the network or the header events.
    assert.deepEqual(sent, [`https://${HOST}:${port}/page?q=1`]);
    assert.deepEqual(seen, [`${HOST}:${port} /page?q=1`]);

    // The net log says why, as Chromium's URLRequestRedirectJob does.
    const log = join(userData, "hsts-log.json");
    await ses.netLog.startLogging(log);
    await (await ses.fetch(`http://${HOST}:${port}/logged`)).text();
    await ses.netLog.stopLogging();
    const { events } = await readNetLogFile(log);
    const job = events.find((event) => event.type === "URL_REQUEST_REDIRECT_JOB");
    assert.deepEqual(job?.params, { reason: "HSTS" });
    assert.ok(
      events.some((event) =>
        event.type === "URL_REQUEST_REDIRECTED" &&
        event.params?.location === `https://${HOST}:${port}/logged`
      ),
    );

    // A streamed upload goes to the https: hop whole: the internal redirect read none of it.
    const upload = await ses.fetch(`http://${HOST}:${port}/upload`, {
      method: "POST",
      body: new Blob(["streamed body"]).stream(),
      duplex: "half",
    } as RequestInit);
    assert.equal(await upload.text(), "secure /upload streamed body");

    // No server asked for the redirect, so "manual" and "error" modes follow it too.
    for (const redirect of ["manual", "error"] as const) {
      const upgraded = await ses.fetch(`http://${HOST}:${port}/${redirect}`, { redirect });
      assert.equal(upgraded.status, 200, redirect);
      assert.equal(await upgraded.text(), `secure /${redirect}`);
    }
    await ses.closeAllConnections();
  });

  it("preconnects an http: URL of an HSTS host over TLS, as Chromium's PreconnectSockets", async () => {
    // NetworkContext::PreconnectSockets starts from GetHSTSRedirect(url): the sockets opened are
    // the https: ones the upgraded request will use, not plain ones it never can.
    const ses = trusting(module.fromPartition(`hsts-${++partitions}`));
    await (await ses.fetch(`https://${HOST}:${port}/learn?sts=max-age=600`)).text();
    await ses.closeAllConnections();
    let secured = 0;
    const onSecure = () => secured++;
    server.on("secureConnection", onSecure);
    try {
      ses.preconnect({ url: `http://${HOST}:${port}/`, numSockets: 2 });
      for (let i = 0; i < 500 && (secured < 2 || ses.openSocketCount < 2); i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(secured, 2);
      assert.equal(ses.openSocketCount, 2);
      // The upgraded request takes one of them: no new connection.
      assert.equal(
        await (await ses.fetch(`http://${HOST}:${port}/after`)).text(),
        "secure /after",
      );
      assert.equal(secured, 2);
    } finally {
      server.off("secureConnection", onSecure);
      await ses.closeAllConnections();
    }
  });

  it("forgets a host on max-age=0 and never learns an IP address or localhost", async () => {
    const ses = trusting(module.fromPartition(`hsts-${++partitions}`));
    // The certificate names 127.0.0.1 and localhost too, but an IP address is never an HSTS
    // host, and Chromium ignores the header from localhost and its subdomains.
    await (await ses.fetch(`https://127.0.0.1:${port}/?sts=max-age=600`)).text();
    await assert.rejects(ses.fetch(`http://127.0.0.1:${port}/`), SessionError);
    await (await ses.fetch(`https://localhost:${port}/?sts=max-age=600`)).text();
    await assert.rejects(ses.fetch(`http://localhost:${port}/`), SessionError);
    await (await ses.fetch(`https://${HOST}:${port}/?sts=max-age=600`)).text();
    assert.equal(await (await ses.fetch(`http://${HOST}:${port}/a`)).text(), "secure /a");
    await (await ses.fetch(`https://${HOST}:${port}/?sts=max-age=0`)).text();
    await assert.rejects(ses.fetch(`http://${HOST}:${port}/b`), SessionError);
    await ses.closeAllConnections();
  });

  it("learns nothing over a certificate the verify proc accepted in spite of its error", async () => {
    const ses = trusting(module.fromPartition(`hsts-${++partitions}`));
    // Headers given back by onHeadersReceived make a new response, which keeps the fact.
    ses.webRequest.onHeadersReceived(({ responseHeaders }, callback) => {
      callback({ responseHeaders });
    });
    const response = await ses.fetch(`https://${HOST}:${wrongHostPort}/`);
    assert.equal(response.headers.get("strict-transport-security"), "max-age=600");
    assert.equal(await response.text(), "wrong host /");
    // Not upgraded: http: still goes to the TLS port as plain HTTP, which fails.
    await assert.rejects(ses.fetch(`http://${HOST}:${wrongHostPort}/`), SessionError);
    await ses.closeAllConnections();
  });

  it("keeps a persistent partition's hosts in its TransportSecurity file for the next process", async () => {
    const name = `persist:hsts-${++partitions}`;
    const ses = trusting(module.fromPartition(name));
    await (await ses.fetch(`https://${HOST}:${port}/?sts=max-age=600;includeSubDomains`)).text();
    await ses.closeAllConnections();
    const file = JSON.parse(readFileSync(join(ses.storagePath!, "TransportSecurity"), "utf8"));
    assert.equal(file.version, 2);
    assert.equal(file.sts.length, 1);
    assert.equal(file.sts[0].sts_include_subdomains, true);

    const later = trusting(sessionModule(userData).fromPartition(name));
    assert.notEqual(later, ses);
    const response = await later.fetch(`http://${HOST}:${port}/again`);
    assert.equal(await response.text(), "secure /again");
    assert.equal(response.url, `https://${HOST}:${port}/again`);
    // An in-memory partition of the same name starts empty.
    const memory = module.fromPartition(name.slice("persist:".length));
    await assert.rejects(memory.fetch(`http://${HOST}:${port}/`), SessionError);
    await later.closeAllConnections();
    await memory.closeAllConnections();
  });

  it("upgrades an http: PAC URL of an HSTS host, and learns hosts from PAC answers", async () => {
    const ses = trusting(module.fromPartition(`hsts-${++partitions}`));
    await (await ses.fetch(`https://${HOST}:${port}/learn?sts=max-age=600`)).text();
    // The TLS server does not speak HTTP: only the upgraded fetch gets the script.
    await ses.setProxy({ pacScript: `http://${HOST}:${port}/proxy.pac` });
    assert.equal(await ses.resolveProxy("http://example.test/"), "PROXY 127.0.0.1:9");

    const other = trusting(module.fromPartition(`hsts-${++partitions}`));
    await other.setProxy({ pacScript: `https://${HOST}:${port}/proxy.pac?sts=max-age=600` });
    assert.equal(await other.resolveProxy("http://example.test/"), "PROXY 127.0.0.1:9");
    await other.setProxy({ mode: "direct" });
    const response = await other.fetch(`http://${HOST}:${port}/after-pac`);
    assert.equal(await response.text(), "secure /after-pac");
    await ses.closeAllConnections();
    await other.closeAllConnections();
  });
});
