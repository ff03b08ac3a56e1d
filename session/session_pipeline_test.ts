import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { NetLogEntry, NetLogSink } from "../core/net_log_sink.ts";
import { gzipSync } from "node:zlib";
import { responseInfo } from "../core/response_info.ts";
import { NetService } from "../net/mod.ts";
import { startOrigin } from "../tests/fixtures/origin_server.ts";
import { makeTestCertificates } from "../tests/fixtures/tls_certs.ts";
import { buildSessionPipeline } from "./session_pipeline.ts";

const NO_COOKIES = { cookieHeader: () => undefined, storeSetCookies: () => {} };

async function withOrigin(run: (url: string) => Promise<void>) {
  const server = createServer((request, response) => {
    if (request.url === "/old") response.writeHead(302, { location: "/new" }).end();
    else response.end(request.headers["user-agent"]);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("buildSessionPipeline", () => {
  it("opens doors by resource type that share the process's id counter", async () => {
    const seen: string[] = [];
    const net = new NetService();
    const { fetch, door } = buildSessionPipeline({
      net,
      identity: { userAgent: () => "pipeline-test/1", acceptLanguage: () => "" },
      cookies: NO_COOKIES,
      onPreconnectHint: () => {},
      outcome: {
        active: true,
        onCompleted: (_request, _response, context) =>
          seen.push(`${context.id} ${context.resourceType}`),
        onError: () => {},
      },
    });
    const download = door("download");
    await withOrigin(async (origin) => {
      assert.equal(await (await fetch(`${origin}/a`)).text(), "pipeline-test/1");
      assert.equal(await (await download(`${origin}/b`)).text(), "pipeline-test/1");
      await (await fetch(`${origin}/c`)).text();
      await net.closeAllConnections();
    });
    // The counter is the process's (other pipelines may have counted before): consecutive ids.
    const first = Number.parseInt(seen[0]!);
    assert.deepEqual(seen, [`${first} xhr`, `${first + 1} download`, `${first + 2} xhr`]);
  });

  it("gives a request one URL_REQUEST source across all its hops", async () => {
    const entries: NetLogEntry[] = [];
    let sources = 0;
    const sink: NetLogSink = {
      capturing: true,
      newSource: (type) => ({ id: ++sources, type, startTime: Date.now() }),
      add: (entry) => void entries.push(entry),
    };
    const net = new NetService();
    const { fetch } = buildSessionPipeline({
      net,
      identity: { userAgent: () => "pipeline-test/1", acceptLanguage: () => "" },
      cookies: NO_COOKIES,
      onPreconnectHint: () => {},
      netLog: sink,
    });
    await withOrigin(async (origin) => {
      await (await fetch(`${origin}/old`)).text();
      await net.closeAllConnections();
    });
    const sent = entries.filter((entry) => entry.type === "HTTP_TRANSACTION_SEND_REQUEST_HEADERS");
    assert.equal(sent.length, 2, "two hops");
    assert.equal(sources, 1);
    assert.ok(
      entries.every((entry) => entry.source.id === 1 && entry.source.type === "URL_REQUEST"),
    );
  });
});

describe("ResponseInfo through the pipeline", () => {
  function pipelineFor(net: NetService) {
    return buildSessionPipeline({
      net,
      identity: { userAgent: () => "pipeline-test/1", acceptLanguage: () => "" },
      cookies: NO_COOKIES,
      onPreconnectHint: () => {},
    }).fetch;
  }

  it("keeps raw header lines apart, the peer, reuse and the status line, across decoding and redirects", async () => {
    const server = createServer((request, response) => {
      if (request.url === "/old") {
        response.writeHead(302, { location: "/new" }).end();
        return;
      }
      response.writeHead(200, "Fine", [
        ["Set-Cookie", "a=1"],
        ["Content-Encoding", "gzip"],
        ["Set-Cookie", "b=2"],
      ]).end(gzipSync("decoded"));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const net = new NetService();
    const fetch = pipelineFor(net);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/old`);
      assert.equal(await response.text(), "decoded");
      const info = responseInfo(response);
      assert.ok(info, "the decoded, redirected response keeps the record");
      assert.equal(info.statusLine, "HTTP/1.1 200 Fine");
      assert.equal(info.httpVersion, "1.1");
      assert.deepEqual(
        info.rawHeaders.filter(([name]) => name.toLowerCase() === "set-cookie"),
        [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]],
      );
      assert.equal(info.remoteAddress, "127.0.0.1");
      assert.equal(info.remotePort, port);
      assert.deepEqual(info.proxy, { scheme: "direct" });
      assert.equal(info.connectionReused, true, "the second hop reused the first hop's socket");
      assert.equal(info.fromCache, false);
    } finally {
      await net.closeAllConnections();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("knows the peer of a TLS connection", async () => {
    const certs = makeTestCertificates();
    const origin = await startOrigin({ fetch: () => new Response("secure") }, {
      tls: certs.server,
    });
    const net = new NetService({ ca: [certs.ca.cert] });
    try {
      const response = await pipelineFor(net)(`https://127.0.0.1:${origin.port}/`);
      assert.equal(await response.text(), "secure");
      assert.equal(responseInfo(response)?.remoteAddress, "127.0.0.1");
      assert.equal(responseInfo(response)?.remotePort, origin.port);
      assert.equal(responseInfo(response)?.connectionReused, false);
    } finally {
      await net.closeAllConnections();
      await origin.close();
    }
  });
});
