/**
 * One client of the stages benchmark, in a process of its own: a session configured as one
 * variant (`none`, or with a subsystem's stage active), warmed up, then 1 KiB GETs at 50 in
 * flight. Prints `{rps, cpuMicros}` (requests per second, and this process's CPU time per
 * request in µs) as one JSON line.
 *
 * Run: `deno run -A bench/stages_client.ts VARIANT BASE_URL` or `bun bench/stages_client.ts …`.
 *
 * @module
 */

import { mkdtempSync, rmSync } from "node:fs";
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
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next++ < total) {
      const body = (await ses.fetch(url, init)).body;
      if (body) { for (const reader = body.getReader(); !(await reader.read()).done;); }
    }
  }));
  const used = process.cpuUsage(cpu);
  return {
    rps: total / ((performance.now() - started) / 1000),
    cpuMicros: (used.user + used.system) / total,
  };
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
