import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { SessionError } from "../core/session_error.ts";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";
import type { Session } from "./session.ts";

const runtime = currentRuntime();
const sessions = createSessionModule(new App(runtime), runtime);
let partitions = 0;
function newSession(): Session {
  return sessions.fromPartition(`web-request-${++partitions}`);
}

function isNetError(code: string) {
  return (error: unknown) => SessionError.is(error) && error.code === code;
}

/** Runs `body` with console.error captured; returns what was reported. */
async function capturingErrors(body: () => Promise<void>): Promise<unknown[][]> {
  const reported: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => reported.push(args);
  try {
    await body();
  } finally {
    console.error = original;
  }
  return reported;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

// 1 MiB whose head goes first and whose body follows in four writes 10 ms apart, so that it
// streams in after its head whatever the runtime's server does with a single write.
function streamBig(response: ServerResponse): void {
  response.writeHead(200, {
    "content-type": "application/octet-stream",
    "content-length": String(1024 * 1024),
  });
  response.flushHeaders();
  let left = 4;
  const more = () => {
    if (response.destroyed) return;
    response.write(Buffer.alloc(256 * 1024));
    if (--left > 0) setTimeout(more, 10);
    else response.end();
  };
  setTimeout(more, 10);
}

describe("ses.webRequest through ses.fetch", () => {
  let server: Server;
  let base: string;
  let hits: string[];
  before(async () => {
    server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
      hits.push(`${request.method} ${request.url}`);
      const body = await readBody(request);
      switch (request.url) {
        case "/a":
          response.writeHead(302, { location: "/b" }).end();
          return;
        case "/b":
          response.writeHead(301, { location: "/c" }).end();
          return;
        case "/loop":
          response.writeHead(302, { location: "/loop" }).end();
          return;
        case "/cookies":
          response.writeHead(200, { "set-cookie": ["one=1", "two=2"], "x-kind": "cookies" });
          response.end("set");
          return;
        case "/cached":
          response.writeHead(200, { "cache-control": "max-age=60", "content-type": "text/plain" });
          response.end("stored");
          return;
        case "/odd-names":
          // Header names that Object.prototype has too, as raw pairs.
          response.writeHead(200, ["constructor", "c", "toString", "t", "__proto__", "p"]);
          response.end("odd");
          return;
        case "/small":
          // One write, head and body together: a response that arrives whole.
          response.end("small");
          return;
        case "/big":
          streamBig(response);
          return;
        case "/utf8":
          // UTF-8 bytes in a header value, as Electron's spec sends a content-disposition.
          response.writeHead(200, [
            "content-disposition",
            Buffer.from("attachment; filename=aa中aa.txt").toString("binary"),
            "x-raw",
            JSON.stringify(request.rawHeaders),
          ]);
          response.end("utf8");
          return;
        case "/raw":
          // The header lines as received, each name as sent and every line apart.
          response.writeHead(200, { "content-type": "application/json" });
          response.end(JSON.stringify(request.rawHeaders));
          return;
        default:
          response.writeHead(200, { "content-type": "application/json" });
          response.end(JSON.stringify({ method: request.method, headers: request.headers, body }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("cancels in onBeforeRequest with net::ERR_BLOCKED_BY_CLIENT, told to onErrorOccurred", async () => {
    const ses = newSession();
    hits = [];
    const errors: string[] = [];
    ses.webRequest.onBeforeRequest(
      { urls: ["*://127.0.0.1/blocked*"] },
      (_details, callback) => callback({ cancel: true }),
    );
    ses.webRequest.onErrorOccurred((details) => errors.push(`${details.url} ${details.error}`));
    await assert.rejects(ses.fetch(`${base}/blocked?x=1`), isNetError("ERR_BLOCKED_BY_CLIENT"));
    assert.equal(await (await ses.fetch(`${base}/open`)).status, 200);
    assert.deepEqual(hits, ["GET /open"]);
    assert.deepEqual(errors, [`${base}/blocked?x=1 net::ERR_BLOCKED_BY_CLIENT`]);
    await ses.closeAllConnections();
  });

  it("cancels on a truthy cancel of any type, as Electron's gin bool conversion (BooleanValue)", async () => {
    const ses = newSession();
    hits = [];
    const blocked = isNetError("ERR_BLOCKED_BY_CLIENT");
    const answers: unknown[] = [1, "yes", {}];
    for (const cancel of answers) {
      ses.webRequest.onBeforeRequest((_details, callback) =>
        callback({ cancel } as { cancel: boolean })
      );
      await assert.rejects(ses.fetch(`${base}/one`), blocked);
      ses.webRequest.onBeforeRequest(null);
      ses.webRequest.onBeforeSendHeaders((_details, callback) =>
        callback({ cancel } as { cancel: boolean })
      );
      await assert.rejects(ses.fetch(`${base}/two`), blocked);
      ses.webRequest.onBeforeSendHeaders(null);
      ses.webRequest.onHeadersReceived((_details, callback) =>
        callback({ cancel } as { cancel: boolean })
      );
      await assert.rejects(ses.fetch(`${base}/three`), blocked);
      ses.webRequest.onHeadersReceived(null);
    }
    // Falsy ones let the request go.
    ses.webRequest.onBeforeRequest((_details, callback) =>
      callback({ cancel: 0 } as unknown as { cancel: boolean })
    );
    assert.equal((await ses.fetch(`${base}/four`)).status, 200);
    assert.deepEqual(hits, [
      "GET /three",
      "GET /three",
      "GET /three",
      "GET /four",
    ]);
    await ses.closeAllConnections();
  });

  it("numbers requests across sessions, as Electron's one ElectronBrowserClient::next_id_", async () => {
    const first = newSession();
    const second = newSession();
    const ids: number[] = [];
    for (const ses of [first, second, first, second]) {
      ses.webRequest.onBeforeRequest((details, callback) => {
        ids.push(details.id);
        callback({});
      });
      await (await ses.fetch(`${base}/small`)).text();
    }
    assert.equal(new Set(ids).size, 4, `ids ${ids}`);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), "in the order the requests began");
    await first.closeAllConnections();
    await second.closeAllConnections();
  });

  it("orders each event's details keys as Electron's binding sets them", async () => {
    // shell/browser/api/electron_api_web_request.cc: ToDictionary(info) (id, url, method,
    // timestamp, resourceType, ip, then fromCache, statusLine, statusCode, responseHeaders once a
    // head arrived), ToDictionary(request) (referrer, uploadData), then the event's own field.
    const ses = newSession();
    hits = [];
    const keys: string[] = [];
    const note = (name: string) => (details: object) => {
      keys.push(`${name}: ${Object.keys(details).join(",")}`);
    };
    const answer = (name: string) => (details: object, callback: () => void) => {
      note(name)(details);
      callback();
    };
    ses.webRequest.onBeforeRequest(answer("beforeRequest"));
    ses.webRequest.onBeforeSendHeaders(answer("beforeSendHeaders"));
    ses.webRequest.onSendHeaders(note("sendHeaders"));
    ses.webRequest.onHeadersReceived(answer("headersReceived"));
    ses.webRequest.onResponseStarted(note("responseStarted"));
    ses.webRequest.onBeforeRedirect(note("beforeRedirect"));
    ses.webRequest.onCompleted(note("completed"));
    ses.webRequest.onErrorOccurred(note("errorOccurred"));
    await (await ses.fetch(`${base}/b`, { method: "POST", body: "x" })).arrayBuffer();
    await assert.rejects(ses.fetch("http://127.0.0.1:4/"), isNetError("ERR_CONNECTION_REFUSED"));
    const request = "id,url,method,timestamp,resourceType";
    const head = "ip,fromCache,statusLine,statusCode,responseHeaders";
    assert.deepEqual(keys, [
      `beforeRequest: ${request},referrer,uploadData`,
      `beforeSendHeaders: ${request},referrer,uploadData,requestHeaders`,
      `sendHeaders: ${request},referrer,uploadData,requestHeaders`,
      `headersReceived: ${request},${head},referrer,uploadData`,
      `beforeRedirect: ${request},${head},referrer,uploadData,redirectURL`,
      // 301 turns the POST into a GET without a body.
      `beforeRequest: ${request},referrer`,
      `beforeSendHeaders: ${request},referrer,requestHeaders`,
      `sendHeaders: ${request},referrer,requestHeaders`,
      `headersReceived: ${request},${head},referrer`,
      `responseStarted: ${request},${head},referrer`,
      `completed: ${request},${head},referrer,error`,
      `beforeRequest: ${request},referrer`,
      `beforeSendHeaders: ${request},referrer,requestHeaders`,
      `sendHeaders: ${request},referrer,requestHeaders`,
      `errorOccurred: ${request},fromCache,referrer,error`,
    ]);
    await ses.closeAllConnections();
  });

  it("gives Electron's details to every event, with one id per request", async () => {
    const ses = newSession();
    hits = [];
    const seen: Record<string, Record<string, unknown>> = {};
    const record = (name: string) => (details: Record<string, unknown>) => {
      seen[name] = details;
    };
    ses.webRequest.onBeforeRequest((details, callback) => {
      record("beforeRequest")(details as unknown as Record<string, unknown>);
      callback({});
    });
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      record("beforeSendHeaders")(details as unknown as Record<string, unknown>);
      callback({});
    });
    ses.webRequest.onSendHeaders((details) => record("sendHeaders")(details as never));
    ses.webRequest.onHeadersReceived((details, callback) => {
      record("headersReceived")(details as unknown as Record<string, unknown>);
      callback({});
    });
    ses.webRequest.onResponseStarted((details) => record("responseStarted")(details as never));
    ses.webRequest.onCompleted((details) => record("completed")(details as never));
    await ses.cookies.set({ url: base, name: "session", value: "abc" });
    const response = await ses.fetch(`${base}/cookies`, {
      method: "POST",
      body: "payload",
      headers: { referer: `${base}/page` },
    });
    assert.equal(await response.text(), "set");
    const before = seen.beforeRequest!;
    assert.equal(typeof before.id, "number");
    assert.equal(before.url, `${base}/cookies`);
    assert.equal(before.method, "POST");
    assert.equal(before.resourceType, "xhr");
    assert.equal(before.referrer, `${base}/page`);
    assert.equal(typeof before.timestamp, "number");
    const upload = before.uploadData as Array<{ type: string; bytes: Uint8Array }>;
    assert.equal(Buffer.from(upload[0]!.bytes).toString(), "payload");
    // Electron's ResourceRequestBody converter names each part's kind (its handle() reads it).
    assert.equal(upload[0]!.type, "rawData");
    for (const name of ["beforeSendHeaders", "sendHeaders", "headersReceived", "completed"]) {
      assert.equal(seen[name]!.id, before.id, name);
    }
    const sentHeaders = seen.sendHeaders!.requestHeaders as Record<string, string>;
    assert.equal(sentHeaders["User-Agent"], ses.getUserAgent());
    assert.equal(sentHeaders["Cookie"], "session=abc");
    assert.equal(sentHeaders["Accept-Encoding"], "gzip, deflate, br, zstd");
    // The caller's own header as the caller spelled it.
    assert.equal(sentHeaders["referer"], `${base}/page`);
    // Bun spells the charset of a string body in lower case, Deno as WHATWG fetch does.
    assert.equal(sentHeaders["Content-Type"]?.toLowerCase(), "text/plain;charset=utf-8");
    const received = seen.headersReceived!;
    assert.equal(received.statusLine, "HTTP/1.1 200 OK");
    assert.equal(received.statusCode, 200);
    assert.deepEqual((received.responseHeaders as Record<string, string[]>)["set-cookie"], [
      "one=1",
      "two=2",
    ]);
    const completed = seen.completed!;
    assert.equal(completed.ip, "127.0.0.1");
    assert.equal(completed.fromCache, false);
    assert.equal(completed.error, "net::OK");
    assert.equal(seen.responseStarted!.statusCode, 200);
    await ses.closeAllConnections();
  });

  it("gives each event a plain object of its own: data properties in a fixed order, isolated from the others", async () => {
    const ses = newSession();
    const seen: Record<string, Record<string, unknown>> = {};
    const keep = (name: string, details: object) => {
      const record = details as Record<string, unknown>;
      // Plain data, as Electron's are: no accessor, no prototype of our own.
      assert.equal(Object.getPrototypeOf(record), Object.prototype, name);
      for (const key of Object.keys(record)) {
        assert.ok("value" in Object.getOwnPropertyDescriptor(record, key)!, `${name}.${key}`);
      }
      seen[name] = record;
    };
    ses.webRequest.onBeforeRequest((details, callback) => {
      keep("beforeRequest", details);
      callback({});
    });
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      keep("beforeSendHeaders", details);
      details.requestHeaders["x-changed"] = "1";
      callback({});
    });
    ses.webRequest.onSendHeaders((details) => keep("sendHeaders", details));
    ses.webRequest.onHeadersReceived((details, callback) => {
      keep("headersReceived", details);
      // Changed in place without answering with it: nobody else sees the change.
      details.responseHeaders["x-kind"]!.push("changed");
      details.responseHeaders["x-added"] = ["1"];
      details.statusLine = "HTTP/1.1 500 Changed";
      callback({});
    });
    ses.webRequest.onResponseStarted((details) => keep("responseStarted", details));
    ses.webRequest.onCompleted((details) => keep("completed", details));
    const response = await ses.fetch(`${base}/cookies`);
    assert.equal(await response.text(), "set");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-kind"), "cookies");
    // Electron's binding order (the next test covers every event).
    const common = ["id", "url", "method", "timestamp", "resourceType"];
    const head = ["ip", "fromCache", "statusLine", "statusCode", "responseHeaders"];
    assert.deepEqual(Object.keys(seen.beforeRequest!), [...common, "referrer"]);
    assert.deepEqual(Object.keys(seen.beforeSendHeaders!), [
      ...common,
      "referrer",
      "requestHeaders",
    ]);
    assert.deepEqual(Object.keys(seen.sendHeaders!), [...common, "referrer", "requestHeaders"]);
    assert.deepEqual(Object.keys(seen.headersReceived!), [...common, ...head, "referrer"]);
    assert.deepEqual(Object.keys(seen.responseStarted!), [...common, ...head, "referrer"]);
    assert.deepEqual(Object.keys(seen.completed!), [...common, ...head, "referrer", "error"]);
    for (const name of ["responseStarted", "completed"]) {
      const details = seen[name]!;
      assert.notEqual(details, seen.headersReceived, name);
      assert.equal(details.statusLine, "HTTP/1.1 200 OK", name);
      const headers = details.responseHeaders as Record<string, string[]>;
      assert.notEqual(headers, seen.headersReceived!.responseHeaders, name);
      assert.deepEqual(headers["x-kind"], ["cookies"], name);
      assert.equal(headers["x-added"], undefined, name);
      // A JSON round trip keeps every field, as for any plain object.
      assert.deepEqual(JSON.parse(JSON.stringify(details)), { ...details }, name);
    }
    const sent = seen.sendHeaders!.requestHeaders as Record<string, string>;
    assert.notEqual(sent, seen.beforeSendHeaders!.requestHeaders);
    assert.equal(sent["x-changed"], undefined);
    await ses.closeAllConnections();
  });

  it("reports the Referer each event's request carries, with fractional timestamps in the events' order", async () => {
    const ses = newSession();
    const seen: Array<[string, string, number]> = [];
    const record = (name: string) => (details: { referrer: string; timestamp: number }) =>
      seen.push([name, details.referrer, details.timestamp]);
    ses.webRequest.onBeforeRequest((details, callback) => {
      record("beforeRequest")(details);
      callback({});
    });
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      record("beforeSendHeaders")(details);
      // Answered late, so that the events after it come in later turns.
      setTimeout(
        () =>
          callback({ requestHeaders: { ...details.requestHeaders, referer: `${base}/second` } }),
        5,
      );
    });
    ses.webRequest.onSendHeaders(record("sendHeaders"));
    ses.webRequest.onHeadersReceived((details, callback) => {
      record("headersReceived")(details);
      callback({});
    });
    ses.webRequest.onResponseStarted(record("responseStarted"));
    const started = Date.now();
    const echoed =
      await (await ses.fetch(`${base}/echo`, { headers: { referer: `${base}/first` } }))
        .json();
    assert.equal(echoed.headers.referer, `${base}/second`);
    assert.deepEqual(seen.map(([name, referrer]) => `${name} ${referrer}`), [
      `beforeRequest ${base}/first`,
      `beforeSendHeaders ${base}/first`,
      `sendHeaders ${base}/second`,
      `headersReceived ${base}/second`,
      `responseStarted ${base}/second`,
    ]);
    const times = seen.map(([, , timestamp]) => timestamp);
    // The epoch clock and the monotonic one the times come from may drift apart a little.
    assert.ok(times[0]! >= started - 50 && times.at(-1)! <= Date.now() + 50, String(times));
    // Fractional milliseconds, as Electron's base::Time::Now().ToDoubleT() * 1000.
    assert.ok(times.some((time) => !Number.isInteger(time)), String(times));
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! >= times[i - 1]!, String(times));
    // onSendHeaders came at least the late answer's 5 ms after onBeforeSendHeaders.
    assert.ok(times[2]! - times[1]! >= 4, String(times));
    await ses.closeAllConnections();
  });

  it("names a Blob upload by its blobUUID, readable with getBlobData while the request runs", async () => {
    const ses = newSession();
    const uploads: Array<{ bytes: Uint8Array; blobUUID?: string }[] | undefined> = [];
    const read: string[] = [];
    ses.webRequest.onBeforeRequest((details, callback) => {
      uploads.push(details.uploadData);
      const uuid = details.uploadData?.[0]?.blobUUID;
      if (uuid === undefined) return callback({});
      // Read asynchronously, as a listener would: the request waits for the callback.
      ses.getBlobData(uuid).then((data) => {
        read.push(data.toString());
        callback({});
      });
    });
    const blob = new Blob(["blob payload"], { type: "application/x-blob-test" });
    const echoed = await (await ses.fetch(`${base}/echo`, { method: "POST", body: blob })).json();
    assert.equal(echoed.body, "blob payload");
    assert.equal(echoed.headers["content-type"], "application/x-blob-test");
    await ses.fetch(`${base}/echo`, { method: "POST", body: "plain" }).then((r) => r.text());
    const [first, second] = uploads;
    const uuid = first![0]!.blobUUID!;
    assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(Buffer.from(first![0]!.bytes).toString(), "blob payload");
    assert.deepEqual(read, ["blob payload"]);
    assert.equal(second![0]!.blobUUID, undefined, "a string body is not a blob");
    await assert.rejects(ses.getBlobData(uuid), { message: "Could not get blob data handle" });
    await ses.closeAllConnections();
  });

  it("passes a response served from the HTTP cache through the hooks, with fromCache true", async () => {
    const ses = newSession();
    hits = [];
    const events: string[] = [];
    ses.webRequest.onBeforeRequest((details, callback) => {
      events.push(`beforeRequest ${details.url}`);
      callback({});
    });
    ses.webRequest.onHeadersReceived((details, callback) => {
      events.push(`headersReceived ${details.statusCode}`);
      callback({ responseHeaders: { ...details.responseHeaders, "x-hooked": ["yes"] } });
    });
    ses.webRequest.onResponseStarted((details) => {
      events.push(`responseStarted fromCache=${details.fromCache}`);
    });
    ses.webRequest.onCompleted((details) => {
      events.push(`completed fromCache=${details.fromCache} ${details.statusCode}`);
    });
    const bodies: string[] = [];
    for (let i = 0; i < 2; i++) {
      const response = await ses.fetch(`${base}/cached`);
      assert.equal(response.headers.get("x-hooked"), "yes");
      bodies.push(await response.text());
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(hits, ["GET /cached"]);
    assert.deepEqual(bodies, ["stored", "stored"]);
    const round = (fromCache: boolean) => [
      `beforeRequest ${base}/cached`,
      "headersReceived 200",
      `responseStarted fromCache=${fromCache}`,
      `completed fromCache=${fromCache} 200`,
    ];
    assert.deepEqual(events, [...round(false), ...round(true)]);
    // The listener's change applied to the response, not to the stored entry.
    ses.webRequest.onHeadersReceived(null);
    const third = await ses.fetch(`${base}/cached`);
    assert.equal(third.headers.get("x-hooked"), null);
    assert.equal(await third.text(), "stored");
    assert.deepEqual(hits, ["GET /cached"]);
    await ses.closeAllConnections();
  });

  it("passes every hop of a redirect chain through the hooks, in Chromium's order", async () => {
    const ses = newSession();
    hits = [];
    const events: string[] = [];
    const path = (url: string) => new URL(url).pathname;
    ses.webRequest.onBeforeRequest((details, callback) => {
      events.push(`beforeRequest ${path(details.url)}`);
      callback({});
    });
    ses.webRequest.onSendHeaders((details) => events.push(`sendHeaders ${path(details.url)}`));
    ses.webRequest.onHeadersReceived((details, callback) => {
      events.push(`headersReceived ${path(details.url)} ${details.statusCode}`);
      callback({});
    });
    ses.webRequest.onBeforeRedirect((details) =>
      events.push(
        `beforeRedirect ${path(details.url)} → ${path(details.redirectURL)} ${details.statusLine}`,
      )
    );
    ses.webRequest.onResponseStarted((details) =>
      events.push(`responseStarted ${path(details.url)}`)
    );
    ses.webRequest.onCompleted((details) => events.push(`completed ${path(details.url)}`));
    const response = await ses.fetch(`${base}/a`);
    await response.text();
    assert.deepEqual(events, [
      "beforeRequest /a",
      "sendHeaders /a",
      "headersReceived /a 302",
      "beforeRedirect /a → /b HTTP/1.1 302 Found",
      "beforeRequest /b",
      "sendHeaders /b",
      "headersReceived /b 301",
      "beforeRedirect /b → /c HTTP/1.1 301 Moved Permanently",
      "beforeRequest /c",
      "sendHeaders /c",
      "headersReceived /c 200",
      "responseStarted /c",
      "completed /c",
    ]);
    await ses.closeAllConnections();
  });

  it("redirects from onBeforeRequest with an internal 307 that keeps the method and body", async () => {
    const ses = newSession();
    hits = [];
    const redirects: string[] = [];
    ses.webRequest.onBeforeRequest(
      { urls: ["*://127.0.0.1/old"] },
      (_details, callback) => callback({ redirectURL: `${base}/new` }),
    );
    ses.webRequest.onBeforeRedirect((details) =>
      redirects.push(`${details.statusCode} ${details.statusLine} ${details.redirectURL}`)
    );
    const response = await ses.fetch(`${base}/old`, { method: "POST", body: "kept" });
    const echoed = await response.json();
    assert.equal(echoed.method, "POST");
    assert.equal(echoed.body, "kept");
    assert.equal(response.url, `${base}/new`);
    assert.equal(response.redirected, true);
    assert.deepEqual(redirects, [`307 HTTP/1.1 307 Internal Redirect ${base}/new`]);
    assert.deepEqual(hits, ["POST /new"]);
    await ses.closeAllConnections();
  });

  it("reads redirectURL as Electron's GURL: a string without a scheme redirects nowhere, a bad absolute one fails", async () => {
    const ses = newSession();
    hits = [];
    let redirectURL: unknown;
    ses.webRequest.onBeforeRequest(
      { urls: ["*://127.0.0.1/from"] },
      (_details, callback) => callback({ redirectURL } as { redirectURL: string }),
    );
    // No colon, so no scheme: GURL's spec is empty and Electron goes on with the request.
    for (const relative of ["/new", "not a url", "new?x=1"]) {
      redirectURL = relative;
      const response = await ses.fetch(`${base}/from`);
      assert.equal(response.url, `${base}/from`, relative);
      await response.arrayBuffer();
    }
    assert.deepEqual(hits, ["GET /from", "GET /from", "GET /from"]);
    redirectURL = "http://[bad/";
    await assert.rejects(ses.fetch(`${base}/from`), isNetError("ERR_INVALID_REDIRECT"));
    await ses.closeAllConnections();
  });

  it("replaces all request headers with onBeforeSendHeaders' answer, dropping bad lines", async () => {
    const ses = newSession();
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      const { "User-Agent": _dropped, ...rest } = details.requestHeaders;
      callback({
        requestHeaders: { ...rest, "x-hooked": "yes", "bad name": "x", "x-split": "a\r\nb: c" },
      });
    });
    const echoed = await (await ses.fetch(`${base}/echo`, { headers: { "x-own": "1" } })).json();
    assert.equal(echoed.headers["x-hooked"], "yes");
    assert.equal(echoed.headers["x-own"], "1");
    assert.equal(echoed.headers["user-agent"], undefined);
    assert.equal(echoed.headers["accept-encoding"], "gzip, deflate, br, zstd");
    assert.equal(echoed.headers["x-split"], undefined);
    assert.equal(echoed.headers["bad name"], undefined);
    await ses.closeAllConnections();
  });

  it("shows request header names spelled as Electron does, and sends what Electron's own snippet sets", async () => {
    const ses = newSession();
    await ses.cookies.set({ url: base, name: "session", value: "abc" });
    const shown: Array<Record<string, string>> = [];
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      shown.push({ ...details.requestHeaders });
      // docs/api/web-request.md's example, as Electron programs write it.
      details.requestHeaders["User-Agent"] = "MyAgent";
      delete details.requestHeaders["Accept-Language"];
      callback({ requestHeaders: details.requestHeaders });
    });
    ses.webRequest.onSendHeaders((details) => shown.push(details.requestHeaders));
    // A Headers keeps no case: its names are spelled as Chromium spells them.
    const headers = new Headers({
      "x-custom": "1",
      dnt: "1",
      "sec-ch-ua-mobile": "?0",
      "sec-fetch-mode": "cors",
    });
    const raw: string[] = await (await ses.fetch(`${base}/raw`, { headers })).json();
    const [before, sent] = shown;
    assert.deepEqual(Object.keys(before!), [
      "DNT",
      "sec-ch-ua-mobile",
      "Sec-Fetch-Mode",
      "X-Custom",
      "User-Agent",
      "Accept-Language",
      "Accept-Encoding",
      "Accept",
      "Cookie",
    ]);
    assert.equal(before!["User-Agent"], ses.getUserAgent());
    assert.equal(before!["Accept"], "*/*");
    assert.equal(before!["Cookie"], "session=abc");
    assert.equal(before!["X-Custom"], "1");
    // On the wire: one User-Agent, the listener's; no Accept-Language.
    const lines = (name: string) =>
      raw.flatMap((field, i) => i % 2 === 0 && field.toLowerCase() === name ? [raw[i + 1]] : []);
    assert.deepEqual(lines("user-agent"), ["MyAgent"]);
    assert.deepEqual(lines("accept-language"), []);
    assert.deepEqual(lines("cookie"), ["session=abc"]);
    assert.deepEqual(lines("x-custom"), ["1"]);
    assert.equal(sent!["User-Agent"], "MyAgent");
    assert.equal(sent!["Accept-Language"], undefined);
    assert.equal(sent!["user-agent"], undefined);
    await ses.closeAllConnections();
  });

  it("spells the caller's own headers as it did in a plain object or pairs, and the answer's as the listener did", async () => {
    const ses = newSession();
    const shown: Array<[string, string[]]> = [];
    let asked = 0;
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      shown.push(["before", Object.keys(details.requestHeaders)]);
      // The third request is answered with headers of the listener's spelling.
      if (++asked === 3) {
        const { "x-Mine": mine, ...rest } = details.requestHeaders;
        callback({
          requestHeaders: { ...rest, "X-MINE": mine!, "user-agent": "lower", "x-b": "2" },
        });
      } else {
        callback({});
      }
    });
    ses.webRequest.onSendHeaders((details) =>
      shown.push(["sent", Object.keys(details.requestHeaders)])
    );
    const defaults = ["User-Agent", "Accept-Language", "Accept-Encoding", "Accept"];
    await ses.fetch(`${base}/raw`, {
      credentials: "omit",
      headers: { "x-Mine": "1", "user-agent": "own", ACCEPT: "text/html" },
    });
    await ses.fetch(`${base}/raw`, {
      credentials: "omit",
      headers: [["x-Mine", "1"], ["X-MINE", "2"], ["x-other", "3"]],
    });
    const echoed: string[] = await (await ses.fetch(`${base}/raw`, {
      credentials: "omit",
      headers: { "x-Mine": "1" },
    })).json();
    assert.deepEqual(shown, [
      // Headers iterates in sorted order; a caller's own User-Agent and Accept replace the defaults.
      ["before", ["ACCEPT", "user-agent", "x-Mine", "Accept-Language", "Accept-Encoding"]],
      ["sent", ["ACCEPT", "user-agent", "x-Mine", "Accept-Language", "Accept-Encoding"]],
      // A name given twice keeps its first spelling.
      ["before", ["x-Mine", "x-other", ...defaults]],
      ["sent", ["x-Mine", "x-other", ...defaults]],
      ["before", ["x-Mine", ...defaults]],
      // Of `User-Agent` and `user-agent` in the answer, the first in code-unit order names it.
      ["sent", ["Accept", "Accept-Encoding", "Accept-Language", "User-Agent", "x-b", "X-MINE"]],
    ]);
    const lines = echoed.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase());
    assert.deepEqual(lines.filter((name) => name === "user-agent"), ["user-agent"]);
    assert.equal(
      echoed[echoed.findIndex((name) => name.toLowerCase() === "user-agent") + 1],
      "lower",
    );
    await ses.closeAllConnections();
  });

  it("matches the names of onBeforeSendHeaders' answer case-insensitively, as Chromium's SetHeader", async () => {
    const ses = newSession();
    const answers: Array<Record<string, string>> = [
      // Keys sorted by code unit: "USER-AGENT" < "User-Agent" < "user-agent". Electron reads the
      // answer into a sorted dictionary, so the last of these gives the value in any key order.
      { "User-Agent": "b", "user-agent": "c", "USER-AGENT": "a" },
      { "user-agent": "c", "USER-AGENT": "a", "User-Agent": "b" },
      { "X-Custom": "1", "x-custom": "2", Accept: "text/html" },
    ];
    let answer = 0;
    ses.webRequest.onBeforeSendHeaders((_details, callback) =>
      callback({ requestHeaders: answers[answer++]! })
    );
    const sent = async () => {
      const raw: string[] = await (await ses.fetch(`${base}/raw`, { credentials: "omit" })).json();
      const names = raw.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase());
      return { names, raw };
    };
    for (let i = 0; i < 2; i++) {
      const { names, raw } = await sent();
      assert.deepEqual(names.filter((name) => name === "user-agent"), ["user-agent"]);
      assert.equal(raw[raw.findIndex((field) => field.toLowerCase() === "user-agent") + 1], "c");
      // The answer is the whole list: no default comes back under another spelling.
      assert.deepEqual(names.filter((name) => name.startsWith("accept")), []);
    }
    const { names, raw } = await sent();
    assert.deepEqual(names.filter((name) => name === "x-custom"), ["x-custom"]);
    assert.equal(raw[raw.findIndex((field) => field.toLowerCase() === "x-custom") + 1], "2");
    assert.deepEqual(names.filter((name) => name === "accept"), ["accept"]);
    assert.equal(names.includes("user-agent"), false);
    await ses.closeAllConnections();
  });

  it("sends only the string values of onBeforeSendHeaders' answer, as Electron's base::Value dictionary", async () => {
    const ses = newSession();
    hits = [];
    const answers: unknown[] = [
      {
        "X-Array": ["a", "b"],
        "x-array": ["c"],
        "X-Number": 5,
        "X-Object": { a: "1" },
        "X-Bool": true,
        "X-Null": null,
        "x-str": "s",
        // A non-string value under a spelling that sorts first neither sends nor names it.
        "X-STR": 1,
      },
      // An array is no dictionary: Electron's conversion fails and the request goes with none.
      ["first", "second"],
    ];
    let answer = 0;
    const shown: string[][] = [];
    ses.webRequest.onBeforeSendHeaders((_details, callback) =>
      callback({ requestHeaders: answers[answer++] as Record<string, string> })
    );
    ses.webRequest.onSendHeaders((details) => shown.push(Object.keys(details.requestHeaders)));
    const names = async () => {
      const raw: string[] = await (await ses.fetch(`${base}/raw`, { credentials: "omit" })).json();
      return raw.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase())
        .filter((name) => name !== "host" && name !== "connection");
    };
    const raw: string[] = await (await ses.fetch(`${base}/raw`, { credentials: "omit" })).json();
    const sent = raw.flatMap((field, i) =>
      i % 2 === 0 && !/^(host|connection)$/i.test(field) ? [`${field}: ${raw[i + 1]}`] : []
    );
    assert.deepEqual(sent, ["x-str: s"]);
    assert.deepEqual(await names(), []);
    assert.deepEqual(shown, [["x-str"], []]);
    await ses.closeAllConnections();
  });

  it("sends the Host onBeforeSendHeaders answers with, in the place of the URL's, as Chromium merges the extra headers over it", async () => {
    const ses = newSession();
    const shown: Array<Record<string, string>> = [];
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      shown.push({ ...details.requestHeaders });
      callback({ requestHeaders: { ...details.requestHeaders, Host: "other.test" } });
    });
    ses.webRequest.onSendHeaders((details) => shown.push(details.requestHeaders));
    const hostLines = async (init?: RequestInit) => {
      const raw: string[] = await (await ses.fetch(`${base}/raw`, init)).json();
      return raw.flatMap((field, i) =>
        i % 2 === 0 && /^host$/i.test(field) ? [field, raw[i + 1]] : []
      );
    };
    // One Host line, first as HttpNetworkTransaction puts it, with the listener's value.
    assert.deepEqual(await hostLines(), ["Host", "other.test"]);
    const raw: string[] = await (await ses.fetch(`${base}/raw`)).json();
    assert.equal(raw[0], "Host");
    assert.equal(shown[0]!.Host, undefined);
    assert.equal(shown[1]!.Host, "other.test");
    // A caller's own Host is none of the request's extra headers (Chromium's network service
    // refuses one): no listener is shown it, and it goes nowhere.
    shown.length = 0;
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      shown.push({ ...details.requestHeaders });
      callback({ requestHeaders: details.requestHeaders });
    });
    assert.deepEqual(await hostLines({ headers: { Host: "caller.test" } }), [
      "Host",
      new URL(base).host,
    ]);
    assert.equal(shown[0]!.Host, undefined);
    await ses.closeAllConnections();
  });

  it("sends onHeadersReceived's non-string values as strings, as Electron's ToString of each", async () => {
    const ses = newSession();
    hits = [];
    ses.webRequest.onHeadersReceived((_details, callback) =>
      callback({
        responseHeaders: {
          "x-number": 5,
          "x-list": ["a", 2, true],
          "x-nested": [["b", "c"]],
          "x-null": null,
          "content-type": "text/plain",
        } as unknown as Record<string, string[]>,
      })
    );
    const response = await ses.fetch(`${base}/small`);
    assert.equal(await response.text(), "small");
    assert.equal(response.headers.get("x-number"), "5");
    assert.equal(response.headers.get("x-list"), "a, 2, true");
    assert.equal(response.headers.get("x-nested"), "b,c");
    assert.equal(response.headers.get("x-null"), "null");
    await ses.closeAllConnections();
  });

  it("shows header values as UTF-8 text and sends answered text as UTF-8, as Electron's std::string values", async () => {
    const ses = newSession();
    hits = [];
    const shown: string[] = [];
    const disposition = "attachment; filename=aa中aa.txt";
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      shown.push(details.requestHeaders["x-given"]!);
      callback({ requestHeaders: { ...details.requestHeaders, "X-Answered": "é中" } });
    });
    ses.webRequest.onSendHeaders((details) => shown.push(details.requestHeaders["X-Answered"]!));
    ses.webRequest.onHeadersReceived((details, callback) => {
      shown.push(details.responseHeaders!["content-disposition"]![0]!);
      // Passed back as shown, plus a header of the listener's own.
      callback({ responseHeaders: { ...details.responseHeaders, "X-Mine": ["ü"] } });
    });
    ses.webRequest.onCompleted((details) =>
      shown.push(details.responseHeaders!["content-disposition"]![0]!)
    );
    const given = Buffer.from("q中").toString("binary");
    const response = await ses.fetch(`${base}/utf8`, { headers: { "x-given": given } });
    assert.equal(await response.text(), "utf8");
    assert.deepEqual(shown, ["q中", "é中", disposition, disposition]);
    // The response keeps the bytes (fetch's Headers show them one per character), the
    // listener's text went as UTF-8, and so did the answered request header.
    const bytes = (text: string) => Buffer.from(text).toString("binary");
    assert.equal(response.headers.get("content-disposition"), bytes(disposition));
    assert.equal(response.headers.get("x-mine"), bytes("ü"));
    const sent = JSON.parse(response.headers.get("x-raw")!) as string[];
    assert.equal(sent[sent.indexOf("X-Answered") + 1], bytes("é中"));
    await ses.closeAllConnections();
  });

  it("shows onSendHeaders the headers sent, not a copy onBeforeSendHeaders changed without answering with it", async () => {
    const ses = newSession();
    const shown: Array<Record<string, string>> = [];
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      details.requestHeaders["x-changed"] = "1";
      delete details.requestHeaders["User-Agent"];
      callback({});
    });
    ses.webRequest.onSendHeaders((details) => shown.push(details.requestHeaders));
    const echoed = await (await ses.fetch(`${base}/echo`, { headers: { "x-own": "1" } })).json();
    assert.equal(echoed.headers["x-changed"], undefined);
    assert.equal(shown[0]!["x-changed"], undefined);
    assert.equal(shown[0]!["x-own"], "1");
    assert.equal(shown[0]!["User-Agent"], echoed.headers["user-agent"]);
    assert.ok(echoed.headers["user-agent"]);
    await ses.closeAllConnections();
  });

  it("shows each request's headers in an object of its own, whatever the last listener changed", async () => {
    const ses = newSession();
    const shown: Array<Record<string, string>> = [];
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      shown.push({ ...details.requestHeaders });
      // Changed in place without answering with it: no later request sees the change.
      details.requestHeaders["x-changed"] = "1";
      delete details.requestHeaders["User-Agent"];
      callback({});
    });
    for (let i = 0; i < 3; i++) {
      const echoed = await (await ses.fetch(`${base}/echo`, { credentials: "omit" })).json();
      assert.equal(echoed.headers["x-changed"], undefined);
      assert.equal(echoed.headers["user-agent"], ses.getUserAgent());
    }
    // A request with a header of its own named like Object.prototype's accessor.
    await ses.fetch(`${base}/echo`, { headers: new Headers([["__proto__", "own"]]) });
    assert.equal(shown.length, 4);
    for (const headers of shown.slice(0, 3)) {
      assert.deepEqual(Object.keys(headers), [
        "User-Agent",
        "Accept-Language",
        "Accept-Encoding",
        "Accept",
      ]);
      assert.equal(headers["User-Agent"], ses.getUserAgent());
    }
    assert.equal(Object.getOwnPropertyDescriptor(shown[3], "__proto__")?.value, "own");
    await ses.closeAllConnections();
  });

  it("replaces the response head with onHeadersReceived' answer before cookies are stored", async () => {
    const ses = newSession();
    ses.webRequest.onHeadersReceived({ urls: ["*://*/cookies"] }, (details, callback) => {
      callback({
        responseHeaders: {
          ...details.responseHeaders,
          "set-cookie": ["changed=1"],
          "x-added": ["a", "b"],
        },
        statusLine: "HTTP/1.1 404 Hidden",
      });
    });
    let started: { statusLine: string; responseHeaders: Record<string, string[]> } | undefined;
    ses.webRequest.onResponseStarted((details) => started = details);
    const response = await ses.fetch(`${base}/cookies`);
    assert.equal(response.status, 404);
    assert.equal(response.statusText, "Hidden");
    assert.equal(response.headers.get("x-added"), "a, b");
    assert.equal(await response.text(), "set");
    assert.equal(started?.statusLine, "HTTP/1.1 404 Hidden");
    assert.deepEqual(started?.responseHeaders["x-added"], ["a", "b"]);
    const cookies = await ses.cookies.get({ url: base });
    assert.deepEqual(cookies.map((cookie) => cookie.name), ["changed"]);
    await ses.closeAllConnections();
  });

  it("reads an onHeadersReceived statusLine as Chromium's HttpResponseHeaders::ParseStatusLine does", async () => {
    // Electron's ReadFromResponse gives the line to HttpResponseHeaders::ReplaceStatusLine, which
    // normalises it: the version clamped to 1.0, 1.1 or 2.0 ('HTTP' in any case), spaces around
    // the code and trailing ones dropped, a missing code read as 200.
    const ses = newSession();
    let line = "";
    ses.webRequest.onHeadersReceived((_details, callback) =>
      callback({ responseHeaders: { "x-a": "b" }, statusLine: line })
    );
    let started = "";
    ses.webRequest.onResponseStarted((details) => {
      started = `${details.statusLine} | ${details.statusCode}`;
    });
    const cases: Array<[string, string]> = [
      ["HTTP/1.1 404 Not Found", "HTTP/1.1 404 Not Found | 404 Not Found"],
      ["http/1.1 404 Nope", "HTTP/1.1 404 Nope | 404 Nope"],
      ["HTTP/1.1  404  Spaced out  ", "HTTP/1.1 404 Spaced out | 404 Spaced out"],
      ["HTTP/1.1 201", "HTTP/1.1 201 | 201 "],
      ["HTTP/1.1 201Created", "HTTP/1.1 201 Created | 201 Created"],
      ["HTTP/1.1 0202 Lead", "HTTP/1.1 0202 Lead | 202 Lead"],
      ["HTTP/1.0 202 Old", "HTTP/1.0 202 Old | 202 Old"],
      ["HTTP/2.0 203 Two", "HTTP/2.0 203 Two | 203 Two"],
      ["HTTP/2 203 Two", "HTTP/1.0 203 Two | 203 Two"],
      ["HTTP/1.9 203 Nine", "HTTP/1.1 203 Nine | 203 Nine"],
      ["HTTP/3.0 203 Three", "HTTP/1.1 203 Three | 203 Three"],
      ["HTTP/0.9 202 Early", "HTTP/0.9 202 Early | 202 Early"],
      ["HTTP/0.5 202 Older", "HTTP/1.0 202 Older | 202 Older"],
      ["404 Bare", "HTTP/1.0 200 | 200 "],
      ["HTTP/1.1 Nothing", "HTTP/1.1 200 | 200 "],
      ["HTTP/1.1", "HTTP/1.1 200 OK | 200 OK"],
      ["", "HTTP/1.0 200 OK | 200 OK"],
    ];
    const seen: Array<[string, string]> = [];
    for (const [given] of cases) {
      line = given;
      const response = await ses.fetch(`${base}/small`);
      await response.arrayBuffer();
      seen.push([given, `${started} | ${response.status} ${response.statusText}`]);
    }
    assert.deepEqual(
      seen,
      cases.map(([given, expected]) => {
        const [statusLine, code] = expected.split(" | ");
        return [given, `${statusLine} | ${code!.split(" ")[0]} | ${code}`];
      }),
    );
    await ses.closeAllConnections();
  });

  it("shows header names that Object.prototype has as the response's own headers, response after response", async () => {
    const ses = newSession();
    const seen: Array<Record<string, string[]>> = [];
    ses.webRequest.onHeadersReceived((details, callback) => {
      seen.push(details.responseHeaders);
      callback({});
    });
    ses.webRequest.onResponseStarted((details) => seen.push(details.responseHeaders));
    ses.webRequest.onCompleted((details) => seen.push(details.responseHeaders));
    // Enough responses with the same names for their objects to be made the fast way too.
    for (let i = 0; i < 5; i++) {
      assert.equal(await (await ses.fetch(`${base}/odd-names`)).text(), "odd");
    }
    assert.equal(seen.length, 15);
    for (const headers of seen) {
      assert.equal(Object.getPrototypeOf(headers), Object.prototype);
      for (const [name, value] of [["constructor", "c"], ["toString", "t"], ["__proto__", "p"]]) {
        assert.deepEqual(Object.getOwnPropertyDescriptor(headers, name!)?.value, [value], name);
      }
    }
    assert.equal(new Set(seen.map((headers) => headers.constructor)).size, 15);
    await ses.closeAllConnections();
  });

  it("cancels in onHeadersReceived", async () => {
    const ses = newSession();
    ses.webRequest.onHeadersReceived((_details, callback) => callback({ cancel: true }));
    await assert.rejects(ses.fetch(`${base}/echo`), isNetError("ERR_BLOCKED_BY_CLIENT"));
    await ses.closeAllConnections();
  });

  it("waits for listeners that answer late", async () => {
    const ses = newSession();
    hits = [];
    ses.webRequest.onBeforeRequest((_details, callback) => {
      setTimeout(() => callback({}), 20);
    });
    ses.webRequest.onBeforeSendHeaders(async (details, callback) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      callback({ requestHeaders: { ...details.requestHeaders, "x-late": "1" } });
    });
    ses.webRequest.onHeadersReceived((details, callback) => {
      setTimeout(
        () => callback({ responseHeaders: { ...details.responseHeaders, "x-late": ["2"] } }),
        20,
      );
    });
    const response = await ses.fetch(`${base}/echo`);
    assert.equal(response.headers.get("x-late"), "2");
    assert.equal((await response.json()).headers["x-late"], "1");
    await ses.closeAllConnections();
  });

  it("ends a request whose caller aborts while a listener has not answered", async () => {
    const ses = newSession();
    const errors: string[] = [];
    ses.webRequest.onErrorOccurred((details) => errors.push(details.error));
    const events = ["onBeforeRequest", "onBeforeSendHeaders", "onHeadersReceived"] as const;
    for (const event of events) {
      const controller = new AbortController();
      // A listener that never answers: only the caller's abort can end the request.
      const hang = () => controller.abort(new Error(`gave up in ${event}`));
      ses.webRequest[event](hang);
      await assert.rejects(ses.fetch(`${base}/small`, { signal: controller.signal }), {
        message: `gave up in ${event}`,
      });
      ses.webRequest[event](null);
    }
    assert.deepEqual(errors, ["net::ERR_ABORTED", "net::ERR_ABORTED", "net::ERR_ABORTED"]);
    await ses.closeAllConnections();
  });

  it("fails the request with net::ERR_FAILED when a listener throws or rejects, and reports it", async () => {
    const ses = newSession();
    const errors: string[] = [];
    ses.webRequest.onErrorOccurred((details) => errors.push(details.error));
    const reported = await capturingErrors(async () => {
      ses.webRequest.onBeforeRequest(() => {
        throw new Error("listener bug");
      });
      await assert.rejects(ses.fetch(`${base}/echo`), isNetError("ERR_FAILED"));
      ses.webRequest.onBeforeRequest(null);
      ses.webRequest.onBeforeSendHeaders(() => Promise.reject(new Error("async bug")));
      await assert.rejects(ses.fetch(`${base}/echo`), isNetError("ERR_FAILED"));
      ses.webRequest.onBeforeSendHeaders(null);
      ses.webRequest.onBeforeSendHeaders(async (_details, callback) => {
        callback({});
        await Promise.resolve();
        throw new Error("bug after answering");
      });
      // Answered before failing: the request goes on, the failure is reported.
      assert.equal((await ses.fetch(`${base}/echo`)).status, 200);
      ses.webRequest.onBeforeSendHeaders(null);
      ses.webRequest.onCompleted(() => {
        throw new Error("late bug");
      });
      // Told after the fact: the request stands, the failure is only reported.
      assert.equal((await (await ses.fetch(`${base}/echo`)).json()).method, "GET");
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    assert.deepEqual(errors, ["net::ERR_FAILED", "net::ERR_FAILED"]);
    assert.equal(reported.length, 4);
    assert.match(String(reported[0]![0]), /onBeforeRequest/);
    assert.match(String(reported[1]![0]), /onBeforeSendHeaders/);
    assert.match(String(reported[2]![0]), /onBeforeSendHeaders/);
    assert.match(String(reported[3]![0]), /onCompleted/);
    await ses.closeAllConnections();
  });

  it("fails the request with net::ERR_FAILED when an answer throws as it is read", async () => {
    const ses = newSession();
    const errors: string[] = [];
    ses.webRequest.onErrorOccurred((details) => errors.push(details.error));
    const hostile = new Proxy({}, {
      ownKeys() {
        throw new Error("ownKeys trap");
      },
      get() {
        throw new Error("get trap");
      },
    });
    const reported = await capturingErrors(async () => {
      ses.webRequest.onBeforeRequest((_details, callback) => callback(hostile));
      await assert.rejects(ses.fetch(`${base}/echo`), isNetError("ERR_FAILED"));
      ses.webRequest.onBeforeRequest(null);
      ses.webRequest.onBeforeSendHeaders((_details, callback) =>
        callback({ requestHeaders: hostile as Record<string, string> })
      );
      await assert.rejects(ses.fetch(`${base}/echo`), isNetError("ERR_FAILED"));
      ses.webRequest.onBeforeSendHeaders(null);
      // Late, after the head came: the body is let go as well.
      ses.webRequest.onHeadersReceived((_details, callback) => {
        setTimeout(() => callback({ responseHeaders: hostile as Record<string, string[]> }), 1);
      });
      await assert.rejects(ses.fetch(`${base}/echo`), isNetError("ERR_FAILED"));
    });
    assert.deepEqual(errors, ["net::ERR_FAILED", "net::ERR_FAILED", "net::ERR_FAILED"]);
    assert.deepEqual(reported.map((args) => String(args[0]).split(" ")[0]), [
      "webRequest.onBeforeRequest",
      "webRequest.onBeforeSendHeaders",
      "webRequest.onHeadersReceived",
    ]);
    await ses.closeAllConnections();
  });

  it("cancels a streamed upload that onBeforeRequest blocks", async () => {
    const ses = newSession();
    hits = [];
    let cancelled: unknown;
    let pulled = 0;
    const upload = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    ses.webRequest.onBeforeRequest((_details, callback) => callback({ cancel: true }));
    await assert.rejects(
      ses.fetch(`${base}/upload`, { method: "POST", body: upload }),
      isNetError("ERR_BLOCKED_BY_CLIENT"),
    );
    assert.ok(SessionError.is(cancelled) && cancelled.code === "ERR_BLOCKED_BY_CLIENT");
    assert.ok(pulled <= 1, `pulled ${pulled} chunks`);
    assert.deepEqual(hits, []);
    await ses.closeAllConnections();
  });

  it("tells onErrorOccurred of failures outside a hop: redirects, a cancelled body, refusals", async () => {
    const ses = newSession();
    const errors: string[] = [];
    ses.webRequest.onErrorOccurred((details) => errors.push(details.error));
    await assert.rejects(ses.fetch(`${base}/loop`), isNetError("ERR_TOO_MANY_REDIRECTS"));
    const big = await ses.fetch(`${base}/big`);
    await big.body!.cancel();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(
      ses.fetch(`http://127.0.0.1:${port}/`),
      isNetError("ERR_CONNECTION_REFUSED"),
    );
    assert.deepEqual(errors, [
      "net::ERR_TOO_MANY_REDIRECTS",
      "net::ERR_ABORTED",
      "net::ERR_CONNECTION_REFUSED",
    ]);
    await ses.closeAllConnections();
  });

  it("completes a response that arrived whole at once, before its body is read, and once", async () => {
    const ses = newSession();
    const events: string[] = [];
    ses.webRequest.onCompleted((details) =>
      events.push(`completed ${new URL(details.url).pathname} ${details.statusCode}`)
    );
    ses.webRequest.onErrorOccurred((details) =>
      events.push(`error ${new URL(details.url).pathname} ${details.error}`)
    );
    const read = await ses.fetch(`${base}/small`);
    // Chromium's URLLoader completes once the body is in the data pipe, not when it is read.
    assert.deepEqual(events, ["completed /small 200"], "before the body is read");
    assert.equal(await read.text(), "small");
    const cancelled = await ses.fetch(`${base}/small`);
    await cancelled.body!.cancel();
    assert.deepEqual(
      events,
      ["completed /small 200", "completed /small 200"],
      "once per request; a cancel after completion is no error",
    );
    await ses.closeAllConnections();
  });

  it("completes a body that streams in after its head only once it has been read", async () => {
    const ses = newSession();
    const events: string[] = [];
    ses.webRequest.onCompleted((details) =>
      events.push(`completed ${new URL(details.url).pathname}`)
    );
    ses.webRequest.onErrorOccurred((details) =>
      events.push(`error ${new URL(details.url).pathname} ${details.error}`)
    );
    const read = await ses.fetch(`${base}/big`);
    const reader = read.body!.getReader();
    let length = (await reader.read()).value!.length;
    assert.deepEqual(events, [], "not while the body streams in");
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      length += chunk.value.length;
    }
    assert.equal(length, 1024 * 1024);
    assert.deepEqual(events, ["completed /big"]);
    const cancelled = await ses.fetch(`${base}/big`);
    await cancelled.body!.cancel();
    assert.deepEqual(events, ["completed /big", "error /big net::ERR_ABORTED"]);
    await ses.closeAllConnections();
  });

  it("tells onErrorOccurred the head of a response whose body failed, as Electron's details", async () => {
    // Once a head arrived, WebRequestInfo holds it: ToDictionary(info) adds ip, fromCache,
    // statusLine, statusCode and responseHeaders to the error's details too.
    const ses = newSession();
    const failed: Array<Record<string, unknown>> = [];
    ses.webRequest.onErrorOccurred((details) => failed.push({ ...details }));
    const cancelled = await ses.fetch(`${base}/big`);
    await cancelled.body!.cancel();
    assert.equal(failed.length, 1);
    const details = failed[0]!;
    assert.deepEqual(Object.keys(details), [
      "id",
      "url",
      "method",
      "timestamp",
      "resourceType",
      "ip",
      "fromCache",
      "statusLine",
      "statusCode",
      "responseHeaders",
      "referrer",
      "error",
    ]);
    assert.equal(details.statusCode, 200);
    assert.equal(details.statusLine, "HTTP/1.1 200 OK");
    assert.equal(details.ip, "127.0.0.1");
    assert.equal(details.fromCache, false);
    const headers = details.responseHeaders as Record<string, string[]>;
    assert.deepEqual(headers["content-length"], [String(1024 * 1024)]);
    assert.equal(details.error, "net::ERR_ABORTED");
    await ses.closeAllConnections();
  });

  it("tells onErrorOccurred the head a request failed after (a cancel once it arrived); a throwing notification listener fails nothing", async () => {
    // ProxyingURLLoaderFactory records the head in WebRequestInfo before it asks
    // onHeadersReceived, so a cancel there (or any failure after) reports it.
    const ses = newSession();
    const failed: string[] = [];
    ses.webRequest.onErrorOccurred((details) =>
      failed.push(`${details.error} ${details.statusCode} ${details.statusLine} ${details.ip}`)
    );
    ses.webRequest.onHeadersReceived((_details, callback) => callback({ cancel: true }));
    await assert.rejects(ses.fetch(`${base}/small`), isNetError("ERR_BLOCKED_BY_CLIENT"));
    ses.webRequest.onHeadersReceived((_details, callback) => {
      setTimeout(() => callback({ cancel: true }), 1);
    });
    await assert.rejects(ses.fetch(`${base}/small`), isNetError("ERR_BLOCKED_BY_CLIENT"));
    ses.webRequest.onHeadersReceived(null);
    // Electron calls a notification listener without waiting for it: its exception is the
    // main process's uncaught exception, and the request goes on.
    const bug = () => {
      throw new Error("listener bug");
    };
    ses.webRequest.onSendHeaders(bug);
    ses.webRequest.onResponseStarted(bug);
    ses.webRequest.onBeforeRedirect(bug);
    const reported = await capturingErrors(async () => {
      assert.equal((await ses.fetch(`${base}/small`)).status, 200);
      assert.equal((await ses.fetch(`${base}/b`)).status, 200);
    });
    // onSendHeaders and onResponseStarted for each request, onBeforeRedirect for the redirect.
    assert.deepEqual(reported.map(([message]) => String(message).split(" ")[0]), [
      "webRequest.onSendHeaders",
      "webRequest.onResponseStarted",
      "webRequest.onSendHeaders",
      "webRequest.onBeforeRedirect",
      "webRequest.onSendHeaders",
      "webRequest.onResponseStarted",
    ]);
    assert.deepEqual(failed, [
      "net::ERR_BLOCKED_BY_CLIENT 200 HTTP/1.1 200 OK 127.0.0.1",
      "net::ERR_BLOCKED_BY_CLIENT 200 HTTP/1.1 200 OK 127.0.0.1",
    ]);
    await ses.closeAllConnections();
  });

  it("filters by url, excludeUrls and types; one listener per event; null removes", async () => {
    const ses = newSession();
    const seen: string[] = [];
    ses.webRequest.onBeforeRequest(
      { urls: ["http://127.0.0.1/*"], excludeUrls: ["*://*/skip*"], types: ["download"] },
      (details, callback) => {
        seen.push(`first ${details.resourceType} ${new URL(details.url).pathname}`);
        callback({});
      },
    );
    await (await ses.fetch(`${base}/xhr`)).text();
    const download = ses.fetchAs("download");
    await (await download(`${base}/file`)).text();
    await (await download(`${base}/skip`)).text();
    ses.webRequest.onBeforeRequest((details, callback) => {
      seen.push(`second ${details.resourceType}`);
      callback({});
    });
    await (await ses.fetch(`${base}/xhr`)).text();
    ses.webRequest.onBeforeRequest(null);
    await (await ses.fetch(`${base}/xhr`)).text();
    assert.deepEqual(seen, ["first download /file", "second xhr"]);
    await ses.closeAllConnections();
  });

  it("keeps listeners per session", async () => {
    const blocking = newSession();
    const open = newSession();
    blocking.webRequest.onBeforeRequest((_details, callback) => callback({ cancel: true }));
    await assert.rejects(blocking.fetch(`${base}/echo`), isNetError("ERR_BLOCKED_BY_CLIENT"));
    assert.equal((await open.fetch(`${base}/echo`)).status, 200);
    await open.closeAllConnections();
  });

  it("throws Electron's errors for bad filters and listeners", () => {
    const { webRequest } = newSession();
    assert.throws(
      () => webRequest.onBeforeRequest({ urls: ["http://a.test"] }, () => {}),
      { name: "TypeError", message: "Invalid url pattern http://a.test: Empty path." },
    );
    assert.throws(
      () => webRequest.onBeforeRequest({ urls: ["a.test/*"] }, () => {}),
      { name: "TypeError", message: "Invalid url pattern a.test/*: Missing scheme separator." },
    );
    assert.throws(
      () => webRequest.onCompleted({ urls: ["<all_urls>"], types: ["bogus"] }, () => {}),
      { name: "TypeError", message: "Invalid type bogus" },
    );
    assert.throws(
      () => webRequest.onCompleted({} as never, () => {}),
      { name: "TypeError", message: "Parameter 'filter' must have property 'urls'." },
    );
    assert.throws(
      () => webRequest.onSendHeaders("nope" as never),
      { name: "TypeError", message: "Must pass null or a Function" },
    );
  });
});
