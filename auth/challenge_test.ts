import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { type AuthChallenge, parseChallenges } from "./challenge.ts";

function plain(challenges: AuthChallenge[]) {
  return challenges.map(({ scheme, token68, params }) => ({
    scheme,
    ...(token68 === undefined ? {} : { token68 }),
    params: Object.fromEntries(params),
  }));
}

describe("parseChallenges", () => {
  it("reads RFC 7235 §4.1's example: two challenges on one line, a quoted-pair in a value", () => {
    const value = 'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"';
    assert.deepEqual(plain(parseChallenges([value])), [
      { scheme: "newauth", params: { realm: "apps", type: "1", title: 'Login to "apps"' } },
      { scheme: "basic", params: { realm: "simple" } },
    ]);
  });

  it("keeps the challenges of several lines in order", () => {
    const got = plain(parseChallenges([
      "Negotiate",
      "NTLM",
      'Digest realm="d", nonce="n", qop="auth,auth-int", algorithm=SHA-256',
      'Basic realm="b"',
    ]));
    assert.deepEqual(got.map((c) => c.scheme), ["negotiate", "ntlm", "digest", "basic"]);
    assert.equal(got[2]!.params.qop, "auth,auth-int");
    assert.equal(got[2]!.params.algorithm, "SHA-256");
  });

  it("reads token68 (NTLM's message) with padding, followed by another challenge", () => {
    assert.deepEqual(plain(parseChallenges(['NTLM TlRMTVNTUAACAAAA==, Basic realm="x"'])), [
      { scheme: "ntlm", token68: "TlRMTVNTUAACAAAA==", params: {} },
      { scheme: "basic", params: { realm: "x" } },
    ]);
  });

  it("is lenient with spaces around '=', empty list elements and case", () => {
    assert.deepEqual(plain(parseChallenges([' ,  BASIC  Realm = "r" ,, charset=UTF-8 ,'])), [
      { scheme: "basic", params: { realm: "r", charset: "UTF-8" } },
    ]);
  });

  it("keeps the first of a repeated parameter", () => {
    const [c] = parseChallenges(['Basic realm="one", realm="two"']);
    assert.equal(c?.params.get("realm"), "one");
  });

  it("takes an unterminated quoted string to the end and skips garbage", () => {
    assert.deepEqual(plain(parseChallenges(['Basic realm="open', "=== ,Basic"])), [
      { scheme: "basic", params: { realm: "open" } },
      { scheme: "basic", params: {} },
    ]);
  });

  it("never throws on arbitrary input, and every scheme it yields is a token", () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 60 })), (values) => {
      for (const challenge of parseChallenges(values)) {
        assert.match(challenge.scheme, /^[!#$%&'*+\-.^_`|~0-9a-z]+$/);
        assert.ok(challenge.params instanceof Map);
      }
    }));
    fc.assert(fc.property(
      fc.array(fc.constantFrom("Basic", "realm", "=", '"', ",", " ", "x==", "\\", "NTLM", "a")),
      (parts) => {
        parseChallenges([parts.join("")]);
      },
    ));
  });
});
