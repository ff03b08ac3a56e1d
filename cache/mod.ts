/**
 * The HTTP cache of a session: an RFC 9111 private cache with the fetch standard's request
 * cache modes, kept in the partition's `Cache/` directory (a SQLite index and body files) or in memory.
 * `session/` places {@linkcode HttpCache.middleware} in the pipeline, inside the redirect loop
 * and outside content decoding.
 *
 * @example
 * ```ts
 * import { HttpCache } from "./mod.ts";
 * const cache = new HttpCache({ directory: null });
 * console.log(await cache.size()); // 0
 * ```
 *
 * @module
 */

export * from "./cache_control.ts";
export * from "./cache_entry.ts";
export * from "./cache_store.ts";
export * from "./disk_cache_store.ts";
export * from "./freshness.ts";
export * from "./http_cache.ts";
export * from "./memory_cache_store.ts";
