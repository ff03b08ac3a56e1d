import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { type ConnectionPin, requestContext } from "../core/middleware.ts";
import { NetService } from "./net_service.ts";

describe("connection pins (RequestContext.connectionPin)", () => {
  let server: Server;
  let base: string;
  const ids = new WeakMap<Socket, number>();
  let nextId = 0;
  let releaseSlow: () => void = () => {};
  before(async () => {
    server = createServer((request, response) => {
      let id = ids.get(request.socket);
      if (id === undefined) ids.set(request.socket, id = ++nextId);
      const reply = () => response.end(String(id));
      if (request.url === "/slow") releaseSlow = reply;
      else reply();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("keeps the connection for the pin's next send, away from other requests, then pools it", async () => {
    const net = new NetService();
    const pin: ConnectionPin = {};
    const pinned = requestContext({ connectionPin: pin });
    const first = await (await net.transport(new Request(`${base}/a`), pinned)).text();
    assert.equal(typeof pin.release, "function");
    // Another request meanwhile: without the pin it would take the idle connection.
    const slow = net.transport(new Request(`${base}/slow`), requestContext());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await (await net.transport(new Request(`${base}/b`), pinned)).text();
    assert.equal(second, first);
    releaseSlow();
    assert.notEqual(await (await slow).text(), first);
    // The stage lets go: the connection goes back to the pool and serves anyone.
    pinned.connectionPin = undefined;
    pin.release?.();
    assert.equal(pin.release, undefined);
    assert.equal(net.openSockets, 2);
    const ids2 = await Promise.all(
      [1, 2].map(async (n) =>
        (await net.transport(new Request(`${base}/c${n}`), requestContext())).text()
      ),
    );
    assert.ok(ids2.includes(first));
    await net.closeAllConnections();
    assert.equal(net.openSockets, 0);
  });

  it("a connection the server closes is not held; the next send opens another", async () => {
    const net = new NetService();
    const pin: ConnectionPin = {};
    const pinned = requestContext({ connectionPin: pin });
    const closing = new Request(`${base}/x`, { headers: { connection: "close" } });
    const first = await (await net.transport(closing, pinned)).text();
    assert.equal(pin.release, undefined);
    const second = await (await net.transport(new Request(`${base}/y`), pinned)).text();
    assert.notEqual(second, first);
    pinned.connectionPin = undefined;
    (pin as ConnectionPin).release?.();
    await net.closeAllConnections();
  });
});
