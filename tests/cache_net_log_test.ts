import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../runtime/mod.ts";
import { App, createSessionModule, type Session } from "../session/mod.ts";
import { netLogProblems, netLogToHar, parseNetLog, type ReadNetLog } from "../netlog/mod.ts";
import { type OriginServer, startOrigin } from "./fixtures/origin_server.ts";

// The HTTP cache's events as `chromium --log-net-log` (156) writes them for a store, a hit and a
// 304 revalidation (HttpCache::Transaction), through ses.fetch against a real server.

let partitions = 0;
function newSession(): Session {
  const runtime = currentRuntime();
  return createSessionModule(new App(runtime), runtime).fromPartition(
    `cache-netlog-${++partitions}`,
  );
}

let lastLog: ReadNetLog | undefined;

/** Each URL_REQUEST's HTTP_CACHE_* events, `TYPE PHASE`, with their params. */
async function cacheEvents(ses: Session, run: () => Promise<void>): Promise<unknown[][][]> {
  const path = join(await mkdtemp(join(tmpdir(), "ses-cache-netlog-")), "log.json");
  await ses.netLog.startLogging(path);
  await run();
  await ses.netLog.stopLogging();
  const log: ReadNetLog = parseNetLog(await readFile(path, "utf8"));
  assert.deepEqual(netLogProblems(log), []);
  lastLog = log;
  const bySource = new Map<number, unknown[][]>();
  for (const event of log.events) {
    if (event.source.type !== "URL_REQUEST") continue;
    const list = bySource.get(event.source.id) ?? [];
    bySource.set(event.source.id, list);
    if (!event.type.startsWith("HTTP_CACHE_")) continue;
    const { headers: _headers, ...params } = event.params ?? {};
    list.push([`${event.type} ${event.phase}`, params]);
  }
  return [...bySource.values()];
}

const pair = (type: string) => [[`${type} PHASE_BEGIN`, {}], [`${type} PHASE_END`, {}]];

function opened(result: "opened" | "created"): unknown[][] {
  return [
    ...pair("HTTP_CACHE_GET_BACKEND"),
    ["HTTP_CACHE_OPEN_OR_CREATE_ENTRY PHASE_BEGIN", {}],
    ["HTTP_CACHE_OPEN_OR_CREATE_ENTRY PHASE_END", { result }],
    ...pair("HTTP_CACHE_ADD_TO_ENTRY"),
  ];
}

describe("net log of the HTTP cache", () => {
  let origin: OriginServer;
  before(async () => {
    origin = await startOrigin({
      fetch: (request) => {
        // /swr may be served stale while it is revalidated; /sie when its origin fails.
        const path = new URL(request.url).pathname;
        const cacheControl = path === "/swr"
          ? "max-age=0, stale-while-revalidate=60"
          : path === "/sie"
          ? "max-age=0, stale-if-error=60"
          : "no-cache";
        const headers = { etag: '"v1"', "cache-control": cacheControl };
        if (request.headers.get("if-none-match") !== '"v1"') {
          return new Response("body", { headers });
        }
        if (path === "/sie") return new Response("down", { status: 503 });
        return new Response(null, { status: 304, headers });
      },
    });
  });
  after(() => origin?.close());

  it("logs a store, a 304 revalidation and a cache-only miss and hit as Chromium's transaction", async () => {
    const ses = newSession();
    const url = new URL("/validated", origin.url).href;
    const cacheOnly = { cache: "only-if-cached", mode: "same-origin" } as const;
    const [stored, revalidated, missed, hit, headHit, ...rest] = await cacheEvents(
      ses,
      async () => {
        assert.equal(await (await ses.fetch(url)).text(), "body");
        assert.equal(await (await ses.fetch(url)).text(), "body");
        await assert.rejects(
          ses.fetch(new URL("/never", origin.url), cacheOnly),
          { code: "ERR_CACHE_MISS" },
        );
        const cached = await ses.fetch(url, cacheOnly);
        assert.equal(await cached.text(), "body");
        assert.equal((await ses.fetch(url, { ...cacheOnly, method: "HEAD" })).status, 200);
      },
    );
    assert.deepEqual(rest, []);
    assert.deepEqual(stored, [
      ...opened("created"),
      ...pair("HTTP_CACHE_WRITE_INFO"),
      ...pair("HTTP_CACHE_WRITE_DATA"),
    ]);
    // The stored head read before the validation goes out (DoCacheReadResponse), the 304's
    // head written over it (DoUpdateCachedResponse), then the body read from the entry
    // (DoCacheReadData: its bytes, then the read that finds its end).
    assert.deepEqual(revalidated, [
      ...opened("opened"),
      ...pair("HTTP_CACHE_READ_INFO"),
      ...pair("HTTP_CACHE_WRITE_INFO"),
      ...pair("HTTP_CACHE_READ_DATA"),
      ...pair("HTTP_CACHE_READ_DATA"),
    ]);
    const revalidatedId =
      lastLog!.events.find((e) =>
        e.source.type === "URL_REQUEST" && e.source.id > lastLog!.events[0]!.source.id &&
        e.type === "HTTP_CACHE_READ_INFO"
      )!.source.id;
    const steps = lastLog!.events.filter((e) => e.source.id === revalidatedId)
      .map((e) => `${e.type} ${e.phase}`);
    const at = (step: string) => steps.indexOf(step);
    assert.ok(
      at("HTTP_CACHE_READ_INFO PHASE_END") < at("HTTP_TRANSACTION_SEND_REQUEST PHASE_BEGIN"),
    );
    assert.ok(
      at("HTTP_TRANSACTION_READ_HEADERS PHASE_END") < at("HTTP_CACHE_WRITE_INFO PHASE_BEGIN"),
    );
    // The body is read once the job has its head (URLRequest::NotifyResponseStarted), each
    // read before the bytes it gave.
    assert.ok(at("URL_REQUEST_START_JOB PHASE_END") < at("HTTP_CACHE_READ_DATA PHASE_BEGIN"));
    assert.ok(
      at("HTTP_CACHE_READ_DATA PHASE_END") < at("URL_REQUEST_JOB_FILTERED_BYTES_READ PHASE_NONE"),
    );
    // As HAR 1.2 has a revalidation: the 304, no body received, the content the entry gave.
    const entries = netLogToHar(lastLog!).log.entries;
    assert.deepEqual(
      entries.map((e) => [e.response.status, e.response.bodySize, e.response.content.size]),
      [[200, 4, 4], [304, 0, 4], [0, -1, 0], [200, 0, 4], [200, 0, 0]],
    );
    // A request only the cache may answer opens (never creates) the entry: READ mode.
    assert.deepEqual(missed, [
      ["HTTP_CACHE_GET_BACKEND PHASE_BEGIN", {}],
      ["HTTP_CACHE_GET_BACKEND PHASE_END", {}],
      ["HTTP_CACHE_OPEN_ENTRY PHASE_BEGIN", {}],
      ["HTTP_CACHE_OPEN_ENTRY PHASE_END", { net_error: -400 }],
    ]);
    const readOnly = [
      ...pair("HTTP_CACHE_GET_BACKEND"),
      ...pair("HTTP_CACHE_OPEN_ENTRY"),
      ...pair("HTTP_CACHE_ADD_TO_ENTRY"),
      ...pair("HTTP_CACHE_READ_INFO"),
    ];
    assert.deepEqual(hit, [
      ...readOnly,
      ...pair("HTTP_CACHE_READ_DATA"),
      ...pair("HTTP_CACHE_READ_DATA"),
    ]);
    // A HEAD reads no data (DoCacheReadData returns at once).
    assert.deepEqual(headHit, readOnly);
    await ses.closeAllConnections();
  });

  it("logs a stale-while-revalidate revalidation as a request of its own, as Chromium's renderer sends one", async () => {
    const ses = newSession();
    const url = new URL("/swr", origin.url).href;
    const [stored, stale, background, ...rest] = await cacheEvents(ses, async () => {
      assert.equal(await (await ses.fetch(url)).text(), "body");
      assert.equal(await (await ses.fetch(url)).text(), "body");
      await ses.cacheIdle();
    });
    assert.deepEqual(rest, []);
    assert.deepEqual(stored, [
      ...opened("created"),
      ...pair("HTTP_CACHE_WRITE_INFO"),
      ...pair("HTTP_CACHE_WRITE_DATA"),
    ]);
    // The caller's request read the entry and nothing else.
    assert.deepEqual(stale, [
      ...opened("opened"),
      ...pair("HTTP_CACHE_READ_INFO"),
      ...pair("HTTP_CACHE_READ_DATA"),
      ...pair("HTTP_CACHE_READ_DATA"),
    ]);
    assert.deepEqual(background, [
      ...opened("opened"),
      ...pair("HTTP_CACHE_READ_INFO"),
      ...pair("HTTP_CACHE_WRITE_INFO"),
    ]);
    const ids = [...new Set(lastLog!.events.map((e) => e.source.id))];
    const steps = (id: number) =>
      lastLog!.events.filter((e) => e.source.id === id).map((e) => `${e.type} ${e.phase}`);
    const [, staleSteps, backgroundSteps] = ids.map(steps);
    assert.equal(staleSteps!.at(-1), "REQUEST_ALIVE PHASE_END");
    assert.ok(!staleSteps!.some((step) => step.startsWith("HTTP_TRANSACTION_")));
    assert.equal(backgroundSteps![0], "REQUEST_ALIVE PHASE_BEGIN");
    assert.equal(backgroundSteps!.at(-1), "REQUEST_ALIVE PHASE_END");
    assert.ok(backgroundSteps!.includes("HTTP_TRANSACTION_READ_RESPONSE_HEADERS PHASE_NONE"));
    // The HAR has the caller's answer from the cache, and the revalidation's 304.
    const entries = netLogToHar(lastLog!).log.entries;
    assert.deepEqual(
      entries.map((e) => [e.request.url, e.response.status, "beforeRequest" in e.cache]),
      [[url, 200, false], [url, 200, true], [url, 304, false]],
    );
    await ses.closeAllConnections();
  });

  it("logs the stored head read again when a failed validation is answered from the stale entry", async () => {
    const ses = newSession();
    const url = new URL("/sie", origin.url).href;
    const [, served, ...rest] = await cacheEvents(ses, async () => {
      assert.equal(await (await ses.fetch(url)).text(), "body");
      const stale = await ses.fetch(url);
      assert.deepEqual([stale.status, await stale.text()], [200, "body"]);
    });
    assert.deepEqual(rest, []);
    assert.deepEqual(served, [
      ...opened("opened"),
      ...pair("HTTP_CACHE_READ_INFO"),
      ...pair("HTTP_CACHE_READ_INFO"),
      ...pair("HTTP_CACHE_READ_DATA"),
      ...pair("HTTP_CACHE_READ_DATA"),
    ]);
    // The HAR has what the caller got: the stored 200, not the origin's 503.
    const [, entry] = netLogToHar(lastLog!).log.entries;
    assert.deepEqual([entry!.response.status, "beforeRequest" in entry!.cache], [200, true]);
    await ses.closeAllConnections();
  });

  it("logs a POST's backend alone and a HEAD that finds no entry failing to make one, as Chromium", async () => {
    const ses = newSession();
    const [posted, head, ...rest] = await cacheEvents(ses, async () => {
      await (await ses.fetch(new URL("/posted", origin.url), { method: "POST", body: "x" })).text();
      assert.equal(
        (await ses.fetch(new URL("/unseen", origin.url), { method: "HEAD" })).status,
        200,
      );
    });
    assert.deepEqual(rest, []);
    // As chromium --log-net-log (156) writes them: a POST's transaction gets the backend and
    // goes on without an entry; a HEAD cannot create one (ERR_FAILED) and joins none.
    assert.deepEqual(posted, pair("HTTP_CACHE_GET_BACKEND"));
    assert.deepEqual(head, [
      ...pair("HTTP_CACHE_GET_BACKEND"),
      ["HTTP_CACHE_OPEN_OR_CREATE_ENTRY PHASE_BEGIN", {}],
      ["HTTP_CACHE_OPEN_OR_CREATE_ENTRY PHASE_END", { net_error: -2 }],
    ]);
    await ses.closeAllConnections();
  });

  it("logs a no-store request's backend alone and a reload's entry doomed and created anew", async () => {
    const ses = newSession();
    const url = new URL("/validated", origin.url).href;
    const [noStore, stored, reloaded, ...rest] = await cacheEvents(ses, async () => {
      await (await ses.fetch(url, { cache: "no-store" })).text();
      await (await ses.fetch(url)).text();
      await (await ses.fetch(url, { cache: "reload" })).text();
    });
    assert.deepEqual(rest, []);
    // As chromium --log-net-log (156) writes fetch()'s cache modes: LOAD_DISABLE_CACHE gets the
    // backend and no entry; LOAD_BYPASS_CACHE dooms what is stored and creates the entry anew.
    assert.deepEqual(noStore, pair("HTTP_CACHE_GET_BACKEND"));
    assert.deepEqual(stored!.slice(0, 6), opened("created"));
    assert.deepEqual(reloaded, [
      ...pair("HTTP_CACHE_GET_BACKEND"),
      ...pair("HTTP_CACHE_DOOM_ENTRY"),
      ...pair("HTTP_CACHE_CREATE_ENTRY"),
      ...pair("HTTP_CACHE_ADD_TO_ENTRY"),
      ...pair("HTTP_CACHE_WRITE_INFO"),
      ...pair("HTTP_CACHE_WRITE_DATA"),
    ]);
    await ses.closeAllConnections();
  });
});
