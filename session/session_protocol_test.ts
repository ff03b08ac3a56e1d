import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { SessionError } from "../core/session_error.ts";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";
import type { Session } from "./session.ts";

const runtime = currentRuntime();
const sessions = createSessionModule(new App(runtime), runtime);
let partitions = 0;
function newSession(): Session {
  return sessions.fromPartition(`protocol-${++partitions}`);
}

function isNetError(code: string) {
  return (error: unknown) => SessionError.is(error) && error.code === code;
}

async function quietly<T>(body: () => Promise<T>): Promise<{ value: T; reported: number }> {
  let reported = 0;
  const original = console.error;
  console.error = () => reported++;
  try {
    return { value: await body(), reported };
  } finally {
    console.error = original;
  }
}

describe("ses.protocol through ses.fetch", () => {
  let server: Server;
  let base: string;
  let dir: string;
  let hits: string[];
  before(async () => {
    hits = [];
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      hits.push(`${request.method} ${request.url}`);
      if (request.url === "/to-app") {
        response.writeHead(302, { location: "app://bundle/after-redirect" }).end();
      } else if (request.url === "/to-file") {
        response.writeHead(302, { location: pathToFileURL(join(dir, "page.html")).href }).end();
      } else if (request.url === "/headers") {
        const lines = [];
        for (let i = 0; i < request.rawHeaders.length; i += 2) {
          lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
        }
        response.end(lines.join("\n"));
      } else if (request.url === "/cookie") {
        response.end(`cookie ${request.headers.cookie ?? "none"}`);
      } else if (request.url === "/to-localhost") {
        const port = (server.address() as { port: number }).port;
        response.writeHead(302, { location: `http://localhost:${port}/cookie` }).end();
      } else if (request.url === "/echo") {
        let body = "";
        request.on("data", (chunk) => body += chunk);
        request.on("end", () => {
          response.end(`${request.method} ${request.headers["content-type"] ?? "-"} ${body}`);
        });
      } else if (request.url === "/reason") {
        response.statusMessage = "Fine Indeed";
        response.end("reason");
      } else if (request.url === "/set-cookie") {
        response.writeHead(200, { "set-cookie": "net=1; Path=/" }).end("set");
      } else {
        response.end(`network ${request.url}`);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    dir = mkdtempSync(join(tmpdir(), "ses-protocol-"));
    writeFileSync(join(dir, "page.html"), "<p>hello</p>");
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("handles a custom scheme in one session only, and unhandles it", async () => {
    const ses = newSession();
    const other = newSession();
    let seen: Request | undefined;
    ses.protocol.handle("app", async (request) => {
      seen = request;
      const body = request.body ? await request.text() : "";
      return new Response(`${request.method} ${new URL(request.url).pathname} ${body}`, {
        headers: { "content-type": "text/plain" },
      });
    });
    assert.equal(ses.protocol.isProtocolHandled("app"), true);
    assert.equal(other.protocol.isProtocolHandled("app"), false);
    const response = await ses.fetch("app://bundle/index.html", { method: "POST", body: "data" });
    assert.equal(await response.text(), "POST /index.html data");
    assert.equal(response.url, "app://bundle/index.html");
    assert.equal(seen?.headers.get("user-agent"), ses.getUserAgent());
    await assert.rejects(
      other.fetch("app://bundle/index.html"),
      isNetError("ERR_UNKNOWN_URL_SCHEME"),
    );
    assert.throws(() => ses.protocol.handle("app", () => new Response()), {
      message: "Failed to register protocol: app",
    });
    ses.protocol.unhandle("app");
    assert.throws(() => ses.protocol.unhandle("app"), {
      message: "Failed to unhandle protocol: app",
    });
    await assert.rejects(
      ses.fetch("app://bundle/index.html"),
      isNetError("ERR_UNKNOWN_URL_SCHEME"),
    );
  });

  it("fails with net::ERR_FAILED when a handler throws, rejects or answers with no Response or a used one", async () => {
    const ses = newSession();
    ses.protocol.handle("throws", () => {
      throw new Error("handler bug");
    });
    ses.protocol.handle("rejects", () => Promise.reject(new Error("async bug")));
    ses.protocol.handle("nothing", () => "text" as unknown as Response);
    ses.protocol.handle("used", async () => {
      const response = new Response("read already");
      await response.text();
      return response;
    });
    ses.protocol.registerStringProtocol("legacy", async () => {
      await Promise.resolve();
      throw new Error("async legacy bug");
    });
    const { reported } = await quietly(async () => {
      for (const scheme of ["throws", "rejects", "nothing", "used", "legacy"]) {
        await assert.rejects(ses.fetch(`${scheme}://x/`), isNetError("ERR_FAILED"), scheme);
      }
    });
    assert.equal(reported, 5);
  });

  it("fails with net::ERR_FAILED, unreported, when a handler answers with Response.error(), as Electron's handle()", async () => {
    // Electron's handle() answers `{error: ERR_FAILED}` for a Response whose type is "error"; only
    // its catch block reports on console.error.
    const ses = newSession();
    const errors: string[] = [];
    ses.webRequest.onErrorOccurred((details) => errors.push(details.error));
    ses.protocol.handle("app", () => Response.error());
    const { reported } = await quietly(() =>
      assert.rejects(ses.fetch("app://x/"), isNetError("ERR_FAILED"))
    );
    assert.equal(reported, 0);
    assert.deepEqual(errors, ["net::ERR_FAILED"]);
  });

  it("ends a request whose caller aborts while its handler has not answered", async () => {
    const ses = newSession();
    const errors: string[] = [];
    ses.webRequest.onErrorOccurred((details) => errors.push(details.error));
    const controller = new AbortController();
    let late: (response: Response) => void = () => {};
    ses.protocol.handle("slow", () =>
      new Promise<Response>((resolve) => {
        late = resolve;
        controller.abort(new Error("gave up"));
      }));
    await assert.rejects(ses.fetch("slow://x/", { signal: controller.signal }), {
      message: "gave up",
    });
    // Its answer, when it comes, is dropped, its body cancelled.
    let cancelled = false;
    late(new Response(new ReadableStream({ cancel: () => void (cancelled = true) })));
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(cancelled, true);
    assert.deepEqual(errors, ["net::ERR_ABORTED"]);
  });

  it("ends a handler's or a file's body being read when the caller aborts, cancelling its source", async () => {
    const ses = newSession();
    const errors: string[] = [];
    ses.webRequest.onErrorOccurred((details) => errors.push(`${details.url} ${details.error}`));
    let cancelled: unknown;
    ses.protocol.handle("endless", () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull: (controller) => controller.enqueue(new Uint8Array(1024)),
          cancel: (reason) => void (cancelled = reason ?? "cancelled"),
        }),
      ));
    const big = join(dir, "big.bin");
    writeFileSync(big, new Uint8Array(4 * 1024 * 1024));
    for (const url of ["endless://x/", pathToFileURL(big).href]) {
      const controller = new AbortController();
      const response = await ses.fetch(url, { signal: controller.signal });
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort(new Error("enough"));
      // Within a few reads (what was already queued), the body fails with the abort's reason.
      let reads = 0;
      await assert.rejects(
        (async () => {
          while (reads < 64) {
            const { done } = await reader.read();
            if (done) return;
            reads++;
          }
        })(),
        { message: "enough" },
        url,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.notEqual(cancelled, undefined);
    assert.deepEqual(errors, [
      "endless://x/ net::ERR_ABORTED",
      `${pathToFileURL(big).href} net::ERR_ABORTED`,
    ]);
  });

  it("fails a handler's body that errors midway with net::ERR_FAILED, as its head would", async () => {
    const ses = newSession();
    const errors: string[] = [];
    ses.webRequest.onErrorOccurred((details) => errors.push(details.error));
    const cause = new Error("disk went away");
    ses.protocol.handle("midway", () =>
      new Response(
        new ReadableStream({
          start: (controller) => controller.enqueue(new TextEncoder().encode("part")),
          pull: (controller) => controller.error(cause),
        }),
      ));
    const response = await ses.fetch("midway://x/");
    const { reported } = await quietly(() =>
      assert.rejects(
        response.text(),
        (error: unknown) =>
          isNetError("ERR_FAILED")(error) && (error as Error).cause === cause &&
          (error as SessionError).url === "midway://x/",
      )
    );
    assert.equal(reported, 1);
    assert.deepEqual(errors, ["net::ERR_FAILED"]);
  });

  it("intercepts http, and bypassCustomProtocolHandlers goes to the network", async () => {
    const ses = newSession();
    hits = [];
    ses.protocol.handle("http", async (request) => {
      if (new URL(request.url).pathname === "/proxied") {
        const upstream = await ses.fetch(
          request,
          { bypassCustomProtocolHandlers: true } as RequestInit,
        );
        return new Response(`via handler: ${await upstream.text()}`);
      }
      return new Response("intercepted");
    });
    assert.equal(ses.protocol.isProtocolIntercepted("http"), true);
    assert.equal(await (await ses.fetch(`${base}/x`)).text(), "intercepted");
    assert.equal(
      await (await ses.fetch(`${base}/proxied`)).text(),
      "via handler: network /proxied",
    );
    const direct = await ses.fetch(
      `${base}/y`,
      { bypassCustomProtocolHandlers: true } as RequestInit,
    );
    assert.equal(await direct.text(), "network /y");
    assert.deepEqual(hits, ["GET /proxied", "GET /y"]);
    ses.protocol.unhandle("http");
    await ses.closeAllConnections();
  });

  it("stores no Set-Cookie of a handler's answer, only the network's that a handler fetched, as Electron's interceptors", async () => {
    // Electron's handlers answer through its own URL loader factory, never through Chromium's
    // URLRequestHttpJob, which alone saves a response's cookies: a handler's Set-Cookie reaches
    // the caller and not the jar (electron/electron#39525, #32167, #30717).
    const ses = newSession();
    ses.protocol.handle("http", async (request) => {
      if (new URL(request.url).pathname !== "/set-cookie") {
        return new Response("made up", { headers: { "set-cookie": "handler=1; Path=/" } });
      }
      const upstream = await ses.fetch(
        request,
        { bypassCustomProtocolHandlers: true } as RequestInit,
      );
      return new Response(await upstream.text(), { headers: upstream.headers });
    });
    const made = await ses.fetch(`${base}/made`);
    assert.equal(made.headers.get("set-cookie"), "handler=1; Path=/");
    assert.equal(await made.text(), "made up");
    assert.equal(await (await ses.fetch(`${base}/set-cookie`)).text(), "set");
    ses.protocol.interceptStringProtocol("https", (_request, callback) => {
      callback({ data: "string", headers: { "Set-Cookie": "string=1" } });
    });
    assert.equal(await (await ses.fetch("https://example.test/")).text(), "string");
    ses.protocol.registerHttpProtocol("relay", (_request, callback) => {
      callback({ url: `${base}/set-cookie` });
    });
    assert.equal(await (await ses.fetch("relay://x/")).text(), "set");
    const cookies = await ses.cookies.get({});
    assert.deepEqual(cookies.map((cookie) => `${cookie.name} ${cookie.domain}`), ["net 127.0.0.1"]);
    await ses.closeAllConnections();
  });

  it("gives a handler no Cookie from the jar, so a fetch it makes sends each hop the jar's own, as Electron's handlers get the request before the network adds cookies", async () => {
    // With the jar's Cookie in the handler's Request, Electron's own interception pattern
    // (request) => net.fetch(request, {bypassCustomProtocolHandlers: true}) sent it as the
    // caller's header, to every hop: a cross-site redirect carried 127.0.0.1's cookie to
    // localhost.
    const ses = newSession();
    await ses.cookies.set({ url: base, name: "secret", value: "s" });
    ses.protocol.handle(
      "http",
      (request) => ses.fetch(request, { bypassCustomProtocolHandlers: true } as RequestInit),
    );
    assert.equal(await (await ses.fetch(`${base}/cookie`)).text(), "cookie secret=s");
    assert.equal(await (await ses.fetch(`${base}/to-localhost`)).text(), "cookie none");
    ses.protocol.unhandle("http");
    const seen: Array<string | undefined> = [];
    ses.protocol.interceptStringProtocol("http", (request, callback) => {
      seen.push(request.headers["Cookie"]);
      callback("x");
    });
    ses.protocol.handle("app", (request) => {
      seen.push(request.headers.get("cookie") ?? undefined);
      return new Response("y");
    });
    await (await ses.fetch(`${base}/cookie`)).text();
    await (await ses.fetch("app://x/")).text();
    // A caller's own Cookie header is the request's, and reaches the handler.
    await (await ses.fetch(`${base}/cookie`, { headers: { Cookie: "own=1" } })).text();
    assert.deepEqual(seen, [undefined, undefined, "own=1"]);
    await ses.closeAllConnections();
  });

  it("passes a handler's body on as it is, Content-Encoding or not, so net.fetch's decoded answer can be returned", async () => {
    // Chromium decodes only what its HTTP job read from the network (URLRequestHttpJob's
    // SetUpSourceStream); an answer from Electron's protocol handlers goes to the caller as
    // given. Electron's own example intercepts https with
    // `(request) => net.fetch(request, { bypassCustomProtocolHandlers: true })`, whose Response
    // keeps `Content-Encoding: gzip` over the body it already decoded.
    const zipped = createServer((_request, response) => {
      response.writeHead(200, { "content-encoding": "gzip", "content-type": "text/plain" });
      response.end(gzipSync("decoded once"));
    });
    await new Promise<void>((resolve) => zipped.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(zipped.address() as { port: number }).port}/`;
    try {
      const ses = newSession();
      ses.protocol.handle(
        "http",
        (request) => ses.fetch(request, { bypassCustomProtocolHandlers: true } as RequestInit),
      );
      const proxied = await ses.fetch(url);
      assert.equal(proxied.headers.get("content-encoding"), "gzip");
      assert.equal(await proxied.text(), "decoded once");
      // An http answer's request is fetched (and decoded) by the session, then passed on.
      ses.protocol.registerHttpProtocol("relay", (_request, callback) => callback({ url }));
      assert.equal(await (await ses.fetch("relay://x/")).text(), "decoded once");
      const bytes = gzipSync("left as given");
      ses.protocol.handle(
        "app",
        () => new Response(bytes, { headers: { "content-encoding": "gzip" } }),
      );
      const given = await ses.fetch("app://x/");
      assert.deepEqual(new Uint8Array(await given.arrayBuffer()), new Uint8Array(bytes));
      await ses.closeAllConnections();
    } finally {
      await new Promise<void>((resolve) => zipped.close(() => resolve()));
    }
  });

  it("passes handler answers through webRequest", async () => {
    const ses = newSession();
    const events: string[] = [];
    ses.protocol.handle("app", () => new Response("hooked", { status: 201 }));
    ses.webRequest.onBeforeRequest((details, callback) => {
      events.push(`before ${details.url}`);
      callback({});
    });
    ses.webRequest.onHeadersReceived((details, callback) => {
      events.push(`headers ${details.statusLine}`);
      callback({ responseHeaders: { ...details.responseHeaders, "x-hooked": ["1"] } });
    });
    ses.webRequest.onCompleted((details) => events.push(`completed ${details.statusCode}`));
    const response = await ses.fetch("app://bundle/");
    assert.equal(response.headers.get("x-hooked"), "1");
    assert.equal(await response.text(), "hooked");
    assert.deepEqual(events, [
      "before app://bundle/",
      "headers HTTP/1.1 201 Created",
      "completed 201",
    ]);
  });

  it("gives a handler's answer Chromium's reason phrase, in statusText and statusLine, whatever phrase it chose", async () => {
    // Electron's ToResponseHead writes `HTTP/1.1 CODE REASON` with net::GetHttpReasonPhrase;
    // the statusText Electron's handle() passes on is never read.
    const ses = newSession();
    const lines: string[] = [];
    ses.webRequest.onHeadersReceived((details, callback) => {
      lines.push(details.statusLine);
      callback({});
    });
    ses.protocol.handle("modern", () => new Response(null, { status: 404 }));
    ses.protocol.handle("named", () => new Response("x", { status: 202, statusText: "Mine" }));
    ses.protocol.registerBufferProtocol(
      "legacy",
      (_request, callback) => callback({ statusCode: 202, data: Buffer.from("x") }),
    );
    ses.protocol.registerStringProtocol("plain", (_request, callback) => callback("x"));
    const seen: string[] = [];
    for (const url of ["modern://x/", "named://x/", "legacy://x/", "plain://x/"]) {
      const response = await ses.fetch(url);
      await response.arrayBuffer();
      seen.push(`${response.status} ${response.statusText}`);
    }
    const file = await ses.fetch(pathToFileURL(join(dir, "page.html")).href);
    await file.arrayBuffer();
    seen.push(`${file.status} ${file.statusText}`);
    assert.deepEqual(seen, ["404 Not Found", "202 Accepted", "202 Accepted", "200 OK", "200 OK"]);
    assert.deepEqual(lines, [
      "HTTP/1.1 404 Not Found",
      "HTTP/1.1 202 Accepted",
      "HTTP/1.1 202 Accepted",
      "HTTP/1.1 200 OK",
      "HTTP/1.1 200 OK",
    ]);
    // A network answer returned by handle() gets Chromium's phrase too; an http answer, which
    // Electron's URLPipeLoader passes on as the network gave it, keeps the server's.
    ses.protocol.handle(
      "proxied",
      () => ses.fetch(`${base}/reason`, { bypassCustomProtocolHandlers: true } as RequestInit),
    );
    ses.protocol.registerHttpProtocol("relay", (_request, callback) => {
      callback({ url: `${base}/reason` });
    });
    const relayed: string[] = [];
    for (const url of ["proxied://x/", "relay://x/"]) {
      const response = await ses.fetch(url);
      await response.arrayBuffer();
      relayed.push(`${response.status} ${response.statusText}`);
    }
    assert.deepEqual(relayed, ["200 OK", "200 Fine Indeed"]);
    await ses.closeAllConnections();
  });

  it("answers a HEAD request, a 204, 205 or 304 with a null body, as fetch does for the network's", async () => {
    // Fetch's HTTP-network fetch gives a HEAD request's response and a null body status's a
    // null body; Electron's handlers reach the caller through the same network service.
    const ses = newSession();
    let cancelled = 0;
    const counted = () =>
      new ReadableStream({
        pull: (controller) => controller.enqueue(new Uint8Array(1)),
        cancel: () => void cancelled++,
      });
    ses.protocol.handle("modern", () => new Response(counted()));
    const status = (request: { url: string }) => Number(new URL(request.url).pathname.slice(1));
    ses.protocol.registerStringProtocol(
      "str",
      (request, callback) => callback({ statusCode: status(request), data: "text" }),
    );
    ses.protocol.registerBufferProtocol(
      "buf",
      (request, callback) => callback({ statusCode: status(request), data: Buffer.from("b") }),
    );
    ses.protocol.registerStreamProtocol(
      "stream",
      (request, callback) => callback({ statusCode: status(request), data: counted() }),
    );
    ses.protocol.registerFileProtocol(
      "disk",
      (request, callback) =>
        callback({ statusCode: status(request), path: join(dir, "page.html") }),
    );
    const seen: string[] = [];
    const { reported } = await quietly(async () => {
      const head = await ses.fetch("modern://x/", { method: "HEAD" });
      seen.push(`modern HEAD ${head.status} ${head.body}`);
      for (const scheme of ["str", "buf", "stream", "disk"]) {
        for (const code of [204, 205, 304]) {
          const response = await ses.fetch(`${scheme}://x/${code}`);
          seen.push(`${scheme} ${response.status} ${response.body}`);
        }
        const head = await ses.fetch(`${scheme}://x/200`, { method: "HEAD" });
        seen.push(`${scheme} HEAD ${head.status} ${head.body}`);
      }
      const file = await ses.fetch(pathToFileURL(join(dir, "page.html")), { method: "HEAD" });
      seen.push(`file HEAD ${file.status} ${file.headers.get("content-type")} ${file.body}`);
    });
    assert.equal(reported, 0);
    assert.deepEqual(seen, [
      "modern HEAD 200 null",
      ...["str", "buf", "stream", "disk"].flatMap((scheme) => [
        `${scheme} 204 null`,
        `${scheme} 205 null`,
        `${scheme} 304 null`,
        `${scheme} HEAD 200 null`,
      ]),
      "file HEAD 200 text/html null",
    ]);
    // The handlers' streams were let go, not left waiting for a reader.
    assert.equal(cancelled, 5);
  });

  it("streams 50 MiB from a handler with backpressure", async () => {
    const ses = newSession();
    const total = 50 * 1024 * 1024;
    const chunk = 64 * 1024;
    let pulled = 0;
    ses.protocol.handle("big", () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (pulled >= total) return controller.close();
            pulled += chunk;
            controller.enqueue(new Uint8Array(chunk));
          },
        }, { highWaterMark: 0 }),
      ));
    const response = await ses.fetch("big://data/");
    const reader = response.body!.getReader();
    let read = 0;
    while (read < 1024 * 1024) read += (await reader.read()).value!.length;
    // Let every pump run that would run without a reader's demand.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 1));
    assert.ok(pulled <= read + 8 * chunk, `pulled ${pulled} bytes while ${read} were read`);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      read += value.length;
    }
    assert.equal(read, total);
    assert.equal(pulled, total);
  });

  it("reads file: URLs; a missing file or a directory is net::ERR_FILE_NOT_FOUND", async () => {
    const ses = newSession();
    const response = await ses.fetch(pathToFileURL(join(dir, "page.html")));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/html");
    assert.equal(await response.text(), "<p>hello</p>");
    await assert.rejects(
      ses.fetch(pathToFileURL(join(dir, "missing.html"))),
      isNetError("ERR_FILE_NOT_FOUND"),
    );
    await assert.rejects(ses.fetch(pathToFileURL(dir)), isNetError("ERR_FILE_NOT_FOUND"));
  });

  it("fails a file: URL that names no file path with net::ERR_INVALID_URL, as Chromium's FileURLLoaderFactory", async () => {
    // net::FileURLToFilePath refuses an encoded NUL or slash and a host other than localhost;
    // FileURLLoaderFactory answers those with ERR_INVALID_URL before it looks at the disk.
    const ses = newSession();
    const page = pathToFileURL(join(dir, "page.html")).href;
    for (
      const url of [
        page.replace("page.html", "page%00.html"),
        page.replace("page.html", "x%2Fpage.html"),
        page.replace("file:///", "file://elsewhere/"),
      ]
    ) {
      await assert.rejects(ses.fetch(url), isNetError("ERR_INVALID_URL"), url);
    }
    const local = await ses.fetch(page.replace("file:///", "file://localhost/"));
    assert.equal(await local.text(), "<p>hello</p>");
  });

  it("types a file: response by Chromium's extension table, else by sniffing its first bytes", async () => {
    // Checked against /usr/bin/chromium (XMLHttpRequest to file: URLs): the extensions below, and
    // for an unknown one text/plain, application/octet-stream for binary bytes, or the type a
    // magic number names.
    const ses = newSession();
    const typed = join(dir, "typed");
    mkdirSync(typed, { recursive: true });
    const files: Array<[string, string | Uint8Array, string]> = [
      ["a.avif", "x", "image/avif"],
      ["a.wav", "x", "audio/wav"],
      ["a.csv", "x", "text/csv"],
      ["a.xhtml", "x", "application/xhtml+xml"],
      ["a.shtml", "x", "text/html"],
      ["a.zip", "x", "application/zip"],
      ["a.tiff", "x", "image/tiff"],
      ["a.opus", "x", "audio/ogg"],
      ["README", "plain words\r\n\tand \x1b escapes", "text/plain"],
      ["notes.unknown", "<html>not sniffed as HTML for a file</html>", "text/plain"],
      ["empty", "", "text/plain"],
      ["blob", new Uint8Array([0x61, 0x00, 0x62]), "application/octet-stream"],
      ["utf16", new Uint8Array([0xff, 0xfe, 0x68, 0x00]), "text/plain"],
      ["picture", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), "image/png"],
      ["document", "%PDF-1.7", "application/pdf"],
      ["archive", new Uint8Array([0x1f, 0x8b, 0x08, 0]), "application/x-gzip"],
    ];
    for (const [name, content] of files) writeFileSync(join(typed, name), content);
    ses.protocol.registerFileProtocol(
      "disk",
      (request, callback) => callback(join(typed, new URL(request.url).pathname.slice(1))),
    );
    const seen: string[] = [];
    for (const [name] of files) {
      for (const url of [pathToFileURL(join(typed, name)).href, `disk://x/${name}`]) {
        const response = await ses.fetch(url);
        await response.arrayBuffer();
        seen.push(`${name} ${response.headers.get("content-type")}`);
      }
    }
    assert.deepEqual(
      seen,
      files.flatMap(([name, , type]) => [`${name} ${type}`, `${name} ${type}`]),
    );
  });

  it("gives a file: response Last-Modified, the file's time, as Chromium's FileURLLoader", async () => {
    const ses = newSession();
    const path = join(dir, "dated.txt");
    writeFileSync(path, "dated");
    const when = new Date("2024-03-05T06:07:08Z");
    utimesSync(path, when, when);
    ses.protocol.registerFileProtocol("disk", (_request, callback) => callback(path));
    for (const url of [pathToFileURL(path).href, "disk://x/"]) {
      const response = await ses.fetch(url);
      assert.equal(response.headers.get("last-modified"), "Tue, 05 Mar 2024 06:07:08 GMT", url);
      assert.equal(await response.text(), "dated");
    }
  });

  it("reads one byte range of a file: URL as Chromium's FileURLLoader: the bytes with a 200, else net::ERR_REQUEST_RANGE_NOT_SATISFIABLE", async () => {
    // Checked against /usr/bin/chromium (XMLHttpRequest with Range to a file: URL): 200 OK and
    // the range's bytes; a range past the end, reversed, of several parts or not of bytes is
    // a network error.
    const ses = newSession();
    const path = join(dir, "digits.txt");
    writeFileSync(path, "0123456789");
    ses.protocol.registerFileProtocol("disk", (_request, callback) => callback(path));
    const read = async (url: string, range: string) => {
      const response = await ses.fetch(url, { headers: { range } });
      const length = response.headers.get("content-length");
      return `${response.status} ${length} ${await response.text()}`;
    };
    for (const url of [pathToFileURL(path).href, "disk://x/"]) {
      assert.equal(await read(url, "bytes=2-4"), "200 3 234", url);
      assert.equal(await read(url, "bytes=5-"), "200 5 56789", url);
      assert.equal(await read(url, "bytes=-3"), "200 3 789", url);
      assert.equal(await read(url, "bytes=-30"), "200 10 0123456789", url);
      assert.equal(await read(url, "bytes=0-100"), "200 10 0123456789", url);
      assert.equal(await read(url, " Bytes = 9 - 9 "), "200 1 9", url);
      for (
        const range of [
          "bytes=10-",
          "bytes=3-1",
          "bytes=1-2,4-5",
          "items=1-2",
          "bytes=-0",
          "bytes=x-",
        ]
      ) {
        await assert.rejects(
          ses.fetch(url, { headers: { range } }),
          isNetError("ERR_REQUEST_RANGE_NOT_SATISFIABLE"),
          `${url} ${range}`,
        );
      }
    }
  });

  it("reads a registerFileProtocol path from the root, dot segments taken lexically, as Electron's FilePathToFileURL", async () => {
    // Electron makes the answer's path a file URL (net::FilePathToFileURL writes `file:///` and
    // the path), which its loader reads back: a relative path starts at the root, never at the
    // working directory, and `..` is resolved by the URL, not by the file system.
    const ses = newSession();
    mkdirSync(join(dir, "real", "inner"), { recursive: true });
    symlinkSync(join(dir, "real", "inner"), join(dir, "link"));
    let answer = "";
    ses.protocol.registerFileProtocol("rel", (_request, callback) => callback({ path: answer }));
    const read = async (path: string) => {
      answer = path;
      return await (await ses.fetch("rel://x/")).text();
    };
    assert.equal(await read(`${dir.slice(1)}/page.html`), "<p>hello</p>");
    assert.equal(await read(`../../..${dir}/./page.html`), "<p>hello</p>");
    assert.equal(await read(`${dir}/link/../page.html`), "<p>hello</p>");
    // A name in the working directory is looked for at the root.
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      answer = "page.html";
      await assert.rejects(ses.fetch("rel://x/"), isNetError("ERR_FILE_NOT_FOUND"));
    } finally {
      process.chdir(cwd);
    }
  });

  it("intercepts file:, and bypassCustomProtocolHandlers reads the disk", async () => {
    const ses = newSession();
    const url = pathToFileURL(join(dir, "page.html"));
    ses.protocol.handle(
      "file",
      (request) => new Response(`handled ${new URL(request.url).pathname}`),
    );
    assert.equal(ses.protocol.isProtocolIntercepted("file"), true);
    assert.equal(await (await ses.fetch(url)).text(), `handled ${url.pathname}`);
    const direct = await ses.fetch(url, { bypassCustomProtocolHandlers: true } as RequestInit);
    assert.equal(await direct.text(), "<p>hello</p>");
    ses.protocol.unhandle("file");
    assert.equal(await (await ses.fetch(url)).text(), "<p>hello</p>");
  });

  it("follows redirects to handled schemes only; file: needs a handler", async () => {
    const ses = newSession();
    await assert.rejects(ses.fetch(`${base}/to-app`), isNetError("ERR_UNSAFE_REDIRECT"));
    await assert.rejects(ses.fetch(`${base}/to-file`), isNetError("ERR_UNSAFE_REDIRECT"));
    ses.protocol.handle("app", (request) => new Response(`app ${new URL(request.url).pathname}`));
    const response = await ses.fetch(`${base}/to-app`);
    assert.equal(await response.text(), "app /after-redirect");
    assert.equal(response.redirected, true);
    await ses.closeAllConnections();
  });

  it("names a Blob upload's blobUUID in a callback-style handler's uploadData, each part's type as Electron's", async () => {
    const ses = newSession();
    const seen: string[] = [];
    ses.protocol.registerBufferProtocol("blobby", (request, callback) => {
      const item = request.uploadData![0]!;
      if (item.blobUUID === undefined) {
        seen.push(`${item.type} ${Buffer.from(item.bytes).toString()}`);
        callback(Buffer.from("ok"));
        return;
      }
      ses.getBlobData(item.blobUUID).then((data) => {
        seen.push(`${item.type} ${data.toString()}`);
        callback(Buffer.from("ok"));
      });
    });
    const response = await ses.fetch("blobby://x/", {
      method: "POST",
      body: new Blob(["from a blob"]),
    });
    assert.equal(await response.text(), "ok");
    const bytes = await ses.fetch("blobby://x/", { method: "POST", body: "raw" });
    assert.equal(await bytes.text(), "ok");
    // Electron's ResourceRequestBody converter: `rawData` for bytes, `blob` for a Blob.
    assert.deepEqual(seen, ["blob from a blob", "rawData raw"]);
  });

  it("offers the callback-style methods with Electron's booleans", async () => {
    const ses = newSession();
    const { protocol } = ses;
    assert.equal(
      protocol.registerStringProtocol(
        "str",
        (request, callback) =>
          callback({ data: `string ${request.method}`, mimeType: "text/plain" }),
      ),
      true,
    );
    assert.equal(
      protocol.registerStringProtocol("str", (_request, callback) => callback("x")),
      false,
    );
    assert.equal(protocol.isProtocolRegistered("str"), true);
    assert.equal(
      protocol.registerBufferProtocol(
        "buf",
        (request, callback) =>
          callback(Buffer.from(`buffer ${Buffer.from(request.uploadData![0]!.bytes).toString()}`)),
      ),
      true,
    );
    assert.equal(
      protocol.registerFileProtocol(
        "disk",
        (_request, callback) => callback(join(dir, "page.html")),
      ),
      true,
    );
    assert.equal(
      protocol.registerFileProtocol("gone", (_request, callback) => callback({ error: -6 })),
      true,
    );
    assert.equal(
      protocol.registerHttpProtocol(
        "relay",
        (request, callback) => callback({ url: `${base}${new URL(request.url).pathname}` }),
      ),
      true,
    );
    assert.equal(
      protocol.registerStreamProtocol("node", (_request, callback) =>
        callback({
          statusCode: 202,
          headers: { "x-kind": "stream" },
          data: Readable.from(["a", "b"]),
        })),
      true,
    );

    const string = await ses.fetch("str://x/");
    // Electron's ToResponseHead: mimeType as the header, as given.
    assert.equal(string.headers.get("content-type"), "text/plain");
    assert.equal(await string.text(), "string GET");
    assert.equal(
      await (await ses.fetch("buf://x/", { method: "PUT", body: "up" })).text(),
      "buffer up",
    );
    assert.equal(await (await ses.fetch("disk://x/")).text(), "<p>hello</p>");
    await assert.rejects(ses.fetch("gone://x/"), isNetError("ERR_FILE_NOT_FOUND"));
    assert.equal(await (await ses.fetch("relay://x/relayed")).text(), "network /relayed");
    const stream = await ses.fetch("node://x/");
    assert.equal(stream.status, 202);
    assert.equal(stream.headers.get("x-kind"), "stream");
    assert.equal(await stream.text(), "ab");

    assert.equal(protocol.unregisterProtocol("str"), true);
    assert.equal(protocol.unregisterProtocol("str"), false);
    assert.equal(protocol.isProtocolRegistered("str"), false);

    assert.equal(
      protocol.interceptStringProtocol("http", (_request, callback) => callback("intercepted")),
      true,
    );
    assert.equal(
      protocol.interceptStringProtocol("http", (_request, callback) => callback("again")),
      false,
    );
    assert.equal(protocol.isProtocolIntercepted("http"), true);
    assert.equal(protocol.isProtocolHandled("http"), true);
    assert.equal(await (await ses.fetch(`${base}/x`)).text(), "intercepted");
    assert.equal(protocol.uninterceptProtocol("http"), true);
    assert.equal(protocol.uninterceptProtocol("http"), false);
    assert.equal(await (await ses.fetch(`${base}/x`)).text(), "network /x");
    assert.throws(() => protocol.registerStringProtocol("x", "no" as never), TypeError);
    await ses.closeAllConnections();
  });

  it("answers odd callback values as Electron's URL loader factory does", async () => {
    const ses = newSession();
    const { protocol } = ses;
    // Handlers as JavaScript callers write them, past the typings: any arguments at all.
    const answer = (...args: unknown[]): never =>
      ((_request: unknown, callback: (...values: unknown[]) => void) => callback(...args)) as never;
    // No argument at all, or a non-object where an object is needed: net::ERR_NOT_IMPLEMENTED.
    protocol.registerStringProtocol("none", answer());
    protocol.registerBufferProtocol("bufstr", answer("text"));
    protocol.registerHttpProtocol("httpnone", answer());
    protocol.registerStreamProtocol("streamnum", answer(5));
    // A string handler answering an object without string data sends an empty body.
    protocol.registerStringProtocol("nodata", answer({ statusCode: 201 }));
    // A redirect answer is followed, whatever the handler's type, with no data needed.
    const to = (target: string) => ({ statusCode: 302, headers: { Location: target } });
    protocol.registerStringProtocol("hop", answer(to("str2://x/end")));
    protocol.registerBufferProtocol("bhop", answer(to(`${base}/from-buffer`)));
    protocol.registerStringProtocol("str2", answer("arrived"));
    const { reported } = await quietly(async () => {
      for (const scheme of ["none", "bufstr", "httpnone", "streamnum"]) {
        await assert.rejects(
          ses.fetch(`${scheme}://x/`),
          isNetError("ERR_NOT_IMPLEMENTED"),
          scheme,
        );
      }
    });
    assert.equal(reported, 0);
    const empty = await ses.fetch("nodata://x/");
    assert.deepEqual([empty.status, await empty.text()], [201, ""]);
    const hopped = await ses.fetch("hop://x/");
    assert.deepEqual([hopped.redirected, hopped.url, await hopped.text()], [
      true,
      "str2://x/end",
      "arrived",
    ]);
    assert.equal(await (await ses.fetch("bhop://x/")).text(), "network /from-buffer");
    await ses.closeAllConnections();
  });

  it("sends only the string values of a callback answer's headers, as Electron's ToResponseHead", async () => {
    const ses = newSession();
    ses.protocol.registerStringProtocol("typed", (_request, callback) =>
      callback({
        data: "x",
        headers: { "X-Text": "t", "X-Num": 5, "X-List": ["a", 7, "b"], "X-Obj": {} },
      } as never));
    const response = await ses.fetch("typed://x/");
    await response.arrayBuffer();
    assert.equal(response.headers.get("x-text"), "t");
    assert.equal(response.headers.get("x-num"), null);
    assert.equal(response.headers.get("x-list"), "a, b");
    assert.equal(response.headers.get("x-obj"), null);
  });

  it("gives handle()'s Request the referrer sent, as Electron's handle() builds it", async () => {
    const ses = newSession();
    const referrers: string[] = [];
    ses.protocol.handle("ref", (request) => {
      referrers.push(request.referrer);
      return new Response("x");
    });
    await (await ses.fetch("ref://x/", { headers: { Referer: "http://from.test/page" } })).text();
    await (await ses.fetch("ref://x/")).text();
    // Read as Electron's GURL: canonicalized, and an invalid one is empty (no TypeError).
    await (await ses.fetch("ref://x/", { headers: { Referer: "HTTP://From.test" } })).text();
    await (await ses.fetch("ref://x/", { headers: { Referer: "not a url" } })).text();
    let legacy = "";
    ses.protocol.registerStringProtocol("oldref", (request, callback) => {
      legacy = request.referrer;
      callback("x");
    });
    await (await ses.fetch("oldref://x/", { headers: { Referer: "HTTP://From.test" } })).text();
    assert.deepEqual(referrers, ["http://from.test/page", "", "http://from.test/", ""]);
    assert.equal(legacy, "http://from.test/");
  });

  it("leaves an opaque Origin: null out of handle()'s Request, as Electron's handle() deletes it", async () => {
    const ses = newSession();
    const origins: Array<string | null> = [];
    ses.protocol.handle("orig", (request) => {
      origins.push(request.headers.get("origin"));
      return new Response("x");
    });
    // A POST between two URLs of a custom scheme sends Origin: null on its next hop.
    ses.protocol.registerStringProtocol("hop", (_request, callback) => {
      callback({ statusCode: 307, headers: { Location: "orig://x/after" } });
    });
    for (const [url, origin] of [["orig://x/", "null"], ["orig://x/", "https://a.test"]]) {
      await (await ses.fetch(url!, { method: "POST", body: "b", headers: { Origin: origin! } }))
        .text();
    }
    const hopped = await ses.fetch("hop://x/", {
      method: "POST",
      body: "b",
      headers: { Origin: "https://a.test" },
    });
    await hopped.text();
    let legacy: string | undefined = "";
    ses.protocol.registerStringProtocol("oldorig", (request, callback) => {
      legacy = request.headers["Origin"];
      callback("x");
    });
    await (await ses.fetch("oldorig://x/", { headers: { Origin: "null" } })).text();
    assert.deepEqual(origins, [null, "https://a.test", null]);
    // Callback handlers get the request's headers as they are.
    assert.equal(legacy, "null");
  });

  it("spells a callback handler's request header names as Electron's ProtocolRequest", async () => {
    // Electron's spec ('can change the request headers on a custom protocol redirect') reads
    // req.headers.Accept: the names come from net::HttpRequestHeaders, spelled as sent.
    const ses = newSession();
    const seen: Record<string, string>[] = [];
    ses.protocol.registerStringProtocol("spelled", (request, callback) => {
      seen.push(request.headers);
      callback(request.headers.Accept === "*/*;test/header" ? "header-received" : "no");
    });
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      details.requestHeaders.Accept = "*/*;test/header";
      callback({ requestHeaders: details.requestHeaders });
    });
    const answered = await ses.fetch("spelled://x/");
    assert.equal(await answered.text(), "header-received");
    ses.webRequest.onBeforeSendHeaders(null);
    await (await ses.fetch("spelled://x/", { headers: { "x-Mine": "1", Foo: "2" } })).text();
    assert.deepEqual(Object.keys(seen[1]!).sort(), [
      "Accept",
      "Accept-Encoding",
      "Accept-Language",
      "Foo",
      "User-Agent",
      "x-Mine",
    ]);
    assert.equal(seen[1]!["User-Agent"], ses.getUserAgent());
  });

  it("reads a callback handler's header values as UTF-8 text both ways, as Electron's std::string values", async () => {
    const ses = newSession();
    let given = "";
    ses.protocol.registerStringProtocol("utf", (request, callback) => {
      given = request.headers["x-name"]!;
      callback({ data: "x", headers: { "Content-Disposition": "attachment; filename=中.txt" } });
    });
    let shown = "";
    ses.webRequest.onHeadersReceived((details, callback) => {
      shown = details.responseHeaders!["Content-Disposition"]![0]!;
      callback({});
    });
    const bytes = (text: string) => Buffer.from(text).toString("binary");
    const response = await ses.fetch("utf://x/", { headers: { "x-name": bytes("é中") } });
    assert.equal(await response.text(), "x");
    assert.equal(given, "é中");
    assert.equal(shown, "attachment; filename=中.txt");
    assert.equal(response.headers.get("content-disposition"), bytes("attachment; filename=中.txt"));
  });

  it("shows webRequest a callback answer's header names as the handler wrote them, as Electron's AddHeader", async () => {
    const ses = newSession();
    ses.protocol.registerStringProtocol("cased", (request, callback) => {
      if (request.url === "cased://x/hop") {
        callback({ statusCode: 302, headers: { Location: "cased://x/end" } });
      } else {
        callback({ data: "end", headers: { "X-Zed": "z", "X-Multi": ["a", "b"], ETag: '"1"' } });
      }
    });
    const seen: Record<string, string[]>[] = [];
    ses.webRequest.onHeadersReceived((details, callback) => {
      seen.push(details.responseHeaders!);
      callback({});
    });
    const response = await ses.fetch("cased://x/hop");
    assert.equal(await response.text(), "end");
    // Electron reads the headers into a sorted dictionary and adds each as written.
    assert.deepEqual(seen, [
      { Location: ["cased://x/end"] },
      {
        ETag: ['"1"'],
        "X-Multi": ["a", "b"],
        "X-Zed": ["z"],
        "Access-Control-Allow-Origin": ["*"],
      },
    ]);
  });

  it("sends no content-type for a string or buffer answer without mimeType, and mimeType as given, as Electron's ToResponseHead", async () => {
    const ses = newSession();
    ses.protocol.registerStringProtocol("plain", (request, callback) =>
      callback(
        request.url.endsWith("/typed")
          ? { data: "é", mimeType: "text/x-app", charset: "latin1" }
          : "é",
      ));
    ses.protocol.registerBufferProtocol(
      "bytes",
      (_request, callback) => callback(Buffer.from([1, 2])),
    );
    const bare = await ses.fetch("plain://x/");
    assert.equal(bare.headers.get("content-type"), null);
    assert.deepEqual([...new Uint8Array(await bare.arrayBuffer())], [0xc3, 0xa9]);
    const typed = await ses.fetch("plain://x/typed");
    assert.equal(typed.headers.get("content-type"), "text/x-app");
    // The charset names the renderer's reading, not the bytes: UTF-8 still.
    assert.deepEqual([...new Uint8Array(await typed.arrayBuffer())], [0xc3, 0xa9]);
    const bytes = await ses.fetch("bytes://x/");
    assert.equal(bytes.headers.get("content-type"), null);
    assert.deepEqual([...new Uint8Array(await bytes.arrayBuffer())], [1, 2]);
  });

  it("adds Access-Control-Allow-Origin: * to a string, buffer or file answer only, as Electron's SendContents and StartLoadingFile", async () => {
    const ses = newSession();
    const { protocol } = ses;
    const answer = (value: unknown): never =>
      ((_request: unknown, callback: (value: unknown) => void) => callback(value)) as never;
    protocol.registerStringProtocol("str", answer({ data: "s", headers: { "X-A": "1" } }));
    protocol.registerBufferProtocol("buf", answer(Buffer.from("b")));
    protocol.registerFileProtocol("fil", answer(join(dir, "page.html")));
    protocol.registerStreamProtocol("stm", answer(Readable.from(["t"])));
    protocol.registerHttpProtocol("htp", answer({ url: `${base}/x` }));
    protocol.registerStringProtocol(
      "hop",
      answer({ statusCode: 302, headers: { Location: "str://x/" } }),
    );
    protocol.handle("mod", () => new Response("m"));
    const shown: string[] = [];
    ses.webRequest.onHeadersReceived((details, callback) => {
      shown.push(
        `${details.url} ${details.responseHeaders!["Access-Control-Allow-Origin"] ?? "-"}`,
      );
      callback({});
    });
    const allowed: string[] = [];
    for (const scheme of ["str", "buf", "fil", "stm", "htp", "mod"]) {
      const response = await ses.fetch(`${scheme}://x/`);
      allowed.push(`${scheme} ${response.headers.get("access-control-allow-origin")}`);
      await response.body?.cancel();
    }
    assert.deepEqual(allowed, ["str *", "buf *", "fil *", "stm null", "htp null", "mod null"]);
    await (await ses.fetch("hop://x/")).text();
    // The string answer's lines come after the handler's own; the redirect's head has none.
    assert.deepEqual(shown.slice(0, 1), ["str://x/ *"]);
    assert.deepEqual(shown.slice(-2), ["hop://x/ -", "str://x/ *"]);
    await ses.closeAllConnections();
  });

  it("fails a stream answer that holds no stream, as Electron's StartLoadingStream", async () => {
    const ses = newSession();
    const { protocol } = ses;
    const answer = (value: unknown): never =>
      ((_request: unknown, callback: (value: unknown) => void) => callback(value)) as never;
    // Without a data key the answer itself must be a stream: a Buffer or a head alone is not.
    protocol.registerStreamProtocol("buffer", answer(Buffer.from("bytes")));
    protocol.registerStreamProtocol("head", answer({ statusCode: 204 }));
    // data that is neither a stream nor null/undefined.
    protocol.registerStreamProtocol("text", answer({ data: "text" }));
    protocol.registerStreamProtocol("plain", answer({ data: {} }));
    // data: null or undefined, said outright, is an empty body.
    protocol.registerStreamProtocol("empty", answer({ statusCode: 201, data: null }));
    protocol.registerStreamProtocol("undef", answer({ statusCode: 202, data: undefined }));
    const { reported } = await quietly(async () => {
      for (const scheme of ["buffer", "head", "text", "plain"]) {
        await assert.rejects(ses.fetch(`${scheme}://x/`), isNetError("ERR_FAILED"), scheme);
      }
    });
    assert.equal(reported, 4);
    for (const [scheme, status] of [["empty", 201], ["undef", 202]] as const) {
      const response = await ses.fetch(`${scheme}://x/`);
      assert.deepEqual([response.status, await response.text()], [status, ""], scheme);
    }
    await ses.closeAllConnections();
  });

  // Electron's StartLoadingHttp starts the new request with `original_request.headers`.
  it("sends an http answer's request with the original request's own headers", async () => {
    const ses = newSession();
    ses.protocol.registerHttpProtocol(
      "forward",
      (_request, callback) => callback({ url: `${base}/headers` }),
    );
    const response = await ses.fetch("forward://x/", { headers: { "x-CALLER": "c" } });
    const lines = (await response.text()).split("\n");
    assert.ok(lines.includes("x-CALLER: c"), lines.join("\n"));
    assert.equal(lines.filter((line) => /^user-agent:/i.test(line)).length, 1, lines.join("\n"));
    await ses.closeAllConnections();
  });

  it("sends an http answer's uploadData only with a method other than GET or HEAD, as Electron's StartLoadingHttp", async () => {
    // Electron reads uploadData only `if (method != GET && method != HEAD)`: for those the
    // answer's request goes without it, rather than failing.
    const ses = newSession();
    let method: string | undefined;
    ses.protocol.registerHttpProtocol("up", (_request, callback) => {
      callback({
        url: `${base}/echo`,
        ...(method === undefined ? {} : { method }),
        uploadData: { contentType: "text/x-up", data: "sent" },
      });
    });
    const seen: string[] = [];
    for (const answered of [undefined, "HEAD", "POST"]) {
      method = answered;
      const response = await ses.fetch("up://x/");
      seen.push(`${response.status} ${await response.text()}`);
    }
    assert.deepEqual(seen, ["200 GET - ", "200 ", "200 POST text/x-up sent"]);
    await ses.closeAllConnections();
  });

  it("sends an http answer without the original request's body when it gives no uploadData", async () => {
    // Electron's StartLoadingHttp builds a new ResourceRequest: the headers are copied, the
    // body is not; only uploadData gives the new request one.
    const ses = newSession();
    ses.protocol.registerHttpProtocol(
      "nobody",
      (_request, callback) => callback({ url: `${base}/echo`, method: "POST" }),
    );
    const response = await ses.fetch("nobody://x/", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "original",
    });
    assert.equal(await response.text(), "POST text/plain ");
    await ses.closeAllConnections();
  });

  it("fetches an http answer through the session it names, or a new one for null", async () => {
    const ses = newSession();
    const other = newSession();
    await ses.cookies.set({ url: base, name: "who", value: "ses" });
    await other.cookies.set({ url: base, name: "who", value: "other" });
    const relay = (session?: Session | null) =>
      ses.protocol.registerHttpProtocol(
        `via-${String(session === undefined ? "self" : session && "other")}`,
        (_request, callback) =>
          callback(
            session === undefined ? { url: `${base}/cookie` } : { url: `${base}/cookie`, session },
          ),
      );
    relay();
    relay(other);
    relay(null);
    assert.equal(await (await ses.fetch("via-self://x/")).text(), "cookie who=ses");
    assert.equal(await (await ses.fetch("via-other://x/")).text(), "cookie who=other");
    assert.equal(await (await ses.fetch("via-null://x/")).text(), "cookie none");
    await ses.closeAllConnections();
    await other.closeAllConnections();
  });
});
