import { describe, it } from "node:test";
import process from "node:process";
import assert from "node:assert/strict";
import { parseRequestFilter } from "./request_filter.ts";

describe("parseRequestFilter", () => {
  it("matches every request for <all_urls> or no pattern, even a URL that does not parse", () => {
    for (const urls of [["<all_urls>"], [], ["*://a.test/*", "<all_urls>"]]) {
      const filter = parseRequestFilter({ urls });
      for (const url of ["http://a.test/x", "file:///tmp/x", "custom:thing", "not a url"]) {
        assert.ok(filter.matches(url, "xhr"), `${urls} ${url}`);
        assert.ok(filter.matches(url, "download"), `${urls} ${url}`);
      }
    }
  });

  it("still asks types and excludeUrls next to <all_urls>", () => {
    const typed = parseRequestFilter({ urls: ["<all_urls>"], types: ["download"] });
    assert.ok(typed.matches("http://a.test/x", "download"));
    assert.ok(!typed.matches("http://a.test/x", "xhr"));
    const excluding = parseRequestFilter({ urls: ["<all_urls>"], excludeUrls: ["*://b.test/*"] });
    assert.ok(excluding.matches("http://a.test/x", "xhr"));
    assert.ok(!excluding.matches("http://b.test/x", "xhr"));
  });
});

describe("parseRequestFilter with an empty urls array", () => {
  it("warns of the deprecation as Electron does, and matches every URL", async () => {
    const warnings: Error[] = [];
    const listener = (warning: Error) => warnings.push(warning);
    process.on("warning", listener);
    try {
      const filter = parseRequestFilter({ urls: [] });
      assert.ok(filter.matches("https://a.test/x", "xhr"));
      // Process warnings arrive on a later tick.
      for (let i = 0; i < 50 && warnings.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      process.off("warning", listener);
    }
    assert.deepEqual(warnings.map(({ name, message }) => [name, message]), [[
      "DeprecationWarning",
      "The urls array in WebRequestFilter is empty, which is deprecated. Please use '<all_urls>' to match all URLs.",
    ]]);
  });
});

describe("parseRequestFilter reading a filter as Electron's SetListener does", () => {
  it("refuses urls holding anything but strings, as gin's std::set<std::string> conversion", () => {
    for (const urls of [[5], [null], ["<all_urls>", {}], new Array(1)]) {
      assert.throws(() => parseRequestFilter({ urls }), {
        name: "TypeError",
        message: "Parameter 'filter' must have property 'urls'.",
      }, String(urls));
    }
  });

  it("ignores an excludeUrls or types that is not an array of strings (dict.Get fails quietly)", () => {
    for (const odd of ["*://a.test/*", 5, null, { length: 1, 0: "*://a.test/*" }, [7]]) {
      const filter = parseRequestFilter({ urls: ["<all_urls>"], excludeUrls: odd, types: odd });
      assert.ok(filter.matches("http://a.test/x", "xhr"), String(odd));
      assert.ok(filter.matches("http://a.test/x", "download"), String(odd));
    }
  });

  it("refuses the type other, which Electron's ParseResourceType cannot tell from a bad one", () => {
    assert.throws(() => parseRequestFilter({ urls: ["<all_urls>"], types: ["other"] }), {
      name: "TypeError",
      message: "Invalid type other",
    });
  });
});
