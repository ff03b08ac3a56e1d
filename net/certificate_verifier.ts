/**
 * A session's certificate verification: the default verdict Chromium would reach, then
 * Electron's `setCertificateVerifyProc` hook, with verdicts cached per host and certificate.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { X509Certificate } from "node:crypto";
import {
  type DetailedPeerCertificate,
  getCACertificates,
  rootCertificates,
  type TLSSocket,
} from "node:tls";
import type {
  Certificate,
  CertificateVerifyProc,
  CertificateVerifyRequest,
} from "../core/electron_types.ts";
import type { NetErrorCode } from "../core/net_errors.ts";
import { SessionError } from "../core/session_error.ts";
import { chainPolicyError } from "./_certificate_policy.ts";
import { completeChainByAia, type CompletedChain, signs } from "./aia_chain.ts";
import { parseCaIssuers } from "./ca_issuers.ts";
import { type CaIssuersFetch, fetchCaIssuers } from "./ca_issuers_fetch.ts";
import { chromiumFingerprint } from "./_tls_fingerprint.ts";
import { parseSubjectAltName, verifyHostname } from "./_verify_hostname.ts";
import { toElectronCertificate } from "./certificate.ts";

// The proc's special answers (Electron's docs): accept, reject, keep Chromium's verdict.
const ACCEPT = 0;
const REJECT = -2;
const USE_DEFAULT = -3;

// Chromium's CachingCertVerifier keeps this many verdicts, each for 30 minutes (kTTLSecs)
// from the start of its verification.
const MAX_CACHED_VERDICTS = 256;
const VERDICT_TTL_MS = 1_800_000;
// How many caIssuers answers are kept; what a CA serves there changes in years, not minutes.
const MAX_CACHED_ISSUERS = 100;

// OpenSSL's verify results (socket.authorizationError) by the certificate status Chromium gives
// the same failure. Anything not listed is CERT_STATUS_INVALID.
const CHAIN_ERRORS: ReadonlyMap<string, NetErrorCode> = new Map<string, NetErrorCode>([
  ["UNABLE_TO_GET_ISSUER_CERT", "ERR_CERT_AUTHORITY_INVALID"],
  ["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "ERR_CERT_AUTHORITY_INVALID"],
  ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "ERR_CERT_AUTHORITY_INVALID"],
  ["DEPTH_ZERO_SELF_SIGNED_CERT", "ERR_CERT_AUTHORITY_INVALID"],
  ["SELF_SIGNED_CERT_IN_CHAIN", "ERR_CERT_AUTHORITY_INVALID"],
  ["CERT_UNTRUSTED", "ERR_CERT_AUTHORITY_INVALID"],
  ["CERT_REJECTED", "ERR_CERT_AUTHORITY_INVALID"],
  ["CERT_CHAIN_TOO_LONG", "ERR_CERT_AUTHORITY_INVALID"],
  ["INVALID_CA", "ERR_CERT_AUTHORITY_INVALID"],
  ["PATH_LENGTH_EXCEEDED", "ERR_CERT_AUTHORITY_INVALID"],
  ["CERT_HAS_EXPIRED", "ERR_CERT_DATE_INVALID"],
  ["CERT_NOT_YET_VALID", "ERR_CERT_DATE_INVALID"],
  ["CERT_REVOKED", "ERR_CERT_REVOKED"],
]);

// Name errors some runtimes (Deno) put in authorizationError; the name is checked separately
// against the real hostname, so these say nothing about the chain.
const NAME_ERRORS: ReadonlySet<string> = new Set([
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "HOSTNAME_MISMATCH",
]);

// Chromium's MapCertStatusToNetError reports the most serious of several errors, in this order.
const SEVERITY: readonly NetErrorCode[] = [
  "ERR_CERT_INVALID",
  "ERR_CERT_REVOKED",
  "ERR_CERT_AUTHORITY_INVALID",
  "ERR_CERT_COMMON_NAME_INVALID",
  "ERR_CERT_WEAK_SIGNATURE_ALGORITHM",
  "ERR_CERT_WEAK_KEY",
  "ERR_CERT_DATE_INVALID",
];

/** What the default verifier concluded about one handshake. */
interface DefaultVerdict {
  /** The failure, or `undefined` when the certificate is good for the host. */
  error: SessionError | undefined;
  /** Whether the chain verified (the host name aside). */
  chainVerified: boolean;
  /** Whether the failure is a chain that stops short of any trusted root (AIA may complete it). */
  issuerMissing: boolean;
}

/**
 * Verifies server certificates for one session: the default checks, then the verify proc.
 *
 * The TLS socket is opened with `rejectUnauthorized: false`, so the handshake always completes
 * and {@linkcode CertificateVerifier.verify} decides. Without a proc, the default verdict
 * stands. With one, the proc sees Electron's request and answers through its callback: `0`
 * accepts, `-2` rejects with `net::ERR_FAILED`, `-3` keeps the default verdict, and any other
 * negative number rejects with that net error. The proc runs once per host, certificate chain
 * and default verdict; later connections reuse its answer for 30 minutes (256 answers at most,
 * as Chromium's CachingCertVerifier) or until {@linkcode setProc} or {@linkcode clearCache}.
 *
 * A chain that stops short of a trusted root because the server left out an intermediate is
 * completed as Chromium completes it: from the `caIssuers` URLs of the certificates' Authority
 * Information Access extension (`http:` only, 10 s and 64 KiB per fetch, five URLs per
 * certificate), each fetched answer kept for the verifier's life (100 URLs). The fetched
 * intermediates then appear in the proc's `validatedCertificate`.
 *
 * @example Trust one self-signed host, defer to the default verifier elsewhere
 * ```ts
 * import { CertificateVerifier } from "./certificate_verifier.ts";
 * const verifier = new CertificateVerifier();
 * verifier.setProc((request, callback) => {
 *   callback(request.hostname === "device.local" ? 0 : -3);
 * });
 * ```
 */
export class CertificateVerifier {
  #proc: CertificateVerifyProc | null = null;
  // Promises, so connections racing to the same host share one proc call.
  #answers = new Map<string, CachedAnswer>();
  #now: () => number;
  #fetchCaIssuers: CaIssuersFetch;
  // Shared, so handshakes racing to the same server share one fetch.
  #issuers = new Map<string, IssuersFetch>();

  /**
   * Makes a verifier with no proc and an empty verdict cache.
   *
   * @param options `now`, the clock in ms since the epoch that ages cached verdicts and dates
   * fetched intermediates; default `Date.now`. `fetchCaIssuers`, what reads a `caIssuers` URL;
   * default {@linkcode fetchCaIssuers}.
   *
   * @example
   * ```ts
   * import { CertificateVerifier } from "./certificate_verifier.ts";
   * const verifier = new CertificateVerifier({ now: () => Date.now() });
   * verifier.clearCache();
   * ```
   */
  constructor(options: CertificateVerifierOptions = {}) {
    const {
      now = Date.now,
      fetchCaIssuers: fetchIssuers = (url, signal) => fetchCaIssuers(url, { signal }),
    } = options;
    this.#now = now;
    this.#fetchCaIssuers = fetchIssuers;
  }

  /**
   * Installs the verify proc (Electron's `setCertificateVerifyProc`) and forgets cached verdicts.
   *
   * @param proc `(request, callback) => void`, or `null` to go back to the default verifier.
   * @throws {TypeError} When `proc` is neither a function nor `null`.
   *
   * @example
   * ```ts
   * import { CertificateVerifier } from "./certificate_verifier.ts";
   * const verifier = new CertificateVerifier();
   * verifier.setProc((_request, callback) => callback(-2)); // reject every certificate
   * verifier.setProc(null);
   * ```
   */
  setProc(proc: CertificateVerifyProc | null): void {
    if (proc !== null && typeof proc !== "function") {
      throw new TypeError("Must pass null or function");
    }
    this.#proc = proc;
    this.#answers.clear();
  }

  /**
   * Forgets every cached proc answer, so the proc is asked again.
   *
   * @example
   * ```ts
   * import { CertificateVerifier } from "./certificate_verifier.ts";
   * new CertificateVerifier().clearCache();
   * ```
   */
  clearCache(): void {
    this.#answers.clear();
  }

  /**
   * Decides whether the certificate a connected `TLSSocket` received is good for `hostname`.
   *
   * @param hostname The host the connection is for; an IPv6 literal without brackets.
   * @param socket A socket past `secureConnect`, opened with `rejectUnauthorized: false` and
   * the trusted roots in force.
   * @param extraRoots The roots (PEM) the socket trusts besides the runtime's defaults.
   * @param peer `socket.getPeerCertificate(true)`, when the caller has read it already.
   * @param signal Aborts the verification: a `caIssuers` fetch no other handshake waits for
   * stops with it.
   * @param fetchIntermediates `false` for a connection opened to fetch a `caIssuers` URL: a
   * chain that stops short is judged as it came, as Chromium's CertNetFetcher requests carry
   * `LOAD_DISABLE_CERT_NETWORK_FETCHES` (through an HTTPS proxy whose own chain is short, a
   * fetch would otherwise wait on itself).
   * @returns Resolves when the certificate is accepted: with the default verifier's error code
   * when the proc accepted the certificate in spite of it (`callback(0)`), `undefined` when
   * the certificate verified.
   * @throws {SessionError} `ERR_CERT_AUTHORITY_INVALID`, `ERR_CERT_COMMON_NAME_INVALID`,
   * `ERR_CERT_DATE_INVALID`, ... from the default verifier, the proc's verdict, or
   * `ERR_ABORTED` when `signal` aborts while intermediates are fetched.
   *
   * @example Not run as a doc test: it needs the live network (example.com)
   * ```ts ignore
   * import tls from "node:tls";
   * import { CertificateVerifier } from "./certificate_verifier.ts";
   * const verifier = new CertificateVerifier();
   * const socket = tls.connect({
   *   host: "example.com",
   *   port: 443,
   *   servername: "example.com",
   *   rejectUnauthorized: false,
   * });
   * socket.once("secureConnect", async () => {
   *   await verifier.verify("example.com", socket); // rejects with net::ERR_CERT_... if bad
   *   socket.destroy();
   * });
   * ```
   */
  async verify(
    hostname: string,
    socket: TLSSocket,
    extraRoots: readonly string[] = [],
    peer: Partial<DetailedPeerCertificate> = socket.getPeerCertificate(true),
    signal?: AbortSignal,
    fetchIntermediates = true,
  ): Promise<NetErrorCode | undefined> {
    if (!peer.raw) throw new SessionError("ERR_CERT_INVALID");
    let verdict = defaultVerdict(hostname, socket, peer as DetailedPeerCertificate, extraRoots);
    let completed: CompletedChain | undefined;
    if (verdict.issuerMissing && fetchIntermediates) {
      completed = await completeChainByAia(
        peerChain(peer as DetailedPeerCertificate),
        trustedRoots(extraRoots),
        (url) => this.#caIssuers(url, signal),
      );
      if (completed) {
        verdict = completedVerdict(
          hostname,
          peer as DetailedPeerCertificate,
          completed,
          this.#now(),
        );
      }
    }
    const { error, chainVerified } = verdict;
    const proc = this.#proc;
    if (proc === null) {
      if (error) throw error;
      return undefined;
    }
    const certificate = toElectronCertificate(peer as DetailedPeerCertificate);
    const validatedCertificate = completed
      ? linkedChain([...completed.path, completed.root])
      : validatedChain(certificate, missingRoot(peer as DetailedPeerCertificate, extraRoots));
    const errorCode = error?.errno ?? 0;
    const answer = await this.#ask(proc, `${hostname}\n${chainKey(certificate)}\n${errorCode}`, {
      hostname,
      certificate,
      validatedCertificate,
      isIssuedByKnownRoot: chainVerified && isKnownRoot(validatedCertificate),
      // Chromium's ErrorToString: "net::OK" or "net::ERR_CERT_...".
      verificationResult: `net::${error?.code ?? "OK"}`,
      errorCode,
    });
    if (answer === ACCEPT) return error?.code;
    if (answer === USE_DEFAULT) {
      if (error) throw error;
      return undefined;
    }
    throw typeof answer === "number" && Number.isInteger(answer) && answer < 0
      ? SessionError.fromErrno(answer)
      : new SessionError("ERR_FAILED");
  }

  // The certificates at one caIssuers URL; a failed fetch is forgotten, so a later handshake
  // tries again. Handshakes share a fetch in flight, which is aborted (and forgotten) once every
  // handshake that waits for it was aborted, as Chromium's CertNetFetcher cancels a job when its
  // last request is.
  #caIssuers(url: string, signal: AbortSignal | undefined): Promise<Uint8Array[]> {
    if (signal?.aborted) {
      return Promise.reject(new SessionError("ERR_ABORTED", { cause: signal.reason }));
    }
    let fetch = this.#issuers.get(url);
    if (fetch === undefined) {
      const controller = new AbortController();
      const started: IssuersFetch = {
        answer: this.#fetchCaIssuers(url, controller.signal).then(parseCaIssuers, () => {
          if (this.#issuers.get(url) === started) this.#issuers.delete(url);
          return [];
        }).finally(() => started.settled = true),
        controller,
        waiting: 0,
        settled: false,
      };
      fetch = started;
      this.#issuers.set(url, fetch);
      if (this.#issuers.size > MAX_CACHED_ISSUERS) {
        this.#issuers.delete(this.#issuers.keys().next().value!);
      }
    }
    // A handshake that cannot be aborted keeps the fetch going.
    if (signal === undefined || fetch.settled) {
      fetch.waiting = Infinity;
      return fetch.answer;
    }
    const shared = fetch;
    shared.waiting++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        reject(new SessionError("ERR_ABORTED", { cause: signal.reason }));
        if (--shared.waiting > 0 || shared.settled) return;
        shared.controller.abort();
        if (this.#issuers.get(url) === shared) this.#issuers.delete(url);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      shared.answer.then((certificates) => {
        signal.removeEventListener("abort", onAbort);
        resolve(certificates);
      });
    });
  }

  #ask(
    proc: CertificateVerifyProc,
    key: string,
    request: CertificateVerifyRequest,
  ): Promise<unknown> {
    const now = this.#now();
    const cached = this.#answers.get(key);
    this.#answers.delete(key);
    // CachingCertVerifier's validity: from the verification's start until the TTL, so a clock
    // set back before the start makes the verdict stale too.
    if (cached && now >= cached.start && now < cached.start + VERDICT_TTL_MS) {
      // Most recently used last, so eviction drops the longest-unused verdict.
      this.#answers.set(key, cached);
      return cached.answer;
    }
    const answer = callProc(proc, request);
    this.#answers.set(key, { answer, start: now });
    if (this.#answers.size > MAX_CACHED_VERDICTS) {
      this.#answers.delete(this.#answers.keys().next().value!);
    }
    return answer;
  }
}

/** Options for {@linkcode CertificateVerifier}. */
export interface CertificateVerifierOptions {
  /**
   * The clock that ages cached verdicts and dates fetched intermediates, in ms since the epoch;
   * default `Date.now`.
   */
  now?: () => number;
  /**
   * Reads the body at a certificate's `caIssuers` URL, to complete a chain the server sent
   * without its intermediate; default {@linkcode fetchCaIssuers} (straight to the host).
   */
  fetchCaIssuers?: CaIssuersFetch;
}

// One caIssuers URL's fetch, shared by the handshakes that wait for it.
interface IssuersFetch {
  /** The certificates served there; none when the fetch failed or was aborted. */
  answer: Promise<Uint8Array[]>;
  /** Aborts the fetch. */
  controller: AbortController;
  /** The abortable handshakes waiting; `Infinity` once one that cannot be aborted waits. */
  waiting: number;
  /** Whether the answer is in. */
  settled: boolean;
}

// A proc's answer (possibly still pending) and when its verification started, in ms.
interface CachedAnswer {
  answer: Promise<unknown>;
  start: number;
}

function callProc(
  proc: CertificateVerifyProc,
  request: CertificateVerifyRequest,
): Promise<unknown> {
  return new Promise((resolve) => {
    let answered = false;
    const callback = (result: unknown) => {
      // Electron's callback is a once-callback: later calls change nothing.
      if (answered) return;
      answered = true;
      resolve(result);
    };
    try {
      const returned: unknown = proc(request, callback);
      // An async proc that throws rejects its promise instead.
      if (isThenable(returned)) Promise.resolve(returned).catch(() => callback(REJECT));
    } catch {
      callback(REJECT);
    }
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null &&
    typeof (value as { then?: unknown }).then === "function";
}

function defaultVerdict(
  hostname: string,
  socket: TLSSocket,
  peer: DetailedPeerCertificate,
  extraRoots: readonly string[],
): DefaultVerdict {
  const reason = authorizationReason(socket);
  let chainError = reason === undefined || NAME_ERRORS.has(reason)
    ? undefined
    : CHAIN_ERRORS.get(reason) ?? "ERR_CERT_INVALID";
  let reaches: boolean | undefined;
  const reachesRoot = () => reaches ??= reachesTrustedRoot(peer, extraRoots);
  // OpenSSL keeps the last problem it met, and it checks dates after failing to find an
  // issuer; Chromium flags both, and an unknown issuer outranks a date.
  if (chainError === "ERR_CERT_DATE_INVALID" && !reachesRoot()) {
    chainError = "ERR_CERT_AUTHORITY_INVALID";
  }
  const chain = peerChain(peer);
  const policyError = chainPolicyError(chain, () => trustedPathLength(chain, extraRoots));
  // Deno's rustls refuses a SHA-1 or MD5 signature as an unknown issuer; the chain does reach a
  // trusted root, so the policy's error is the one Chromium gives.
  if (policyError && chainError === "ERR_CERT_AUTHORITY_INVALID" && reachesRoot()) {
    chainError = undefined;
  }
  // Deno's rustls says UNABLE_TO_VERIFY_LEAF_SIGNATURE of every chain it refuses. When each
  // signature checks out up to a trusted root, what it refused is the chain's shape (a name
  // outside an intermediate's nameConstraints, an intermediate that is no CA), which
  // Chromium's path builder reports as CERT_STATUS_INVALID.
  if (
    reason === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" && chainError === "ERR_CERT_AUTHORITY_INVALID" &&
    reachesRoot() && linksVerify(peer)
  ) {
    chainError = "ERR_CERT_INVALID";
  }
  const nameError = hostnameError(hostname, peer);
  return {
    // The policy's error first: where the TLS library reports the same code, the policy's
    // reason is the one given.
    error: worstError([
      [policyError, policyError && policyBreach(policyError)],
      [chainError, socket.authorizationError],
      [nameError && "ERR_CERT_COMMON_NAME_INVALID", nameError],
    ]),
    chainVerified: chainError === undefined && policyError === undefined,
    issuerMissing: chainError === "ERR_CERT_AUTHORITY_INVALID" && !reachesRoot(),
  };
}

// The verdict on a chain completed with fetched intermediates: what the TLS library could not
// check without them, checked here over the whole path (dates, Chromium's policy, the name).
function completedVerdict(
  hostname: string,
  peer: DetailedPeerCertificate,
  completed: CompletedChain,
  now: number,
): DefaultVerdict {
  const outOfDate = completed.path.find((cert) =>
    now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)
  );
  const path = completed.path.map((cert) => new Uint8Array(cert.raw));
  const policyError = chainPolicyError(path, () => path.length);
  const nameError = hostnameError(hostname, peer);
  return {
    error: worstError([
      [policyError, policyError && policyBreach(policyError)],
      [nameError && "ERR_CERT_COMMON_NAME_INVALID", nameError],
      [
        outOfDate && "ERR_CERT_DATE_INVALID",
        outOfDate &&
        new Error(
          `"${outOfDate.subject}" is valid from ${outOfDate.validFrom} to ${outOfDate.validTo}`,
        ),
      ],
    ]),
    chainVerified: policyError === undefined && outOfDate === undefined,
    issuerMissing: false,
  };
}

// Chromium's MapCertStatusToNetError reports the most serious of the errors found (the first
// of equal ones here), each given with its cause; `undefined` when none was found.
function worstError(
  found: ReadonlyArray<readonly [NetErrorCode | undefined, unknown]>,
): SessionError | undefined {
  let worst: readonly [NetErrorCode, unknown] | undefined;
  for (const [code, cause] of found) {
    if (code === undefined) continue;
    if (worst === undefined || SEVERITY.indexOf(code) < SEVERITY.indexOf(worst[0])) {
      worst = [code, cause];
    }
  }
  return worst && new SessionError(worst[0], { cause: worst[1] });
}

function policyBreach(code: NetErrorCode): Error {
  return new Error(`The certificate chain breaks Chromium's policy (${code})`);
}

function hostnameError(hostname: string, peer: DetailedPeerCertificate): Error | undefined {
  return verifyHostname(hostname, parseSubjectAltName(peer.subjectaltname))
    ? undefined
    : new Error(`The certificate's names do not cover "${hostname}": ${peer.subjectaltname}`);
}

let defaultRoots: readonly X509Certificate[] | undefined;

// Whether the chain the peer sent ends at, or is signed by, a root the socket trusts.
function reachesTrustedRoot(peer: DetailedPeerCertificate, extraRoots: readonly string[]) {
  try {
    const top = topOfChain(peer);
    const last = new X509Certificate(top.raw);
    return trustedRoots(extraRoots).some((root) => root.raw.equals(last.raw) || signs(root, last));
  } catch {
    // A certificate that cannot be parsed here keeps OpenSSL's verdict.
    return true;
  }
}

// How many of the sent certificates come before the trusted root a path ends at: the first
// that is a trusted root, or the one after the first that a trusted root signed (a trusted root
// holding the same name and key as a sent cross-certificate ends the path there, as Chromium's
// path builder takes the trust store's issuer first); undefined when none is reached.
function trustedPathLength(
  chain: readonly Uint8Array[],
  extraRoots: readonly string[],
): number | undefined {
  try {
    const roots = trustedRoots(extraRoots);
    for (let index = 0; index < chain.length; index++) {
      const cert = new X509Certificate(chain[index]!);
      if (roots.some((root) => root.raw.equals(cert.raw))) return index;
      if (roots.some((root) => signs(root, cert))) return index + 1;
    }
  } catch {
    // A certificate that cannot be parsed here ends no path.
  }
  return undefined;
}

// The trusted root that signed the top of the peer's chain when the peer left it out (Deno's
// getPeerCertificate stops at what the server sent; Bun's reaches the root).
function missingRoot(
  peer: DetailedPeerCertificate,
  extraRoots: readonly string[],
): X509Certificate | undefined {
  try {
    const last = new X509Certificate(topOfChain(peer).raw);
    if (last.checkIssued(last)) return undefined;
    return trustedRoots(extraRoots).find((root) => signs(root, last));
  } catch {
    return undefined;
  }
}

// The certificates the peer sent (Bun: up to the root), leaf first, as DER.
function peerChain(peer: DetailedPeerCertificate): Uint8Array[] {
  const chain: Uint8Array[] = [];
  let cert: DetailedPeerCertificate | undefined = peer;
  // Bounded: a self-signed certificate is its own issuer.
  for (let depth = 0; cert?.raw && depth < 16; depth++) {
    chain.push(cert.raw);
    if (cert.issuerCertificate?.fingerprint256 === cert.fingerprint256) break;
    cert = cert.issuerCertificate;
  }
  return chain;
}

// Whether every certificate the peer sent is signed by the next one, so there are at least two.
function linksVerify(peer: DetailedPeerCertificate): boolean {
  const chain = peerChain(peer);
  if (chain.length < 2) return false;
  try {
    const certs = chain.map((raw) => new X509Certificate(raw));
    return certs.every((cert, index) => {
      const issuer = certs[index + 1];
      return issuer === undefined || signs(issuer, cert);
    });
  } catch {
    return false;
  }
}

function topOfChain(peer: DetailedPeerCertificate): DetailedPeerCertificate {
  let top = peer;
  // Bounded: a self-signed certificate is its own issuer.
  for (let depth = 0; depth < 16; depth++) {
    const issuer = top.issuerCertificate;
    if (!issuer?.raw || issuer.fingerprint256 === top.fingerprint256) break;
    top = issuer;
  }
  return top;
}

function trustedRoots(extraRoots: readonly string[]): X509Certificate[] {
  defaultRoots ??= getCACertificates("default").map((pem) => new X509Certificate(pem));
  return [...defaultRoots, ...extraRoots.map((pem) => new X509Certificate(pem))];
}

// Chromium's verify_result.verified_cert: the chain the server sent, up to the trust anchor.
function validatedChain(
  certificate: Certificate,
  anchor: X509Certificate | undefined,
): Certificate {
  if (anchor === undefined) return certificate;
  return withRoot(certificate, toElectronCertificate(anchor.toLegacyObject()));
}

// The Electron chain of a path completed by AIA, leaf first, each linked to its issuer.
function linkedChain(path: readonly X509Certificate[]): Certificate {
  return path
    .map((cert) => toElectronCertificate(cert.toLegacyObject()))
    .reduceRight((issuer, cert) => withRoot(cert, issuer));
}

function withRoot(certificate: Certificate, root: Certificate): Certificate {
  const issuerCert = certificate.issuerCert ? withRoot(certificate.issuerCert, root) : root;
  // Electron's key order.
  return {
    data: certificate.data,
    issuer: certificate.issuer,
    issuerName: certificate.issuerName,
    issuerCert,
    subject: certificate.subject,
    subjectName: certificate.subjectName,
    serialNumber: certificate.serialNumber,
    validStart: certificate.validStart,
    validExpiry: certificate.validExpiry,
    fingerprint: certificate.fingerprint,
  };
}

function authorizationReason(socket: TLSSocket): string | undefined {
  if (socket.authorized) return undefined;
  // Typed as an Error, but Node, Deno and Bun all set the OpenSSL reason string.
  const value: unknown = socket.authorizationError;
  return typeof value === "string" ? value : "UNKNOWN";
}

function chainKey(certificate: Certificate): string {
  const fingerprints = [];
  for (let cert: Certificate | undefined = certificate; cert; cert = cert.issuerCert) {
    fingerprints.push(cert.fingerprint);
  }
  return fingerprints.join(" ");
}

let knownRoots: ReadonlySet<string> | undefined;

// Chromium's is_issued_by_known_root: the chain ends at one of the roots the TLS library ships
// (tls.rootCertificates), not at a root added by the user or the session.
function isKnownRoot(certificate: Certificate): boolean {
  knownRoots ??= new Set(rootCertificates.map((pem) => chromiumFingerprint(pemToDer(pem))));
  let root = certificate;
  while (root.issuerCert) root = root.issuerCert;
  return knownRoots.has(root.fingerprint);
}

function pemToDer(pem: string): Uint8Array {
  return Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
}
