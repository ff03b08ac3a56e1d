import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createNetServer, type Server as NetServer } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SessionError } from "../core/session_error.ts";
import { readNetLogFile } from "../netlog/mod.ts";
import { makeTestCertificates } from "../tests/fixtures/tls_certs.ts";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";
import type { Session } from "./session.ts";

function newSession(name: string): Session {
  const runtime = currentRuntime();
  return createSessionModule(new App(runtime), runtime).fromPartition(name);
}

describe("Session proxy settings", () => {
  let server: Server;
  let origin = "";
  let pacHits = 0;

  before(async () => {
    server = createServer((request, response) => {
      if (request.url === "/proxy.pac") {
        pacHits++;
        response.end(`function FindProxyForURL(url, host) { return "PROXY 127.0.0.1:9; DIRECT"; }`);
        return;
      }
      if (request.url === "/throws.pac") {
        response.end(`function FindProxyForURL(url, host) { return null.x; }`);
        return;
      }
      response.end("origin");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("setProxy, resolveProxy and forceReloadProxyConfig follow Electron", async () => {
    const ses = newSession("proxy-settings");
    assert.equal(await ses.resolveProxy("https://example.test/"), "DIRECT");
    await ses.setProxy({ proxyRules: "http=a:8080;https=socks5://s", proxyBypassRules: "<local>" });
    assert.equal(await ses.resolveProxy("http://example.test/"), "PROXY a:8080");
    assert.equal(await ses.resolveProxy("https://example.test/"), "SOCKS5 s:1080");
    assert.equal(await ses.resolveProxy("http://intranet/"), "DIRECT");
    await assert.rejects(ses.setProxy({ mode: "nope" as "direct" }), {
      message:
        "Invalid mode, must be one of direct, auto_detect, pac_script, fixed_servers or system",
    });

    // The PAC file is fetched directly, even though it names a proxy for everything.
    await ses.setProxy({ pacScript: `${origin}/proxy.pac` });
    assert.equal(await ses.resolveProxy("http://example.test/"), "PROXY 127.0.0.1:9;DIRECT");
    assert.equal(pacHits, 1);
    await ses.forceReloadProxyConfig();
    assert.equal(pacHits, 2);
    await ses.setProxy({ mode: "pac_script", pacScript: `${origin}/missing` });
    assert.equal(await ses.resolveProxy("http://example.test/"), "");
    await ses.closeAllConnections();
  });

  it("a CONNECT carries the session's User-Agent, as Chromium's tunnels do", async () => {
    // A proxy that records each CONNECT head and refuses the tunnel.
    const heads: string[] = [];
    const proxy: NetServer = createNetServer((socket) => {
      let head = "";
      socket.on("error", () => {});
      socket.on("data", (chunk) => {
        head += chunk.toString("latin1");
        if (!head.includes("\r\n\r\n")) return;
        heads.push(head);
        socket.end("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const ses = newSession("proxy-connect-user-agent");
    ses.setUserAgent("agent-under-test/2.0");
    const port = (proxy.address() as { port: number }).port;
    await ses.setProxy({ proxyRules: `127.0.0.1:${port}` });
    await assert.rejects(ses.fetch("https://example.test/"), {
      message: "net::ERR_TUNNEL_CONNECTION_FAILED",
    });
    assert.equal(
      heads[0],
      "CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n" +
        "Proxy-Connection: keep-alive\r\nUser-Agent: agent-under-test/2.0\r\n\r\n",
    );
    await ses.closeAllConnections();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });

  it("a request to a forward proxy says Proxy-Connection: keep-alive after Host, as Chromium's", async () => {
    const heads: string[] = [];
    const proxy: NetServer = createNetServer((socket) => {
      let head = "";
      socket.on("error", () => {});
      socket.on("data", (chunk) => {
        head += chunk.toString("latin1");
        if (!head.includes("\r\n\r\n")) return;
        heads.push(head);
        socket.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const ses = newSession("proxy-forward-proxy-connection");
    const port = (proxy.address() as { port: number }).port;
    await ses.setProxy({ proxyRules: `127.0.0.1:${port}` });
    assert.equal(await (await ses.fetch("http://example.test/x?y")).text(), "ok");
    assert.ok(
      heads[0]!.startsWith(
        "GET http://example.test/x?y HTTP/1.1\r\nHost: example.test\r\n" +
          "Proxy-Connection: keep-alive\r\nUser-Agent: ",
      ),
      heads[0],
    );
    await ses.closeAllConnections();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });

  it("fetch goes direct for bypassed URLs and falls back along the proxy list", async () => {
    const ses = newSession("proxy-fetch");
    await ses.setProxy({ proxyRules: "127.0.0.1:9" });
    // Loopback is bypassed implicitly.
    assert.equal(await (await ses.fetch(`${origin}/`)).text(), "origin");
    await ses.setProxy({ proxyRules: "127.0.0.1:9", proxyBypassRules: "<-loopback>" });
    await assert.rejects(
      ses.fetch(`${origin}/`),
      (error: unknown) => SessionError.is(error) && error.code === "ERR_PROXY_CONNECTION_FAILED",
    );
    await ses.setProxy({ proxyRules: "127.0.0.1:9,direct://", proxyBypassRules: "<-loopback>" });
    assert.equal(await (await ses.fetch(`${origin}/`)).text(), "origin");
    await ses.closeAllConnections();
  });

  it("marks a failed proxy to be tried last only once a later entry worked, as Chromium's ReportSuccess", async () => {
    const ses = newSession("proxy-report-success");
    const dead = "127.0.0.1:9";
    const other = "127.0.0.1:10";
    await ses.setProxy({
      proxyRules: `http=${dead};https=${dead},${other}`,
      proxyBypassRules: "<-loopback>",
    });
    // Every entry of the http list fails: nothing worked, so nothing is marked.
    await assert.rejects(ses.fetch(`${origin}/`), { message: "net::ERR_PROXY_CONNECTION_FAILED" });
    assert.equal(await ses.resolveProxy("https://a.test/"), `PROXY ${dead};PROXY ${other}`);
    // The dead proxy failed and DIRECT worked: now it is tried last.
    await ses.setProxy({ proxyRules: `${dead},direct://`, proxyBypassRules: "<-loopback>" });
    assert.equal(await (await ses.fetch(`${origin}/`)).text(), "origin");
    assert.equal(await ses.resolveProxy("https://a.test/"), `DIRECT;PROXY ${dead}`);
    await ses.closeAllConnections();
  });

  it("rules whose one list lost every entry leave no route: '' and net::ERR_NO_SUPPORTED_PROXIES", async () => {
    // As Chromium does with --proxy-server=http://:80: ProxyRules::Apply hands over the empty
    // list (no DIRECT default), its PAC string is "" and the stream request finds no proxy.
    const ses = newSession("proxy-no-supported");
    await ses.setProxy({ proxyRules: "http://:80, bogus://b", proxyBypassRules: "<-loopback>" });
    assert.equal(await ses.resolveProxy("http://example.test/"), "");
    await assert.rejects(
      ses.fetch(`${origin}/`),
      (error: unknown) => SessionError.is(error) && error.code === "ERR_NO_SUPPORTED_PROXIES",
    );
    // Bypassed URLs still go direct; a per-scheme list with no valid entry means DIRECT.
    await ses.setProxy({ proxyRules: "http://:80", proxyBypassRules: "example.test" });
    assert.equal(await ses.resolveProxy("http://example.test/"), "DIRECT");
    assert.equal(await ses.resolveProxy("http://127.0.0.1/"), "DIRECT");
    await ses.setProxy({ proxyRules: "http=http://:80" });
    assert.equal(await ses.resolveProxy("http://example.test/"), "DIRECT");
    await ses.closeAllConnections();
  });

  it("a caller's abort ends a request still waiting for its PAC script", async () => {
    // A PAC server that never answers (reading, so it sees the client hang up).
    const silent = createNetServer((socket) => socket.on("error", () => {}).resume());
    const port = await new Promise<number>((resolve) =>
      silent.listen(0, "127.0.0.1", () => resolve((silent.address() as { port: number }).port))
    );
    const ses = newSession("proxy-pac-abort");
    await ses.setProxy({ pacScript: `http://127.0.0.1:${port}/never.pac` });
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    const started = Date.now();
    const pending = ses.fetch("http://example.test/", { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    await assert.rejects(pending, (error: unknown) => error === reason);
    // Not after the PAC fetch's own 30 s timeout: the wait itself is what the abort must end.
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    await ses.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it("fetches an https PAC script under the session's verify proc and SSL config", async () => {
    const certs = makeTestCertificates();
    const pacServer = createHttpsServer(
      { ...certs.server, maxVersion: "TLSv1.2" },
      (_request, response) => response.end(`function FindProxyForURL() { return "PROXY tls:1"; }`),
    );
    await new Promise<void>((resolve) => pacServer.listen(0, "127.0.0.1", resolve));
    const pacUrl = `https://localhost:${(pacServer.address() as { port: number }).port}/p.pac`;
    const ses = newSession("proxy-pac-tls");
    // The PAC server's CA is unknown: without a proc the script cannot load.
    await ses.setProxy({ pacScript: pacUrl });
    assert.equal(await ses.resolveProxy("http://example.test/"), "");
    const asked: string[] = [];
    ses.setCertificateVerifyProc((request, callback) => {
      asked.push(request.hostname);
      callback(0);
    });
    await ses.forceReloadProxyConfig();
    assert.equal(await ses.resolveProxy("http://example.test/"), "PROXY tls:1");
    assert.deepEqual(asked, ["localhost"]);
    // TLS 1.3 only: the TLS 1.2 server cannot serve the script any more.
    ses.setSSLConfig({ minVersion: "tls1.3" });
    await ses.closeAllConnections();
    await ses.forceReloadProxyConfig();
    assert.equal(await ses.resolveProxy("http://example.test/"), "");
    await ses.closeAllConnections();
    // A proc set before the first PAC fetch applies as well.
    const other = newSession("proxy-pac-tls-first");
    other.setCertificateVerifyProc((_request, callback) => callback(0));
    await other.setProxy({ pacScript: pacUrl });
    assert.equal(await other.resolveProxy("http://example.test/"), "PROXY tls:1");
    await other.closeAllConnections();
    pacServer.closeAllConnections();
    await new Promise((resolve) => pacServer.close(resolve));
  });

  it("a new session follows the environment's proxies until setProxy, as Electron's do", async () => {
    const proxy = createServer((request, response) => response.end(`env proxy: ${request.url}`));
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const env: Record<string, string> = {
      http_proxy: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`,
    };
    const runtime = currentRuntime();
    const ses = createSessionModule(new App(runtime), { ...runtime, env: (name) => env[name] })
      .fromPartition("proxy-from-env");
    assert.equal(
      await (await ses.fetch("http://origin.test/x")).text(),
      "env proxy: http://origin.test/x",
    );
    await ses.setProxy({ mode: "direct" });
    assert.equal(await ses.resolveProxy("http://origin.test/x"), "DIRECT");
    await ses.closeAllConnections();
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it("a non-mandatory PAC script that throws logs only its error, not a DIRECT list too", async () => {
    // The environment's auto_proxy is a PAC URL whose failures fall back to DIRECT.
    const env: Record<string, string> = { auto_proxy: `${origin}/throws.pac` };
    const runtime = currentRuntime();
    const ses = createSessionModule(new App(runtime), { ...runtime, env: (name) => env[name] })
      .fromPartition("proxy-pac-fallback-log");
    const dir = await mkdtemp(join(tmpdir(), "ses-pac-log-"));
    await ses.netLog.startLogging(join(dir, "log.json"));
    // DIRECT, so the name is looked up (and fails) rather than sent to a proxy.
    await assert.rejects(ses.fetch("http://pac-fallback.invalid/"), {
      code: "ERR_NAME_NOT_RESOLVED",
    });
    await ses.netLog.stopLogging();
    const { events } = await readNetLogFile(join(dir, "log.json"));
    // Chromium's DidFinishResolvingProxy logs the error, then falls back with UseDirect and
    // logs no list (ERR_PAC_SCRIPT_FAILED is -327).
    assert.deepEqual(
      events.filter((event) => event.type.startsWith("PROXY_RESOLUTION_SERVICE")).map((
        event,
      ) => [event.type, event.phase, event.params ?? null]),
      [
        ["PROXY_RESOLUTION_SERVICE", "PHASE_BEGIN", null],
        ["PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST", "PHASE_NONE", { net_error: -327 }],
        ["PROXY_RESOLUTION_SERVICE", "PHASE_END", null],
      ],
    );
    await ses.closeAllConnections();
    await rm(dir, { recursive: true });
  });

  it("logs why a PAC script did not load in the session's net log", async () => {
    const ses = newSession("proxy-pac-load-log");
    const dir = await mkdtemp(join(tmpdir(), "ses-pac-log-"));
    await ses.netLog.startLogging(join(dir, "log.json"));
    await ses.setProxy({
      pacScript: `data:,${
        encodeURIComponent(
          "var a = 1;\nthrow new Error('no proxies today');\nfunction FindProxyForURL() {}",
        )
      }`,
    });
    assert.equal(await ses.resolveProxy("http://example.test/"), "");
    await ses.netLog.stopLogging();
    const { events } = await readNetLogFile(join(dir, "log.json"));
    assert.deepEqual(
      events.filter((event) => event.type === "PAC_JAVASCRIPT_ERROR").map((event) => [
        event.source.type,
        event.params,
      ]),
      [["NONE", { line_number: 2, message: "Uncaught Error: no proxies today" }]],
    );
    await ses.closeAllConnections();
    await rm(dir, { recursive: true });
  });

  it("preconnect opens its sockets along the proxy route, never straight to the origin", async () => {
    // A forward proxy that answers for every origin, and an origin: both count connections
    // as TCP sees them (Bun's node:http tells of a connection only once bytes arrive).
    const counter = () => {
      const server = createNetServer((socket) => {
        server.connections++;
        socket.on("error", () => {});
        socket.on("data", () => {
          socket.write("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nproxied");
        });
      }) as NetServer & { connections: number };
      server.connections = 0;
      return server;
    };
    const [counted, proxy] = [counter(), counter()];
    const listen = (server: NetServer) =>
      new Promise<number>((resolve) =>
        server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port))
      );
    const [originPort, proxyPort] = [await listen(counted), await listen(proxy)];
    const ses = newSession("proxy-preconnect");
    await ses.setProxy({ proxyRules: `127.0.0.1:${proxyPort}`, proxyBypassRules: "<-loopback>" });
    ses.preconnect({ url: `http://127.0.0.1:${originPort}`, numSockets: 2 });
    for (let i = 0; i < 100 && proxy.connections < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(proxy.connections, 2);
    assert.equal(counted.connections, 0);
    // The request that follows uses a preconnected socket.
    assert.equal(await (await ses.fetch(`http://127.0.0.1:${originPort}/`)).text(), "proxied");
    assert.equal(proxy.connections, 2);
    await ses.closeAllConnections();
    for (const server of [counted, proxy]) await new Promise((resolve) => server.close(resolve));
  });
});
