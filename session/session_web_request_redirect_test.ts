import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";
import type { Session } from "./session.ts";

const runtime = currentRuntime();
const sessions = createSessionModule(new App(runtime), runtime);
let partitions = 0;
function newSession(): Session {
  return sessions.fromPartition(`web-request-redirect-${++partitions}`);
}

/** A server that records each request's raw head lines by path and answers what `route` says. */
interface RawServer {
  /** Closes the server and the connections it holds. */
  close(): Promise<void>;
  origin: string;
  heads: Map<string, string[]>;
}

function rawServer(route: (path: string) => string): Promise<RawServer> {
  const heads = new Map<string, string[]>();
  const sockets = new Set<Socket>();
  const server = createServer((socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let buffered = "";
    socket.on("error", () => {});
    socket.on("data", (data) => {
      buffered += data.toString("latin1");
      for (;;) {
        const end = buffered.indexOf("\r\n\r\n");
        if (end === -1) return;
        const lines = buffered.slice(0, end).split("\r\n");
        const length = lines.find((line) => /^content-length:/i.test(line));
        const bodyLength = length === undefined ? 0 : Number(length.split(":")[1]);
        if (buffered.length < end + 4 + bodyLength) return;
        buffered = buffered.slice(end + 4 + bodyLength);
        const path = lines[0]!.split(" ")[1]!;
        heads.set(path, lines);
        socket.write(route(path));
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      const close = () =>
        new Promise<void>((done) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => done());
        });
      resolve({ close, origin: `http://127.0.0.1:${port}`, heads });
    })
  );
}

function redirect(status: string, location: string): string {
  return `HTTP/1.1 ${status}\r\nlocation: ${location}\r\ncontent-length: 0\r\n\r\n`;
}

const OK = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";

/** The head's header lines as `Name: value`, without the request line, Host and Connection. */
function headerLines(head: string[] | undefined): string[] {
  assert.ok(head, "the request reached the server");
  return head.slice(1).filter((line) => !/^(host|connection):/i.test(line));
}

describe("request headers across redirect hops (webRequest answers, Origin), through ses.fetch", () => {
  let first: RawServer;
  let other: RawServer;
  before(async () => {
    other = await rawServer(() => OK);
    // `localhost` is another origin than `127.0.0.1` for the same server.
    const otherHost = other.origin.replace("127.0.0.1", "localhost");
    first = await rawServer((path) => {
      switch (path) {
        case "/same":
          return redirect("302 Found", "/same-end");
        case "/cross":
          return redirect("302 Found", `${otherHost}/cross-end`);
        case "/post-301":
          return redirect("301 Moved Permanently", "/post-301-end");
        case "/post-302":
          return redirect("302 Found", "/post-302-end");
        case "/post-307":
          return redirect("307 Temporary Redirect", "/post-307-end");
        default:
          return OK;
      }
    });
  });
  after(async () => {
    await first.close();
    await other.close();
  });

  // Electron's ProxyingURLLoaderFactory::InProgressRequest has the listener change its
  // `request_.headers`, which the next hop starts from (FollowRedirect only removes and merges),
  // so a header an answer added goes again, shown to the next onBeforeSendHeaders, with the
  // answer's spelling; net::RedirectUtil::UpdateHttpRequest drops the body headers when the
  // method becomes GET, and the fetch standard drops Authorization on a cross-origin hop.
  it("sends an answer's headers on the next hop of a same-origin redirect, and shows them", async () => {
    const ses = newSession();
    const shown: Array<Record<string, string>> = [];
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      shown.push(details.requestHeaders);
      if (new URL(details.url).pathname !== "/same") return callback({});
      const { "X-Caller": caller, ...rest } = details.requestHeaders;
      callback({
        requestHeaders: { ...rest, "x-caller": caller!, "X-Added": "1", Authorization: "Bearer t" },
      });
    });
    const response = await ses.fetch(`${first.origin}/same`, { headers: { "X-Caller": "c" } });
    assert.equal(await response.text(), "ok");
    const end = headerLines(first.heads.get("/same-end"));
    assert.ok(end.includes("X-Added: 1"), end.join("\n"));
    assert.ok(end.includes("Authorization: Bearer t"), end.join("\n"));
    // The caller's header is now the answer's, spelled as the answer spelled it.
    assert.ok(end.includes("x-caller: c"), end.join("\n"));
    assert.ok(!end.includes("X-Caller: c"), end.join("\n"));
    assert.equal(shown.length, 2);
    assert.equal(shown[1]!["X-Added"], "1");
    assert.equal(shown[1]!["Authorization"], "Bearer t");
    assert.equal(shown[1]!["x-caller"], "c");
    // The session's defaults are there on the next hop too, once each.
    assert.equal(end.filter((line) => /^user-agent:/i.test(line)).length, 1, end.join("\n"));
    assert.equal(end.filter((line) => /^accept:/i.test(line)).length, 1, end.join("\n"));
    await ses.closeAllConnections();
  });

  it("drops an answer's Authorization on a cross-origin hop and keeps its other headers", async () => {
    const ses = newSession();
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      if (new URL(details.url).pathname !== "/cross") return callback({});
      const { Cookie: cookie, ...rest } = details.requestHeaders;
      callback({
        requestHeaders: {
          ...rest,
          Cookie: `${cookie}; extra=1`,
          "X-Added": "1",
          Authorization: "Bearer t",
        },
      });
    });
    await ses.cookies.set({ url: first.origin, name: "jar", value: "first" });
    const response = await ses.fetch(`${first.origin}/cross`, { headers: { "X-Caller": "c" } });
    assert.equal(await response.text(), "ok");
    const sent = headerLines(first.heads.get("/cross"));
    assert.ok(sent.includes("Authorization: Bearer t"), sent.join("\n"));
    assert.ok(sent.includes("Cookie: jar=first; extra=1"), sent.join("\n"));
    const end = headerLines(other.heads.get("/cross-end"));
    // The Cookie is the jar's for each hop (none here), not the first origin's the answer gave.
    assert.ok(!end.some((line) => /^cookie:/i.test(line)), end.join("\n"));
    assert.ok(end.includes("X-Added: 1"), end.join("\n"));
    assert.ok(end.includes("X-Caller: c"), end.join("\n"));
    assert.ok(!end.some((line) => /^authorization:/i.test(line)), end.join("\n"));
    await ses.closeAllConnections();
  });

  for (const status of ["301", "302"]) {
    it(`drops an answer's body headers when a ${status} turns a POST into a GET`, async () => {
      const ses = newSession();
      ses.webRequest.onBeforeSendHeaders((details, callback) => {
        if (!details.url.endsWith(`/post-${status}`)) return callback({});
        callback({
          requestHeaders: {
            ...details.requestHeaders,
            "Content-Language": "fr",
            "X-Added": "1",
          },
        });
      });
      const response = await ses.fetch(`${first.origin}/post-${status}`, {
        method: "POST",
        body: "hi",
        headers: { "Content-Type": "text/plain" },
      });
      assert.equal(await response.text(), "ok");
      const sent = headerLines(first.heads.get(`/post-${status}`));
      assert.ok(sent.includes("Content-Language: fr"), sent.join("\n"));
      const head = first.heads.get(`/post-${status}-end`)!;
      assert.equal(head[0], `GET /post-${status}-end HTTP/1.1`);
      const end = headerLines(head);
      assert.ok(end.includes("X-Added: 1"), end.join("\n"));
      assert.ok(!end.some((line) => /^content-/i.test(line)), end.join("\n"));
      await ses.closeAllConnections();
    });
  }

  it("keeps an answer's headers and the body on a 307", async () => {
    const ses = newSession();
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      if (!details.url.endsWith("/post-307")) return callback({});
      callback({ requestHeaders: { ...details.requestHeaders, "X-Added": "1" } });
    });
    const response = await ses.fetch(`${first.origin}/post-307`, {
      method: "POST",
      body: "hi",
      headers: { "Content-Type": "text/plain" },
    });
    assert.equal(await response.text(), "ok");
    const head = first.heads.get("/post-307-end")!;
    assert.equal(head[0], "POST /post-307-end HTTP/1.1");
    const end = headerLines(head);
    assert.ok(end.includes("X-Added: 1"), end.join("\n"));
    assert.ok(end.includes("Content-Type: text/plain"), end.join("\n"));
    assert.ok(end.includes("Content-Length: 2"), end.join("\n"));
    await ses.closeAllConnections();
  });

  // net::RedirectUtil::UpdateHttpRequest: a method change drops Origin; a cross-origin hop
  // turns one into `null` (the fetch standard's HTTP-redirect fetch).
  it("drops Origin when the method becomes GET and sends Origin: null across origins", async () => {
    const ses = newSession();
    const posted = await ses.fetch(`${first.origin}/post-302`, {
      method: "POST",
      body: "hi",
      headers: { Origin: "http://app.test" },
    });
    assert.equal(await posted.text(), "ok");
    assert.ok(headerLines(first.heads.get("/post-302")).includes("Origin: http://app.test"));
    const end = headerLines(first.heads.get("/post-302-end"));
    assert.ok(!end.some((line) => /^origin:/i.test(line)), end.join("\n"));
    const crossed = await ses.fetch(`${first.origin}/cross`, {
      headers: { Origin: "http://app.test" },
    });
    assert.equal(await crossed.text(), "ok");
    const crossedEnd = headerLines(other.heads.get("/cross-end"));
    assert.ok(crossedEnd.includes("Origin: null"), crossedEnd.join("\n"));
    await ses.closeAllConnections();
  });

  it("spells the caller's headers as the caller did on every hop when nothing answered", async () => {
    const ses = newSession();
    ses.webRequest.onBeforeSendHeaders((_details, callback) => callback({}));
    const response = await ses.fetch(`${first.origin}/same`, { headers: { "X-Caller": "c" } });
    assert.equal(await response.text(), "ok");
    assert.ok(headerLines(first.heads.get("/same-end")).includes("X-Caller: c"));
    await ses.closeAllConnections();
  });
});
