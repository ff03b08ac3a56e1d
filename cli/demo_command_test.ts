import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { currentRuntime } from "../runtime/mod.ts";
import { App, createSessionModule } from "../session/mod.ts";
import { runDemo } from "./demo_command.ts";

describe("ses demo", () => {
  it("walks through every step against its local origin", async () => {
    const runtime = currentRuntime();
    const lines: string[] = [];
    await runDemo(createSessionModule(new App(runtime), runtime), (line) => lines.push(line));
    const text = lines.join("\n");
    assert.match(text, /1\. GET \/ → 200; the origin saw .*"userAgent":"ses-demo\/1\.0"/);
    assert.match(text, /"acceptLanguage":"en-US,fr;q=0\.9,de;q=0\.8"/);
    assert.match(text, /2\. GET \/old followed 301 → 302 → \/ \(redirected: true\)/);
    assert.match(text, /3\. GET \/gzip: content-encoding gzip, 1480 characters decoded/);
    assert.match(text, /4\. .*'preconnect' event for http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(text, /7\. offline: rejected with net::ERR_INTERNET_DISCONNECTED \(errno -106\)/);
    assert.match(text, /8\. 20 more requests reused keep-alive sockets: 1 open/);
    assert.match(text, /9\. nothing listens on port 4: net::ERR_CONNECTION_REFUSED \(errno -102\)/);
    assert.match(
      text,
      /10\. GET \/login set a cookie \('changed': session_id inserted\): session_id=demo123 \(httpOnly true, sameSite lax\)/,
    );
    assert.match(
      text,
      /11\. GET \/whoami sent it back; the origin saw \{"cookie":"session_id=demo123"\}/,
    );
    assert.match(text, /12\. .*GET \/ads\/banner\.js → net::ERR_BLOCKED_BY_CLIENT/);
    assert.match(text, /13\. .*demo:\/\/app\/index\.html → "served \/index\.html"/);
    assert.match(text, /14\. will-download: "_report 2026\.csv" \(text\/csv\)/);
    assert.match(
      text,
      /15\. GET \/cached twice \(max-age=60\): "origin hit (\d+)", then "origin hit \1" from the HTTP cache \([1-9]\d* bytes cached\)/,
    );
    assert.match(
      text,
      /16\. setProxy: resolveProxy says "PROXY 127\.0\.0\.1:\d+"; through it the origin saw \{"via":"1\.1 ses-demo-proxy"\}/,
    );
    assert.match(text, /completed, 60000 bytes saved as "_report 2026\.csv"/);
    assert.match(
      text,
      /17\. spellCheck\("Teh quick brown fox jumpd"\): Teh \[0, 3\) → \w+, jumpd \[20, 25\) → \w+/,
    );
  });
});
