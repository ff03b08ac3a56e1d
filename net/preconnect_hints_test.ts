import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compose, requestContext } from "../core/middleware.ts";
import { parsePreconnectLinks, type PreconnectHint, preconnectHints } from "./preconnect_hints.ts";

const base = "https://a.test/page";

describe("parsePreconnectLinks", () => {
  it("reads rel=preconnect links with Chromium's credentials rule", () => {
    assert.deepEqual(
      parsePreconnectLinks(
        '<https://cdn.test>; rel=preconnect, <//fonts.test>; rel="preconnect dns-prefetch"; ' +
          "crossorigin, </api>; rel=preconnect; crossorigin=use-credentials",
        base,
      ),
      [
        { url: "https://cdn.test/", allowCredentials: true },
        { url: "https://fonts.test/", allowCredentials: false },
        { url: "https://a.test/", allowCredentials: true },
      ],
    );
  });

  it("skips other relations, other schemes and malformed links", () => {
    assert.deepEqual(
      parsePreconnectLinks(
        "</style.css>; rel=preload; as=style, <mailto:x@y.test>; rel=preconnect, <http://[::1>; " +
          'rel=preconnect, <https://ok.test>; REL="PreConnect"; title="a, b"',
        base,
      ),
      [{ url: "https://ok.test/", allowCredentials: true }],
    );
    assert.deepEqual(parsePreconnectLinks("garbage, <unterminated", base), []);
  });

  it("uses the first rel parameter only", () => {
    assert.deepEqual(
      parsePreconnectLinks("<https://x.test>; rel=preload; rel=preconnect", base),
      [],
    );
  });

  it("gives each hint as its origin's URL, as Chromium's url::SchemeHostPort", () => {
    assert.deepEqual(
      parsePreconnectLinks(
        "<https://user:secret@cdn.test:443/fonts/a.woff2?v=1#x>; rel=preconnect, " +
          "<http://[::1]:8080/p>; rel=preconnect",
        base,
      ),
      [
        { url: "https://cdn.test/", allowCredentials: true },
        { url: "http://[::1]:8080/", allowCredentials: true },
      ],
    );
  });

  it("never throws and only returns http(s) origins", () => {
    fc.assert(fc.property(fc.string(), (value) => {
      for (const hint of parsePreconnectLinks(value, base)) {
        const url = new URL(hint.url);
        assert.match(url.protocol, /^https?:$/);
        assert.equal(hint.url, `${url.protocol}//${url.host}/`);
      }
    }));
  });

  it("finds every well-formed link in a generated header", () => {
    const host = fc.stringMatching(/^[a-z]{1,10}\.test$/);
    const link = fc.record({ host, anonymous: fc.boolean(), quoted: fc.boolean() });
    fc.assert(fc.property(fc.array(link, { maxLength: 6 }), (links) => {
      const header = links.map(({ host, anonymous, quoted }) =>
        `<https://${host}/>; rel=${quoted ? '"preconnect"' : "preconnect"}${
          anonymous ? "; crossorigin" : ""
        }`
      ).join(", ");
      assert.deepEqual(
        parsePreconnectLinks(header, base),
        links.map(({ host, anonymous }) => ({
          url: `https://${host}/`,
          allowCredentials: !anonymous,
        })),
      );
    }));
  });
});

describe("preconnectHints", () => {
  it("reports the hints of each response", async () => {
    const hints: PreconnectHint[] = [];
    const run = compose(
      [preconnectHints((hint) => hints.push(hint))],
      () => Promise.resolve(new Response("", { headers: { link: "</x>; rel=preconnect" } })),
    );
    const context = requestContext();
    await run(new Request("http://a.test/"), context);
    assert.deepEqual(hints, [{ url: "http://a.test/", allowCredentials: true }]);
  });
});
