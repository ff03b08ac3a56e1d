// ses.fetch against raw-socket servers that send exact, slightly broken bytes, where Chromium
// is lenient: the response must be what Chromium gives, in both runtimes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createServer, type Server, type Socket } from "node:net";
import { gzipSync } from "node:zlib";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "../session/app.ts";
import { createSessionModule } from "../session/session_module.ts";
import type { Session } from "../session/session.ts";

function newSession(name: string): Session {
  const runtime = currentRuntime();
  return createSessionModule(new App(runtime), runtime).fromPartition(name);
}

interface RawServer {
  readonly url: string;
  /** The request line of every request received, in order. */
  readonly requestLines: string[];
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/** Answers the n-th request head (across connections) with `respond(n)`'s exact bytes. */
async function rawServer(
  respond: (index: number) => Buffer,
  after: (socket: Socket) => void = () => {},
): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const requestLines: string[] = [];
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket)).on("error", () => {});
    let pending = "";
    socket.on("data", (chunk: Buffer) => {
      pending += chunk.toString("latin1");
      for (let end = pending.indexOf("\r\n\r\n"); end !== -1; end = pending.indexOf("\r\n\r\n")) {
        requestLines.push(pending.slice(0, pending.indexOf("\r\n")));
        pending = pending.slice(end + 4);
        socket.write(respond(requestLines.length - 1));
        after(socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requestLines,
    get connections() {
      return connections;
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const latin1 = (text: string) => Buffer.from(text, "latin1");

describe("ses.fetch: a Location header carrying raw UTF-8", () => {
  it("follows Location: /caf + C3 A9 to /caf%C3%A9", async () => {
    const server = await rawServer((index) =>
      index === 0
        ? Buffer.concat([
          latin1("HTTP/1.1 302 Found\r\nLocation: /caf"),
          Buffer.from([0xc3, 0xa9]),
          latin1("\r\nContent-Length: 0\r\n\r\n"),
        ])
        : latin1("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    );
    const ses = newSession("location-utf8");
    try {
      const response = await ses.fetch(`${server.url}/start`);
      assert.equal(await response.text(), "ok");
      assert.deepEqual(server.requestLines, [
        "GET /start HTTP/1.1",
        "GET /caf%C3%A9 HTTP/1.1",
      ]);
      assert.equal(response.url, `${server.url}/caf%C3%A9`);
    } finally {
      await ses.closeAllConnections();
      await server.close();
    }
  });

  it("keeps a Location that is not UTF-8 as Latin-1 (E9 alone is é)", async () => {
    const server = await rawServer((index) =>
      index === 0
        ? Buffer.concat([
          latin1("HTTP/1.1 302 Found\r\nLocation: /caf"),
          Buffer.from([0xe9]),
          latin1("\r\nContent-Length: 0\r\n\r\n"),
        ])
        : latin1("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    );
    const ses = newSession("location-latin1");
    try {
      await (await ses.fetch(`${server.url}/start`)).text();
      assert.equal(server.requestLines[1], "GET /caf%C3%A9 HTTP/1.1");
    } finally {
      await ses.closeAllConnections();
      await server.close();
    }
  });
});

describe("ses.fetch: gzip followed by stray bytes (Chromium's gzip_source_stream.cc)", () => {
  const hello = gzipSync("hello world");
  const stray = latin1("\n \n\n\n\n \n");
  const ok = latin1("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

  it("gives hello world, reads the stray bytes off and reuses the connection", async () => {
    const server = await rawServer((index) =>
      index === 0
        ? Buffer.concat([
          latin1(
            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n" +
              `Content-Length: ${hello.length + stray.length}\r\n\r\n`,
          ),
          hello,
          stray,
        ])
        : ok
    );
    const ses = newSession("gzip-stray-keepalive");
    try {
      assert.equal(await (await ses.fetch(`${server.url}/gz`)).text(), "hello world");
      assert.equal(await (await ses.fetch(`${server.url}/next`)).text(), "ok");
      assert.equal(server.connections, 1);
    } finally {
      await ses.closeAllConnections();
      await server.close();
    }
  });

  it("gives hello world for a chunked body and for one ended by closing", async () => {
    const chunked = Buffer.concat([
      latin1("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"),
      latin1(`${hello.length.toString(16)}\r\n`),
      hello,
      latin1(`\r\n${stray.length.toString(16)}\r\n`),
      stray,
      latin1("\r\n0\r\n\r\n"),
    ]);
    const closing = Buffer.concat([
      latin1("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n"),
      hello,
      stray,
    ]);
    const server = await rawServer(
      (index) => (index === 0 ? chunked : closing),
      (socket) => {
        if (server.requestLines.length === 2) socket.end();
      },
    );
    const ses = newSession("gzip-stray-framing");
    try {
      assert.equal(await (await ses.fetch(`${server.url}/chunked`)).text(), "hello world");
      assert.equal(await (await ses.fetch(`${server.url}/closing`)).text(), "hello world");
    } finally {
      await ses.closeAllConnections();
      await server.close();
    }
  });

  it("accepts a Content-Length that counts the decoded bytes when the server then closes", async () => {
    const text = "hello world ".repeat(100);
    const server = await rawServer(
      () =>
        Buffer.concat([
          latin1(
            `HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${text.length}\r\n\r\n`,
          ),
          gzipSync(text),
        ]),
      (socket) => socket.end(),
    );
    const ses = newSession("gzip-decoded-length");
    try {
      assert.equal(await (await ses.fetch(`${server.url}/`)).text(), text);
    } finally {
      await ses.closeAllConnections();
      await server.close();
    }
  });

  it("still fails with ERR_CONTENT_LENGTH_MISMATCH when the decoded length differs", async () => {
    const text = "hello world ".repeat(100);
    const server = await rawServer(
      () =>
        Buffer.concat([
          latin1(
            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n" +
              `Content-Length: ${text.length + 1}\r\n\r\n`,
          ),
          gzipSync(text),
        ]),
      (socket) => socket.end(),
    );
    const ses = newSession("gzip-length-mismatch");
    try {
      const response = await ses.fetch(`${server.url}/`);
      await assert.rejects(response.text(), { code: "ERR_CONTENT_LENGTH_MISMATCH" });
    } finally {
      await ses.closeAllConnections();
      await server.close();
    }
  });
});

describe("ses.fetch: a reason phrase with control characters", () => {
  it("keeps the response, leaving them out of statusText only, in both runtimes", async () => {
    const server = await rawServer(() =>
      latin1("HTTP/1.1 404 Not\x1b]0;x\x07 Found\x7f\r\nContent-Length: 4\r\n\r\ngone")
    );
    const ses = newSession("reason-phrase-controls");
    let statusLine = "";
    ses.webRequest.onHeadersReceived((details, callback) => {
      statusLine = details.statusLine;
      callback({});
    });
    try {
      const response = await ses.fetch(`${server.url}/`);
      assert.equal(response.status, 404);
      assert.equal(response.statusText, "Not]0;x Found");
      assert.equal(await response.text(), "gone");
      // What the server sent, as Chromium's HttpResponseHeaders keeps it.
      assert.equal(statusLine, "HTTP/1.1 404 Not\x1b]0;x\x07 Found\x7f");
    } finally {
      await ses.closeAllConnections();
      await server.close();
    }
  });
});
