import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { netLogToHar } from "./net_log_to_har.ts";
import type { ReadNetLog, ReadNetLogEvent } from "./read_net_log.ts";
import { VERSION } from "../core/version.ts";

// An event of the one request (source 1) the logs below hold, `time` ms after it started.
function event(
  time: number,
  type: string,
  phase: string,
  params?: Record<string, unknown>,
): ReadNetLogEvent {
  const source = { id: 1, type: "URL_REQUEST", startTime: 1000 };
  return { time: 1000 + time, type, phase, source, ...(params ? { params } : {}) };
}

// One hop: headers sent at 10 ms, an upload written at 10, 16 and 22 ms, the response head at
// 30 ms, the end at 40 ms.
function uploadLog(clientInfo?: Record<string, unknown>): ReadNetLog {
  return {
    constants: { netError: {}, ...(clientInfo ? { clientInfo } : {}) },
    rawEvents: [],
    truncated: false,
    events: [
      event(0, "URL_REQUEST_START_JOB", "PHASE_BEGIN", { url: "http://a.test/", method: "PUT" }),
      event(10, "HTTP_TRANSACTION_SEND_REQUEST_HEADERS", "PHASE_NONE", {
        line: "PUT / HTTP/1.1\r\n",
        headers: ["Host: a.test", "Content-Length: 3000"],
      }),
      event(10, "HTTP_TRANSACTION_SEND_REQUEST_BODY", "PHASE_NONE", {
        length: 3000,
        is_chunked: false,
        did_merge: false,
      }),
      ...[10, 16, 22].map((ms) =>
        event(ms, "SOCKET_BYTES_SENT", "PHASE_NONE", { byte_count: 1000 })
      ),
      event(30, "HTTP_TRANSACTION_READ_RESPONSE_HEADERS", "PHASE_NONE", {
        headers: ["HTTP/1.1 204 No Content"],
      }),
      event(30, "URL_REQUEST_START_JOB", "PHASE_END"),
      event(40, "REQUEST_ALIVE", "PHASE_END"),
    ],
  };
}

describe("netLogToHar", () => {
  it("counts each head's bytes for headersSize, a stripped value at its stripped size, and what gzip saved", () => {
    const log = (received: ReadNetLogEvent): ReadNetLog => ({
      constants: { netError: {} },
      rawEvents: [],
      truncated: false,
      events: [
        event(0, "URL_REQUEST_START_JOB", "PHASE_BEGIN", { url: "http://a.test/", method: "GET" }),
        event(1, "HTTP_TRANSACTION_SEND_REQUEST_HEADERS", "PHASE_NONE", {
          line: "GET / HTTP/1.1\r\n",
          headers: ["Host: a.test", "Cookie: [7 bytes were stripped]"],
        }),
        received,
        event(3, "URL_REQUEST_JOB_FILTERED_BYTES_READ", "PHASE_NONE", { byte_count: 1000 }),
        event(4, "URL_REQUEST_START_JOB", "PHASE_END"),
        event(5, "REQUEST_ALIVE", "PHASE_END"),
      ],
    });
    const head = [
      "HTTP/1.1 200 OK",
      "Content-Encoding: gzip",
      "Content-Length: 300",
      "WWW-Authenticate: NTLM [4 bytes were stripped]",
    ];
    const [entry] = netLogToHar(
      log(event(2, "HTTP_TRANSACTION_READ_RESPONSE_HEADERS", "PHASE_NONE", { headers: head })),
    ).log.entries;
    // "GET / HTTP/1.1\r\nHost: a.test\r\nCookie: a=bcdef\r\n\r\n"
    assert.equal(entry!.request.headersSize, 16 + 14 + 17 + 2);
    // "HTTP/1.1 200 OK\r\n" + "Content-Encoding: gzip\r\n" + "Content-Length: 300\r\n" +
    // "WWW-Authenticate: NTLM abcd\r\n" + "\r\n"
    assert.equal(entry!.response.headersSize, 17 + 24 + 21 + 29 + 2);
    assert.equal(entry!.response.bodySize, 300);
    assert.equal(entry!.response.content.size, 1000);
    assert.equal(entry!.response.content.compression, 700);
    // A head read from the cache crossed no wire; nothing is known of its compression.
    const [cached] = netLogToHar(
      log(event(2, "HTTP_CACHE_READ_INFO", "PHASE_NONE", { headers: head })),
    ).log.entries;
    assert.equal(cached!.response.headersSize, -1);
    assert.equal(cached!.response.content.compression, undefined);
  });

  it("gives send the time from the request's headers to its last write, and wait the rest", () => {
    const [entry] = netLogToHar(uploadLog()).log.entries;
    assert.equal(entry!.timings.send, 12);
    assert.equal(entry!.timings.wait, 8);
    assert.equal(entry!.time, 40);
    assert.equal(entry!.request.bodySize, 3000);
  });

  it("gives send HTTP_TRANSACTION_SEND_REQUEST's time when it began a millisecond before the headers", () => {
    // Chromium begins the step before it builds the headers (STATE_BUILD_REQUEST), and its
    // log's whole milliseconds may tick in between.
    const events = uploadLog().events;
    events.splice(1, 0, event(9, "HTTP_TRANSACTION_SEND_REQUEST", "PHASE_BEGIN"));
    events.splice(6, 0, event(23, "HTTP_TRANSACTION_SEND_REQUEST", "PHASE_END"));
    const [entry] = netLogToHar({ ...uploadLog(), events }).log.entries;
    assert.equal(entry!.timings.send, 14);
    assert.equal(entry!.timings.wait, 7);
  });

  it("names the error of a body that failed after its head, keeping the head's status", () => {
    // As chromium --log-net-log (156) writes a body cut short: the job ended well, the request
    // with the error.
    const log = (aliveEnd: ReadNetLogEvent): ReadNetLog => ({
      constants: { netError: { ERR_CONTENT_LENGTH_MISMATCH: -354 } },
      rawEvents: [],
      truncated: false,
      events: [
        event(0, "REQUEST_ALIVE", "PHASE_BEGIN", { url: "http://a.test/" }),
        event(0, "URL_REQUEST_START_JOB", "PHASE_BEGIN", { url: "http://a.test/", method: "GET" }),
        event(2, "HTTP_TRANSACTION_READ_RESPONSE_HEADERS", "PHASE_NONE", {
          headers: ["HTTP/1.1 200 OK", "Content-Length: 100"],
        }),
        event(2, "URL_REQUEST_START_JOB", "PHASE_END"),
        event(3, "URL_REQUEST_JOB_FILTERED_BYTES_READ", "PHASE_NONE", { byte_count: 40 }),
        aliveEnd,
      ],
    });
    const [cut] = netLogToHar(
      log(event(5, "REQUEST_ALIVE", "PHASE_END", { net_error: -354 })),
    ).log.entries;
    assert.equal(cut!.response.status, 200);
    assert.equal(cut!._error, "ERR_CONTENT_LENGTH_MISMATCH");
    const [whole] = netLogToHar(log(event(5, "REQUEST_ALIVE", "PHASE_END"))).log.entries;
    assert.equal(whole!._error, undefined);
  });

  it("reads a URL written with Chromium's credentials note as the URL without it", () => {
    // chromium --log-net-log (156) writes `http://u:p@host/x` as `http://host/x (credentials
    // redacted)` in default mode, and so does @ses.
    const log = uploadLog();
    log.events[0] = event(0, "URL_REQUEST_START_JOB", "PHASE_BEGIN", {
      url: "http://a.test/x?q=1 (credentials redacted)",
      method: "GET",
    });
    const [entry] = netLogToHar(log).log.entries;
    assert.equal(entry!.request.url, "http://a.test/x?q=1");
    assert.deepEqual(entry!.request.queryString, [{ name: "q", value: "1" }]);
  });

  it("follows a Chromium log's source_dependency links to the request's DNS, connect and peer", () => {
    const [entry] = netLogToHar(chromiumLog()).log.entries;
    assert.deepEqual(entry!.timings, {
      blocked: 4,
      _blocked_proxy: 2,
      dns: 10,
      connect: 16,
      ssl: -1,
      send: 2,
      wait: 18,
      receive: 10,
    });
    assert.equal(entry!.time, 60);
    assert.equal(entry!.serverIPAddress, "192.0.2.9");
  });

  it("counts no connect for a socket connected before the request, yet names its peer", () => {
    const log = chromiumLog();
    // A preconnect: the socket was made 100 ms before the request.
    for (const event of log.events) {
      if (event.source.id === 100 && event.type !== "SOCKET_BYTES_SENT") event.time -= 100;
    }
    const [entry] = netLogToHar(log).log.entries;
    assert.equal(entry!.timings.connect, -1);
    assert.equal(entry!.serverIPAddress, "192.0.2.9");
  });

  it("names itself the creator and the log's writer the browser, as HAR 1.2 tells them apart", () => {
    const chrome = netLogToHar(uploadLog({ name: "Google Chrome", version: "131.0.6778.85" }));
    assert.deepEqual(chrome.log.creator, { name: "@ses/session", version: VERSION });
    assert.deepEqual(chrome.log.browser, { name: "Google Chrome", version: "131.0.6778.85" });
    assert.deepEqual(Object.keys(chrome.log), [
      "version",
      "creator",
      "browser",
      "pages",
      "entries",
    ]);
    // A log without clientInfo names no browser.
    assert.equal("browser" in netLogToHar(uploadLog()).log, false);
  });
});

// A request as Chromium 156 logs it: its stream job controller, stream job, connect job, host
// resolver job and socket on sources of their own, linked by source_dependency. A second
// connect job that shares the host resolver job (another request's) connects during this
// request and must not count.
function chromiumLog(): ReadNetLog {
  const events: ReadNetLogEvent[] = [];
  const add = (
    id: number,
    sourceType: string,
    time: number,
    type: string,
    phase: string,
    params?: Record<string, unknown>,
  ) =>
    events.push({
      time: 5000 + time,
      type,
      phase,
      source: { id, type: sourceType, startTime: 5000 },
      ...(params ? { params } : {}),
    });
  const link = (id: number) => ({ source_dependency: { id, type: 0 } });
  const request = (time: number, type: string, phase: string, params?: Record<string, unknown>) =>
    add(101, "URL_REQUEST", time, type, phase, params);
  request(0, "REQUEST_ALIVE", "PHASE_BEGIN", { url: "http://a.test/" });
  request(0, "URL_REQUEST_START_JOB", "PHASE_BEGIN", { url: "http://a.test/", method: "GET" });
  request(0, "HTTP_STREAM_REQUEST", "PHASE_BEGIN");
  request(0, "HTTP_STREAM_JOB_CONTROLLER_BOUND", "PHASE_NONE", link(103));
  add(103, "HTTP_STREAM_JOB_CONTROLLER", 1, "PROXY_RESOLUTION_SERVICE", "PHASE_BEGIN");
  add(103, "HTTP_STREAM_JOB_CONTROLLER", 3, "PROXY_RESOLUTION_SERVICE", "PHASE_END");
  add(
    103,
    "HTTP_STREAM_JOB_CONTROLLER",
    3,
    "HTTP_STREAM_REQUEST_STARTED_JOB",
    "PHASE_NONE",
    link(104),
  );
  add(104, "HTTP_STREAM_JOB", 3, "SOCKET_POOL_BOUND_TO_CONNECT_JOB", "PHASE_NONE", link(98));
  add(98, "TCP_CONNECT_JOB", 3, "HOST_RESOLVER_MANAGER_JOB_ATTACH", "PHASE_NONE", link(19));
  add(19, "HOST_RESOLVER_IMPL_JOB", 3, "HOST_RESOLVER_MANAGER_JOB", "PHASE_BEGIN");
  add(
    19,
    "HOST_RESOLVER_IMPL_JOB",
    4,
    "HOST_RESOLVER_MANAGER_JOB_REQUEST_ATTACH",
    "PHASE_NONE",
    link(500),
  );
  add(500, "TCP_CONNECT_JOB", 5, "CONNECT_JOB_SET_SOCKET", "PHASE_NONE", link(501));
  add(501, "SOCKET", 5, "TCP_CONNECT", "PHASE_BEGIN");
  add(501, "SOCKET", 40, "TCP_CONNECT", "PHASE_END", { remote_address: "198.51.100.1:80" });
  add(19, "HOST_RESOLVER_IMPL_JOB", 13, "HOST_RESOLVER_MANAGER_JOB", "PHASE_END");
  add(100, "SOCKET", 13, "SOCKET_ALIVE", "PHASE_BEGIN", link(98));
  add(100, "SOCKET", 13, "TCP_CONNECT", "PHASE_BEGIN", { address_list: ["192.0.2.9:80"] });
  add(100, "SOCKET", 29, "TCP_CONNECT", "PHASE_END", { remote_address: "192.0.2.9:80" });
  add(98, "TCP_CONNECT_JOB", 29, "CONNECT_JOB_SET_SOCKET", "PHASE_NONE", link(100));
  add(104, "HTTP_STREAM_JOB", 30, "SOCKET_POOL_BOUND_TO_SOCKET", "PHASE_NONE", link(100));
  add(100, "SOCKET", 30, "SOCKET_IN_USE", "PHASE_BEGIN", link(104));
  request(30, "HTTP_STREAM_REQUEST_BOUND_TO_JOB", "PHASE_NONE", link(104));
  request(30, "HTTP_STREAM_REQUEST", "PHASE_END");
  request(30, "HTTP_TRANSACTION_SEND_REQUEST", "PHASE_BEGIN");
  request(30, "HTTP_TRANSACTION_SEND_REQUEST_HEADERS", "PHASE_NONE", {
    line: "GET / HTTP/1.1\r\n",
    headers: ["Host: a.test"],
  });
  add(100, "SOCKET", 31, "SOCKET_BYTES_SENT", "PHASE_NONE", { byte_count: 40 });
  request(32, "HTTP_TRANSACTION_SEND_REQUEST", "PHASE_END");
  request(50, "HTTP_TRANSACTION_READ_RESPONSE_HEADERS", "PHASE_NONE", {
    headers: ["HTTP/1.1 200 OK", "Content-Length: 0"],
  });
  request(50, "URL_REQUEST_START_JOB", "PHASE_END");
  request(60, "REQUEST_ALIVE", "PHASE_END");
  return { constants: { netError: {} }, rawEvents: [], truncated: false, events };
}

describe("netLogToHar cache hits", () => {
  it("gives beforeRequest a date for lastAccess and the stored ETag, as HAR readers parse them", () => {
    const source = { id: 3, type: "URL_REQUEST", startTime: 1000 };
    const log: ReadNetLog = {
      constants: { netError: {} },
      rawEvents: [],
      truncated: false,
      events: [
        {
          time: 1000,
          type: "URL_REQUEST_START_JOB",
          phase: "PHASE_BEGIN",
          source,
          params: { url: "http://a.test/" },
        },
        { time: 1002, type: "URL_REQUEST_START_JOB", phase: "PHASE_END", source },
        {
          time: 1002,
          type: "HTTP_CACHE_READ_INFO",
          phase: "PHASE_NONE",
          source,
          params: { headers: ["HTTP/1.1 200 OK", 'ETag: "v1"', "Cache-Control: max-age=60"] },
        },
        { time: 1003, type: "REQUEST_ALIVE", phase: "PHASE_END", source },
      ],
    };
    const [entry] = netLogToHar(log).log.entries;
    assert.deepEqual(entry!.cache, {
      beforeRequest: { lastAccess: new Date(1002).toISOString(), eTag: '"v1"', hitCount: 1 },
    });
  });
});

describe("netLogToHar on a hostile log's links", () => {
  it(
    "reads requests that all link to one huge source, and links that loop",
    { timeout: 120_000 },
    () => {
      const events: ReadNetLogEvent[] = [];
      const job = { id: 1, type: "HTTP_STREAM_JOB", startTime: 0 };
      const requests = 300;
      for (let r = 0; r < requests; r++) {
        const source = { id: 10 + r, type: "URL_REQUEST", startTime: r };
        events.push(
          {
            time: r,
            type: "URL_REQUEST_START_JOB",
            phase: "PHASE_BEGIN",
            source,
            params: { url: "http://a.test/" },
          },
          {
            time: r,
            type: "HTTP_STREAM_REQUEST_BOUND_TO_JOB",
            phase: "PHASE_NONE",
            source,
            params: { source_dependency: { id: 1 } },
          },
          { time: r + 1, type: "URL_REQUEST_START_JOB", phase: "PHASE_END", source },
        );
      }
      // The job links to itself and to a socket that links back; it holds 300 000 events.
      for (let i = 0; i < 300_000; i++) {
        events.push({
          time: i / 1000,
          type: i % 2 === 0 ? "SOCKET_POOL_BOUND_TO_SOCKET" : "HTTP_STREAM_REQUEST_STARTED_JOB",
          phase: "PHASE_NONE",
          source: job,
          params: { source_dependency: { id: i % 2 === 0 ? 2 : 1 } },
        });
      }
      events.push({
        time: 0,
        type: "SOCKET_ALIVE",
        phase: "PHASE_BEGIN",
        source: { id: 2, type: "SOCKET", startTime: 0 },
        params: { source_dependency: { id: 1 } },
      });
      const har = netLogToHar({ constants: {}, rawEvents: [], truncated: false, events });
      assert.equal(har.log.entries.length, requests);
    },
  );
});
