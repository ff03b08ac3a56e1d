/**
 * Loads one language's `.bdic` from the `Dictionaries` folder, downloading it when it is
 * missing or corrupt, with Chromium's sequence of spellchecker events.
 *
 * Source: Chromium `chrome/browser/spellchecker/spellcheck_hunspell_dictionary.cc`
 * (`OpenDictionaryFile`, `DownloadDictionary`, `OnSimpleLoaderComplete`,
 * `SaveDictionaryDataComplete`) and Electron's `SetSpellCheckerDictionaryDownloadURL`.
 *
 * @module
 */

import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Runtime } from "../core/runtime.ts";
import { bdicToHunspell, MAX_BDIC_BYTES, verifyBdic } from "./bdic_reader.ts";
import type { HunspellFiles } from "./hunspell.ts";
import { dictionaryFileName } from "./languages.ts";
import { readBodyCapped } from "../core/read_body_capped.ts";
import { methodArgumentError } from "../core/conversion_error.ts";

/** Chromium's dictionary server. */
export const DEFAULT_DICTIONARY_DOWNLOAD_URL = "https://redirector.gvt1.com/edgedl/chrome/dict/";

/** The spellchecker events a session emits, each with the language code. */
export type SpellcheckDictionaryEvent =
  | "spellcheck-dictionary-initialized"
  | "spellcheck-dictionary-download-begin"
  | "spellcheck-dictionary-download-success"
  | "spellcheck-dictionary-download-failure";

/** A fetch over the session's network stack (web-standard types only). */
export type DictionaryFetch = (url: string, init: RequestInit) => Promise<Response>;

/** What {@linkcode loadHunspellDictionary} needs. */
export interface LoadHunspellDictionaryOptions {
  /** The stored language code, like `"fr"`; events carry it. */
  language: string;
  /** The app-wide `Dictionaries` folder. */
  directory: string;
  /** The download base URL; the lower-cased file name is appended as it is. */
  baseUrl: string;
  /** Fetches through the session's network stack (its proxy applies). */
  fetch: DictionaryFetch;
  /** Makes the folder, writes the file atomically, deletes a corrupt one. */
  files: Pick<Runtime, "ensureDir" | "writeFileAtomic" | "remove">;
  /** Hears each event, in order. */
  onEvent: (name: SpellcheckDictionaryEvent, language: string) => void;
  /**
   * Hears the download's progress after each body chunk: the bytes received so far and the
   * response's `Content-Length` (0 when it has none). Not called once `signal` is aborted.
   */
  onProgress?: (receivedBytes: number, totalBytes: number) => void;
  /** Cancels the download; no event follows once it is aborted. */
  signal?: AbortSignal;
  /**
   * How long the download may receive nothing (no response head, then no body bytes) before it
   * fails, in ms; default {@linkcode DOWNLOAD_STALL_TIMEOUT_MS}.
   */
  stallTimeoutMs?: number;
}

/**
 * How long a dictionary download may go without receiving anything before it fails with
 * `-download-failure` (30 s). Chromium sets no bound, as its checks never wait for a download;
 * here `spellCheck` waits for the selected languages' downloads, so a server that stops
 * answering must not hold a check forever. A slow download that keeps receiving goes on.
 */
export const DOWNLOAD_STALL_TIMEOUT_MS = 30_000;

/**
 * Loads a language's dictionary as Chromium does: a file that passes `BDict::Verify` is used
 * (`-initialized`); otherwise it is deleted and downloaded once from `baseUrl + file name in
 * lower case` without cookies (`-download-begin`). A network error, a non-2xx status or a body
 * not starting `BDic` gives `-download-failure` only; a body failing verification, or a file
 * that cannot be written, gives `-download-failure` then `-initialized`; success gives
 * `-download-success` then `-initialized`. Never throws; bodies over 64 MiB fail.
 *
 * @param options `{language, directory, baseUrl, fetch, files, onEvent, onProgress, signal}`.
 * @returns The hunspell files, or `undefined` when the language has no usable dictionary.
 *
 * @example
 * ```ts ignore
 * import { loadHunspellDictionary } from "./dictionary_download.ts";
 * import { currentRuntime } from "../runtime/mod.ts";
 * const files = await loadHunspellDictionary({
 *   language: "fr",
 *   directory: "/tmp/Dictionaries",
 *   baseUrl: "http://127.0.0.1:8080/dict/",
 *   fetch: (url, init) => fetch(url, init),
 *   files: currentRuntime(),
 *   onEvent: (name, language) => console.log(name, language),
 * });
 * console.log(files !== undefined);
 * ```
 */
export async function loadHunspellDictionary(
  options: LoadHunspellDictionaryOptions,
): Promise<HunspellFiles | undefined> {
  const { language, directory, files, signal } = options;
  const fileName = dictionaryFileName(language);
  const path = join(directory, fileName);
  const emit = (name: SpellcheckDictionaryEvent) => {
    if (!signal?.aborted) options.onEvent(name, language);
  };

  const existing = await openDictionaryFile(path);
  if (existing !== undefined) {
    emit("spellcheck-dictionary-initialized");
    return existing;
  }
  await files.remove(path).catch(() => {});
  if (signal?.aborted) return undefined;

  emit("spellcheck-dictionary-download-begin");
  const body = await download(`${options.baseUrl}${fileName.toLowerCase()}`, options);
  if (signal?.aborted) return undefined;
  if (body === undefined || !startsWithBdic(body)) {
    emit("spellcheck-dictionary-download-failure");
    return undefined;
  }
  const saved = verifyBdic(body) && await save(path, body, options);
  const loaded = saved ? await openDictionaryFile(path) : undefined;
  if (loaded === undefined) {
    // A body that passed the checks but will not convert is as bad as a corrupt one.
    if (saved) await files.remove(path).catch(() => {});
    emit("spellcheck-dictionary-download-failure");
    emit("spellcheck-dictionary-initialized");
    return undefined;
  }
  emit("spellcheck-dictionary-download-success");
  emit("spellcheck-dictionary-initialized");
  return loaded;
}

/**
 * The process-wide base URL dictionaries are downloaded from (Electron's
 * `setSpellCheckerDictionaryDownloadURL`, which every session shares).
 *
 * @example
 * ```ts
 * import { DictionaryDownloadUrl } from "./dictionary_download.ts";
 * const base = new DictionaryDownloadUrl();
 * base.set("https://example.com/dict");
 * console.log(`${base.get()}en-us-10-1.bdic`); // https://example.com/dicten-us-10-1.bdic
 * ```
 */
export class DictionaryDownloadUrl {
  #url = DEFAULT_DICTIONARY_DOWNLOAD_URL;

  /**
   * The base URL, canonical (`https://x` reads `https://x/`).
   *
   * @returns The URL the file name is appended to.
   */
  get(): string {
    return this.#url;
  }

  /**
   * Replaces the base URL. No slash is added: the URL is `${url}${file}`.
   *
   * @param url An absolute URL.
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from ...` for
   * a non-string.
   * @throws {Error} `The URL you provided to setSpellCheckerDictionaryDownloadURL is not a valid
   * URL` when it does not parse.
   */
  set(url: string): void {
    if (typeof url !== "string") throw methodArgumentError(0, url);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(
        "The URL you provided to setSpellCheckerDictionaryDownloadURL is not a valid URL",
      );
    }
    this.#url = parsed.href;
  }
}

// Chromium's OpenDictionaryFile: a file is used only when it verifies (and here, converts).
async function openDictionaryFile(path: string): Promise<HunspellFiles | undefined> {
  let bytes: Uint8Array;
  try {
    // Not a FIFO or a device in the file's place: reading one waits for ever. It is then
    // downloaded, and the atomic save replaces it.
    if (!(await stat(path)).isFile()) return undefined;
    bytes = await readFile(path);
  } catch {
    return undefined;
  }
  if (!verifyBdic(bytes)) return undefined;
  try {
    return bdicToHunspell(bytes);
  } catch {
    return undefined;
  }
}

async function download(
  url: string,
  { fetch, signal, onProgress, stallTimeoutMs = DOWNLOAD_STALL_TIMEOUT_MS }:
    LoadHunspellDictionaryOptions,
): Promise<Uint8Array | undefined> {
  const stalled = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const progressed = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stalled.abort(), stallTimeoutMs);
  };
  progressed();
  try {
    // Chromium's dictionary request sends no cookies and stores none (CredentialsMode::kOmit).
    const response = await fetch(url, {
      credentials: "omit",
      signal: signal === undefined ? stalled.signal : AbortSignal.any([signal, stalled.signal]),
    });
    progressed();
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel().catch(() => {});
      return undefined;
    }
    const total = Number(response.headers.get("content-length") ?? "");
    const totalBytes = Number.isSafeInteger(total) && total > 0 ? total : 0;
    let receivedBytes = 0;
    const body = response.body?.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          progressed();
          receivedBytes += chunk.length;
          if (!signal?.aborted) onProgress?.(receivedBytes, totalBytes);
          controller.enqueue(chunk);
        },
      }),
    );
    return await readBodyCapped(body ?? null, MAX_BDIC_BYTES);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

async function save(
  path: string,
  body: Uint8Array,
  { directory, files }: LoadHunspellDictionaryOptions,
): Promise<boolean> {
  try {
    await files.ensureDir(directory);
    await files.writeFileAtomic(path, body);
    return true;
  } catch {
    await files.remove(path).catch(() => {});
    return false;
  }
}

function startsWithBdic(body: Uint8Array): boolean {
  return body.length >= 4 && body[0] === 0x42 && body[1] === 0x44 && body[2] === 0x69 &&
    body[3] === 0x63;
}
