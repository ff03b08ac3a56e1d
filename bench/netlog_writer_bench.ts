/**
 * The net log writer alone: the events one reused-connection GET adds (14, as `ses.fetch`
 * logs them in `default` mode, the Cookie and Set-Cookie lines and the socket bytes included), replayed through a
 * {@linkcode NetLog} writing to a temporary file, against the same replay with no log running.
 * Prints the writer's CPU time per request in µs (`process.cpuUsage`), median of 5 rounds.
 *
 * Run: `deno run -A bench/netlog_writer_bench.ts [MODE]` or `bun bench/netlog_writer_bench.ts`.
 *
 * @module
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import type { NetLogSink } from "../core/net_log_sink.ts";
import { type CaptureMode, NetLog } from "../netlog/mod.ts";
import { median } from "./bench_common.ts";

const REQUESTS = 50_000;
const ROUNDS = 5;

const UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ses/0.1.0 " +
  "Deno/2.9.6 Safari/537.36";

// Header lines are made from name/value pairs per request, as net/transaction_log.ts makes
// them.
const REQUEST_HEADERS = [
  ["host", "127.0.0.1:43911"],
  ["user-agent", UA],
  ["accept-language", "en-US,en;q=0.9"],
  ["accept-encoding", "gzip, deflate, br"],
  ["accept", "*/*"],
  ["cookie", "a=b"],
];
const RESPONSE_HEADERS = [
  ["set-cookie", "a=b"],
  ["content-type", "text/plain"],
  ["Date", "Mon, 30 Nov 2026 01:45:13 GMT"],
  ["Connection", "keep-alive"],
  ["Keep-Alive", "timeout=5"],
  ["Content-Length", "1024"],
];

// What the codec writes and reads, handed over as they are.
const REQUEST_HEAD = `GET /stage HTTP/1.1\r\n${
  REQUEST_HEADERS.map(([name, value]) => `${name}: ${value}\r\n`).join("")
}\r\n`;
const RESPONSE_BYTES = new Uint8Array(1200);

// One request's events, built as the pipeline builds them (a new params object per event).
function oneRequest(sink: NetLogSink): void {
  const source = sink.newSource("URL_REQUEST");
  sink.add({
    type: "REQUEST_ALIVE",
    phase: "PHASE_BEGIN",
    source,
    params: { priority: "auto", traffic_annotation: 0 },
  });
  sink.add({
    type: "URL_REQUEST_START_JOB",
    phase: "PHASE_BEGIN",
    source,
    params: { url: "http://127.0.0.1:43911/stage", method: "GET", load_flags: 0, priority: "auto" },
  });
  sink.add({
    type: "COOKIE_INCLUSION_STATUS",
    phase: "PHASE_NONE",
    source,
    params: {
      operation: "send",
      status: "INCLUDE, DO_NOT_WARN, NO_EXEMPTION",
      partition_key: "(none)",
      name: "a",
      domain: "127.0.0.1",
      path: "/",
    },
  });
  sink.add({ type: "PROXY_RESOLUTION_SERVICE", phase: "PHASE_BEGIN", source });
  sink.add({
    type: "PROXY_RESOLUTION_SERVICE_RESOLVED_PROXY_LIST",
    phase: "PHASE_NONE",
    source,
    params: { proxy_info: "DIRECT" },
  });
  sink.add({ type: "PROXY_RESOLUTION_SERVICE", phase: "PHASE_END", source });
  sink.add({ type: "HTTP_STREAM_REQUEST", phase: "PHASE_BEGIN", source });
  sink.add({
    type: "HTTP_STREAM_REQUEST",
    phase: "PHASE_END",
    source,
    params: { proxy_chain: "[direct://]", reused_socket: true, remote_address: "127.0.0.1" },
  });
  sink.add({
    type: "SOCKET_POOL_REUSED_AN_EXISTING_SOCKET",
    phase: "PHASE_NONE",
    source,
    params: { idle_ms: 0 },
  });
  sink.add({
    type: "HTTP_TRANSACTION_SEND_REQUEST_HEADERS",
    phase: "PHASE_NONE",
    source,
    params: {
      line: "GET /stage HTTP/1.1\r\n",
      headers: REQUEST_HEADERS.map(([name, value]) => `${name}: ${value}`),
    },
  });
  sink.add({
    type: "SOCKET_BYTES_SENT",
    phase: "PHASE_NONE",
    source,
    params: { byte_count: REQUEST_HEAD.length, bytes: REQUEST_HEAD },
  });
  sink.add({
    type: "SOCKET_BYTES_RECEIVED",
    phase: "PHASE_NONE",
    source,
    params: { byte_count: RESPONSE_BYTES.length, bytes: RESPONSE_BYTES },
  });
  sink.add({
    type: "HTTP_TRANSACTION_READ_RESPONSE_HEADERS",
    phase: "PHASE_NONE",
    source,
    params: {
      headers: [
        "HTTP/1.1 200 OK",
        ...RESPONSE_HEADERS.map(([name, value]) => `${name}: ${value}`),
      ],
    },
  });
  sink.add({ type: "URL_REQUEST_START_JOB", phase: "PHASE_END", source });
  sink.add({ type: "REQUEST_ALIVE", phase: "PHASE_END", source });
}

// CPU µs per request for REQUESTS requests, in batches of 50 with a turn between them, as
// requests in flight interleave with the writer's flushes.
async function cpuPerRequest(sink: NetLogSink): Promise<number> {
  const cpu = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i += 50) {
    for (let j = 0; j < 50; j++) oneRequest(sink);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / REQUESTS;
}

const mode = (process.argv[2] ?? "default") as CaptureMode;
const dir = mkdtempSync(join(tmpdir(), "ses-writer-bench-"));
try {
  const off: number[] = [];
  const on: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    off.push(await cpuPerRequest(new NetLog()));
    const netLog = new NetLog();
    await netLog.startLogging(join(dir, `log${round}.json`), { captureMode: mode });
    on.push(await cpuPerRequest(netLog));
    await netLog.stopLogging();
  }
  const runtime = "Deno" in globalThis
    ? `Deno ${process.versions.deno}`
    : `Bun ${process.versions.bun}`;
  console.log(
    `net log writer on ${runtime}, ${mode}: ${(median(on) - median(off)).toFixed(2)} µs per ` +
      `request of 14 events (log running ${median(on).toFixed(2)}, not running ${
        median(off).toFixed(2)
      }; median of ${ROUNDS})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
