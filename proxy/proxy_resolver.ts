/**
 * The session's proxy resolver: applies the settings of `ses.setProxy` (fixed rules with bypass
 * rules, a PAC script, WPAD, the environment) and keeps Chromium's proxy retry info.
 *
 * @module
 */

import { open } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { ProxyConfig } from "../core/electron_types.ts";
import type {
  NetLogPhase,
  NetLogSink,
  NetLogSource,
  NetLogWithSource,
} from "../core/net_log_sink.ts";
import {
  DIRECT_AFTER_FAILURE,
  type ProxyResolverLike,
  type ProxyServer,
} from "../core/proxy_resolver_like.ts";
import { SessionError } from "../core/session_error.ts";
import { netErrorNumber } from "../core/net_errors.ts";
import {
  bypassMatches,
  type BypassRules,
  formatBypassRules,
  matchesImplicitRules,
} from "./bypass_rules.ts";
import { parsePacResult } from "./pac_result.ts";
import { type PacRunObserver, PacScript, type PacScriptOptions } from "./pac_script.ts";
import { formatProxyRules, proxiesForScheme, type ProxyRules } from "./proxy_rules.ts";
import {
  type ProxySettings,
  proxySettingsFrom,
  settingsFromEnvironment,
  WPAD_URL,
} from "./proxy_settings.ts";
import { DIRECT, formatPacString, formatProxyUri } from "./proxy_uri.ts";
import { type ProxyConfigValue, proxyConfigValue } from "./proxy_net_log_values.ts";
import { readBodyCapped } from "../core/read_body_capped.ts";

const PAC_SCRIPT_FAILED = netErrorNumber("ERR_PAC_SCRIPT_FAILED");
const MANDATORY_PROXY_CONFIGURATION_FAILED = netErrorNumber(
  "ERR_MANDATORY_PROXY_CONFIGURATION_FAILED",
);

/** Fetches a PAC file over HTTP(S); it must not go through the proxy being configured. */
export type PacFetch = (url: string, init: { signal: AbortSignal }) => Promise<Response>;

/** Options for {@linkcode ProxyResolver}. */
export interface ProxyResolverOptions {
  /** Fetches http: and https: PAC files, bypassing proxies. Default: none (such PACs fail). */
  fetchPac?: PacFetch;
  /** Reads file: PAC files. Default: `node:fs`, up to {@linkcode MAX_PAC_BYTES} + 1 bytes. */
  readFile?: (path: string) => Promise<string>;
  /** Reads an environment variable, for `system` mode. Default: nothing is set. */
  env?: (name: string) => string | undefined;
  /** Limits and DNS for PAC scripts. */
  pac?: PacScriptOptions;
  /** The clock for proxy retry info, in ms. Default `Date.now`. */
  now?: () => number;
  /**
   * The session's net log: while it captures, a PAC script's alerts and errors, at load and in
   * every look-up (`ses.resolveProxy`'s too), are logged there as Chromium's PAC bindings add
   * them to its global entries: `PAC_JAVASCRIPT_ALERT` `{message}` and `PAC_JAVASCRIPT_ERROR`
   * `{line_number, message}`, each on a source of its own of type `NONE`. Default: not logged.
   */
  netLog?: NetLogSink;
}

/** How long a failed proxy is tried last, as Chromium's proxy retry info (5 minutes). */
export const BAD_PROXY_RETRY_MS = 5 * 60 * 1000;
/** The largest PAC file accepted (Chromium's PAC fetcher limit). */
export const MAX_PAC_BYTES = 1024 * 1024;
const PAC_FETCH_TIMEOUT_MS = 30_000;
const DIRECT_LIST: readonly ProxyServer[] = Object.freeze([DIRECT]);

type Applied =
  | { readonly kind: "direct" }
  | Extract<ProxySettings, { kind: "fixed" }>
  | PacState;

/** A PAC configuration in force: its script as fetched, and when to fetch it again. */
interface PacState {
  readonly kind: "pac";
  readonly url: string;
  readonly mandatory: boolean;
  readonly script: Promise<PacScript>;
  /** The text fetched (`null` when the fetch failed), to tell a changed script. */
  fetchedText?: string | null;
  /** Set once the script is in or failed: whether it failed, the poll step, when it is due. */
  schedule?: { readonly failed: boolean; readonly step: number; readonly dueAt: number };
  /** The poll under way, resolving with the state in force after it. */
  polling?: Promise<PacState>;
}

/**
 * Chromium's PAC poll (DefaultPollPolicy in configured_proxy_resolution_service.cc): after a
 * failure the script is fetched again 8 s, 32 s and 2 min later, then every 4 h; after a success
 * every 12 h. A changed script (or a change between failing and working) is applied anew.
 */
const PAC_RETRY_DELAYS_MS = [8_000, 32_000, 2 * 60_000, 4 * 3600_000];
const PAC_REFRESH_MS = 12 * 3600_000;

type PacFetchOutcome = { readonly text: string } | { readonly error: unknown };

/**
 * Turns URLs into proxy lists for the transport. Fixed rules answer synchronously (the hot
 * path); PAC look-ups answer with a promise. A PAC script is fetched and compiled once per
 * `setProxy` or `forceReloadProxyConfig`, not per request, and fetched again on Chromium's poll
 * schedule (8 s, 32 s, 2 min, then every 4 h while it fails; every 12 h while it works), on the
 * first look-up once a poll is due; a look-up finding a failed script waits for that poll.
 *
 * The transport reports proxies it could not connect to with {@linkcode reportFailure} once a
 * later entry of the list worked; they are tried last for 5 minutes.
 *
 * @example
 * ```ts
 * import { ProxyResolver } from "./proxy_resolver.ts";
 * const resolver = new ProxyResolver();
 * await resolver.setProxy({ proxyRules: "http=a:80;socks=s", proxyBypassRules: "*.internal" });
 * console.log(await resolver.resolveProxy("http://example.com/")); // PROXY a:80
 * console.log(await resolver.resolveProxy("https://example.com/")); // SOCKS s:1080
 * console.log(await resolver.resolveProxy("http://db.internal/")); // DIRECT
 * ```
 */
export class ProxyResolver implements ProxyResolverLike {
  readonly #options: ProxyResolverOptions;
  readonly #now: () => number;
  #settings: ProxySettings = { kind: "system" };
  #applied: Applied = { kind: "direct" };
  #hasCredentials = false;
  #global: PacRunObserver | undefined;
  readonly #badUntil = new Map<string, number>();
  // The last bypass verdict: requests to one origin come in runs, and the verdict depends
  // only on the rules, the scheme and the host with its port.
  #lastBypass:
    | { rules: BypassRules; protocol: string; host: string; bypassed: boolean }
    | undefined;

  /**
   * Creates a resolver that follows the system settings (the environment) until `setProxy`:
   * Electron's docs say a session with no proxy configuration falls back to them, which is not
   * `direct`. Without `env` nothing is set, so everything goes DIRECT.
   *
   * @param options PAC fetching, file reading, environment, PAC limits and clock.
   */
  constructor(options: ProxyResolverOptions = {}) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#apply();
  }

  /**
   * Applies Electron's proxy config. The next look-up sees it; a PAC script starts loading at
   * once and look-ups wait for it.
   *
   * @param config `{mode, pacScript, proxyRules, proxyBypassRules}`.
   * @returns Resolves when applied.
   * @throws {Error} (as a rejection) `Invalid mode, must be one of direct, auto_detect,
   * pac_script, fixed_servers or system`.
   */
  setProxy(config: ProxyConfig): Promise<void> {
    let settings: ProxySettings;
    try {
      settings = proxySettingsFrom(config);
    } catch (error) {
      return Promise.reject(error);
    }
    // Chromium's proxy service sees only changes (PrefProxyConfigTrackerImpl compares with
    // ProxyConfig::Equals): the same settings again keep the loaded PAC script and the retry
    // info; new ones reset both (ConfiguredProxyResolutionService::ResetProxyConfig).
    if (settingsKey(settings) === settingsKey(this.#settings)) return Promise.resolve();
    this.#settings = settings;
    this.#badUntil.clear();
    this.#apply();
    return Promise.resolve();
  }

  /**
   * Whether the proxies in force carry credentials from their URIs (`http://user:pass@host`),
   * which answer a forward proxy's `407` without asking anyone.
   */
  get hasProxyCredentials(): boolean {
    return this.#hasCredentials;
  }

  /**
   * Re-applies the current settings: refetches and recompiles the PAC script, rereads the
   * environment in `system` mode, and forgets failed proxies.
   *
   * @returns Resolves once a PAC script, if any, has loaded (or failed to).
   */
  async forceReloadProxyConfig(): Promise<void> {
    this.#badUntil.clear();
    this.#apply();
    const applied = this.#applied;
    if (applied.kind === "pac") await applied.script.catch(() => {});
  }

  /**
   * The proxies to try for a URL, best first, with proxies that failed recently moved last.
   *
   * @param url The request URL.
   * @param signal Gives up a PAC look-up still pending (the request was cancelled), as
   * Chromium cancels its proxy resolution request.
   * @param netLog The request's net log: while it captures, the PAC script's alerts and the
   * error that failed it are logged there (`PAC_JAVASCRIPT_ALERT` `{message}`,
   * `PAC_JAVASCRIPT_ERROR` `{line_number, message}`), as Chromium's PAC bindings log them.
   * @returns The list at once for fixed rules (empty when the one list of the rules lost
   * every entry to parsing); a promise for PAC look-ups, `DIRECT_AFTER_FAILURE` when a script
   * that is not mandatory failed for the URL (its failure logged on `netLog` in the list's place).
   * @throws {SessionError} (as a rejection) `net::ERR_MANDATORY_PROXY_CONFIGURATION_FAILED`
   * when a `pac_script` PAC cannot be loaded or fails for the URL; `net::ERR_ABORTED`, with the
   * signal's reason as its cause, when the signal aborts first.
   */
  resolveProxies(
    url: URL,
    signal?: AbortSignal,
    netLog?: NetLogWithSource,
  ): readonly ProxyServer[] | Promise<readonly ProxyServer[]> {
    const applied = this.#applied;
    // Any scheme: Chromium's ResolveProxy applies the rules or the script to every URL.
    if (applied.kind === "direct") return DIRECT_LIST;
    if (applied.kind === "fixed") {
      if (applied.rules.type === "empty" || this.#bypassed(applied.bypass, url)) return DIRECT_LIST;
      const list = proxiesForScheme(applied.rules, url.protocol);
      // A single list whose every entry was invalid stays empty, with no DIRECT: Chromium's
      // ProxyRules::Apply hands it over as it is ("" here, ERR_NO_SUPPORTED_PROXIES to fetch).
      return list === undefined ? DIRECT_LIST : this.#deprioritize(list);
    }
    if (matchesImplicitRules(url)) return DIRECT_LIST;
    const pending = this.#resolveWithPac(applied, url, netLog);
    return signal === undefined ? pending : untilAborted(pending, signal);
  }

  /**
   * Resolves a URL the way `ses.resolveProxy` answers: `PROXY a:80;DIRECT`, or `""` when the
   * look-up fails.
   *
   * @param url The URL.
   * @returns The PAC-style string.
   */
  async resolveProxy(url: string): Promise<string> {
    try {
      return formatPacString(await this.resolveProxies(new URL(url)));
    } catch {
      return "";
    }
  }

  /**
   * Marks a proxy as failed: for {@linkcode BAD_PROXY_RETRY_MS} it comes after the others in
   * every list. DIRECT is never marked.
   *
   * @param proxy The proxy that could not be reached.
   */
  reportFailure(proxy: ProxyServer): void {
    if (proxy.scheme === "direct") return;
    this.#badUntil.set(formatProxyUri(proxy), this.#now() + BAD_PROXY_RETRY_MS);
  }

  /**
   * The proxy part of a net log's `polledData` (Chromium's
   * `ConfiguredProxyResolutionService::GetProxyNetLogValues`): the settings as fetched
   * (`original`: the environment's for `system`) and as in force (`effective`: the same here,
   * as nothing overrides them), and the proxies being tried last after a failure, each with the
   * tick (ms, the log's clock) until which it stays deprioritized.
   *
   * @returns `{proxySettings: {original, effective}, badProxies: [{proxy_chain_uri, bad_until}]}`.
   */
  netLogValues(): {
    proxySettings: { original: ProxyConfigValue; effective: ProxyConfigValue };
    badProxies: { proxy_chain_uri: string; bad_until: string }[];
  } {
    const config = proxyConfigValue(this.#effectiveSettings());
    const now = this.#now();
    const badProxies = [];
    for (const [uri, until] of this.#badUntil) {
      if (until <= now) continue;
      // The bad-until time on the log's clock: ms since the time origin, as event times.
      const tick = until - now + performance.now();
      badProxies.push({
        proxy_chain_uri: withoutCredentials(uri),
        bad_until: String(Math.round(tick)),
      });
    }
    return { proxySettings: { original: config, effective: config }, badProxies };
  }

  #bypassed(rules: BypassRules, url: URL): boolean {
    const { protocol, host } = url;
    const last = this.#lastBypass;
    if (last?.rules === rules && last.host === host && last.protocol === protocol) {
      return last.bypassed;
    }
    const bypassed = bypassMatches(rules, url);
    this.#lastBypass = { rules, protocol, host, bypassed };
    return bypassed;
  }

  #deprioritize(list: readonly ProxyServer[]): readonly ProxyServer[] {
    if (this.#badUntil.size === 0) return list;
    const now = this.#now();
    const good: ProxyServer[] = [];
    const bad: ProxyServer[] = [];
    for (const proxy of list) {
      const key = proxy.scheme === "direct" ? "" : formatProxyUri(proxy);
      const until = this.#badUntil.get(key);
      if (until !== undefined && until <= now) this.#badUntil.delete(key);
      (until !== undefined && until > now ? bad : good).push(proxy);
    }
    return bad.length === 0 ? list : [...good, ...bad];
  }

  async #resolveWithPac(
    applied: PacState,
    url: URL,
    netLog: NetLogWithSource | undefined,
  ): Promise<readonly ProxyServer[]> {
    // A due poll runs behind a working script; a failed one is what this look-up waits for.
    const poll = this.#pollIfDue(applied);
    if (poll !== undefined && applied.schedule?.failed) applied = await poll;
    let answer: string;
    // Whether the script was there to run: a script that could not be had fails every look-up
    // as Chromium's permanent_error_ does, one that threw fails this one (ERR_PAC_SCRIPT_FAILED).
    let loaded = false;
    try {
      const script = await applied.script;
      if (applied !== this.#applied) return await this.resolveProxies(url, undefined, netLog);
      loaded = true;
      answer = await script.findProxyForUrl(url, this.#runObserver(netLog));
    } catch (error) {
      if (applied !== this.#applied) return await this.resolveProxies(url, undefined, netLog);
      // Chromium's DidFinishResolvingProxy logs the failed resolution before it falls back to
      // DIRECT or, for a mandatory script, fails the request; a script that could not be had
      // and is not mandatory falls back without an error (the manual settings, here none).
      if (netLog?.sink.capturing && (loaded || applied.mandatory)) {
        netLog.sink.add({
          type: "PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST",
          phase: "PHASE_NONE",
          source: netLog.source,
          params: { net_error: loaded ? PAC_SCRIPT_FAILED : MANDATORY_PROXY_CONFIGURATION_FAILED },
        });
      }
      // A failure logged above stands in for the list, as Chromium logs none after UseDirect.
      if (!applied.mandatory) return loaded ? DIRECT_AFTER_FAILURE : DIRECT_LIST;
      throw new SessionError("ERR_MANDATORY_PROXY_CONFIGURATION_FAILED", {
        cause: error,
        url: url.href,
      });
    }
    // Settings applied while the script loaded or ran (setProxy, forceReloadProxyConfig, a
    // changed script found by a poll) answer this look-up instead: Chromium's
    // ResetProxyConfig suspends the pending requests and starts them again under the new config.
    if (applied !== this.#applied) return await this.resolveProxies(url, undefined, netLog);
    return this.#deprioritize(parsePacResult(answer));
  }

  // The settings in force: the environment's while the session follows the system.
  #effectiveSettings(): ProxySettings {
    const settings = this.#settings;
    return settings.kind === "system"
      ? settingsFromEnvironment(this.#options.env ?? (() => undefined))
      : settings;
  }

  #apply(): void {
    const previous = this.#applied;
    const settings = this.#effectiveSettings();
    if (settings.kind === "pac") {
      this.#applied = this.#pacState(
        settings.url,
        settings.mandatory,
        this.#fetchOutcome(settings.url),
      );
    } else {
      this.#applied = settings.kind === "system" ? { kind: "direct" } : settings;
    }
    const applied = this.#applied;
    this.#hasCredentials = applied.kind === "fixed" && proxiesOf(applied.rules).some(
      (proxy) => proxy.scheme !== "direct" && proxy.username !== undefined,
    );
    if (previous.kind === "pac") previous.script.then((script) => script.dispose(), () => {});
  }

  // The fetch's outcome, never a rejection: the text, or the failure. Logged as Chromium's
  // PacFileDecider logs a fetch, on a PAC_FILE_DECIDER source of its own (for WPAD, only its
  // DNS source: Chromium on Linux first tries DHCP, which it does not implement there).
  #fetchOutcome(url: string): Promise<PacFetchOutcome> {
    const sink = this.#options.netLog;
    const source = sink?.capturing ? sink.newSource("PAC_FILE_DECIDER") : undefined;
    const log = (type: string, phase: NetLogPhase, params?: Record<string, unknown>) => {
      if (source !== undefined) sink!.add({ type, phase, source, ...(params && { params }) });
    };
    const fetch = "PAC_FILE_DECIDER_FETCH_PAC_SCRIPT";
    log("PAC_FILE_DECIDER", "PHASE_BEGIN");
    log(fetch, "PHASE_BEGIN", {
      source: `${url === WPAD_URL ? "WPAD DNS" : "Custom PAC URL"}: ${url}`,
    });
    return this.#fetchPacText(url).then((text): PacFetchOutcome => {
      log(fetch, "PHASE_END");
      // PacFileDecider::DoVerifyPacScript: a text that never names FindProxyForURL (an error
      // page served with a 200) is no PAC script, and is not run.
      if (text.includes("FindProxyForURL")) return { text };
      return {
        error: new SyntaxError(`Cannot load PAC script "${url}": FindProxyForURL is not in it`),
      };
    }, (error: unknown) => {
      log(fetch, "PHASE_END", { net_error: fetchNetError(error) });
      return { error };
    }).finally(() => log("PAC_FILE_DECIDER", "PHASE_END"));
  }

  #pacState(
    url: string,
    mandatory: boolean,
    fetched: Promise<PacFetchOutcome>,
  ): PacState {
    const script = fetched.then((outcome) => {
      if ("error" in outcome) throw outcome.error;
      return PacScript.compile(outcome.text, this.#options.pac, this.#globalObserver());
    });
    // Failures surface at look-up time; here they must not count as unhandled.
    script.catch(() => {});
    const state: PacState = { kind: "pac", url, mandatory, script };
    fetched.then((outcome) => {
      state.fetchedText = "text" in outcome ? outcome.text : null;
      // The delay counts from the fetch; whether it failed is known once the script compiled.
      const fetchedAt = this.#now();
      script.then(() => false, () => true).then((failed) => {
        state.schedule = { failed, step: 0, dueAt: fetchedAt + nextPollDelay(failed, 0) };
      });
    });
    return state;
  }

  // The session log's global entries for a script's alerts and errors, at load and in
  // look-ups (Chromium's ProxyResolverMojo adds them there, besides a request's own events).
  #globalObserver(): PacRunObserver | undefined {
    const sink = this.#options.netLog;
    if (sink === undefined) return undefined;
    // Made once (look-ups are a hot path); capturing is checked per event, as a load or a
    // look-up may outlast the moment logging starts or stops.
    return this.#global ??= pacNetLogObserver(
      sink,
      () => sink.capturing ? sink.newSource("NONE") : undefined,
    );
  }

  // A look-up's observer: the request's log while it captures, and the global entries.
  #runObserver(netLog: NetLogWithSource | undefined): PacRunObserver | undefined {
    const global = this.#globalObserver();
    if (!netLog?.sink.capturing) return global;
    const request = pacNetLogObserver(netLog.sink, () => netLog.source);
    if (global === undefined) return request;
    return {
      alert: (message) => {
        request.alert(message);
        global.alert(message);
      },
      error: (lineNumber, message) => {
        request.error(lineNumber, message);
        global.error(lineNumber, message);
      },
    };
  }

  // Starts the poll when it is due (on a look-up, as Chromium's lazy polls), once.
  #pollIfDue(state: PacState): Promise<PacState> | undefined {
    const schedule = state.schedule;
    if (state.polling !== undefined) return state.polling;
    if (schedule === undefined || this.#now() < schedule.dueAt) return undefined;
    const fetched = this.#fetchOutcome(state.url);
    state.polling = fetched.then((outcome) => {
      if (this.#applied !== state) return state;
      if (("text" in outcome ? outcome.text : null) === state.fetchedText) {
        const step = schedule.failed
          ? Math.min(schedule.step + 1, PAC_RETRY_DELAYS_MS.length - 1)
          : 0;
        state.schedule = {
          failed: schedule.failed,
          step,
          dueAt: this.#now() + nextPollDelay(schedule.failed, step),
        };
        state.polling = undefined;
        return state;
      }
      // A new script (or a failure turned to success, or back): applied anew, as Chromium's
      // InitializeUsingDecidedConfig, which resets the proxy service and its retry info.
      const next = this.#pacState(state.url, state.mandatory, fetched);
      this.#applied = next;
      this.#badUntil.clear();
      state.script.then((script) => script.dispose(), () => {});
      return next;
    });
    return state.polling;
  }

  async #fetchPacText(url: string): Promise<string> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new TypeError(`Cannot load PAC script "${url}": not a URL`);
    }
    let text: string;
    if (parsed.protocol === "file:") {
      const read = this.#options.readFile ?? ((path: string) => readFileCapped(path, url));
      text = await read(fileURLToPath(parsed));
    } else if (parsed.protocol === "data:") {
      // data: URLs are decoded locally by the runtime's fetch; no network is involved.
      text = await (await fetch(parsed)).text();
    } else if (parsed.protocol === "http:" || parsed.protocol === "https:") {
      const fetchPac = this.#options.fetchPac;
      if (fetchPac === undefined) {
        throw new TypeError(`Cannot load PAC script "${url}": no fetch function was given`);
      }
      const response = await fetchPac(url, { signal: AbortSignal.timeout(PAC_FETCH_TIMEOUT_MS) });
      // Only a 200 is a PAC file, as Chromium's PacFileFetcherImpl::OnResponseStarted has it.
      if (response.status !== 200) {
        await response.body?.cancel();
        throw Object.assign(
          new Error(`Cannot load PAC script "${url}": HTTP status ${response.status}`),
          { errno: netErrorNumber("ERR_HTTP_RESPONSE_CODE_FAILURE") },
        );
      }
      text = decodePac(await limitedBytes(response, url), response.headers.get("content-type"));
    } else {
      throw Object.assign(
        new TypeError(`Cannot load PAC script "${url}": unsupported scheme ${parsed.protocol}`),
        { errno: netErrorNumber("ERR_DISALLOWED_URL_SCHEME") },
      );
    }
    if (text.length > MAX_PAC_BYTES) throw tooLarge(url);
    return text;
  }
}

// A failed fetch's net error, as Chromium's PacFileFetcherImpl fails it.
function fetchNetError(error: unknown): number {
  const errno = (error as { errno?: unknown } | null)?.errno;
  if (typeof errno === "number" && errno < 0) return errno;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return netErrorNumber("ERR_FILE_NOT_FOUND");
  if (code === "EACCES" || code === "EPERM") return netErrorNumber("ERR_ACCESS_DENIED");
  // The fetch's AbortSignal.timeout: Chromium's PacFileFetcherImpl::OnTimeout says ERR_TIMED_OUT.
  if ((error as { name?: unknown } | null)?.name === "TimeoutError") {
    return netErrorNumber("ERR_TIMED_OUT");
  }
  return netErrorNumber("ERR_FAILED");
}

function nextPollDelay(failed: boolean, step: number): number {
  return failed ? PAC_RETRY_DELAYS_MS[step]! : PAC_REFRESH_MS;
}

/** Settles as `promise` does, or rejects with `net::ERR_ABORTED` once `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  const aborted = () => new SessionError("ERR_ABORTED", { cause: signal.reason });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/**
 * Reads a PAC file, giving up once it passes {@linkcode MAX_PAC_BYTES}: a PAC path may
 * name a device that never ends (`/dev/zero`) or a file of gigabytes, which must not be read
 * whole, as Chromium's PAC fetcher stops at its limit for file: URLs too.
 */
async function readFileCapped(path: string, url: string): Promise<string> {
  const file = await open(path, "r");
  try {
    const buffer = new Uint8Array(MAX_PAC_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await file.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > MAX_PAC_BYTES) throw tooLarge(url);
    // As Chromium's fetcher decoded file: PACs while it read them: no charset to go by.
    return decodePac(buffer.subarray(0, length), null);
  } finally {
    await file.close();
  }
}

/** Reads a response body, giving up once it passes {@linkcode MAX_PAC_BYTES}. */
async function limitedBytes(response: Response, url: string): Promise<Uint8Array> {
  const bytes = await readBodyCapped(response.body, MAX_PAC_BYTES);
  if (bytes === undefined) throw tooLarge(url);
  return bytes;
}

const PAC_BOMS: readonly (readonly [readonly number[], string])[] = [
  [[0xfe, 0xff], "utf-16be"],
  [[0xff, 0xfe], "utf-16le"],
  [[0xef, 0xbb, 0xbf], "utf-8"],
];
// Names of ISO-8859-1, which the WHATWG decoder reads as windows-1252 (0x80-0x9F differ).
const ISO_8859_1 = /^(?:iso[-_]?8859-1|iso_8859-1:1987|latin1|l1|ibm819|cp819|csisolatin1)$/;

/**
 * Decodes a PAC file as Chromium's PacFileFetcherImpl (ConvertResponseToUTF16): by the
 * response's charset when it names one (characters that do not decode become U+FFFD), else by
 * a byte order mark (UTF-16BE, UTF-16LE, UTF-8; the mark dropped), else as ISO-8859-1.
 *
 * @throws {RangeError} For a charset no decoder knows.
 */
function decodePac(bytes: Uint8Array, contentType: string | null): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1]?.toLowerCase();
  if (charset !== undefined) {
    return ISO_8859_1.test(charset) ? latin1(bytes) : new TextDecoder(charset).decode(bytes);
  }
  for (const [mark, encoding] of PAC_BOMS) {
    if (mark.every((byte, i) => bytes[i] === byte)) {
      return new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes.subarray(mark.length));
    }
  }
  return latin1(bytes);
}

function latin1(bytes: Uint8Array): string {
  let text = "";
  // fromCharCode takes its arguments on the stack: a chunk at a time.
  for (let start = 0; start < bytes.length; start += 4096) {
    text += String.fromCharCode(...bytes.subarray(start, start + 4096));
  }
  return text;
}

function tooLarge(url: string): RangeError {
  return Object.assign(
    new RangeError(`Cannot load PAC script "${url}": larger than ${MAX_PAC_BYTES} bytes`),
    { errno: netErrorNumber("ERR_FILE_TOO_BIG") },
  );
}

// Equal keys for equal settings, however they were written (canonical rules and bypass rules).
function settingsKey(settings: ProxySettings): string {
  switch (settings.kind) {
    case "fixed":
      return `fixed ${formatProxyRules(settings.rules)} ${formatBypassRules(settings.bypass)}`;
    case "pac":
      return `pac ${settings.mandatory} ${settings.url}`;
    default:
      return settings.kind;
  }
}

function proxiesOf(rules: ProxyRules): readonly ProxyServer[] {
  switch (rules.type) {
    case "empty":
      return [];
    case "single":
      return rules.proxies;
    default:
      return [...rules.http, ...rules.https, ...rules.ftp, ...rules.fallback];
  }
}

// A proxy URI as the net log may show it: credentials (userinfo, percent-encoded so without a
// bare "@") never go into a log.
function withoutCredentials(uri: string): string {
  return uri.replace(/^([a-z0-9]+:\/\/)?[^@/]*@/, "$1");
}

// PAC_JAVASCRIPT_ALERT and PAC_JAVASCRIPT_ERROR events, each on the source given (none: the
// log is not capturing), as Chromium's PAC bindings log them.
function pacNetLogObserver(
  sink: NetLogSink,
  sourceOf: () => NetLogSource | undefined,
): PacRunObserver {
  const add = (type: string, params: Record<string, unknown>) => {
    const source = sourceOf();
    if (source !== undefined) sink.add({ type, phase: "PHASE_NONE", source, params });
  };
  return {
    alert: (message) => add("PAC_JAVASCRIPT_ALERT", { message }),
    error: (lineNumber, message) =>
      add("PAC_JAVASCRIPT_ERROR", { line_number: lineNumber, message }),
  };
}
