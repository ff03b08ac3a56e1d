/**
 * A session's downloads: `downloadURL`, `createInterruptedDownload` and `setDownloadPath`,
 * the methods `Session` forwards to.
 *
 * @module
 */

import { methodArgumentError } from "../core/conversion_error.ts";
import { resolve } from "node:path";
import type { DownloadFetch } from "./download_fetch.ts";
import { DownloadItem } from "./download_item.ts";
import { withDataUrls } from "./data_url_fetch.ts";

/** What the download manager needs from its session. */
export interface DownloadManagerDeps {
  /** The session's pipeline door for resource type `download` (`ses.fetchAs("download")`). */
  fetch: DownloadFetch;
  /** The default download directory (`app.getPath("downloads")`), read per download. */
  defaultDirectory: () => string;
  /** Emits the session's `'will-download'`; returns whether a listener prevented it. */
  announce: (item: DownloadItem) => boolean;
}

/** Options of `ses.downloadURL`. */
export interface DownloadURLOptions {
  /** Extra request headers. */
  headers?: Record<string, string>;
}

/** Options of `ses.createInterruptedDownload`, Electron's shape. */
export interface CreateInterruptedDownloadOptions {
  /** Absolute path of the download. */
  path: string;
  /** Complete URL chain for the download. */
  urlChain: string[];
  /** The MIME type. */
  mimeType?: string;
  /** Start range for the download (bytes already saved). */
  offset: number;
  /** Total length of the download. */
  length: number;
  /** Last-Modified header value. */
  lastModified?: string;
  /** ETag header value. */
  eTag?: string;
  /** When the download started, seconds since the epoch. */
  startTime?: number;
}

/**
 * The download side of a session. `Session` creates it on first use and forwards its
 * download methods here, one line each.
 *
 * @example
 * ```ts
 * import { DownloadManager } from "./download_manager.ts";
 * const manager = new DownloadManager({
 *   fetch: (url, init) => fetch(url, init),
 *   defaultDirectory: () => "/tmp",
 *   announce: (item) => {
 *     console.log(item.getState()); // interrupted
 *     return true; // preventDefault(): cancel it
 *   },
 * });
 * manager.createInterruptedDownload({
 *   path: "/tmp/never.bin", urlChain: ["http://127.0.0.1:9/never.bin"], offset: 0, length: 10,
 * });
 * ```
 */
export class DownloadManager {
  #deps: DownloadManagerDeps;
  #fetch: DownloadFetch;
  #directory: string | undefined;

  /**
   * Creates the manager of one session.
   *
   * @param deps The session's fetch door, download directory and event.
   */
  constructor(deps: DownloadManagerDeps) {
    this.#deps = deps;
    this.#fetch = withDataUrls(deps.fetch);
  }

  /**
   * Starts downloading `url`; the item reaches the program through `'will-download'` once
   * the response head is in (or the request failed: the item is then interrupted).
   *
   * @param url The URL (`http:`, `https:`, `file:` or `data:`).
   * @param options `{headers}`; a value that is not an object is ignored, as in Electron.
   * @throws {TypeError} `Invalid value for headers - must be an object` (Electron's message)
   * when `options` has `headers` that is not an object whose values are all strings;
   * `Error processing argument at index 0, conversion failure from <value>` for a URL that is
   * not a string (Chromium gin's words: `undefined`, `null`, nothing for other values).
   */
  downloadURL(url: string, options: DownloadURLOptions = {}): void {
    if (typeof url !== "string") throw methodArgumentError(0, url);
    // Electron reads the options as an optional dictionary: anything else is ignored. When it
    // has the key, headers must convert to a map of strings (Session::DownloadURL).
    let headers: Record<string, string> | undefined;
    if (typeof options === "object" && options !== null && "headers" in options) {
      headers = stringMap(options.headers);
      if (headers === undefined) {
        throw new TypeError("Invalid value for headers - must be an object");
      }
    }
    new DownloadItem({
      fetch: this.#fetch,
      urlChain: [canonicalUrl(url)],
      headers,
      directory: () => this.#directoryNow(),
      announce: this.#deps.announce,
    }).start();
  }

  /**
   * Restores a download of an earlier session or process in state `interrupted`; it fires
   * `'will-download'` at once and starts only when `resume()` is called. The partial bytes
   * are read from `path.crdownload` (what this package leaves) or else from `path` itself.
   *
   * @param options Electron's `{path, urlChain, mimeType, offset, length, lastModified, eTag,
   * startTime}`; a value of the wrong type counts as absent, and `offset` and `length` are
   * whole numbers (a fraction cut toward zero, NaN 0), as Electron converts them.
   * @throws {Error} `Must pass non-empty path, urlChain and length.` or `Must pass an offset
   * value less than length.` (Electron's messages).
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from <value>`
   * when `options` is not an object (Chromium gin's words).
   */
  createInterruptedDownload(options: CreateInterruptedDownloadOptions): void {
    if (typeof options !== "object" || options === null) throw methodArgumentError(0, options);
    // A value of the wrong type counts as absent, as when Electron's conversion of it fails.
    const given: Partial<Record<keyof CreateInterruptedDownloadOptions, unknown>> = options;
    const text = (value: unknown) => typeof value === "string" ? value : "";
    const number = (value: unknown, fallback: number) =>
      typeof value === "number" ? value : fallback;
    const path = text(given.path);
    const urlChain = Array.isArray(given.urlChain) &&
        given.urlChain.every((url) => typeof url === "string")
      ? (given.urlChain as string[]).map(canonicalUrl)
      : [];
    // Electron reads both as int64_t (V8's IntegerValue: NaN is 0, a fraction is cut toward
    // zero) before it compares them: a length of 0.5 is 0, and -5 is a length, not a missing one.
    const offset = integer(number(given.offset, 0));
    const length = integer(number(given.length, 0));
    if (path === "" || urlChain.length === 0 || length === 0) {
      throw new Error("Must pass non-empty path, urlChain and length.");
    }
    if (offset >= length) throw new Error("Must pass an offset value less than length.");
    const item = new DownloadItem({
      fetch: this.#fetch,
      urlChain,
      directory: () => this.#directoryNow(),
      announce: this.#deps.announce,
      interrupted: {
        path,
        mimeType: text(given.mimeType),
        offset: Math.max(0, offset),
        length,
        lastModified: text(given.lastModified),
        eTag: text(given.eTag),
        startTime: number(given.startTime, Date.now() / 1000),
      },
    });
    const prevented = this.#deps.announce(item);
    item.markAnnounced();
    if (prevented) item.cancel();
  }

  /**
   * Sets the directory downloads without a save path go to (default
   * `app.getPath("downloads")`); created when the first download needs it.
   *
   * @param path The directory; a relative one (`""` included) is resolved against the current
   * directory at once.
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from <value>`
   * for a path that is not a string (Chromium gin's words).
   */
  setDownloadPath(path: string): void {
    if (typeof path !== "string") throw methodArgumentError(0, path);
    // Taken from the current directory now, as Chromium's relative path would be when used
    // (so "" is the current directory), and shown absolute by getSavePath.
    this.#directory = resolve(path);
  }

  #directoryNow(): string {
    return this.#directory ?? this.#deps.defaultDirectory();
  }
}

/**
 * The URL as Electron's conversion to `GURL` gives it: canonical (`HTTP://h/a b` is
 * `http://h/a%20b`, an empty path `/`), so that `getURL()` and `getURLChain()` show what is
 * requested and the response's URL is not taken for a redirect. One that does not parse stays
 * as given, for the request to refuse.
 */
function canonicalUrl(url: string): string {
  return URL.canParse(url) ? new URL(url).href : url;
}

/** V8's `IntegerValue`, which gin's `int64_t` conversion uses: NaN is 0, fractions cut. */
function integer(value: number): number {
  return Number.isNaN(value) ? 0 : Math.trunc(value);
}

/**
 * Electron's conversion to `std::map<std::string, std::string>`: an object (functions and
 * arrays included) whose enumerable string-keyed properties, inherited ones too
 * (`GetPropertyNames`), all hold strings; undefined when it fails.
 */
function stringMap(value: unknown): Record<string, string> | undefined {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) {
    return undefined;
  }
  const map: Record<string, string> = {};
  const source = value as Record<string, unknown>;
  for (const key in source) {
    const entry = source[key];
    if (typeof entry !== "string") return undefined;
    map[key] = entry;
  }
  return map;
}
