/**
 * Answers the challenges of one server or proxy for one request, as Chromium's
 * `HttpAuthController`: picks the strongest scheme offered, then the next identity to try
 * (credentials given with the URL or proxy URI, then the cache, then the `'login'` event), and
 * tells a rejection (drop the cached identity, ask again) from a continuation (NTLM's second
 * leg, Digest's `stale=true`).
 *
 * @module
 */

import { SessionError } from "../core/session_error.ts";
import type { AuthCache, AuthCacheEntry, Credentials } from "./auth_cache.ts";
import { basicAuthorization } from "./basic.ts";
import { type AuthChallenge, parseChallenges } from "./challenge.ts";
import { digestAuthorization, type DigestChallenge, readDigestChallenge } from "./digest.ts";
import { ntlmAuthenticate, ntlmNegotiate, readNtlmChallenge } from "./ntlm.ts";
import type { AuthHandlerChoice, AuthNetLog, AuthorizationResult } from "./auth_net_log.ts";

/** Electron's `authInfo` of the `'login'` event. */
export interface AuthInfo {
  /** Whether a proxy asked (407) rather than the server (401). */
  readonly isProxy: boolean;
  /** The scheme in lower case: `basic`, `digest` or `ntlm`. */
  readonly scheme: string;
  /** The host that asked (the proxy's for a proxy); an IPv6 literal in brackets, `[::1]`. */
  readonly host: string;
  /** Its port. */
  readonly port: number;
  /** The realm of the challenge (`""` for NTLM). */
  readonly realm: string;
}

/**
 * Electron's `authenticationResponseDetails` of the `'login'` event, with the two fields its
 * LoginHandler (shell/browser/login_handler.cc) sets besides the documented `url` and `pid`
 * that mean something without a renderer.
 */
export interface LoginDetails {
  /** The URL of the request that was challenged. */
  readonly url: string;
  /** The process that made the request; absent outside Electron's renderers. */
  readonly pid?: number;
  /**
   * Whether this is the request's first prompt: `false` once it asked before, for this server
   * or proxy (the credentials given were rejected: answer `callback()` to stop trying) or for
   * another (a proxy, then the server), on any of its hops, as Chromium's URLLoader tells it.
   */
  readonly firstAuthAttempt: boolean;
  /**
   * The 401's (or 407's) headers: names in lower case, in code point order, each with its
   * values in the order received, as Electron converts `net::HttpResponseHeaders`.
   */
  readonly responseHeaders: Record<string, string[]>;
}

/** Asks for credentials; resolves with `undefined` to give up (the 401/407 is returned). */
export type LoginHandler = (
  details: LoginDetails,
  authInfo: AuthInfo,
) => Promise<Credentials | undefined>;

/** The header lines of a challenge (`[name, value]` pairs, as received). */
export type ChallengeHeaders = ReadonlyArray<readonly [string, string]>;

/** Who is being answered. */
export interface AuthTarget {
  /** The cache key: the origin (`http://a.test:8080`) or `proxy http://p.test:3128`. */
  readonly key: string;
  /** Whether this is a proxy. */
  readonly isProxy: boolean;
  /** Host name or IP literal. */
  readonly host: string;
  /** Port. */
  readonly port: number;
}

/** The session's side of authentication. */
export interface AuthPolicy {
  /** The session's auth cache. */
  readonly cache: AuthCache;
  /** The `'login'` event. */
  readonly login: LoginHandler;
  /**
   * Whether NTLM may be used with a server, by its origin (`http://host:port`;
   * `allowNTLMCredentialsForDomains`). Proxies are not asked: every proxy may.
   */
  readonly ntlmAllowed: (server: URL) => boolean;
}

/** What a challenged request is. */
export interface ChallengedRequest {
  /** Its URL, without credentials (shown to the `'login'` event). */
  readonly url: string;
  /** The method. */
  readonly method: string;
  /** The Digest `uri`: path and query, or `host:port` for a CONNECT. */
  readonly uri: string;
  /** The URL path, whose directory the credentials are cached for (servers). */
  readonly path?: string;
  /** The caller's signal: an abort stops waiting for the `'login'` answer. */
  readonly signal?: AbortSignal;
  /** The request body, for Digest's `qop=auth-int`; none is an empty one. */
  readonly body?: Uint8Array;
  /**
   * The request's own record of `'login'` prompts, shared by every controller of it (its
   * server's on each hop, its proxies', its tunnels'); see {@linkcode requestLogins}. Without
   * one the controller's own prompts count.
   */
  readonly logins?: RequestLogins;
}

/** Whether a request has asked `'login'` yet, whoever asked (see {@linkcode requestLogins}). */
export interface RequestLogins {
  /** Set once the request's first prompt was made. */
  asked: boolean;
}

const LOGINS = new WeakMap<object, RequestLogins>();

/**
 * The `'login'` record of a request, by an object that is the same for all its hops and
 * connections (its URL chain): `firstAuthAttempt` is true for its first prompt only, whether a
 * proxy or the server asks, as Chromium's URLLoader passes `first_auth_attempt_` to each
 * `OnAuthRequired` and clears it after the first.
 *
 * @param request The request's key.
 * @returns Its record, made on first use.
 *
 * @example
 * ```ts
 * import { requestLogins } from "./auth_controller.ts";
 * const chain = ["https://a.test/"];
 * requestLogins(chain).asked = true;
 * console.log(requestLogins(chain).asked, requestLogins([]).asked); // true false
 * ```
 */
export function requestLogins(request: object): RequestLogins {
  let logins = LOGINS.get(request);
  if (logins === undefined) LOGINS.set(request, logins = { asked: false });
  return logins;
}

/** A header value to retry with. */
export interface AuthAnswer {
  /** The `Authorization` or `Proxy-Authorization` value. */
  readonly value: string;
  /** Whether the retry must go on the connection of the challenge (NTLM). */
  readonly pinConnection: boolean;
}

/**
 * How often one controller (one server or proxy of one hop or tunnel) asks the `'login'`
 * event: Chromium asks a person, who gives up; a program answering wrong would loop.
 */
export const MAX_LOGIN_PROMPTS = 3;
/** How often a `stale=true` Digest challenge is answered with the same credentials. */
const MAX_STALE_RETRIES = 2;
/** Chromium's preference: the highest score its handler factory gives wins. */
const PREFERENCE = ["ntlm", "digest", "basic"] as const;

interface Sent {
  scheme: string;
  realm: string;
  credentials: Credentials;
  entry: AuthCacheEntry;
  ntlmLeg?: "negotiate" | "authenticate";
  /** Sent before any challenge, found by the request's path (Chromium's IDENT_SRC_PATH_LOOKUP). */
  preemptive?: boolean;
}

/**
 * One request's authentication state with one server or proxy.
 *
 * @example
 * ```ts
 * import { AuthCache } from "./auth_cache.ts";
 * import { AuthController } from "./auth_controller.ts";
 * const controller = new AuthController(
 *   { key: "http://a.test", isProxy: false, host: "a.test", port: 80 },
 *   {
 *     cache: new AuthCache(),
 *     login: () => Promise.resolve({ username: "u", password: "p" }),
 *     ntlmAllowed: () => false,
 *   },
 * );
 * const answer = await controller.respond(['Basic realm="r"'], {
 *   url: "http://a.test/", method: "GET", uri: "/", path: "/",
 * });
 * console.log(answer?.value); // Basic dTpw
 * ```
 */
export class AuthController {
  #target: AuthTarget;
  #policy: AuthPolicy;
  #explicit: Credentials | undefined;
  #explicitGiven: boolean;
  #explicitBasicSent = false;
  #sent: Sent | undefined;
  #cacheTried = new Set<string>();
  #prompts = 0;
  #staleRetries = 0;
  #log: AuthNetLog | undefined;

  /**
   * Starts the state for one request.
   *
   * @param target The server or proxy.
   * @param policy The session's cache, login event and NTLM allowlist.
   * @param explicit Credentials from the URL or the proxy URI, tried first, once.
   * @param log Where the controller's net log events go, when a log is capturing.
   */
  constructor(
    target: AuthTarget,
    policy: AuthPolicy,
    explicit?: Credentials,
    log?: AuthNetLog,
  ) {
    this.#target = target;
    this.#policy = policy;
    this.#explicit = explicit;
    this.#explicitGiven = explicit !== undefined;
    this.#log = log;
  }

  /**
   * The value to send before any challenge, when the cache has an identity whose paths cover
   * the request's, or, for a proxy (whose protection space has no path), any identity of it
   * (Basic, and Digest with its last nonce and the next count), as Chromium's
   * `SelectPreemptiveAuth`. Credentials given with a URL wait for the challenge; those of a
   * proxy URI go as Basic (as curl sends `-x user:pass@proxy`'s), and a Basic challenge that
   * follows has refused them, so they then answer only another scheme.
   *
   * @param request The request (a server's needs its `path`).
   * @returns The header value, or `undefined`.
   */
  preemptive(request: ChallengedRequest): string | undefined {
    if (this.#explicitGiven) {
      if (!this.#target.isProxy || this.#explicit === undefined) return undefined;
      this.#explicitBasicSent = true;
      return basicAuthorization(this.#explicit.username, this.#explicit.password);
    }
    const { cache } = this.#policy;
    const entry = this.#target.isProxy
      ? cache.lookupPreemptiveProxy(this.#target.key)
      : request.path === undefined
      ? undefined
      : cache.lookupByPath(this.#target.key, request.path);
    if (!entry || (entry.scheme !== "basic" && !entry.digest)) return undefined;
    this.#cacheTried.add(`${entry.realm}\n${entry.scheme}`);
    const { scheme, realm, credentials } = entry;
    this.#sent = { scheme, realm, credentials, entry, preemptive: true };
    if (this.#log) {
      this.#log.preemptive({ scheme, challenge: entry.challenge });
      this.#log.generateToken();
    }
    if (entry.scheme === "basic") {
      return basicAuthorization(entry.credentials.username, entry.credentials.password);
    }
    return digestAuthorization(
      entry.digest!,
      entry.credentials.username,
      entry.credentials.password,
      {
        method: request.method,
        uri: request.uri,
        nonceCount: ++entry.nonceCount,
        body: request.body,
      },
    );
  }

  /**
   * Takes a cached identity that went before any challenge without this controller (a forward
   * proxy's, which the transport adds) as its own answer: the 407 that follows rejects it, and
   * it is dropped from the cache rather than offered again.
   *
   * @param entry The cache entry that was sent.
   */
  sentBefore(entry: AuthCacheEntry): void {
    const { scheme, realm, credentials } = entry;
    this.#cacheTried.add(`${realm}\n${scheme}`);
    this.#sent = { scheme, realm, credentials, entry, preemptive: true };
  }

  /**
   * Answers a 401 or 407.
   *
   * @param values The `WWW-Authenticate` (or `Proxy-Authenticate`) values, one per line.
   * @param request The challenged request.
   * @param headers Every header line of the 401 or 407, shown to the `'login'` event.
   * @throws {SessionError} `ERR_PROXY_AUTH_UNSUPPORTED` when a tunnel's 407 (method `CONNECT`)
   * offers no scheme to answer.
   * @returns The value to retry with, or `undefined` to return the response as it is. The
   * caller logs its `AUTH_GENERATE_TOKEN` (`AuthNetLog.generateToken`) as it sends it, after
   * reading off the challenge's body, as Chromium's restart generates the token after the drain.
   */
  async respond(
    values: readonly string[],
    request: ChallengedRequest,
    headers: ChallengeHeaders = [],
  ): Promise<AuthAnswer | undefined> {
    const challenges = parseChallenges(values);
    const sent = this.#sent;
    // What the handler of the identity sent makes of this challenge (none without one).
    let result: AuthorizationResult | undefined;
    if (sent) {
      const continued = this.#continue(sent, challenges, request);
      if (continued) {
        this.#log?.handleChallenge(continued.handler, continued.result);
        return continued.answer;
      }
      // The server or proxy asked again: what we sent was rejected, unless it went before being
      // asked and the challenge is for another realm (a space nested in the one it was cached
      // for), which says nothing of it: Chromium's AUTHORIZATION_RESULT_DIFFERENT_REALM drops a
      // path lookup's handler and keeps its cache entry.
      result = otherRealm(sent, challenges) ? "different_realm" : "reject";
      if (!(sent.preemptive && result === "different_realm")) this.#policy.cache.remove(sent.entry);
      this.#sent = undefined;
    }
    const chosen = this.#choose(challenges);
    if (!chosen && request.method === "CONNECT") {
      // A tunnel's 407 with nothing to answer fails the connect rather than being shown: its
      // bytes could be an attacker's (Chromium's HandleAuthChallenge, establishing_tunnel).
      const error = new SessionError("ERR_PROXY_AUTH_UNSUPPORTED");
      this.#log?.handleChallenge(undefined, result, error.errno);
      throw error;
    }
    this.#log?.handleChallenge(
      chosen && { scheme: chosen.challenge.scheme, challenge: chosen.challenge.text },
      result,
    );
    if (!chosen) return undefined;
    const { challenge, digest } = chosen;
    const scheme = challenge.scheme;
    const realm = scheme === "ntlm" ? "" : digest?.realm ?? challenge.params.get("realm") ?? "";
    const credentials = await this.#nextIdentity(realm, scheme, request, headers);
    if (!credentials) return undefined;
    const entry = this.#policy.cache.add(
      this.#target.key,
      realm,
      scheme,
      credentials,
      this.#target.isProxy ? undefined : request.path,
    );
    entry.challenge = challenge.text;
    this.#sent = { scheme, realm, credentials, entry };
    if (scheme === "ntlm") {
      this.#sent.ntlmLeg = "negotiate";
      return { value: `NTLM ${ntlmNegotiate()}`, pinConnection: true };
    }
    if (digest) return { value: this.#digest(entry, digest, request), pinConnection: false };
    const value = basicAuthorization(credentials.username, credentials.password);
    return { value, pinConnection: false };
  }

  /**
   * NTLM's second leg (Chromium's ACCEPT: its handler goes on), or a stale Digest nonce (STALE:
   * a new handler for the new challenge, as INVALIDATE_HANDLER leaves the identity to reuse):
   * same identity, no new prompt.
   */
  #continue(
    sent: Sent,
    challenges: AuthChallenge[],
    request: ChallengedRequest,
  ): { answer: AuthAnswer; result: AuthorizationResult; handler?: AuthHandlerChoice } | undefined {
    if (sent.scheme === "ntlm" && sent.ntlmLeg === "negotiate") {
      const token = challenges.find((c) => c.scheme === "ntlm" && c.token68)?.token68;
      const type2 = token === undefined ? undefined : readNtlmChallenge(token);
      if (!type2) return undefined;
      sent.ntlmLeg = "authenticate";
      const { username, password } = sent.credentials;
      const value = `NTLM ${ntlmAuthenticate(type2, username, password)}`;
      return { answer: { value, pinConnection: true }, result: "accept" };
    }
    if (sent.scheme !== "digest" || this.#staleRetries >= MAX_STALE_RETRIES) return undefined;
    // Only the first Digest challenge is read, and stale=true counts before its realm: a nonce
    // gone stale under a renamed realm keeps the identity (HttpAuth::HandleChallengeResponse,
    // HttpAuthHandlerDigest::HandleAnotherChallengeImpl).
    const challenge = challenges.find((c) => c.scheme === "digest");
    const digest = challenge && readDigestChallenge(challenge);
    if (!challenge || !digest?.stale) return undefined;
    this.#staleRetries++;
    // The cache entry keeps the challenge it answers now (Chromium's UpdateStaleChallenge), and
    // what comes next is weighed against the realm answered.
    sent.entry.challenge = challenge.text;
    sent.realm = digest.realm;
    return {
      answer: { value: this.#digest(sent.entry, digest, request), pinConnection: false },
      result: "stale",
      handler: { scheme: "digest", challenge: challenge.text },
    };
  }

  #digest(entry: AuthCacheEntry, digest: DigestChallenge, request: ChallengedRequest): string {
    entry.digest = digest;
    entry.nonceCount = 1;
    const { username, password } = entry.credentials;
    return digestAuthorization(digest, username, password, {
      method: request.method,
      uri: request.uri,
      nonceCount: 1,
      body: request.body,
    });
  }

  #choose(
    challenges: AuthChallenge[],
  ): { challenge: AuthChallenge; digest?: DigestChallenge } | undefined {
    for (const scheme of PREFERENCE) {
      for (const challenge of challenges) {
        if (challenge.scheme !== scheme) continue;
        if (scheme === "ntlm") {
          // A bare `NTLM` starts the handshake; NTLM only where allowed or credentials given.
          // The allowlist names servers: every proxy passes, as Chromium's
          // HttpAuthFilterAllowlist::IsValid lets AUTH_PROXY through.
          const allowed = this.#explicitGiven || this.#target.isProxy ||
            this.#policy.ntlmAllowed(new URL(this.#target.key));
          if (allowed && challenge.token68 === undefined) return { challenge };
        } else if (scheme === "digest") {
          const digest = readDigestChallenge(challenge);
          if (digest) return { challenge, digest };
        } else {
          return { challenge };
        }
      }
    }
    // Negotiate (Kerberos) and unknown schemes are skipped, as are unusable challenges.
    return undefined;
  }

  async #nextIdentity(
    realm: string,
    scheme: string,
    request: ChallengedRequest,
    headers: ChallengeHeaders,
  ): Promise<Credentials | undefined> {
    if (this.#explicit && !(scheme === "basic" && this.#explicitBasicSent)) {
      const explicit = this.#explicit;
      this.#explicit = undefined;
      return explicit;
    }
    const key = `${realm}\n${scheme}`;
    if (!this.#cacheTried.has(key)) {
      this.#cacheTried.add(key);
      const cached = this.#policy.cache.lookup(this.#target.key, realm, scheme);
      if (cached) return cached.credentials;
    }
    if (this.#prompts >= MAX_LOGIN_PROMPTS) return undefined;
    const { logins } = request;
    const details: LoginDetails = {
      url: request.url,
      firstAuthAttempt: logins === undefined ? this.#prompts === 0 : !logins.asked,
      responseHeaders: headerRecord(headers),
    };
    this.#prompts++;
    if (logins !== undefined) logins.asked = true;
    const { isProxy, port } = this.#target;
    // Electron shows Chromium's challenger, a SchemeHostPort, whose host keeps IPv6 brackets.
    const host = this.#target.host.includes(":") ? `[${this.#target.host}]` : this.#target.host;
    const answer = this.#policy.login(details, { isProxy, scheme, host, port, realm });
    return await untilAborted(answer, request.signal);
  }
}

/**
 * Whether the first challenge of the scheme sent names another realm (none of that scheme is a
 * rejection), as Chromium's HttpAuth::HandleChallengeResponse and the handlers'
 * HandleAnotherChallenge read it: a missing realm is `""`.
 */
function otherRealm(sent: Sent, challenges: AuthChallenge[]): boolean {
  const challenge = challenges.find((c) => c.scheme === sent.scheme);
  return challenge !== undefined && (challenge.params.get("realm") ?? "") !== sent.realm;
}

// Electron's converter fills a base::Value::Dict, whose keys come out sorted.
function headerRecord(headers: ChallengeHeaders): Record<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const values = byName.get(key);
    if (values) values.push(value);
    else byName.set(key, [value]);
  }
  const record: Record<string, string[]> = {};
  for (const key of [...byName.keys()].sort()) record[key] = byName.get(key)!;
  return record;
}

/** Rejects with the signal's reason when it aborts first, so no request waits on a login. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
