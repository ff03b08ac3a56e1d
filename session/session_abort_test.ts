import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { SessionError } from "../core/session_error.ts";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";

function newSession() {
  const runtime = currentRuntime();
  return createSessionModule(new App(runtime), runtime).fromPartition("abort-test");
}

/** A raw server that runs `onRequest` once per request head, and counts connections. */
async function rawServer(onRequest: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket)).on("error", () => {});
    socket.on("data", (chunk: Buffer) => {
      if (chunk.includes("\r\n\r\n")) onRequest(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
    get connections() {
      return connections;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

class CallerReason extends Error {}

describe("ses.fetch aborted by the caller", () => {
  it("rejects with signal.reason when the signal was aborted before the call", async () => {
    const server = await rawServer((socket) => socket.end("HTTP/1.1 200 OK\r\n\r\n"));
    const reason = new CallerReason("before");
    await assert.rejects(newSession().fetch(server.url, { signal: AbortSignal.abort(reason) }), (
      error,
    ) => error === reason);
    assert.equal(server.connections, 0, "nothing is sent for an aborted request");
    await server.close();
  });

  it("rejects with signal.reason when aborted while waiting for the response head", async () => {
    const server = await rawServer(() => {});
    const controller = new AbortController();
    const pending = newSession().fetch(server.url, { signal: controller.signal });
    const reason = new CallerReason("waiting");
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(pending, (error) => error === reason);
    await server.close();
  });

  it("errors the body with signal.reason when aborted while the body is read", async () => {
    const server = await rawServer((socket) =>
      socket.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npart")
    );
    const controller = new AbortController();
    const response = await newSession().fetch(server.url, { signal: controller.signal });
    const reading = response.text();
    const reason = new CallerReason("reading");
    controller.abort(reason);
    await assert.rejects(reading, (error) => error === reason);
    await server.close();
  });

  it("rejects a pipeTo given the same signal with signal.reason, as the runtimes' fetch does", async () => {
    const server = await rawServer((socket) =>
      socket.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npart")
    );
    const controller = new AbortController();
    const response = await newSession().fetch(server.url, { signal: controller.signal });
    const piping = response.body!.pipeTo(new WritableStream(), { signal: controller.signal });
    const reason = new CallerReason("piping");
    controller.abort(reason);
    await assert.rejects(piping, (error) => error === reason);
    await server.close();
  });

  it("gives the default AbortError when the caller aborts without a reason", async () => {
    const server = await rawServer(() => {});
    const controller = new AbortController();
    const pending = newSession().fetch(server.url, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(
      pending,
      (error) => error instanceof DOMException && error.name === "AbortError",
    );
    await server.close();
  });

  it("keeps net::ERR_ABORTED for aborts that are not the caller's", async () => {
    const server = await rawServer((socket) =>
      socket.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npart")
    );
    const ses = newSession();
    const controller = new AbortController();
    const response = await ses.fetch(server.url, { signal: controller.signal });
    const reading = response.text();
    await ses.closeAllConnections();
    await assert.rejects(
      reading,
      (error) => SessionError.is(error) && error.code === "ERR_ABORTED",
    );
    await server.close();
  });
});
