import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { appendMissingHeaders, defaultHeaderSource } from "./default_headers.ts";

describe("defaultHeaderSource", () => {
  it("lists the identity and encoding headers, and no empty Accept-Language", () => {
    let languages = "en-US,fr;q=0.9";
    const defaults = defaultHeaderSource({
      userAgent: () => "agent/1",
      acceptLanguage: () => languages,
    });
    assert.deepEqual(defaults(), [
      ["user-agent", "agent/1"],
      ["accept-language", "en-US,fr;q=0.9"],
      ["accept-encoding", "gzip, deflate, br"],
      ["accept", "*/*"],
    ]);
    languages = "";
    assert.deepEqual(defaults().map(([name]) => name), ["user-agent", "accept-encoding", "accept"]);
  });

  it("reads the identity on every call and rebuilds only when it changed", () => {
    let agent = "agent/1";
    const defaults = defaultHeaderSource({ userAgent: () => agent, acceptLanguage: () => "de" });
    const first = defaults();
    assert.equal(defaults(), first, "an unchanged identity gives the same list");
    agent = "agent/2";
    assert.notEqual(defaults(), first);
    assert.deepEqual(defaults()[0], ["user-agent", "agent/2"]);
    assert.ok(Object.isFrozen(defaults()));
  });
});

describe("appendMissingHeaders", () => {
  it("keeps what the caller set and appends the rest in order", () => {
    const list: Array<[string, string]> = [["host", "a.test"], ["user-agent", "mine"], [
      "accept",
      "text/html",
    ]];
    appendMissingHeaders(list, [
      ["user-agent", "agent/1"],
      ["accept-language", "de"],
      ["accept-encoding", "gzip"],
      ["accept", "*/*"],
    ]);
    assert.deepEqual(list, [
      ["host", "a.test"],
      ["user-agent", "mine"],
      ["accept", "text/html"],
      ["accept-language", "de"],
      ["accept-encoding", "gzip"],
    ]);
  });

  it("asks for no coding of a range, unless the caller named one (Chromium's SetAcceptEncodingIfMissing)", () => {
    const defaults: Array<[string, string]> = [["accept-encoding", "gzip, deflate, br"]];
    const ranged: Array<[string, string]> = [["host", "a.test"], ["range", "bytes=5-"]];
    appendMissingHeaders(ranged, defaults);
    assert.deepEqual(ranged.at(-1), ["accept-encoding", "identity"]);
    const chosen: Array<[string, string]> = [["range", "bytes=5-"], ["accept-encoding", "br"]];
    appendMissingHeaders(chosen, defaults);
    assert.deepEqual(chosen, [["range", "bytes=5-"], ["accept-encoding", "br"]]);
    const whole: Array<[string, string]> = [["host", "a.test"]];
    appendMissingHeaders(whole, defaults);
    assert.deepEqual(whole.at(-1), ["accept-encoding", "gzip, deflate, br"]);
  });
});
