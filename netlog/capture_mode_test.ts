import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { elideHeaderLine, paramsJson } from "./capture_mode.ts";

// Chromium's net/http/http_log_util_unittest.cc, ElideHeaderValueForNetLog, case by case.
describe("elideHeaderLine", () => {
  it("strips cookies and credentials whole in default mode, the auth scheme too", () => {
    const cases: [string, string][] = [
      ["Cookie: name=value", "Cookie: [10 bytes were stripped]"],
      ["cOoKiE: name=value", "cOoKiE: [10 bytes were stripped]"],
      ["Set-Cookie: name=value", "Set-Cookie: [10 bytes were stripped]"],
      ["Set-Cookie2: name=value", "Set-Cookie2: [10 bytes were stripped]"],
      ["Authorization: Basic 1234", "Authorization: [10 bytes were stripped]"],
      ["Proxy-Authorization: Basic 1234", "Proxy-Authorization: [10 bytes were stripped]"],
      ["Boring: value", "Boring: value"],
    ];
    for (const [line, elided] of cases) {
      assert.equal(elideHeaderLine(line, "default"), elided, line);
      assert.equal(elideHeaderLine(line, "includeSensitive"), line, line);
      assert.equal(elideHeaderLine(line, "everything"), line, line);
    }
  });

  it("strips the token of a multi-round challenge (NTLM, Negotiate) and keeps Basic and Digest ones", () => {
    const cases: [string, string][] = [
      ["WWW-Authenticate: Basic realm=test", "WWW-Authenticate: Basic realm=test"],
      ["WWW-Authenticate: Digest realm=test", "WWW-Authenticate: Digest realm=test"],
      ["Proxy-Authenticate: Basic realm=test", "Proxy-Authenticate: Basic realm=test"],
      ["Proxy-Authenticate: Digest realm=test", "Proxy-Authenticate: Digest realm=test"],
      ["WWW-Authenticate: NTLM 1234", "WWW-Authenticate: NTLM [4 bytes were stripped]"],
      ["Proxy-Authenticate: NTLM 1234", "Proxy-Authenticate: NTLM [4 bytes were stripped]"],
      ["WWW-Authenticate: NTLM  1234 ", "WWW-Authenticate: NTLM  [4 bytes were stripped] "],
      ["www-authenticate: Negotiate YII=", "www-authenticate: Negotiate [4 bytes were stripped]"],
      // A list of schemes (a comma) and a scheme alone have nothing to hide.
      ["WWW-Authenticate: Negotiate a, NTLM b", "WWW-Authenticate: Negotiate a, NTLM b"],
      ["WWW-Authenticate: NTLM", "WWW-Authenticate: NTLM"],
    ];
    for (const [line, elided] of cases) {
      assert.equal(elideHeaderLine(line, "default"), elided, line);
      assert.equal(elideHeaderLine(line, "includeSensitive"), line, line);
    }
  });
});

describe("paramsJson", () => {
  it("elides sensitive lines of a headers list in default mode only", () => {
    const params = {
      headers: ["HTTP/1.1 401 Unauthorized", "WWW-Authenticate: NTLM TlRMTVNTUAACAAAA"],
    };
    assert.deepEqual(JSON.parse(paramsJson(params, "default")), {
      headers: ["HTTP/1.1 401 Unauthorized", "WWW-Authenticate: NTLM [16 bytes were stripped]"],
    });
    assert.deepEqual(JSON.parse(paramsJson(params, "includeSensitive")), params);
  });

  it("keeps AUTH_HANDLER_CREATE_RESULT's challenge out of default mode, as Chromium", () => {
    const params = {
      allows_default_credentials: false,
      challenge: 'Basic realm="r"',
      origin: "http://a.test",
      scheme: "basic",
    };
    assert.deepEqual(JSON.parse(paramsJson(params, "default")), {
      allows_default_credentials: false,
      origin: "http://a.test",
      scheme: "basic",
    });
    assert.deepEqual(JSON.parse(paramsJson(params, "includeSensitive")), params);
    assert.deepEqual(JSON.parse(paramsJson(params, "everything")), params);
  });

  it("writes no bytes, rather than throwing, for a chunk whose buffer was transferred away", () => {
    // A body chunk handed to the reader may be transferred before a log that was still opening
    // writes it.
    const chunk = new Uint8Array([1, 2, 3]);
    structuredClone(chunk.buffer, { transfer: [chunk.buffer] });
    assert.deepEqual(JSON.parse(paramsJson({ byte_count: 3, bytes: chunk }, "everything")), {
      byte_count: 3,
      bytes: "",
    });
  });

  it("redacts a URL's credentials in default mode only, in url and location, as Chromium", () => {
    const params = {
      url: "http://al%40ce:p%3Ass@a.test:8080/x?y=1#z",
      location: "https://u@b.test/next",
      priority: "auto",
    };
    // chromium --log-net-log writes REQUEST_ALIVE's url of `http://u@host/z` and of
    // `http://u:p@host/x` as `http://host/z (credentials redacted)`.
    assert.deepEqual(JSON.parse(paramsJson(params, "default")), {
      url: "http://a.test:8080/x?y=1#z (credentials redacted)",
      location: "https://b.test/next (credentials redacted)",
      priority: "auto",
    });
    for (const mode of ["includeSensitive", "everything"] as const) {
      assert.deepEqual(JSON.parse(paramsJson(params, mode)), params);
    }
    assert.deepEqual(JSON.parse(paramsJson({ url: "not a url://u@b" }, "default")), {
      url: "not a url://b (credentials redacted)",
    });
  });

  it("leaves URLs without credentials alone: an @ in the path, query or fragment", () => {
    for (
      const url of [
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
