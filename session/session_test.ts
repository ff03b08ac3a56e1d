import { describe, it } from "node:test";
import { Buffer } from "node:buffer";
import { type AddressInfo, createServer } from "node:net";
import assert from "node:assert/strict";
import { currentRuntime } from "../runtime/mod.ts";
import { VERSION } from "../core/version.ts";
import { ElectronEvent } from "../core/electron_event.ts";
import { App } from "./app.ts";
import { createSessionModule } from "./session_module.ts";

function memorySession(name = "ua") {
  const runtime = currentRuntime();
  return createSessionModule(new App(runtime), runtime).fromPartition(name);
}

describe("Session user agent", () => {
  it("defaults to a Chromium-style UA naming ses and its version", () => {
    const ua = memorySession().getUserAgent();
    assert.match(ua, /^Mozilla\/5\.0 \(.+\) AppleWebKit\/537\.36 \(KHTML, like Gecko\) /);
    assert.ok(ua.includes(` ses/${VERSION} `), ua);
    assert.match(ua, / (Deno|Bun)\/\d+\.\d+\.\d+ Safari\/537\.36$/);
  });

  it("sets the UA and the Accept-Language q-values", () => {
    const ses = memorySession();
    ses.setUserAgent("agent/1.0", "en-US,fr,de");
    assert.equal(ses.getUserAgent(), "agent/1.0");
    assert.equal(ses.acceptLanguageHeader, "en-US,fr;q=0.9,de;q=0.8");
    ses.setUserAgent("agent/2.0");
    assert.equal(ses.acceptLanguageHeader, "en-US,fr;q=0.9,de;q=0.8");
  });

  it("keeps one session's UA out of another", () => {
    const runtime = currentRuntime();
    const module = createSessionModule(new App(runtime), runtime);
    module.fromPartition("one").setUserAgent("one/1");
    assert.notEqual(module.fromPartition("two").getUserAgent(), "one/1");
  });

  it("rejects a non-string UA without changing the stored one", () => {
    const ses = memorySession();
    const before = ses.getUserAgent();
    assert.throws(() => ses.setUserAgent(5 as unknown as string), TypeError);
    assert.throws(() => ses.setUserAgent("x", 5 as unknown as string), TypeError);
    assert.equal(ses.getUserAgent(), before);
  });

  it("refuses a UA or languages that would split the header (CR, LF, NUL)", () => {
    const ses = memorySession();
    ses.setUserAgent("kept/1", "en-US");
    for (const bad of ["bad\r\nX-Injected: 1", "bad\nX: 1", "bad\rX", "bad\0"]) {
      assert.throws(() => ses.setUserAgent(bad), {
        name: "TypeError",
        message: `Invalid user agent ${
          JSON.stringify(bad)
        }: a header value cannot contain CR, LF or NUL`,
      });
      assert.throws(() => ses.setUserAgent("other/1", `fr,${bad}`), {
        name: "TypeError",
        message: `Invalid accept languages ${
          JSON.stringify(`fr,${bad}`)
        }: a header value cannot contain CR, LF or NUL`,
      });
    }
    assert.equal(ses.getUserAgent(), "kept/1");
    assert.equal(ses.acceptLanguageHeader, "en-US");
    ses.setUserAgent("ü-agent tab\there");
    assert.equal(ses.getUserAgent(), "ü-agent tab\there");
  });
});

describe("Session user agent on the wire", () => {
  it("sends a non-ASCII UA and languages as UTF-8 bytes, as Chromium sends the std::string", async () => {
    const lines: Buffer[] = [];
    const server = createServer((socket) => {
      let head = Buffer.alloc(0);
      socket.on("data", (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        if (head.indexOf("\r\n\r\n") < 0) return;
        lines.push(
          ...splitLines(head).filter((line) =>
            /^(user-agent|accept-language):/i.test(line.toString("latin1"))
          ),
        );
        socket.end("HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const ses = memorySession("ua-bytes");
      ses.setUserAgent("Café/1.0 日本", "fr-CH,ü");
      assert.equal(ses.getUserAgent(), "Café/1.0 日本");
      const { port } = server.address() as AddressInfo;
      await (await ses.fetch(`http://127.0.0.1:${port}/`)).arrayBuffer();
      assert.deepEqual(lines.map((line) => line.toString("hex")), [
        Buffer.from("User-Agent: Café/1.0 日本", "utf8").toString("hex"),
        Buffer.from("Accept-Language: fr-CH,ü;q=0.9", "utf8").toString("hex"),
      ]);
    } finally {
      server.close();
    }
  });
});

function splitLines(head: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  for (let start = 0, end; (end = head.indexOf("\r\n", start)) > start; start = end + 2) {
    lines.push(head.subarray(start, end));
  }
  return lines;
}

describe("Session events", () => {
  it("passes (event, ...args) to listeners and reports preventDefault", () => {
    const ses = memorySession("events");
    const calls: unknown[][] = [];
    ses.on("preconnect", (event, url, allowCredentials) => {
      calls.push([event instanceof ElectronEvent, url, allowCredentials]);
      event.preventDefault();
    });
    const event = ses.dispatch("preconnect", "https://a.test/", true);
    assert.deepEqual(calls, [[true, "https://a.test/", true]]);
    assert.equal(event.defaultPrevented, true);
  });

  it("once/off/removeAllListeners", () => {
    const ses = memorySession("events2");
    let count = 0;
    const listener = () => count++;
    ses.once("preconnect", listener);
    ses.dispatch("preconnect", "https://a.test/", false);
    ses.dispatch("preconnect", "https://a.test/", false);
    assert.equal(count, 1);
    ses.on("preconnect", listener);
    ses.off("preconnect", listener);
    ses.dispatch("preconnect", "https://a.test/", false);
    assert.equal(count, 1);
    ses.on("preconnect", listener).on("preconnect", listener);
    assert.equal(ses.listenerCount("preconnect"), 2);
    ses.removeAllListeners();
    assert.equal(ses.listenerCount("preconnect"), 0);
  });
});
