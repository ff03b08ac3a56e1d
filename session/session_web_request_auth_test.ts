import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";
import type { Session } from "./session.ts";

const runtime = currentRuntime();
const sessions = createSessionModule(new App(runtime), runtime);
let partitions = 0;

// Every event of a request as one line: the event, and what it shows of the round's headers.
function recordEvents(ses: Session, seen: string[]): void {
  const shown = (headers: Record<string, string>) =>
    `${headers.Cookie ?? "-"} ${"Authorization" in headers ? "auth" : "-"}`;
  ses.webRequest.onBeforeRequest((_details, callback) => {
    seen.push("beforeRequest");
    callback({});
  });
  ses.webRequest.onBeforeSendHeaders((details, callback) => {
    seen.push(`beforeSendHeaders ${shown(details.requestHeaders)}`);
    callback({});
  });
  ses.webRequest.onSendHeaders((details) => {
    seen.push(`sendHeaders ${shown(details.requestHeaders)}`);
  });
  ses.webRequest.onHeadersReceived((details, callback) => {
    seen.push(`headersReceived ${details.statusCode}`);
    callback({});
  });
  ses.webRequest.onResponseStarted((details) => seen.push(`responseStarted ${details.statusCode}`));
  ses.webRequest.onCompleted((details) => seen.push(`completed ${details.statusCode}`));
}

// A session whose events are recorded, and whose 'login' listener (recorded too) answers with
// `credentials`: a username and password, or none.
function recordingSession(credentials: [] | [string, string]): { ses: Session; seen: string[] } {
  const ses = sessions.fromPartition(`web-request-auth-${++partitions}`);
  const seen: string[] = [];
  recordEvents(ses, seen);
  ses.on("login", (event, _details, _authInfo, callback) => {
    seen.push("login");
    event.preventDefault();
    callback(...credentials);
  });
  return { ses, seen };
}

describe("ses.webRequest and a server's 401 answered through 'login'", () => {
  let server: Server;
  let base: string;
  const received: IncomingHttpHeaders[] = [];
  before(async () => {
    // Basic u:p; the challenge sets a cookie, which the answer must carry.
    server = createServer((request, response) => {
      received.push(request.headers);
      if (request.headers.authorization !== "Basic dTpw") {
        response.writeHead(401, {
          "www-authenticate": 'Basic realm="r"',
          "set-cookie": "round=1; Path=/",
          "content-length": "4",
        });
        response.end("who?");
        return;
      }
      response.writeHead(200, { "content-length": "2" });
      response.end("in");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sees the 401 in onHeadersReceived and the answer's round in onBeforeSendHeaders, as Chromium restarts the transaction", async () => {
    const { ses, seen } = recordingSession(["u", "p"]);
    received.length = 0;
    const response = await ses.fetch(`${base}/private`);
    assert.equal(await response.text(), "in");
    assert.deepEqual(seen, [
      "beforeRequest",
      "beforeSendHeaders - -",
      "sendHeaders - -",
      "headersReceived 401",
      "login",
      // The challenge's cookie is read from the jar again; the credentials are added below
      // every stage, so no listener sees them (Chromium's HttpNetworkTransaction adds them).
      "beforeSendHeaders round=1 -",
      "sendHeaders round=1 -",
      "headersReceived 200",
      "responseStarted 200",
      "completed 200",
    ]);
    assert.deepEqual(received.map((headers) => [headers.authorization, headers.cookie]), [
      [undefined, undefined],
      ["Basic dTpw", "round=1"],
    ]);
    await ses.closeAllConnections();
  });

  it("tells onResponseStarted of the 401 once 'login' gives no credentials", async () => {
    const { ses, seen } = recordingSession([]);
    const response = await ses.fetch(`${base}/private`);
    assert.equal(response.status, 401);
    assert.equal(await response.text(), "who?");
    assert.deepEqual(seen, [
      "beforeRequest",
      "beforeSendHeaders - -",
      "sendHeaders - -",
      "headersReceived 401",
      "login",
      "responseStarted 401",
      "completed 401",
    ]);
    await ses.closeAllConnections();
  });

  it("carries onBeforeSendHeaders' answer into the answer's round, with the jar's Cookie, as URLRequestHttpJob keeps its extra headers", async () => {
    const ses = sessions.fromPartition(`web-request-auth-${++partitions}`);
    ses.on("login", (event, _details, _authInfo, callback) => {
      event.preventDefault();
      callback("u", "p");
    });
    const shown: Array<Record<string, string>> = [];
    ses.webRequest.onBeforeSendHeaders((details, callback) => {
      shown.push({ ...details.requestHeaders });
      // The first round's answer only: the listener lets the second go as it is shown.
      if (shown.length > 1) return callback({});
      const { "Accept-Language": _dropped, ...rest } = details.requestHeaders;
      callback({
        requestHeaders: { ...rest, "X-Mine": "1", Host: "other.test", Cookie: "mine=1" },
      });
    });
    received.length = 0;
    const response = await ses.fetch(`${base}/private`);
    assert.equal(await response.text(), "in");
    const [first, second] = shown;
    assert.equal(first!["X-Mine"], undefined);
    // Shown the headers the first round went with, its Cookie read again from the jar (with
    // what the 401 set), the way RestartTransactionWithAuth strips and adds it.
    const { "Accept-Language": _dropped, ...kept } = first!;
    assert.deepEqual(second, { ...kept, "X-Mine": "1", Host: "other.test", Cookie: "round=1" });
    assert.deepEqual(
      received.map((headers) => [
        headers.host,
        headers["x-mine"],
        headers["accept-language"],
        headers["user-agent"] === ses.getUserAgent(),
        headers.cookie,
        headers.authorization,
      ]),
      [
        ["other.test", "1", undefined, true, "mine=1", undefined],
        ["other.test", "1", undefined, true, "round=1", "Basic dTpw"],
      ],
    );
    await ses.closeAllConnections();
  });

  it("cancels the request when onHeadersReceived cancels the 401, without asking 'login'", async () => {
    const ses = sessions.fromPartition(`web-request-auth-${++partitions}`);
    let asked = 0;
    ses.on("login", () => asked++);
    ses.webRequest.onHeadersReceived((details, callback) =>
      callback({ cancel: details.statusCode === 401 })
    );
    await assert.rejects(ses.fetch(`${base}/private`), { message: "net::ERR_BLOCKED_BY_CLIENT" });
    assert.equal(asked, 0);
    await ses.closeAllConnections();
  });
});

describe("ses.webRequest and credentials in the URL", () => {
  let server: Server;
  let port = 0;
  const lines: Array<[string | undefined, string | undefined]> = [];
  before(async () => {
    // Answers as an origin and as a forward proxy alike (a proxy gets the absolute form).
    server = createServer((request, response) => {
      lines.push([request.url, request.headers.authorization]);
      if (request.headers.authorization !== "Basic dTpw") {
        response.writeHead(401, { "www-authenticate": 'Basic realm="r"', "content-length": "0" });
        response.end();
        return;
      }
      response.writeHead(200, { "content-length": "2" });
      response.end("in");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("shows the URL as requested to every event of the request's rounds, as Chromium's URLRequest keeps it; the wire never has it", async () => {
    for (const proxied of [false, true]) {
      const ses = sessions.fromPartition(`web-request-auth-${++partitions}`);
      if (proxied) {
        await ses.setProxy({
          proxyRules: `http=127.0.0.1:${port}`,
          proxyBypassRules: "<-loopback>",
        });
      }
      const urls: string[] = [];
      const note = (event: string) => (details: { url: string }) =>
        urls.push(`${event} ${details.url}`);
      ses.webRequest.onBeforeRequest((
        details,
        callback,
      ) => (note("beforeRequest")(details), callback({})));
      ses.webRequest.onBeforeSendHeaders((
        details,
        callback,
      ) => (note("beforeSendHeaders")(details), callback({})));
      ses.webRequest.onSendHeaders(note("sendHeaders"));
      ses.webRequest.onHeadersReceived((
        details,
        callback,
      ) => (note("headersReceived")(details), callback({})));
      ses.webRequest.onResponseStarted(note("responseStarted"));
      const given = `http://u:p@127.0.0.1:${port}/private`;
      lines.length = 0;
      const response = await ses.fetch(given);
      assert.equal(await response.text(), "in");
      assert.equal(response.url, `http://127.0.0.1:${port}/private`);
      assert.deepEqual(
        urls,
        [
          "beforeRequest",
          "beforeSendHeaders",
          "sendHeaders",
          "headersReceived",
          "beforeSendHeaders",
          "sendHeaders",
          "headersReceived",
          "responseStarted",
        ].map((event) => `${event} ${given}`),
      );
      // Neither an origin's request line nor a forward proxy's absolute form carries them.
      const target = proxied ? `http://127.0.0.1:${port}/private` : "/private";
      assert.deepEqual(lines, [[target, undefined], [target, "Basic dTpw"]]);
      await ses.closeAllConnections();
    }
  });
});
