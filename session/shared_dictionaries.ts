/**
 * Electron's shared dictionary methods (`ses.getSharedDictionaryUsageInfo` and kin): Chromium's
 * Compression Dictionary Transport store. The transport here never advertises or stores a
 * dictionary (no `Available-Dictionary`, no `dcb`/`dcz` decoding), so the store is always
 * empty; the options are checked as Electron checks them.
 *
 * @module
 */

/** Electron's `SharedDictionaryUsageInfo`: one isolation key's use of the store. */
export interface SharedDictionaryUsageInfo {
  /** The origin of the frame that fetched the dictionaries. */
  frameOrigin: string;
  /** The site of the top-level frame. */
  topFrameSite: string;
  /** The bytes stored for this key. */
  totalSizeBytes: number;
}

/** Electron's `SharedDictionaryInfo`: one stored dictionary. */
export interface SharedDictionaryInfo {
  /** The `match` path pattern of its `Use-As-Dictionary` header. */
  match: string;
  /** Its `match-dest` destinations. */
  matchDestinations: string[];
  /** Its `id`. */
  id: string;
  /** The dictionary's URL. */
  dictionaryUrl: string;
  /** When it was received from the network layer. */
  lastFetchTime: Date;
  /** When it was received from the server. */
  responseTime: Date;
  /** Its `expires` option, in seconds. */
  expirationDuration: number;
  /** When it was last used. */
  lastUsedTime: Date;
  /** The bytes stored for it. */
  size: number;
  /** The SHA-256 hash of the dictionary. */
  hash: string;
}

/** The isolation key the per-key methods take. */
export interface SharedDictionaryIsolationKey {
  /** The origin of the frame making the request, a URL. */
  frameOrigin: string;
  /** The site of the top-level frame, a URL. */
  topFrameSite: string;
}

/**
 * Checks an isolation key as Electron's session does (both fields convert to valid URLs).
 *
 * @param options What the caller passed.
 * @param missing Electron's message when a field is absent or not a string.
 * @returns `undefined` when valid, else the message to reject with.
 *
 * @example
 * ```ts
 * import { isolationKeyProblem } from "./shared_dictionaries.ts";
 * console.log(isolationKeyProblem({ frameOrigin: "https://a.test", topFrameSite: "x" }, "")); // Invalid URLs provided for frameOrigin or topFrameSite
 * ```
 */
export function isolationKeyProblem(options: unknown, missing: string): string | undefined {
  const { frameOrigin, topFrameSite } =
    (typeof options === "object" && options !== null ? options : {}) as Partial<
      Record<keyof SharedDictionaryIsolationKey, unknown>
    >;
  if (typeof frameOrigin !== "string" || typeof topFrameSite !== "string") return missing;
  if (!URL.canParse(frameOrigin) || !URL.canParse(topFrameSite)) {
    return "Invalid URLs provided for frameOrigin or topFrameSite";
  }
  return undefined;
}
