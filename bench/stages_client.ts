/**
 * One client of the stages benchmark, in a process of its own: a session configured as one
 * variant (`none`, or with a subsystem's stage active), warmed up, then 1 KiB GETs at 50 in
 * flight. Prints `{rps, cpuMicros, mainMicros}` (requests per second, this process's CPU time
 * per request in µs, and the main thread's alone, or `null` where Linux's
 * `/proc/self/task/PID/stat` is missing) as one JSON line: a variant that moves work to
 * another thread shows it in the last two.
 *
 * Run: `deno run -A bench/stages_client.ts VARIANT BASE_URL` or `bun bench/stages_client.ts …`.
 *
 * @module
 */

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { type Session, session } from "../mod.ts";

/** Requests in flight. */
const IN_FLIGHT = 50;
// Bun's JIT needs about 40 000 requests before ses.fetch runs at its steady speed.
const WARM_UP = 40_000;
const MEASURED = 20_000;

/** What each variant turns on; every variant fetches the same `/stage` route. */
export interface Variant {
  /** Makes the session, set up. */
  setup(base: string): Session | Promise<Session>;
  /** The `init` each request passes. */
  init: RequestInit;
}

let partitions = 0;
function freshSession(cache = true): Session {
  return session.fromPartition(`stages-bench-${process.pid}-${++partitions}`, { cache });
}

/**
 * The variants, by name. `none` is the baseline: an in-memory session with the cache disabled
 * and `credentials: "omit"`, so no stage has anything to do.
 */
export const VARIANTS: Record<string, Variant> = {
  none: { setup: () => Promise.resolve(freshSession(false)), init: { credentials: "omit" } },
  // The baseline again, in a process of its own: its ratio to `none` is the run's noise floor
  // (1.00x on a machine with nothing else to do), to read the other rows against.
  control: { setup: () => Promise.resolve(freshSession(false)), init: { credentials: "omit" } },
  // One cookie set by every response (the route's Set-Cookie) and sent with every request.
  cookies: { setup: () => Promise.resolve(freshSession(false)), init: {} },
  // Fixed proxy rules with a bypass list; the request is bypassed (issue 9's row).
  proxy: { setup: () => withProxy(freshSession(false)), init: { credentials: "omit" } },
  // The HTTP cache in the path for a response it may not store (issue 10's row).
  cache: { setup: () => Promise.resolve(freshSession(true)), init: { credentials: "omit" } },
  // Eight pass-through webRequest listeners, one per event, <all_urls> (issue 12's row).
  webRequest: {
    setup: () => withPassThroughListeners(freshSession(false)),
    init: { credentials: "omit" },
  },
  // A 'login' listener puts the auth stage in the path of every request (issue 13's row).
  auth: { setup: () => withLogin(freshSession(false)), init: { credentials: "omit" } },
  // A net log in default capture mode records every request to a temporary file (issue 14's row).
  netlog: { setup: () => loggingSession(), init: { credentials: "omit" } },
  // Every stage above at once.
  all: {
    setup: async () => withLogin(withPassThroughListeners(await withProxy(freshSession(true)))),
    init: {},
  },
};

async function withProxy(ses: Session): Promise<Session> {
  await ses.setProxy({
    proxyRules: "http=127.0.0.1:9;https=127.0.0.1:9",
    proxyBypassRules: "*.internal.test, 10.0.0.0/8, 127.0.0.1, <local>",
  });
  return ses;
}

/**
 * Registers eight pass-through webRequest listeners, one per event, for `<all_urls>`.
 *
 * @param ses The session.
 * @returns The same session.
 */
export function withPassThroughListeners(ses: Session): Session {
  const all = { urls: ["<all_urls>"] };
  const { webRequest } = ses;
  webRequest.onBeforeRequest(all, (_details, callback) => callback({}));
  webRequest.onBeforeSendHeaders(all, (_details, callback) => callback({}));
  webRequest.onSendHeaders(all, () => {});
  webRequest.onHeadersReceived(all, (_details, callback) => callback({}));
  webRequest.onResponseStarted(all, () => {});
  webRequest.onBeforeRedirect(all, () => {});
  webRequest.onCompleted(all, () => {});
  webRequest.onErrorOccurred(all, () => {});
  return ses;
}

function withLogin(ses: Session): Session {
  ses.on("login", (_event, _details, _authInfo, callback) => callback());
  return ses;
}

async function loggingSession(): Promise<Session> {
  const ses = freshSession(false);
  const dir = mkdtempSync(join(tmpdir(), "ses-stages-netlog-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  await ses.netLog.startLogging(join(dir, "netlog.json"));
  return ses;
}

async function requestsPerSecond(ses: Session, url: string, init: RequestInit, total: number) {
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const mainTicks = mainThreadTicks();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next++ < total) {
      const body = (await ses.fetch(url, init)).body;
      if (body) { for (const reader = body.getReader(); !(await reader.read()).done;); }
    }
  }));
  const used = process.cpuUsage(cpu);
  const mainUsed = mainThreadTicks() - mainTicks;
  return {
    rps: total / ((performance.now() - started) / 1000),
    cpuMicros: (used.user + used.system) / total,
    mainMicros: Number.isNaN(mainUsed) ? null : mainUsed * TICK_MICROS / total,
  };
}

// Linux's clock ticks (USER_HZ, 100 on every architecture Linux runs) in µs.
const TICK_MICROS = 10_000;

// The main thread's user and system time in clock ticks (proc(5), fields 14 and 15 of
// /proc/PID/task/TID/stat, the main thread's TID being the PID); NaN off Linux.
function mainThreadTicks(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return NaN;
  }
}

if (import.meta.main) {
  const [name = "", base = ""] = process.argv.slice(2);
  const variant = VARIANTS[name];
  if (!variant) throw new TypeError(`Unknown variant "${name}"`);
  const ses = await variant.setup(base);
  const url = `${base}/stage`;
  await requestsPerSecond(ses, url, variant.init, WARM_UP);
  const result = await requestsPerSecond(ses, url, variant.init, MEASURED);
  await ses.closeAllConnections();
  console.log(JSON.stringify(result));
  process.exit(0);
}
