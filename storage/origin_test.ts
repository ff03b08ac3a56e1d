import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { originOf, requireOrigin } from "./origin.ts";

describe("originOf", () => {
  it("serialises tuple origins as Chromium's url::Origin does", () => {
    const cases: [string, string | undefined][] = [
      ["https://A.test:443/x?q#f", "https://a.test"],
      ["http://a.test:8080", "http://a.test:8080"],
      ["http://[::1]:80/", "http://[::1]"],
      // file: URLs have the tuple origin file:// (with their host, if any), as Electron's
      // pages at file:// keep their localStorage under it; WHATWG URL calls it opaque.
      ["file:///tmp/x", "file://"],
      ["file://", "file://"],
      ["file://server/share/x", "file://server"],
      // Chromium and Electron register chrome-extension: as a standard scheme: an extension's
      // pages have a tuple origin (its ID as host), which WHATWG URL calls opaque.
      [
        "chrome-extension://ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP/popup.html",
        "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
      ],
      ["chrome-extension:///x", undefined],
      ["data:,x", undefined],
      ["about:blank", undefined],
      ["javascript:alert(1)", undefined],
      ["garbage", undefined],
      ["", undefined],
    ];
    for (const [spec, origin] of cases) assert.equal(originOf(spec), origin, spec);
  });

  it("requireOrigin throws Electron's message for an opaque origin", () => {
    assert.equal(requireOrigin("file:///home/me/app/index.html"), "file://");
    assert.throws(() => requireOrigin("data:,x"), {
      name: "TypeError",
      message: "Invalid origin: 'data:,x'",
    });
  });
});
