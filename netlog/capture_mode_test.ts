import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { paramsJson } from "./capture_mode.ts";

describe("paramsJson", () => {
  it("keeps a URL's password out of default mode only, in url and location", () => {
    const params = {
      url: "http://al%40ce:p%3Ass@a.test:8080/x?y=1#z",
      location: "https://u:secret@b.test/next",
      priority: "auto",
    };
    assert.deepEqual(JSON.parse(paramsJson(params, "default")), {
      url: "http://al%40ce@a.test:8080/x?y=1#z",
      location: "https://u@b.test/next",
      priority: "auto",
    });
    for (const mode of ["includeSensitive", "everything"] as const) {
      assert.deepEqual(JSON.parse(paramsJson(params, mode)), params);
    }
  });

  it("leaves URLs without a password alone: a user alone, an @ in the path or query", () => {
    for (
      const url of [
        "http://user@a.test/",
        "http://a.test/x@y:z",
        "http://a.test/?mail=a:b@c.test",
        "http://a.test#x:y@z",
        "not a url: a@b",
      ]
    ) {
      assert.equal(paramsJson({ url }, "default"), JSON.stringify({ url }), url);
    }
  });
});
