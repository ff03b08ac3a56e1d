import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { callerSpellings, requestHeaderName, spellingIn } from "./header_spelling.ts";

describe("requestHeaderName", () => {
  it("spells the headers Chromium adds as net::HttpRequestHeaders holds them", () => {
    const spelled = [
      "user-agent",
      "accept",
      "accept-encoding",
      "accept-language",
      "cookie",
      "origin",
      "referer",
      "content-type",
      "authorization",
      "if-none-match",
      "proxy-authorization",
      "sec-fetch-site",
      "upgrade-insecure-requests",
    ].map(requestHeaderName);
    assert.deepEqual(spelled, [
      "User-Agent",
      "Accept",
      "Accept-Encoding",
      "Accept-Language",
      "Cookie",
      "Origin",
      "Referer",
      "Content-Type",
      "Authorization",
      "If-None-Match",
      "Proxy-Authorization",
      "Sec-Fetch-Site",
      "Upgrade-Insecure-Requests",
    ]);
  });

  it("keeps Chromium's own spellings: DNT, Sec-WebSocket-*, lower-case client hints", () => {
    assert.equal(requestHeaderName("dnt"), "DNT");
    assert.equal(requestHeaderName("sec-websocket-key"), "Sec-WebSocket-Key");
    assert.equal(requestHeaderName("sec-websocket-extensions"), "Sec-WebSocket-Extensions");
    assert.equal(requestHeaderName("sec-ch-ua"), "sec-ch-ua");
    assert.equal(requestHeaderName("sec-ch-ua-platform"), "sec-ch-ua-platform");
  });

  it("capitalises each word of any other token, whatever case it came in", () => {
    assert.equal(requestHeaderName("x-custom"), "X-Custom");
    assert.equal(requestHeaderName("X-CUSTOM-THING"), "X-Custom-Thing");
    assert.equal(requestHeaderName("x--a-"), "X--A-");
    assert.equal(requestHeaderName("-a"), "-A");
    assert.equal(requestHeaderName("x_y.z~1!"), "X_y.z~1!");
    assert.equal(requestHeaderName("__proto__"), "__proto__");
    assert.equal(requestHeaderName("constructor"), "Constructor");
  });

  it("spells right past the memory's bound and for names too long to remember", () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 1500; i++) {
        assert.equal(requestHeaderName(`x-name-${i}`), `X-Name-${i}`);
      }
      const long = "x-" + "a".repeat(100) + "-b";
      assert.equal(requestHeaderName(long), "X-A" + "a".repeat(99) + "-B");
      assert.equal(requestHeaderName("user-agent"), "User-Agent");
    }
  });
});

describe("callerSpellings and spellingIn", () => {
  const spelled = (given: HeadersInit, names: string[]) =>
    names.map((name) => spellingIn(callerSpellings(given)!, name));

  it("keeps the first spelling of each name of a plain object or an array of pairs", () => {
    const record = { "x-Mine": "1", "X-MINE": "2", Accept: "a" };
    assert.deepEqual(spelled(record, ["x-mine", "accept", "x-min", "user-agent"]), [
      "x-Mine",
      "Accept",
      undefined,
      undefined,
    ]);
    const pairs: [string, string][] = [["x-A", "1"], ["X-a", "2"], ["Dnt", "1"]];
    assert.deepEqual(spelled(pairs, ["x-a", "dnt"]), ["x-A", "Dnt"]);
    // Entries that are not pairs of strings are skipped, never thrown on.
    const odd = [["x-b", "1"], "xy", [1, "2"], ["X-C", "3"]] as unknown as HeadersInit;
    assert.deepEqual(spelled(odd, ["x-b", "x-c", "1"]), ["x-b", "X-C", undefined]);
    assert.deepEqual(spelled(JSON.parse('{"__proto__": "p"}'), ["__proto__"]), ["__proto__"]);
  });

  it("keeps none for a Headers, another iterable or no headers", () => {
    assert.equal(callerSpellings(new Headers({ "X-A": "1" })), undefined);
    let read = 0;
    const iterable = {
      *[Symbol.iterator]() {
        read++;
        yield ["X-A", "1"] as [string, string];
      },
    } as unknown as HeadersInit;
    assert.equal(callerSpellings(iterable), undefined);
    assert.equal(read, 0);
    assert.equal(callerSpellings(undefined), undefined);
    assert.equal(spellingIn(callerSpellings({})!, "x-a"), undefined);
  });
});
