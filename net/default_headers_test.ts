import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  acceptEncodingFor,
  appendMissingHeaders,
  defaultHeaderSource,
  defaultsForHop,
} from "./default_headers.ts";

describe("defaultHeaderSource", () => {
  it("lists the identity and encoding headers, and no empty Accept-Language", () => {
    let languages = "en-US,fr;q=0.9";
    const defaults = defaultHeaderSource({
      userAgent: () => "agent/1",
      acceptLanguage: () => languages,
    });
    assert.deepEqual(defaults("https://a.test/"), [
      ["user-agent", "agent/1"],
      ["accept-language", "en-US,fr;q=0.9"],
      ["accept-encoding", "gzip, deflate, br, zstd"],
      ["accept", "*/*"],
    ]);
    assert.deepEqual(defaults("http://a.test/")[2], ["accept-encoding", "gzip, deflate"]);
    languages = "";
    assert.deepEqual(defaults("http://a.test/").map(([name]) => name), [
      "user-agent",
      "accept-encoding",
      "accept",
    ]);
  });

  it("reads the identity on every call and rebuilds only when it changed", () => {
    let agent = "agent/1";
    const defaults = defaultHeaderSource({ userAgent: () => agent, acceptLanguage: () => "de" });
    const url = "http://127.0.0.1:8080/";
    const first = defaults(url);
    assert.equal(defaults(url), first, "an unchanged identity gives the same list");
    agent = "agent/2";
    assert.notEqual(defaults(url), first);
    assert.deepEqual(defaults(url)[0], ["user-agent", "agent/2"]);
    assert.ok(Object.isFrozen(defaults(url)));
  });
});

describe("acceptEncodingFor (Chromium's SetAcceptEncodingIfMissing)", () => {
  it("offers br and zstd over TLS and to localhost only", () => {
    const full = "gzip, deflate, br, zstd";
    for (
      const url of [
        "https://example.com/",
        "wss://example.com/",
        "http://localhost:3000/a",
        "http://localhost./",
        "http://app.localhost/",
        "http://127.0.0.1/",
        "http://127.8.9.10:81/x@y",
        "http://user:p@127.0.0.1:81/",
        "http://[::1]:8080/",
      ]
    ) assert.equal(acceptEncodingFor(url), full, url);
    for (
      const url of [
        "http://example.com/",
        "http://localhost.example/",
        "http://notlocalhost/",
        "http://127.0.0.1.example/",
        "http://127.0.0.1@example.com/",
        "http://[::2]/",
        "http://10.0.0.1/",
      ]
    ) assert.equal(acceptEncodingFor(url), "gzip, deflate", url);
  });

  it("chooses the encoding again for a redirect's next hop", () => {
    const defaults = defaultHeaderSource({ userAgent: () => "a/1", acceptLanguage: () => "de" });
    const entered = defaults("https://a.test/");
    const hop = defaultsForHop(entered, "http://b.test/");
    assert.deepEqual(hop, [
      ["user-agent", "a/1"],
      ["accept-language", "de"],
      ["accept-encoding", "gzip, deflate"],
      ["accept", "*/*"],
    ]);
    assert.equal(defaultsForHop(entered, "https://b.test/"), entered, "unchanged: the same list");
    const chosen = [["accept-encoding", "br"]] as const;
    assert.equal(defaultsForHop(chosen, "http://b.test/"), chosen, "not ours: left alone");
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
