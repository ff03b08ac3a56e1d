import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../runtime/mod.ts";
import { App, createSessionModule, type Session } from "../session/mod.ts";
import { netLogProblems, parseNetLog, type ReadNetLog } from "../netlog/mod.ts";
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

/** Each URL_REQUEST's HTTP_CACHE_* events, `TYPE PHASE`, with their params. */
async function cacheEvents(ses: Session, run: () => Promise<void>): Promise<unknown[][][]> {
  const path = join(await mkdtemp(join(tmpdir(), "ses-cache-netlog-")), "log.json");
  await ses.netLog.startLogging(path);
  await run();
  await ses.netLog.stopLogging();
  const log: ReadNetLog = parseNetLog(await readFile(path, "utf8"));
  assert.deepEqual(netLogProblems(log), []);
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
      fetch: (request) =>
        request.headers.get("if-none-match") === '"v1"'
          ? new Response(null, {
            status: 304,
            headers: { etag: '"v1"', "cache-control": "no-cache" },
          })
          : new Response("body", { headers: { etag: '"v1"', "cache-control": "no-cache" } }),
    });
  });
  after(() => origin?.close());

  it("logs a store, a 304 revalidation and a cache-only miss and hit as Chromium's transaction", async () => {
    const ses = newSession();
    const url = new URL("/validated", origin.url).href;
    const [stored, revalidated, missed, hit, ...rest] = await cacheEvents(ses, async () => {
      assert.equal(await (await ses.fetch(url)).text(), "body");
      assert.equal(await (await ses.fetch(url)).text(), "body");
      await assert.rejects(
        ses.fetch(new URL("/never", origin.url), { cache: "only-if-cached", mode: "same-origin" }),
        { code: "ERR_CACHE_MISS" },
      );
      const cached = await ses.fetch(url, { cache: "only-if-cached", mode: "same-origin" });
      assert.equal(await cached.text(), "body");
    });
    assert.deepEqual(rest, []);
    assert.deepEqual(stored, [
      ...opened("created"),
      ...pair("HTTP_CACHE_WRITE_INFO"),
      ...pair("HTTP_CACHE_WRITE_DATA"),
    ]);
    // The 304's head written over the stored one (DoUpdateCachedResponse), then the entry read.
    assert.deepEqual(revalidated, [
      ...opened("opened"),
      ...pair("HTTP_CACHE_WRITE_INFO"),
      ...pair("HTTP_CACHE_READ_INFO"),
    ]);
    // A request only the cache may answer opens (never creates) the entry: READ mode.
    assert.deepEqual(missed, [
      ["HTTP_CACHE_GET_BACKEND PHASE_BEGIN", {}],
      ["HTTP_CACHE_GET_BACKEND PHASE_END", {}],
      ["HTTP_CACHE_OPEN_ENTRY PHASE_BEGIN", {}],
      ["HTTP_CACHE_OPEN_ENTRY PHASE_END", { net_error: -400 }],
    ]);
    assert.deepEqual(hit, [
      ...pair("HTTP_CACHE_GET_BACKEND"),
      ...pair("HTTP_CACHE_OPEN_ENTRY"),
      ...pair("HTTP_CACHE_ADD_TO_ENTRY"),
      ...pair("HTTP_CACHE_READ_INFO"),
    ]);
    await ses.closeAllConnections();
  });
});
