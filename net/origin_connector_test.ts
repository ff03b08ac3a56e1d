import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, connect, type Server, type Socket } from "node:net";
import type { ProxyHandshake } from "../core/proxy_handshake.ts";
import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import { SessionError } from "../core/session_error.ts";
import type { StreamSocket } from "../core/stream_socket.ts";
import { makeTestCertificates } from "../tests/fixtures/tls_certs.ts";
import { startTcpServer, type TestServer } from "../tests/fixtures/tls_servers.ts";
import { createFetchEntry } from "./fetch_entry.ts";
import { CertificateVerifier } from "./certificate_verifier.ts";
import { NetService, type NetServiceOptions } from "./net_service.ts";
import { connectRoute, poolKey } from "./origin_connector.ts";
import { resolveSSLConfig } from "./ssl_config.ts";

const certs = makeTestCertificates();
const SHORT = { tcpMs: 5_000, tlsHandshakeMs: 200, proxyHandshakeMs: 200 };

function netError(code: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(SessionError.is(error), `expected SessionError ${code}, got ${String(error)}`);
    assert.equal(
      error.code,
      code,
      `expected ${code}, got ${error.code} (cause ${String(error.cause)})`,
    );
    return true;
  };
}

function session(options: NetServiceOptions): {
  net: NetService;
  fetch: (url: string) => Promise<Response>;
} {
  const net = new NetService({ ca: [certs.ca.cert], connectTimeouts: SHORT, ...options });
  const entry = createFetchEntry(net.transport, { nextId: () => 1 });
  return { net, fetch: (url) => entry(url) };
}

function proxyList(...list: ProxyServer[]): NetServiceOptions["proxies"] {
  return { resolveProxies: () => list };
}

const httpProxy = (port: number): ProxyServer => ({ scheme: "http", host: "127.0.0.1", port });

/** Tracks a server's connections so closing it never waits on a keep-alive socket. */
function listen(server: Server | HttpServer): Promise<TestServer & { connections: () => number }> {
  const open = new Set<Socket>();
  let connections = 0;
  server.on("connection", (socket: Socket) => {
    connections++;
    open.add(socket);
    socket.on("error", () => {});
    socket.once("close", () => open.delete(socket));
  });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of open) socket.destroy();
      server.close(() => resolve());
    });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        connections: () => connections,
        close,
        [Symbol.asyncDispose]: close,
      }));
  });
}

/** An https origin answering `secure <path>`, with the given certificate. */
function startHttpsOrigin(pair = certs.server) {
  return listen(
    createHttpsServer({ key: pair.key, cert: pair.cert }, (request, response) => {
      response.end(`secure ${request.url}`);
    }),
  );
}

/** A tiny CONNECT proxy: opens the requested TCP connection and relays bytes both ways. */
async function startConnectProxy() {
  const targets: string[] = [];
  const server = await startTcpServer((client) => {
    let head = "";
    const onData = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      client.off("data", onData);
      const authority = /^CONNECT (\S+) HTTP\/1\.1\r\n/.exec(head)?.[1] ?? "";
      targets.push(authority);
      const { hostname, port } = new URL(`http://${authority}`);
      const upstream = connect(Number(port), hostname, () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        client.pipe(upstream).pipe(client);
      });
      upstream.on("error", () => client.destroy());
      client.once("close", () => upstream.destroy());
    };
    client.on("data", onData);
  });
  return Object.assign(server, { targets });
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = await startTcpServer(() => {});
  await server.close();
  return server.port;
}

/** A stub of proxy/'s HTTP CONNECT handshake: enough for these tests, nothing more. */
const connectHandshake: ProxyHandshake = (socket, _proxy, target, { signal }) =>
  new Promise((resolve, reject) => {
    let head = "";
    const cleanup = () => {
      socket.off("data", onData).off("close", onClose);
      signal?.removeEventListener("abort", onAbort);
    };
    const onData = (chunk: Uint8Array) => {
      head += Buffer.from(chunk).toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      cleanup();
      socket.pause();
      if (head.startsWith("HTTP/1.1 200")) resolve();
      else reject(new SessionError("ERR_TUNNEL_CONNECTION_FAILED"));
    };
    const onClose = () => {
      cleanup();
      reject(new SessionError("ERR_TUNNEL_CONNECTION_FAILED"));
    };
    const onAbort = () => {
      cleanup();
      reject(new SessionError("ERR_ABORTED"));
    };
    socket.on("data", onData).on("close", onClose);
    signal?.addEventListener("abort", onAbort, { once: true });
    const authority = `${target.host}:${target.port}`;
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, "latin1");
  });

describe("connectRoute and poolKey", () => {
  const tls = { key: "T", ssl: resolveSSLConfig({}), verifier: new CertificateVerifier() };
  const direct: ProxyServer = { scheme: "direct" };
  const http: ProxyServer = { scheme: "http", host: "p.test", port: 3128 };
  const https: ProxyServer = { scheme: "https", host: "p.test", port: 443 };
  const socks: ProxyServer = { scheme: "socks5", host: "::1", port: 1080 };
  const key = (url: string, proxy: ProxyServer) => poolKey(new URL(url), proxy, tls);

  it("forwards only http: URLs through HTTP(S) proxies, and tunnels the rest", () => {
    const route = (url: string, proxy: ProxyServer) => connectRoute(new URL(url), proxy);
    assert.equal(route("http://a.test/", direct), "direct");
    assert.equal(route("http://a.test/", http), "forward");
    assert.equal(route("http://a.test/", https), "forward");
    assert.equal(route("https://a.test/", http), "tunnel");
    assert.equal(route("wss://a.test/", https), "tunnel");
    assert.equal(route("ws://a.test/", http), "tunnel");
    assert.equal(route("http://a.test/", socks), "tunnel");
  });

  it("keys by route, proxy, origin and TLS policy where TLS is spoken", () => {
    assert.equal(key("http://a.test/x", direct), "direct http://a.test:80");
    assert.equal(key("https://A.test:8443/", direct), "direct https://a.test:8443 T");
    assert.equal(key("http://[::1]:81/", direct), "direct http://[::1]:81");
    assert.equal(key("https://a.test/", http), "tunnel http://p.test:3128 https://a.test:443 T");
    assert.equal(key("http://a.test/", socks), "tunnel socks5://[::1]:1080 http://a.test:80");
  });

  it("shares one forward group among every origin of a proxy", () => {
    assert.equal(key("http://a.test/", http), "forward http://p.test:3128");
    assert.equal(key("http://b.test:8080/", http), "forward http://p.test:3128");
    assert.equal(key("http://b.test/", https), "forward https://p.test:443 T");
  });
});

describe("connect-job timeouts", () => {
  let silent: TestServer;
  before(async () => {
    // Accepts TCP and never says a word: no ServerHello, no CONNECT answer.
    silent = await startTcpServer(() => {});
  });
  after(() => silent.close());

  it("fails an https request whose server never completes TLS with ERR_TIMED_OUT", async () => {
    const { net, fetch } = session({});
    await assert.rejects(fetch(`https://127.0.0.1:${silent.port}/`), netError("ERR_TIMED_OUT"));
    assert.equal(net.openSockets, 0);
  });

  it("fails a request whose proxy never answers the CONNECT with ERR_TIMED_OUT", async () => {
    const { net, fetch } = session({
      proxies: proxyList(httpProxy(silent.port)),
      proxyHandshake: connectHandshake,
    });
    const started = performance.now();
    await assert.rejects(fetch("https://127.0.0.1:4/"), netError("ERR_TIMED_OUT"));
    // The 200 ms proxy handshake bound, not the 5 s TCP one, ended it.
    assert.ok(performance.now() - started < 4_000);
    assert.equal(net.openSockets, 0);
  });
});

describe("closeAllConnections", () => {
  let silent: TestServer;
  before(async () => {
    silent = await startTcpServer(() => {});
  });
  after(() => silent.close());

  const slow = { tcpMs: 60_000, tlsHandshakeMs: 60_000, proxyHandshakeMs: 60_000 };

  async function abortedWhileConnecting(
    net: NetService,
    attempt: Promise<unknown>,
  ): Promise<void> {
    // Let the connect job get under way before closing.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(net.openSockets, 1, "the connect job should be counted while it runs");
    await net.closeAllConnections();
    await assert.rejects(attempt, netError("ERR_ABORTED"));
    assert.equal(net.openSockets, 0);
  }

  it("fails a request still in its TCP connect with ERR_ABORTED", async () => {
    const { net, fetch } = session({
      connectTimeouts: slow,
      connectTcp: () => new Promise<StreamSocket>(() => {}),
    });
    await abortedWhileConnecting(net, fetch("http://127.0.0.1:4/"));
  });

  it("fails a request still in its TLS handshake with ERR_ABORTED", async () => {
    const { net, fetch } = session({ connectTimeouts: slow });
    await abortedWhileConnecting(net, fetch(`https://127.0.0.1:${silent.port}/`));
  });

  it("fails a request still in its proxy handshake with ERR_ABORTED", async () => {
    const { net, fetch } = session({
      connectTimeouts: slow,
      proxies: proxyList(httpProxy(silent.port)),
      proxyHandshake: connectHandshake,
    });
    await abortedWhileConnecting(net, fetch("https://127.0.0.1:4/"));
  });
});

describe("routes", () => {
  it("sends http requests to a forward proxy in absolute form, one pool for every origin", async () => {
    const seen: string[] = [];
    await using proxy = await listen(createHttpServer((request, response) => {
      seen.push(`${request.method} ${request.url} host=${request.headers.host}`);
      response.end("from proxy");
    }));
    // Names that resolve nowhere: only the proxy may look them up.
    const { net, fetch } = session({ proxies: proxyList(httpProxy(proxy.port)) });
    assert.equal(await (await fetch("http://origin-a.test/one?q=1#frag")).text(), "from proxy");
    assert.equal(await (await fetch("http://origin-b.test:8080/two")).text(), "from proxy");
    assert.deepEqual(seen, [
      "GET http://origin-a.test/one?q=1 host=origin-a.test",
      "GET http://origin-b.test:8080/two host=origin-b.test:8080",
    ]);
    assert.equal(proxy.connections(), 1, "both origins should share the proxy's connection");
    await net.closeAllConnections();
  });

  it("tunnels https through CONNECT, then TLS to the origin", async () => {
    await using origin = await startHttpsOrigin();
    await using proxy = await startConnectProxy();
    const { net, fetch } = session({
      proxies: proxyList(httpProxy(proxy.port)),
      proxyHandshake: connectHandshake,
    });
    assert.equal(await (await fetch(`https://127.0.0.1:${origin.port}/x`)).text(), "secure /x");
    assert.deepEqual(proxy.targets, [`127.0.0.1:${origin.port}`]);
    await net.closeAllConnections();
  });

  it("stops the handshake's timer while proxy credentials are asked for", async () => {
    await using origin = await startHttpsOrigin();
    await using proxy = await startConnectProxy();
    const asked: string[] = [];
    // A stub handshake that needs credentials first, as a proxy answering 407 would.
    const authenticating: ProxyHandshake = async (socket, server, target, options) => {
      const value = await options.authorize?.([["Proxy-Authenticate", 'Basic realm="p"']], server);
      if (value !== "Basic dTpw") throw new SessionError("ERR_PROXY_AUTH_UNSUPPORTED");
      await connectHandshake(socket, server, target, options);
    };
    const { net, fetch } = session({
      proxies: proxyList(httpProxy(proxy.port)),
      proxyHandshake: authenticating,
      // Slower than the 200 ms handshake bound, like a person typing a password.
      proxyAuthorize: async (challenges) => {
        asked.push(challenges[0]![1]);
        await new Promise((resolve) => setTimeout(resolve, 500));
        return "Basic dTpw";
      },
    });
    assert.equal(await (await fetch(`https://127.0.0.1:${origin.port}/a`)).text(), "secure /a");
    assert.deepEqual(asked, ['Basic realm="p"']);
    await net.closeAllConnections();
  });

  it("fails a tunnel route without a handshake with ERR_PROXY_CONNECTION_FAILED, and goes on to DIRECT", async () => {
    await using origin = await startHttpsOrigin();
    await using proxy = await startConnectProxy();
    const url = `https://127.0.0.1:${origin.port}/y`;
    const only = session({ proxies: proxyList(httpProxy(proxy.port)) });
    await assert.rejects(only.fetch(url), netError("ERR_PROXY_CONNECTION_FAILED"));
    const withDirect = session({
      proxies: proxyList(httpProxy(proxy.port), { scheme: "direct" }),
    });
    assert.equal(await (await withDirect.fetch(url)).text(), "secure /y");
    assert.deepEqual(proxy.targets, []);
    await withDirect.net.closeAllConnections();
  });
});

describe("HTTPS proxies", () => {
  const httpsProxy = (port: number): ProxyServer => ({ scheme: "https", host: "127.0.0.1", port });
  const startForwardProxy = (pair = certs.server) =>
    listen(createHttpsServer({ key: pair.key, cert: pair.cert }, (request, response) => {
      response.end(`proxied ${request.url}`);
    }));

  it("speaks TLS to the proxy under the session's trust, then forwards in absolute form", async () => {
    await using proxy = await startForwardProxy();
    const { net, fetch } = session({ proxies: proxyList(httpsProxy(proxy.port)) });
    assert.equal(
      await (await fetch("http://origin.test/p")).text(),
      "proxied http://origin.test/p",
    );
    await net.closeAllConnections();
  });

  it("reports a proxy certificate failure as ERR_PROXY_CERTIFICATE_INVALID and moves on", async () => {
    await using bad = await startForwardProxy(certs.selfSigned);
    await using good = await startForwardProxy();
    const only = session({ proxies: proxyList(httpsProxy(bad.port)) });
    await assert.rejects(only.fetch("http://origin.test/"), (error: unknown) => {
      netError("ERR_PROXY_CERTIFICATE_INVALID")(error);
      assert.ok(error instanceof Error && SessionError.is(error.cause));
      assert.equal(error.cause.code, "ERR_CERT_AUTHORITY_INVALID");
      return true;
    });
    const both = session({ proxies: proxyList(httpsProxy(bad.port), httpsProxy(good.port)) });
    assert.equal(
      await (await both.fetch("http://origin.test/q")).text(),
      "proxied http://origin.test/q",
    );
    await both.net.closeAllConnections();
  });
});

describe("proxy fallover", () => {
  it("moves past a proxy that refuses connections to a working one", async () => {
    await using origin = await startHttpsOrigin();
    await using proxy = await startConnectProxy();
    const { net, fetch } = session({
      proxies: proxyList(httpProxy(await closedPort()), httpProxy(proxy.port)),
      proxyHandshake: connectHandshake,
    });
    assert.equal(await (await fetch(`https://127.0.0.1:${origin.port}/z`)).text(), "secure /z");
    assert.deepEqual(proxy.targets, [`127.0.0.1:${origin.port}`]);
    await net.closeAllConnections();
  });

  it("reports ERR_PROXY_CONNECTION_FAILED, caused by the refusal, when every proxy refuses", async () => {
    const { fetch } = session({
      proxies: proxyList(httpProxy(await closedPort()), httpProxy(await closedPort())),
      proxyHandshake: connectHandshake,
    });
    await assert.rejects(fetch("https://127.0.0.1:4/"), (error: unknown) => {
      netError("ERR_PROXY_CONNECTION_FAILED")(error);
      assert.ok(error instanceof Error && SessionError.is(error.cause));
      assert.equal(error.cause.code, "ERR_CONNECTION_REFUSED");
      return true;
    });
  });

  it("does not move on when the origin's certificate fails through a working tunnel", async () => {
    await using origin = await startHttpsOrigin(certs.selfSigned);
    await using first = await startConnectProxy();
    await using second = await startConnectProxy();
    const { net, fetch } = session({
      proxies: proxyList(httpProxy(first.port), httpProxy(second.port)),
      proxyHandshake: connectHandshake,
    });
    await assert.rejects(
      fetch(`https://127.0.0.1:${origin.port}/`),
      netError("ERR_CERT_AUTHORITY_INVALID"),
    );
    assert.equal(first.targets.length, 1);
    assert.deepEqual(second.targets, [], "the second proxy must not be tried");
    await net.closeAllConnections();
  });

  it("does not move on when the proxy refuses the tunnel", async () => {
    await using refusing = await startTcpServer((client) => {
      client.once(
        "data",
        () => client.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"),
      );
    });
    await using second = await startConnectProxy();
    const { fetch } = session({
      proxies: proxyList(httpProxy(refusing.port), httpProxy(second.port)),
      proxyHandshake: connectHandshake,
    });
    await assert.rejects(fetch("https://127.0.0.1:4/"), netError("ERR_TUNNEL_CONNECTION_FAILED"));
    assert.deepEqual(second.targets, []);
  });
});
