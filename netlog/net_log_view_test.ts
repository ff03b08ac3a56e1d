import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { netLogToHar } from "./net_log_to_har.ts";
import { netLogView } from "./net_log_view.ts";
import type { ReadNetLog, ReadNetLogEvent } from "./read_net_log.ts";

// One request hop: a cache lookup (0-10 ms), a proxy resolution (10-40 ms), then the
// connection, the exchange and the body.
function slowProxyLog(): ReadNetLog {
  const source = { id: 1, type: "URL_REQUEST", startTime: 1000 };
  const event = (
    time: number,
    type: string,
    phase: string,
    params?: Record<string, unknown>,
  ): ReadNetLogEvent => ({ time: 1000 + time, type, phase, source, ...(params ? { params } : {}) });
  return {
    constants: { netError: {} },
    rawEvents: [],
    truncated: false,
    events: [
      event(0, "REQUEST_ALIVE", "PHASE_BEGIN", { url: "http://a.test/" }),
      event(0, "URL_REQUEST_START_JOB", "PHASE_BEGIN", { url: "http://a.test/", method: "GET" }),
      event(10, "PROXY_RESOLUTION_SERVICE", "PHASE_BEGIN"),
      event(40, "PROXY_RESOLUTION_SERVICE", "PHASE_END"),
      event(40, "TCP_CONNECT", "PHASE_BEGIN"),
      event(50, "TCP_CONNECT", "PHASE_END", { remote_address: "10.0.0.1:80" }),
      event(50, "HTTP_TRANSACTION_SEND_REQUEST_HEADERS", "PHASE_NONE", {
        line: "GET / HTTP/1.1\r\n",
        headers: ["Host: a.test"],
      }),
      event(70, "HTTP_TRANSACTION_READ_RESPONSE_HEADERS", "PHASE_NONE", {
        headers: ["HTTP/1.1 200 OK", "Content-Length: 2"],
      }),
      event(70, "URL_REQUEST_START_JOB", "PHASE_END"),
      event(80, "REQUEST_ALIVE", "PHASE_END"),
    ],
  };
}

describe("netLogView", () => {
  it("shows the proxy resolution as the proxy phase, apart from the rest of the blocked time", () => {
    const log = slowProxyLog();
    const [entry] = netLogToHar(log).log.entries;
    // Chrome's DevTools HAR: blocked holds the proxy time, _blocked_proxy tells it apart.
    assert.deepEqual(entry!.timings, {
      blocked: 40,
      _blocked_proxy: 30,
      dns: -1,
      connect: 10,
      ssl: -1,
      send: 0,
      wait: 20,
      receive: 10,
    });
    const bars = [...netLogView(log, "log.json").matchAll(/class="bar (\w+)" title="([^"]+)"/g)]
      .map((match) => match[2]);
    assert.deepEqual(bars, [
      "blocked 10.0 ms",
      "proxy 30.0 ms",
      "connect 10.0 ms",
      "wait 20.0 ms",
      "receive 10.0 ms",
    ]);
  });

  it("draws no proxy bar for a hop that resolved no proxy", () => {
    const log = slowProxyLog();
    log.events = log.events.filter((e) => e.type !== "PROXY_RESOLUTION_SERVICE");
    const [entry] = netLogToHar(log).log.entries;
    assert.equal(entry!.timings._blocked_proxy, undefined);
    const html = netLogView(log, "log.json");
    assert.match(html, /class="bar blocked" title="blocked 40\.0 ms"/);
    assert.doesNotMatch(html, /class="bar proxy"/);
  });
});
