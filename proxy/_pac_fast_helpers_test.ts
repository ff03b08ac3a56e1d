import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compileGlob, FAST_HELPERS, globMatches } from "./_pac_fast_helpers.ts";

// The expression the QuickJS helper builds (proxy/_pac_helpers.ts, shExpMatch).
function helperRegExp(pattern: string): RegExp {
  const source = pattern.replace(/\./g, "\\.").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp("^" + source + "$");
}

describe("globMatches", () => {
  it("matches as the helper's regular expression does, or declines", () => {
    const patternUnit = fc.constantFrom("a", "b", ".", "*", "?", "/", "-", "\u00e9", "\ud83d");
    const textUnit = fc.constantFrom("a", "b", ".", "/", "-", "\u00e9", "\ud83d", "\n", "\u2028");
    fc.assert(
      fc.property(
        fc.array(patternUnit, { maxLength: 8 }).map((units) => units.join("")),
        fc.array(textUnit, { maxLength: 12 }).map((units) => units.join("")),
        (pattern, text) => {
          const answer = globMatches(text, compileGlob(pattern)!);
          if (/[\n\r\u2028\u2029]/.test(text)) assert.equal(answer, undefined);
          else assert.equal(answer, helperRegExp(pattern).test(text), `${pattern} / ${text}`);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("declines patterns holding other regular-expression syntax", () => {
    for (const pattern of ["a+", "^a", "a$", "(a)", "[a]", "a{2}", "a|b", "\\d", "}", "]"]) {
      assert.equal(compileGlob(pattern), undefined, pattern);
      assert.equal(FAST_HELPERS.shExpMatch!.run("a", pattern), undefined, pattern);
    }
    assert.equal(FAST_HELPERS.shExpMatch!.run("http://x/static/a.js", "http://*/static/*"), true);
    assert.equal(FAST_HELPERS.shExpMatch!.run("a\nb", "a*b"), undefined);
  });

  it("takes time linear in the text for a fixed pattern", () => {
    // A backtracking matcher takes exponential time on this pair; the piece-wise one does not.
    const text = "a".repeat(60_000);
    assert.equal(globMatches(text, compileGlob("*a*a*a*a*a*a*a*a*b")!), false);
  });
});

describe("FAST_HELPERS", () => {
  it("compute what the QuickJS helpers compute", () => {
    const { isPlainHostName, dnsDomainIs, localHostOrDomainIs, dnsDomainLevels } = FAST_HELPERS;
    assert.equal(isPlainHostName!.run("www", ""), true);
    assert.equal(isPlainHostName!.run("www.example", ""), false);
    assert.equal(isPlainHostName!.run("::1", ""), false);
    assert.equal(isPlainHostName!.run("0x1", ""), false);
    assert.equal(isPlainHostName!.run("[::1]", ""), true);
    assert.equal(isPlainHostName!.run("08", ""), true);
    assert.equal(dnsDomainIs!.run("www.example.com", ".example.com"), true);
    assert.equal(dnsDomainIs!.run("www", ".example.com"), false);
    assert.equal(dnsDomainIs!.run("www", ""), true);
    assert.equal(localHostOrDomainIs!.run("www", "www.example.com"), true);
    assert.equal(localHostOrDomainIs!.run("www.example.com", "www.example.com"), true);
    assert.equal(localHostOrDomainIs!.run("www.mcom.com", "home.mcom.com"), false);
    assert.equal(dnsDomainLevels!.run("a.b.example", ""), 2);
    assert.equal(dnsDomainLevels!.run("", ""), 0);
    assert.equal(dnsDomainLevels!.run("..", ""), 2);
  });
});
