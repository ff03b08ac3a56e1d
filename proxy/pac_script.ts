/**
 * The PAC engine: an untrusted script run in QuickJS (WebAssembly) with no host objects, a
 * memory limit, a 256 KiB stack limit and a hard deadline, on a thread of its own
 * (`_pac_thread.ts`).
 *
 * Measured choice (2026-11-30). On the calling thread, QuickJS's interrupt handler stops loops,
 * regular expressions, recursion and allocation at the deadline, but QuickJS polls it only
 * every 10 000 calls or jumps, and single operations can take milliseconds: a loop of 100 KB
 * `repeat`s ran 4.7 s past a 300 ms deadline, a `fill` over a sparse array caught in a loop
 * 58 s, a recursion that catches its own stack overflows 9 s, with the event loop blocked
 * throughout. On a worker thread the interrupt handler still ends ordinary runaways, and the
 * main thread terminates the worker when a run outlives its deadline by 20 ms. A look-up made
 * while the thread is idle is handed to it through shared memory and answered without an
 * event-loop turn (see `_pac_thread.ts` and bench/README.md for the costs).
 *
 * Most PAC files are straight-line code over the host-name helpers. A script that lies in that
 * subset (decided once, at compile time, by `_pac_straight_line.ts`) is answered on the calling
 * thread by a small interpreter of that subset alone, with no thread crossing; any run it does
 * not model exactly, and every other script, goes to QuickJS as above.
 *
 * DNS the Chromium way (proxy_resolver_v8_tracing.cc, non-blocking mode): a helper asking about
 * a name not yet known records it and aborts the run; the name is resolved outside (at most 20
 * look-ups per resolution, each with a timeout) and the script runs again with the answers.
 * The script's top level is loaded the same way (Chromium loads it with blocking DNS), its
 * answers kept for the life of the compiled script.
 *
 * @module
 */

import { SessionError } from "../core/session_error.ts";
import type { SandboxLimits, TopLevelDns } from "./_pac_sandbox.ts";
import { PacThread } from "./_pac_thread.ts";
import { ScriptLoadError } from "./_pac_protocol.ts";
import type { StraightLinePac } from "./_pac_straight_line.ts";
import {
  type HostLookup,
  localAddresses,
  lookupWithin,
  systemLookup,
} from "./_pac_host_services.ts";

/** Options for {@linkcode PacScript.compile}. */
export interface PacScriptOptions {
  /** Milliseconds one resolution (all its runs and look-ups) may take. Default 5000. */
  timeoutMs?: number;
  /** Bytes the script's heap may use. Default 32 MiB. */
  memoryLimitBytes?: number;
  /** Resolves names for `dnsResolve` and friends. Default: the system resolver. */
  lookup?: HostLookup;
  /** Milliseconds one look-up may take. Default 2000. */
  dnsTimeoutMs?: number;
  /**
   * Receives `alert()` messages (at most 32 per run, 1024 characters each) of the run that
   * answers; a run stopped for a DNS look-up and run again is heard once.
   */
  onAlert?: (message: string) => void;
}

/**
 * Hears what one resolution said besides its answer, as Chromium's PAC bindings report it to
 * the request's net log.
 */
export interface PacRunObserver {
  /** An `alert()` message of the run that answered (capped as `onAlert`'s). */
  alert(message: string): void;
  /**
   * The error that failed the resolution: `lineNumber` the script's line (`-1` when unknown),
   * `message` Chromium's words (`Uncaught TypeError: ...` in QuickJS's wording, `FindProxyForURL()
   * did not return a string.`).
   */
  error(lineNumber: number, message: string): void;
}

type ResolvedOptions =
  & Required<Omit<PacScriptOptions, "onAlert">>
  & Pick<PacScriptOptions, "onAlert">;

/** Look-ups one resolution may make, as in Chromium. */
export const MAX_PAC_DNS_LOOKUPS = 20;

/**
 * A compiled PAC script. Compile once per configuration change; `findProxyForUrl` then runs
 * the script for each URL.
 *
 * @example
 * ```ts
 * import { PacScript } from "./pac_script.ts";
 * const pac = await PacScript.compile(
 *   'function FindProxyForURL(url, host) { return isPlainHostName(host) ? "DIRECT" : "PROXY p:8080"; }',
 * );
 * console.log(await pac.findProxyForUrl(new URL("http://intranet/x"))); // DIRECT
 * console.log(await pac.findProxyForUrl(new URL("https://a.example/secret?q=1"))); // PROXY p:8080
 * pac.dispose();
 * ```
 */
export class PacScript {
  readonly #thread: PacThread;
  readonly #source: string;
  readonly #limits: SandboxLimits;
  readonly #topLevel: TopLevelDns;
  readonly #options: ResolvedOptions;
  readonly #fast: StraightLinePac | undefined;
  // The script's sandbox on the thread; undefined after dispose() until the next look-up.
  #id: number | Promise<number> | undefined;

  private constructor(
    thread: PacThread,
    compiled: {
      id: number;
      source: string;
      limits: SandboxLimits;
      topLevel: TopLevelDns;
      fast: StraightLinePac | undefined;
    },
    options: ResolvedOptions,
  ) {
    this.#thread = thread;
    this.#fast = compiled.fast;
    this.#id = compiled.id;
    this.#source = compiled.source;
    this.#limits = compiled.limits;
    this.#topLevel = compiled.topLevel;
    this.#options = options;
  }

  /**
   * Compiles a PAC script. Its top level runs under the same limits as a look-up, DNS helpers
   * included (at most 20 look-ups, within `timeoutMs` in all; later ones answer `null`).
   *
   * @param source The script text.
   * @param options Limits, resolver and alert sink.
   * @param observer Hears the `alert()` messages of the script's top level (of the load that
   * answered, when a name was looked up) and why the script did not load, as Chromium's PAC
   * bindings report it (`error(lineNumber, message)`: `Uncaught SyntaxError: ...` in QuickJS's
   * wording at the script's line, `FindProxyForURL() is undefined.` at `-1`).
   * @returns The compiled script.
   * @throws {SyntaxError} `Cannot compile PAC script: ...` when the script does not parse, throws
   * at its top level, runs out of time or memory, or defines no `FindProxyForURL`.
   */
  static async compile(
    source: string,
    options: PacScriptOptions = {},
    observer?: PacRunObserver,
  ): Promise<PacScript> {
    const {
      timeoutMs = 5000,
      memoryLimitBytes = 32 * 1024 * 1024,
      lookup = systemLookup,
      dnsTimeoutMs = 2000,
      onAlert,
    } = options;
    const thread = PacThread.shared();
    const limits = { memoryLimitBytes, timeoutMs, ...localAddresses() };
    // QuickJS compiles every script: it reports the errors, and answers what the fast path
    // declines. A top level that asks about a name is compiled again with the answer.
    const deadline = Date.now() + timeoutMs;
    const answers: Record<string, string[] | null> = {};
    let lookups = 0;
    let id: number;
    for (;;) {
      const noMoreLookups = lookups >= MAX_PAC_DNS_LOOKUPS;
      let compiled: Awaited<ReturnType<PacThread["compile"]>>;
      try {
        compiled = await thread.compile(source, limits, { answers, noMoreLookups });
      } catch (error) {
        if (error instanceof ScriptLoadError) {
          for (const message of error.alerts) observer?.alert(message);
          observer?.error(error.line, error.reported);
        }
        throw error;
      }
      if ("id" in compiled) {
        for (const message of compiled.alerts) observer?.alert(message);
        id = compiled.id;
        break;
      }
      const remaining = deadline - Date.now();
      answers[compiled.pending] = remaining <= 0
        ? null
        : await lookupWithin(lookup, compiled.pending, Math.min(dnsTimeoutMs, remaining));
      lookups++;
    }
    const topLevel = { answers, noMoreLookups: true };
    // Loaded on the first compile, not at start-up: acorn and the interpreter cost 4-6 ms to
    // load, which a program that never sets a PAC script should not pay.
    const { compileStraightLine } = await import("./_pac_straight_line.ts");
    const straightLine = compileStraightLine(source);
    const fast = "run" in straightLine ? straightLine : undefined;
    return new PacScript(thread, { id, source, limits, topLevel, fast }, {
      timeoutMs,
      memoryLimitBytes,
      lookup,
      dnsTimeoutMs,
      onAlert,
    });
  }

  /**
   * Runs `FindProxyForURL(url, host)` (or Microsoft's `FindProxyForURLEx`). https: and wss:
   * URLs reach the script without path and query; credentials and fragments never do.
   *
   * @param url The request URL.
   * @param observer Hears this resolution's alerts and error (a request's net log).
   * @returns The script's answer, unparsed (see `parsePacResult`).
   * @throws {SessionError} `net::ERR_PAC_SCRIPT_FAILED` when the script throws, returns a
   * non-string or a string outside ASCII, or runs past its deadline or limits (the message is
   * the error's `cause`).
   */
  findProxyForUrl(url: URL, observer?: PacRunObserver): Promise<string> {
    const fast = this.#fast;
    if (fast !== undefined) {
      const answer = fast.run(sanitizedUrl(url), scriptHost(url));
      if (answer !== undefined) {
        return NON_ASCII.test(answer)
          ? Promise.reject(nonAsciiFailure(answer, url, observer))
          : Promise.resolve(answer);
      }
    }
    return this.#findOnThread(url, observer);
  }

  /**
   * Whether the script lies in the straight-line subset that is answered on the calling thread
   * (see the module documentation); decided at compile time.
   *
   * @example
   * ```ts
   * import { PacScript } from "./pac_script.ts";
   * const pac = await PacScript.compile('function FindProxyForURL() { return "DIRECT"; }');
   * console.log(pac.fastPath); // true
   * pac.dispose();
   * ```
   */
  get fastPath(): boolean {
    return this.#fast !== undefined;
  }

  async #findOnThread(url: URL, observer: PacRunObserver | undefined): Promise<string> {
    const { timeoutMs, lookup, dnsTimeoutMs, onAlert } = this.#options;
    const deadline = Date.now() + timeoutMs;
    const answers: Record<string, string[] | null> = {};
    const urlText = sanitizedUrl(url);
    const host = scriptHost(url);
    let lookups = 0;
    for (;;) {
      const outcome = await this.#thread.run(
        await this.#compiled(url),
        urlText,
        host,
        answers,
        lookups >= MAX_PAC_DNS_LOOKUPS,
        deadline - Date.now(),
      );
      // A run stopped for a look-up is run again from the start: only the run that answers
      // has its alerts heard, as Chromium's tracing resolver drops an abandoned run's.
      if (!("pending" in outcome)) {
        for (const message of outcome.alerts) {
          onAlert?.(message);
          observer?.alert(message);
        }
      }
      if ("result" in outcome) {
        if (NON_ASCII.test(outcome.result)) throw nonAsciiFailure(outcome.result, url, observer);
        return outcome.result;
      }
      if ("error" in outcome) {
        observer?.error(outcome.line ?? -1, outcome.error);
        throw new SessionError("ERR_PAC_SCRIPT_FAILED", {
          cause: new Error(outcome.error),
          url: url.href,
        });
      }
      const remaining = deadline - Date.now();
      answers[outcome.pending] = remaining <= 0
        ? null
        : await lookupWithin(lookup, outcome.pending, Math.min(dnsTimeoutMs, remaining));
      lookups++;
    }
  }

  /** Frees the sandbox's memory. A later look-up compiles the script again. */
  dispose(): void {
    const id = this.#id;
    this.#id = undefined;
    if (typeof id === "number") this.#thread.dispose(id);
    else id?.then((compiled) => this.#thread.dispose(compiled), () => {});
  }

  #compiled(url: URL): number | Promise<number> {
    if (this.#id !== undefined) return this.#id;
    const compiling = this.#thread.compile(this.#source, this.#limits, this.#topLevel).then(
      // With every name answered (unknown ones null), the top level never asks again.
      (compiled) => this.#id = (compiled as { id: number }).id,
      (error: unknown) => {
        this.#id = undefined;
        throw new SessionError("ERR_PAC_SCRIPT_FAILED", { cause: error, url: url.href });
      },
    );
    this.#id = compiling;
    return compiling;
  }
}

const NON_ASCII = /[^\0-\x7f]/;

// Chromium's proxy_resolver_v8.cc refuses an answer outside ASCII (an IDN proxy host is not
// converted to punycode: crbug.com/47234) with ERR_PAC_SCRIPT_FAILED.
function nonAsciiFailure(
  answer: string,
  url: URL,
  observer: PacRunObserver | undefined,
): SessionError {
  // Chromium's words (ProxyResolverV8::Context::ResolveProxy), at no line.
  const message = `FindProxyForURL() returned a non-ASCII string (crbug.com/47234): ${answer}`;
  observer?.error(-1, message);
  return new SessionError("ERR_PAC_SCRIPT_FAILED", {
    cause: new Error(message.slice(0, 300)),
    url: url.href,
  });
}

/** The host the script sees: IPv6 literals without their brackets. */
function scriptHost(url: URL): string {
  const host = url.hostname;
  return host.startsWith("[") ? host.slice(1, -1) : host;
}

/**
 * The URL the script sees, as Chromium's `SanitizeUrl`: no credentials or fragment, and for
 * https: and wss: no path or query either.
 */
function sanitizedUrl(url: URL): string {
  const { protocol } = url;
  if (protocol === "https:" || protocol === "wss:") return `${protocol}//${url.host}/`;
  if (protocol === "http:" || protocol === "ws:" || protocol === "ftp:" || protocol === "file:") {
    return `${protocol}//${url.host}${url.pathname}${url.search}`;
  }
  // Other schemes may have no authority at all (data:,x): the URL less what is cleared.
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  copy.hash = "";
  return copy.href;
}
