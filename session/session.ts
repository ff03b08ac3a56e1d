/**
 * `Session`: Electron's session object, the facade over every subsystem.
 *
 * @module
 */

import { ElectronEvent } from "../core/electron_event.ts";
import { TypedEmitter } from "../core/typed_emitter.ts";
import { VERSION } from "../core/version.ts";
import type { Runtime } from "../core/runtime.ts";
import type {
  CertificateVerifyProc,
  NetworkEmulationOptions,
  PreconnectOptions,
  SSLConfig,
} from "../core/electron_types.ts";
import { NetService, type SessionFetch } from "../net/mod.ts";
import {
  AuthCache,
  type AuthInfo,
  type Credentials,
  type LoginDetails,
  NtlmAllowlist,
} from "../auth/mod.ts";
import { CookieJar, Cookies, SqliteCookieStore } from "../cookies/mod.ts";
import { join } from "node:path";
import { buildSessionPipeline, type SessionPipeline } from "./session_pipeline.ts";
import { platform } from "node:process";
import { acceptLanguageHeader } from "./accept_language.ts";
import { CONSTRUCT_SESSION } from "./_construct_session.ts";

/** The events a `Session` emits, with Electron's listener signatures. */
export type SessionEvents = {
  /** A response asked for a preconnect (`Link: <url>; rel=preconnect`). */
  preconnect: (event: ElectronEvent, preconnectUrl: string, allowCredentials: boolean) => void;
  /**
   * A server (401) or proxy (407) asks for credentials that neither the URL nor the auth cache
   * has (Electron's app `'login'` without the webContents). Call `event.preventDefault()` and
   * `callback(username, password)`, possibly later; `callback()` with no arguments, or no
   * `preventDefault()` before the listener returns (unless it called back at once), gives up
   * and the 401/407 response is returned as it is.
   */
  login: (
    event: ElectronEvent,
    authenticationResponseDetails: LoginDetails,
    authInfo: AuthInfo,
    callback: (username?: string, password?: string) => void,
  ) => void;
};

/** Options that count only when a session is first created. */
export interface SessionOptions {
  /** Whether to enable the HTTP cache; default true. */
  cache?: boolean;
}

/** What the registry tells a new session about itself. */
export interface SessionInit {
  /** Where the session stores data, or `null` when it lives in memory. */
  storagePath: string | null;
  /** Whether the HTTP cache is enabled. */
  cache: boolean;
  /** The runtime services to use. */
  runtime: Runtime;
}

/**
 * A browser-profile-like session: storage location, identity (user agent) and, as later
 * subsystems land, cookies, cache, proxy and the request pipeline. Get one from
 * `session.fromPartition`, `session.fromPath` or `session.defaultSession`; `new Session()`
 * throws.
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * const ses = session.fromPartition("example-in-memory");
 * ses.setUserAgent("demo/1.0", "en-US,fr");
 * console.log(ses.getUserAgent(), ses.isPersistent()); // demo/1.0 false
 * ```
 */
export class Session extends TypedEmitter<SessionEvents> {
  #storagePath: string | null;
  #cache: boolean;
  #userAgent: string;
  #acceptLanguages: string;
  #storageReady: Promise<void>;
  #net: NetService;
  #pipeline: SessionPipeline;
  #runtime: Runtime;
  #jar: CookieJar | undefined;
  #cookies: Cookies | undefined;
  #authCache = new AuthCache();
  #ntlmAllowlist = new NtlmAllowlist();

  /**
   * Not for callers: sessions come from the `session` module.
   *
   * @param token The registry's private token.
   * @param init The session's identity.
   */
  constructor(token?: symbol, init?: SessionInit) {
    if (token !== CONSTRUCT_SESSION || init === undefined) {
      throw new TypeError("Session cannot be created with new; use session.fromPartition()");
    }
    super();
    this.#net = new NetService({ connectTcp: init.runtime.connectTcp });
    this.#storagePath = init.storagePath;
    this.#runtime = init.runtime;
    this.#cache = init.cache;
    this.#userAgent = defaultUserAgent(init.runtime);
    this.#acceptLanguages = acceptLanguageHeader(defaultLanguages(init.runtime));
    this.#storageReady = init.storagePath === null
      ? Promise.resolve()
      : init.runtime.ensureDir(init.storagePath);
    // A failure to create the directory surfaces at the first operation that awaits it;
    // until then it must not count as an unhandled rejection.
    this.#storageReady.catch(() => {});
    this.#pipeline = buildSessionPipeline({
      net: this.#net,
      identity: {
        userAgent: () => this.#userAgent,
        acceptLanguage: () => this.#acceptLanguages,
      },
      cookies: {
        cookieHeader: (request) => this.#cookieJar().cookieHeader(request),
        storeSetCookies: (request, lines) => this.#cookieJar().storeSetCookies(request, lines),
      },
      auth: {
        cache: this.#authCache,
        login: (details, authInfo) => this.#login(details, authInfo),
        ntlmAllowed: (host) => this.#ntlmAllowlist.allows(host),
        hasLoginListener: () => this.listenerCount("login") > 0,
      },
      onPreconnectHint: ({ url, allowCredentials }) => {
        this.dispatch("preconnect", url, allowCredentials);
        this.preconnect({ url, numSockets: 1 });
      },
    });
  }

  /**
   * The session's cookies (Electron's `Cookies`), made on first access. Persistent sessions
   * keep them in `<storagePath>/Cookies`.
   */
  get cookies(): Cookies {
    return this.#cookies ??= new Cookies(this.#cookieJar());
  }

  /**
   * Forgets every credential of the HTTP authentication cache (Electron's
   * `ses.clearAuthCache()`), and closes idle connections, which NTLM may have authenticated.
   *
   * @returns Resolves when the cache is empty.
   */
  clearAuthCache(): Promise<void> {
    this.#authCache.clear();
    return this.#net.closeIdleConnections();
  }

  /**
   * Sets the servers that NTLM credentials may be sent to (Electron's
   * `ses.allowNTLMCredentialsForDomains`). Without a list NTLM is used only with credentials
   * given in the URL or the proxy URI; Negotiate (Kerberos) is not supported and is skipped.
   *
   * @param domains Comma-separated patterns: `*example.com, *foobar.com`, or `*` for all.
   * @throws {TypeError} `Error processing argument at index 0, conversion failure` for a
   * non-string.
   */
  allowNTLMCredentialsForDomains(domains: string): void {
    this.#ntlmAllowlist.set(domains);
  }

  #login(details: LoginDetails, authInfo: AuthInfo): Promise<Credentials | undefined> {
    if (this.listenerCount("login") === 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      let answered = false;
      const callback = (username?: unknown, password?: unknown) => {
        if (answered) return;
        answered = true;
        resolve(
          typeof username === "string"
            ? { username, password: typeof password === "string" ? password : "" }
            : undefined,
        );
      };
      const event = this.dispatch("login", { ...details }, { ...authInfo }, callback);
      // Electron cancels unless a listener prevented the default (or already called back).
      if (!event.defaultPrevented) callback();
    });
  }

  /**
   * Writes unwritten storage data (cookies) to disk now. Synchronous, as in Electron.
   */
  flushStorageData(): void {
    this.#jar?.flush();
  }

  #cookieJar(): CookieJar {
    if (this.#jar) return this.#jar;
    const runtime = this.#runtime;
    const store = this.#storagePath === null ? undefined : new SqliteCookieStore(
      join(this.#storagePath, "Cookies"),
      { openDatabase: (path) => runtime.openDatabase(path) },
    );
    return this.#jar = new CookieJar({ store });
  }

  /**
   * Fetches a resource through this session: its user agent, connections, TLS policy,
   * certificate hook and network emulation. The signature and `Response` are WHATWG
   * `fetch`'s; network failures reject with a `SessionError` such as
   * `net::ERR_CONNECTION_REFUSED`.
   *
   * @param input The URL or `Request`.
   * @param init Method, headers, body, `signal`, `redirect`.
   * @returns The response; its body streams from the socket.
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    return this.#pipeline.fetch(input, init);
  }

  /**
   * Opens idle connections to an origin so the next requests skip the handshakes.
   *
   * @param options `{url, numSockets}` with numSockets from 1 to 6 (default 1).
   * @throws {TypeError} `Must pass non-empty valid url to session.preconnect.` or
   * `numSocketsToPreconnect is outside range [1,6]`.
   */
  preconnect(options: PreconnectOptions): void {
    // Nothing waits on a preconnect, so its failures are dropped, as in Chromium.
    this.#net.preconnect(options).catch(() => {});
  }

  /**
   * Closes every connection of this session; in-flight requests fail with
   * `net::ERR_ABORTED`.
   *
   * @returns Resolves when the connections are closed.
   */
  closeAllConnections(): Promise<void> {
    return this.#net.closeAllConnections();
  }

  /**
   * Empties the host resolver cache.
   *
   * @returns Resolves when the cache is empty.
   */
  clearHostResolverCache(): Promise<void> {
    return this.#net.clearHostResolverCache();
  }

  /**
   * Sets the TLS versions and disabled cipher suites for connections opened from now on.
   *
   * @param config `{minVersion, maxVersion, disabledCipherSuites}`; versions `tls1` to `tls1.3`.
   */
  setSSLConfig(config: SSLConfig): void {
    this.#net.setSSLConfig(config);
  }

  /**
   * Sets the certificate verify proc, called after the default verification with Electron's
   * request object; `callback(0)` accepts, `-2` rejects, `-3` keeps the default result.
   * Verdicts are cached per host and certificate. `null` restores the default.
   *
   * @param proc The proc, or `null`.
   */
  setCertificateVerifyProc(proc: CertificateVerifyProc | null): void {
    this.#net.setCertificateVerifyProc(proc);
  }

  /**
   * Emulates network conditions for this session's requests.
   *
   * @param options `{offline, latency, downloadThroughput, uploadThroughput}`; rates in bytes/s,
   * latency in ms, 0 disables each.
   */
  enableNetworkEmulation(options: NetworkEmulationOptions): void {
    this.#net.enableNetworkEmulation(options);
  }

  /** Stops emulating network conditions. */
  disableNetworkEmulation(): void {
    this.#net.disableNetworkEmulation();
  }

  /**
   * @internal A door into this session's pipeline for requests of another Electron resource
   * type (`download`): the same stages, ids from the same counter.
   */
  fetchAs(resourceType: string): SessionFetch {
    return this.#pipeline.door(resourceType);
  }

  /** @internal Sockets this session has open, for tests and the demo. */
  get openSocketCount(): number {
    return this.#net.openSockets;
  }

  /**
   * The absolute directory where this session stores data, or `null` for an in-memory one.
   */
  get storagePath(): string | null {
    return this.#storagePath;
  }

  /**
   * Returns where this session stores data.
   *
   * @returns The absolute path, or `null` when the session lives in memory.
   */
  getStoragePath(): string | null {
    return this.#storagePath;
  }

  /**
   * Tells whether the session keeps its data on disk.
   *
   * @returns `true` for the default session, `persist:` partitions and `fromPath` sessions.
   */
  isPersistent(): boolean {
    return this.#storagePath !== null;
  }

  /**
   * Returns the user agent sent with every request of this session.
   *
   * @returns The User-Agent string.
   */
  getUserAgent(): string {
    return this.#userAgent;
  }

  /**
   * Overrides the user agent, and optionally the languages, for this session's requests.
   *
   * @param userAgent The User-Agent string.
   * @param acceptLanguages Comma-separated language tags, like `en-US,fr,de`, sent as
   * `Accept-Language: en-US,fr;q=0.9,de;q=0.8`.
   */
  setUserAgent(userAgent: string, acceptLanguages?: string): void {
    if (typeof userAgent !== "string") {
      throw new TypeError("Error processing argument at index 0, conversion failure");
    }
    if (acceptLanguages !== undefined && typeof acceptLanguages !== "string") {
      throw new TypeError("Error processing argument at index 1, conversion failure");
    }
    this.#userAgent = userAgent;
    if (acceptLanguages !== undefined) {
      this.#acceptLanguages = acceptLanguageHeader(acceptLanguages);
    }
  }

  /** @internal The `Accept-Language` value the pipeline sends. */
  get acceptLanguageHeader(): string {
    return this.#acceptLanguages;
  }

  /** @internal Whether the HTTP cache was enabled at creation. */
  get cacheEnabled(): boolean {
    return this.#cache;
  }

  /** @internal Resolves once the storage directory exists (at once for in-memory sessions). */
  storageReady(): Promise<void> {
    return this.#storageReady;
  }

  /** @internal Emits an Electron event with a fresh event object. */
  dispatch<K extends keyof SessionEvents>(
    name: K,
    ...args: DropFirst<Parameters<SessionEvents[K]>>
  ): ElectronEvent {
    const event = new ElectronEvent();
    this.emit(name, ...([event, ...args] as unknown as Parameters<SessionEvents[K]>));
    return event;
  }
}

type DropFirst<T extends unknown[]> = T extends [unknown, ...infer Rest] ? Rest : never;

function defaultUserAgent(runtime: Runtime): string {
  const runtimeName = runtime.name === "deno" ? "Deno" : "Bun";
  return `Mozilla/5.0 (${platformToken()}) AppleWebKit/537.36 (KHTML, like Gecko) ` +
    `ses/${VERSION} ${runtimeName}/${runtime.version} Safari/537.36`;
}

function platformToken(): string {
  // Chromium reports these frozen platform tokens; servers sniff them, so copy them exactly.
  switch (platform) {
    case "darwin":
      return "Macintosh; Intel Mac OS X 10_15_7";
    case "win32":
      return "Windows NT 10.0; Win64; x64";
    default:
      return "X11; Linux x86_64";
  }
}

function defaultLanguages(runtime: Runtime): string {
  // LANG looks like "fr_FR.UTF-8"; Chromium would send "fr-FR,fr".
  const lang = runtime.env("LC_ALL") || runtime.env("LANG") || "";
  const match = /^([a-z]{2,3})(?:_([A-Z]{2}))?/.exec(lang);
  if (!match || match[1] === undefined) return "en-US,en";
  return match[2] ? `${match[1]}-${match[2]},${match[1]}` : match[1];
}
