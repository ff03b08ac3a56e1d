/**
 * HTTP authentication for @ses sessions, as Chromium's `HttpAuthController` behaves for a
 * program with credentials to give: RFC 7235 challenges, Basic, Digest (RFC 7616: MD5,
 * MD5-sess, SHA-256, SHA-256-sess, `qop=auth` (and `auth-int` offered alone), nonce counting,
 * `stale=true`), NTLMv2 (for any proxy, and for servers allowed by
 * `allowNTLMCredentialsForDomains` or with credentials given in the URL; the handshake holds its
 * connection), the auth
 * cache per (origin or proxy, realm,
 * scheme) with pre-emptive Basic and Digest, credentials from the URL, the proxy URI and the
 * session's `'login'` event. Negotiate (Kerberos) is not supported: such challenges are skipped
 * in favour of the next scheme offered.
 *
 * @example
 * ```ts
 * import { parseChallenges, readDigestChallenge } from "./mod.ts";
 * const [challenge] = parseChallenges(['Digest realm="r", nonce="n", qop="auth"']);
 * console.log(readDigestChallenge(challenge!)?.realm); // r
 * ```
 *
 * @module
 */

export { AuthCache, type AuthCacheEntry, type Credentials } from "./auth_cache.ts";
export {
  type AuthAnswer,
  AuthController,
  type AuthInfo,
  type AuthPolicy,
  type AuthTarget,
  type ChallengedRequest,
  type ChallengeHeaders,
  type LoginDetails,
  type LoginHandler,
  MAX_LOGIN_PROMPTS,
  type RequestLogins,
  requestLogins,
} from "./auth_controller.ts";
export { authMiddleware, type AuthMiddlewareOptions, MAX_AUTH_ROUNDS } from "./auth_middleware.ts";
export { authHeadersStage } from "./auth_headers_stage.ts";
export {
  type AuthHandlerChoice,
  AuthNetLog,
  type AuthorizationResult,
  proxyAuthNetLog,
} from "./auth_net_log.ts";
export { basicAuthorization } from "./basic.ts";
export { type AuthChallenge, parseChallenges } from "./challenge.ts";
export {
  digestAuthorization,
  type DigestChallenge,
  type DigestRequest,
  readDigestChallenge,
} from "./digest.ts";
export {
  ntlmAuthenticate,
  type NtlmAuthenticateOptions,
  type NtlmChallenge,
  ntlmNegotiate,
  ntlmv2Blob,
  ntlmv2Hash,
  readNtlmChallenge,
} from "./ntlm.ts";
export {
  preemptiveProxyAuthorization,
  type ProxiedRequest,
} from "./preemptive_proxy_authorization.ts";
export { createProxyAuthorize, withProxyAuth } from "./proxy_authorize.ts";
export {
  proxyCredentials,
  type ProxyEndpoint,
  proxyTarget,
  proxyTargetKey,
} from "./proxy_target.ts";
