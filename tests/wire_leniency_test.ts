// ses.fetch against raw-socket servers that send exact, slightly broken bytes, where Chromium
// is lenient: the response must be what Chromium gives, in both runtimes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createServer, type Server, type Socket } from "node:net";
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
  close(): Promise<void>;
}

/** Answers the n-th request head (across connections) with `respond(n)`'s exact bytes. */
async function rawServer(respond: (index: number) => Buffer): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const requestLines: string[] = [];
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket)).on("error", () => {});
    let pending = "";
    socket.on("data", (chunk: Buffer) => {
      pending += chunk.toString("latin1");
      for (let end = pending.indexOf("\r\n\r\n"); end !== -1; end = pending.indexOf("\r\n\r\n")) {
        requestLines.push(pending.slice(0, pending.indexOf("\r\n")));
        pending = pending.slice(end + 4);
        socket.write(respond(requestLines.length - 1));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requestLines,
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
