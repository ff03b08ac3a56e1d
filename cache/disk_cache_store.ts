/**
 * The HTTP cache's store for persistent sessions: a SQLite index in the partition's `Cache/`
 * directory, bodies up to 2 KiB inside it, larger ones in pack files beside it.
 *
 * @module
 */

import { closeSync, existsSync, openSync, readSync, writeSync } from "node:fs";
import { readdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import type {
  AppendFile,
  Runtime,
  SqlDatabase,
  SqlRow,
  SqlStatement,
  SqlValue,
} from "../core/runtime.ts";
import { onProcessEnd } from "../core/process_end.ts";
import type { CacheEntry } from "./cache_entry.ts";
import { entrySize } from "./cache_entry.ts";
import type { CacheStore } from "./cache_store.ts";
import { DEFAULT_CACHE_MAX_SIZE } from "./memory_cache_store.ts";

/** The index file's name inside the cache directory. */
export const CACHE_INDEX_NAME = "index.sqlite";

/** The folder of body files inside the cache directory. */
export const CACHE_BODIES_DIR = "bodies";

/**
 * Bodies up to this size live in the index row; larger ones go to a pack file. A blob in a
 * WAL-mode index is written twice (the log, then the checkpoint), on the JavaScript thread:
 * 16 KiB cost 55–65 µs of CPU per entry (a loaded 2-vCPU VM, both runtimes). A pack file holds
 * the bodies of one batch, written in one file by the runtime's I/O threads: 15–30 µs of
 * system time per 16 KiB, off the JavaScript thread. One file per body, as before, cost about
 * 700 µs per entry (creating and renaming files). Small bodies stay in the row, where they cost
 * less than a pack's bookkeeping.
 */
const INLINE_BODY_MAX = 2 * 1024;

/**
 * A batch's bodies are appended once they reach this many bytes, and a pack file takes no
 * more batches once it holds this many.
 */
const PACK_MAX_BYTES = 4 * 1024 * 1024;

/** Bump when the schema changes; an index of another version is dropped and rebuilt. */
const SCHEMA_VERSION = 4;

/**
 * A hit refreshes an entry's LRU time only when the stored time is older than this, or older
 * than the newest entry this process has stored since (which would otherwise outlive it), so
 * that most hits stay reads.
 */
const TOUCH_GRANULARITY_MS = 10_000;

/**
 * Index writes wait this long, or until this many are queued, and commit in one transaction:
 * a commit costs tens of µs on the JavaScript thread, more than the rows it writes. Meanwhile
 * this process serves the entries from memory; a kill loses at most these writes.
 */
const COMMIT_DELAY_MS = 20;

/** How often a lookup asks SQLite whether another process has written, and reloads URLs. */
const VERSION_CHECK_MS = 100;
const HASH_RELOAD_MS = 1000;
const COMMIT_BATCH = 64;

/**
 * Recently used entries kept in memory, up to this many bytes of heads and bodies. A lookup
 * still asks the index for each row's checksum, so an entry another process replaced or deleted
 * is never served from here; what it saves is reading and checking the body again.
 */
const HOT_MAX_BYTES = 8 * 1024 * 1024;

/** A body file no index row names, older than this, is left from a killed writer: removed. */
const ORPHAN_AGE_MS = 10 * 60_000;

/**
 * A pack not appended to for this long takes no more batches, so that no process appends to a
 * file another one's sweep of old unnamed files may be removing.
 */
const PACK_IDLE_MS = ORPHAN_AGE_MS / 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (
  key TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  meta TEXT NOT NULL,
  body BLOB,
  file TEXT,
  offset INTEGER NOT NULL,
  length INTEGER NOT NULL,
  size INTEGER NOT NULL,
  checksum INTEGER NOT NULL,
  last_used REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_url ON entries (url);
CREATE INDEX IF NOT EXISTS entries_last_used ON entries (last_used);
CREATE INDEX IF NOT EXISTS entries_file ON entries (file);
CREATE TABLE IF NOT EXISTS total (id INTEGER PRIMARY KEY CHECK (id = 0), size INTEGER NOT NULL);
INSERT OR IGNORE INTO total VALUES (0, 0);
CREATE TRIGGER IF NOT EXISTS entries_delete AFTER DELETE ON entries
  BEGIN UPDATE total SET size = size - old.size; END;
`;

/** What `meta` holds: the entry without key, url and body. */
type EntryMeta = Omit<CacheEntry, "key" | "url" | "body">;

/**
 * A pack file this process appends to: batches go at `size`, one after another (`tail`). Dead
 * once an append failed or its file is being deleted: later batches are not named in the index.
 */
interface Pack {
  readonly name: string;
  readonly file: Promise<AppendFile>;
  size: number;
  tail: Promise<void>;
  dead: boolean;
  lastAppend: number;
}

/** An index write waiting for the next batch; a body in a pack is at `offset` of `file`. */
type Pending =
  | { op: "put"; entry: CacheEntry; file: string | null; offset: number; known: boolean }
  | { op: "touch"; key: string; time: number };

/**
 * Keeps entries in a SQLite index (head as JSON, a CRC-32 over head and body, LRU time) with
 * bodies over 2 KiB in pack files named by random ids (the row says which file, at which
 * offset). Every read checks the CRC: a torn or corrupt entry is deleted and never served.
 *
 * Writes leave the JavaScript thread quickly: a batch's bodies (those put within 20 ms, up to
 * 64 entries or 4 MiB) are appended in one write to this process's current pack file (a new
 * one every 4 MiB) by the runtime's I/O threads, then their index rows are committed in one
 * transaction with the batch's small entries and LRU updates. Until then lookups in this
 * process see the entries from memory. A process killed at any moment leaves each entry whole
 * or absent: rows are committed only after every byte they name is written (a torn append is
 * named by no row), and a file no row names is removed once old. A pack file is deleted with
 * the last row that names it; until then the space of its deleted bodies stays in use on disk
 * (not counted in `size()`). WAL mode and the busy timeout let several processes share one
 * cache; each deletes only the row version it read, and appends only to its own packs. When
 * another process deletes the last row naming a pack this one still appends to, the file goes:
 * a batch appended to it finds that before its rows name it and writes its bodies again to a
 * new pack. Only a batch committed between that process's commit and its unlink is lost: its
 * rows fail to read, are dropped and refetched.
 *
 * @example
 * ```ts
 * import { DiskCacheStore } from "./disk_cache_store.ts";
 * import { currentRuntime } from "../runtime/mod.ts";
 * const runtime = currentRuntime();
 * const dir = `${runtime.tempDir()}/ses-cache-example-${Date.now()}`;
 * const store = await DiskCacheStore.open(runtime, dir);
 * store.put({
 *   key: "http://a.test/", url: "http://a.test/", status: 200, statusText: "OK",
 *   httpVersion: "1.1", rawHeaders: [], vary: [], requestTime: 0, responseTime: 0,
 *   remoteAddress: "", remotePort: 0, body: new TextEncoder().encode("hi"),
 * });
 * await store.flush();
 * console.log(store.variants("http://a.test/")[0]?.body.length, store.size() > 0); // 2 true
 * await store.close();
 * await runtime.remove(dir);
 * ```
 */
export class DiskCacheStore implements CacheStore {
  #maxSize: number;
  #db: SqlDatabase;
  #runtime: Runtime;
  #bodies: string;
  #selectHeads: SqlStatement;
  #selectEntry: SqlStatement;
  #insert: SqlStatement;
  #addSize: SqlStatement;
  #selectKey: SqlStatement;
  #deleteKey: SqlStatement;
  #deleteRow: SqlStatement;
  #selectUrl: SqlStatement;
  #deleteUrl: SqlStatement;
  #fileUsed: SqlStatement;
  #touch: SqlStatement;
  #total: SqlStatement;
  #oldest: SqlStatement;
  /** Entries put but not yet committed, by URL then key: lookups see them at once. */
  #unwritten = new Map<string, Map<string, CacheEntry>>();
  #queue: Pending[] = [];
  #packing: { entry: CacheEntry; known: boolean }[] = [];
  #packingBytes = 0;
  #inFlight = new Set<Promise<void>>();
  /** The pack new batches go to, and every pack with appends still running, by name. */
  #pack: Pack | null = null;
  #packs = new Map<string, Pack>();
  #flushScheduled = false;
  /** Bumped by `clear` and per URL by `deleteUrl`: a body write that started before is dropped. */
  #generation = 0;
  /**
   * The URLs with bodies being appended, each with its count of appends and a generation
   * `deleteUrl` bumps. A URL leaves when its last append ends, so a client that deletes ever
   * new URLs (POSTs, RFC 9111 section 4.4) does not grow this.
   */
  #appending = new Map<string, { appends: number; generation: number }>();
  /** LRU times read by the last lookups, so `touch` knows whether a write is due. */
  #lastUsed = new Map<string, number>();
  /** The LRU time of the newest row this process has committed. */
  #newestRow = -Infinity;
  /** Checked entries by key with the row version (checksum) they came from, LRU order. */
  #hot = new Map<string, { checksum: number; entry: CacheEntry; size: number }>();
  #hotBytes = 0;
  #stopWritingAtEnd!: () => void;
  /**
   * The variant lists last read for URLs, while nothing says they changed: this process's
   * writes drop a URL's list, another process's writes (`data_version`) drop them all. A hit
   * on one of them asks the index nothing. Lists are kept only while their entries are hot.
   */
  #known = new Map<string, CacheEntry[]>();
  /** Hashes of the URLs the index may hold; `null` while unknown (see `#mayHave`). */
  #urlHashes: Set<number> | null = null;
  #dataVersion: SqlStatement;
  #version: SqlValue | undefined;
  #versionCheckedAt = 0;
  #hashesLoadedAt = -Infinity;
  #closed = false;

  /**
   * Opens (creating) the store in `directory`. An index file that is not a sound database is
   * deleted and rebuilt with a warning (Chromium's disk cache also starts over), and body files left by killed writers are removed: a cache may always
   * start empty.
   *
   * @param runtime Directories and SQLite.
   * @param directory The cache directory, like `<partition>/Cache`.
   * @param maxSize The size limit in bytes (default 80 MiB); entries beyond it are evicted now.
   * @param onWarning Told when a damaged index was rebuilt; default `console.warn`.
   * @returns The open store.
   * @throws {Error} When the directory cannot be created, SQLite cannot open a file there, or
   * another process keeps the index locked beyond the busy timeout.
   */
  static async open(
    runtime: Runtime,
    directory: string,
    maxSize: number = DEFAULT_CACHE_MAX_SIZE,
    onWarning: (message: string) => void = console.warn,
  ): Promise<DiskCacheStore> {
    const bodies = join(directory, CACHE_BODIES_DIR);
    await runtime.ensureDir(bodies);
    const path = join(directory, CACHE_INDEX_NAME);
    let store: DiskCacheStore;
    try {
      store = new DiskCacheStore(runtime, path, bodies, maxSize);
    } catch (error) {
      // Only a damaged file is rebuilt; a busy one belongs to another process that is using it.
      if (!isDamaged(error)) throw error;
      for (const suffix of ["", "-wal", "-shm"]) await runtime.remove(path + suffix);
      store = new DiskCacheStore(runtime, path, bodies, maxSize);
      onWarning(
        `HTTP cache index "${path}" could not be read (${String(error)}); ` +
          `deleted it and started an empty cache`,
      );
    }
    await store.#removeOrphans();
    // A limit lowered since the entries were stored (another run, another process) holds at once.
    store.#trim();
    // Every end of the process writes what waits for the batch, signals included
    // (core/process_end.ts). A store that cannot write then just misses next time.
    store.#stopWritingAtEnd = onProcessEnd(() => {
      try {
        store.flushSync();
      } catch {
        // Nothing to do at the end; the entries were never promised.
      }
    });
    return store;
  }

  private constructor(runtime: Runtime, path: string, bodies: string, maxSize: number) {
    const db = runtime.openDatabase(path);
    this.#maxSize = maxSize;
    this.#runtime = runtime;
    this.#db = db;
    this.#bodies = bodies;
    try {
      // NORMAL: a commit syncs nothing (the log is synced at checkpoints), so a batch costs
      // no fsync on this thread. A killed process loses nothing committed; a power cut may
      // lose the last transactions but leaves the index consistent, which a cache can afford.
      // Pack files are never synced either: after a power cut a surviving row may name bytes
      // that never reached the disk. The CRC-32 over head and body, checked on every read,
      // catches that like any torn entry: it is dropped and refetched, never served.
      db.exec("PRAGMA synchronous = NORMAL");
      // So that a row INSERT OR REPLACE replaces fires the delete trigger that counts its size.
      db.exec("PRAGMA recursive_triggers = ON");
      db.transaction(() => {
        const version = Number(db.prepare("PRAGMA user_version").get()?.user_version ?? 0);
        if (version !== SCHEMA_VERSION) {
          db.exec("DROP TABLE IF EXISTS entries; DROP TABLE IF EXISTS total");
          db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
        }
        db.exec(SCHEMA);
      });
      this.#selectHeads = db.prepare(
        "SELECT key, checksum, last_used FROM entries WHERE url = ?",
      );
      this.#selectEntry = db.prepare(
        "SELECT meta, body, file, offset, length FROM entries WHERE key = ? AND checksum = ?",
      );
      this.#insert = db.prepare(
        "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      );
      this.#addSize = db.prepare("UPDATE total SET size = size + ? WHERE id = 0");
      this.#selectKey = db.prepare("SELECT file FROM entries WHERE key = ?");
      this.#deleteKey = db.prepare("DELETE FROM entries WHERE key = ?");
      this.#deleteRow = db.prepare("DELETE FROM entries WHERE key = ? AND checksum = ?");
      this.#selectUrl = db.prepare("SELECT file FROM entries WHERE url = ?");
      this.#deleteUrl = db.prepare("DELETE FROM entries WHERE url = ?");
      this.#fileUsed = db.prepare("SELECT 1 AS used FROM entries WHERE file = ? LIMIT 1");
      this.#touch = db.prepare("UPDATE entries SET last_used = ? WHERE key = ?");
      this.#total = db.prepare("SELECT size FROM total WHERE id = 0");
      this.#oldest = db.prepare("SELECT key, url, file FROM entries ORDER BY last_used LIMIT 32");
      this.#dataVersion = db.prepare("PRAGMA data_version");
      this.#loadUrlHashes(Date.now());
      this.#versionCheckedAt = Date.now();
    } catch (error) {
      db.close();
      throw error;
    }
  }

  variants(url: string): CacheEntry[] {
    this.#check();
    const committed = this.#committed(url);
    const unwritten = this.#unwritten.get(url);
    if (unwritten === undefined) return [...committed];
    // Entries put but not yet committed replace the committed rows with their keys.
    return [...committed.filter((entry) => !unwritten.has(entry.key)), ...unwritten.values()];
  }

  /**
   * The committed variants of a URL: none when the index cannot hold it, the list last read
   * while nothing says it changed, else read (and checked) from the index. Lookups of a URL
   * with a put still waiting for its commit come here too: a run of hits that never yields to
   * the timer that commits must not query the index each time.
   */
  #committed(url: string): readonly CacheEntry[] {
    if (!this.#mayHave(url)) return [];
    const known = this.#known.get(url);
    if (known !== undefined) return known;
    const rows = this.#selectHeads.all(url);
    const found: CacheEntry[] = [];
    for (const row of rows) {
      const key = row.key as string;
      const sum = row.checksum as number;
      if (this.#lastUsed.size > 4096) this.#lastUsed.clear();
      this.#lastUsed.set(key, row.last_used as number);
      const hot = this.#hot.get(key);
      if (hot !== undefined && hot.checksum === sum) {
        found.push(hot.entry);
        continue;
      }
      const entry = this.#load(key, url, sum);
      if (entry !== undefined) found.push(entry);
    }
    if (found.every((entry) => this.#hot.get(entry.key)?.entry === entry)) {
      this.#known.set(url, found);
    }
    return found;
  }

  /**
   * Whether the index may hold `url`, answered from memory: a statement costs 10–20 µs of CPU
   * in Deno's `node:sqlite`, which a request for a URL never stored should not pay. The set of
   * URL hashes is loaded at open and grows with this process's puts; when another process has
   * committed (SQLite's `data_version` moved, checked at most every 100 ms) it is reloaded, at
   * most once a second, and until then every lookup asks the index. So another process's new
   * entry may be missed for a moment, which costs a network fetch, never a wrong answer.
   */
  #mayHave(url: string): boolean {
    const now = Date.now();
    if (now - this.#versionCheckedAt >= VERSION_CHECK_MS) {
      this.#versionCheckedAt = now;
      const version = this.#dataVersion.get()?.data_version;
      if (version !== this.#version) {
        this.#version = version;
        this.#urlHashes = null;
        this.#known.clear();
      }
    }
    if (this.#urlHashes === null) {
      if (now - this.#hashesLoadedAt < HASH_RELOAD_MS) return true;
      this.#loadUrlHashes(now);
    }
    return this.#urlHashes!.has(urlHash(url));
  }

  #loadUrlHashes(now: number): void {
    this.#hashesLoadedAt = now;
    this.#version = this.#dataVersion.get()?.data_version;
    this.#urlHashes = new Set(this.#indexedUrls().map(urlHash));
  }

  /** The distinct URLs of the index's rows (not the entries still waiting to be committed). */
  #indexedUrls(): string[] {
    return this.#db.prepare("SELECT DISTINCT url FROM entries").all().map((row) =>
      row.url as string
    );
  }

  /** Reads and checks one row version; a bad one is deleted and `undefined` returned. */
  #load(key: string, url: string, sum: number): CacheEntry | undefined {
    const row = this.#selectEntry.get(key, sum);
    // Gone since the first query: another process replaced or deleted it.
    if (row === undefined) return undefined;
    const meta = row.meta as string;
    const body = this.#readBody(row);
    let entry: CacheEntry | undefined;
    if (body !== undefined && checksum(meta, body) === sum) {
      try {
        entry = { ...JSON.parse(meta) as EntryMeta, key, url, body };
      } catch {
        entry = undefined;
      }
    }
    if (entry === undefined) {
      // Never served: this row version goes (not a newer one another process just wrote),
      // and the request goes to the network.
      this.#deleteRow.run(key, sum);
      this.#known.delete(url);
      this.#unlinkUnused([row]);
      return undefined;
    }
    this.#remember(entry, sum);
    return entry;
  }

  /** Keeps a checked entry in memory; a later lookup that finds the same row version uses it. */
  #remember(entry: CacheEntry, sum: number): void {
    this.#known.delete(entry.url);
    this.#forgetHot(entry.key);
    // Heads count too: entries with empty bodies (redirects, 204s) would otherwise pile up.
    const size = entrySize(entry);
    if (size > HOT_MAX_BYTES / 8) return;
    this.#hot.set(entry.key, { checksum: sum, entry, size });
    this.#hotBytes += size;
    for (const [key, slot] of this.#hot) {
      if (this.#hotBytes <= HOT_MAX_BYTES) break;
      this.#forgetHot(key);
      this.#known.delete(slot.entry.url);
    }
  }

  #forgetHot(key: string): void {
    const slot = this.#hot.get(key);
    if (slot === undefined) return;
    this.#hot.delete(key);
    this.#hotBytes -= slot.size;
  }

  /**
   * Only notes the entry: its head's JSON and its checksum are made in the batch, 20 ms later,
   * so that the response whose body completed this put is not held up by them.
   */
  put(entry: CacheEntry): void {
    this.#check();
    const { key, url, body } = entry;
    // Whether the index may hold the key already; if not, the commit skips looking for it.
    const hash = urlHash(url);
    const known = this.#urlHashes?.has(hash) ?? true;
    // The committed variants stay as they are until the commit (`#remember` then drops them).
    // A URL the index did not hold has none: said here, so that the lookup that follows every
    // stored miss (the cache lock's release asks whether anything was stored) does not query
    // the index for it (12 µs of a 16 KiB miss's CPU in Deno).
    if (!known) this.#known.set(url, []);
    this.#urlHashes?.add(hash);
    let unwritten = this.#unwritten.get(url);
    if (unwritten === undefined) this.#unwritten.set(url, unwritten = new Map());
    unwritten.set(key, entry);
    if (body.byteLength <= INLINE_BODY_MAX) {
      this.#enqueue({ op: "put", entry, file: null, offset: 0, known });
      return;
    }
    this.#packing.push({ entry, known });
    this.#packingBytes += body.byteLength;
    if (this.#packingBytes >= PACK_MAX_BYTES || this.#packing.length >= COMMIT_BATCH) {
      this.#writePack();
    } else {
      this.#schedule();
    }
  }

  /**
   * Appends the waiting bodies to the current pack file in one write (the runtime's I/O
   * threads do the work), then queues their rows and commits. Bodies whose URL was deleted or
   * cache cleared meanwhile are left out of the rows. Appending to an open file rather than
   * creating one per batch saves about 6 µs of CPU per 16 KiB body (creating a file costs
   * about 120 µs; a loaded 2-vCPU VM, both runtimes).
   */
  #writePack(): void {
    const packing = this.#packing;
    if (packing.length === 0) return;
    this.#packing = [];
    this.#packingBytes = 0;
    const generation = this.#generation;
    const slots = packing.map(({ entry }) => {
      let slot = this.#appending.get(entry.url);
      if (slot === undefined) this.#appending.set(entry.url, slot = { appends: 0, generation: 0 });
      slot.appends++;
      return { slot, generation: slot.generation };
    });
    const pack = this.#currentPack();
    const offsets: number[] = [];
    const chunks: Uint8Array[] = [];
    for (const { entry } of packing) {
      offsets.push(pack.size);
      chunks.push(entry.body);
      pack.size += entry.body.byteLength;
    }
    // After the pack's earlier batches: the offsets above count on them. A failed append
    // leaves the file's end unknown, so the batches after it fail too.
    const appended = pack.tail.then(() => {
      if (pack.dead) throw new Error("The pack file is no longer written");
      return pack.file.then((file) => file.append(chunks));
    });
    pack.tail = appended.catch(() => {
      pack.dead = true;
    });
    // The rows name the pack only once every byte of their bodies is written.
    const write = appended.then(
      () => {
        // Another process that deleted the last row naming this pack deleted the file too
        // (#unused), unaware that this one appends to it: rows naming it would name bytes no
        // one can read, for every batch until the pack is full. One stat per batch finds
        // that; the bodies go again, to a new pack no row names, which no one else deletes.
        const gone = !existsSync(join(this.#bodies, pack.name));
        if (gone) this.#retire(pack, false);
        let named = false;
        packing.forEach(({ entry, known }, i) => {
          const current = this.#generation === generation && !this.#closed && !pack.dead &&
            slots[i]!.slot.generation === slots[i]!.generation;
          if (!current) return this.#forget(entry);
          if (gone) return this.#repack(entry, known);
          named = true;
          this.#queue.push({ op: "put", entry, file: pack.name, offset: offsets[i]!, known });
        });
        if (named) this.#commit();
      },
      () => {
        for (const { entry } of packing) this.#forget(entry);
        this.#retire(pack, false);
      },
    ).finally(() => {
      this.#inFlight.delete(write);
      packing.forEach(({ entry }, i) => {
        const { slot } = slots[i]!;
        if (--slot.appends === 0 && this.#appending.get(entry.url) === slot) {
          this.#appending.delete(entry.url);
        }
      });
    });
    this.#inFlight.add(write);
  }

  /** Queues a body again for the next pack (its own was deleted under it). */
  #repack(entry: CacheEntry, known: boolean): void {
    this.#packing.push({ entry, known });
    this.#packingBytes += entry.body.byteLength;
    this.#schedule();
  }

  /** The pack to append to: a new file when there is none, or it is full, dead or idle. */
  #currentPack(): Pack {
    const now = Date.now();
    let pack = this.#pack;
    if (
      pack === null || pack.dead || pack.size >= PACK_MAX_BYTES ||
      now - pack.lastAppend > PACK_IDLE_MS
    ) {
      if (pack !== null) this.#retire(pack, false);
      const name = crypto.randomUUID();
      const file = this.#runtime.openNewFile(join(this.#bodies, name));
      // A failure to open reaches the first append.
      file.catch(() => {});
      pack = { name, file, size: 0, tail: Promise.resolve(), dead: false, lastAppend: now };
      this.#pack = pack;
      this.#packs.set(name, pack);
    }
    pack.lastAppend = now;
    return pack;
  }

  /**
   * Stops a pack taking batches and closes its file after the appends already started; with
   * `remove` (no row names it any more) those appends' rows are dropped and the file deleted.
   * A pack nothing names is otherwise left to the sweep of old unnamed files at a later open.
   */
  #retire(pack: Pack, remove: boolean): void {
    if (this.#pack === pack) this.#pack = null;
    if (remove) pack.dead = true;
    const closed = pack.tail
      .then(() => pack.file)
      .then((file) => file.close())
      .catch(() => {})
      .then(() => {
        if (this.#packs.get(pack.name) === pack) this.#packs.delete(pack.name);
        return remove || pack.size === 0 ? unlink(join(this.#bodies, pack.name)) : undefined;
      })
      .catch(() => {})
      .finally(() => this.#inFlight.delete(closed));
    this.#inFlight.add(closed);
  }

  touch(key: string): void {
    this.#check();
    const time = Date.now();
    const last = this.#lastUsed.get(key);
    // Skipped only while no entry stored since ranks as more recently used than this one.
    if (last !== undefined && time - last < TOUCH_GRANULARITY_MS && last > this.#newestRow) {
      return;
    }
    this.#lastUsed.set(key, time);
    this.#enqueue({ op: "touch", key, time });
  }

  /** The size limit in bytes; lowering it evicts the least recently used entries at once. */
  get maxSize(): number {
    return this.#maxSize;
  }

  set maxSize(bytes: number) {
    this.#maxSize = bytes;
    if (!this.#closed) this.#trim();
  }

  deleteUrl(url: string): void {
    this.#check();
    const appending = this.#appending.get(url);
    if (appending !== undefined) appending.generation++;
    this.#unwritten.delete(url);
    this.#known.delete(url);
    for (const [key, slot] of this.#hot) {
      if (slot.entry.url === url) this.#forgetHot(key);
    }
    this.#queue = this.#queue.filter((item) => item.op !== "put" || item.entry.url !== url);
    this.#packing = this.#packing.filter(({ entry }) => entry.url !== url);
    const files = this.#db.transaction(() => {
      const rows = this.#selectUrl.all(url);
      this.#deleteUrl.run(url);
      return this.#unused(rows);
    });
    this.#unlinkFiles(files);
  }

  urls(): string[] {
    this.#check();
    return [...new Set([...this.#unwritten.keys(), ...this.#indexedUrls()])];
  }

  size(): number {
    this.#check();
    return Number(this.#total.get()?.size ?? 0);
  }

  clear(): void {
    this.#check();
    this.#generation++;
    this.#unwritten.clear();
    this.#queue = [];
    this.#packing = [];
    this.#packingBytes = 0;
    // Their bodies are all garbage now: the rows go below, the writes in flight are dropped.
    for (const pack of this.#packs.values()) this.#retire(pack, true);
    this.#lastUsed.clear();
    this.#hot.clear();
    this.#known.clear();
    this.#hotBytes = 0;
    this.#urlHashes = null;
    this.#hashesLoadedAt = -Infinity;
    const files = this.#db.transaction(() => {
      const rows = this.#db.prepare("SELECT DISTINCT file FROM entries WHERE file IS NOT NULL")
        .all();
      this.#db.exec("DELETE FROM entries");
      return rows.map((row) => row.file as string);
    });
    this.#unlinkFiles(files);
  }

  async flush(): Promise<void> {
    // A batch that found its pack deleted queues its bodies again (#repack): written too.
    do {
      this.#writePack();
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    } while (this.#packing.length > 0);
    this.#commit();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    if (this.#pack !== null) this.#retire(this.#pack, false);
    await this.flush();
    this.#closed = true;
    this.#stopWritingAtEnd();
    this.#db.close();
  }

  /**
   * Writes every entry still waiting for its batch now, on this thread, for a process that ends
   * without running timers or I/O callbacks again (`process.exit()`, `Deno.exit()`, an uncaught
   * exception): bodies whose append has not started or not finished go to one new pack file
   * with synchronous writes, then every waiting row is committed. An entry whose body cannot be
   * written is left out, as after a kill.
   */
  flushSync(): void {
    if (this.#closed) return;
    const queued = new Set<CacheEntry>();
    for (const item of this.#queue) if (item.op === "put") queued.add(item.entry);
    const waiting: CacheEntry[] = [];
    for (const variants of this.#unwritten.values()) {
      for (const entry of variants.values()) if (!queued.has(entry)) waiting.push(entry);
    }
    this.#packing = [];
    this.#packingBytes = 0;
    if (waiting.length > 0) {
      const name = crypto.randomUUID();
      let fd: number | undefined;
      try {
        fd = openSync(join(this.#bodies, name), "wx");
        let offset = 0;
        for (const entry of waiting) {
          for (let done = 0; done < entry.body.byteLength;) {
            done += writeSync(fd, entry.body, done, entry.body.byteLength - done);
          }
          this.#queue.push({ op: "put", entry, file: name, offset, known: true });
          offset += entry.body.byteLength;
        }
      } catch {
        // A full or read-only disk: what was written is committed, the rest is lost.
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    }
    this.#commit();
  }

  /** The body a row names: inline, or `length` bytes at `offset` of a pack file. */
  #readBody(row: SqlRow): Uint8Array | undefined {
    const file = row.file as string | null;
    if (file !== null && !isPlainName(file)) return undefined;
    if (file === null) {
      const inline = (row.body as Uint8Array | null) ?? new Uint8Array();
      // A plain Uint8Array view, whatever the runtime hands out.
      return new Uint8Array(inline.buffer, inline.byteOffset, inline.byteLength);
    }
    const length = Number(row.length);
    const body = new Uint8Array(length);
    let fd: number | undefined;
    try {
      fd = openSync(join(this.#bodies, file), "r");
      let read = 0;
      while (read < length) {
        const got = readSync(fd, body, read, length - read, Number(row.offset) + read);
        if (got === 0) return undefined;
        read += got;
      }
      return body;
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  #enqueue(item: Pending): void {
    this.#queue.push(item);
    if (this.#queue.length >= COMMIT_BATCH) this.#commit();
    else this.#schedule();
  }

  /** Starts the pack write and commits the queued rows within `COMMIT_DELAY_MS`. */
  #schedule(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setTimeout(() => {
      this.#flushScheduled = false;
      this.#writePack();
      this.#commit();
    }, COMMIT_DELAY_MS);
  }

  #commit(): void {
    if (this.#closed || this.#queue.length === 0) return;
    const queue = this.#queue;
    this.#queue = [];
    let files: string[] = [];
    let committed = false;
    const sums = new Map<CacheEntry, number>();
    try {
      files = this.#db.transaction(() => {
        const replaced: SqlRow[] = [];
        const now = Date.now();
        let added = 0;
        for (const item of queue) {
          if (item.op === "touch") {
            this.#touch.run(item.time, item.key);
            continue;
          }
          const { entry, file, offset, known } = item;
          const { key: _key, url: _url, body: _body, ...rest } = entry;
          const meta = JSON.stringify(rest satisfies EntryMeta);
          const sum = checksum(meta, entry.body);
          sums.set(entry, sum);
          // The pack of a row being replaced may lose its last row. A key the index did not
          // hold when it was put is not looked for: another process may have stored it since
          // (within the URL set's reload delay), and then its pack, unnamed, stays on disk
          // until the sweep of old unnamed files at the next open. The size stays right: the
          // replaced row's delete trigger subtracts it.
          if (known) replaced.push(...this.#selectKey.all(entry.key));
          const size = entrySize(entry);
          added += size;
          const inline = file === null ? entry.body : null;
          this.#insert.run(
            entry.key,
            entry.url,
            meta,
            inline,
            file,
            offset,
            entry.body.byteLength,
            size,
            sum,
            now,
          );
        }
        // One update for the batch's rows, not a trigger per row.
        if (added > 0) {
          this.#addSize.run(added);
          this.#newestRow = now;
        }
        replaced.push(...this.#evict());
        return this.#unused(replaced);
      });
      committed = true;
    } catch {
      // A busy or failing index loses this batch; those entries are fetched again next time.
      // Their bodies stay unnamed in their pack, whose other batches' rows may be committed.
    }
    for (const item of queue) {
      if (item.op !== "put") continue;
      this.#forget(item.entry);
      if (committed) this.#remember(item.entry, sums.get(item.entry)!);
    }
    this.#unlinkFiles(files);
  }

  /** Evicts down to the limit now, rather than at the next commit. */
  #trim(): void {
    try {
      this.#unlinkFiles(this.#db.transaction(() => this.#unused(this.#evict())));
    } catch {
      // A busy index keeps its entries until the next commit evicts them.
    }
  }

  #evict(): SqlRow[] {
    const evicted: SqlRow[] = [];
    while (Number(this.#total.get()?.size ?? 0) > this.#maxSize) {
      const oldest = this.#oldest.all();
      if (oldest.length === 0) break;
      for (const row of oldest) {
        this.#deleteKey.run(row.key as string);
        this.#known.delete(row.url as string);
        evicted.push(row);
        if (Number(this.#total.get()?.size ?? 0) <= this.#maxSize) return evicted;
      }
    }
    return evicted;
  }

  #forget(entry: CacheEntry): void {
    const unwritten = this.#unwritten.get(entry.url);
    if (unwritten?.get(entry.key) !== entry) return;
    unwritten.delete(entry.key);
    if (unwritten.size === 0) this.#unwritten.delete(entry.url);
  }

  /**
   * The pack files named by deleted rows that no row names any more. Asked inside the
   * deleting transaction; no other process can name them later, as only the process that
   * wrote a pack inserts its rows, all in one transaction.
   */
  #unused(rows: readonly SqlRow[]): string[] {
    const files = new Set<string>();
    for (const { file } of rows) {
      if (typeof file === "string" && this.#fileUsed.get(file) === undefined) files.add(file);
    }
    return [...files];
  }

  #unlinkUnused(rows: readonly SqlRow[]): void {
    this.#unlinkFiles(this.#unused(rows));
  }

  #unlinkFiles(files: readonly string[]): void {
    for (const file of files) {
      if (!isPlainName(file)) continue;
      // One this process still appends to is deleted once its appends end.
      const pack = this.#packs.get(file);
      if (pack !== undefined) this.#retire(pack, true);
      else void unlink(join(this.#bodies, file)).catch(() => {});
    }
  }

  async #removeOrphans(): Promise<void> {
    const known = new Set(
      this.#db.prepare("SELECT file FROM entries WHERE file IS NOT NULL").all().map((row) =>
        row.file as string
      ),
    );
    const now = Date.now();
    for (const name of await readdir(this.#bodies).catch(() => [] as string[])) {
      if (known.has(name)) continue;
      const path = join(this.#bodies, name);
      // Young files may be another process's write in progress.
      const info = await stat(path).catch(() => null);
      if (info !== null && now - info.mtimeMs > ORPHAN_AGE_MS) await unlink(path).catch(() => {});
    }
  }

  #check(): void {
    if (this.#closed) throw new TypeError("Cannot use the cache store: it is closed");
  }
}

/** Whether SQLite failed because the file is not a (sound) database: SQLITE_NOTADB, _CORRUPT. */
function isDamaged(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : "";
  return /not a database|malformed|corrupt/i.test(text);
}

function checksum(meta: string, body: Uint8Array): number {
  return crc32(body, crc32(meta));
}

/**
 * A 32-bit FNV-1a hash of a URL's UTF-16 code units. Not `crc32` from node:zlib, which
 * encodes the string into a new Buffer first: on a hit that cost about a tenth of the CPU.
 */
function urlHash(url: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < url.length; i++) hash = Math.imul(hash ^ url.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

// Whether an index row's `file` names a file in the bodies folder. This store names its packs
// by crypto.randomUUID(); a path (from a damaged or tampered index) names nothing of ours, to
// be neither read nor deleted.
function isPlainName(file: unknown): file is string {
  return typeof file === "string" && file !== "" && file !== "." && file !== ".." &&
    !/[/\\\0]/.test(file);
}
