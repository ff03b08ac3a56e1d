import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseUrlPattern, type UrlPatternOptions } from "./url_pattern.ts";

// UserScript::ValidUserScriptSchemes, as content scripts read their patterns.
const validSchemes = new Set(["http", "https", "file", "ftp", "uuid-in-package"]);

function reason(
  pattern: string,
  options: UrlPatternOptions = { validSchemes },
): string | undefined {
  try {
    parseUrlPattern(pattern, options);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof SyntaxError);
    return error.message;
  }
}

describe("parseUrlPattern with valid schemes", () => {
  it("refuses a scheme outside the set as Chromium's SetScheme does, before the separator", () => {
    const cases: Array<[string, string | undefined]> = [
      ["data:*", "Invalid scheme."],
      ["chrome-extension://x/*", "Invalid scheme."],
      ["ws://a.test/*", "Invalid scheme."],
      ["app:x", "Invalid scheme."],
      // Compared as written: URLPattern::IsValidScheme does not fold case.
      ["HTTP://a.test/*", "Invalid scheme."],
      ["http:a.test/*", "Wrong scheme type."],
      ["uuid-in-package://x/*", "Wrong scheme type."],
      ["a.test/*", "Missing scheme separator."],
      ["*://a.test", "Empty path."],
      ["*://*/*", undefined],
      ["uuid-in-package:*", undefined],
      ["uuid-in-package:", "Host can not be empty."],
      ["ftp://h.test:21/*", undefined],
      ["file:///tmp/*", undefined],
      ["<all_urls>", undefined],
    ];
    for (const [pattern, expected] of cases) assert.equal(reason(pattern), expected, pattern);
  });

  it("reads every scheme, in any case, without the set", () => {
    assert.equal(reason("data:*", {}), undefined);
    assert.equal(reason("app://bundle/*", {}), undefined);
    assert.equal(parseUrlPattern("HTTP://a.test/*")(new URL("http://a.test/x")), true);
  });

  it("matches as the pattern says with the set too", () => {
    const matches = parseUrlPattern("*://*.a.test/x*", { validSchemes });
    assert.equal(matches(new URL("https://b.a.test/xy")), true);
    assert.equal(matches(new URL("ftp://b.a.test/xy")), false);
  });
});
