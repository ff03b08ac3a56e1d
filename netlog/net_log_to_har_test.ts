import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { netLogToHar } from "./net_log_to_har.ts";
import type { ReadNetLog, ReadNetLogEvent } from "./read_net_log.ts";
import { VERSION } from "../core/version.ts";

// One hop: headers sent at 10 ms, an upload written at 10, 16 and 22 ms, the response head at
// 30 ms, the end at 40 ms.
function uploadLog(clientInfo?: Record<string, unknown>): ReadNetLog {
  const source = { id: 1, type: "URL_REQUEST", startTime: 1000 };
  const event = (
    time: number,
    type: string,
    phase: string,
    params?: Record<string, unknown>,
  ): ReadNetLogEvent => ({ time: 1000 + time, type, phase, source, ...(params ? { params } : {}) });
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
  it("gives send the time from the request's headers to its last write, and wait the rest", () => {
    const [entry] = netLogToHar(uploadLog()).log.entries;
    assert.equal(entry!.timings.send, 12);
    assert.equal(entry!.timings.wait, 8);
    assert.equal(entry!.time, 40);
    assert.equal(entry!.request.bodySize, 3000);
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
