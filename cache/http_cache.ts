/**
 * The session's HTTP cache: an RFC 9111 private cache with the fetch standard's request cache
 * modes, as a pipeline stage.
 *
 * @module
 */

import type { FetchLike, Middleware, RequestContext } from "../core/middleware.ts";
import type { NetLogSink, NetLogWithSource } from "../core/net_log_sink.ts";
import { responseInfo, setResponseInfo } from "../core/response_info.ts";
import { setResponseUrl } from "../core/response_url.ts";
import { concatBytes } from "../core/concat_bytes.ts";
import { wholeBodyChunks } from "../core/whole_body.ts";
import type { Runtime } from "../core/runtime.ts";
import { SessionError } from "../core/session_error.ts";
import { unlessAborted } from "../core/unless_aborted.ts";
import { netErrorNumber } from "../core/net_errors.ts";
import { withoutUserinfo } from "../core/userinfo.ts";
import { cachedResponse } from "./_cached_response.ts";
import { recordBody } from "./_record_body.ts";
import { type CacheDirectives, deltaSeconds, parseCacheControl } from "./cache_control.ts";
import { type CacheEntry, cacheKey } from "./cache_entry.ts";
import type { CacheStore } from "./cache_store.ts";
import { fieldValue, type Freshness, freshness, isStorable, varyNames } from "./freshness.ts";
import {
  DEFAULT_CACHE_MAX_SIZE,
  defaultInMemoryCacheSize,
  MemoryCacheStore,
} from "./memory_cache_store.ts";
import { DiskCacheStore } from "./disk_cache_store.ts";

/** Options for {@linkcode HttpCache}. */
export interface HttpCacheOptions {
  /**
   * The cache directory (`<partition>/Cache`) for a persistent session, or `null` to keep
   * the cache in memory.
   */
  directory: string | null;
  /** Files and SQLite; required with a directory. */
  runtime?: Runtime;
  /** `false` (Electron's `{cache: false}`): nothing is stored or served. Default `true`. */
  enabled?: boolean;
  /**
   * The size limit in bytes; default 80 MiB on disk (Chromium's disk cache), and in memory
   * Chromium's in-memory default (2% of physical memory, at most 50 MiB).
   */
  maxSize?: number;
  /**
   * Told when the cache directory cannot be used (the session goes uncached) or its damaged
   * index was rebuilt; default `console.warn`.
   */
  onWarning?: (message: string) => void;
}

/** Statuses on which `stale-if-error` serves the stored response instead (RFC 5861 §4). */
const ERROR_STATUSES = new Set([500, 502, 503, 504]);

/**
 * How long a request waits for another request of the same URL to learn whether its response
 * is stored, before it goes to the network without the cache (Chromium's cache lock timeout,
 * `HttpCache::Transaction::AddCacheLockTimeoutHandler`).
 */
const CACHE_LOCK_TIMEOUT_MS = 20_000;

/**
 * Clears and invalidations remembered with what they hit, so that a response still coming in
 * when one happened is not stored; past this many, a response older than all of them is not
 * stored either.
 */
const RECENT_DOOMS_MAX = 64;

/** When a request went out: what its response is measured against when it comes to be stored. */
interface RequestStart {
  /** `Date.now()` then (RFC 9111 §4.2.3 `request_time`). */
  readonly time: number;
  /** How many clears and invalidations had happened by then. */
  readonly dooms: number;
}

/**
 * Variants kept per URL (RFC 9111 §4.1 lets a cache hold several; Chromium and Firefox keep
 * one, a Vary mismatch replacing it). A Vary that selects ever-new values (`Vary: Cookie` with a
 * cookie each response changes) would otherwise pile up entries that every lookup of the URL
 * reads and checks (a thousand 16 KiB ones on disk: 70 ms a hit); past this many the URL's
 * variants are dropped when another one is fetched.
 */
const MAX_VARIANTS = 8;

/** URLs remembered as answered with nothing stored; the set starts over past this many. */
const UNSTORED_URLS_MAX = 1024;

/** Request fields that make a request conditional: the fetch standard bypasses the cache. */
const CONDITIONAL_FIELDS = new Set([
  "if-none-match",
  "if-modified-since",
  "if-match",
  "if-unmodified-since",
  "if-range",
]);

/**
 * Fields never stored: hop-by-hop ones (the stored body is already de-chunked) and cookies,
 * which Chromium's cache drops too (`PERSIST_SANS_COOKIES`).
 */
const NOT_STORED = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "set-cookie",
  "set-cookie2",
]);

/**
 * Fields of a 304 that do not replace stored ones: those, and the fields that describe the
 * stored bytes, which stay the bytes of the 200 (RFC 9111 §3.2 lets a cache keep them; a
 * `Content-Encoding` the stored body does not have would make it undecodable). Chromium's list
 * (`kNonUpdatedHeaders`, http_response_headers.cc).
 */
const NOT_UPDATED_BY_304 = new Set([
  ...NOT_STORED,
  "www-authenticate",
  "proxy-authenticate",
  "proxy-authorization",
  "content-location",
  "content-md5",
  "etag",
  "content-encoding",
  "content-range",
  "content-type",
  "content-length",
  "x-frame-options",
  "x-xss-protection",
]);

/** Prefixes of 304 fields that do not replace stored ones (`kNonUpdatedHeaderPrefixes`). */
const NOT_UPDATED_PREFIXES = ["x-content-", "x-webkit-"];

/**
 * Why a hand-written policy rather than the `http-cache-semantics` package: the package
 * takes header objects, which would mean copying `Headers` and the raw lines into plain
 * objects on every request (the hit path has a 0.2 ms budget and the miss path a 5% one),
 * and Chromium's private-cache choices (HEAD from a stored GET, `immutable` changing nothing,
 * a stored 200 answering a Range) sit outside its model.
 * The rules are RFC 9111's, each with a test against a real origin.
 *
 * The stage sits inside the redirect loop and outside content decoding, so it stores and
 * serves each hop's bytes as they came over the wire. Lookups and stores are synchronous;
 * a request whose URL has nothing stored goes straight on with no await added.
 *
 * @example
 * ```ts
 * import { HttpCache } from "./http_cache.ts";
 * import { compose, requestContext } from "../core/middleware.ts";
 * const cache = new HttpCache({ directory: null });
 * let hits = 0;
 * const fetchLike = compose([cache.middleware], () =>
 *   Promise.resolve(new Response(`hit ${++hits}`, { headers: { "cache-control": "max-age=60" } })));
 * for (let i = 0; i < 2; i++) {
 *   const response = await fetchLike(new Request("http://a.test/"), requestContext());
 *   console.log(await response.text()); // hit 1, twice
 * }
 * ```
 */
export class HttpCache {
  #enabled: boolean;
  #maxSize: number;
  #onWarning: (message: string) => void;
  #store: CacheStore | null = null;
  #opening: Promise<void> | null = null;
  #directory: string | null;
  #runtime: Runtime | undefined;
  #revalidating = new Set<string>();
  #background = new Set<Promise<void>>();
  // Chromium's cache lock: a GET for a URL with nothing stored, or validating its stale entry,
  // is the URL's writer until its response head is known, and other requests for the URL wait
  // for it, so that concurrent requests for one resource reach the origin once. Each lock resolves when its writer's
  // response has been stored (a body that came with its head) or cannot be.
  #locks = new Map<string, Promise<void>>();
  // URLs whose last writer left nothing stored at its head (uncacheable, or a body still
  // streaming): their requests take no lock, so repeated uncacheable requests never queue.
  #unstored = new Set<string>();
  // Chromium dooms an entry still being written when the cache is cleared or its URL
  // invalidated, so what its writer receives afterwards is never served. Here each clear and
  // invalidation is numbered, and a response whose request went out before one that hit its
  // URL is not stored.
  #dooms = 0;
  #recentDooms: Array<{ readonly number: number; readonly hits: (url: string) => boolean }> = [];

  /**
   * Makes a cache; a persistent one opens its directory at the first request.
   *
   * @param options Where to store, whether enabled, the size limit.
   * @throws {TypeError} When a directory is given without a runtime.
   * @throws {TypeError} When `maxSize` is not a number.
   * @throws {RangeError} When `maxSize` is not a non-negative integer.
   */
  constructor(options: HttpCacheOptions) {
    const { directory, runtime, enabled = true } = options;
    const maxSize = options.maxSize ??
      (directory === null ? defaultInMemoryCacheSize() : DEFAULT_CACHE_MAX_SIZE);
    if (directory !== null && runtime === undefined) {
      throw new TypeError("Cannot create HttpCache: a directory needs a runtime");
    }
    checkMaxSize(maxSize);
    this.#enabled = enabled;
    this.#maxSize = maxSize;
    this.#directory = directory;
    this.#runtime = runtime;
    this.#onWarning = options.onWarning ?? console.warn;
    if (enabled && directory === null) this.#store = new MemoryCacheStore(maxSize);
  }

  /** The pipeline stage. */
  readonly middleware: Middleware = (next) => (request, context) =>
    this.#handle(next, request, context);

  /** The size limit in bytes; lowering it evicts the least recently used entries at once. */
  get maxSize(): number {
    return this.#maxSize;
  }

  set maxSize(bytes: number) {
    checkMaxSize(bytes);
    this.#maxSize = bytes;
    if (this.#store !== null) this.#store.maxSize = bytes;
  }

  /**
   * Returns the bytes the cache holds (bodies and heads), as `ses.getCacheSize()`.
   *
   * @returns Bytes.
   */
  async size(): Promise<number> {
    const store = await this.#opened();
    if (store === null) return 0;
    await store.flush();
    return store.size();
  }

  /**
   * The cache's statistics for a net log's `polledData.httpCacheInfo.stats` (Chromium's
   * `disk_cache::Backend::GetStats`: name/value pairs, values as strings). The size is what
   * the store has committed; entries still waiting for their batch are not counted.
   *
   * @returns `{"Cache type", "Max size", "Current size"}` (bytes); `{}` for a session with
   * `{cache: false}` or a cache directory that could not be used.
   */
  stats(): Record<string, string> {
    if (!this.#enabled) return {};
    const type = this.#directory === null ? "Memory Cache" : "@ses disk cache (SQLite index)";
    const stats: Record<string, string> = { "Cache type": type, "Max size": String(this.#maxSize) };
    try {
      if (this.#store !== null) stats["Current size"] = String(this.#store.size());
    } catch {
      // A closed or failing store has no size to report; the log is still written.
    }
    return stats;
  }

  /**
   * Deletes every entry, as `ses.clearCache()`, or with `urlMatches` only the entries of the
   * URLs it accepts, as `ses.clearData({dataTypes: ["cache"], origins})` does by origin.
   *
   * @param urlMatches Which stored URLs go; default all.
   * @returns Resolves when they are gone.
   */
  async clear(urlMatches?: (url: string) => boolean): Promise<void> {
    const store = await this.#opened();
    if (store === null) return;
    await store.flush();
    this.#doom(urlMatches ?? (() => true));
    if (urlMatches === undefined) return store.clear();
    for (const url of store.urls()) {
      if (urlMatches(url)) store.deleteUrl(url);
    }
  }

  /**
   * Drops what is stored for a URL whose body could not be used: the content decoding stage
   * calls it when the body fails to decode. Chromium's cache never completes an entry whose
   * reader stopped at a decoding error (the job ends before the body's end), so the next
   * request goes to the network instead of failing again from the cache.
   *
   * @param url The response's URL.
   */
  forget(url: string): void {
    const store = this.#store;
    if (store === null) return;
    const key = cacheUrl(url);
    // A copy of the same bytes still streaming in must not be stored after this either.
    this.#doom((stored) => stored === key);
    deleteQuietly(store, key);
  }

  /**
   * Waits for background revalidations (`stale-while-revalidate`) to finish and for what they
   * and earlier requests stored to reach the store.
   *
   * @returns Resolves when none is running.
   */
  async idle(): Promise<void> {
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
    await this.#store?.flush();
  }

  /**
   * Closes the store after background work ends; later requests go to the network.
   *
   * @returns Resolves when closed.
   */
  async close(): Promise<void> {
    await this.idle();
    const store = await this.#opened();
    this.#enabled = false;
    this.#store = null;
    await store?.close();
  }

  #opened(): Promise<CacheStore | null> {
    if (this.#store !== null || !this.#enabled || this.#directory === null) {
      return Promise.resolve(this.#store);
    }
    const directory = this.#directory;
    this.#opening ??= DiskCacheStore.open(this.#runtime!, directory, this.#maxSize, this.#onWarning)
      .then(
        (store) => {
          // A limit set while the directory was being opened holds too.
          if (store.maxSize !== this.#maxSize) store.maxSize = this.#maxSize;
          this.#store = store;
        },
        // A cache that cannot open (read-only disk, no space) leaves the session uncached.
        (error) => {
          this.#enabled = false;
          this.#onWarning(
            `Cannot use the HTTP cache in "${directory}" (${String(error)}); ` +
              `this session's responses are not cached`,
          );
        },
      );
    return this.#opening.then(() => this.#store);
  }

  #handle(
    next: FetchLike,
    request: Request,
    context: RequestContext,
    waited = false,
  ): Promise<Response> {
    // Chromium's HTTP cache serves URLRequestHttpJob alone: other schemes pass by untouched.
    const href = request.url;
    if (!href.startsWith("http:") && !href.startsWith("https:")) return next(request, context);
    const mode = context.cache;
    const opening = logsEntrySteps(context);
    if ((mode === "reload" || mode === "no-cache") && !waited) {
      request = withCacheFields(request, mode);
    }
    const method = request.method;
    if (method !== "GET" && method !== "HEAD") {
      // The cache never answers these, so a request that may only be answered from it fails
      // (HttpCache::Transaction::DoGetBackendComplete: no READ mode with LOAD_ONLY_FROM_CACHE).
      if (mode === "only-if-cached") return cacheMiss(request);
      if (!this.#enabled || method === "OPTIONS" || method === "TRACE") {
        return next(request, context);
      }
      // Chromium's transaction gets the backend for every method, then goes on without an
      // entry (mode NONE), as chromium --log-net-log 156 writes a POST.
      if (opening) logPair(context.netLog!, "HTTP_CACHE_GET_BACKEND");
      return next(request, context).then((response) => {
        if (this.#store !== null) {
          this.#invalidate(this.#store, request.url, response);
          return response;
        }
        // Nothing opened yet, but an earlier process may have stored the target: open first.
        return this.#opened().then((store) => {
          if (store !== null) this.#invalidate(store, request.url, response);
          return response;
        });
      });
    }
    if (!this.#enabled) {
      return mode === "only-if-cached" ? cacheMiss(request) : next(request, context);
    }
    if (mode === "no-store") {
      // LOAD_DISABLE_CACHE: Chromium's transaction gets the backend and uses no entry.
      if (opening) logPair(context.netLog!, "HTTP_CACHE_GET_BACKEND");
      return next(request, context);
    }
    const store = this.#store;
    if (store === null) {
      return this.#opened().then(() => this.#handle(next, request, context, waited));
    }
    const url = cacheUrl(request.url);
    let variants: CacheEntry[];
    try {
      variants = mode === "reload" ? [] : store.variants(url);
    } catch {
      // A store that fails (a locked or damaged file) costs the request its cache, not its answer.
      return next(request, context);
    }
    const found = variants.length > 0;
    // A reload replaces what is stored rather than reading it: nothing to wait for.
    const lock = found || waited || mode === "reload" ? undefined : this.#locks.get(url);
    if (opening) {
      if (mode === "reload" && method === "GET") logReplacedEntry(context.netLog!);
      else {
        // An entry another request is writing opens for a read-only request too.
        logOpenEntry(
          context,
          mode === "only-if-cached",
          found || lock !== undefined,
          lock === undefined,
          method === "HEAD",
        );
      }
    }
    if (!found) {
      // only-if-cached waits for a writer too, as Chromium's read-only transaction joins the
      // active entry (HttpCache::AddTransactionToEntry), then reads it or misses.
      if (lock !== undefined) return this.#afterLock(lock, next, request, context);
      if (mode === "only-if-cached") return cacheMiss(request);
      return this.#fetchAndStore(store, next, request, context, url, mode === "reload");
    }
    return this.#withStored(store, next, request, context, url, variants, waited);
  }

  #withStored(
    store: CacheStore,
    next: FetchLike,
    request: Request,
    context: RequestContext,
    url: string,
    variants: CacheEntry[],
    waited: boolean,
  ): Promise<Response> {
    let mode = context.cache;
    // One pass over the request's fields: each Headers lookup costs (in Bun especially).
    let conditional = false;
    let cacheControl: string | null = null;
    let pragma: string | null = null;
    let rangeField: string | null = null;
    for (const [name, value] of request.headers) {
      if (name === "cache-control") cacheControl = value;
      else if (name === "pragma") pragma = value;
      else if (name === "range") rangeField = value;
      else if (CONDITIONAL_FIELDS.has(name)) conditional = true;
    }
    if (mode === "default" && conditional) {
      // The caller validates its own copy (fetch standard, HTTP-network-or-cache fetch).
      return next(request, context);
    }
    const requestDirectives = parseCacheControl(cacheControl);
    if (requestDirectives.has("no-store")) return next(request, context);
    if (mode === "default") {
      // The caller's own `Cache-Control: no-cache` (or `Pragma: no-cache` without
      // Cache-Control, RFC 9111 §5.4) fetches anew without reading what is stored and stores
      // the answer, as a reload: Chromium's kForceFetchHeaders set LOAD_BYPASS_CACHE, so no
      // validator goes out and the answer does not come from the cache. RFC 9111 §5.2.1.4
      // allows a validation too; Chromium keeps that for `max-age=0` (kForceValidateHeaders).
      if (
        requestDirectives.has("no-cache") ||
        (cacheControl === null && pragma !== null && /no-cache/i.test(pragma))
      ) {
        return this.#fetchAndStore(store, next, request, context, undefined, true);
      }
      if (deltaSeconds(requestDirectives, "max-age") === 0) mode = "no-cache";
    }
    const entry = variants.find((candidate) =>
      candidate.vary.every(([name, value]) => requestField(request, context, name) === value)
    );
    if (entry === undefined) {
      if (mode === "only-if-cached") return cacheMiss(request);
      if (variants.length >= MAX_VARIANTS) {
        // Copies of the dropped ones still streaming in must not be stored either.
        this.#doom((stored) => stored === url);
        deleteQuietly(store, url);
      }
      return this.#fetchAndStore(store, next, request, context);
    }
    const head = request.method === "HEAD";
    const range = head || rangeField === null ? undefined : byteRange(rangeField, entry);
    if (range === null) {
      // A range the stored response cannot answer: the origin decides, nothing is stored.
      return mode === "only-if-cached" ? cacheMiss(request) : next(request, context);
    }
    const now = Date.now();
    const state = freshness(entry, now);
    const serve = (omit: readonly string[]) => {
      try {
        store.touch(entry.key);
      } catch {
        // LRU order is a hint; a failed update must not fail the hit.
      }
      const response = cachedResponse(entry, {
        url,
        head,
        age: state.age,
        omit,
        range,
        signal: context.signal,
      });
      // The head as served (its Age, a range's 206), for a HAR of the log.
      if (context.netLog?.sink.capturing) logReadInfo(context.netLog, responseInfo(response)!);
      return Promise.resolve(response);
    };
    // force-cache and only-if-cached use any stored response, however stale (fetch standard),
    // unvalidated: without its no-cache fields (RFC 9111 §5.2.2.4).
    if (mode === "force-cache" || mode === "only-if-cached") return serve(state.noCacheFields);
    const fresh = isFresh(state, requestDirectives);
    if (fresh && mode === "default" && !state.noCache) return serve(state.noCacheFields);
    // No-cache revalidates even a fresh `immutable` response: Chromium's cache reads no
    // `immutable` (HttpCache::Transaction::RequiresValidation validates whenever
    // LOAD_VALIDATE_CACHE is set), and the fetch standard's no-cache mode has no exception.
    const staleness = state.age - state.lifetime;
    if (!fresh && mode === "default" && !state.mustRevalidate) {
      const maxStale = requestDirectives.get("max-stale");
      if (maxStale === "" || (maxStale !== undefined && staleness <= Number(maxStale) * 1000)) {
        return serve(state.noCacheFields);
      }
      // Stale by its own lifetime only: one the request's max-age or min-fresh finds too old
      // is validated before the answer, as Chromium answers VALIDATION_ASYNCHRONOUS for a
      // stale entry alone (HttpResponseHeaders::RequiresValidation).
      if (!head && staleness >= 0 && staleness < state.staleWhileRevalidate) {
        this.#revalidateInBackground(store, next, request, context, entry);
        return serve(state.noCacheFields);
      }
    }
    // A Range goes out with the validators too, as Chromium's partial requests do: a 304 answers
    // it from the refreshed entry, a 206 passes through. An error gets the stale entry for a
    // HEAD and a Range too (cut as for a hit): RFC 5861 §4 names no method or range.
    // Only a response's own stale-if-error lets it stand in for an error: a validation asked
    // for an entry still fresh (no-cache, max-age=0) gets what the origin answers, as in
    // Chromium.
    const staleIfError = !state.mustRevalidate && state.staleIfError > 0 &&
      staleness < state.staleIfError;
    // Chromium's cache lock holds while an entry is validated too: concurrent GETs that find
    // it stale wait for the first one's answer, then are served from the entry it refreshed,
    // so the origin is asked once. (A no-cache request asks for its own validation.)
    // Chromium reads the stored head before it validates (DoCacheReadResponse); a request that
    // waits for another's validation reads it once that is done.
    // (A restart for auth read it before its first send.)
    const reading = logsEntrySteps(context);
    if (mode !== "default" || head || range !== undefined) {
      if (reading) logReadInfo(context.netLog!, entry);
      return this.#revalidate(store, next, request, context, entry, staleIfError, range);
    }
    const lock = waited ? undefined : this.#locks.get(url);
    if (lock !== undefined) return this.#afterLock(lock, next, request, context);
    if (reading) logReadInfo(context.netLog!, entry);
    if (this.#locks.has(url)) {
      return this.#revalidate(store, next, request, context, entry, staleIfError);
    }
    let release!: () => void;
    this.#locks.set(url, new Promise<void>((resolve) => release = resolve));
    const unlock = () => {
      this.#locks.delete(url);
      release();
    };
    // The answer is stored (or the entry updated) before the revalidation resolves.
    return this.#revalidate(store, next, request, context, entry, staleIfError).then(
      (response) => {
        unlock();
        return response;
      },
      (error: unknown) => {
        unlock();
        throw error;
      },
    );
  }

  #doom(hits: (url: string) => boolean): void {
    this.#recentDooms.push({ number: ++this.#dooms, hits });
    if (this.#recentDooms.length > RECENT_DOOMS_MAX) this.#recentDooms.shift();
  }

  #started(): RequestStart {
    return { time: Date.now(), dooms: this.#dooms };
  }

  /** Whether a clear or an invalidation that hit `url` happened since `start`. */
  #doomedSince(url: string, start: RequestStart): boolean {
    if (this.#dooms === start.dooms) return false;
    // Forgotten ones may have hit it.
    if (this.#recentDooms[0]!.number > start.dooms + 1) return true;
    return this.#recentDooms.some((doom) => doom.number > start.dooms && doom.hits(url));
  }

  #fetchAndStore(
    store: CacheStore,
    next: FetchLike,
    request: Request,
    context: RequestContext,
    lockUrl?: string,
    replaces = false,
  ): Promise<Response> {
    const start = this.#started();
    if (
      lockUrl === undefined || request.method !== "GET" || this.#unstored.has(lockUrl) ||
      this.#locks.has(lockUrl)
    ) {
      return next(request, context).then((response) =>
        this.#store_(store, request, context, response, start, replaces)
      );
    }
    let release!: () => void;
    this.#locks.set(lockUrl, new Promise<void>((resolve) => release = resolve));
    const unlock = () => {
      let stored = false;
      try {
        stored = store.variants(lockUrl).length > 0;
      } catch {
        // A failing store has nothing to serve the waiters; they go to the network.
      }
      if (!stored) {
        if (this.#unstored.size >= UNSTORED_URLS_MAX) this.#unstored.clear();
        this.#unstored.add(lockUrl);
      }
      this.#locks.delete(lockUrl);
      release();
    };
    return next(request, context).then((response) => {
      try {
        return this.#store_(store, request, context, response, start, replaces);
      } finally {
        unlock();
      }
    }, (error: unknown) => {
      unlock();
      throw error;
    });
  }

  // A request that found another request of its URL writing: once the writer's head is known
  // it starts over (a hit when the writer stored its response); after Chromium's lock timeout
  // it goes to the network without the cache, as Chromium bypasses a lock held too long.
  #afterLock(
    lock: Promise<void>,
    next: FetchLike,
    request: Request,
    context: RequestContext,
  ): Promise<Response> {
    const netLog = context.netLog?.sink.capturing ? context.netLog : undefined;
    netLog?.sink.add({
      type: "HTTP_CACHE_ADD_TO_ENTRY",
      phase: "PHASE_BEGIN",
      source: netLog.source,
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const released = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), CACHE_LOCK_TIMEOUT_MS);
      void lock.then(() => resolve(true));
    });
    return unlessAborted(released, context.signal, request.url).then((unlocked) => {
      netLog?.sink.add({
        type: "HTTP_CACHE_ADD_TO_ENTRY",
        phase: "PHASE_END",
        source: netLog.source,
        params: unlocked ? undefined : { net_error: netErrorNumber("ERR_CACHE_LOCK_TIMEOUT") },
      });
      if (unlocked) return this.#handle(next, request, context, true);
      // A read-only request past the lock's timeout misses, never reaching the network
      // (HttpCache::Transaction::DoAddToEntryComplete: ERR_CACHE_MISS in READ mode).
      return context.cache === "only-if-cached" ? cacheMiss(request) : next(request, context);
    }).finally(() => clearTimeout(timer));
  }

  #revalidate(
    store: CacheStore,
    next: FetchLike,
    request: Request,
    context: RequestContext,
    entry: CacheEntry,
    staleIfError: boolean,
    range?: { start: number; end: number },
  ): Promise<Response> {
    const etag = fieldValue(entry.rawHeaders, "etag");
    const lastModified = fieldValue(entry.rawHeaders, "last-modified");
    let conditional = request;
    if (etag !== null || lastModified !== null) {
      const headers = new Headers(request.headers);
      if (etag !== null) headers.set("if-none-match", etag);
      if (lastModified !== null) headers.set("if-modified-since", lastModified);
      conditional = new Request(request, { headers });
    }
    const start = this.#started();
    // Chromium conditionalizes a HEAD against a stored GET as it does a GET, and a 304
    // answers it from the updated entry (HttpCache::Transaction, DoUpdateCachedResponse).
    const head = request.method === "HEAD";
    const serveStale = () => {
      const state = freshness(entry, Date.now());
      // Unvalidated: without its no-cache fields (RFC 9111 §5.2.2.4).
      const omit = state.noCacheFields;
      const response = cachedResponse(entry, {
        url: entry.url,
        head,
        age: state.age,
        omit,
        range,
        signal: context.signal,
      });
      // The entry is read again to answer in the failure's stead: the log (and a HAR of it)
      // ends with the head the caller got, not the origin's error.
      if (context.netLog?.sink.capturing) logReadInfo(context.netLog, responseInfo(response)!);
      return response;
    };
    return next(conditional, context).then((response) => {
      if (response.status === 304 && conditional !== request) {
        // Its Set-Cookie lines are never stored here, but the cookie stage must see them.
        context.onInterimResponse?.(conditional, response, context);
        void response.body?.cancel();
        const updated = updatedEntry(entry, response, start.time);
        const state = freshness(updated, Date.now());
        // Served once more, but no longer kept (Chromium's DoUpdateCachedResponse dooms it).
        if (state.directives.has("no-store")) deleteQuietly(store, entry.url);
        else if (!this.#doomedSince(entry.url, start)) {
          putQuietly(store, updated);
          // The updated head written over the stored one, as DoUpdateCachedResponse logs it.
          if (context.netLog?.sink.capturing) logPair(context.netLog, "HTTP_CACHE_WRITE_INFO");
        }
        return cachedResponse(updated, {
          url: entry.url,
          head,
          age: state.age,
          omit: [],
          range,
          signal: context.signal,
        });
      }
      if (staleIfError && ERROR_STATUSES.has(response.status)) {
        void response.body?.cancel();
        return serveStale();
      }
      if (head) {
        this.#freshenWithHead(store, entry, response, start);
        return response;
      }
      return this.#store_(store, request, context, response, start, true);
    }, (error: unknown) => {
      if (staleIfError && context.signal?.aborted !== true) return serveStale();
      throw error;
    });
  }

  /**
   * RFC 9111 §4.3.5: a 200 to a HEAD updates the stored GET response it could have been
   * chosen for when every validator it brings (ETag, Last-Modified) and its Content-Length, if
   * it has one, match the stored ones; otherwise the stored response is no longer reused.
   * Chromium dooms the entry on any HEAD response other than a 304 (DoOverwriteCachedResponse:
   * "This response is replacing the cached one"); here the RFC's matching case is kept and
   * updated, the rest dropped as Chromium does. Other statuses leave the entry as it was: the
   * RFC speaks of a 200 alone.
   */
  #freshenWithHead(
    store: CacheStore,
    entry: CacheEntry,
    response: Response,
    start: RequestStart,
  ): void {
    if (response.status !== 200) return;
    const rawHeaders = responseInfo(response)?.rawHeaders ?? [...response.headers];
    const matches = (name: string, stored: string | null) => {
      const received = fieldValue(rawHeaders, name);
      return received === null || received === stored;
    };
    const storedLength = fieldValue(entry.rawHeaders, "content-length") ??
      String(entry.body.byteLength);
    if (
      matches("etag", fieldValue(entry.rawHeaders, "etag")) &&
      matches("last-modified", fieldValue(entry.rawHeaders, "last-modified")) &&
      matches("content-length", storedLength)
    ) {
      const updated = updatedEntry(entry, response, start.time);
      if (freshness(updated, Date.now()).directives.has("no-store")) {
        deleteQuietly(store, entry.url);
      } else if (!this.#doomedSince(entry.url, start)) putQuietly(store, updated);
      return;
    }
    this.#doom((url) => url === entry.url);
    deleteQuietly(store, entry.url);
  }

  #revalidateInBackground(
    store: CacheStore,
    next: FetchLike,
    request: Request,
    context: RequestContext,
    entry: CacheEntry,
  ): void {
    // One background revalidation per entry, however many requests see it stale meanwhile.
    if (this.#revalidating.has(entry.key)) return;
    this.#revalidating.add(entry.key);
    // The entry is whole, so it is revalidated whole: a Range the caller asked for would get a
    // 206, which stores nothing and leaves the stale entry to every later request.
    const headers = new Headers(request.headers);
    headers.delete("range");
    headers.delete("if-range");
    const plain = new Request(request.url, { method: "GET", headers });
    // A request of its own in the log, as Chromium's renderer sends one (Blink's
    // ResourceFetcher::RevalidateStaleResource): the caller's request is over.
    const netLog = context.netLog?.sink.capturing
      ? backgroundRequestLog(context.netLog.sink, plain)
      : undefined;
    // It outlives the caller's request, so the caller's signal must not cut it short.
    const detached: RequestContext = {
      ...context,
      signal: undefined,
      urlChain: [entry.url],
      netLog,
    };
    if (netLog !== undefined) {
      logOpenEntry(detached, false, true, true);
      logReadInfo(netLog, entry);
    }
    const work = this.#revalidate(store, next, plain, detached, entry, false)
      .then((response) => {
        if (netLog !== undefined) logRequestEnd(netLog, "URL_REQUEST_START_JOB");
        // No stage above this one sees the answer: the cookie stage stores its Set-Cookie
        // lines through the hook, as for a 304 (which the hook saw already; the stored
        // response it became carries none).
        detached.onInterimResponse?.(plain, response, detached);
        return response.arrayBuffer();
      }, (error: unknown) => {
        if (netLog !== undefined) logRequestEnd(netLog, "URL_REQUEST_START_JOB", error);
        throw error;
      })
      .then(() => {
        if (netLog !== undefined) logRequestEnd(netLog, "REQUEST_ALIVE");
      }, (error: unknown) => {
        if (netLog !== undefined) logRequestEnd(netLog, "REQUEST_ALIVE", error);
      })
      .finally(() => {
        this.#revalidating.delete(entry.key);
        this.#background.delete(work);
      });
    this.#background.add(work);
  }

  #store_(
    store: CacheStore,
    request: Request,
    context: RequestContext,
    response: Response,
    start: RequestStart,
    replaces = false,
  ): Response {
    if (request.method !== "GET") return response;
    const info = responseInfo(response);
    const rawHeaders = info?.rawHeaders ?? [...response.headers];
    // Chromium stores nothing that came over a certificate the verify proc let through in spite
    // of its error (HttpCache::Transaction::WriteResponseInfoToEntry), so a later load of it
    // meets the certificate again rather than a stored copy.
    if (!isStorable(response.status, rawHeaders) || info?.certStatusError !== undefined) {
      return replaces ? this.#dropReplaced(store, request, response) : response;
    }
    let cacheControl: string | null = null;
    for (const [name, value] of request.headers) {
      if (name === "cache-control") cacheControl = value;
      // The caller validates its own copy: the fetch standard makes such a request no-store,
      // as it does not read the cache for it (see #withStored).
      else if (CONDITIONAL_FIELDS.has(name) && context.cache === "default") return response;
    }
    const names = varyNames(fieldValue(rawHeaders, "vary"));
    if (
      (cacheControl !== null && parseCacheControl(cacheControl).has("no-store")) || names === "*"
    ) {
      return replaces ? this.#dropReplaced(store, request, response) : response;
    }
    const url = cacheUrl(request.url);
    if (replaces) {
      // What it replaces goes now, not once its own body is kept: Chromium dooms a reload's
      // entry before the request goes out, and a validation's 200 writes over the entry, so an
      // answer whose body is then not kept (past an eighth of the cache, or not read to its
      // end) leaves no entry rather than the older one, fresh, for the next request.
      // Dropped without reading it first (#dropReplaced looks, which would read a large body
      // again); a copy of it still streaming in is doomed too.
      const doomed = this.#doomedSince(url, start);
      this.#doom((stored) => stored === url);
      deleteQuietly(store, url);
      if (doomed) return response;
      // Only a clear or an invalidation after this drop keeps this answer out.
      start = { time: start.time, dooms: this.#dooms };
    }
    const vary = names.map((name) => [name, requestField(request, context, name)] as const);
    const fields = {
      key: cacheKey(url, vary),
      url,
      status: response.status,
      statusText: response.statusText,
      httpVersion: info?.httpVersion ?? "1.1",
      rawHeaders: rawHeaders.filter(([name]) => !NOT_STORED.has(name.toLowerCase())),
      vary,
      requestTime: start.time,
      responseTime: Date.now(),
      remoteAddress: info?.remoteAddress ?? "",
      remotePort: info?.remotePort ?? 0,
    };
    const netLog = context.netLog?.sink.capturing ? context.netLog : undefined;
    if (netLog !== undefined) logPair(netLog, "HTTP_CACHE_WRITE_INFO");
    const keep = (bytes: Uint8Array) => {
      if (this.#doomedSince(url, start)) return;
      putQuietly(store, { ...fields, body: bytes });
      this.#unstored.delete(url);
      if (netLog !== undefined) logPair(netLog, "HTTP_CACHE_WRITE_DATA");
    };
    // Like Chromium's disk cache, one entry may take at most an eighth of the cache.
    const maxEntryBytes = Math.floor(this.#maxSize / 8);
    if (response.body === null) {
      if (this.#doomedSince(url, start)) return response;
      putQuietly(store, { ...fields, body: new Uint8Array() });
      this.#unstored.delete(url);
      return response;
    }
    const whole = wholeBodyChunks(response.body);
    if (whole !== undefined) {
      // The body arrived in full with its head: stored now, and the response goes on as it is.
      // Recording the stream instead would cost a stream, a Response and a promise per chunk.
      let length = 0;
      for (const chunk of whole) length += chunk.byteLength;
      // A copy: the reader of the response gets the same chunks and may write into them.
      if (length <= maxEntryBytes) keep(concatBytes(whole, length));
      return response;
    }
    const length = Number(response.headers.get("content-length") ?? 0);
    if (length > maxEntryBytes) return response;
    const body = recordBody(response.body, maxEntryBytes, keep);
    const copy = new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    setResponseUrl(copy, response.url, response.redirected);
    setResponseInfo(copy, info);
    return copy;
  }

  /**
   * A reload, a request's own no-cache and a validation write over what is stored for their
   * URL (Chromium dooms a reload's entry first, and a validation's full answer overwrites
   * it); an answer that is not stored leaves nothing, so the response it replaced is not
   * served again (fresh after a reload, or to force-cache, only-if-cached and the stale
   * windows). A 206 or a 304 replaces no whole response, and a 401 or 407 is set aside for
   * the request sent again with credentials (Chromium's SetAuthResponse).
   */
  #dropReplaced(store: CacheStore, request: Request, response: Response): Response {
    const status = response.status;
    if (status === 206 || status === 304 || status === 401 || status === 407) return response;
    const url = cacheUrl(request.url);
    try {
      if (store.variants(url).length === 0) return response;
    } catch {
      return response;
    }
    // A copy of the replaced response still streaming in must not be stored after this either.
    this.#doom((stored) => stored === url);
    deleteQuietly(store, url);
    return response;
  }

  #invalidate(store: CacheStore, requestUrl: string, response: Response): void {
    // RFC 9111 §4.4: a non-error response to an unsafe method invalidates the target URI and
    // the same-origin URIs in Location and Content-Location.
    if (response.status < 200 || response.status >= 400) return;
    const target = new URL(cacheUrl(requestUrl));
    const urls = [target.href];
    for (const name of ["location", "content-location"]) {
      const value = response.headers.get(name);
      if (value === null) continue;
      try {
        const url = new URL(value, target);
        url.hash = "";
        if (url.origin === target.origin) urls.push(url.href);
      } catch {
        // A malformed Location invalidates nothing more.
      }
    }
    this.#doom((url) => urls.includes(url));
    try {
      for (const url of urls) store.deleteUrl(url);
    } catch {
      // An entry that could not be deleted will be revalidated by its own freshness rules.
    }
  }
}

function checkMaxSize(bytes: number): void {
  if (typeof bytes !== "number") {
    const shown = typeof bytes === "string" ? JSON.stringify(bytes) : String(bytes);
    throw new TypeError(`Cache size must be a number of bytes, got ${shown}`);
  }
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new RangeError(`Cache size must be a non-negative integer of bytes, got ${bytes}`);
  }
}

/**
 * The fields that tell caches on the way (proxies, CDNs) what the request cache mode asks of
 * them, as Chromium's HttpNetworkTransaction::BuildRequestHeaders sends them: `Pragma: no-cache`
 * and `Cache-Control: no-cache` for a reload (LOAD_BYPASS_CACHE), `Cache-Control: max-age=0`
 * for no-cache (LOAD_VALIDATE_CACHE), each unless the caller set it (the caller's fields merge
 * over them). Electron maps no-store to LOAD_DISABLE_CACHE alone, which adds none.
 */
function withCacheFields(request: Request, mode: "reload" | "no-cache"): Request {
  const headers = new Headers(request.headers);
  if (mode === "reload") {
    if (!headers.has("pragma")) headers.set("pragma", "no-cache");
    if (!headers.has("cache-control")) headers.set("cache-control", "no-cache");
  } else if (!headers.has("cache-control")) {
    headers.set("cache-control", "max-age=0");
  }
  return new Request(request, { headers });
}

function cacheMiss(request: Request): Promise<never> {
  return Promise.reject(new SessionError("ERR_CACHE_MISS", { url: request.url }));
}

// Chromium keys its cache by HttpUtil::SpecForRequest: the URL without its fragment and without
// a user name and password, which must never reach the index on disk.
function cacheUrl(url: string): string {
  const hash = url.indexOf("#");
  return withoutUserinfo(hash === -1 ? url : url.slice(0, hash));
}

/** A request field as it will be sent: the request's own, else the session's default. */
function requestField(request: Request, context: RequestContext, name: string): string | null {
  const own = request.headers.get(name);
  if (own !== null) return own;
  for (const [field, value] of context.defaultHeaders ?? []) {
    if (field.toLowerCase() === name) return value;
  }
  return null;
}

function isFresh(state: Freshness, requestDirectives: CacheDirectives): boolean {
  let lifetime = state.lifetime;
  const maxAge = deltaSeconds(requestDirectives, "max-age");
  if (maxAge !== undefined) lifetime = Math.min(lifetime, maxAge * 1000);
  const minFresh = deltaSeconds(requestDirectives, "min-fresh") ?? 0;
  return state.age + minFresh * 1000 < lifetime;
}

/**
 * Parses a single `bytes=` range against a stored complete 200 (RFC 9110 §14.1.2).
 * `undefined`: no range to apply; `null`: the cache cannot answer it.
 */
function byteRange(
  field: string,
  entry: CacheEntry,
): { start: number; end: number } | null {
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(field);
  const size = entry.body.byteLength;
  if (match === null || entry.status !== 200 || size === 0) return null;
  const [, first = "", last = ""] = match;
  let start: number;
  let end: number;
  if (first === "") {
    if (last === "") return null;
    start = Math.max(0, size - Number(last));
    end = size - 1;
  } else {
    start = Number(first);
    end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  }
  if (start >= size || start > end) return null;
  return { start, end };
}

/** The stored entry with the 304's fields replacing its own (RFC 9111 §3.2, §4.3.4). */
function updatedEntry(entry: CacheEntry, response: Response, requestTime: number): CacheEntry {
  const fresh = (responseInfo(response)?.rawHeaders ?? [...response.headers]).filter(([name]) => {
    const lower = name.toLowerCase();
    return !NOT_UPDATED_BY_304.has(lower) &&
      !NOT_UPDATED_PREFIXES.some((prefix) => lower.startsWith(prefix));
  });
  const replaced = new Set(fresh.map(([name]) => name.toLowerCase()));
  return {
    ...entry,
    rawHeaders: [
      ...entry.rawHeaders.filter(([name]) => !replaced.has(name.toLowerCase())),
      ...fresh,
    ],
    requestTime,
    responseTime: Date.now(),
  };
}

function putQuietly(store: CacheStore, entry: CacheEntry): void {
  try {
    store.put(entry);
  } catch {
    // A store that cannot write (busy, full, closed) just misses next time.
  }
}

function deleteQuietly(store: CacheStore, url: string): void {
  try {
    store.deleteUrl(url);
  } catch {
    // An entry that could not be deleted is revalidated again by its own freshness rules.
  }
}

// Chromium's HttpCache::Transaction, as `chromium --log-net-log` (156) writes it: the backend,
// then the entry opened or created (`{result}`); only opened for a request that may only be
// answered from the cache (ERR_CACHE_MISS when there is none); then joined
// (`HTTP_CACHE_ADD_TO_ENTRY`, which lasts while another request of the URL writes it: that wait
// logs its own pair).
function logOpenEntry(
  context: RequestContext,
  readOnly: boolean,
  found: boolean,
  join: boolean,
  head = false,
): void {
  const netLog = context.netLog!;
  logPair(netLog, "HTTP_CACHE_GET_BACKEND");
  const { sink, source } = netLog;
  const type = readOnly ? "HTTP_CACHE_OPEN_ENTRY" : "HTTP_CACHE_OPEN_OR_CREATE_ENTRY";
  // A HEAD cannot create an entry: with none stored the step fails (ERR_FAILED, as chromium
  // --log-net-log 156 writes it) and the request goes on without the cache.
  const failed = !found && head && !readOnly;
  sink.add({ type, phase: "PHASE_BEGIN", source });
  sink.add({
    type,
    phase: "PHASE_END",
    source,
    params: readOnly
      ? (found ? {} : { net_error: netErrorNumber("ERR_CACHE_MISS") })
      : failed
      ? { net_error: netErrorNumber("ERR_FAILED") }
      : { result: found ? "opened" : "created" },
  });
  if (join && !failed && (found || !readOnly)) logPair(netLog, "HTTP_CACHE_ADD_TO_ENTRY");
}

// A reload's steps (LOAD_BYPASS_CACHE: Chromium's WRITE mode), as `chromium --log-net-log` (156)
// writes them whether or not an entry was stored: the backend, the entry doomed
// (`HTTP_CACHE_DOOM_ENTRY`), a new one created (`HTTP_CACHE_CREATE_ENTRY`) and joined.
function logReplacedEntry(netLog: NetLogWithSource): void {
  logPair(netLog, "HTTP_CACHE_GET_BACKEND");
  logPair(netLog, "HTTP_CACHE_DOOM_ENTRY");
  logPair(netLog, "HTTP_CACHE_CREATE_ENTRY");
  logPair(netLog, "HTTP_CACHE_ADD_TO_ENTRY");
}

// Chromium's HTTP_CACHE_READ_INFO pair (DoCacheReadResponse), its end with the head read in
// HTTP_TRANSACTION_READ_RESPONSE_HEADERS' shape (a param of @ses's), so a HAR of the log has it.
function logReadInfo(
  netLog: NetLogWithSource,
  head: Pick<CacheEntry, "rawHeaders"> & ({ statusLine: string } | CacheEntry),
): void {
  const { sink, source } = netLog;
  const statusLine = "statusLine" in head
    ? head.statusLine
    : `HTTP/${head.httpVersion} ${head.status}${
      head.statusText === "" ? "" : ` ${head.statusText}`
    }`;
  sink.add({ type: "HTTP_CACHE_READ_INFO", phase: "PHASE_BEGIN", source });
  sink.add({
    type: "HTTP_CACHE_READ_INFO",
    phase: "PHASE_END",
    source,
    params: {
      headers: [statusLine, ...head.rawHeaders.map(([name, value]) => `${name}: ${value}`)],
    },
  });
}

// A request the cache sends on its own, on a URL_REQUEST source of its own: begun as the
// session's request stages begin one (netlog/request_log_stages.ts), at Blink's priority for a
// stale revalidation (kVeryLow: IDLE) with no load flags of its own.
// Whether a request logs the cache's own steps (backend, entry, stored head). An answer to the
// hop's challenge goes out on the transaction that met it: Chromium's HttpCache::Transaction
// restarts its network request on the entry it holds (RestartNetworkRequestWithAuth), so none of
// them is logged again.
function logsEntrySteps(context: RequestContext): boolean {
  return context.netLog?.sink.capturing === true && context.authHeaders?.restart !== true;
}

function backgroundRequestLog(sink: NetLogSink, request: Request): NetLogWithSource {
  const source = sink.newSource("URL_REQUEST");
  const { url, method } = request;
  sink.add({
    type: "REQUEST_ALIVE",
    phase: "PHASE_BEGIN",
    source,
    params: { url, priority: "IDLE", traffic_annotation: 0 },
  });
  sink.add({
    type: "URL_REQUEST_START_JOB",
    phase: "PHASE_BEGIN",
    source,
    params: { url, method, load_flags: 0, priority: "IDLE" },
  });
  return { sink, source };
}

// Ends such a request's step, with {net_error} when it failed.
function logRequestEnd(netLog: NetLogWithSource, type: string, error?: unknown): void {
  const errno = (error as { errno?: unknown } | undefined)?.errno;
  netLog.sink.add({
    type,
    phase: "PHASE_END",
    source: netLog.source,
    params: error === undefined ? undefined : {
      net_error: typeof errno === "number" && errno < 0 ? errno : netErrorNumber("ERR_FAILED"),
    },
  });
}

// A step Chromium logs as a begin and an end with nothing to say.
function logPair(netLog: NetLogWithSource, type: string): void {
  const { sink, source } = netLog;
  sink.add({ type, phase: "PHASE_BEGIN", source });
  sink.add({ type, phase: "PHASE_END", source });
}
