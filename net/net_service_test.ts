import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, connect, createServer } from "node:net";
import { requestContext } from "../core/middleware.ts";
import type { NetLogEntry, NetLogSink } from "../core/net_log_sink.ts";
import { SessionError } from "../core/session_error.ts";
import type { StreamSocket, TcpConnect } from "../core/stream_socket.ts";
import { makeTestCertificates, makeTestLeaf } from "../tests/fixtures/tls_certs.ts";
import { createFetchEntry } from "./fetch_entry.ts";
import { NetService } from "./net_service.ts";

function collectingSink(capturing: boolean): NetLogSink & { entries: NetLogEntry[] } {
  let lastId = 0;
  const entries: NetLogEntry[] = [];
  return {
    capturing,
    entries,
    newSource: (type) => ({ id: ++lastId, type, startTime: Date.now() }),
    add: (entry) => void entries.push(entry),
  };
}

async function withOrigin(run: (url: string) => Promise<void>): Promise<void> {
  const server = createServer((socket) => {
    socket.on("error", () => {});
    socket.on(
      "data",
      () => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Test: 1\r\n\r\nok"),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as { port: number }).port}/path?q=1`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("NetService net log seam", () => {
  it("records the transaction's request and response headers in Chromium's shapes", async () => {
    const sink = collectingSink(true);
    const net = new NetService();
    const fetchLike = createFetchEntry(net.transport, { nextId: () => 1, netLog: sink });
    await withOrigin(async (url) => {
      assert.equal(await (await fetchLike(url, { headers: { "x-mine": "a" } })).text(), "ok");
      await net.closeAllConnections();
      assert.deepEqual(sink.entries.map((e) => `${e.type} ${e.phase}`), [
        "PROXY_RESOLUTION_SERVICE PHASE_BEGIN",
        "PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST PHASE_NONE",
        "PROXY_RESOLUTION_SERVICE PHASE_END",
        "HTTP_STREAM_REQUEST PHASE_BEGIN",
        "HOST_RESOLVER_MANAGER_REQUEST PHASE_BEGIN",
        "HOST_RESOLVER_MANAGER_REQUEST PHASE_END",
        "TCP_CONNECT PHASE_BEGIN",
        "TCP_CONNECT_ATTEMPT PHASE_BEGIN",
        "TCP_CONNECT_ATTEMPT PHASE_END",
        "TCP_CONNECT PHASE_END",
        "HTTP_STREAM_REQUEST PHASE_END",
        "HTTP_TRANSACTION_SEND_REQUEST PHASE_BEGIN",
        "HTTP_TRANSACTION_SEND_REQUEST_HEADERS PHASE_NONE",
        "SOCKET_BYTES_SENT PHASE_NONE",
        "HTTP_TRANSACTION_SEND_REQUEST PHASE_END",
        "HTTP_TRANSACTION_READ_HEADERS PHASE_BEGIN",
        "HTTP_STREAM_PARSER_READ_HEADERS PHASE_BEGIN",
        "SOCKET_BYTES_RECEIVED PHASE_NONE",
        "HTTP_STREAM_PARSER_READ_HEADERS PHASE_END",
        "HTTP_TRANSACTION_READ_RESPONSE_HEADERS PHASE_NONE",
        "HTTP_TRANSACTION_READ_HEADERS PHASE_END",
      ]);
      const host = new URL(url).host;
      // The bytes as written and received, for the sink to encode or drop.
      const bytesSent = sink.entries.find((e) => e.type === "SOCKET_BYTES_SENT");
      const bytesReceived = sink.entries.find((e) => e.type === "SOCKET_BYTES_RECEIVED");
      assert.match(String(bytesSent!.params?.bytes), /^GET \/path\?q=1 HTTP\/1\.1\r\n/);
      assert.equal(bytesSent!.params?.byte_count, String(bytesSent!.params?.bytes).length);
      assert.ok(bytesReceived!.params?.bytes instanceof Uint8Array);
      // Chromium 156's NetLogFinishedResolvingProxyParams: ProxyInfo::ToDebugString as
      // proxy_info; the stream's route as ProxyChain::ToDebugString.
      assert.deepEqual(sink.entries[1]!.params, { proxy_info: "DIRECT" });
      assert.equal(sink.entries[10]!.type, "HTTP_STREAM_REQUEST");
      assert.equal(sink.entries[10]!.params?.proxy_chain, "[direct://]");
      // The addresses in HostCache::Entry's shape, as the polledData's host cache shows them.
      assert.deepEqual(sink.entries[5]!.params, {
        results: {
          ip_endpoints: [{ endpoint_address: "127.0.0.1", endpoint_port: 0 }],
          from_cache: true,
        },
      });
      // AddressList::NetLogParams (no DNS aliases for an IP literal), and the end as
      // TCPClientSocket::LogConnectEnd: the socket's own address and the peer's.
      assert.deepEqual(sink.entries[6]!.params, { address_list: [host], aliases: [] });
      const connected = sink.entries[9]!.params as {
        local_address: string;
        remote_address: string;
      };
      assert.equal(connected.remote_address, host);
      assert.match(connected.local_address, /^127\.0\.0\.1:\d+$/);
      assert.notEqual(connected.local_address, host);
      const [sent, received] = [
        sink.entries.find((e) => e.type === "HTTP_TRANSACTION_SEND_REQUEST_HEADERS"),
        sink.entries.find((e) => e.type === "HTTP_TRANSACTION_READ_RESPONSE_HEADERS"),
      ];
      assert.equal(sent!.type, "HTTP_TRANSACTION_SEND_REQUEST_HEADERS");
      assert.equal(sent!.phase, "PHASE_NONE");
      assert.equal(sent!.source.type, "URL_REQUEST");
      assert.equal(sent!.params?.line, "GET /path?q=1 HTTP/1.1\r\n");
      assert.deepEqual(sent!.params?.headers, [`Host: ${new URL(url).host}`, "x-mine: a"]);
      assert.equal(received!.type, "HTTP_TRANSACTION_READ_RESPONSE_HEADERS");
      assert.equal(received!.source, sent!.source);
      assert.deepEqual(received!.params?.headers, [
        "HTTP/1.1 200 OK",
        "Content-Length: 2",
        "X-Test: 1",
      ]);
    });
  });

  it("logs proxy resolution alike whether the resolver answers at once, later, or fails", async () => {
    const proxies = {
      resolveProxies: (url: URL) => {
        if (url.pathname === "/throws") throw new TypeError("bad rules");
        if (url.pathname === "/refused") {
          return Promise.reject(Object.assign(new Error("pac"), { errno: -111 }));
        }
        const direct = [{ scheme: "direct" as const }];
        return url.pathname === "/later" ? Promise.resolve(direct) : direct;
      },
    };
    const net = new NetService({ proxies });
    const resolution = (entries: NetLogEntry[]) =>
      entries.filter((e) => e.type.startsWith("PROXY_RESOLUTION_SERVICE")).map((e) =>
        `${e.type} ${e.phase} ${JSON.stringify(e.params ?? null)}`
      );
    await withOrigin(async (url) => {
      for (const path of ["/now", "/later"]) {
        const sink = collectingSink(true);
        const fetchLike = createFetchEntry(net.transport, { nextId: () => 1, netLog: sink });
        assert.equal(await (await fetchLike(new URL(path, url))).text(), "ok");
        assert.deepEqual(resolution(sink.entries), [
          "PROXY_RESOLUTION_SERVICE PHASE_BEGIN null",
          'PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST PHASE_NONE {"proxy_info":"DIRECT"}',
          "PROXY_RESOLUTION_SERVICE PHASE_END null",
        ], path);
        // The connection comes after the resolution, in either case.
        assert.equal(sink.entries[3]!.type, "HTTP_STREAM_REQUEST");
      }
      for (
        const [path, error, netError] of [["/refused", /pac/, -111], [
          "/throws",
          /bad rules/,
          -2,
        ]] as const
      ) {
        const sink = collectingSink(true);
        const fetchLike = createFetchEntry(net.transport, { nextId: () => 1, netLog: sink });
        await assert.rejects(fetchLike(new URL(path, url)), error);
        assert.deepEqual(resolution(sink.entries), [
          "PROXY_RESOLUTION_SERVICE PHASE_BEGIN null",
          `PROXY_RESOLUTION_SERVICE PHASE_END {"net_error":${netError}}`,
        ], path);
      }
      await net.closeAllConnections();
    });
  });

  it("records nothing while the sink is not capturing", async () => {
    const sink = collectingSink(false);
    const net = new NetService();
    const fetchLike = createFetchEntry(net.transport, { nextId: () => 1, netLog: sink });
    await withOrigin(async (url) => {
      await (await fetchLike(url)).text();
      await net.closeAllConnections();
    });
    assert.deepEqual(sink.entries, []);
  });
});

describe("NetService TCP connector seam", () => {
  it("opens direct http connections with the given connector, and https ones with node:net", async () => {
    const used: string[] = [];
    const connectTcp: TcpConnect = (address, port) => {
      used.push(`${address}:${port}`);
      return new Promise<StreamSocket>((resolve, reject) => {
        const socket = connect({ host: address, port, noDelay: true });
        socket.once("connect", () => resolve(socket.pause())).once("error", reject);
      });
    };
    const net = new NetService({ connectTcp });
    const fetchLike = createFetchEntry(net.transport, { nextId: () => 1 });
    await withOrigin(async (url) => {
      const { host, port } = new URL(url);
      assert.equal(await (await fetchLike(url)).text(), "ok");
      assert.deepEqual(used, [`127.0.0.1:${port}`]);
      // TLS needs a node:net socket under node:tls; the plain server fails the handshake.
      await net.preconnect({ url: `https://${host}/` });
      assert.deepEqual(used, [`127.0.0.1:${port}`]);
      await net.closeAllConnections();
    });
  });
});

describe("NetService proxy resolution seam", () => {
  it("waits for a resolver that answers with a promise, and fails with its failure", async () => {
    const asked: string[] = [];
    const net = new NetService({
      proxies: {
        resolveProxies: (url) => {
          asked.push(url.href);
          return url.pathname === "/refused"
            ? Promise.reject(new TypeError("no proxy for you"))
            : Promise.resolve([{ scheme: "direct" as const }]);
        },
      },
    });
    const fetchLike = createFetchEntry(net.transport, { nextId: () => 1 });
    await withOrigin(async (url) => {
      assert.equal(await (await fetchLike(url)).text(), "ok");
      await assert.rejects(fetchLike(new URL("/refused", url)), /no proxy for you/);
      assert.deepEqual(asked, [url, new URL("/refused", url).href]);
      await net.closeAllConnections();
    });
  });

  it("fails an empty proxy list with net::ERR_NO_SUPPORTED_PROXIES and preconnects nothing", async () => {
    // Chromium's stream request with no proxy and no DIRECT to choose from
    // (HttpStreamFactory::JobController::DoResolveProxyComplete); nothing is connected.
    let connects = 0;
    const net = new NetService({
      proxies: { resolveProxies: () => [] },
      connectTcp: () => {
        connects++;
        return Promise.reject(new Error("no socket expected"));
      },
    });
    const fetchLike = createFetchEntry(net.transport, { nextId: () => 1 });
    await assert.rejects(
      fetchLike("http://example.test/"),
      (error: unknown) => SessionError.is(error) && error.code === "ERR_NO_SUPPORTED_PROXIES",
    );
    assert.equal(await net.preconnect({ url: "http://example.test/" }), 0);
    assert.equal(connects, 0);
  });

  it("preconnects nothing to a restricted port, as Chromium's stream job refuses it", async () => {
    // HttpStreamFactory::Job::DoStart: "Don't connect to restricted ports." A preconnect (from
    // ses.preconnect or a response's Link hint) must not reach a port a request may not use.
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    // Restricted ports a test machine is unlikely to be using (X11, SANE, IRC, Amanda).
    let port: number | undefined;
    for (const candidate of [6000, 6566, 6665, 6667, 10080]) {
      const bound = await new Promise<boolean>((resolve) => {
        server.once("error", () => resolve(false));
        server.listen(candidate, "127.0.0.1", () => resolve(true));
      });
      if (bound) {
        port = candidate;
        break;
      }
    }
    assert.ok(port !== undefined, "no restricted port could be bound");
    const net = new NetService();
    try {
      for (const scheme of ["http", "https"]) {
        assert.equal(
          await net.preconnect({ url: `${scheme}://127.0.0.1:${port}/`, numSockets: 2 }),
          0,
        );
      }
      assert.equal(connections, 0);
    } finally {
      await net.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

// A test CA, an intermediate under it, and (aiaLeaf) a leaf naming the intermediate only by its
// caIssuers URL, for a server that sends its chain short.
function shortChain() {
  const certs = makeTestCertificates();
  const intermediate = makeTestLeaf(certs.ca, {
    isCa: true,
    commonName: "ses test intermediate",
    subjectAltName: null,
  });
  return { certs, intermediate };
}

function aiaLeaf(intermediate: ReturnType<typeof makeTestLeaf>) {
  return makeTestLeaf(intermediate, {
    extraExtensions: ["authorityInfoAccess=caIssuers;URI:http://aia.invalid/i.pem"],
  });
}

describe("NetService certificate verification", () => {
  it("fetches a missing intermediate from its caIssuers URL through the session's proxy", async () => {
    // The CA's server is reachable only through the proxy: its name resolves nowhere, as a
    // host behind a corporate proxy does not. Chromium's CertNetFetcher uses the network
    // context, proxy included, so the chain completes there.
    const { certs, intermediate } = shortChain();
    const asked: string[] = [];
    const proxy = createHttpServer((request, response) => {
      asked.push(`${request.method} ${request.url}`);
      if (request.url === "http://aia.invalid/i.pem") response.end(intermediate.cert);
      else response.writeHead(502).end();
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const proxyPort = (proxy.address() as AddressInfo).port;
    const origin = createHttpsServer(
      aiaLeaf(intermediate),
      (_request, response) => response.end("ok"),
    );
    await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
    const net = new NetService({
      ca: [certs.ca.cert],
      proxies: {
        resolveProxies: (url: URL) =>
          url.hostname === "aia.invalid"
            ? [{ scheme: "http", host: "127.0.0.1", port: proxyPort }]
            : [{ scheme: "direct" }],
      },
    });
    try {
      const response = await net.transport(
        new Request(`https://localhost:${(origin.address() as AddressInfo).port}/`),
        requestContext(),
      );
      assert.equal(await response.text(), "ok");
      assert.deepEqual(asked, ["GET http://aia.invalid/i.pem"]);
    } finally {
      await net.closeAllConnections();
      origin.closeAllConnections();
      await new Promise((resolve) => origin.close(resolve));
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it("fails an HTTPS proxy whose own chain is short at once, its caIssuers fetch not waiting on itself", async () => {
    // The proxy's certificate names its intermediate's caIssuers URL, and every request goes
    // through that proxy: the fetch's own connection to it cannot complete the chain again
    // (Chromium's CertNetFetcher requests carry LOAD_DISABLE_CERT_NETWORK_FETCHES), so the
    // proxy's certificate is refused at once rather than after the fetch's 10 s deadline.
    const { certs, intermediate } = shortChain();
    const asked: string[] = [];
    const proxy = createHttpsServer(
      aiaLeaf(intermediate),
      (request, response) => {
        asked.push(`${request.method} ${request.url}`);
        response.end(request.url === "http://aia.invalid/i.pem" ? intermediate.cert : "ok");
      },
    );
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const proxyPort = (proxy.address() as AddressInfo).port;
    const net = new NetService({
      ca: [certs.ca.cert],
      proxies: {
        resolveProxies: () => [{ scheme: "https", host: "localhost", port: proxyPort }],
      },
    });
    try {
      const started = Date.now();
      await assert.rejects(
        net.transport(new Request("http://origin.invalid/"), requestContext()),
        (error: unknown) =>
          error instanceof SessionError && error.code === "ERR_PROXY_CERTIFICATE_INVALID",
      );
      const took = Date.now() - started;
      assert.ok(took < 5_000, `refused after ${took} ms`);
      assert.deepEqual(asked, []);
    } finally {
      await net.closeAllConnections();
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
