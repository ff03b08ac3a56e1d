// Electron main-process code ported as it is written against `electron.d.ts`: listeners and
// handlers annotated with Electron's type names, imported from this package's entry point. The
// file type-checks under `deno test` (a missing export or field fails it) and runs in Bun.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { session } from "../mod.ts";
import type {
  BeforeSendResponse,
  CallbackResponse,
  Cookie,
  CookieChangeCause,
  Cookies,
  CookiesGetFilter,
  CookiesSetDetails,
  HeadersReceivedResponse,
  OnBeforeRequestListenerDetails,
  OnBeforeSendHeadersListenerDetails,
  OnCompletedListenerDetails,
  OnHeadersReceivedListenerDetails,
  Protocol,
  ProtocolRequest,
  ProtocolResponse,
  ServiceWorkerConsoleMessage,
  ServiceWorkers,
  Session,
  UploadData,
  WebRequest,
  WebRequestFilter,
} from "../mod.ts";

let partitions = 0;
function newSession(): Session {
  return session.fromPartition(`electron-port-${++partitions}`);
}

describe("Electron main-process code, typed with Electron's names", () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({
          userAgent: request.headers["user-agent"],
          body: Buffer.concat(chunks).toString(),
        }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("webRequest listeners with Electron's details and response types", async () => {
    const ses = newSession();
    const webRequest: WebRequest = ses.webRequest;
    const filter: WebRequestFilter = { urls: [`${base}/*`] };
    const uploads: UploadData[] = [];
    const contents: (number | undefined)[] = [];
    webRequest.onBeforeRequest(
      filter,
      (details: OnBeforeRequestListenerDetails, callback: (r: CallbackResponse) => void) => {
        contents.push(details.webContentsId);
        for (const part of details.uploadData ?? []) uploads.push(part);
        callback({});
      },
    );
    webRequest.onBeforeSendHeaders(
      filter,
      (
        details: OnBeforeSendHeadersListenerDetails,
        callback: (response: BeforeSendResponse) => void,
      ) => {
        details.requestHeaders["User-Agent"] = "MyAgent";
        callback({ requestHeaders: details.requestHeaders });
      },
    );
    webRequest.onHeadersReceived(
      (
        details: OnHeadersReceivedListenerDetails,
        callback: (response: HeadersReceivedResponse) => void,
      ) => {
        callback({ responseHeaders: { ...details.responseHeaders, "X-Ported": ["yes"] } });
      },
    );
    const completed: OnCompletedListenerDetails[] = [];
    webRequest.onCompleted((details) => completed.push(details));
    const response = await ses.fetch(`${base}/upload`, { method: "POST", body: "hello" });
    assert.deepEqual(await response.json(), { userAgent: "MyAgent", body: "hello" });
    assert.equal(response.headers.get("x-ported"), "yes");
    assert.equal(completed[0]?.error, "net::OK");
    // A session's own request comes from no web contents and names no file, as in Electron.
    assert.deepEqual(contents, [undefined]);
    assert.equal(uploads.length, 1);
    assert.ok(Buffer.isBuffer(uploads[0]?.bytes));
    assert.equal(uploads[0]?.bytes.toString(), "hello");
    assert.equal(uploads[0]?.file, undefined);
  });

  it("cookies with Electron's filter, details and change types", async () => {
    const cookies: Cookies = newSession().cookies;
    const changes: [string, CookieChangeCause, boolean][] = [];
    cookies.on("changed", (_event, cookie: Cookie, cause, removed) => {
      changes.push([cookie.name, cause, removed]);
    });
    const details: CookiesSetDetails = { url: base, name: "dummy_name", value: "dummy" };
    await cookies.set(details);
    const filter: CookiesGetFilter = { url: base, name: "dummy_name" };
    const found: Cookie[] = await cookies.get(filter);
    assert.equal(found[0]?.value, "dummy");
    await cookies.remove(base, "dummy_name");
    assert.deepEqual(changes, [["dummy_name", "inserted", false], [
      "dummy_name",
      "explicit",
      true,
    ]]);
  });

  it("a callback-style protocol handler with Electron's request and response types", async () => {
    const ses = newSession();
    const protocol: Protocol = ses.protocol;
    const requests: ProtocolRequest[] = [];
    const registered = protocol.registerStringProtocol(
      "atom",
      (request: ProtocolRequest, callback: (response: string | ProtocolResponse) => void) => {
        requests.push(request);
        callback({ mimeType: "text/plain", data: `${request.method} ${request.url}` });
      },
    );
    assert.equal(registered, true);
    const response = await ses.fetch("atom://app/x", { method: "POST", body: "up" });
    assert.equal(await response.text(), "POST atom://app/x");
    const upload: UploadData[] | undefined = requests[0]?.uploadData;
    assert.ok(Buffer.isBuffer(upload?.[0]?.bytes));
    assert.equal(upload?.[0]?.bytes.toString(), "up");
  });

  it("protocol.handle forwards to the network with bypassCustomProtocolHandlers", async () => {
    const ses = newSession();
    const intercepted: string[] = [];
    // protocol.md's pattern: intercept http(s) and pass the request on with Electron's option.
    ses.protocol.handle("http", (request) => {
      intercepted.push(request.url);
      return ses.fetch(request, { bypassCustomProtocolHandlers: true });
    });
    const response = await ses.fetch(`${base}/forwarded`, { method: "POST", body: "on" });
    assert.equal((await response.json()).body, "on");
    assert.deepEqual(intercepted, [`${base}/forwarded`]);
    await ses.closeAllConnections();
  });

  it("service worker listeners with Electron's signatures attach (none runs headlessly)", () => {
    const serviceWorkers: ServiceWorkers = newSession().serviceWorkers;
    const messages: ServiceWorkerConsoleMessage[] = [];
    serviceWorkers.on("console-message", (_event, messageDetails) => {
      messages.push(messageDetails);
      serviceWorkers.getFromVersionID(messageDetails.versionId);
    });
    serviceWorkers.on("running-status-changed", (details) => {
      if (details.runningStatus === "stopped") details.preventDefault();
      messages.push({ ...messages[0]!, versionId: details.versionId });
    });
    assert.equal(serviceWorkers.listenerCount("console-message"), 1);
    assert.equal(serviceWorkers.listenerCount("running-status-changed"), 1);
    assert.deepEqual(serviceWorkers.getAllRunning(), {});
    assert.deepEqual(messages, []);
  });
});
