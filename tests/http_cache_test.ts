import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { responseInfo } from "../core/response_info.ts";
import { SessionError } from "../core/session_error.ts";
import { currentRuntime } from "../runtime/mod.ts";
import { App } from "../session/app.ts";
import { createSessionModule } from "../session/session_module.ts";
import type { Session } from "../session/session.ts";

type Handler = (request: IncomingMessage, response: ServerResponse, hit: number) => void;

/** An origin whose routes are set per test and which counts the requests each path gets. */
async function countingOrigin() {
  const hits = new Map<string, number>();
  const seen: IncomingMessage[] = [];
  const routes = new Map<string, Handler>();
  const server: Server = createServer((request, response) => {
    const path = request.url!.split("?")[0]!;
    const hit = (hits.get(path) ?? 0) + 1;
    hits.set(path, hit);
    seen.push(request);
    const route = routes.get(path);
    if (route === undefined) {
      response.writeHead(404).end();
      return;
    }
    route(request, response, hit);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  let next = 0;
  return {
    /** Adds a route under a unique path and returns its URL. */
    route(handler: Handler, suffix = ""): string {
      const path = `/r${++next}${suffix}`;
      routes.set(path, handler);
      return `http://127.0.0.1:${port}${path}`;
    },
    hits: (url: string) => hits.get(new URL(url).pathname) ?? 0,
    lastRequest: () => seen.at(-1)!,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Origin = Awaited<ReturnType<typeof countingOrigin>>;

/** Answers with `body` and `headers`, the hit number in `x-hit`. */
function reply(headers: Record<string, string>, body: (hit: number) => string = (h) => `v${h}`) {
  return (_request: IncomingMessage, response: ServerResponse, hit: number) => {
    response.writeHead(200, { ...headers, "x-hit": String(hit) }).end(body(hit));
  };
}

/** Answers 304 to a matching If-None-Match, else 200 with the ETag. */
function withEtag(headers: Record<string, string>, etag = '"e1"'): Handler {
  return (request, response, hit) => {
    if (request.headers["if-none-match"] === etag) {
      response.writeHead(304, { ...headers, etag, "x-hit": String(hit) }).end();
      return;
    }
    response.writeHead(200, { ...headers, etag, "x-hit": String(hit) }).end(`body${hit}`);
  };
}

async function get(ses: Session, url: string, init: RequestInit = {}) {
  const response = await ses.fetch(url, init);
  const text = await response.text();
  return { response, text, fromCache: responseInfo(response)?.fromCache ?? false };
}

/** The fetch standard allows only-if-cached with same-origin mode alone. */
const ONLY_IF_CACHED: RequestInit = { cache: "only-if-cached", mode: "same-origin" };

const isCacheMiss = (error: unknown) =>
  SessionError.is(error) && error.code === "ERR_CACHE_MISS" && error.errno === -400;

for (const persistent of [false, true]) {
  describe(`HTTP cache (${persistent ? "on disk" : "in memory"})`, () => {
    let origin: Origin;
    let userData: string;
    let ses: Session;
    let module: ReturnType<typeof createSessionModule>;
    let count = 0;
    const newSession = (options = {}) =>
      module.fromPartition(`${persistent ? "persist:" : ""}cache${++count}`, options);

    before(async () => {
      origin = await countingOrigin();
      const runtime = currentRuntime();
      const app = new App(runtime);
      userData = mkdtempSync(join(tmpdir(), "ses-cache-"));
      app.setPath("userData", userData);
      module = createSessionModule(app, runtime);
      ses = newSession();
    });
    after(async () => {
      await ses.closeAllConnections();
      await origin.close();
      rmSync(userData, { recursive: true, force: true });
    });

    it("serves a fresh max-age response from the cache, labelled fromCache", async () => {
      const url = origin.route(reply({ "cache-control": "max-age=3600", "x-a": "1" }));
      const first = await get(ses, url);
      const second = await get(ses, url);
      assert.equal(origin.hits(url), 1);
      assert.equal(first.fromCache, false);
      assert.equal(second.fromCache, true);
      assert.equal(second.text, "v1");
      assert.equal(second.response.url, url);
      assert.equal(second.response.redirected, false);
      assert.equal(second.response.headers.get("x-a"), "1");
      // Date has whole seconds (RFC 9110 §5.6.7), so a response's apparent age right after it
      // came may already read 1 (RFC 9111 §4.2.3).
      assert.ok(["0", "1"].includes(second.response.headers.get("age") ?? ""));
      assert.equal(responseInfo(second.response)?.statusLine, "HTTP/1.1 200 OK");
      assert.ok(second.response.body instanceof ReadableStream);
    });

    it("lets concurrent requests for one URL wait for the first's response (Chromium's cache lock)", async () => {
      const url = origin.route((_request, response, hit) => {
        // The head comes late, so every request is made before any answer.
        setTimeout(() => reply({ "cache-control": "max-age=3600" })(_request, response, hit), 100);
      });
      const results = await Promise.all(Array.from({ length: 5 }, () => get(ses, url)));
      assert.equal(origin.hits(url), 1);
      assert.deepEqual(results.map((result) => result.text), ["v1", "v1", "v1", "v1", "v1"]);
      assert.deepEqual(results.map((result) => result.fromCache), [false, true, true, true, true]);
    });

    it("lets only-if-cached wait for a response being fetched for its URL, as Chromium's cache lock", async () => {
      // Chromium's read-only transaction joins the active entry another request writes
      // (HttpCache::AddTransactionToEntry) and reads it once its head is written, rather than
      // missing while the writer waits for the origin.
      const url = origin.route((_request, response, hit) => {
        setTimeout(() => reply({ "cache-control": "max-age=3600" })(_request, response, hit), 100);
      });
      const writer = get(ses, url);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const reader = await get(ses, url, ONLY_IF_CACHED);
      assert.deepEqual([reader.text, reader.fromCache], ["v1", true]);
      assert.equal((await writer).text, "v1");
      assert.equal(origin.hits(url), 1);
      // A writer whose answer is not stored leaves the reader a miss, still without the network.
      const unstored = origin.route((_request, response, hit) => {
        setTimeout(() => reply({ "cache-control": "no-store" })(_request, response, hit), 100);
      });
      const plain = get(ses, unstored);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await assert.rejects(ses.fetch(unstored, ONLY_IF_CACHED), isCacheMiss);
      await plain;
      assert.equal(origin.hits(unstored), 1);
    });

    it("lets concurrent requests for a stale entry wait for the first one's revalidation, as Chromium", async () => {
      const validated = origin.route((request, response, hit) => {
        // Stale at once; the 304 comes late, so every request is made before it.
        if (hit === 1) withEtag({ "cache-control": "max-age=0" })(request, response, hit);
        else {setTimeout(() =>
            withEtag({ "cache-control": "max-age=3600" })(request, response, hit), 100);}
      });
      const refetched = origin.route((request, response, hit) => {
        const headers = { "cache-control": hit === 1 ? "max-age=0" : "max-age=3600" };
        setTimeout(() => reply(headers)(request, response, hit), hit === 1 ? 0 : 100);
      });
      await get(ses, validated);
      await get(ses, refetched);
      const [revalidations, refetches] = await Promise.all(
        [validated, refetched].map((url) =>
          Promise.all(Array.from({ length: 4 }, () => get(ses, url)))
        ),
      );
      assert.deepEqual([origin.hits(validated), origin.hits(refetched)], [2, 2]);
      assert.deepEqual(revalidations!.map((result) => result.text), Array(4).fill("body1"));
      assert.deepEqual(refetches!.map((result) => result.text), Array(4).fill("v2"));
      assert.deepEqual(refetches!.map((result) => result.fromCache), [false, true, true, true]);
    });

    it("sends the waiting requests on once the first response turns out not storable", async () => {
      const url = origin.route((_request, response, hit) => {
        setTimeout(() => reply({ "cache-control": "no-store" })(_request, response, hit), 50);
      });
      const results = await Promise.all(Array.from({ length: 4 }, () => get(ses, url)));
      assert.equal(origin.hits(url), 4);
      assert.deepEqual(results.map((result) => result.text).sort(), ["v1", "v2", "v3", "v4"]);
      // Remembered as not stored: later concurrent requests do not queue behind each other.
      const started = origin.hits(url);
      await Promise.all(Array.from({ length: 3 }, () => get(ses, url)));
      assert.equal(origin.hits(url), started + 3);
    });

    it("ends a request waiting for another's response when its signal aborts", async () => {
      const url = origin.route((_request, response, hit) => {
        setTimeout(() => reply({ "cache-control": "max-age=3600" })(_request, response, hit), 400);
      });
      const first = get(ses, url);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const controller = new AbortController();
      const second = ses.fetch(url, { signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      // The caller's abort reason, as fetch rejects with it.
      await assert.rejects(second, { name: "AbortError" });
      // The wait ended at the abort, long before the first response came.
      assert.equal(origin.hits(url), 1);
      assert.equal((await first).text, "v1");
    });

    it("fails a body read from the cache with the abort's reason when the caller aborts, as the network's", async () => {
      // The fetch standard's "abort the fetch() call" errors a response body still readable,
      // wherever it comes from (Electron's net.fetch cancels its URLLoader, cache read or not).
      const url = origin.route(reply({ "cache-control": "max-age=3600" }, () => "x".repeat(5000)));
      await get(ses, url);
      const errors: string[] = [];
      ses.webRequest.onErrorOccurred((details) => errors.push(details.error));
      try {
        for (const init of [{}, { headers: { range: "bytes=0-9" } }, { method: "HEAD" }]) {
          const controller = new AbortController();
          const response = await ses.fetch(url, { ...init, signal: controller.signal });
          assert.equal(responseInfo(response)?.fromCache, true);
          controller.abort(new Error("enough"));
          if (response.body === null) continue;
          await assert.rejects(response.text(), { message: "enough" }, JSON.stringify(init));
        }
      } finally {
        ses.webRequest.onErrorOccurred(null);
      }
      assert.deepEqual(errors, ["net::ERR_ABORTED", "net::ERR_ABORTED"]);
      // A body read to its end before the abort stays read.
      const controller = new AbortController();
      const read = await get(ses, url, { signal: controller.signal });
      controller.abort();
      assert.equal(read.text.length, 5000);
    });

    it("does not hold a request behind another whose streamed body nobody reads", async () => {
      const url = origin.route((_request, response) => {
        response.writeHead(200, { "cache-control": "max-age=3600" });
        response.write("part1");
        setTimeout(() => response.end("part2"), 30);
      });
      const unread = await ses.fetch(url);
      const second = await get(ses, url);
      assert.equal(second.text, "part1part2");
      assert.equal(origin.hits(url), 2);
      await unread.body?.cancel();
    });

    it("keys an entry by the URL without user name and password, which never reach the disk", async () => {
      const url = origin.route(reply({ "cache-control": "max-age=3600" }));
      const withCredentials = url.replace("://", "://user:s3cr3t-pw@");
      assert.equal((await get(ses, withCredentials)).fromCache, false);
      await ses.cacheIdle();
      const plain = await get(ses, url);
      assert.equal(plain.fromCache, true);
      assert.equal(origin.hits(url), 1);
      const files = readdirSync(userData, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name));
      if (persistent) assert.ok(files.some((file) => file.includes("Cache")), files.join());
      for (const file of files) {
        assert.ok(!readFileSync(file).includes("s3cr3t-pw"), `${file} holds the password`);
      }
    });

    it("stores the bytes as received, whatever the reader then writes into its chunks", async () => {
      const url = origin.route(reply({ "cache-control": "max-age=3600" }, () => "original"));
      const reader = (await ses.fetch(url)).body!.getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        chunk.value.fill(120);
      }
      await ses.cacheIdle();
      const again = await get(ses, url);
      assert.equal(again.fromCache, true);
      assert.equal(again.text, "original");
      assert.equal(origin.hits(url), 1);
    });

    it("stores a body that streams in after its head only once it has been read whole", async () => {
      const streamed: Handler = (_request, response, hit) => {
        response.writeHead(200, { "cache-control": "max-age=3600" });
        response.write(`part1-${hit} `);
        setTimeout(() => response.end("part2"), 30);
      };
      const url = origin.route(streamed);
      assert.equal((await get(ses, url)).text, "part1-1 part2");
      await ses.cacheIdle();
      const again = await get(ses, url);
      assert.deepEqual([again.fromCache, again.text], [true, "part1-1 part2"]);
      // A reader that stops early leaves nothing stored.
      const stopped = origin.route(streamed);
      const reader = (await ses.fetch(stopped)).body!.getReader();
      await reader.read();
      await reader.cancel();
      await ses.cacheIdle();
      assert.equal((await get(ses, stopped)).fromCache, false);
      assert.equal(origin.hits(stopped), 2);
    });

    it("keeps nothing a clear or an unsafe method found still streaming in, as Chromium dooms it", async () => {
      // Chromium's DoomAllEntries and DoomMainEntryForUrl doom an entry being written too: what
      // its writer still receives is never served.
      const fresh = newSession();
      const held: ServerResponse[] = [];
      const url = origin.route((request, response, hit) => {
        if (request.method !== "GET") {
          request.resume();
          response.writeHead(204).end();
          return;
        }
        response.writeHead(200, { "cache-control": "max-age=3600" });
        response.write(`part1-${hit} `);
        held.push(response);
      });
      const ways: Array<() => Promise<unknown>> = [
        () => fresh.clearCache(),
        () => fresh.clearData({ dataTypes: ["cache"], origins: [new URL(url).origin] }),
        () => fresh.fetch(url, { method: "POST", body: "x" }),
        () => fresh.fetch(url, { method: "DELETE" }),
      ];
      for (const [i, way] of ways.entries()) {
        const reader = (await fresh.fetch(url)).body!.getReader();
        await reader.read();
        await way();
        held.shift()!.end("part2");
        while (!(await reader.read()).done);
        await fresh.cacheIdle();
        await assert.rejects(get(fresh, url, ONLY_IF_CACHED), isCacheMiss, `way ${i}`);
      }
      assert.equal(await fresh.getCacheSize(), 0);
      // With nothing in the way, the same response is kept.
      const reader = (await fresh.fetch(url)).body!.getReader();
      held.shift()!.end("part2");
      while (!(await reader.read()).done);
      await fresh.cacheIdle();
      assert.equal((await get(fresh, url, ONLY_IF_CACHED)).fromCache, true);
    });

    it("stores a body that came whole with its head, even if the reader cancels it", async () => {
      const url = origin.route(reply({ "cache-control": "max-age=3600" }, () => "whole"));
      await (await ses.fetch(url)).body!.cancel();
      await ses.cacheIdle();
      const again = await get(ses, url);
      assert.deepEqual([again.fromCache, again.text], [true, "whole"]);
      assert.equal(origin.hits(url), 1);
    });

    it("never stores a no-store response", async () => {
      const url = origin.route(reply({ "cache-control": "no-store, max-age=3600" }));
      await get(ses, url);
      assert.equal((await get(ses, url)).text, "v2");
      assert.equal(origin.hits(url), 2);
    });

    it("follows the request cache modes no-store, reload and force-cache", async () => {
      const url = origin.route(withEtag({ "cache-control": "max-age=0" }));
      await get(ses, url);
      assert.equal((await get(ses, url, { cache: "force-cache" })).text, "body1");
      assert.equal(origin.hits(url), 1);
      await get(ses, url, { cache: "no-store" });
      assert.equal(origin.hits(url), 2);
      assert.equal(origin.lastRequest().headers["if-none-match"], undefined);
      const reloaded = await get(ses, url, { cache: "reload" });
      assert.equal(origin.hits(url), 3);
      assert.equal(reloaded.text, "body3");
      assert.equal(origin.lastRequest().headers["if-none-match"], undefined);
      // reload stores what it fetched.
      assert.equal((await get(ses, url, { cache: "force-cache" })).text, "body3");
      assert.equal(origin.hits(url), 3);
    });

    it("drops the entry a reload, a forced fetch or a validation replaced with an answer it does not store, as Chromium", async () => {
      // Chromium dooms the entry such a transaction writes over (a reload's DOOM_ENTRY, a
      // validation's 200 overwriting it) and a no-store answer leaves none: checked against
      // /usr/bin/chromium, whose next fetch (force-cache too) reaches the origin.
      let cacheControl = "max-age=3600";
      const handler: Handler = (_request, response, hit) =>
        response.writeHead(200, { "cache-control": cacheControl, etag: '"e"' }).end(`v${hit}`);
      const replacements: Array<[RequestInit, RequestInit]> = [
        [{ cache: "reload" }, {}],
        [{ headers: { "cache-control": "no-cache" } }, {}],
        [{ cache: "no-cache" }, { cache: "force-cache" }],
      ];
      for (const [replacing, after] of replacements) {
        const url = origin.route(handler);
        cacheControl = "max-age=3600";
        await get(ses, url);
        cacheControl = "no-store";
        assert.equal((await get(ses, url, replacing)).text, "v2");
        cacheControl = "max-age=3600";
        const next = await get(ses, url, after);
        assert.deepEqual([next.fromCache, next.text], [false, "v3"], JSON.stringify(replacing));
      }
      // A stale entry validated with an answer that may not be stored (a 404 without freshness).
      const gone = origin.route((_request, response, hit) => {
        if (hit === 1) response.writeHead(200, { "cache-control": "max-age=0", etag: '"e"' });
        else response.writeHead(404);
        response.end(`v${hit}`);
      });
      await get(ses, gone);
      assert.equal((await get(ses, gone)).response.status, 404);
      await assert.rejects(ses.fetch(gone, ONLY_IF_CACHED), isCacheMiss);
      // no-store (LOAD_DISABLE_CACHE) neither reads nor writes the entry, so it stays.
      const kept = origin.route(handler);
      cacheControl = "max-age=3600";
      await get(ses, kept);
      cacheControl = "no-store";
      await get(ses, kept, { cache: "no-store" });
      assert.deepEqual(await get(ses, kept).then((hit) => [hit.fromCache, hit.text]), [true, "v1"]);
    });

    it("drops the entry a reload or a validation replaced with a body it does not keep, as Chromium", async () => {
      // Chromium dooms a reload's entry before the request goes out, and a validation's 200
      // writes over it: an answer too large for the cache (an entry takes at most an eighth of
      // it) or a body never read to its end leaves no entry, never the one it replaced.
      const small = newSession();
      small.setCacheMaxSize(8000);
      let size = 10;
      let streamed = false;
      const handler: Handler = (_request, response, hit) => {
        response.writeHead(200, { "cache-control": "max-age=3600", etag: `"e${hit}"` });
        const body = String(hit).repeat(size);
        if (!streamed) {
          response.end(body);
          return;
        }
        response.write(body.slice(0, 100));
        setTimeout(() => response.end(body.slice(100)), 50);
      };
      const cases: Array<[string, RequestInit]> = [
        ["reload, too large", { cache: "reload" }],
        ["no-cache request, too large", { headers: { "cache-control": "no-cache" } }],
        ["validation, too large", { cache: "no-cache" }],
      ];
      for (const [name, replacing] of cases) {
        const url = origin.route(handler);
        size = 10;
        await get(small, url);
        size = 5000;
        assert.equal((await get(small, url, replacing)).text, "2".repeat(5000), name);
        const next = await get(small, url, { cache: "force-cache" });
        assert.deepEqual([next.fromCache, next.text.length], [false, 5000], name);
      }
      // A reload whose streamed body the reader cancels.
      const url = origin.route(handler);
      size = 10;
      await get(small, url);
      size = 1000;
      streamed = true;
      const reloaded = await small.fetch(url, { cache: "reload" });
      await reloaded.body!.cancel();
      streamed = false;
      const next = await get(small, url);
      assert.deepEqual([next.fromCache, next.text[0]], [false, "3"]);
      await small.closeAllConnections();
    });

    it("tells caches on the way: reload sends Pragma and Cache-Control no-cache, no-cache max-age=0", async () => {
      // Electron maps the modes to load flags (electron_api_url_loader.cc), and Chromium's
      // HttpNetworkTransaction::BuildRequestHeaders sends these for LOAD_BYPASS_CACHE and
      // LOAD_VALIDATE_CACHE, under the caller's own fields; no-store (LOAD_DISABLE_CACHE) adds none.
      const url = origin.route(withEtag({ "cache-control": "max-age=3600" }));
      const sent = () => {
        const { pragma, "cache-control": cacheControl, "if-none-match": etag } =
          origin.lastRequest()
            .headers;
        return [pragma, cacheControl, etag];
      };
      await get(ses, url, { cache: "no-cache" });
      assert.deepEqual(sent(), [undefined, "max-age=0", undefined]);
      await get(ses, url, { cache: "no-cache" });
      assert.deepEqual(sent(), [undefined, "max-age=0", '"e1"']);
      await get(ses, url, { cache: "reload" });
      assert.deepEqual(sent(), ["no-cache", "no-cache", undefined]);
      await get(ses, url, { cache: "reload", headers: { "cache-control": "max-age=5" } });
      assert.deepEqual(sent(), ["no-cache", "max-age=5", undefined]);
      await get(ses, url, { cache: "no-store" });
      assert.deepEqual(sent(), [undefined, undefined, undefined]);
      await get(ses, url, { cache: "default", method: "POST", body: "x" });
      assert.deepEqual(sent(), [undefined, undefined, undefined]);
      await get(ses, url, { cache: "reload", method: "POST", body: "x" });
      assert.deepEqual(sent(), ["no-cache", "no-cache", undefined]);
      await get(newSession({ cache: false }), url, { cache: "reload" });
      assert.deepEqual(sent(), ["no-cache", "no-cache", undefined]);
      assert.equal(origin.hits(url), 8);
    });

    it("fetches anew for a request's own Cache-Control or Pragma no-cache, as a reload in Chromium", async () => {
      const url = origin.route(withEtag({ "cache-control": "max-age=3600" }, '"same"'));
      await get(ses, url);
      const fields: Array<Record<string, string>> = [
        { "cache-control": "no-cache" },
        { pragma: "no-cache" },
      ];
      for (const [i, headers] of fields.entries()) {
        const fetched = await get(ses, url, { headers });
        // No validator goes out, so the origin answers in full and the answer replaces the entry.
        assert.equal(origin.lastRequest().headers["if-none-match"], undefined);
        assert.deepEqual([fetched.fromCache, fetched.text], [false, `body${i + 2}`]);
        assert.equal((await get(ses, url)).text, `body${i + 2}`);
      }
      assert.equal(origin.hits(url), 3);
    });

    it("revalidates in no-cache mode and serves the stored body on 304, updating headers", async () => {
      const url = origin.route((request, response, hit) =>
        withEtag({ "cache-control": "max-age=3600", "x-version": String(hit) })(
          request,
          response,
          hit,
        )
      );
      await get(ses, url);
      const revalidated = await get(ses, url, { cache: "no-cache" });
      assert.equal(origin.hits(url), 2);
      assert.equal(origin.lastRequest().headers["if-none-match"], '"e1"');
      assert.equal(revalidated.response.status, 200);
      assert.equal(revalidated.text, "body1");
      assert.equal(revalidated.fromCache, true);
      assert.equal(revalidated.response.headers.get("x-version"), "2");
      const again = await get(ses, url);
      assert.equal(again.response.headers.get("x-version"), "2");
      assert.equal(origin.hits(url), 2);
    });

    it("keeps the stored body's framing and type fields when a 304 sends others, as Chromium", async () => {
      // A 304 that names a content coding the stored bytes do not have must not make them
      // undecodable (RFC 9111 §3.2; Chromium's kNonUpdatedHeaders in http_response_headers.cc).
      const url = origin.route((request, response, hit) => {
        if (request.headers["if-none-match"] === '"e1"') {
          response.writeHead(304, {
            "cache-control": "max-age=0",
            "content-type": "text/html",
            "content-encoding": "gzip",
            "content-location": "/elsewhere",
            etag: '"e2"',
            "x-content-type-options": "nosniff",
            "x-version": String(hit),
          }).end();
          return;
        }
        response.writeHead(200, {
          "cache-control": "max-age=0",
          "content-type": "text/plain",
          etag: '"e1"',
          "x-version": String(hit),
        }).end(`body${hit}`);
      });
      await get(ses, url);
      for (let i = 0; i < 2; i++) {
        const revalidated = await get(ses, url);
        assert.equal(revalidated.fromCache, true);
        assert.equal(revalidated.text, "body1");
        const headers = revalidated.response.headers;
        assert.equal(headers.get("x-version"), String(i + 2));
        assert.equal(headers.get("content-type"), "text/plain");
        assert.equal(headers.get("content-encoding"), null);
        assert.equal(headers.get("content-location"), null);
        assert.equal(headers.get("etag"), '"e1"');
        assert.equal(headers.get("x-content-type-options"), null);
        assert.equal(origin.lastRequest().headers["if-none-match"], '"e1"');
      }
      assert.equal(origin.hits(url), 3);
    });

    it("drops the entry when the 304 it was revalidated with says no-store, as Chromium", async () => {
      const url = origin.route((request, response, hit) => {
        if (request.headers["if-none-match"] === '"e1"') {
          response.writeHead(304, { "cache-control": "no-store", etag: '"e1"' }).end();
          return;
        }
        response.writeHead(200, { "cache-control": "max-age=0", etag: '"e1"' }).end(`body${hit}`);
      });
      await get(ses, url);
      const revalidated = await get(ses, url);
      assert.equal(revalidated.text, "body1");
      assert.equal(revalidated.fromCache, true);
      await assert.rejects(get(ses, url, ONLY_IF_CACHED), isCacheMiss);
      const refetched = await get(ses, url);
      assert.equal(origin.lastRequest().headers["if-none-match"], undefined);
      assert.equal(refetched.text, "body3");
      assert.equal(origin.hits(url), 3);
    });

    it("revalidates with If-Modified-Since when there is only Last-Modified", async () => {
      const lastModified = new Date(Date.now() - 1000).toUTCString();
      const url = origin.route((request, response, hit) => {
        if (request.headers["if-modified-since"] === lastModified) {
          response.writeHead(304).end();
        } else {
          response.writeHead(200, { "cache-control": "no-cache", "last-modified": lastModified })
            .end(`lm${hit}`);
        }
      });
      await get(ses, url);
      assert.equal((await get(ses, url)).text, "lm1");
      assert.equal(origin.hits(url), 2);
    });

    it("fails only-if-cached with net::ERR_CACHE_MISS when nothing is stored", async () => {
      const url = origin.route(reply({ "cache-control": "max-age=0", etag: '"x"' }));
      await assert.rejects(ses.fetch(url, ONLY_IF_CACHED), isCacheMiss);
      assert.equal(origin.hits(url), 0);
      await get(ses, url);
      const stale = await get(ses, url, ONLY_IF_CACHED);
      assert.equal(stale.text, "v1");
      assert.equal(origin.hits(url), 1);
    });

    it("neither serves nor stores for a request the caller made conditional (fetch standard)", async () => {
      // The HTTP-network-or-cache fetch turns default into no-store for such a request, and
      // Chromium's cache passes an externally conditionalized request with no entry through
      // (HttpCache::Transaction, UPDATE mode without an entry becomes NONE).
      const url = origin.route(withEtag({ "cache-control": "max-age=3600" }));
      for (
        const field of ["if-none-match", "if-modified-since", "if-match", "if-unmodified-since"]
      ) {
        const value = field === "if-none-match" || field === "if-match"
          ? '"other"'
          : new Date().toUTCString();
        const answer = await get(ses, url, { headers: { [field]: value } });
        assert.equal(answer.fromCache, false, field);
        await assert.rejects(get(ses, url, ONLY_IF_CACHED), isCacheMiss, field);
      }
      const own = await get(ses, url, { headers: { "if-none-match": '"e1"' } });
      assert.equal(own.response.status, 304);
      await get(ses, url);
      // Stored now: the caller's own validation still goes to the origin and gets its 304.
      const revalidated = await get(ses, url, { headers: { "if-none-match": '"e1"' } });
      assert.deepEqual([revalidated.response.status, revalidated.fromCache], [304, false]);
      assert.equal(origin.hits(url), 7);
    });

    it("leaves URLs that are not http or https alone, as Chromium's cache sits in its HTTP job", async () => {
      // Not a cache miss: such a request never reaches an HTTP cache (here no job takes ftp:).
      for (const init of [ONLY_IF_CACHED, {}]) {
        await assert.rejects(
          ses.fetch("ftp://127.0.0.1/x", init),
          (error) => SessionError.is(error) && error.code === "ERR_UNKNOWN_URL_SCHEME",
        );
      }
    });

    it("fails only-if-cached for a method the cache never answers, without reaching the origin", async () => {
      // Chromium's HttpCache::Transaction::DoGetBackendComplete: no READ mode with
      // LOAD_ONLY_FROM_CACHE is ERR_CACHE_MISS; the fetch standard's cache stores no POST answer.
      const url = origin.route(reply({ "cache-control": "max-age=3600" }));
      await get(ses, url);
      for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
        const body = method === "OPTIONS" || method === "DELETE" ? undefined : "x";
        await assert.rejects(ses.fetch(url, { ...ONLY_IF_CACHED, method, body }), isCacheMiss);
      }
      await assert.rejects(
        newSession({ cache: false }).fetch(url, { ...ONLY_IF_CACHED, method: "POST", body: "x" }),
        isCacheMiss,
      );
      assert.equal(origin.hits(url), 1);
      // Nothing was invalidated either: the request never went out.
      assert.equal((await get(ses, url, ONLY_IF_CACHED)).text, "v1");
    });

    it("keys by the Vary-selected request headers and never serves Vary: *", async () => {
      const url = origin.route((request, response, hit) => {
        response.writeHead(200, { "cache-control": "max-age=3600", vary: "Accept-Language" })
          .end(`${request.headers["accept-language"]}${hit}`);
      });
      const fr = { headers: { "accept-language": "fr" } };
      const de = { headers: { "accept-language": "de" } };
      assert.equal((await get(ses, url, fr)).text, "fr1");
      assert.equal((await get(ses, url, de)).text, "de2");
      assert.equal((await get(ses, url, fr)).text, "fr1");
      assert.equal((await get(ses, url, de)).text, "de2");
      // The session's default Accept-Language counts as the request's.
      assert.equal((await get(ses, url)).text.endsWith("3"), true);
      assert.equal(origin.hits(url), 3);
      const star = origin.route(reply({ "cache-control": "max-age=3600", vary: "*" }));
      await get(ses, star);
      await get(ses, star);
      assert.equal(origin.hits(star), 2);
    });

    it("keeps at most 8 variants of a URL, starting over past them", async () => {
      // A Vary that selects ever-new values (Vary: Cookie with a cookie each response changes)
      // piled up entries that every lookup of the URL read and checked: a thousand 16 KiB
      // variants on disk made a hit take 70 ms. Chromium and Firefox keep one per URL.
      const url = origin.route((request, response, hit) => {
        response.writeHead(200, { "cache-control": "max-age=3600", vary: "X-A" })
          .end(`${request.headers["x-a"]}:${hit}`);
      });
      const as = (value: number) => ({ headers: { "x-a": String(value) } });
      for (let i = 0; i < 8; i++) await get(ses, url, as(i));
      for (let i = 0; i < 8; i++) assert.equal((await get(ses, url, as(i))).text, `${i}:${i + 1}`);
      assert.equal(origin.hits(url), 8);
      assert.deepEqual((await get(ses, url, as(8))).text, "8:9");
      const kept = await get(ses, url, as(8));
      assert.deepEqual([kept.fromCache, kept.text], [true, "8:9"]);
      assert.deepEqual((await get(ses, url, as(0))).fromCache, false);
      assert.equal(origin.hits(url), 10);
    });

    it("derives freshness from Expires, Age and the Last-Modified heuristic", async () => {
      const now = Date.now();
      const expires = origin.route(reply({
        date: new Date(now).toUTCString(),
        expires: new Date(now + 3600_000).toUTCString(),
      }));
      const expired = origin.route(reply({ expires: "0", etag: '"a"' }));
      const aged = origin.route(reply({ "cache-control": "max-age=100", age: "200", etag: '"b"' }));
      // Two Age lines (two caches on the way): the first counts (RFC 9111 §5.1).
      const listAged = origin.route((_request, response, hit) => {
        response.setHeader("age", ["200", "200"]);
        response.writeHead(200, { "cache-control": "max-age=100", etag: '"c"' }).end(`v${hit}`);
      });
      const heuristic = origin.route(reply({
        date: new Date(now).toUTCString(),
        "last-modified": new Date(now - 10 * 86400_000).toUTCString(),
      }));
      const notHeuristic = origin.route((_request, response, hit) => {
        response.writeHead(302, {
          location: "/elsewhere",
          "last-modified": new Date(now - 10 * 86400_000).toUTCString(),
        }).end(`r${hit}`);
      });
      for (const url of [expires, expired, aged, listAged, heuristic]) {
        await get(ses, url);
        await get(ses, url);
      }
      for (let i = 0; i < 2; i++) await get(ses, notHeuristic, { redirect: "manual" });
      assert.deepEqual(
        [expires, expired, aged, listAged, heuristic, notHeuristic].map((url) => origin.hits(url)),
        [1, 2, 2, 2, 1, 2],
      );
    });

    it("takes an Expires that is no HTTP-date, like a number of seconds, as already expired", async () => {
      const url = origin.route(reply({ expires: "3600", etag: '"n"' }));
      await get(ses, url);
      await get(ses, url);
      assert.equal(origin.hits(url), 2);
      assert.equal(origin.lastRequest().headers["if-none-match"], '"n"');
    });

    it("stores responses with private and to requests with Authorization", async () => {
      const url = origin.route(reply({ "cache-control": "private, max-age=3600" }));
      const auth = { headers: { authorization: "Bearer t" } };
      await get(ses, url, auth);
      assert.equal((await get(ses, url, auth)).fromCache, true);
      assert.equal(origin.hits(url), 1);
    });

    it("revalidates no-cache responses and leaves out no-cache fields when fresh", async () => {
      const url = origin.route(withEtag({ "cache-control": "no-cache" }));
      await get(ses, url);
      assert.equal((await get(ses, url)).text, "body1");
      assert.equal(origin.hits(url), 2);
      const fields = origin.route(
        reply({ "cache-control": 'max-age=3600, no-cache="x-secret"', "x-secret": "s" }),
      );
      assert.equal((await get(ses, fields)).response.headers.get("x-secret"), "s");
      const reused = await get(ses, fields);
      assert.equal(reused.fromCache, true);
      assert.equal(reused.response.headers.get("x-secret"), null);
      assert.equal(origin.hits(fields), 1);
      // Field names are case-insensitive (RFC 9110 §5.1): a list that spells them otherwise
      // than the lines still hides them, as Chromium hides X-Secret for no-cache="X-Secret".
      const spelled = origin.route(
        reply({ "cache-control": 'max-age=3600, no-cache="X-Secret, X-Other"', "x-secret": "s" }),
      );
      await get(ses, spelled);
      const hidden = await get(ses, spelled);
      assert.equal(hidden.fromCache, true);
      assert.equal(hidden.response.headers.get("x-secret"), null);
      // Nor does force-cache, only-if-cached or stale-if-error revalidate: the fields stay out
      // (RFC 9111 §5.2.2.4; Chromium never stores them).
      let fail = false;
      const stale = origin.route((_request, response) => {
        if (fail) response.writeHead(503).end();
        else {
          response.writeHead(200, {
            "cache-control": 'max-age=0, stale-if-error=60, no-cache="x-secret"',
            "x-secret": "s",
          }).end("ok");
        }
      });
      await get(ses, stale);
      for (const init of [{ cache: "force-cache" } as const, ONLY_IF_CACHED]) {
        const reused = await get(ses, stale, init);
        assert.deepEqual([reused.fromCache, reused.response.headers.get("x-secret")], [true, null]);
      }
      fail = true;
      const onError = await get(ses, stale);
      assert.deepEqual([onError.text, onError.response.headers.get("x-secret")], ["ok", null]);
    });

    it("revalidates a response with Pragma: no-cache whatever its max-age, as Chromium", async () => {
      const url = origin.route(withEtag({ "cache-control": "max-age=3600", pragma: "no-cache" }));
      await get(ses, url);
      const second = await get(ses, url);
      assert.equal(origin.hits(url), 2);
      assert.equal(origin.lastRequest().headers["if-none-match"], '"e1"');
      assert.deepEqual([second.fromCache, second.text], [true, "body1"]);
    });

    it("revalidates a fresh immutable response when the request asks to, as Chromium", async () => {
      const url = origin.route(withEtag({ "cache-control": "max-age=3600, immutable" }));
      await get(ses, url);
      assert.equal((await get(ses, url)).fromCache, true);
      const noCache = await get(ses, url, { cache: "no-cache" });
      assert.equal(origin.hits(url), 2);
      assert.equal(origin.lastRequest().headers["if-none-match"], '"e1"');
      assert.deepEqual([noCache.fromCache, noCache.text], [true, "body1"]);
      await get(ses, url, { headers: { "cache-control": "max-age=0" } });
      assert.equal(origin.hits(url), 3);
    });

    it("serves stale within stale-while-revalidate and revalidates once in the background", async () => {
      const url = origin.route(withEtag({
        "cache-control": "max-age=0, stale-while-revalidate=60",
      }));
      await get(ses, url);
      const served = await Promise.all([get(ses, url), get(ses, url), get(ses, url)]);
      assert.deepEqual(served.map((s) => [s.text, s.fromCache]), Array(3).fill(["body1", true]));
      await ses.cacheIdle();
      assert.equal(origin.hits(url), 2);
      assert.equal(origin.lastRequest().headers["if-none-match"], '"e1"');
      const must = origin.route(withEtag({
        "cache-control": "max-age=0, must-revalidate, stale-while-revalidate=60",
      }));
      await get(ses, must);
      await get(ses, must);
      assert.equal(origin.hits(must), 2);
    });

    it("validates an entry too old for the request's max-age or min-fresh before answering", async () => {
      // RFC 9111 §5.2.1.1 and §5.2.1.3: the client wants no older response. The entry is not
      // stale by its own lifetime, so no stale-while-revalidate window lets it be served while
      // a request goes in the background (Chromium's RequiresValidation answers
      // VALIDATION_ASYNCHRONOUS for a stale entry alone).
      const asks: RequestInit[] = [
        { headers: { "cache-control": "max-age=10" } },
        { headers: { "cache-control": "min-fresh=200" } },
      ];
      // Aged past the request's max-age on arrival; within a stale-while-revalidate window if
      // staleness were counted from the request's max-age.
      const responses: Array<Record<string, string>> = [
        { "cache-control": "max-age=100", age: "50" },
        { "cache-control": "max-age=100, stale-while-revalidate=600", age: "50" },
      ];
      for (const headers of responses) {
        for (const ask of asks) {
          const url = origin.route(reply(headers));
          await get(ses, url);
          const answer = await get(ses, url, ask);
          assert.deepEqual([answer.fromCache, answer.text], [false, "v2"], JSON.stringify(ask));
          await ses.cacheIdle();
          assert.equal(origin.hits(url), 2);
        }
      }
    });

    it("validates a stale entry with a Range request's own conditional request, as Chromium", async () => {
      const url = origin.route((request, response, hit) => {
        const headers = { "cache-control": "max-age=0", etag: '"r"' };
        if (request.headers["if-none-match"] === '"r"') response.writeHead(304, headers).end();
        else if (request.headers.range !== undefined) {
          response.writeHead(206, { ...headers, "content-range": "bytes 2-4/10" }).end("net");
        } else response.writeHead(200, headers).end(`012345678${hit}`);
      });
      await get(ses, url);
      const partial = await get(ses, url, { headers: { range: "bytes=2-4" } });
      // The origin saw the Range with the stored validator and said 304: the range is cut from
      // the stored body.
      assert.equal(origin.hits(url), 2);
      assert.equal(origin.lastRequest().headers.range, "bytes=2-4");
      assert.deepEqual([partial.response.status, partial.text, partial.fromCache], [
        206,
        "234",
        true,
      ]);
      assert.equal(partial.response.headers.get("content-range"), "bytes 2-4/10");
    });

    it("revalidates the whole response in the background when a Range request saw it stale", async () => {
      // The entry is whole, so its revalidation must be too: a 206 would store nothing and
      // leave the stale entry for every later request.
      const url = origin.route((request, response, hit) => {
        const headers = {
          "cache-control": "max-age=0, stale-while-revalidate=60",
          etag: `"e${hit}"`,
        };
        if (request.headers.range !== undefined) {
          response.writeHead(206, { ...headers, "content-range": "bytes 0-1/5" }).end(`b${hit}`);
          return;
        }
        response.writeHead(200, headers).end(`body${hit}`);
      });
      await get(ses, url);
      const partial = await get(ses, url, { headers: { range: "bytes=0-1" } });
      assert.equal(partial.response.status, 206);
      assert.equal(partial.text, "bo");
      assert.equal(partial.fromCache, true);
      await ses.cacheIdle();
      assert.equal(origin.hits(url), 2);
      assert.equal(origin.lastRequest().headers.range, undefined);
      assert.equal(origin.lastRequest().headers["if-none-match"], '"e1"');
      assert.equal((await get(ses, url)).text, "body2");
    });

    it("stores the Set-Cookie of a background revalidation's response", async () => {
      const url = origin.route((_request, response, hit) => {
        response.writeHead(200, {
          "cache-control": "max-age=0, stale-while-revalidate=60",
          "set-cookie": `v=${hit}; Path=/`,
        }).end(`body${hit}`);
      });
      await get(ses, url);
      assert.equal((await get(ses, url)).text, "body1");
      await ses.cacheIdle();
      assert.equal(origin.hits(url), 2);
      const [cookie] = await ses.cookies.get({ url, name: "v" });
      assert.equal(cookie?.value, "2");
    });

    it("serves stale on a 5xx or a network error within stale-if-error", async () => {
      let fail = false;
      const url = origin.route((_request, response, hit) => {
        if (fail) response.writeHead(503).end("down");
        else {response.writeHead(200, { "cache-control": "max-age=0, stale-if-error=60" }).end(
            `ok${hit}`,
          );}
      });
      await get(ses, url);
      fail = true;
      const stale = await get(ses, url);
      assert.equal(stale.text, "ok1");
      assert.equal(stale.fromCache, true);
      assert.equal(origin.hits(url), 2);
      // A HEAD and a Range request meet the same error (RFC 5861 §4 names no method or range).
      const head = await ses.fetch(url, { method: "HEAD" });
      assert.deepEqual([head.status, responseInfo(head)?.fromCache], [200, true]);
      const part = await get(ses, url, { headers: { range: "bytes=1-2" } });
      assert.deepEqual([part.response.status, part.text, part.fromCache], [206, "k1", true]);
      assert.equal(origin.hits(url), 4);
      const strict = origin.route((_request, response) => {
        if (fail) response.writeHead(503).end("down");
        else {
          response.writeHead(200, {
            "cache-control": "max-age=0, must-revalidate, stale-if-error=60",
          }).end("ok");
        }
      });
      fail = false;
      await get(ses, strict);
      fail = true;
      assert.equal((await get(ses, strict)).response.status, 503);
      // A closed origin: the network error gets the stale copy.
      const lonely = await countingOrigin();
      const gone = lonely.route(reply({ "cache-control": "max-age=0, stale-if-error=60" }));
      await get(ses, gone);
      await ses.closeAllConnections();
      await lonely.close();
      assert.equal((await get(ses, gone)).text, "v1");
      assert.equal((await ses.fetch(gone, { method: "HEAD" })).status, 200);
      assert.equal((await get(ses, gone, { headers: { range: "bytes=1-" } })).text, "1");
      const other = await countingOrigin();
      const goneStrict = other.route(reply({ "cache-control": "max-age=0" }));
      await get(ses, goneStrict);
      await ses.closeAllConnections();
      await other.close();
      await assert.rejects(ses.fetch(goneStrict), (error: unknown) => SessionError.is(error));
    });

    it("gives a validation of a fresh entry without stale-if-error the origin's 5xx or error, as Chromium", async () => {
      // no-cache mode and a request's max-age=0 validate a fresh entry (Chromium's
      // LOAD_VALIDATE_CACHE): what the origin answers is the answer, and only a response's own
      // stale-if-error (RFC 5861 §4) lets the stored one stand in for an error.
      let fail = false;
      const handler: Handler = (_request, response, hit) => {
        const headers = fail ? {} : { "cache-control": "max-age=3600", etag: '"f"' };
        response.writeHead(fail ? 503 : 200, headers).end(fail ? "down" : `ok${hit}`);
      };
      const validations: RequestInit[] = [
        { cache: "no-cache" },
        { headers: { "cache-control": "max-age=0" } },
      ];
      for (const init of validations) {
        const url = origin.route(handler);
        fail = false;
        await get(ses, url);
        fail = true;
        const validated = await get(ses, url, init);
        assert.deepEqual([validated.response.status, validated.text], [503, "down"]);
        assert.equal(origin.hits(url), 2);
      }
      const lonely = await countingOrigin();
      const gone = lonely.route(reply({ "cache-control": "max-age=3600", etag: '"f"' }));
      await get(ses, gone);
      await ses.closeAllConnections();
      await lonely.close();
      await assert.rejects(
        ses.fetch(gone, { cache: "no-cache" }),
        (error: unknown) => SessionError.is(error) && error.code === "ERR_CONNECTION_REFUSED",
      );
      // The error replaced nothing: a plain request still gets the fresh entry.
      assert.equal((await get(ses, gone)).fromCache, true);
    });

    it("invalidates the target, Location and Content-Location after an unsafe method", async () => {
      const target = origin.route(reply({ "cache-control": "max-age=3600" }));
      const located = origin.route(reply({ "cache-control": "max-age=3600" }));
      const contentLocated = origin.route(reply({ "cache-control": "max-age=3600" }));
      const kept = origin.route(reply({ "cache-control": "max-age=3600" }));
      const post = origin.route((_request, response) => {
        response.writeHead(201, {
          location: new URL(located).pathname,
          "content-location": contentLocated,
        }).end();
      });
      for (const url of [target, located, contentLocated, kept]) await get(ses, url);
      await get(ses, target, { method: "POST", body: "x" });
      await get(ses, post, { method: "PUT", body: "x" });
      for (const url of [target, located, contentLocated, kept]) await get(ses, url);
      assert.deepEqual([located, contentLocated, kept].map((url) => origin.hits(url)), [2, 2, 1]);
      assert.equal(origin.hits(target), 3);
    });

    it("answers HEAD from a stored GET and a Range from a stored 200", async () => {
      const url = origin.route(
        reply({ "cache-control": "max-age=3600", "content-length": "10" }, () => "0123456789"),
      );
      await get(ses, url);
      const head = await get(ses, url, { method: "HEAD" });
      assert.equal(head.text, "");
      assert.equal(head.fromCache, true);
      assert.equal(head.response.headers.get("content-length"), "10");
      const range = await get(ses, url, { headers: { range: "bytes=2-5" } });
      assert.equal(range.response.status, 206);
      assert.equal(range.text, "2345");
      assert.equal(range.response.headers.get("content-range"), "bytes 2-5/10");
      const suffix = await get(ses, url, { headers: { range: "bytes=-3" } });
      assert.equal(suffix.text, "789");
      assert.equal(origin.hits(url), 1);
      // A 206 from the origin is not stored: it would answer a request for the whole.
      const partial = origin.route((_request, response) => {
        response.writeHead(206, {
          "cache-control": "max-age=3600",
          "content-range": "bytes 0-1/10",
        }).end("01");
      });
      await get(ses, partial, { headers: { range: "bytes=0-1" } });
      assert.equal((await get(ses, partial)).fromCache, false);
      assert.equal(origin.hits(partial), 2);
    });

    it("freshens a stale stored GET with a HEAD's 304 or matching 200 (RFC 9111 §4.3.5)", async () => {
      // The stored GET is stale at once; each HEAD answer says it is fresh for an hour.
      const perMethod = (request: IncomingMessage) =>
        request.method === "HEAD" ? "max-age=3600" : "max-age=0";
      const validated = origin.route((request, response, hit) => {
        const headers = { etag: '"e1"', "cache-control": perMethod(request), "x-hit": `${hit}` };
        if (request.headers["if-none-match"] === '"e1"') response.writeHead(304, headers).end();
        else response.writeHead(200, { ...headers, "content-length": "5" }).end("hello");
      });
      await get(ses, validated);
      const head = await get(ses, validated, { method: "HEAD" });
      // Chromium conditionalizes the HEAD, and answers it from the updated entry on a 304.
      assert.equal(origin.lastRequest().headers["if-none-match"], '"e1"');
      assert.equal(head.response.status, 200);
      assert.equal(head.fromCache, true);
      assert.equal(head.text, "");
      assert.equal(head.response.headers.get("x-hit"), "2");
      const after304 = await get(ses, validated);
      assert.equal(after304.fromCache, true);
      assert.equal(after304.text, "hello");
      assert.equal(origin.hits(validated), 2);

      // No validators to send: a 200 whose Content-Length matches updates the stored fields.
      const unvalidated = origin.route((request, response, hit) => {
        response.writeHead(200, {
          "cache-control": perMethod(request),
          "content-length": "5",
          "x-hit": `${hit}`,
        }).end("hello");
      });
      await get(ses, unvalidated);
      const plainHead = await get(ses, unvalidated, { method: "HEAD" });
      assert.equal(plainHead.fromCache, false);
      const after200 = await get(ses, unvalidated);
      assert.equal(after200.fromCache, true);
      assert.equal(after200.text, "hello");
      assert.equal(after200.response.headers.get("x-hit"), "2");
      assert.equal(origin.hits(unvalidated), 2);
    });

    it("drops a stored GET whose HEAD 200 brings another validator or length, as Chromium", async () => {
      const changed = (field: string) =>
        origin.route((request, response, hit) => {
          const headers: Record<string, string> = {
            "cache-control": request.method === "HEAD" ? "max-age=3600" : "max-age=0",
            "last-modified": "Tue, 01 Dec 2026 00:00:00 GMT",
            "content-length": "5",
          };
          if (request.method === "HEAD") {
            headers[field] = field === "content-length" ? "6" : "Tue, 01 Dec 2026 00:00:01 GMT";
          }
          response.writeHead(200, { ...headers, "x-hit": `${hit}` }).end(`body${hit}`.slice(0, 5));
        });
      for (const url of [changed("last-modified"), changed("content-length")]) {
        await get(ses, url);
        await get(ses, url, { method: "HEAD" });
        const next = await get(ses, url);
        // Not revalidated with the old validator: fetched whole, as nothing is stored.
        assert.equal(origin.lastRequest().headers["if-modified-since"], undefined);
        assert.equal(next.fromCache, false);
        assert.equal(next.response.headers.get("x-hit"), "3");
        assert.equal(origin.hits(url), 3);
      }
    });

    it("keeps encoded bytes and decodes them on every hit", async () => {
      const url = origin.route((_request, response) => {
        response.writeHead(200, { "cache-control": "max-age=3600", "content-encoding": "gzip" })
          .end(gzipSync("zipped body"));
      });
      assert.equal((await get(ses, url)).text, "zipped body");
      const hit = await get(ses, url);
      assert.equal(hit.text, "zipped body");
      assert.equal(hit.fromCache, true);
      assert.equal(origin.hits(url), 1);
    });

    it("drops a body that failed to decode, so the next request refetches it, as Chromium", async () => {
      // A gzip header, then bytes that are no deflate data: the origin's body is broken.
      const broken = Uint8Array.of(...gzipSync("x").subarray(0, 10), 0xff, 0xff, 0xff, 0xff);
      const url = origin.route((_request, response, hit) => {
        response.writeHead(200, { "cache-control": "max-age=3600", "content-encoding": "gzip" })
          .end(hit === 1 ? broken : gzipSync("mended"));
      });
      const failure = await get(ses, url).then(() => undefined, (error: unknown) => error);
      assert.ok(SessionError.is(failure) && failure.code === "ERR_CONTENT_DECODING_FAILED");
      const next = await get(ses, url);
      assert.deepEqual([next.text, next.fromCache, origin.hits(url)], ["mended", false, 2]);
      assert.equal((await get(ses, url)).fromCache, true);
    });

    it("keeps a stored encoded body whose Range part failed to decode, as Chromium", async () => {
      // A byte range of gzip bytes from their middle is no gzip stream, so the 206 cut from the
      // entry fails to decode as in Chromium; the whole body stored is sound and stays
      // (checked against /usr/bin/chromium: the next plain fetch is a cache hit).
      const url = origin.route((_request, response) => {
        response.writeHead(200, { "cache-control": "max-age=3600", "content-encoding": "gzip" })
          .end(gzipSync("hello world ".repeat(100)));
      });
      await get(ses, url);
      const part = await get(ses, url, { headers: { range: "bytes=20-29" } })
        .then(() => undefined, (error: unknown) => error);
      assert.ok(SessionError.is(part) && part.code === "ERR_CONTENT_DECODING_FAILED");
      const whole = await get(ses, url);
      assert.deepEqual([whole.fromCache, whole.text.length, origin.hits(url)], [true, 1200, 1]);
    });

    it("caches a 301 per hop, so the redirect is followed from the cache", async () => {
      const target = origin.route(reply({ "cache-control": "no-store" }));
      const moved = origin.route((_request, response) => {
        response.writeHead(301, { location: target, "cache-control": "max-age=3600" }).end();
      });
      const first = await get(ses, moved);
      const second = await get(ses, moved);
      assert.equal(second.response.redirected, true);
      assert.equal(second.response.url, target);
      assert.deepEqual([first.text, second.text], ["v1", "v2"]);
      assert.equal(origin.hits(moved), 1);
    });

    it("serves a stored 204 or 205 with no body, as the fetch standard's null body statuses", async () => {
      // A Response with a body (even an empty one) and status 205 cannot be made: Deno's
      // constructor throws, so every later fetch of the URL failed until it expired.
      for (const status of [204, 205]) {
        const url = origin.route((_request, response) => {
          response.writeHead(status, { "cache-control": "max-age=3600" }).end();
        });
        await get(ses, url);
        const hit = await get(ses, url);
        assert.deepEqual([hit.response.status, hit.text, hit.fromCache], [status, "", true]);
        assert.equal(hit.response.body, null);
        assert.equal(origin.hits(url), 1);
      }
    });

    it("stores a 403 or 503 with max-age or Expires, and not with a validator alone, as Chromium", async () => {
      const status =
        (code: number, headers: Record<string, string>): Handler => (_, response, hit) =>
          response.writeHead(code, headers).end(`e${hit}`);
      const expires = new Date(Date.now() + 3600_000).toUTCString();
      const urls = [
        origin.route(status(503, { "cache-control": "max-age=3600" })),
        origin.route(status(403, { expires })),
        origin.route(status(500, { etag: '"a"' })),
      ];
      for (const url of urls) {
        await get(ses, url);
        await get(ses, url);
      }
      assert.deepEqual(urls.map((url) => origin.hits(url)), [1, 1, 2]);
      const hit = await get(ses, urls[0]!);
      assert.deepEqual([hit.response.status, hit.text, hit.fromCache], [503, "e1", true]);
      // A challenge is never stored: the request sent again with credentials reaches the origin.
      const challenged = origin.route((request, response, hit) => {
        if (request.headers.authorization === undefined) {
          response.writeHead(401, {
            "www-authenticate": 'Basic realm="r"',
            "cache-control": "max-age=3600",
          })
            .end();
        } else response.writeHead(200, { "cache-control": "no-store" }).end(`in${hit}`);
      });
      const login = newSession();
      login.on(
        "login",
        (...args: unknown[]) => (args.at(-1) as (u: string, p: string) => void)("u", "p"),
      );
      assert.equal((await get(login, challenged)).text, "in2");
      // The auth cache now sends the credentials at once.
      assert.equal((await get(login, challenged)).text, "in3");
    });

    it("keeps 300, 301, 308 and 410 without freshness fields fresh for good, as Chromium", async () => {
      const target = origin.route(reply({ "cache-control": "no-store" }));
      const moved = origin.route((_request, response) => {
        response.writeHead(301, { location: target }).end();
      });
      const permanent = origin.route((_request, response) => {
        response.writeHead(308, { location: target, "last-modified": new Date(0).toUTCString() })
          .end();
      });
      const gone = origin.route((_request, response) => response.writeHead(410).end("gone"));
      const choices = origin.route((_request, response) => response.writeHead(300).end("pick"));
      // Explicit freshness and no-cache still rule.
      const expired = origin.route((_request, response) => {
        response.writeHead(301, { location: target, "cache-control": "max-age=0" }).end();
      });
      const found = origin.route((_request, response) => {
        response.writeHead(302, { location: target }).end();
      });
      const urls = [moved, permanent, gone, choices, expired, found];
      for (let i = 0; i < 2; i++) for (const url of urls) await get(ses, url);
      assert.deepEqual(urls.map((url) => origin.hits(url)), [1, 1, 1, 1, 2, 2]);
      assert.equal((await get(ses, gone, ONLY_IF_CACHED)).response.status, 410);
    });

    it("drops Set-Cookie from stored responses", async () => {
      const url = origin.route(reply({ "cache-control": "max-age=3600", "set-cookie": "a=1" }));
      await get(ses, url);
      const hit = await get(ses, url);
      assert.equal(hit.response.headers.get("set-cookie"), null);
    });

    it("with {cache: false} stores nothing and misses only-if-cached", async () => {
      const off = newSession({ cache: false });
      const url = origin.route(reply({ "cache-control": "max-age=3600" }));
      await get(off, url);
      await get(off, url);
      assert.equal(origin.hits(url), 2);
      assert.equal(await off.getCacheSize(), 0);
      await assert.rejects(off.fetch(url, ONLY_IF_CACHED), isCacheMiss);
      await off.closeAllConnections();
    });

    if (persistent) {
      // The last session's partition opened again by a new program (a new app and module).
      const restartedSession = () => {
        const runtime = currentRuntime();
        const restarted = new App(runtime);
        restarted.setPath("userData", userData);
        return createSessionModule(restarted, runtime).fromPartition(`persist:cache${count}`);
      };

      it("drops a corrupt entry and refetches it, never serving it", async () => {
        const own = newSession();
        const url = origin.route(reply({ "cache-control": "max-age=3600" }, () => "original"));
        await get(own, url);
        await own.cacheIdle();
        const db = currentRuntime().openDatabase(
          join(own.getStoragePath()!, "Cache", "index.sqlite"),
        );
        db.prepare("UPDATE entries SET body = ?").run(new TextEncoder().encode("tampered"));
        db.prepare("UPDATE entries SET meta = replace(meta, '200', '201')").run();
        db.close();
        // Another process (a new module on the same directory) reads the damaged row.
        const runtime = currentRuntime();
        const otherApp = new App(runtime);
        otherApp.setPath("userData", userData);
        const reader = createSessionModule(otherApp, runtime).fromPartition(
          `persist:cache${count}`,
        );
        const after = await get(reader, url);
        assert.deepEqual([after.text, after.fromCache, origin.hits(url)], ["original", false, 2]);
        assert.equal((await get(reader, url)).fromCache, true);
        await own.closeAllConnections();
        await reader.closeAllConnections();
      });

      it("invalidates what an earlier process stored when the first request is unsafe", async () => {
        const url = origin.route(reply({ "cache-control": "max-age=3600" }));
        const first = newSession();
        await get(first, url);
        await first.cacheIdle();
        // A restarted program whose first request is a POST: its cache has not opened yet.
        const later = restartedSession();
        await get(later, url, { method: "POST", body: "x" });
        await assert.rejects(later.fetch(url, ONLY_IF_CACHED), isCacheMiss);
        assert.equal((await get(later, url)).fromCache, false);
        await first.closeAllConnections();
        await later.closeAllConnections();
      });

      it("keeps a limit set before the first request of a restarted program", async () => {
        const url = origin.route(
          reply({ "cache-control": "max-age=3600" }, () => "z".repeat(1500)),
        );
        const first = newSession();
        await get(first, url);
        await first.cacheIdle();
        const later = restartedSession();
        later.setCacheMaxSize(1000);
        assert.equal(await later.getCacheSize(), 0);
        await assert.rejects(later.fetch(url, ONLY_IF_CACHED), isCacheMiss);
        await first.closeAllConnections();
        await later.closeAllConnections();
      });

      it("keeps a limit set while its cache directory is still being opened", async () => {
        // The first request (or getCacheSize) opens the directory; a limit set in the same turn,
        // before the open has finished, holds as well as one set before or after it.
        const urls = Array.from(
          { length: 20 },
          () => origin.route(reply({ "cache-control": "max-age=3600" }, () => "z".repeat(100))),
        );
        const limited = newSession();
        const first = get(limited, urls[0]!);
        limited.setCacheMaxSize(5000);
        await first;
        for (const url of urls.slice(1)) await get(limited, url);
        const size = await limited.getCacheSize();
        assert.ok(size > 0 && size <= 5000, `${size} bytes`);
        const other = newSession();
        const pending = other.getCacheSize();
        other.setCacheMaxSize(0);
        assert.equal(await pending, 0);
        await get(other, urls[0]!);
        assert.equal(await other.getCacheSize(), 0);
        await limited.closeAllConnections();
        await other.closeAllConnections();
      });

      it("shares the cache between two sessions on the same directory", async () => {
        const url = origin.route(reply({ "cache-control": "max-age=3600" }));
        const runtime = currentRuntime();
        const other = new App(runtime);
        other.setPath("userData", userData);
        const first = newSession();
        const twin = createSessionModule(other, runtime).fromPartition(`persist:cache${count}`);
        await get(first, url);
        await first.cacheIdle();
        assert.equal((await get(twin, url)).fromCache, true);
        assert.equal(origin.hits(url), 1);
        await twin.clearCache();
        assert.equal(await first.getCacheSize(), 0);
        await first.closeAllConnections();
        await twin.closeAllConnections();
      });
    }

    it("reports its size, clears, and evicts the oldest entries beyond the limit", async () => {
      const own = newSession();
      const urls = Array.from(
        { length: 9 },
        () => origin.route(reply({ "cache-control": "max-age=3600" }, () => "x".repeat(1000))),
      );
      assert.equal(await own.getCacheSize(), 0);
      await get(own, urls[0]!);
      const one = await own.getCacheSize();
      assert.ok(one > 1000 && one < 1500, `size ${one}`);
      await own.clearCache();
      assert.equal(await own.getCacheSize(), 0);
      assert.equal((await get(own, urls[0]!)).fromCache, false);
      // Room for eight entries (one entry may take an eighth of the limit).
      own.setCacheMaxSize(one * 8 + 100);
      for (const url of urls.slice(1)) await get(own, url);
      assert.ok(await own.getCacheSize() <= one * 8 + 100);
      await assert.rejects(own.fetch(urls[0]!, ONLY_IF_CACHED), isCacheMiss);
      for (const url of urls.slice(1)) {
        assert.equal((await get(own, url, ONLY_IF_CACHED)).fromCache, true);
      }
      assert.throws(() => own.setCacheMaxSize(-1), RangeError);

      await own.closeAllConnections();
    });

    it("evicts down to a lowered limit at once, and keeps nothing at 0", async () => {
      const own = newSession();
      const urls = Array.from(
        { length: 4 },
        () => origin.route(reply({ "cache-control": "max-age=3600" }, () => "y".repeat(1000))),
      );
      for (const url of urls) await get(own, url);
      const four = await own.getCacheSize();
      own.setCacheMaxSize(Math.ceil(four / 2));
      const half = await own.getCacheSize();
      assert.ok(half > 0 && half <= four / 2, `size ${half} of ${four}`);
      await assert.rejects(own.fetch(urls[0]!, ONLY_IF_CACHED), isCacheMiss);
      assert.equal((await get(own, urls[3]!, ONLY_IF_CACHED)).fromCache, true);
      own.setCacheMaxSize(0);
      assert.equal(await own.getCacheSize(), 0);
      await assert.rejects(own.fetch(urls[3]!, ONLY_IF_CACHED), isCacheMiss);
      await get(own, urls[0]!);
      assert.equal(await own.getCacheSize(), 0);
      await own.closeAllConnections();
    });
  });
}
