import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import fc from "fast-check";
import type { NetErrorCode } from "../core/net_errors.ts";
import { SessionError } from "../core/session_error.ts";
import {
  findResponseHeadEnd,
  parseResponseHead,
  type ResponseHead,
  statusLineStart,
} from "./_http1_response_head.ts";

function parse(head: string): ResponseHead {
  const bytes = Buffer.from(head, "latin1");
  // As the client looks: from the status line's start, past any stray bytes before it.
  const end = findResponseHeadEnd(
    bytes,
    Math.max(0, statusLineStart(bytes, bytes.length)),
    bytes.length,
  );
  assert.notEqual(end, -1, "the head should be complete");
  return parseResponseHead(bytes, end);
}

function refused(head: string, code: NetErrorCode): void {
  assert.throws(
    () => parse(head),
    (error) => SessionError.is(error) && error.code === code,
    JSON.stringify(head),
  );
}

describe("findResponseHeadEnd", () => {
  it("finds the empty line with any mix of CRLF and LF, resuming 3 bytes back", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("\r\n", "\n"), { minLength: 4, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        ([a, b, c, d], seeds) => {
          const head = `HTTP/1.1 200 OK${a}X: 1${b}Y: 2${c}${d}`;
          const bytes = Buffer.from(`${head}body\n\n`);
          // Grow the visible length piece by piece, as reads arrive.
          const stops = [...new Set(seeds.map((seed) => seed % bytes.length))].sort((x, y) =>
            x - y
          );
          let previous = 0;
          let found = -1;
          for (const length of [...stops, bytes.length]) {
            found = findResponseHeadEnd(bytes, Math.max(0, previous - 3), length);
            if (found !== -1) break;
            previous = length;
          }
          assert.equal(found, head.length);
        },
      ),
    );
  });

  it("reports an incomplete head as -1", () => {
    const bytes = Buffer.from("HTTP/1.1 200 OK\r\nX: 1\r\n\r");
    assert.equal(findResponseHeadEnd(bytes, 0, bytes.length), -1);
  });
});

describe("parseResponseHead", () => {
  it("reads status, reason, version and headers in order", () => {
    const head = parse("HTTP/1.1 404 Not  Found \r\nA: 1\r\nb:2\r\nA:  3 \r\n\r\n");
    assert.equal(head.status, 404);
    assert.equal(head.statusText, "Not  Found");
    assert.equal(head.httpVersion, "1.1");
    assert.deepEqual(head.headers, [["A", "1"], ["b", "2"], ["A", "3"]]);
    assert.equal(head.contentLength, -1);
    assert.equal(head.chunked, false);
    assert.equal(head.keepAlive, true);
  });

  it("treats later 1.x versions as 1.1", () => {
    assert.equal(parse("HTTP/1.2 200 OK\r\n\r\n").httpVersion, "1.1");
    assert.equal(parse("HTTP/1.0 200 OK\r\n\r\n").httpVersion, "1.0");
  });

  it("decides keep-alive like Chromium", () => {
    assert.equal(parse("HTTP/1.1 200 OK\r\n\r\n").keepAlive, true);
    assert.equal(parse("HTTP/1.1 200 OK\r\nConnection: Close\r\n\r\n").keepAlive, false);
    assert.equal(parse("HTTP/1.1 200 OK\r\nConnection: upgrade, close\r\n\r\n").keepAlive, false);
    assert.equal(parse("HTTP/1.1 200 OK\r\nProxy-Connection: close\r\n\r\n").keepAlive, false);
    assert.equal(parse("HTTP/1.0 200 OK\r\n\r\n").keepAlive, false);
    assert.equal(parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n\r\n").keepAlive, true);
  });

  it("reads chunked only from HTTP/1.1 and anywhere in the Transfer-Encoding list", () => {
    assert.equal(
      parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n").chunked,
      true,
    );
    assert.equal(parse("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n").chunked, false);
  });

  it("takes Content-Length as a plain decimal, else as absent", () => {
    assert.equal(parse("HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n").contentLength, 42);
    assert.equal(parse("HTTP/1.1 200 OK\r\nContent-Length: 4 2\r\n\r\n").contentLength, -1);
    assert.equal(parse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n").contentLength, -1);
    assert.equal(parse("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n").contentLength, -1);
  });

  it("refuses responses that could smuggle a second message", () => {
    refused(
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      "ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH",
    );
    refused(
      "HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n",
      "ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH",
    );
    refused(
      "HTTP/1.1 200 OK\r\nContent-Disposition: a\r\nContent-Disposition: b\r\n\r\n",
      "ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_DISPOSITION",
    );
    // Chunked framing makes Content-Length irrelevant, so Chromium lets it pass.
    const chunked = parse(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
    );
    assert.equal(chunked.chunked, true);
  });

  it("refuses malformed status lines", () => {
    for (
      const line of [
        "HTTP/1.1  OK",
        "HTTP/1.1 20",
        "HTTP/1.1 2000",
        "HTTP/1.1 000",
        "HTTP/1.1200 OK",
        "12345HTTP/1.1 200 OK",
        "HTTP/3 200",
        "ICY 200 OK",
        "",
      ]
    ) {
      refused(`${line}\r\nX: 1\r\n\r\n`, "ERR_INVALID_HTTP_RESPONSE");
    }
  });

  it("finds the status line after up to four stray bytes, its HTTP in any case", () => {
    // Chromium's HttpUtil::LocateStartOfStatusLine: "http" case-insensitively at one of the
    // first five offsets (a CRLF a server left after its last response), the rest dropped.
    for (const slop of ["", "\r\n", "\n\n", "\r\n\r\n", "xx"]) {
      for (const http of ["HTTP", "http", "Http"]) {
        const head = parse(`${slop}${http}/1.1 201 Made\r\nX: 1\r\n\r\n`);
        assert.deepEqual([head.status, head.statusText, head.headers], [201, "Made", [["X", "1"]]]);
      }
    }
  });

  it("skips lines a Headers object could not hold and joins folded lines", () => {
    const text = "HTTP/1.1 200 OK\r\nGood : one\r\nBad Name: x\r\nno colon\r\n: empty\r\n" +
      "Nul: a\0b\r\nCr: a\rb\r\nFolded: a\r\n  b  \r\nLast:\t z \t\r\n\r\n";
    const expected = [["Good", "one"], ["Folded", "a b"], ["Last", "z"]];
    assert.deepEqual(parse(text).headers, expected);
    // A plain Uint8Array (not a Buffer) goes through the same parser.
    const bytes = new Uint8Array(Buffer.from(`${text}body`, "latin1"));
    const end = findResponseHeadEnd(bytes, 0, bytes.length);
    assert.deepEqual(parseResponseHead(bytes, end).headers, expected);
  });

  it("parses any well-formed head back to its parts", () => {
    const token = fc.string({
      unit: fc.constantFrom(..."abcXYZ019-_!#~".split("")),
      minLength: 1,
      maxLength: 10,
    });
    const value = fc.string({ unit: fc.constantFrom(...'ab z:;,"\t\xff'.split("")), maxLength: 12 })
      .map((text) => text.trim());
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 999 }),
        fc.constantFrom("", "OK", "A reason: with colon"),
        fc.array(fc.tuple(token, value), { maxLength: 8 }),
        fc.constantFrom("\r\n", "\n"),
        (status, reason, headers, eol) => {
          const safe = headers.filter(([name]) =>
            !["content-length", "location", "content-disposition"].includes(name.toLowerCase())
          );
          let text = `HTTP/1.1 ${status}${reason === "" ? "" : ` ${reason}`}${eol}`;
          for (const [name, field] of safe) text += `${name}:${field}${eol}`;
          const head = parse(`${text}${eol}`);
          assert.equal(head.status, status);
          assert.equal(head.statusText, reason);
          assert.deepEqual(head.headers, safe);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("parseResponseHead: URL-bearing headers carrying UTF-8", () => {
  function headWith(lines: Array<[string, number[]]>): ResponseHead {
    const parts = [Buffer.from("HTTP/1.1 302 Found\r\n", "latin1")];
    for (const [name, value] of lines) {
      parts.push(Buffer.from(`${name}: `, "latin1"), Buffer.from(value), Buffer.from("\r\n"));
    }
    parts.push(Buffer.from("\r\n"));
    const bytes = Buffer.concat(parts);
    return parseResponseHead(bytes, findResponseHeadEnd(bytes, 0, bytes.length));
  }
  const ascii = (text: string) => [...Buffer.from(text, "latin1")];

  it("reads Location: /caf + C3 A9 as UTF-8, kept percent-encoded", () => {
    const head = headWith([["Location", [...ascii("/caf"), 0xc3, 0xa9]]]);
    assert.deepEqual(head.headers, [["Location", "/caf%C3%A9"]]);
    assert.equal(new URL(head.headers[0]![1], "http://a.test/").pathname, "/caf%C3%A9");
  });

  it("does the same for Content-Location, Refresh and Link, whatever the name's case", () => {
    const e9 = [0xc3, 0xa9];
    const head = headWith([
      ["content-LOCATION", [...ascii("/caf"), ...e9]],
      ["Refresh", [...ascii("0; url=/caf"), ...e9]],
      ["LINK", [...ascii("</caf"), ...e9, ...ascii(">; rel=preload")]],
    ]);
    assert.deepEqual(head.headers, [
      ["content-LOCATION", "/caf%C3%A9"],
      ["Refresh", "0; url=/caf%C3%A9"],
      ["LINK", "</caf%C3%A9>; rel=preload"],
    ]);
  });

  it("keeps invalid UTF-8 as Latin-1: a lone byte, overlong forms, surrogates, a cut sequence", () => {
    for (
      const bytes of [[0xe9], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [
        0xe2,
        0x82,
      ]]
    ) {
      const head = headWith([["Location", [...ascii("/x"), ...bytes]]]);
      assert.deepEqual(head.headers, [["Location", `/x${Buffer.from(bytes).toString("latin1")}`]]);
    }
  });

  it("keeps other headers Latin-1 even when they hold UTF-8", () => {
    const head = headWith([["X-Name", [...ascii("caf"), 0xc3, 0xa9]], ["Location", ascii("/a")]]);
    assert.deepEqual(head.headers, [["X-Name", "caf\u00c3\u00a9"], ["Location", "/a"]]);
  });

  it("resolves to the URL of the UTF-8 reading, for any text", () => {
    const base = "http://a.test/dir/";
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 20 }), (raw) => {
        // What a header line can carry: no control characters, no surrounding blanks.
        const text = raw.replace(/\p{Cc}/gu, "").trim();
        const head = headWith([["Location", [...Buffer.from(text, "utf8")]]]);
        const value = head.headers[0]![1];
        assert.doesNotMatch(value, /[\u0080-\uffff]/);
        let expected: string | undefined;
        try {
          expected = new URL(text, base).href;
        } catch {
          expected = undefined;
        }
        let actual: string | undefined;
        try {
          actual = new URL(value, base).href;
        } catch {
          actual = undefined;
        }
        assert.equal(actual, expected, JSON.stringify(text));
      }),
      { numRuns: 500 },
    );
  });
});
