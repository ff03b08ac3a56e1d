/**
 * The PAC thread: a `node:worker_threads` worker that holds every compiled PAC script's
 * QuickJS sandbox, so that the main thread can end a script that outlives its deadline by
 * terminating the thread. Its protocol is `_pac_protocol.ts` (and `"ready"` once QuickJS is
 * loaded); requests are served in order.
 *
 * Between messages the thread sleeps in `Atomics.wait` on the hand-off buffer (its
 * `workerData`), where the main thread leaves a run when nothing else is waiting; it goes back
 * to its event loop whenever the main thread has posted a message.
 *
 * A run that breaks QuickJS's WebAssembly instance (the host's stack overflowing inside it, see
 * `brokeInstance`) fails alone: the thread loads a new instance and compiles the live scripts
 * in it again as they are next used, with no restart of the thread.
 *
 * @module
 */

import { createRequire } from "node:module";
import { parentPort, workerData } from "node:worker_threads";
import type { QuickJSSyncVariant, QuickJSWASMModule } from "quickjs-emscripten";
import {
  brokeInstance,
  PacSandbox,
  type RunOutcome,
  type SandboxLimits,
  type TopLevelDns,
  TopLevelLookup,
} from "./_pac_sandbox.ts";
import {
  HAND_OFF_SLOT_COUNT,
  HAND_OFF_SLOTS,
  HAND_OFF_STATE,
  HAND_OFF_UNITS,
  type PacWorkerReply,
  type PacWorkerRequest,
  readUnits,
  ScriptLoadError,
  SEPARATOR,
  writeUnits,
} from "./_pac_protocol.ts";

// How long the worker watches the doorbell after a run before it sleeps (bench/README.md,
// 2026-11-30).
const DOORBELL_WATCH_MS = 0.3;

const port = parentPort;
if (port !== null) {
  const buffer = (workerData as { handOff: SharedArrayBuffer }).handOff;
  const slots = new Int32Array(buffer, 0, HAND_OFF_SLOT_COUNT);
  const units = new Uint16Array(buffer, HAND_OFF_SLOT_COUNT * 4, HAND_OFF_UNITS);
  const sandboxes = new Map<number, PacSandbox>();
  // Every live script, to compile again in a new QuickJS instance.
  const scripts = new Map<
    number,
    { source: string; limits: SandboxLimits; topLevel: TopLevelDns }
  >();
  // Undefined while QuickJS loads, at the start and after a run broke the instance.
  let module: QuickJSWASMModule | undefined;
  // Requests that come while QuickJS loads wait for it, in order.
  let loading: Promise<unknown> = loadQuickJs().then((loaded) => {
    module = loaded;
    port.postMessage("ready");
  });
  // Messages handled; while fewer than the main thread has posted, the thread stays in its
  // event loop to receive them.
  let mailRead = 0;

  // The script's sandbox in the current instance; after a reload, compiled again on first use.
  const sandboxFor = (id: number): PacSandbox | undefined => {
    const existing = sandboxes.get(id);
    if (existing !== undefined) return existing;
    const script = scripts.get(id);
    if (script === undefined || module === undefined) return undefined;
    const topLevel = { answers: script.topLevel.answers, noMoreLookups: true };
    const sandbox = new PacSandbox(module, script.source, script.limits, topLevel);
    sandboxes.set(id, sandbox);
    return sandbox;
  };

  // Replaces a broken QuickJS instance. Its sandboxes are dropped, not disposed (nothing may
  // run in it), and its memory goes with it. Messages that come meanwhile wait for the new one,
  // as at the start; so does a hand-off, which the main thread then leaves to a message reply.
  const reload = () => {
    module = undefined;
    sandboxes.clear();
    loading = loadQuickJs().then((loaded) => {
      module = loaded;
      if (Atomics.load(slots, HAND_OFF_SLOTS.mail) === mailRead) watch();
    });
  };

  const run = (request: string): { reply: PacWorkerReply; sandbox?: PacSandbox } => {
    const [seq, id, budgetMs, noMoreLookups, url = "", host = "", answers] = request.split(
      SEPARATOR,
    );
    let sandbox: PacSandbox | undefined;
    let outcome: RunOutcome;
    try {
      sandbox = sandboxFor(Number(id));
      outcome = sandbox === undefined
        ? { error: "the script was disposed", fatal: true, alerts: [] }
        : sandbox.run(
          url,
          host,
          answers ? JSON.parse(answers) : {},
          noMoreLookups === "1",
          Date.now() + Number(budgetMs),
        );
    } catch (error) {
      // Chromium's answer to a script that throws (ERR_PAC_SCRIPT_FAILED): this run fails,
      // and the thread lives on, with a new instance if this one broke. (A script compiled
      // again after a reload may also fail to compile now, as when its top level ran out of
      // time.)
      if (brokeInstance(error)) reload();
      sandbox = undefined;
      outcome = { error: describeThrown(error), fatal: true, alerts: [] };
    }
    const reply: PacWorkerReply = "result" in outcome && outcome.alerts.length === 0
      ? `${seq}${SEPARATOR}${outcome.result}`
      : [Number(seq), outcome];
    return { reply, sandbox };
  };

  // Answers the run in the buffer: in the buffer when the main thread still waits for it and
  // it fits, else as a message (posted only once the buffer is free for the next run).
  const serveHandOff = () => {
    const { reply, sandbox } = run(readUnits(units, slots[HAND_OFF_SLOTS.length]!));
    const text = typeof reply === "string" ? reply : JSON.stringify(reply);
    const fits = text.length <= HAND_OFF_UNITS;
    if (fits) writeUnits(units, text);
    Atomics.store(slots, HAND_OFF_SLOTS.length, fits ? text.length : -1);
    const { request, answered, idle } = HAND_OFF_STATE;
    if (Atomics.compareExchange(slots, HAND_OFF_SLOTS.state, request, answered) === request) {
      Atomics.notify(slots, HAND_OFF_SLOTS.state);
      if (!fits) port.postMessage(reply);
    } else {
      Atomics.store(slots, HAND_OFF_SLOTS.state, idle);
      port.postMessage(reply);
    }
    sandbox?.sweep();
  };

  // A hand-off not yet answered. It comes before every message not yet read: the main thread
  // hands off only when every request it posted has its answer, so the unread messages were
  // posted after it, or are disposals.
  const handOffWaits = () => {
    const state = Atomics.load(slots, HAND_OFF_SLOTS.state);
    return state === HAND_OFF_STATE.request || state === HAND_OFF_STATE.abandoned;
  };

  // Serves hand-offs until a message is waiting.
  const watch = () => {
    // A run that broke QuickJS's instance leaves the rest to the new one.
    while (module !== undefined) {
      if (handOffWaits()) {
        serveHandOff();
        continue;
      }
      // Read before the last checks: a ring after them changes it, and the wait sees that.
      const bell = Atomics.load(slots, HAND_OFF_SLOTS.doorbell);
      if (Atomics.load(slots, HAND_OFF_SLOTS.mail) !== mailRead) return;
      // Look-ups come in bursts (one per request): watching the doorbell a while after a run
      // saves the next one a wake-up, which costs more than the script on an idle VM.
      const until = performance.now() + DOORBELL_WATCH_MS;
      while (Atomics.load(slots, HAND_OFF_SLOTS.doorbell) === bell && performance.now() < until) {
        // Watching the doorbell; the main thread's ring ends it.
      }
      if (!handOffWaits()) Atomics.wait(slots, HAND_OFF_SLOTS.doorbell, bell);
    }
  };

  const serve = (request: PacWorkerRequest) => {
    // Waits for QuickJS (a reload after the run before it, or a request that came meanwhile).
    if (module === undefined) {
      loading = loading.then(() => serve(request));
      return;
    }
    if (handOffWaits()) serveHandOff();
    if (typeof request === "string") {
      const { reply, sandbox } = run(request);
      port.postMessage(reply);
      sandbox?.sweep();
    } else if (request[1] === "compile") {
      const [seq, , id, source, limits, topLevel] = request;
      try {
        const sandbox = new PacSandbox(module, source, limits, topLevel);
        sandboxes.set(id, sandbox);
        scripts.set(id, { source, limits, topLevel });
        const { loadAlerts: alerts } = sandbox;
        port.postMessage([seq, alerts.length > 0 ? { alerts } : null] satisfies PacWorkerReply);
      } catch (error) {
        if (error instanceof TopLevelLookup) {
          port.postMessage([seq, { pending: error.host }] satisfies PacWorkerReply);
        } else if (error instanceof ScriptLoadError) {
          const { message, line, reported, alerts } = error;
          const failure = { error: message, line, reported, alerts };
          port.postMessage([seq, failure] satisfies PacWorkerReply);
        } else {
          if (brokeInstance(error)) reload();
          // A message of ours says what failed already; anything else is what was thrown.
          const ours = error instanceof SyntaxError;
          const thrown = ours ? error.message.replace(PREFIX, "") : describeThrown(error);
          const failure = {
            error: `Cannot compile PAC script: ${thrown}`,
            line: -1,
            reported: ours ? thrown : `Uncaught ${thrown}`,
            alerts: [],
          };
          port.postMessage([seq, failure] satisfies PacWorkerReply);
        }
      }
    } else {
      sandboxes.get(request[2])?.dispose();
      sandboxes.delete(request[2]);
      scripts.delete(request[2]);
    }
    mailRead++;
    if (Atomics.load(slots, HAND_OFF_SLOTS.mail) === mailRead) watch();
  };

  port.on("message", serve);
}

const PREFIX = /^Cannot compile PAC script: /;

// A thrown error as a run's error text: Bun ends its messages with a period, Deno does not.
function describeThrown(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\.$/, "").slice(0, 300);
}

// QuickJS's release build, as `getQuickJS()` loads it, but through `require` from this file:
// the bare `import()`s in quickjs-emscripten (of the package and of its own emscripten module)
// resolve through the importing program's Deno configuration, which need not list @ses's
// dependencies, while `require` finds them beside the files that ask.
function loadQuickJs(): Promise<QuickJSWASMModule> {
  const require = createRequire(import.meta.url);
  const quickJs = require("quickjs-emscripten") as typeof import("quickjs-emscripten");
  const fromQuickJs = createRequire(require.resolve("quickjs-emscripten"));
  const name = "@jitl/quickjs-wasmfile-release-sync";
  const release = (fromQuickJs(name) as { default: QuickJSSyncVariant }).default;
  return quickJs.newQuickJSWASMModuleFromVariant({
    ...release,
    importModuleLoader: () => Promise.resolve(fromQuickJs(`${name}/emscripten-module`).default),
  });
}
