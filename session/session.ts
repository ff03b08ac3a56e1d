/**
 * `Session`: Electron's session object, the facade over every subsystem.
 *
 * @module
 */

import { netInfo } from "./net_info.ts";
import { methodArgumentError } from "../core/conversion_error.ts";
import { ElectronEvent } from "../core/electron_event.ts";
import { TypedEmitter } from "../core/typed_emitter.ts";
import { VERSION } from "../core/version.ts";
import type { Runtime } from "../core/runtime.ts";
import type {
  CertificateVerifyProc,
  NetworkEmulationOptions,
  PreconnectOptions,
  ProxyConfig,
  SSLConfig,
} from "../core/electron_types.ts";
import {
  NetService,
  type SessionFetch,
  type SessionFetchInit,
  TransportSecurityState,
} from "../net/mod.ts";
import {
  AuthCache,
  type AuthInfo,
  type Credentials,
  type LoginDetails,
  preemptiveProxyAuthorization,
  withProxyAuth,
} from "../auth/mod.ts";
import { CookieJar, Cookies, SqliteCookieStore } from "../cookies/mod.ts";
import {
  type CreateInterruptedDownloadOptions,
  type DownloadItem,
  DownloadManager,
  type DownloadURLOptions,
} from "../downloads/mod.ts";
import { join, resolve } from "node:path";
import { PreferencesFile } from "../core/preferences_file.ts";
import {
  storedDownloadDirectory,
  storeDownloadDirectory,
} from "./download_directory_preference.ts";
import { blobData } from "../core/blob_registry.ts";
import {
  DnrEngine,
  type Extension,
  Extensions,
  type ExtensionsEvents,
  type LoadExtensionOptions,
} from "../extensions/mod.ts";
import { type ClearCodeCachesOptions, CodeCache } from "./code_cache.ts";
import {
  type ResolvedHost,
  resolvedHost,
  type ResolveHostOptions,
  resolveHostRequest,
} from "./resolve_host.ts";
import {
  type PreloadScript,
  type PreloadScriptRegistration,
  PreloadScripts,
} from "./preload_scripts.ts";
import { ServiceWorkers } from "./service_workers.ts";
import { SessionSpellcheck, type SessionSpellCheckOptions } from "./session_spellcheck.ts";
import { applicationLocale, type Misspelling } from "../spellcheck/mod.ts";
import {
  type ChromiumImportSummary,
  readStorageStateOption,
  StorageData,
  type StorageStateOptions,
} from "./storage_data.ts";
import type {
  ClearDataOptions,
  ClearStorageDataOptions,
  StorageState,
  StorageStateInput,
  WebStorage,
} from "../storage/mod.ts";
import { Buffer } from "node:buffer";
import { HttpCache } from "../cache/mod.ts";
import { buildSessionPipeline, type SessionPipeline } from "./session_pipeline.ts";
import { ProxyResolver, tunnelHandshake } from "../proxy/mod.ts";
import { platform } from "node:process";
import { acceptLanguageHeader } from "./accept_language.ts";
import { ntlmAllowlist } from "./ntlm_allowlist.ts";
import { CONSTRUCT_SESSION } from "./_construct_session.ts";
import { movedApiWarning } from "./deprecate.ts";
import {
  isolationKeyProblem,
  type SharedDictionaryInfo,
  type SharedDictionaryIsolationKey,
  type SharedDictionaryUsageInfo,
} from "./shared_dictionaries.ts";
import {
  type BluetoothPairingHandler,
  checkHandlerArgument,
  type USBProtectedClassesHandler,
} from "./usb_bluetooth_handlers.ts";
import { WebRequest } from "../web_request/mod.ts";
import { Protocol } from "../protocol/mod.ts";
import { NetLog } from "../netlog/mod.ts";
import {
  builtinDictionaryFor,
  DictionaryDownloadUrl,
  type SpellcheckDictionaryEvent,
  type SpellcheckDictionaryProvider,
  SpellCheckerSettings,
} from "../spellcheck/mod.ts";
import {
  type DevicePermissionHandler,
  type DisplayMediaRequestHandler,
  type DisplayMediaRequestHandlerOptions,
  Hid,
  type HidSessionEvents,
  type PermissionCheckHandler,
  type PermissionRequestHandler,
  Permissions,
  Serial,
  type SerialEvents,
} from "../devices/mod.ts";
import { createLibcSerialIo, openHidapiBackend } from "../runtime/mod.ts";

/**
 * The events a `Session` emits, with Electron's listener signatures; the WebHID ones
 * (`select-hid-device`, `hid-device-added`, `-removed`, `-revoked`) and the serial ones
 * (`select-serial-port`, `serial-port-added`, `-removed`, `-revoked`) come from devices/, the
 * `extension-loaded` / `-ready` / `-unloaded` ones from extensions/ (fired on `ses.extensions`
 * and, with an event object of their own, on the session, where Electron's session
 * documentation lists them).
 */
export type SessionEvents = HidSessionEvents & SerialEvents & ExtensionsEvents & {
  /**
   * A response asked for a preconnect (`Link: <url>; rel=preconnect`). `preconnectUrl` is the
   * hint's origin as `scheme://host[:port]/`, as Electron gives it (no credentials or path);
   * `allowCredentials` is false for a `crossorigin` (anonymous) hint. A listener that throws is
   * reported on `console.error`.
   */
  preconnect: (event: ElectronEvent, preconnectUrl: string, allowCredentials: boolean) => void;
  /** A download is about to start; `event.preventDefault()` cancels it. No web contents: `null`. */
  "will-download": (event: ElectronEvent, item: DownloadItem, webContents: null) => void;
  /**
   * A server (401) or proxy (407) asks for credentials that neither the URL nor the auth cache
   * has (Electron's app `'login'` without the webContents; `authenticationResponseDetails` is
   * `{url, firstAuthAttempt, responseHeaders}`, `authInfo` `{isProxy, scheme, host, port,
   * realm}`). Call `event.preventDefault()` and `callback(username, password)`, possibly
   * later; `callback()` without both strings, or no `preventDefault()` before the listener
   * returns (unless it called back at once), gives up and the 401/407 response is returned as
   * it is; so does a listener that throws, or an async one that rejects before it called back
   * (its error reported on `console.error`).
   */
  login: (
    event: ElectronEvent,
    authenticationResponseDetails: LoginDetails,
    authInfo: AuthInfo,
    callback: (username?: string, password?: string) => void,
  ) => void;
  /** A language's hunspell dictionary is ready (found valid on disk, built in, or downloaded). */
  "spellcheck-dictionary-initialized": (event: ElectronEvent, languageCode: string) => void;
  /** A language's dictionary starts downloading. */
  "spellcheck-dictionary-download-begin": (event: ElectronEvent, languageCode: string) => void;
  /** A language's dictionary was downloaded and saved. */
  "spellcheck-dictionary-download-success": (event: ElectronEvent, languageCode: string) => void;
  /** A language's dictionary could not be downloaded or saved; tried again on the next change. */
  "spellcheck-dictionary-download-failure": (event: ElectronEvent, languageCode: string) => void;
  /**
   * Beyond Electron: a dictionary download's progress, after each body chunk between
   * `-download-begin` and its end: the bytes received so far and the response's
   * `Content-Length` (0 when it has none).
   */
  "spellcheck-dictionary-download-progress": (
    event: ElectronEvent,
    languageCode: string,
    receivedBytes: number,
    totalBytes: number,
  ) => void;
};

/** Options that count only when a session is first created. */
export interface SessionOptions {
  /** Whether to enable the HTTP cache; default true. */
  cache?: boolean;
  /**
   * Cookies and local storage to start with (an @ses addition, like Playwright's
   * `newContext({storageState})`): Playwright's state object, or the path of its JSON file.
   */
  storageState?: StorageStateInput | string;
}

/** What the registry tells a new session about itself. */
export interface SessionInit {
  /** Where the session stores data, or `null` when it lives in memory. */
  storagePath: string | null;
  /** Whether the HTTP cache is enabled. */
  cache: boolean;
  /** The runtime services to use. */
  runtime: Runtime;
  /** The default download directory (`app.getPath("downloads")`); default `~/Downloads`. */
  downloadsPath?: () => string;
  /**
   * The app-wide spellchecker dictionaries folder (`<userData>/Dictionaries`); default
   * `Dictionaries` in the session's directory (the temporary directory in memory).
   */
  dictionariesPath?: () => string;
  /** The app's dictionary download base URL, shared by its sessions; default its own. */
  dictionaryDownloadUrl?: DictionaryDownloadUrl;
}

/**
 * A browser-profile-like session: storage location, identity (user agent), cookies, HTTP cache,
 * proxy settings, webRequest hooks, protocol handlers, downloads and the request pipeline
 * behind `fetch`. Get one from
 * `session.fromPartition`, `session.fromPath` or `session.defaultSession`; `new Session()`
 * throws Electron's `Session objects cannot be created with 'new'`.
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
  // The header values as byte strings: the UTF-8 bytes of the text, one char per byte.
  #userAgentHeader: string;
  #acceptLanguages: string;
  #storageReady: Promise<void>;
  #net: NetService;
  #pipeline: SessionPipeline;
  #runtime: Runtime;
  #jar: CookieJar | undefined;
  #cookies: Cookies | undefined;
  #downloadsPath: () => string;
  #downloads?: DownloadManager;
  // The partition's Preferences as far as the download directory goes; null in memory.
  #downloadPreferences: PreferencesFile | null;
  #dnr = new DnrEngine();
  #extensions?: Extensions;
  #preloads = new PreloadScripts();
  #codeCache: CodeCache;
  #serviceWorkers?: ServiceWorkers;
  #proxy: ProxyResolver;
  #pacNet: NetService | undefined;
  #pacFetch: SessionFetch | undefined;
  // What the PAC fetcher's service must verify certificates with, as the session's own requests:
  // Chromium fetches PAC scripts in the same network context.
  #sslConfig: SSLConfig | undefined;
  #verifyProc: CertificateVerifyProc | null = null;
  #httpCache: HttpCache;
  #webRequest = new WebRequest();
  #netLog = new NetLog(() =>
    netInfo({ proxy: this.#proxy, net: this.#net, cache: this.#httpCache })
  );
  #protocol: Protocol;
  #authCache = new AuthCache();
  /** The servers NTLM may be used with (`allowNTLMCredentialsForDomains`); none at first. */
  #ntlmAllowed: (server: URL) => boolean = () => false;
  #storageData: StorageData;
  #spellchecker: SpellCheckerSettings;
  #dictionaryDownloadUrl: DictionaryDownloadUrl;
  #permissions = new Permissions();
  #hid?: Hid;
  #spellcheck: SessionSpellcheck;
  #serial?: Serial;
  #transportSecurity: TransportSecurityState;

  /**
   * Not for callers: sessions come from the `session` module.
   *
   * @param token The registry's private token.
   * @param init The session's identity.
   */
  constructor(token?: symbol, init?: SessionInit) {
    if (token !== CONSTRUCT_SESSION || init === undefined) {
      // Electron's words (Session::New); sessions come from session.fromPartition/fromPath.
      throw new Error("Session objects cannot be created with 'new'");
    }
    super();
    // First: an environment PAC URL starts loading as the resolver is made, over the runtime's
    // sockets and look-up (#pacNetService).
    this.#runtime = init.runtime;
    this.#proxy = new ProxyResolver({
      env: (name) => init.runtime.env(name),
      fetchPac: (url, requestInit) => this.#fetchPac(url, requestInit),
      netLog: this.#netLog,
    });
    const authPolicy = {
      cache: this.#authCache,
      login: (details: LoginDetails, authInfo: AuthInfo) => this.#login(details, authInfo),
      ntlmAllowed: (server: URL) => this.#ntlmAllowed(server),
    };
    this.#net = new NetService({
      connectTcp: init.runtime.connectTcp,
      lookupHost: init.runtime.lookupHost,
      proxies: this.#proxy,
      // One authorizer per handshake, so NTLM's legs and a rejected cached login are told apart;
      // a CONNECT carries the session's User-Agent, as Chromium's tunnels do.
      proxyHandshake: withProxyAuth(
        (socket, proxy, target, options) =>
          tunnelHandshake(socket, proxy, target, { ...options, userAgent: this.#userAgentHeader }),
        authPolicy,
      ),
      proxyAuthorization: preemptiveProxyAuthorization(this.#authCache),
    });
    this.#storagePath = init.storagePath;
    this.#downloadsPath = init.downloadsPath ?? (() => join(init.runtime.homeDir(), "Downloads"));
    this.#downloadPreferences = init.storagePath === null
      ? null
      : new PreferencesFile(join(init.storagePath, "Preferences"), {
        files: init.runtime,
        what: "the download directory",
      });
    this.#cache = init.cache;
    this.#userAgent = defaultUserAgent(init.runtime);
    this.#userAgentHeader = utf8ByteString(this.#userAgent);
    const locale = osLocale(init.runtime);
    this.#acceptLanguages = utf8ByteString(acceptLanguageHeader(applicationLocale(locale)));
    this.#storageReady = init.storagePath === null
      ? Promise.resolve()
      : init.runtime.ensureDir(init.storagePath);
    // A failure to create the directory surfaces at the first operation that awaits it;
    // until then it must not count as an unhandled rejection.
    this.#storageReady.catch(() => {});
    this.#codeCache = new CodeCache(init.runtime, init.storagePath);
    this.#httpCache = new HttpCache({
      directory: init.storagePath === null ? null : join(init.storagePath, "Cache"),
      runtime: init.runtime,
      enabled: init.cache,
    });
    this.#storageData = new StorageData({
      storagePath: init.storagePath,
      runtime: init.runtime,
      jar: () => this.#cookieJar(),
      clearHttpCache: (urlMatches) => this.#httpCache.clear(urlMatches),
      closeIdleConnections: () => this.#net.closeIdleConnections(),
    });
    this.#protocol = new Protocol({
      fetch: (input, init) => this.fetch(input, init),
      // Electron's `session: null` answer: a new in-memory context per answer. Its idle
      // connections are unreferenced and swept like any session's.
      independentFetch: (input, requestInit) =>
        new Session(CONSTRUCT_SESSION, { storagePath: null, cache: true, runtime: init.runtime })
          .fetch(input, requestInit),
    });
    this.#dictionaryDownloadUrl = init.dictionaryDownloadUrl ?? new DictionaryDownloadUrl();
    this.#spellchecker = new SpellCheckerSettings({
      storagePath: init.storagePath,
      dictionariesDirectory: init.dictionariesPath ??
        (() => join(init.storagePath ?? init.runtime.tempDir(), "Dictionaries")),
      downloadBaseUrl: () => this.#dictionaryDownloadUrl.get(),
      fetch: (url, requestInit) => this.fetch(url, requestInit),
      files: init.runtime,
      builtinDictionary: builtinDictionaryFor,
      locale,
      emit: (name, language) => this.dispatch(name, language),
      progress: (language, received, total) =>
        this.dispatch("spellcheck-dictionary-download-progress", language, received, total),
    });
    this.#spellcheck = new SessionSpellcheck(init.runtime, this.#spellchecker);
    // Chromium's profile file name and format, so the two can be compared (and a profile's
    // state read): the hosts are hashed. One state for the session's requests and its PAC
    // fetches, which share a URLRequestContext in Chromium.
    this.#transportSecurity = new TransportSecurityState({
      path: init.storagePath === null ? null : join(init.storagePath, "TransportSecurity"),
    });
    this.#pipeline = buildSessionPipeline({
      webRequest: this.#webRequest,
      protocol: this.#protocol,
      net: this.#net,
      dnr: this.#dnr,
      identity: {
        userAgent: () => this.#userAgentHeader,
        acceptLanguage: () => this.#acceptLanguages,
      },
      cookies: {
        cookieHeader: (request, onInclusion) =>
          this.#cookieJar().cookieHeader(request, onInclusion),
        storeSetCookies: (request, lines, onInclusion, serverTime) =>
          this.#cookieJar().storeSetCookies(request, lines, onInclusion, serverTime),
      },
      auth: {
        ...authPolicy,
        hasLoginListener: () => this.listenerCount("login") > 0,
        proxyCredentials: () => this.#proxy.hasProxyCredentials,
      },
      onPreconnectHint: ({ url, allowCredentials }) => {
        try {
          this.dispatch("preconnect", url, allowCredentials);
        } catch (error) {
          // A listener that throws is the caller's bug: it is reported, as a throwing 'login'
          // listener is, and neither fails the response that carried the hint nor its preconnect.
          console.error("Session 'preconnect' listener failed:", error);
        }
        this.preconnect({ url, numSockets: 1 });
      },
      httpCache: this.#httpCache.middleware,
      onDecodingFailed: (url) => this.#httpCache.forget(url),
      netLog: this.#netLog,
      transportSecurity: this.#transportSecurity,
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
   * The session's net log (Electron's `NetLog`): `startLogging(path, {captureMode,
   * maxFileSize})` records every request of this session in Chromium's net log format.
   */
  get netLog(): NetLog {
    return this.#netLog;
  }

  /**
   * Web Serial for this session (`navigator.serial`, an @ses addition: Electron reaches it only
   * from a page): `requestPort({filters}, {origin})` through `'select-serial-port'`,
   * `getPorts({origin})`, `addPortPath(path)` for ports sysfs does not list (ptys), and
   * `listPorts()`. Ports are Web Serial `SerialPort`s over termios (Linux).
   */
  get serial(): Serial {
    return this.#serial ??= new Serial({
      io: createLibcSerialIo(this.#runtime),
      checkPermission: (permission, origin, details) =>
        this.#permissions.check(permission, origin, { ...details }),
      devicePermissionHandler: () => {
        const handler = this.#permissions.devicePermissionHandler;
        return handler === null ? null : (details) => Boolean(handler(details));
      },
      // The serial event map is part of SessionEvents, so the names and arguments line up.
      dispatch: (name, ...args) =>
        (this.dispatch as (name: string, ...args: unknown[]) => ElectronEvent)(name, ...args),
      listenerCount: (name) => this.listenerCount(name),
    });
  }

  /** The session's request hooks (Electron's `WebRequest`). */
  get webRequest(): WebRequest {
    return this.#webRequest;
  }

  /**
   * The session's custom schemes and interceptors (Electron's `Protocol`): a scheme handled
   * here is unknown to every other session.
   */
  get protocol(): Protocol {
    return this.#protocol;
  }

  /**
   * The session's permission state (an @ses addition: Electron keeps it inside): the handlers
   * set below, `request(permission, {origin, ...details})` and `check(permission, origin,
   * details)` for headless programs (origin default `"file://"`), and the per-origin device
   * grants the device flows record.
   */
  get permissions(): Permissions {
    return this.#permissions;
  }

  /**
   * Sets the handler that answers permission requests (Electron's
   * `ses.setPermissionRequestHandler`): `(webContents: null, permission, callback(granted),
   * {requestingUrl, isMainFrame, ...})`. Without one every request is granted; `null` clears
   * it and denies the requests still waiting.
   *
   * @param handler The handler or `null`.
   * @throws {TypeError} `Must pass null or function`; `Insufficient number of arguments.` when
   * called with none (Chromium gin's words).
   */
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    requireArgument(arguments.length);
    this.#permissions.setPermissionRequestHandler(handler);
  }

  /**
   * Sets the handler that answers permission checks (Electron's
   * `ses.setPermissionCheckHandler`): `(webContents: null, permission, requestingOrigin,
   * details) => boolean`, `requestingOrigin` the origin as a URL (`https://a.test/`), as
   * Electron passes it. Without one every check passes but `deprecated-sync-clipboard-read`.
   *
   * @param handler The handler or `null`.
   * @throws {TypeError} `Must pass null or function`; `Insufficient number of arguments.` when
   * called with none (Chromium gin's words).
   */
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    requireArgument(arguments.length);
    this.#permissions.setPermissionCheckHandler(handler);
  }

  /**
   * Sets the handler that decides device access (Electron's `ses.setDevicePermissionHandler`):
   * `({deviceType, origin, device}) => boolean`. While set it replaces the stored persistent
   * grants.
   *
   * @param handler The handler or `null`.
   * @throws {TypeError} `Must pass null or function`; `Insufficient number of arguments.` when
   * called with none (Chromium gin's words).
   */
  setDevicePermissionHandler(handler: DevicePermissionHandler | null): void {
    requireArgument(arguments.length);
    this.#permissions.setDevicePermissionHandler(handler);
  }

  /**
   * Electron's `ses.setUSBProtectedClassesHandler`: checked, then never called, as no renderer
   * asks for WebUSB here.
   *
   * @param handler `({protectedClasses}) => protectedClasses`, or `null`.
   * @throws {TypeError} `Must pass null or function`; `Insufficient number of arguments.` when
   * called with none (Chromium gin's words).
   */
  setUSBProtectedClassesHandler(handler: USBProtectedClassesHandler | null): void {
    requireArgument(arguments.length);
    checkHandlerArgument(handler);
  }

  /**
   * Electron's `ses.setBluetoothPairingHandler`: checked, then never called, as no renderer
   * asks for Web Bluetooth here.
   *
   * @param handler `(details, callback({confirmed, pin}))`, or `null`.
   * @throws {TypeError} `Must pass null or function`; `Insufficient number of arguments.` when
   * called with none (Chromium gin's words).
   */
  setBluetoothPairingHandler(handler: BluetoothPairingHandler | null): void {
    requireArgument(arguments.length);
    checkHandlerArgument(handler);
  }

  /**
   * Sets the handler that answers screen capture requests (Electron's
   * `ses.setDisplayMediaRequestHandler`): `(request, callback(streams))`, with `request`
   * `{frame: null, securityOrigin, userGesture, videoRequested, audioRequested,
   * preferredDisplaySurface}` (`securityOrigin` a URL: `https://a.test/`) and `streams`
   * `{video: {id, name}, audio: 'loopback' | 'loopbackWithMute'}`, or `callback(null)` to
   * refuse. Headless programs ask through `ses.permissions.requestDisplayMedia({origin, video,
   * audio})`, which resolves with the sources chosen; nothing is captured.
   *
   * @param handler The handler or `null`.
   * @param options `{useSystemPicker}`: Linux has no system picker, so it changes nothing.
   * @throws {TypeError} `Display media request handler must be null or a function`.
   */
  setDisplayMediaRequestHandler(
    handler: DisplayMediaRequestHandler | null,
    options?: DisplayMediaRequestHandlerOptions,
  ): void {
    this.#permissions.setDisplayMediaRequestHandler(handler, options);
  }

  /**
   * WebHID for this session (an @ses addition, the headless `navigator.hid`):
   * `requestDevice({filters, exclusionFilters}, {origin})` runs the check handler and the
   * `'select-hid-device'` event, `getDevices({origin})` lists granted devices. Devices come from
   * hidapi (`libhidapi-hidraw0`), loaded on first use.
   */
  get hid(): Hid {
    return this.#hid ??= new Hid({
      backend: () => openHidapiBackend(this.#runtime),
      permissions: this.#permissions,
      events: {
        dispatch: (name, ...args) => this.dispatch(name, ...args),
        listenerCount: (name) => this.listenerCount(name),
      },
    });
  }

  /**
   * Forgets every credential of the HTTP authentication cache (Electron's
   * `ses.clearAuthCache()`), closes idle connections, which NTLM may have authenticated, and
   * keeps those in use from serving another request once their exchange ends, as Chromium's
   * `NetworkContext::ClearHttpAuthCache` closes all connections (in-use ones end with their
   * request).
   *
   * @returns Resolves when the cache is empty.
   */
  clearAuthCache(): Promise<void> {
    this.#authCache.clear();
    return this.#net.retireConnections();
  }

  /**
   * Sets the servers that NTLM credentials may be sent to (Electron's
   * `ses.allowNTLMCredentialsForDomains`). Without a list NTLM is used with a server only for
   * credentials given in its URL; every proxy may get NTLM, as Chromium's
   * `HttpAuthFilterAllowlist` passes proxies. Negotiate (Kerberos) is not supported and is
   * skipped.
   *
   * @param domains Chromium's proxy bypass rules, matched against the server's origin:
   * `*example.com, *foobar.com`, `*` for all, `<local>` for names without a dot, `10.0.0.0/8`,
   * `intranet:8080`, separated by `,` or `;`.
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from <value>`
   * for a non-string, `Insufficient number of arguments.` for none (Chromium gin's words).
   */
  allowNTLMCredentialsForDomains(domains: string): void {
    requireArgument(arguments.length);
    if (typeof domains !== "string") throw methodArgumentError(0, domains);
    this.#ntlmAllowed = ntlmAllowlist(domains);
  }

  #login(details: LoginDetails, authInfo: AuthInfo): Promise<Credentials | undefined> {
    if (this.listenerCount("login") === 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      let answered = false;
      const callback = (username?: unknown, password?: unknown) => {
        if (answered) return;
        answered = true;
        // Electron's LoginHandler::CallbackFromJS reads two strings; when either read fails
        // it cancels, so `callback(username)` alone sends nothing.
        resolve(
          typeof username === "string" && typeof password === "string"
            ? { username, password }
            : undefined,
        );
      };
      // A listener that throws, or an async one that rejects, is the caller's bug: it is
      // reported, as a throwing webRequest listener is, and the login given up unless it was
      // answered first (a later answer is ignored), so the request neither fails with the
      // listener's error nor waits for nothing.
      const failed = (error: unknown) => {
        console.error("Session 'login' listener failed:", error);
        callback();
      };
      const event = new ElectronEvent();
      let prevented: boolean;
      try {
        this.emitCatching("login", failed, event, { ...details }, { ...authInfo }, callback);
        prevented = event.defaultPrevented;
      } catch (error) {
        console.error("Session 'login' listener failed:", error);
        prevented = false;
      }
      // Electron cancels unless a listener prevented the default (or already called back).
      if (!prevented) callback();
    });
  }

  /**
   * Writes unwritten storage data (cookies, local storage) to disk now. Synchronous, as in
   * Electron.
   */
  flushStorageData(): void {
    this.#storageData.flush(this.#jar);
  }

  /**
   * The `localStorage` of an origin in this session (an @ses addition: Electron reaches it only
   * from a page). Persistent sessions keep it in `Local Storage/`, shared with other processes.
   *
   * @param origin A URL or origin, like `https://a.test`.
   * @returns A `Storage`-like object (getItem, setItem, removeItem, clear, key, length); a
   * `setItem` past 10 MiB per origin throws a `QuotaExceededError` `DOMException`.
   * @throws {TypeError} `Invalid origin: '<spec>'`.
   */
  localStorage(origin: string): WebStorage {
    return this.#storageData.localStorage(origin);
  }

  /**
   * Clears storage data (Electron's `ses.clearStorageData`): `cookies` and `localstorage` are
   * kept here; the other names have nothing to clear. With `origin`, only that origin's local
   * storage and the host-only cookies of its host go; an `origin` that is no URL (an opaque
   * origin) clears everything, as in Electron. Never rejects.
   *
   * @param options `{origin, storages, quotas}`; no `storages` clears all.
   * @returns Resolves when cleared.
   */
  clearStorageData(options?: ClearStorageDataOptions): Promise<void> {
    return this.#storageData.clearStorageData(options);
  }

  /**
   * Clears browsing data (Electron's `ses.clearData`): `cookies` (by registrable domain),
   * `localStorage` (by origin), `cache` (the HTTP cache entries of the matching origins, every
   * entry when no origin list is given), `downloads` (no history is kept); other types have
   * nothing to clear here.
   *
   * @param options `{dataTypes, origins | excludeOrigins, avoidClosingConnections,
   * originMatchingMode}`.
   * @returns Resolves when cleared; rejects with `Failed to clear data` (`failedDataTypes`).
   * @throws {TypeError} `Cannot provide both 'origins' and 'excludeOrigins'`;
   * `Invalid origin: '<spec>'`.
   */
  clearData(options?: ClearDataOptions): Promise<void> {
    return this.#storageData.clearData(options);
  }

  /**
   * This session's cookies and local storage in Playwright's `storageState` format (an @ses
   * addition).
   *
   * @param options `{path}`: also write the JSON there (`JSON.stringify(state, undefined, 2)`).
   * @returns The state.
   * @throws {TypeError} (rejects) `Invalid storageState options: "path" must be a non-empty
   * string (got <JSON>)`.
   */
  storageState(options?: StorageStateOptions | null): Promise<StorageState> {
    return this.#storageData.storageState(options);
  }

  /**
   * Adds a Playwright storage state's cookies and local storage to this session (an @ses
   * addition).
   *
   * @param state The state (Playwright's file parsed, or cookies in `addCookies` form), or the
   * path of Playwright's JSON file.
   * @throws {TypeError} `Invalid storageState: ...` or `Cannot import cookies: ...`.
   * @throws {Error} `Cannot read storageState file "<path>": <reason>`.
   * @throws {SyntaxError} `Invalid storageState: "<path>" is not JSON (...)`.
   */
  importStorageState(state: StorageStateInput | string): void {
    this.#storageData.import(readStorageStateOption(state));
  }

  /**
   * Imports the cookies and local storage of a Chromium or Electron profile on Linux (an @ses
   * addition): cookie values stored in the clear and `v10` values; `v11` (keyring) values are
   * skipped and counted; `Local Storage/leveldb` read through `classic-level`.
   *
   * @param profileDir The profile directory, like `~/.config/chromium/Default`.
   * @returns `{cookiesPath, imported, skippedKeyring, skippedUnreadable, localStorageOrigins,
   * localStorageItems, localStorageSkipped}`.
   * @throws {Error} (rejects) `No Cookies database in "<dir>"`; `Cannot import cookies: ...`.
   */
  importChromiumProfile(profileDir: string): Promise<ChromiumImportSummary> {
    return this.#storageData.importChromiumProfile(profileDir);
  }

  /** @internal The storage data, for `fromPartition`'s `storageState`. */
  get storageData(): StorageData {
    return this.#storageData;
  }

  #cookieJar(): CookieJar {
    if (this.#jar) return this.#jar;
    const runtime = this.#runtime;
    let store: SqliteCookieStore | undefined;
    if (this.#storagePath !== null) {
      const path = join(this.#storagePath, "Cookies");
      try {
        store = new SqliteCookieStore(path, { openDatabase: (file) => runtime.openDatabase(file) });
      } catch (error) {
        // An unwritable or locked profile must not stop the session: keep cookies in memory.
        console.warn(
          `Cannot open cookie database "${path}" (${String(error)}); cookies stay in memory`,
        );
      }
    }
    return this.#jar = new CookieJar({ store });
  }

  /**
   * Fetches a resource through this session: its user agent, cookies, webRequest hooks,
   * protocol handlers, connections, TLS policy, certificate hook and network emulation. The
   * signature and `Response` are WHATWG `fetch`'s; network failures reject with a
   * `SessionError` such as `net::ERR_CONNECTION_REFUSED`. `file:` URLs and schemes with a
   * handler are answered without the network. `data:`, `blob:` and `about:` URLs, and any
   * other scheme without a handler, reject with `net::ERR_UNKNOWN_URL_SCHEME`, as Electron's
   * `net.fetch` (which documents that it does not support `data:` or `blob:`).
   *
   * @param input The URL or `Request`.
   * @param init Method, headers, body, `signal`, `redirect`, and Electron's
   * `bypassCustomProtocolHandlers` (skip this session's protocol handlers).
   * @returns The response; its body streams from the socket.
   * @throws {SessionError} (rejects) A network failure, with `code` (`ERR_NAME_NOT_RESOLVED`),
   * `errno` (-105), message `net::ERR_NAME_NOT_RESOLVED` and the `url` of the hop that failed.
   * @throws {TypeError} (rejects) What the fetch standard's `Request` refuses, in Deno's words in
   * both runtimes: `Failed to construct 'Request': 1 argument required, but only 0 present`
   * for no argument, `Invalid URL: '<input>'`, `'<method>' is not a valid HTTP method.`,
   * `Invalid header name: "<name>"`, `Request with GET/HEAD method cannot have body.`, or a
   * `cache`, `credentials` or `priority` that is none of its values.
   * @throws {DOMException} (rejects) `signal.reason` when the caller's signal aborts (the
   * runtime's `AbortError` or `TimeoutError` unless the caller gave another reason).
   */
  fetch(input: RequestInfo | URL, init?: SessionFetchInit): Promise<Response> {
    if (arguments.length === 0) {
      // WebIDL's argument count check, before the input's conversion would name "undefined".
      return Promise.reject(
        new TypeError("Failed to construct 'Request': 1 argument required, but only 0 present"),
      );
    }
    return this.#pipeline.fetch(input, init);
  }

  /**
   * Opens idle connections to an origin so the next requests skip the handshakes; an `http:`
   * URL of an HSTS host opens `https:` ones, as its requests are upgraded (Chromium's
   * `PreconnectSockets` starts from `GetHSTSRedirect`).
   *
   * @param options `{url, numSockets}` with numSockets from 1 to 6 (default 1; a value that is
   * not an integer counts as absent, as Electron's int conversion reads it).
   * @throws {TypeError} `Must pass non-empty valid url to session.preconnect.`,
   * `numSocketsToPreconnect is outside range [1,6]` or, for a valid URL that is not `http:` or
   * `https:` (which Electron takes and opens nothing for), `Cannot preconnect to <url>: only
   * http: and https: URLs open connections`; gin's `Insufficient number of arguments.`
   * or `Error processing argument at index 0, conversion failure from <value>` when `options`
   * is missing or not an object.
   */
  preconnect(options: PreconnectOptions): void {
    requireDictionary(options, arguments.length);
    // Nothing waits on a preconnect, so its failures are dropped, as in Chromium.
    this.#net.preconnect(this.#hstsPreconnect(options)).catch(() => {});
  }

  // Chromium's PreconnectSockets starts from GetHSTSRedirect(url): an http: URL of an HSTS host
  // is preconnected as the https: one its requests are upgraded to. Anything else, a URL that
  // does not parse included (the net service names that mistake), goes as given.
  #hstsPreconnect(options: PreconnectOptions): PreconnectOptions {
    const { url } = options;
    if (this.#transportSecurity.empty || typeof url !== "string" || !url.startsWith("http:")) {
      return options;
    }
    const target = URL.canParse(url) ? new URL(url) : undefined;
    if (target === undefined || !this.#transportSecurity.shouldUpgradeToSsl(target.hostname)) {
      return options;
    }
    target.protocol = "https:";
    return { ...options, url: target.href };
  }

  /**
   * Returns the size of this session's HTTP cache.
   *
   * @returns The bytes stored (bodies and heads).
   */
  getCacheSize(): Promise<number> {
    return this.#httpCache.size();
  }

  /**
   * Clears the session's HTTP cache.
   *
   * @returns Resolves when the cache is empty.
   */
  clearCache(): Promise<void> {
    return this.#httpCache.clear();
  }

  /**
   * Sets the most bytes this session's HTTP cache keeps (default 80 MiB on disk, like Chromium's
   * `--disk-cache-size`; for an in-memory partition Chromium's in-memory default, 2% of physical
   * memory and at most 50 MiB); least recently used entries go first. An @ses addition: Electron sets
   * it per app by command-line switch.
   *
   * @param bytes The limit; a lower one evicts at once, and 0 empties the cache and stores nothing.
   * @throws {TypeError} `Cache size must be a number of bytes, got <value>` for another type
   * (a numeric string included; an @ses addition, so its own words rather than gin's).
   * @throws {RangeError} `Cache size must be a non-negative integer of bytes, got <value>`.
   */
  setCacheMaxSize(bytes: number): void {
    this.#httpCache.maxSize = bytes;
  }

  /** @internal Resolves when background cache revalidations have finished, for tests. */
  cacheIdle(): Promise<void> {
    return this.#httpCache.idle();
  }

  /**
   * Closes every connection of this session; in-flight requests fail with
   * `net::ERR_ABORTED`.
   *
   * @returns Resolves when the connections are closed.
   */
  closeAllConnections(): Promise<void> {
    const pac = this.#pacNet?.closeAllConnections();
    return pac
      ? Promise.all([pac, this.#net.closeAllConnections()]).then(() => {})
      : this.#net.closeAllConnections();
  }

  /**
   * Applies proxy settings (Electron's `ses.setProxy`). Without `mode`, a non-empty
   * `pacScript` means `pac_script`, else `fixed_servers`. The settings in force given again
   * change nothing (the PAC script is not fetched again: `forceReloadProxyConfig` does that);
   * new ones forget the proxies marked as failed. Pooled connections made under the
   * previous settings stay until `closeAllConnections()`. Before the first call a session
   * follows the system settings (`http_proxy`, `https_proxy`, `all_proxy`, `no_proxy`, ...), as
   * Electron falls back to them when no proxy is configured.
   *
   * @param config `{mode, pacScript, proxyRules, proxyBypassRules}`.
   * @returns Resolves when the next `resolveProxy` sees the settings; rejects with `Invalid
   * mode, must be one of direct, auto_detect, pac_script, fixed_servers or system`.
   */
  setProxy(config: ProxyConfig): Promise<void> {
    return this.#proxy.setProxy(config);
  }

  /**
   * Resolves the proxies for a URL under the current settings.
   *
   * @param url The URL.
   * @returns A PAC-style string like `PROXY a:80;DIRECT`, or `""` when the look-up fails.
   */
  resolveProxy(url: string): Promise<string> {
    return this.#proxy.resolveProxy(url);
  }

  /**
   * Re-applies the proxy settings: refetches a PAC script, rereads the environment in
   * `system` mode and forgets proxies marked as failed.
   *
   * @returns Resolves once a PAC script, if any, has loaded or failed to.
   */
  forceReloadProxyConfig(): Promise<void> {
    return this.#proxy.forceReloadProxyConfig();
  }

  // PAC files are fetched on a network service of their own: never through the proxy that
  // they configure, but with the session's TLS policy (SSL config and verify proc) and HSTS
  // hosts (an http: PAC URL of such a host goes to https:, and its answers teach hosts too).
  #fetchPac(url: string, requestInit: RequestInit): Promise<Response> {
    this.#pacFetch ??= buildSessionPipeline({
      net: this.#pacNet = this.#pacNetService(),
      identity: {
        userAgent: () => this.#userAgentHeader,
        acceptLanguage: () => this.#acceptLanguages,
      },
      // Chromium's PAC fetcher neither sends nor stores cookies.
      cookies: { cookieHeader: () => undefined, storeSetCookies: () => {} },
      onPreconnectHint: () => {},
      transportSecurity: this.#transportSecurity,
    }).fetch;
    return this.#pacFetch(url, requestInit);
  }

  #pacNetService(): NetService {
    const net = new NetService({
      connectTcp: this.#runtime.connectTcp,
      lookupHost: this.#runtime.lookupHost,
    });
    if (this.#sslConfig !== undefined) net.setSSLConfig(this.#sslConfig);
    net.setCertificateVerifyProc(this.#verifyProc);
    return net;
  }

  /**
   * Resolves a hostname with this session's host resolver, the one its requests use, and its
   * cache (Electron's `ses.resolveHost`). IP literals answer at once; `localhost` and
   * `*.localhost` are the loopback addresses.
   *
   * @param host The hostname, or an IP literal.
   * @param options `{queryType, source, cacheUsage, secureDnsPolicy}`, read as Electron reads
   * them: options that are not an object, and values it does not list, count as absent.
   * @returns Resolves with `{endpoints: [{address, family: 'ipv4' | 'ipv6'}]}`; rejects with
   * `net::ERR_NAME_NOT_RESOLVED` (no address, or none of `queryType`'s family) or
   * `net::ERR_DNS_CACHE_MISS` (`source: 'localOnly'` and nothing cached).
   * @throws {TypeError} gin's `Error processing argument at index 0, conversion failure from
   * <value>` when `host` is not a string, `Insufficient number of arguments.` for none.
   *
   * @example
   * ```ts
   * import { session } from "../mod.ts";
   * const { endpoints } = await session.fromPartition("resolve-doc").resolveHost("localhost", {
   *   queryType: "A",
   * });
   * console.log(endpoints); // [ { address: "127.0.0.1", family: "ipv4" } ]
   * ```
   */
  resolveHost(host: string, options?: ResolveHostOptions): Promise<ResolvedHost> {
    if (typeof host !== "string") throw methodArgumentError(0, host, arguments.length);
    const { policy, family } = resolveHostRequest(options);
    return this.#net.resolveHost(host, policy).then((addresses) => resolvedHost(addresses, family));
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
   * @throws {TypeError} gin's `Error processing argument at index 0, conversion failure from
   * <value>` for what Electron's `SSLConfig` converter refuses (not an object, an unknown version,
   * `maxVersion` below `tls1.2`, suites that are not integers), `Insufficient number of
   * arguments.` for none; the detailed reason is the error's `cause`.
   * @throws {RangeError} When `minVersion` is above `maxVersion`, or a suite is above 0xffff.
   */
  setSSLConfig(config: SSLConfig): void {
    requireDictionary(config, arguments.length);
    try {
      this.#net.setSSLConfig(config);
    } catch (error) {
      // Electron's converter fails as a whole, so gin throws before setSSLConfig runs.
      if (!(error instanceof TypeError)) throw error;
      throw Object.assign(methodArgumentError(0, config), { cause: error });
    }
    this.#sslConfig = config;
    this.#pacNet?.setSSLConfig(config);
  }

  /**
   * Sets the certificate verify proc, called after the default verification with Electron's
   * request object; `callback(0)` accepts, `-2` rejects, `-3` keeps the default result.
   * Verdicts are cached per host and certificate for 30 minutes, as Chromium caches them; `null`
   * restores the default.
   *
   * @param proc The proc, or `null`.
   * @throws {TypeError} `Must pass null or function`; `Insufficient number of arguments.` when
   * called with none (Chromium gin's words).
   */
  setCertificateVerifyProc(proc: CertificateVerifyProc | null): void {
    requireArgument(arguments.length);
    this.#net.setCertificateVerifyProc(proc);
    this.#verifyProc = proc;
    this.#pacNet?.setCertificateVerifyProc(proc);
  }

  /**
   * Emulates network conditions for this session's requests.
   *
   * @param options `{offline, latency, downloadThroughput, uploadThroughput}`; rates in bytes/s,
   * latency in ms, 0 disables each.
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from <value>`
   * when `options` is not an object, `Insufficient number of arguments.` for none (Chromium
   * gin's words); `Invalid value for <name> - must be …` for a bad option.
   */
  enableNetworkEmulation(options: NetworkEmulationOptions): void {
    requireArgument(arguments.length);
    this.#net.enableNetworkEmulation(options);
  }

  /** Stops emulating network conditions. */
  disableNetworkEmulation(): void {
    this.#net.disableNetworkEmulation();
  }

  /**
   * Downloads `url` through this session's pipeline; the `DownloadItem` comes with
   * `'will-download'`. Returns nothing, as in Electron.
   *
   * @param url The URL (`http:`, `https:`, `file:`, `data:`); one nothing serves, or that does
   * not parse, makes an item interrupted with `NETWORK_INVALID_REQUEST`.
   * @param options `{headers}`.
   * @throws {TypeError} `Invalid value for headers - must be an object`; gin's `Error processing
   * argument at index 0, conversion failure from <value>` when `url` is not a string,
   * `Insufficient number of arguments.` for none.
   */
  downloadURL(url: string, options?: DownloadURLOptions): void {
    requireArgument(arguments.length);
    this.#downloadManager().downloadURL(url, options);
  }

  /**
   * Restores an interrupted download (state `interrupted`, fires `'will-download'`); it
   * continues on `item.resume()`.
   *
   * @param options `{path, urlChain, mimeType, offset, length, lastModified, eTag, startTime}`:
   * `offset` and `length` in bytes, `startTime` in seconds since the UNIX epoch.
   * @throws {Error} Electron's `Must pass non-empty path, urlChain and length.` and `Must pass an
   * offset value less than length.`
   * @throws {TypeError} gin's `Error processing argument at index 0, conversion failure from
   * <value>` when `options` is not an object, `Insufficient number of arguments.` for none.
   */
  createInterruptedDownload(options: CreateInterruptedDownloadOptions): void {
    requireArgument(arguments.length);
    this.#downloadManager().createInterruptedDownload(options);
  }

  /**
   * Sets the directory for downloads whose listener sets no save path. A persistent session
   * keeps it in its partition's `Preferences` (`download.default_directory`), so it holds in the
   * next run too, as in Electron.
   *
   * @param path The directory (default `app.getPath("downloads")`); a relative one is resolved
   * against the current directory at once.
   * @throws {TypeError} gin's `Error processing argument at index 0, conversion failure from
   * <value>` when `path` is not a string, `Insufficient number of arguments.` for none.
   */
  setDownloadPath(path: string): void {
    requireArgument(arguments.length);
    this.#downloadManager().setDownloadPath(path);
    // Kept in the partition's Preferences, as Electron's prefs keep it for the next run.
    this.#downloadPreferences?.change(storeDownloadDirectory(resolve(path)));
  }

  /**
   * @internal Sets the download directory for this process alone, leaving the one stored in the
   * partition's `Preferences` as it is: `ses download` saves in its current directory (or `-o`'s)
   * without sending a program's later downloads of the partition there.
   *
   * @param path The directory; a relative one is resolved against the current directory.
   */
  useDownloadDirectory(path: string): void {
    this.#downloadManager().setDownloadPath(path);
  }

  #downloadManager(): DownloadManager {
    if (this.#downloads) return this.#downloads;
    // Read once, when the first download or setDownloadPath needs it, as Chromium reads a
    // profile's prefs at its start.
    const stored = this.#downloadPreferences &&
      storedDownloadDirectory(this.#downloadPreferences.read());
    const downloadsPath = this.#downloadsPath;
    return this.#downloads = new DownloadManager({
      fetch: this.fetchAs("download"),
      defaultDirectory: stored ? () => stored : downloadsPath,
      announce: (item) => this.dispatch("will-download", item, null).defaultPrevented,
    });
  }

  /**
   * @internal A door into this session's pipeline for requests of another Electron resource
   * type (`download`): the same stages, ids from the same counter.
   */
  fetchAs(resourceType: string): SessionFetch {
    return this.#pipeline.door(resourceType);
  }

  /**
   * Finds the misspelled words of a text (beyond Electron: the headless door to the
   * spellchecker). Chromium's word breaking and rules; custom-dictionary words are correct. Long
   * texts are checked in a worker.
   *
   * @param text The text.
   * @param options `languages`: a subset of the selected languages (default all of them), named
   * as for `setSpellCheckerLanguages` (`hu-HU` names `hu`).
   * @returns `{start, end, word, suggestions}` per misspelling, UTF-16 offsets, in text order.
   * @throws {TypeError} (rejects) `The text to spellcheck must be a string`; `The spellCheck
   * options must be an object like {languages: ["en-US"]}`.
   * @throws {RangeError} (rejects) When a requested language is not selected.
   * @throws {Error} (rejects) When a requested language is selected but its dictionary failed
   * to download or load.
   *
   * @example
   * ```ts
   * import { session } from "../mod.ts";
   * const found = await session.fromPartition("spell-doc").spellCheck("A smal test");
   * console.log(found.map(({ start, end, word }) => [start, end, word])); // [ [ 2, 6, "smal" ] ]
   * ```
   */
  spellCheck(text: string, options?: SessionSpellCheckOptions): Promise<Misspelling[]> {
    return this.#spellcheck.check(text, options);
  }

  /**
   * Whether one word is spelled correctly in a selected language or is a custom-dictionary word
   * (beyond Electron).
   *
   * @param word The word, without surrounding punctuation; checked in NFKC, as `spellCheck`
   * checks a text's words (`ｈｅｌｌｏ` is `hello`).
   * @returns `true` when correct.
   * @throws {TypeError} (rejects) `The word to spellcheck must be a string`.
   *
   * @example
   * ```ts
   * import { session } from "../mod.ts";
   * console.log(await session.fromPartition("spell-doc").spellCheckWord("recieve")); // false
   * ```
   */
  spellCheckWord(word: string): Promise<boolean> {
    return this.#spellcheck.checkWord(word);
  }

  /**
   * Hunspell's suggestions for a word from the selected languages, best first, at most 15
   * (beyond Electron).
   *
   * @param word The misspelled word, taken in NFKC as `spellCheck` takes a text's words.
   * @returns The suggestions; `[]` when there are none.
   * @throws {TypeError} (rejects) `The word to spellcheck must be a string`.
   *
   * @example
   * ```ts
   * import { session } from "../mod.ts";
   * console.log(await session.fromPartition("spell-doc").getSpellingSuggestions("recieve")); // [ "receive", "relieve", "reverie" ]
   * ```
   */
  getSpellingSuggestions(word: string): Promise<string[]> {
    return this.#spellcheck.suggest(word);
  }

  /**
   * Electron's `Extensions` object: `loadExtension`, `removeExtension`, `getExtension`,
   * `getAllExtensions` and the `extension-*` events. Manifests, ids and events only, plus the
   * declarativeNetRequest static rules applied to this session's requests; background pages,
   * content scripts and `chrome.*` APIs need a renderer and do not run.
   */
  get extensions(): Extensions {
    if (this.#extensions) return this.#extensions;
    const extensions = new Extensions({ persistent: this.isPersistent(), dnr: this.#dnr });
    for (const name of EXTENSION_EVENTS) {
      extensions.on(name, (_event, extension) => this.dispatch(name, extension));
    }
    return this.#extensions = extensions;
  }

  /**
   * Deprecated alias of `ses.extensions.loadExtension`; its first use in the process
   * prints Electron's `(electron) 'session.loadExtension' is deprecated and will be removed.
   * ...` notice (deprecate.moveAPI).
   *
   * @param path The absolute directory of an unpacked extension.
   * @param options `{allowFileAccess}`.
   * @returns The extension.
   */
  loadExtension(path: string, options?: LoadExtensionOptions): Promise<Extension> {
    DEPRECATED.loadExtension();
    return this.extensions.loadExtension(path, options);
  }

  /**
   * Deprecated alias of `ses.extensions.removeExtension`; its first use in the process
   * prints Electron's `(electron) 'session.removeExtension' is deprecated and will be removed.
   * ...` notice (deprecate.moveAPI).
   *
   * @param extensionId The id.
   */
  removeExtension(extensionId: string): void {
    DEPRECATED.removeExtension();
    this.extensions.removeExtension(extensionId);
  }

  /**
   * Deprecated alias of `ses.extensions.getExtension`; its first use in the process
   * prints Electron's `(electron) 'session.getExtension' is deprecated and will be removed.
   * ...` notice (deprecate.moveAPI).
   *
   * @param extensionId The id.
   * @returns The extension, or `null`.
   */
  getExtension(extensionId: string): Extension | null {
    DEPRECATED.getExtension();
    return this.extensions.getExtension(extensionId);
  }

  /**
   * Deprecated alias of `ses.extensions.getAllExtensions`; its first use in the process
   * prints Electron's `(electron) 'session.getAllExtensions' is deprecated and will be removed.
   * ...` notice (deprecate.moveAPI).
   *
   * @returns The loaded extensions.
   */
  getAllExtensions(): Extension[] {
    DEPRECATED.getAllExtensions();
    return this.extensions.getAllExtensions();
  }

  /**
   * Registers a preload script; stored only, since no renderer runs headlessly.
   *
   * @param script `{type: 'frame' | 'service-worker', filePath, id?}`.
   * @returns Its id (a UUID v4 when not given, or not given as a string, as Electron reads it).
   * @throws {Error} Electron's errors (see `PreloadScripts.register`).
   */
  registerPreloadScript(...script: [PreloadScriptRegistration]): string {
    return this.#preloads.register(...script);
  }

  /**
   * Unregisters a preload script.
   *
   * @param id Its id.
   * @throws {Error} `Cannot unregister preload script with non-existing ID '<id>'`.
   */
  unregisterPreloadScript(...id: [string]): void {
    this.#preloads.unregister(...id);
  }

  /**
   * Returns the registered preload scripts, in order.
   *
   * @returns `[{filePath, id, type}]`.
   */
  getPreloadScripts(): PreloadScript[] {
    return this.#preloads.list();
  }

  /**
   * Deprecated: replaces the `frame` preload scripts by these paths (kept as given). As in
   * Electron's lib/browser/api/session.ts, every `frame` script goes, those added with
   * `registerPreloadScript` too; `service-worker` scripts stay. Its first use in the process
   * prints Electron's `(electron) 'session.setPreloads' is deprecated and will be removed.
   * Please use 'session.registerPreloadScript' instead.` (deprecate.warnOnce), before the
   * argument is looked at.
   *
   * @param preloads Script paths.
   * @throws {TypeError} `preloads.map is not a function` for a non-array, and the conversion
   * failure of `registerPreloadScript` for a path that is not a string (nothing changes then).
   */
  setPreloads(preloads: string[]): void {
    DEPRECATED.setPreloads();
    this.#preloads.setFramePaths(preloads);
  }

  /**
   * Deprecated: the `frame` preload scripts' paths. Its first use in the process prints
   * Electron's `(electron) 'session.getPreloads' is deprecated and will be removed. Please use
   * 'session.getPreloadScripts' instead.` (deprecate.warnOnce).
   *
   * @returns The paths.
   */
  getPreloads(): string[] {
    DEPRECATED.getPreloads();
    return this.#preloads.framePaths();
  }

  /**
   * Sets (and makes) the V8 code cache directory; nothing is compiled headlessly.
   *
   * @param path An absolute path.
   * @throws {TypeError} `Absolute path must be provided to store code cache.`
   */
  setCodeCachePath(path: string): void {
    this.#codeCache.setPath(path);
  }

  /**
   * Lists the isolation keys that have shared dictionaries (Compression Dictionary Transport).
   *
   * @returns Resolves with `[]`: this transport never stores a dictionary.
   */
  getSharedDictionaryUsageInfo(): Promise<SharedDictionaryUsageInfo[]> {
    return Promise.resolve([]);
  }

  /**
   * Lists one isolation key's shared dictionaries.
   *
   * @param options `{frameOrigin, topFrameSite}`, both URLs.
   * @returns Resolves with `[]`; rejects with Electron's `Must provide frameOrigin and
   * topFrameSite strings` or `Invalid URLs provided for frameOrigin or topFrameSite`.
   * @throws {TypeError} gin's `Insufficient number of arguments.` or `Error processing argument
   * at index 0, conversion failure from <value>` when `options` is missing or not an object.
   */
  getSharedDictionaryInfo(options: SharedDictionaryIsolationKey): Promise<SharedDictionaryInfo[]> {
    requireDictionary(options, arguments.length);
    const problem = isolationKeyProblem(
      options,
      "Must provide frameOrigin and topFrameSite strings",
    );
    return problem === undefined ? Promise.resolve([]) : Promise.reject(new Error(problem));
  }

  /**
   * Empties the shared dictionary store.
   *
   * @returns Resolves at once: the store is always empty here.
   */
  clearSharedDictionaryCache(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Empties one isolation key's shared dictionaries.
   *
   * @param options `{frameOrigin, topFrameSite}`, both URLs.
   * @returns Resolves; rejects with Electron's messages: that both strings must be provided
   * to this method, or `Invalid URLs provided for frameOrigin or topFrameSite`.
   * @throws {TypeError} gin's `Insufficient number of arguments.` or `Error processing argument
   * at index 0, conversion failure from <value>` when `options` is missing or not an object.
   */
  clearSharedDictionaryCacheForIsolationKey(options: SharedDictionaryIsolationKey): Promise<void> {
    requireDictionary(options, arguments.length);
    const problem = isolationKeyProblem(
      options,
      "Must provide frameOrigin and topFrameSite strings to `clearSharedDictionaryCacheForIsolationKey`",
    );
    return problem === undefined ? Promise.resolve() : Promise.reject(new Error(problem));
  }

  /**
   * Empties the code cache directory.
   *
   * @param options `{urls}` (required, as in Electron; `{}` clears all); a non-empty list
   * removes only those URLs' entries (there are none).
   * @returns Resolves when done.
   * @throws {TypeError} gin's `Insufficient number of arguments.` or `Error processing argument
   * at index 0, conversion failure from <value>` when `options` is missing or not an object.
   */
  clearCodeCaches(options: ClearCodeCachesOptions): Promise<void> {
    requireDictionary(options, arguments.length);
    return this.#codeCache.clear(options);
  }

  /**
   * Reads the bytes of a blob that a webRequest or protocol `uploadData` item named: a
   * `ses.fetch` whose body is a `Blob` (or `File`) shows it as `{type: "blob", bytes,
   * blobUUID}`, readable here until the request has its answer.
   *
   * @param identifier The item's `blobUUID`.
   * @returns The bytes.
   * @throws {Error} (rejects) `Could not get blob data handle` for an unknown UUID.
   * @throws {TypeError} gin's `Error processing argument at index 0, conversion failure from
   * <value>` at once for a non-string, `Insufficient number of arguments.` for none.
   */
  getBlobData(identifier: string): Promise<Buffer> {
    if (typeof identifier !== "string") {
      throw methodArgumentError(0, identifier, arguments.length);
    }
    return blobData(identifier).then((bytes) => Buffer.from(bytes));
  }

  /**
   * Enables or disables the built-in spellchecker (Electron's `ses.setSpellCheckerEnabled`);
   * kept in the partition's `Preferences`.
   *
   * @param enable Whether to enable it; other values count by truthiness, as gin converts them.
   * @throws {TypeError} `Insufficient number of arguments.` when called with none (gin's words).
   */
  setSpellCheckerEnabled(enable: boolean): void {
    requireArgument(arguments.length);
    this.#spellchecker.setEnabled(enable);
  }

  /**
   * Tells whether the built-in spellchecker is enabled (default true).
   *
   * @returns The flag.
   */
  isSpellCheckerEnabled(): boolean {
    return this.#spellchecker.isEnabled();
  }

  /** Whether the built-in spellchecker is enabled (Electron's `ses.spellCheckerEnabled`). */
  get spellCheckerEnabled(): boolean {
    return this.#spellchecker.isEnabled();
  }

  set spellCheckerEnabled(enable: boolean) {
    this.#spellchecker.setEnabled(enable);
  }

  /**
   * Sets the spellchecker languages (Electron's `ses.setSpellCheckerLanguages`): each code from
   * `availableSpellCheckerLanguages`, or a dictionary region such as `af-ZA` (stored as `af`);
   * enables the spellchecker when the list is not empty, disables it otherwise. Persisted per
   * partition; a new list loads (and downloads) its dictionaries, with the
   * `spellcheck-dictionary-*` events.
   *
   * @param languages Language codes.
   * @throws {Error} `Invalid language code provided: "<code>" is not a valid language code`.
   */
  setSpellCheckerLanguages(languages: string[]): void {
    requireArgument(arguments.length);
    this.#spellchecker.setLanguages(languages);
  }

  /**
   * Returns the spellchecker languages (Electron's `ses.getSpellCheckerLanguages`); at first the
   * OS locale's language when it has a dictionary. An empty list checks with en-US.
   *
   * @returns The stored codes.
   */
  getSpellCheckerLanguages(): string[] {
    return this.#spellchecker.getLanguages();
  }

  /** Every code `setSpellCheckerLanguages` accepts, in Chromium's order. */
  get availableSpellCheckerLanguages(): string[] {
    return this.#spellchecker.availableLanguages;
  }

  /**
   * Sets where dictionaries are downloaded from, for every session of the app (Electron's
   * `ses.setSpellCheckerDictionaryDownloadURL`): the URL is `${url}${file}`, `file` being the
   * lower-cased name like `fr-fr-3-0.bdic`, so mind the trailing slash. Downloads go through
   * this session's network stack (its proxy applies) and send no cookies.
   *
   * @param url An absolute URL.
   * @throws {Error} `The URL you provided to setSpellCheckerDictionaryDownloadURL is not a valid
   * URL`.
   */
  setSpellCheckerDictionaryDownloadURL(url: string): void {
    requireArgument(arguments.length);
    this.#dictionaryDownloadUrl.set(url);
  }

  /**
   * Lists the custom dictionary's words (Electron's `ses.listWordsInSpellCheckerDictionary`).
   *
   * @returns The words in UTF-8 byte order, once `Custom Dictionary.txt` is loaded.
   */
  listWordsInSpellCheckerDictionary(): Promise<string[]> {
    return this.#spellchecker.listWords();
  }

  /**
   * Adds a word to the custom dictionary, `<storagePath>/Custom Dictionary.txt` (Electron's
   * `ses.addWordToSpellCheckerDictionary`).
   *
   * @param word The word: at most 99 UTF-8 bytes, no ASCII whitespace at either end.
   * @returns Whether it was added: `false` for a duplicate, an invalid word or a session in
   * memory.
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from <value>`
   * for a non-string, `Insufficient number of arguments.` for none (Chromium gin's words).
   */
  addWordToSpellCheckerDictionary(word: string): boolean {
    requireArgument(arguments.length);
    return this.#spellchecker.addWord(word);
  }

  /**
   * Removes a word from the custom dictionary (Electron's
   * `ses.removeWordFromSpellCheckerDictionary`).
   *
   * @param word The word.
   * @returns Whether it was removed: `false` when absent or for a session in memory.
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from <value>`
   * for a non-string, `Insufficient number of arguments.` for none (Chromium gin's words).
   */
  removeWordFromSpellCheckerDictionary(word: string): boolean {
    requireArgument(arguments.length);
    return this.#spellchecker.removeWord(word);
  }

  /**
   * @internal The spellchecker's dictionaries and custom words, for the checking engine. Also
   * resolves `idle()` for tests.
   */
  get spellcheckDictionaries(): SpellcheckDictionaryProvider & { idle(): Promise<void> } {
    return this.#spellchecker;
  }

  /**
   * A `spellcheck-dictionary-*` listener starts the spellchecker, as Electron does with the
   * session, so its first dictionaries load and their events reach the listener.
   *
   * @param name The event a listener was added for.
   */
  protected override listenerAdded(name: keyof SessionEvents): void {
    if (SPELLCHECK_EVENTS.has(name)) this.#spellchecker.isEnabled();
  }

  /** Electron's `ServiceWorkers` object: always empty headlessly (no renderer runs workers). */
  get serviceWorkers(): ServiceWorkers {
    return this.#serviceWorkers ??= new ServiceWorkers();
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
   * @param userAgent The User-Agent string; beyond ASCII it goes on the wire as UTF-8, as
   * Chromium sends it (webRequest listeners see those bytes, one char each).
   * @param acceptLanguages Comma-separated language tags, like `en-US,fr,de`, sent as
   * `Accept-Language: en-US,fr;q=0.9,de;q=0.8`. Until it is set, a session sends Electron's
   * default: the application locale alone (`fr` for `LANG=fr_FR.UTF-8`, `en-US` for `C.UTF-8`;
   * `LANGUAGE`, then `LC_ALL`, `LC_MESSAGES` and `LANG`, as Chromium reads them on Linux).
   * @throws {TypeError} `Error processing argument at index N, conversion failure from <value>`
   * when either is not a string (Chromium gin's words: `undefined`, `null`, nothing for other
   * values; Electron itself ignores a bad `acceptLanguages`), `Insufficient number of
   * arguments.` for none.
   * @throws {TypeError} `Invalid user agent "<value>": a header value cannot contain CR, LF or
   * NUL` (and `Invalid accept languages ...`): such a value would end the header line and
   * smuggle in headers of its own. Nothing is changed then.
   */
  setUserAgent(userAgent: string, acceptLanguages?: string): void {
    if (typeof userAgent !== "string") throw methodArgumentError(0, userAgent, arguments.length);
    // Electron ignores an acceptLanguages it cannot read as a string; a mistake there is named
    // here instead of changing nothing.
    if (acceptLanguages !== undefined && typeof acceptLanguages !== "string") {
      throw methodArgumentError(1, acceptLanguages);
    }
    checkHeaderValue("user agent", userAgent);
    if (acceptLanguages !== undefined) checkHeaderValue("accept languages", acceptLanguages);
    this.#userAgent = userAgent;
    this.#userAgentHeader = utf8ByteString(userAgent);
    if (acceptLanguages !== undefined) {
      this.#acceptLanguages = utf8ByteString(acceptLanguageHeader(acceptLanguages));
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

const SPELLCHECK_EVENTS: ReadonlySet<keyof SessionEvents> = new Set<SpellcheckDictionaryEvent>([
  "spellcheck-dictionary-initialized",
  "spellcheck-dictionary-download-begin",
  "spellcheck-dictionary-download-success",
  "spellcheck-dictionary-download-failure",
]);

// Electron's deprecate.moveAPI notices for the session-level extension methods (session.ts).
const DEPRECATED = {
  loadExtension: movedApiWarning("session.loadExtension", "session.extensions.loadExtension"),
  removeExtension: movedApiWarning("session.removeExtension", "session.extensions.removeExtension"),
  getExtension: movedApiWarning("session.getExtension", "session.extensions.getExtension"),
  getAllExtensions: movedApiWarning(
    "session.getAllExtensions",
    "session.extensions.getAllExtensions",
  ),
  // deprecate.warnOnce(old, new) in lib/browser/api/session.ts: the same words as moveAPI's.
  setPreloads: movedApiWarning("session.setPreloads", "session.registerPreloadScript"),
  getPreloads: movedApiWarning("session.getPreloads", "session.getPreloadScripts"),
};

const EXTENSION_EVENTS: readonly (keyof ExtensionsEvents)[] = [
  "extension-loaded",
  "extension-ready",
  "extension-unloaded",
];

type DropFirst<T extends unknown[]> = T extends [unknown, ...infer Rest] ? Rest : never;

// Electron binds Session's methods with Chromium's gin, which refuses a call that passes fewer
// arguments than the method takes before it converts any (gin/arguments.cc).
function requireArgument(count: number): void {
  if (count === 0) throw methodArgumentError(0, undefined, count);
}

// gin's conversion of an options argument declared `const gin_helper::Dictionary&`: an object
// (arrays too) converts, anything else, a function included, is refused before the method runs.
function requireDictionary(value: unknown, count: number): void {
  if (count === 0 || typeof value !== "object" || value === null) {
    throw methodArgumentError(0, value, count);
  }
}

// Chromium sends the UA's std::string, the UTF-8 bytes of the JS string; the transport writes
// header values as byte strings (one byte per char, as fetch's Headers holds them).
function utf8ByteString(text: string): string {
  // deno-lint-ignore no-control-regex
  return /^[\x00-\x7f]*$/.test(text) ? text : Buffer.from(text, "utf8").toString("latin1");
}

// The Fetch standard's header value rule: CR and LF would end the line on the wire.
function checkHeaderValue(what: string, value: string): void {
  if (/[\r\n\0]/.test(value)) {
    throw new TypeError(
      `Invalid ${what} ${JSON.stringify(value)}: a header value cannot contain CR, LF or NUL`,
    );
  }
}

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

/**
 * The locale variable Chromium's application locale comes from on Linux, in GLib's order
 * (`g_get_language_names`, which `l10n_util::GetApplicationLocale` reads): Electron's default
 * `Accept-Language` and the spellchecker's default language both follow it.
 */
function osLocale(runtime: Runtime): string {
  return runtime.env("LANGUAGE") || runtime.env("LC_ALL") || runtime.env("LC_MESSAGES") ||
    runtime.env("LANG") || "";
}
