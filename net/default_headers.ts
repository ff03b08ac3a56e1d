/**
 * The identity headers every request of a session carries.
 *
 * @module
 */

/** The session values read on every request (they may change at any time). */
export interface SessionIdentity {
  /** The User-Agent to send. */
  userAgent(): string;
  /** The Accept-Language value to send; `""` sends none. */
  acceptLanguage(): string;
}

/** A header list: names and values in order. */
export type HeaderList = ReadonlyArray<readonly [string, string]>;

/** What the transport can decode, so what we advertise. */
const ACCEPT_ENCODING = "gzip, deflate, br";

/**
 * Makes a function returning the session's default headers — `User-Agent`,
 * `Accept-Language` (none when empty), `Accept-Encoding` and `Accept` — read from the
 * identity on every call. The list is rebuilt only when the identity changed.
 *
 * @param identity The session's user agent and languages.
 * @returns A function giving the current list (do not modify it).
 *
 * @example
 * ```ts
 * import { defaultHeaderSource } from "./default_headers.ts";
 * const defaults = defaultHeaderSource({ userAgent: () => "demo/1", acceptLanguage: () => "" });
 * console.log(defaults().map(([name]) => name).join()); // user-agent,accept-encoding,accept
 * ```
 */
export function defaultHeaderSource(identity: SessionIdentity): () => HeaderList {
  let userAgent: string | undefined;
  let languages: string | undefined;
  let list: HeaderList = [];
  return () => {
    const currentAgent = identity.userAgent();
    const currentLanguages = identity.acceptLanguage();
    if (currentAgent !== userAgent || currentLanguages !== languages) {
      userAgent = currentAgent;
      languages = currentLanguages;
      const headers: Array<readonly [string, string]> = [["user-agent", currentAgent]];
      if (currentLanguages !== "") headers.push(["accept-language", currentLanguages]);
      headers.push(["accept-encoding", ACCEPT_ENCODING], ["accept", "*/*"]);
      list = Object.freeze(headers);
    }
    return list;
  };
}

/**
 * Appends each default whose name the list lacks, as Chromium's network stack adds its
 * defaults unless the caller set them. A request with a `Range` gets `Accept-Encoding:
 * identity` instead of the codings, as Chromium's `HttpRequestHeaders::SetAcceptEncodingIfMissing`
 * gives it: a range of an encoded body would be a piece of a stream no decoder can start in the
 * middle of.
 *
 * @param list The request's header lines, lower-case names; changed in place.
 * @param defaults The defaults, lower-case names.
 *
 * @example
 * ```ts
 * import { appendMissingHeaders } from "./default_headers.ts";
 * const list: Array<[string, string]> = [["host", "a.test"], ["accept", "text/html"]];
 * appendMissingHeaders(list, [["user-agent", "demo/1"], ["accept", "text/plain"]]);
 * console.log(list.map(([name, value]) => `${name}: ${value}`).join("; "));
 * // host: a.test; accept: text/html; user-agent: demo/1
 * const ranged: Array<[string, string]> = [["range", "bytes=10-"]];
 * appendMissingHeaders(ranged, [["accept-encoding", "gzip, deflate, br"]]);
 * console.log(ranged[1]); // [ "accept-encoding", "identity" ]
 * ```
 */
export function appendMissingHeaders(list: Array<[string, string]>, defaults: HeaderList): void {
  // Index loops: this runs on every request, and JSC's iterators cost more than the work.
  const given = list.length;
  for (let d = 0; d < defaults.length; d++) {
    const header = defaults[d]!;
    const name = header[0];
    let present = false;
    for (let i = 0; i < given && !present; i++) present = list[i]![0] === name;
    if (present) continue;
    list.push([name, name === "accept-encoding" && hasRange(list, given) ? "identity" : header[1]]);
  }
}

function hasRange(list: ReadonlyArray<readonly [string, string]>, given: number): boolean {
  for (let i = 0; i < given; i++) if (list[i]![0] === "range") return true;
  return false;
}
