import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { currentRuntime } from "../runtime/mod.ts";
import { App, createSessionModule, type Session } from "../session/mod.ts";
import { netLogProblems, netLogToHar, parseNetLog, type ReadNetLog } from "../netlog/mod.ts";

// The network transaction's steps as Chromium's HttpNetworkTransaction::DoLoop logs them on the
// URL_REQUEST (http_network_transaction.cc): HTTP_TRANSACTION_SEND_REQUEST around the request's
// headers, body and writes, then HTTP_TRANSACTION_READ_HEADERS around the response head, each
// ending with EndEventWithNetErrorCode; a request sent again after a stale keep-alive socket
// failed logs HTTP_TRANSACTION_RESTART_AFTER_ERROR (HandleIOError).

let partitions = 0;
function newSession(): Session {
  const runtime = currentRuntime();
  return createSessionModule(new App(runtime), runtime).fromPartition(
    `transaction-netlog-${++partitions}`,
  );
}

async function logged(ses: Session, run: () => Promise<void>): Promise<ReadNetLog> {
  const path = join(await mkdtemp(join(tmpdir(), "ses-transaction-netlog-")), "log.json");
  await ses.netLog.startLogging(path);
  try {
    await run();
  } finally {
    await ses.netLog.stopLogging();
    await ses.closeAllConnections();
  }
  const log = parseNetLog(await readFile(path, "utf8"));
  assert.deepEqual(netLogProblems(log), []);
  return log;
}

/** Each URL_REQUEST's transaction and socket write events, `TYPE PHASE` and params. */
function transactions(log: ReadNetLog, keep: RegExp): Array<Array<[string, unknown]>> {
  const bySource = new Map<number, Array<[string, unknown]>>();
  for (const event of log.events) {
    if (event.source.type !== "URL_REQUEST" || !keep.test(event.type)) continue;
    const list = bySource.get(event.source.id) ?? [];
    bySource.set(event.source.id, list);
    const { headers: _headers, line: _line, bytes: _bytes, byte_count: _count, ...params } =
      event.params ?? {};
    list.push([`${event.type} ${event.phase}`, params]);
  }
  return [...bySource.values()];
}

// The send and the head: the body's reads have a test of their own.
const STEPS = /^HTTP_(TRANSACTION_(?!READ_BODY)|STREAM_PARSER_)/;

describe("net log of the network transaction", () => {
  let server: Server;
  let origin = "";
  const requestsOn = new WeakMap<Socket, number>();

  before(async () => {
    server = createServer((request, response) => {
      const count = (requestsOn.get(request.socket) ?? 0) + 1;
      requestsOn.set(request.socket, count);
      if (request.url === "/gzip" || request.url === "/multi") {
        // No Content-Length: the body's size on the wire is known only from its reads.
        const encoded = request.url === "/gzip"
          ? gzipSync("zipped body ".repeat(50))
          : brotliCompressSync(gzipSync("twice encoded"));
        response.writeHead(200, {
          "content-encoding": request.url === "/gzip" ? "gzip" : "gzip, br",
        });
        response.write(encoded.subarray(0, 10));
        response.end(encoded.subarray(10));
      } else if (request.url === "/cut") {
        // 40 of the 100 bytes promised, then the connection closes.
        response.writeHead(200, { "content-length": "100" });
        response.write("x".repeat(40));
        setTimeout(() => request.socket.destroy(), 50);
      } else if (request.url === "/drop") {
        request.socket.destroy();
      } else if (request.url === "/stale" && count > 1) {
        // A keep-alive socket the server closes once the next request is on it.
        request.socket.destroy();
      } else {
        request.resume();
        request.on("end", () => response.end("ok"));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("logs SEND_REQUEST around the request and READ_HEADERS around the response head", async () => {
    const ses = newSession();
    const log = await logged(ses, async () => {
      assert.equal(await (await ses.fetch(`${origin}/plain`)).text(), "ok");
    });
    const [request, ...rest] = transactions(log, STEPS);
    assert.deepEqual(rest, []);
    assert.deepEqual(request, [
      ["HTTP_TRANSACTION_SEND_REQUEST PHASE_BEGIN", {}],
      ["HTTP_TRANSACTION_SEND_REQUEST_HEADERS PHASE_NONE", {}],
      ["HTTP_TRANSACTION_SEND_REQUEST PHASE_END", {}],
      ["HTTP_TRANSACTION_READ_HEADERS PHASE_BEGIN", {}],
      // HttpStreamParser's own step, inside the transaction's.
      ["HTTP_STREAM_PARSER_READ_HEADERS PHASE_BEGIN", {}],
      ["HTTP_STREAM_PARSER_READ_HEADERS PHASE_END", {}],
      ["HTTP_TRANSACTION_READ_RESPONSE_HEADERS PHASE_NONE", {}],
      ["HTTP_TRANSACTION_READ_HEADERS PHASE_END", {}],
    ]);
  });

  it("logs each read of a network body, and the read that finds its end, as a READ_BODY pair", async () => {
    const ses = newSession();
    const log = await logged(ses, async () => {
      assert.equal(await (await ses.fetch(`${origin}/plain`)).text(), "ok");
      assert.equal((await ses.fetch(`${origin}/plain`, { method: "HEAD" })).status, 200);
    });
    const [get, head] = transactions(
      log,
      /^(HTTP_TRANSACTION_READ_BODY|URL_REQUEST_JOB_FILTERED_BYTES_READ|URL_REQUEST_START_JOB|REQUEST_ALIVE)$/,
    );
    // As chromium --log-net-log (156) writes a small body: the job's head, then a read with
    // its bytes and one that finds the end (HttpNetworkTransaction STATE_READ_BODY).
    assert.deepEqual(get!.slice(2).map(([name]) => name), [
      "URL_REQUEST_START_JOB PHASE_END",
      "HTTP_TRANSACTION_READ_BODY PHASE_BEGIN",
      "HTTP_TRANSACTION_READ_BODY PHASE_END",
      "URL_REQUEST_JOB_FILTERED_BYTES_READ PHASE_NONE",
      "HTTP_TRANSACTION_READ_BODY PHASE_BEGIN",
      "HTTP_TRANSACTION_READ_BODY PHASE_END",
      "REQUEST_ALIVE PHASE_END",
    ]);
    // A HEAD has no body to read.
    assert.ok(!head!.some(([name]) => name.startsWith("HTTP_TRANSACTION_READ_BODY")));
  });

  it("ends the read that failed with the body's error, as the request ends", async () => {
    const ses = newSession();
    const log = await logged(ses, async () => {
      const response = await ses.fetch(`${origin}/cut`);
      await assert.rejects(response.text());
    });
    const [request] = transactions(log, /^(HTTP_TRANSACTION_READ_BODY|REQUEST_ALIVE)$/);
    const aliveEnd = request!.at(-1)!;
    assert.equal(aliveEnd[0], "REQUEST_ALIVE PHASE_END");
    const { net_error } = aliveEnd[1] as { net_error: number };
    // The server's close is heard as the length falling short or as a reset.
    assert.ok([-354, -101].includes(net_error), String(net_error));
    // As chromium --log-net-log (156) writes a body cut short: the reads that gave bytes, then
    // the one that failed.
    assert.deepEqual(request!.slice(-3), [
      ["HTTP_TRANSACTION_READ_BODY PHASE_BEGIN", {}],
      ["HTTP_TRANSACTION_READ_BODY PHASE_END", { net_error }],
      aliveEnd,
    ]);
    assert.ok(request!.length >= 6);
  });

  it("logs a decoded body's filters and its bytes as read from the network, for a HAR's sizes", async () => {
    const ses = newSession();
    const log = await logged(ses, async () => {
      assert.equal(await (await ses.fetch(`${origin}/gzip`)).text(), "zipped body ".repeat(50));
      assert.equal(await (await ses.fetch(`${origin}/multi`)).text(), "twice encoded");
    });
    const reads = transactions(
      log,
      /^(URL_REQUEST_FILTERS_SET|URL_REQUEST_JOB_BYTES_READ|URL_REQUEST_JOB_FILTERED_BYTES_READ)$/,
    );
    // As chromium --log-net-log (156) writes them: the decoders in the order they run
    // (FilterSourceStream::Description), then each read's bytes before they are decoded.
    assert.deepEqual(reads.map((events) => events[0]), [
      ["URL_REQUEST_FILTERS_SET PHASE_NONE", { filters: "GZIP" }],
      ["URL_REQUEST_FILTERS_SET PHASE_NONE", { filters: "BROTLI,GZIP" }],
    ]);
    const sizes = log.events.filter((e) => e.type.startsWith("URL_REQUEST_JOB_")).reduce(
      (sum, e) => {
        const key = e.type === "URL_REQUEST_JOB_BYTES_READ" ? "raw" : "decoded";
        sum[e.source.id] ??= { raw: 0, decoded: 0 };
        sum[e.source.id]![key] += e.params!.byte_count as number;
        return sum;
      },
      {} as Record<number, { raw: number; decoded: number }>,
    );
    const gzipped = gzipSync("zipped body ".repeat(50)).length;
    assert.deepEqual(Object.values(sizes)[0], { raw: gzipped, decoded: 600 });
    const [entry] = netLogToHar(log).log.entries;
    assert.equal(entry!.response.bodySize, gzipped);
    assert.equal(entry!.response.content.size, 600);
    assert.equal(entry!.response.content.compression, 600 - gzipped);
  });

  it("logs the upload body's init before the send and its read inside it", async () => {
    const ses = newSession();
    const big = "x".repeat(20000);
    const log = await logged(ses, async () => {
      for (const body of ["hello body", big]) {
        assert.equal(
          await (await ses.fetch(`${origin}/upload`, { method: "POST", body })).text(),
          "ok",
        );
      }
    });
    const [small, large] = transactions(
      log,
      /^(UPLOAD_DATA_STREAM_|HTTP_TRANSACTION_SEND_REQUEST|SOCKET_BYTES_SENT)/,
    );
    // As chromium --log-net-log (156) writes a POST (UploadDataStream::Init and Read): a body
    // merged with the head is read before HTTP_TRANSACTION_SEND_REQUEST_BODY, another after it.
    assert.deepEqual(small, [
      ["UPLOAD_DATA_STREAM_INIT PHASE_BEGIN", {}],
      ["UPLOAD_DATA_STREAM_INIT PHASE_END", { is_chunked: false, net_error: 0, total_size: 10 }],
      ["HTTP_TRANSACTION_SEND_REQUEST PHASE_BEGIN", {}],
      ["HTTP_TRANSACTION_SEND_REQUEST_HEADERS PHASE_NONE", {}],
      ["UPLOAD_DATA_STREAM_READ PHASE_BEGIN", { current_position: 0 }],
      ["UPLOAD_DATA_STREAM_READ PHASE_END", {}],
      ["HTTP_TRANSACTION_SEND_REQUEST_BODY PHASE_NONE", {
        did_merge: true,
        is_chunked: false,
        length: 10,
      }],
      // The head and the body merged, in one write.
      ["SOCKET_BYTES_SENT PHASE_NONE", {}],
      ["HTTP_TRANSACTION_SEND_REQUEST PHASE_END", {}],
    ]);
    // A body too big to merge is said and read once the head is written
    // (HttpStreamParser::DoSendHeadersComplete).
    assert.deepEqual(large!.map(([name]) => name).slice(3, 8), [
      "HTTP_TRANSACTION_SEND_REQUEST_HEADERS PHASE_NONE",
      "SOCKET_BYTES_SENT PHASE_NONE",
      "HTTP_TRANSACTION_SEND_REQUEST_BODY PHASE_NONE",
      "UPLOAD_DATA_STREAM_READ PHASE_BEGIN",
      "UPLOAD_DATA_STREAM_READ PHASE_END",
    ]);
    assert.deepEqual(large![1]![1], { is_chunked: false, net_error: 0, total_size: 20000 });
    // HttpStreamParser reads a body it does not merge into its 16 KiB buffer
    // (kRequestBodyBufferSize), one read per buffer.
    assert.deepEqual(
      large!.filter(([name]) => name === "UPLOAD_DATA_STREAM_READ PHASE_BEGIN"),
      [
        ["UPLOAD_DATA_STREAM_READ PHASE_BEGIN", { current_position: 0 }],
        ["UPLOAD_DATA_STREAM_READ PHASE_BEGIN", { current_position: 16384 }],
      ],
    );
  });

  it("logs no upload stream for an empty body, only the head's Content-Length: 0", async () => {
    const ses = newSession();
    const log = await logged(ses, async () => {
      for (const body of ["", new Uint8Array(0)]) {
        assert.equal(
          await (await ses.fetch(`${origin}/upload`, { method: "POST", body })).text(),
          "ok",
        );
      }
    });
    // Electron's net.fetch pipes the body into its ClientRequest, which starts the request
    // with no body at all when nothing was written: no UploadDataStream to init or read, and
    // HttpNetworkTransaction gives a POST without one Content-Length: 0.
    for (const request of transactions(log, /^(UPLOAD_DATA_STREAM_|HTTP_TRANSACTION_SEND_)/)) {
      assert.deepEqual(request.map(([name]) => name), [
        "HTTP_TRANSACTION_SEND_REQUEST PHASE_BEGIN",
        "HTTP_TRANSACTION_SEND_REQUEST_HEADERS PHASE_NONE",
        "HTTP_TRANSACTION_SEND_REQUEST PHASE_END",
      ]);
    }
    const heads = log.events.filter((e) => e.type === "HTTP_TRANSACTION_SEND_REQUEST_HEADERS");
    assert.equal(heads.length, 2);
    for (const head of heads) {
      assert.ok((head.params!.headers as string[]).includes("Content-Length: 0"));
    }
  });

  it("ends SEND_REQUEST once a streamed body's last chunk is written", async () => {
    const ses = newSession();
    const log = await logged(ses, async () => {
      let sendSecond!: () => void;
      const second = new Promise<void>((resolve) => sendSecond = resolve);
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          controller.enqueue(new TextEncoder().encode("first"));
          // The second chunk only once the first has gone out, so the writes are two.
          setTimeout(sendSecond, 50);
          await second;
          controller.enqueue(new TextEncoder().encode("second"));
          controller.close();
        },
      });
      const response = await ses.fetch(`${origin}/upload`, {
        method: "POST",
        body,
        duplex: "half",
      } as RequestInit);
      assert.equal(await response.text(), "ok");
    });
    const [request] = transactions(log, /^(HTTP_TRANSACTION_(?!READ_BODY)|SOCKET_BYTES_SENT)/);
    const names = request!.map(([name]) => name);
    const end = names.indexOf("HTTP_TRANSACTION_SEND_REQUEST PHASE_END");
    // The head, each chunk's writes and the last chunk: every write inside the send.
    assert.ok(names.filter((name) => name === "SOCKET_BYTES_SENT PHASE_NONE").length >= 4);
    assert.equal(names.lastIndexOf("SOCKET_BYTES_SENT PHASE_NONE"), end - 1);
    // A chunked body is said once the head is written (HttpStreamParser::DoSendHeadersComplete).
    assert.deepEqual(names.slice(0, 4), [
      "HTTP_TRANSACTION_SEND_REQUEST PHASE_BEGIN",
      "HTTP_TRANSACTION_SEND_REQUEST_HEADERS PHASE_NONE",
      "SOCKET_BYTES_SENT PHASE_NONE",
      "HTTP_TRANSACTION_SEND_REQUEST_BODY PHASE_NONE",
    ]);
    assert.deepEqual(names.slice(end + 1), [
      "HTTP_TRANSACTION_READ_HEADERS PHASE_BEGIN",
      "HTTP_TRANSACTION_READ_RESPONSE_HEADERS PHASE_NONE",
      "HTTP_TRANSACTION_READ_HEADERS PHASE_END",
    ]);
  });

  it("logs each read of a streamed body, and the read that finds its end, as an UPLOAD_DATA_STREAM_READ pair", async () => {
    const ses = newSession();
    const log = await logged(ses, async () => {
      const chunks = ["first", "second!"];
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const chunk = chunks.shift();
          if (chunk === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(chunk));
        },
      });
      const response = await ses.fetch(`${origin}/upload`, {
        method: "POST",
        body,
        duplex: "half",
      } as RequestInit);
      assert.equal(await response.text(), "ok");
    });
    const [request] = transactions(
      log,
      /^(UPLOAD_DATA_STREAM_|HTTP_TRANSACTION_SEND_REQUEST)/,
    );
    // As UploadDataStream::Read logs HttpStreamParser's reads of a chunked body, after
    // HTTP_TRANSACTION_SEND_REQUEST_BODY: each from the position reached, the last finding
    // the end.
    assert.deepEqual(request, [
      ["UPLOAD_DATA_STREAM_INIT PHASE_BEGIN", {}],
      ["UPLOAD_DATA_STREAM_INIT PHASE_END", { is_chunked: true, net_error: 0, total_size: 0 }],
      ["HTTP_TRANSACTION_SEND_REQUEST PHASE_BEGIN", {}],
      ["HTTP_TRANSACTION_SEND_REQUEST_HEADERS PHASE_NONE", {}],
      ["HTTP_TRANSACTION_SEND_REQUEST_BODY PHASE_NONE", {
        did_merge: false,
        is_chunked: true,
        length: 0,
      }],
      ["UPLOAD_DATA_STREAM_READ PHASE_BEGIN", { current_position: 0 }],
      ["UPLOAD_DATA_STREAM_READ PHASE_END", {}],
      ["UPLOAD_DATA_STREAM_READ PHASE_BEGIN", { current_position: 5 }],
      ["UPLOAD_DATA_STREAM_READ PHASE_END", {}],
      ["UPLOAD_DATA_STREAM_READ PHASE_BEGIN", { current_position: 12 }],
      ["UPLOAD_DATA_STREAM_READ PHASE_END", {}],
      ["HTTP_TRANSACTION_SEND_REQUEST PHASE_END", {}],
    ]);
  });

  it("ends the streamed body's read that failed with its net error", async () => {
    const ses = newSession();
    const log = await logged(ses, async () => {
      let sent = false;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent) throw new TypeError("the source failed");
          sent = true;
          controller.enqueue(new TextEncoder().encode("part"));
        },
      });
      await assert.rejects(
        ses.fetch(`${origin}/upload`, { method: "POST", body, duplex: "half" } as RequestInit),
      );
    });
    const [request] = transactions(log, /^UPLOAD_DATA_STREAM_READ/);
    const end = request!.at(-1)!;
    assert.equal(request!.length, 4);
    assert.equal(end[0], "UPLOAD_DATA_STREAM_READ PHASE_END");
    assert.equal(typeof (end[1] as { net_error?: unknown }).net_error, "number");
  });

  it("ends READ_HEADERS with the net error when no response came", async () => {
    const ses = newSession();
    const log = await logged(ses, async () => {
      await assert.rejects(ses.fetch(`${origin}/drop`), { code: "ERR_EMPTY_RESPONSE" });
    });
    const [request] = transactions(log, STEPS);
    assert.deepEqual(request!.slice(-4), [
      ["HTTP_TRANSACTION_READ_HEADERS PHASE_BEGIN", {}],
      ["HTTP_STREAM_PARSER_READ_HEADERS PHASE_BEGIN", {}],
      ["HTTP_STREAM_PARSER_READ_HEADERS PHASE_END", { net_error: -324 }],
      ["HTTP_TRANSACTION_READ_HEADERS PHASE_END", { net_error: -324 }],
    ]);
  });

  it("logs RESTART_AFTER_ERROR when a stale keep-alive socket fails and the request is resent", async () => {
    const ses = newSession();
    const log = await logged(ses, async () => {
      assert.equal(await (await ses.fetch(`${origin}/stale`)).text(), "ok");
      assert.equal(await (await ses.fetch(`${origin}/stale`)).text(), "ok");
    });
    const [, resent] = transactions(log, STEPS);
    const once = [
      ["HTTP_TRANSACTION_SEND_REQUEST PHASE_BEGIN", {}],
      ["HTTP_TRANSACTION_SEND_REQUEST_HEADERS PHASE_NONE", {}],
      ["HTTP_TRANSACTION_SEND_REQUEST PHASE_END", {}],
      ["HTTP_TRANSACTION_READ_HEADERS PHASE_BEGIN", {}],
      ["HTTP_STREAM_PARSER_READ_HEADERS PHASE_BEGIN", {}],
    ];
    const restart = resent![6]!;
    assert.equal(restart[0], "HTTP_TRANSACTION_RESTART_AFTER_ERROR PHASE_NONE");
    // The server's close is heard as a reset or a close, as the kernel reports it.
    assert.ok([-100, -101, -324].includes((restart[1] as { net_error: number }).net_error));
    assert.deepEqual(resent, [
      ...once,
      // The parser's step ends with the error, as chromium --log-net-log (156) writes a resend.
      ["HTTP_STREAM_PARSER_READ_HEADERS PHASE_END", restart[1]],
      restart,
      // HandleIOError answered OK: the step ends without an error.
      ["HTTP_TRANSACTION_READ_HEADERS PHASE_END", {}],
      ...once,
      ["HTTP_STREAM_PARSER_READ_HEADERS PHASE_END", {}],
      ["HTTP_TRANSACTION_READ_RESPONSE_HEADERS PHASE_NONE", {}],
      ["HTTP_TRANSACTION_READ_HEADERS PHASE_END", {}],
    ]);
    // The HAR takes the answered transaction's timings.
    const [, entry] = netLogToHar(log).log.entries;
    assert.equal(entry!.response.status, 200);
    assert.ok(entry!.timings.send >= 0 && entry!.timings.wait >= 0);
  });
});
