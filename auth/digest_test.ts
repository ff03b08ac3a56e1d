import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { createHash } from "node:crypto";
import { parseChallenges } from "./challenge.ts";
import { digestAuthorization, type DigestChallenge, readDigestChallenge } from "./digest.ts";

// RFC 7616 §3.9.1: the worked example, with both algorithms.
const EXAMPLE = {
  realm: "http-auth@example.org",
  nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
  opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
  cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
};

function challengeOf(header: string): DigestChallenge {
  const digest = readDigestChallenge(parseChallenges([header])[0]!);
  assert.ok(digest);
  return digest;
}

function params(value: string): Record<string, string> {
  return Object.fromEntries(parseChallenges([value])[0]!.params);
}

describe("Digest (RFC 7616)", () => {
  for (
    const [algorithm, response] of [
      ["MD5", "8ca523f5e9506fed4657c9700eebdbec"],
      ["SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"],
    ]
  ) {
    it(`reproduces §3.9.1's ${algorithm} response`, () => {
      const challenge = challengeOf(
        `Digest realm="${EXAMPLE.realm}", qop="auth, auth-int", algorithm=${algorithm}, ` +
          `nonce="${EXAMPLE.nonce}", opaque="${EXAMPLE.opaque}"`,
      );
      const value = digestAuthorization(challenge, "Mufasa", "Circle of Life", {
        method: "GET",
        uri: "/dir/index.html",
        nonceCount: 1,
        cnonce: EXAMPLE.cnonce,
      });
      assert.deepEqual(params(value), {
        username: "Mufasa",
        realm: EXAMPLE.realm,
        nonce: EXAMPLE.nonce,
        uri: "/dir/index.html",
        algorithm,
        response,
        opaque: EXAMPLE.opaque,
        qop: "auth",
        nc: "00000001",
        cnonce: EXAMPLE.cnonce,
      });
    });
  }

  it("hashes the user name when asked (§3.4.4) and counts the nonce in hex", () => {
    const challenge = challengeOf(
      'Digest realm="api@example.org", qop="auth", algorithm=SHA-256, nonce="n", userhash=true',
    );
    const value = params(
      digestAuthorization(challenge, "J\u00e4s\u00f8n Doe", "Secret, or not?", {
        method: "GET",
        uri: "/doe.json",
        nonceCount: 26,
        cnonce: "c",
      }),
    );
    // §3.4.4: H(unq(username) ":" unq(realm)) over the UTF-8 octets (§3.9.2 uses SHA-512-256,
    // which Chromium and we do not support, so its figure cannot be reused here).
    const expected = createHash("sha256")
      .update(new Uint8Array([0x4a, 0xc3, 0xa4, 0x73, 0xc3, 0xb8, 0x6e, 0x20, 0x44, 0x6f, 0x65]))
      .update(":api@example.org").digest("hex");
    assert.equal(value.username, expected);
    assert.equal(value.userhash, "true");
    assert.equal(value.nc, "0000001a");
  });

  it("sends and hashes a non-ASCII user name as UTF-8 octets, the realm as the bytes received", () => {
    // The realm arrives as header bytes (one char per byte): here the UTF-8 of "café".
    const realm = Buffer.from("caf\u00e9", "utf8").toString("latin1");
    const challenge = challengeOf(`Digest realm="${realm}", nonce="n", qop="auth"`);
    const user = "\u7528\u6237 J\u00e4s\u00f8n";
    const value = digestAuthorization(challenge, user, "p\u00e4ss", {
      method: "GET",
      uri: "/",
      nonceCount: 1,
      cnonce: "c",
    });
    // A header value is a byte string: the UTF-8 octets, as Chromium's HttpAuthHandlerDigest
    // sends the credentials' std::string.
    assert.ok([...value].every((char) => char.charCodeAt(0) <= 0xff));
    const got = params(value);
    assert.equal(Buffer.from(got.username!, "latin1").toString("utf8"), user);
    assert.equal(got.realm, realm);
    const md5 = (...parts: Uint8Array[]) => {
      const hash = createHash("md5");
      for (const part of parts) hash.update(part);
      return hash.digest("hex");
    };
    const text = (s: string) => new TextEncoder().encode(s);
    const ha1 = md5(text(`${user}:`), Buffer.from(realm, "latin1"), text(":p\u00e4ss"));
    const ha2 = md5(text("GET:/"));
    assert.equal(got.response, md5(text(`${ha1}:n:00000001:c:auth:${ha2}`)));
  });

  it("uses RFC 2069's form without qop and the -sess HA1 with it", () => {
    const old = params(digestAuthorization(
      challengeOf('Digest realm="r", nonce="n"'),
      "u",
      "p",
      { method: "GET", uri: "/", nonceCount: 1, cnonce: "c" },
    ));
    assert.equal(old.qop, undefined);
    assert.equal(old.nc, undefined);
    const sess = challengeOf('Digest realm="r", nonce="n", qop=auth, algorithm=MD5-sess');
    assert.equal(sess.session, true);
    assert.equal(sess.hash, "md5");
  });

  it("names the algorithm only when the server did, in its canonical spelling, as Chromium", () => {
    // HttpAuthHandlerDigest::AssembleCredentials writes algorithm= only for a specified one,
    // as AlgorithmToString spells it.
    const sent = (challenge: string) =>
      params(digestAuthorization(challengeOf(challenge), "u", "p", {
        method: "GET",
        uri: "/",
        nonceCount: 1,
        cnonce: "c",
      })).algorithm;
    assert.equal(sent('Digest realm="r", nonce="n", qop=auth'), undefined);
    assert.equal(sent('Digest realm="r", nonce="n", qop=auth, algorithm=md5'), "MD5");
    assert.equal(sent('Digest realm="r", nonce="n", qop=auth, algorithm="md5-SESS"'), "MD5-sess");
    assert.equal(sent('Digest realm="r", nonce="n", qop=auth, algorithm=sha-256'), "SHA-256");
    assert.equal(
      sent('Digest realm="r", nonce="n", qop=auth, algorithm=Sha-256-Sess'),
      "SHA-256-sess",
    );
  });

  it("escapes quotes and backslashes of the user name", () => {
    const value = digestAuthorization(challengeOf('Digest realm="r", nonce="n"'), 'a"b\\c', "p", {
      method: "GET",
      uri: "/",
      nonceCount: 1,
    });
    assert.equal(params(value).username, 'a"b\\c');
  });

  it("refuses a user name no header can carry, with a clear error", () => {
    assert.throws(
      () =>
        digestAuthorization(challengeOf('Digest realm="r", nonce="n"'), "a\r\nX-Evil: 1", "p", {
          method: "GET",
          uri: "/",
          nonceCount: 1,
        }),
      {
        name: "TypeError",
        message: "Cannot send Digest credentials: the user name contains CR, LF or NUL",
      },
    );
  });

  it("answers auth-int when auth is not offered, over the body's bytes (RFC 7616 §3.4.3)", () => {
    assert.equal(challengeOf('Digest realm="r", nonce="n", qop="auth-int, auth"').qop, "auth");
    const challenge = challengeOf('Digest realm="r", nonce="n", qop="auth-int"');
    assert.equal(challenge.qop, "auth-int");
    const md5 = (text: string | Uint8Array) => createHash("md5").update(text).digest("hex");
    const body = new TextEncoder().encode("a=1&b=\u00e9");
    for (const given of [body, undefined]) {
      const got = params(digestAuthorization(challenge, "u", "p", {
        method: "POST",
        uri: "/form",
        nonceCount: 1,
        cnonce: "c",
        body: given,
      }));
      assert.equal(got.qop, "auth-int");
      // A2 = Method ":" request-uri ":" H(entity-body); no body hashes as an empty one.
      const ha2 = md5(`POST:/form:${md5(given ?? "")}`);
      assert.equal(got.response, md5(`${md5("u:r:p")}:n:00000001:c:auth-int:${ha2}`));
    }
  });

  it("refuses what it cannot answer: unknown qop and algorithms, no nonce or an empty one", () => {
    for (
      const header of [
        'Digest realm="r", nonce="n", qop="auth-conf"',
        'Digest realm="r", nonce="n", algorithm=SHA-512-256',
        'Digest realm="r"',
        'Digest realm="r", nonce=""',
      ]
    ) {
      assert.equal(readDigestChallenge(parseChallenges([header])[0]!), undefined, header);
    }
    assert.equal(challengeOf('Digest realm="r", nonce="n", stale=TRUE').stale, true);
  });

  it("takes a challenge without a realm as realm '', as Chromium's HttpAuthHandlerDigest", () => {
    const challenge = challengeOf('Digest nonce="n", qop="auth"');
    assert.equal(challenge.realm, "");
    const value = digestAuthorization(challenge, "u", "p", {
      method: "GET",
      uri: "/",
      nonceCount: 1,
      cnonce: "c",
    });
    assert.equal(params(value).realm, "");
    const md5 = (text: string) => createHash("md5").update(text).digest("hex");
    assert.equal(
      params(value).response,
      md5(`${md5("u::p")}:n:00000001:c:auth:${md5("GET:/")}`),
    );
  });

  it("never throws on arbitrary challenges and quotes whatever it echoes", () => {
    fc.assert(fc.property(fc.string(), fc.string(), fc.string(), (value, user, uri) => {
      for (const challenge of parseChallenges([`Digest ${value}`, value])) {
        const digest = readDigestChallenge(challenge);
        if (!digest) continue;
        const answer = digestAuthorization(digest, user, "p", {
          method: "GET",
          uri,
          nonceCount: 1,
        });
        // What we send parses back to what we meant.
        const back = parseChallenges([answer])[0]!.params;
        assert.equal(back.get("username"), digest.userhash ? back.get("username") : user);
        assert.equal(back.get("uri"), uri);
        assert.equal(back.get("nonce"), digest.nonce);
      }
    }));
  });
});
