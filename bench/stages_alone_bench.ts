/**
 * The pipeline's stages without the network: the session's pipeline (`buildSessionPipeline`,
 * with a real cookie jar, HTTP cache, webRequest hooks and auth stage) over an in-process
 * transport, the HTTP/1.1 codec over a socket that answers every request as `bench_server.ts`'s
 * `/stage` route does (1 KiB, a `Set-Cookie`, `Cache-Control: no-store`). It measures what
 * each variant of `stages_bench.ts` adds to a request in CPU time, free of the loopback's noise
 * and of other processes: the variants run in one process, in alternating batches of requests
 * at 50 in flight, and each figure is the median over batches of the process's CPU time per
 * request (`process.cpuUsage`). The proxy variant is not here: proxy resolution happens inside
 * the real transport.
 *
 * Run: `deno run -A bench/stages_alone_bench.ts [VARIANTS] [BATCHES] [REQUESTS]` (or `bun …`),
 * VARIANTS comma-separated (default all; the first is the baseline).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import process from "node:process";
import { AuthCache } from "../auth/mod.ts";
import { HttpCache } from "../cache/mod.ts";
import type { FetchLike } from "../core/middleware.ts";
import { setResponseInfo } from "../core/response_info.ts";
import type { StreamSocket } from "../core/stream_socket.ts";
import { CookieJar } from "../cookies/mod.ts";
import { appendMissingHeaders, type SessionFetch, TransportSecurityState } from "../net/mod.ts";
import { exchange } from "../net/http1_client.ts";
import { buildSessionPipeline, type SessionPipelineDeps } from "../session/session_pipeline.ts";
import { WebRequest } from "../web_request/mod.ts";
import { median } from "./bench_common.ts";
import { withPassThroughListeners } from "./stages_client.ts";

const IN_FLIGHT = 50;
const ONE_KIB = new Uint8Array(1024).fill(97);
// What `bench_server.ts` sends for `/stage` (node:http adds Date, Connection and Keep-Alive).
const REPLY = Buffer.concat([
  Buffer.from(
    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 1024\r\n" +
      "set-cookie: bench=1; Path=/\r\ncache-control: no-store\r\n" +
      `Date: ${
        new Date().toUTCString()
      }\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n`,
    "latin1",
  ),
  ONE_KIB,
]);

// A connected socket whose peer answers each request at once with REPLY, in one piece, as a
// fresh Buffer (what a socket delivers): the codec then parses a head of fresh strings.
class AnsweringSocket {
  destroyed = false;
  writable = true;
  readonly remoteAddress = "127.0.0.1";
  readonly remotePort = 8080;
  #onData: ((chunk: Uint8Array) => void) | undefined;

  write(): boolean {
    queueMicrotask(() => this.#onData?.(Buffer.from(REPLY)));
    return true;
  }
  on(event: string, listener: (chunk: Uint8Array) => void): this {
    if (event === "data") this.#onData = listener;
    return this;
  }
  off(event: string): this {
    if (event === "data") this.#onData = undefined;
    return this;
  }
  once(): this {
    return this;
  }
  cork(): void {}
  uncork(): void {}
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  unshift(): void {}
  end(): this {
    return this;
  }
  destroy(): this {
    this.destroyed = true;
    return this;
  }
}

// What the real transport (net/http_transport.ts) does for such a response, short of the pool
// and the socket: the request's header list with the session's defaults, the HTTP/1.1 codec's
// exchange, the response's headers built from the raw lines, its facts recorded.
const transport: FetchLike = async (request, context) => {
  const list: Array<[string, string]> = [["host", "127.0.0.1:8080"]];
  request.headers.forEach((value, name) => list.push([name, value]));
  if (context.defaultHeaders) appendMissingHeaders(list, context.defaultHeaders);
  const reply = await exchange(new AnsweringSocket() as unknown as StreamSocket, {
    method: request.method,
    target: "/stage",
    headers: list,
    body: null,
    headersChecked: true,
  });
  const headers = new Headers();
  for (const [name, value] of reply.headers) headers.append(name, value);
  const response = new Response(reply.body, {
    status: reply.status,
    statusText: reply.statusText,
    headers,
  });
  setResponseInfo(response, {
    httpVersion: reply.httpVersion,
    statusLine: `HTTP/${reply.httpVersion} ${reply.status} ${reply.statusText}`,
    rawHeaders: reply.headers,
    remoteAddress: "127.0.0.1",
    remotePort: 8080,
    proxy: { scheme: "direct" },
    connectionReused: true,
    fromCache: false,
  });
  return response;
};

interface Active {
  cache?: boolean;
  webRequest?: boolean;
  login?: boolean;
}

function pipeline(active: Active): SessionFetch {
  const webRequest = new WebRequest();
  if (active.webRequest) withPassThroughListeners({ webRequest } as never);
  const deps: SessionPipelineDeps = {
    net: { transport } as unknown as SessionPipelineDeps["net"],
    identity: { userAgent: () => "bench/1", acceptLanguage: () => "en-US,en;q=0.9" },
    cookies: new CookieJar(),
    auth: {
      cache: new AuthCache(),
      login: () => Promise.resolve(undefined),
      ntlmAllowed: () => false,
      hasLoginListener: () => active.login === true,
      proxyCredentials: () => false,
    },
    onPreconnectHint: () => {},
    httpCache: new HttpCache({ directory: null, enabled: active.cache ?? false }).middleware,
    webRequest,
    // As every session has it: the HSTS stage with no host known.
    transportSecurity: new TransportSecurityState({ path: null }),
  };
  return buildSessionPipeline(deps).fetch;
}

/** The variants, as in `stages_client.ts` (`none` has nothing active). */
export const VARIANTS: Record<string, { fetch: SessionFetch; init: RequestInit }> = {
  none: { fetch: pipeline({}), init: { credentials: "omit" } },
  cookies: { fetch: pipeline({}), init: {} },
  cache: { fetch: pipeline({ cache: true }), init: { credentials: "omit" } },
  webRequest: { fetch: pipeline({ webRequest: true }), init: { credentials: "omit" } },
  auth: { fetch: pipeline({ login: true }), init: { credentials: "omit" } },
  all: { fetch: pipeline({ cache: true, webRequest: true, login: true }), init: {} },
};

/**
 * Runs `total` requests of one variant at 50 in flight, each body read to its end.
 *
 * @param name The variant.
 * @param total How many requests.
 * @returns The process's CPU time per request, in µs.
 */
export async function cpuPerRequest(name: string, total: number): Promise<number> {
  const { fetch, init } = VARIANTS[name]!;
  let next = 0;
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next++ < total) {
      const body = (await fetch("http://127.0.0.1:8080/stage", init)).body;
      if (body) { for (const reader = body.getReader(); !(await reader.read()).done;); }
    }
  }));
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / total;
}

if (import.meta.main) {
  const [list = Object.keys(VARIANTS).join(","), batches = "15", requests = "5000"] = process.argv
    .slice(2);
  const names = list.split(",");
  for (const name of names) if (!VARIANTS[name]) throw new TypeError(`Unknown variant "${name}"`);
  const runtime = "Deno" in globalThis
    ? `Deno ${process.versions.deno}`
    : `Bun ${process.versions.bun}`;
  console.log(`stages alone on ${runtime} (in-process transport, ${IN_FLIGHT} in flight)`);
  // Bun's JIT needs some tens of thousands of requests to settle.
  for (const name of names) await cpuPerRequest(name, 30_000);
  const results: Record<string, number[]> = {};
  for (let batch = 0; batch < Number(batches); batch++) {
    for (const name of names) {
      (results[name] ??= []).push(await cpuPerRequest(name, Number(requests)));
    }
  }
  const base = median(results[names[0]!]!);
  for (const name of names) {
    const cpu = median(results[name]!);
    console.log(
      `${name}: ${cpu.toFixed(2)} µs CPU per request, ${(cpu - base).toFixed(2)} µs more than ` +
        `${names[0]} (median of ${batches} batches of ${requests})`,
    );
  }
  process.exit(0);
}
