import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { tunnelAuthRefusal } from "../core/proxy_handshake.ts";
import { SessionError } from "../core/session_error.ts";
import {
  connectTo,
  type RunningServer,
  startEchoOrigin,
  startScriptedProxy,
  startTinyproxy,
} from "../tests/fixtures/proxy_servers.ts";
import { httpConnectHandshake } from "./http_connect_handshake.ts";

function netError(code: string) {
  return (error: unknown) => SessionError.is(error) && error.code === code;
}

/** Reads the origin's greeting and one echo through a tunnel. */
async function exchange(socket: Socket): Promise<string> {
  socket.resume();
  socket.write("ping\n");
  let text = "";
  for await (const chunk of socket) {
    text += chunk.toString();
    if (text.includes("ping\n")) break;
  }
  socket.destroy();
  return text;
}

/** A proxy that answers its heads with `replies` in turn, then closes; it opens no tunnel. */
function scriptedProxy(replies: string[]) {
  return startScriptedProxy((_head, index) => replies[index], { tunnel: false });
}

describe("httpConnectHandshake", () => {
  let origin: RunningServer;
  let open: RunningServer;
  let guarded: RunningServer;

  before(async () => {
    origin = await startEchoOrigin();
    open = await startTinyproxy();
    guarded = await startTinyproxy(["user", "s3cret"]);
  });
  after(async () => {
    await Promise.all([origin.stop(), open.stop(), guarded.stop()]);
  });

  it("tunnels through tinyproxy", async () => {
    const socket = await connectTo(open.port);
    await httpConnectHandshake(socket, { scheme: "http", host: "127.0.0.1", port: open.port }, {
      host: "127.0.0.1",
      port: origin.port,
    }, {});
    assert.equal(await exchange(socket), "hello\nping\n");
  });

  it("sends the proxy URI's credentials to tinyproxy as Basic", async () => {
    const socket = await connectTo(guarded.port);
    const proxy = {
      scheme: "http",
      host: "127.0.0.1",
      port: guarded.port,
      username: "user",
      password: "s3cret",
    } as const;
    await httpConnectHandshake(socket, proxy, { host: "127.0.0.1", port: origin.port }, {});
    assert.equal(await exchange(socket), "hello\nping\n");
  });

  it("fails a 407 with Chromium's codes when tinyproxy closes the connection", async () => {
    const proxy = { scheme: "http", host: "127.0.0.1", port: guarded.port } as const;
    const target = { host: "127.0.0.1", port: origin.port };
    let socket = await connectTo(guarded.port);
    await assert.rejects(
      httpConnectHandshake(socket, proxy, target, {}),
      netError("ERR_TUNNEL_CONNECTION_FAILED"),
    );
    socket.destroy();
    socket = await connectTo(guarded.port);
    const challenges: string[] = [];
    await assert.rejects(
      httpConnectHandshake(socket, proxy, target, {
        authorize: (headers) => {
          challenges.push(
            ...headers.filter(([name]) => name === "proxy-authenticate").map(([, value]) => value),
          );
          return Promise.resolve(`Basic ${btoa("user:s3cret")}`);
        },
      }),
      netError("ERR_UNABLE_TO_REUSE_CONNECTION_FOR_PROXY_AUTH"),
    );
    assert.deepEqual(challenges, ['Basic realm="Tinyproxy"']);
    socket.destroy();
  });

  it("answers tinyproxy's closing 407 on a new connection from `reconnect`", async () => {
    // Chromium's HttpProxyConnectJob reconnects and keeps its auth controller: the answer is
    // the first thing the new connection's CONNECT carries, and nobody is asked twice.
    const proxy = { scheme: "http", host: "127.0.0.1", port: guarded.port } as const;
    const target = { host: "127.0.0.1", port: origin.port };
    const first = await connectTo(guarded.port);
    let current: Socket = first;
    let asked = 0;
    await httpConnectHandshake(first, proxy, target, {
      authorize: () => {
        asked++;
        return Promise.resolve(`Basic ${btoa("user:s3cret")}`);
      },
      reconnect: async () => {
        current.destroy();
        current = await connectTo(guarded.port);
        return current;
      },
    });
    assert.notEqual(current, first);
    assert.equal(asked, 1);
    assert.equal(await exchange(current), "hello\nping\n");
    // A proxy that refuses every answer and hangs up each time: the rounds stay bounded
    // across connections (tinyproxy itself answers wrong credentials with a 401).
    const refusing = createServer((socket) => {
      socket.on("error", () => {});
      socket.once("data", () =>
        socket.end(
          "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=r\r\n" +
            "Connection: close\r\n\r\n",
        ));
    });
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
    const port = (refusing.address() as { port: number }).port;
    current = await connectTo(port);
    let reconnects = 0;
    asked = 0;
    await assert.rejects(
      httpConnectHandshake(current, { scheme: "http", host: "127.0.0.1", port }, target, {
        authorize: () => {
          asked++;
          return Promise.resolve(`Basic ${btoa("user:wrong")}`);
        },
        reconnect: async () => {
          reconnects++;
          current.destroy();
          current = await connectTo(port);
          return current;
        },
      }),
      netError("ERR_TUNNEL_CONNECTION_FAILED"),
    );
    current.destroy();
    await new Promise<void>((resolve) => refusing.close(() => resolve()));
    assert.equal(asked, 8);
    assert.equal(reconnects, 8);
  });

  it("answers a 407 on a kept-alive connection and keeps the bytes after the reply", async () => {
    const fake = await scriptedProxy([
      "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=x\r\n" +
      "Content-Length: 4\r\n\r\nnope",
      "HTTP/1.1 200 Connection established\r\n\r\nearly",
    ]);
    const socket = await connectTo(fake.port);
    await httpConnectHandshake(socket, { scheme: "http", host: "127.0.0.1", port: fake.port }, {
      host: "::1",
      port: 443,
    }, { authorize: () => Promise.resolve("Basic eDp5") });
    assert.match(fake.heads[0]!, /^CONNECT \[::1\]:443 HTTP\/1\.1\r\nHost: \[::1\]:443\r\n/);
    assert.ok(!fake.heads[0]!.includes("Proxy-Authorization"));
    assert.match(fake.heads[1]!, /\r\nProxy-Authorization: Basic eDp5$/);
    const first = await new Promise<Buffer>((resolve) => socket.once("data", resolve).resume());
    assert.equal(first.toString(), "early");
    socket.destroy();
    await fake.stop();
  });

  it("sends the User-Agent it is given after Proxy-Connection, before Proxy-Authorization", async () => {
    // As Chromium 156 sends a CONNECT (captured from chromium --proxy-server): Host,
    // Proxy-Connection, User-Agent, then the answer to a 407.
    const fake = await scriptedProxy([
      "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=x\r\n" +
      "Content-Length: 0\r\n\r\n",
      "HTTP/1.1 200 Connection established\r\n\r\n",
    ]);
    const socket = await connectTo(fake.port);
    await httpConnectHandshake(socket, { scheme: "http", host: "127.0.0.1", port: fake.port }, {
      host: "a.test",
      port: 443,
    }, { authorize: () => Promise.resolve("Basic eDp5"), userAgent: "agent/1.0 (x)" });
    socket.destroy();
    await fake.stop();
    const head = "CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n" +
      "Proxy-Connection: keep-alive\r\nUser-Agent: agent/1.0 (x)\r\n";
    assert.deepEqual(fake.heads, [
      head.slice(0, -2),
      `${head}Proxy-Authorization: Basic eDp5`,
    ]);
  });

  it("logs each CONNECT and reply while a net log captures, as HttpProxyClientSocket", async () => {
    const fake = await scriptedProxy([
      "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=x\r\n" +
      "Content-Length: 0\r\n\r\n",
      "HTTP/1.1 200 Connection established\r\n\r\n",
    ]);
    const entries: { type: string; phase: string; params?: Record<string, unknown> }[] = [];
    const source = { id: 1, type: "URL_REQUEST", startTime: Date.now() };
    const sink = {
      capturing: true,
      newSource: () => source,
      add: (entry: (typeof entries)[number]) => void entries.push(entry),
    };
    const socket = await connectTo(fake.port);
    await httpConnectHandshake(socket, { scheme: "http", host: "127.0.0.1", port: fake.port }, {
      host: "a.test",
      port: 443,
    }, { authorize: () => Promise.resolve("Basic eDp5"), netLog: { sink, source } });
    socket.destroy();
    await fake.stop();
    const sent = {
      line: "CONNECT a.test:443 HTTP/1.1\r\n",
      headers: ["Host: a.test:443", "Proxy-Connection: keep-alive"],
    };
    assert.deepEqual(entries, [
      { type: "HTTP_TRANSACTION_SEND_TUNNEL_HEADERS", phase: "PHASE_NONE", source, params: sent },
      {
        type: "HTTP_TRANSACTION_READ_TUNNEL_RESPONSE_HEADERS",
        phase: "PHASE_NONE",
        source,
        params: {
          headers: [
            "HTTP/1.1 407 Proxy Authentication Required",
            "Proxy-Authenticate: Basic realm=x",
            "Content-Length: 0",
          ],
        },
      },
      {
        type: "HTTP_TRANSACTION_SEND_TUNNEL_HEADERS",
        phase: "PHASE_NONE",
        source,
        params: { ...sent, headers: [...sent.headers, "Proxy-Authorization: Basic eDp5"] },
      },
      {
        type: "HTTP_TRANSACTION_READ_TUNNEL_RESPONSE_HEADERS",
        phase: "PHASE_NONE",
        source,
        params: { headers: ["HTTP/1.1 200 Connection established"] },
      },
    ]);
  });

  it("keeps the sanitized head of a 407 nobody answers with its ERR_TUNNEL_CONNECTION_FAILED", async () => {
    const fake = await scriptedProxy([
      "HTTP/1.0 407 Who Goes There\r\nProxy-Authenticate: Basic realm=x\r\n" +
      "Set-Cookie: planted=1\r\nCONTENT-length: 0\r\n\r\n",
    ]);
    const proxy = { scheme: "http", host: "127.0.0.1", port: fake.port } as const;
    const socket = await connectTo(fake.port);
    let refused: unknown;
    await assert.rejects(
      httpConnectHandshake(socket, proxy, { host: "a.test", port: 443 }, {
        authorize: () => Promise.resolve(undefined),
      }).catch((error) => {
        refused = error;
        throw error;
      }),
      netError("ERR_TUNNEL_CONNECTION_FAILED"),
    );
    assert.deepEqual(tunnelAuthRefusal(refused), {
      proxy,
      httpVersion: "1.0",
      status: 407,
      statusText: "Who Goes There",
      // What SanitizeProxyAuth keeps, spelled as sent.
      rawHeaders: [
        ["Proxy-Authenticate", "Basic realm=x"],
        ["CONTENT-length", "0"],
      ],
      remoteAddress: "127.0.0.1",
      remotePort: fake.port,
    });
    // Every other tunnel failure carries no head.
    const other = await scriptedProxy(["HTTP/1.1 403 Forbidden\r\n\r\n"]);
    const second = await connectTo(other.port);
    const error = await httpConnectHandshake(second, { ...proxy, port: other.port }, {
      host: "a.test",
      port: 443,
    }, {}).catch((error) => error);
    assert.ok(netError("ERR_TUNNEL_CONNECTION_FAILED")(error));
    assert.equal(tunnelAuthRefusal(error), undefined);
    socket.destroy();
    second.destroy();
    await fake.stop();
    await other.stop();
  });

  it("maps other replies to Chromium's codes", async () => {
    const cases: Array<[string, "http" | "https", string]> = [
      ["HTTP/1.1 403 Forbidden\r\n\r\n", "http", "ERR_TUNNEL_CONNECTION_FAILED"],
      ["HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n", "https", "ERR_TUNNEL_CONNECTION_FAILED"],
      ["HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n", "http", "ERR_TUNNEL_CONNECTION_FAILED"],
      ["garbage\r\n\r\n", "http", "ERR_TUNNEL_CONNECTION_FAILED"],
      // Only a 200 opens the tunnel: Chromium's HttpProxyClientSocket fails other 2xx answers.
      ["HTTP/1.1 201 Created\r\n\r\n", "http", "ERR_TUNNEL_CONNECTION_FAILED"],
      ["HTTP/1.1 204 No Content\r\n\r\n", "https", "ERR_TUNNEL_CONNECTION_FAILED"],
    ];
    for (const [reply, scheme, code] of cases) {
      const fake = await scriptedProxy([reply]);
      const socket = await connectTo(fake.port);
      await assert.rejects(
        httpConnectHandshake(socket, { scheme, host: "127.0.0.1", port: fake.port }, {
          host: "a.test",
          port: 443,
        }, {}),
        netError(code),
        `${reply.split("\r\n")[0]} via ${scheme}`,
      );
      socket.destroy();
      await fake.stop();
    }
    const closing = await scriptedProxy([]);
    const socket = await connectTo(closing.port);
    await assert.rejects(
      httpConnectHandshake(socket, { scheme: "http", host: "127.0.0.1", port: closing.port }, {
        host: "a.test",
        port: 443,
      }, {}),
      netError("ERR_TUNNEL_CONNECTION_FAILED"),
    );
    await closing.stop();
  });

  it("gives up with ERR_ABORTED when its signal aborts", async () => {
    const silent = await scriptedProxy(["HTTP/1.1 200"]);
    const socket = await connectTo(silent.port);
    const controller = new AbortController();
    const pending = httpConnectHandshake(socket, {
      scheme: "http",
      host: "127.0.0.1",
      port: silent.port,
    }, {
      host: "a.test",
      port: 443,
    }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(pending, netError("ERR_ABORTED"));
    socket.destroy();
    await silent.stop();
  });
});
