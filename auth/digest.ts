/**
 * The Digest scheme (RFC 7616) as Chromium's `HttpAuthHandlerDigest` speaks it: algorithms
 * MD5, MD5-sess, SHA-256 and SHA-256-sess, `qop=auth` with a counted nonce and a random
 * cnonce (or RFC 2069's form when the server names no qop), `userhash`, and `stale=true` read
 * as "same credentials, new nonce"; and, where Chromium has none, `qop=auth-int` (over the
 * request body) when a server offers it without `auth`.
 *
 * @module
 */

import { createHash, randomBytes } from "node:crypto";
import type { AuthChallenge } from "./challenge.ts";

/** A Digest challenge this client can answer. */
export interface DigestChallenge {
  /** The protection space's realm. */
  readonly realm: string;
  /** The server's nonce. */
  readonly nonce: string;
  /** Echoed back untouched, if the server sent it. */
  readonly opaque?: string;
  /**
   * The algorithm the server named, spelled as Chromium's `AlgorithmToString` (`MD5`,
   * `MD5-sess`, `SHA-256`, `SHA-256-sess`) and sent back so; `undefined` when it named none
   * (MD5, and no `algorithm` sent back).
   */
  readonly algorithm?: string;
  /** `node:crypto` hash name: `md5` or `sha256`. */
  readonly hash: "md5" | "sha256";
  /** Whether the algorithm is a `-sess` variant. */
  readonly session: boolean;
  /**
   * `auth` when the server offered it, else `auth-int` when it offered that;
   * `undefined` for RFC 2069's form.
   */
  readonly qop?: "auth" | "auth-int";
  /** Whether the server asked for the user name to be hashed (RFC 7616 §3.4.4). */
  readonly userhash: boolean;
  /** Whether the server says the last nonce was stale, not the credentials wrong. */
  readonly stale: boolean;
}

/** What a Digest response is computed over. */
export interface DigestRequest {
  /** The request method (`CONNECT` for a tunnel). */
  readonly method: string;
  /** The request target as sent in `uri=` (the path and query; `host:port` for CONNECT). */
  readonly uri: string;
  /** How many times this nonce has been used, this time included (1 for a fresh nonce). */
  readonly nonceCount: number;
  /** The client nonce; random when not given (tests give a fixed one). */
  readonly cnonce?: string;
  /** The request body, for `qop=auth-int`; none is an empty one. */
  readonly body?: Uint8Array;
}

const ALGORITHMS: Record<string, { name: string; hash: "md5" | "sha256"; session: boolean }> = {
  "md5": { name: "MD5", hash: "md5", session: false },
  "md5-sess": { name: "MD5-sess", hash: "md5", session: true },
  "sha-256": { name: "SHA-256", hash: "sha256", session: false },
  "sha-256-sess": { name: "SHA-256-sess", hash: "sha256", session: true },
};

/**
 * Reads a parsed `Digest` challenge, or tells that it cannot be answered: no nonce (or an
 * empty one), an algorithm other than the four above, or a `qop` list with neither `auth` nor
 * `auth-int`. A challenge without a realm has the realm `""`, as in Chromium.
 * `auth` is chosen when offered, as Chromium and curl do; Chromium answers a list of
 * `auth-int` alone in RFC 2069's form, which the server cannot accept, so @ses answers it.
 *
 * @param challenge A challenge whose scheme is `digest`.
 * @returns The challenge's terms, or `undefined` when it cannot be answered.
 *
 * @example
 * ```ts
 * import { parseChallenges } from "./challenge.ts";
 * import { readDigestChallenge } from "./digest.ts";
 * const [challenge] = parseChallenges(['Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth"']);
 * console.log(readDigestChallenge(challenge!)?.hash); // sha256
 * ```
 */
export function readDigestChallenge(challenge: AuthChallenge): DigestChallenge | undefined {
  const { params } = challenge;
  // Chromium's HttpAuthHandlerDigest::ParseChallenge requires a nonce and lets the realm
  // default to empty, for servers that leave it out (crbug.com/20984).
  const realm = params.get("realm") ?? "";
  const nonce = params.get("nonce");
  if (challenge.scheme !== "digest" || nonce === undefined || nonce === "") return undefined;
  const named = params.get("algorithm");
  const known = ALGORITHMS[(named ?? "md5").toLowerCase()];
  if (!known) return undefined;
  const qopList = params.get("qop");
  let qop: "auth" | "auth-int" | undefined;
  if (qopList !== undefined) {
    const offered = qopList.split(",").map((item) => item.trim().toLowerCase());
    if (offered.includes("auth")) qop = "auth";
    else if (offered.includes("auth-int")) qop = "auth-int";
    else return undefined;
  }
  return {
    realm,
    nonce,
    opaque: params.get("opaque"),
    algorithm: named === undefined ? undefined : known.name,
    hash: known.hash,
    session: known.session,
    qop,
    userhash: params.get("userhash")?.toLowerCase() === "true",
    stale: params.get("stale")?.toLowerCase() === "true",
  };
}

/**
 * Computes the `Authorization` (or `Proxy-Authorization`) value answering a Digest challenge,
 * with the parameters in Chromium's order.
 *
 * @param challenge The challenge's terms (from {@linkcode readDigestChallenge}).
 * @param username The user name.
 * @param password The password.
 * @param request Method, uri, nonce count and optionally the cnonce.
 * @returns `Digest username="...", realm="...", ...`.
 * @throws {TypeError} When the user name contains CR, LF or NUL, which no header can carry.
 *
 * @example The worked example of RFC 7616 §3.9.1 (MD5)
 * ```ts
 * import { digestAuthorization } from "./digest.ts";
 * const value = digestAuthorization({
 *   realm: "http-auth@example.org",
 *   nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
 *   opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
 *   algorithm: "MD5", hash: "md5", session: false, qop: "auth", userhash: false, stale: false,
 * }, "Mufasa", "Circle of Life", {
 *   method: "GET", uri: "/dir/index.html", nonceCount: 1,
 *   cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
 * });
 * console.log(value.includes('response="8ca523f5e9506fed4657c9700eebdbec"')); // true
 * ```
 */
export function digestAuthorization(
  challenge: DigestChallenge,
  username: string,
  password: string,
  request: DigestRequest,
): string {
  if (/[\r\n\0]/.test(username)) {
    // It would go into a quoted-string, where no escape can carry these.
    throw new TypeError("Cannot send Digest credentials: the user name contains CR, LF or NUL");
  }
  const { realm, nonce, hash, qop } = challenge;
  // Everything is hashed and sent as bytes, one char per byte as header values hold them:
  // the challenge's values as received, the credentials as their UTF-8 octets (Chromium's
  // HttpAuthHandlerDigest works on the credentials' UTF-8 std::string and the original realm).
  const h = (bytes: string) => createHash(hash).update(bytes, "latin1").digest("hex");
  const userBytes = utf8Bytes(username);
  const cnonce = request.cnonce ?? randomBytes(8).toString("hex");
  const nc = request.nonceCount.toString(16).padStart(8, "0");
  let ha1 = h(`${userBytes}:${realm}:${utf8Bytes(password)}`);
  if (challenge.session) ha1 = h(`${ha1}:${nonce}:${cnonce}`);
  // RFC 7616 §3.4.3: auth-int adds H(entity-body).
  const ha2 = qop === "auth-int"
    ? h(`${request.method}:${request.uri}:${bodyHash(hash, request.body)}`)
    : h(`${request.method}:${request.uri}`);
  const response = qop !== undefined
    ? h(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
    : h(`${ha1}:${nonce}:${ha2}`);
  const user = challenge.userhash ? h(`${userBytes}:${realm}`) : userBytes;
  // Chromium's AssembleCredentials names the algorithm only when the server did.
  let value = `Digest username=${quote(user)}, realm=${quote(realm)}, nonce=${quote(nonce)}, ` +
    `uri=${quote(request.uri)}` +
    (challenge.algorithm === undefined ? "" : `, algorithm=${challenge.algorithm}`) +
    `, response=${quote(response)}`;
  if (challenge.opaque !== undefined) value += `, opaque=${quote(challenge.opaque)}`;
  if (qop !== undefined) value += `, qop=${qop}, nc=${nc}, cnonce=${quote(cnonce)}`;
  if (challenge.userhash) value += ", userhash=true";
  return value;
}

// deno-lint-ignore no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

function bodyHash(hash: "md5" | "sha256", body: Uint8Array | undefined): string {
  return createHash(hash).update(body ?? new Uint8Array()).digest("hex");
}

function utf8Bytes(text: string): string {
  return ASCII.test(text) ? text : Buffer.from(text, "utf8").toString("latin1");
}

function quote(text: string): string {
  return `"${text.replace(/["\\]/g, "\\$&")}"`;
}
