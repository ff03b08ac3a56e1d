import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { applyDefaultHeaders } from "./default_headers.ts";

function apply(languages: string, init?: HeadersInit): Headers {
  const headers = new Headers(init);
  applyDefaultHeaders(headers, { userAgent: () => "agent/1", acceptLanguage: () => languages });
  return headers;
}

describe("applyDefaultHeaders", () => {
  it("adds the identity and encoding headers", () => {
    const headers = apply("en-US,fr;q=0.9");
    assert.equal(headers.get("user-agent"), "agent/1");
    assert.equal(headers.get("accept-language"), "en-US,fr;q=0.9");
    assert.equal(headers.get("accept-encoding"), "gzip, deflate, br");
    assert.equal(headers.get("accept"), "*/*");
  });

  it("keeps what the caller set and sends no empty Accept-Language", () => {
    const headers = apply("", { "user-agent": "mine", accept: "text/html" });
    assert.equal(headers.get("user-agent"), "mine");
    assert.equal(headers.get("accept"), "text/html");
    assert.equal(headers.has("accept-language"), false);
  });
});
