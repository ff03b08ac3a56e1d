/**
 * One QuickJS runtime holding a compiled PAC script: no host objects, a memory limit, a
 * 256 KiB stack limit and an interrupt handler that stops the script at its deadline (polled by
 * QuickJS every 10 000 operations; the PAC thread's watchdog covers the rest). Lives on the PAC
 * thread (`_pac_worker.ts`).
 *
 * @module
 */

import type {
  QuickJSContext,
  QuickJSHandle,
  QuickJSRuntime,
  QuickJSWASMModule,
} from "quickjs-emscripten";
import { PAC_HELPERS_SOURCE } from "./_pac_helpers.ts";
import { ScriptLoadError } from "./_pac_protocol.ts";

/** What one run of the script came to. */
export type RunOutcome =
  | { readonly result: string; readonly alerts: readonly string[] }
  | { readonly pending: string; readonly alerts: readonly string[] }
  | {
    readonly error: string;
    readonly fatal: boolean;
    readonly alerts: readonly string[];
    /** The script's line the error came from, when known (a thrown error's stack). */
    readonly line?: number;
  };

/** Limits for a sandbox. */
export interface SandboxLimits {
  /** Bytes the heap may use. */
  readonly memoryLimitBytes: number;
  /** Milliseconds the top level may run. */
  readonly timeoutMs: number;
  /** The machine's addresses for myIpAddress() and myIpAddressEx(). */
  readonly ip: string;
  readonly ipEx: string;
}

/** DNS answers for the script's top level (`null` for a name that failed). */
export interface TopLevelDns {
  readonly answers: Readonly<Record<string, readonly string[] | null>>;
  /** Whether names not in `answers` answer `null` instead of stopping the compile. */
  readonly noMoreLookups: boolean;
}

/**
 * Thrown by the constructor when the script's top level asked about a name not yet known: the
 * caller resolves it and compiles again with the answer, as a run is run again.
 */
export class TopLevelLookup extends Error {
  /** The name to resolve. */
  readonly host: string;

  /** @param host The name the top level asked about. */
  constructor(host: string) {
    super(`the PAC script's top level looks up ${host}`);
    this.host = host;
  }
}

const STACK_LIMIT_BYTES = 256 * 1024;

/**
 * Whether an error thrown out of a call into QuickJS left its WebAssembly instance unusable:
 * the host's stack overflowed inside it (a `RangeError`), or it trapped or aborted (a
 * `WebAssembly.RuntimeError`). Either unwinds QuickJS's C code half way, leaving its stack
 * pointer, its allocator and the runtime's objects as they were at that moment, so nothing
 * more may run in the instance. QuickJS's own stack check counts only its WebAssembly stack:
 * its parser and JSON.stringify use several times more of the host's stack per level than
 * that, and a deep enough nesting overflows the host (about 1 MiB in a Deno or Bun worker)
 * before QuickJS notices, at any limit that leaves scripts room for ordinary recursion.
 *
 * @param error What the call threw.
 * @returns Whether the instance must be replaced.
 */
export function brokeInstance(error: unknown): boolean {
  return error instanceof RangeError || error instanceof WebAssembly.RuntimeError;
}
const INTERNAL_CALL_MS = 1000;
const GRACE_MS = 20;

interface Sandbox {
  runtime: QuickJSRuntime;
  context: QuickJSContext;
  internals: QuickJSHandle;
  call: QuickJSHandle;
  findProxy: QuickJSHandle;
}

/** A compiled PAC script in its own QuickJS runtime; rebuilt after a fatal run. */
export class PacSandbox {
  readonly #module: QuickJSWASMModule;
  readonly #source: string;
  readonly #limits: SandboxLimits;
  #topLevel: TopLevelDns;
  #sandbox: Sandbox | undefined;
  readonly #retired: Sandbox[] = [];
  #deadline = 0;
  #loadAlerts: readonly string[] = [];

  /**
   * Compiles the script.
   *
   * @param module The QuickJS WebAssembly module.
   * @param source The PAC script.
   * @param limits Memory, time and the local addresses.
   * @param topLevel DNS answers for the top level; default none, with no more look-ups.
   * @throws {SyntaxError} `Cannot compile PAC script: ...`; {@linkcode TopLevelLookup} when the
   * top level needs a name resolved; or what QuickJS's instance threw when compiling broke it
   * (see `brokeInstance`).
   */
  constructor(
    module: QuickJSWASMModule,
    source: string,
    limits: SandboxLimits,
    topLevel: TopLevelDns = { answers: {}, noMoreLookups: true },
  ) {
    this.#module = module;
    this.#source = source;
    this.#limits = limits;
    this.#topLevel = topLevel;
    this.#sandbox = this.#build();
    // A rebuild after a fatal run has no one to resolve a new name: it answers null.
    this.#topLevel = { answers: topLevel.answers, noMoreLookups: true };
  }

  /** The `alert()` messages the script's top level made when the constructor loaded it. */
  get loadAlerts(): readonly string[] {
    return this.#loadAlerts;
  }

  /**
   * Runs FindProxyForURL once.
   *
   * @param url The sanitised URL.
   * @param host The host without brackets.
   * @param answers DNS answers known so far (`null` for a failed name).
   * @param noMoreLookups Whether unknown names answer `null` instead of aborting the run.
   * @param deadline `Date.now()` value at which the run is interrupted.
   * @returns The outcome. After a fatal one, call `sweep` once the outcome is delivered.
   * @throws What QuickJS's instance threw when the run broke it (see `brokeInstance`).
   */
  run(
    url: string,
    host: string,
    answers: Record<string, string[] | null>,
    noMoreLookups: boolean,
    deadline: number,
  ): RunOutcome {
    let sandbox: Sandbox;
    try {
      sandbox = this.#sandbox ??= this.#build();
    } catch (error) {
      return { error: (error as Error).message, fatal: true, alerts: [] };
    }
    const { context, internals, call, findProxy } = sandbox;
    this.#deadline = deadline;
    let table: QuickJSHandle = context.undefined;
    for (const _ in answers) {
      table = context.newString(JSON.stringify(answers));
      break;
    }
    // A URL never holds a line feed (the URL parser strips them), so it can separate the two.
    const request = context.newString(`${url}\n${host}`);
    const called = context.callFunction(
      call,
      context.undefined,
      findProxy,
      request,
      table,
      noMoreLookups ? context.true : context.false,
    );
    request.dispose();
    if (table !== context.undefined) table.dispose();
    if (called.error) {
      // Reading the error may run the script's getters: they get a short grace period only.
      this.#deadline = Math.max(deadline, Date.now() + GRACE_MS);
      const error = this.#describe(context, internals, called.error);
      called.error.dispose();
      this.#retire();
      return { error, fatal: true, alerts: [] };
    }
    const answer = context.getString(called.value);
    called.value.dispose();
    const kind = answer[0];
    const text = answer.slice(2);
    let alerts: string[] = [];
    if (answer[1] === "1") {
      this.#deadline = Date.now() + INTERNAL_CALL_MS;
      const json = this.#callInternal(context, internals, "alerts");
      if (typeof json === "string") alerts = JSON.parse(json) as string[];
    }
    if (kind === "R") return { result: text, alerts };
    if (kind === "P") return { pending: text, alerts };
    const split = text.indexOf("\n");
    const line = Number(text.slice(0, split));
    const error = text.slice(split + 1);
    const fatal = Date.now() > deadline || error.startsWith("Uncaught InternalError");
    if (fatal) this.#retire();
    return line > 0 ? { error, fatal, alerts, line } : { error, fatal, alerts };
  }

  /** Frees the runtime; the next run compiles again. */
  dispose(): void {
    this.#retire();
    this.sweep();
  }

  /** Frees the runtimes that fatal runs left behind (see `run`). */
  sweep(): void {
    for (const sandbox of this.#retired.splice(0)) free(sandbox);
  }

  // After a runaway, freeing a full heap takes tens of milliseconds (hundreds on a busy
  // machine): the failure is answered first and the memory freed by `sweep` afterwards.
  #retire(): void {
    const sandbox = this.#sandbox;
    this.#sandbox = undefined;
    if (sandbox !== undefined) this.#retired.push(sandbox);
  }

  #build(): Sandbox {
    const runtime = this.#module.newRuntime();
    runtime.setMemoryLimit(this.#limits.memoryLimitBytes);
    runtime.setMaxStackSize(STACK_LIMIT_BYTES);
    runtime.setInterruptHandler(() => Date.now() > this.#deadline);
    const context = runtime.newContext();
    const handles: QuickJSHandle[] = [];
    try {
      this.#deadline = Date.now() + INTERNAL_CALL_MS;
      const internals = context.unwrapResult(
        context.evalCode(PAC_HELPERS_SOURCE, "pac_helpers.js"),
      );
      handles.push(internals);
      this.#setup(context, internals);
      this.#startTopLevel(context, internals);
      this.#deadline = Date.now() + this.#limits.timeoutMs;
      const loaded = context.evalCode(this.#source, "proxy.pac");
      this.#deadline = Date.now() + INTERNAL_CALL_MS;
      // A name the top level stopped at, whether the abort escaped it or was caught.
      const pending = this.#callInternal(context, internals, "topLevelPending");
      if (typeof pending === "string" && pending !== "") {
        (loaded.error ?? loaded.value).dispose();
        throw new TopLevelLookup(pending);
      }
      const alerts = this.#callInternal(context, internals, "alerts");
      this.#loadAlerts = typeof alerts === "string" ? JSON.parse(alerts) as string[] : [];
      if (loaded.error) {
        const message = this.#describe(context, internals, loaded.error);
        const failure = this.#describe(context, internals, loaded.error, "failure");
        loaded.error.dispose();
        const split = failure.indexOf("\n");
        throw new ScriptLoadError(
          `Cannot compile PAC script: ${message}`,
          split < 0 ? -1 : Number(failure.slice(0, split)),
          failure.slice(split + 1),
          this.#loadAlerts,
        );
      }
      loaded.value.dispose();
      this.#deadline = Date.now() + INTERNAL_CALL_MS;
      let findProxy = context.getProp(context.global, "FindProxyForURLEx");
      if (context.typeof(findProxy) !== "function") {
        findProxy.dispose();
        findProxy = context.getProp(context.global, "FindProxyForURL");
      }
      handles.push(findProxy);
      if (context.typeof(findProxy) !== "function") {
        throw new ScriptLoadError(
          "Cannot compile PAC script: FindProxyForURL() is undefined",
          -1,
          // Chromium's words (ProxyResolverV8::Context::InitV8).
          "FindProxyForURL() is undefined.",
          this.#loadAlerts,
        );
      }
      const call = context.getProp(internals, "call");
      return { runtime, context, internals, call, findProxy };
    } catch (error) {
      // Nothing more may run in a broken instance, not even the disposals.
      if (brokeInstance(error)) throw error;
      for (const handle of handles) handle.dispose();
      context.dispose();
      runtime.removeInterruptHandler();
      runtime.dispose();
      if (error instanceof SyntaxError || error instanceof TopLevelLookup) throw error;
      throw new SyntaxError(`Cannot compile PAC script: ${String(error)}`);
    }
  }

  #setup(context: QuickJSContext, internals: QuickJSHandle): void {
    const setup = context.getProp(internals, "setup");
    const args = [context.newString(this.#limits.ip), context.newString(this.#limits.ipEx)];
    const result = context.callFunction(setup, context.undefined, ...args);
    for (const arg of args) arg.dispose();
    setup.dispose();
    context.unwrapResult(result).dispose();
  }

  #startTopLevel(context: QuickJSContext, internals: QuickJSHandle): void {
    const { answers, noMoreLookups } = this.#topLevel;
    const start = context.getProp(internals, "topLevel");
    let table: QuickJSHandle = context.undefined;
    for (const _ in answers) {
      table = context.newString(JSON.stringify(answers));
      break;
    }
    const flag = noMoreLookups ? context.true : context.false;
    const result = context.callFunction(start, context.undefined, table, flag);
    if (table !== context.undefined) table.dispose();
    start.dispose();
    context.unwrapResult(result).dispose();
  }

  #describe(
    context: QuickJSContext,
    internals: QuickJSHandle,
    error: QuickJSHandle,
    how: "describe" | "failure" = "describe",
  ): string {
    const fn = context.getProp(internals, how);
    const result = context.callFunction(fn, context.undefined, error);
    fn.dispose();
    if (result.error) {
      result.error.dispose();
      return "the script threw a value that cannot be read";
    }
    const text = context.typeof(result.value) === "string" ? context.getString(result.value) : "";
    result.value.dispose();
    return text.slice(0, 300);
  }

  #callInternal(context: QuickJSContext, internals: QuickJSHandle, name: string): unknown {
    const fn = context.getProp(internals, name);
    const result = context.callFunction(fn, context.undefined);
    fn.dispose();
    if (result.error) {
      result.error.dispose();
      return undefined;
    }
    const value: unknown = context.dump(result.value);
    result.value.dispose();
    return value;
  }
}

function free(sandbox: Sandbox): void {
  sandbox.findProxy.dispose();
  sandbox.call.dispose();
  sandbox.internals.dispose();
  sandbox.context.dispose();
  // Removed first: a later runtime may reuse this one's address, and with it the handler.
  sandbox.runtime.removeInterruptHandler();
  sandbox.runtime.dispose();
}
