import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parsePacResult } from "./pac_result.ts";
import { formatPacString } from "./proxy_uri.ts";

describe("parsePacResult", () => {
  it("reads every keyword in any case", () => {
    assert.equal(
      formatPacString(
        parsePacResult("proxy a:1; Https b ;socks c;SOCKS4 d:2;socks5 [::1]; direct"),
      ),
      "PROXY a:1;HTTPS b:443;SOCKS c:1080;SOCKS d:2;SOCKS5 [::1]:1080;DIRECT",
    );
  });

  it("skips junk and falls back to DIRECT", () => {
    assert.equal(
      formatPacString(parsePacResult("PROXY;FOO a:1;PROXY a:99999;PROXY b")),
      "PROXY b:80",
    );
    assert.equal(formatPacString(parsePacResult("")), "DIRECT");
    assert.equal(formatPacString(parsePacResult("DIRECT x")), "DIRECT");
    assert.equal(formatPacString(parsePacResult("PROXY u:p@h:1")), "DIRECT");
  });

  it("never throws, never answers nothing, and its output reads back the same", () => {
    fc.assert(
      fc.property(fc.string(), (input) => {
        const proxies = parsePacResult(input);
        assert.ok(proxies.length > 0);
        assert.deepEqual(parsePacResult(formatPacString(proxies)), proxies);
      }),
      { numRuns: 2000 },
    );
  });
});
