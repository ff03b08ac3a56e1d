/**
 * Fetching a certificate's issuers from its Authority Information Access URLs, within the limits
 * Chromium's certificate verifier sets for such fetches.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { get, type IncomingMessage } from "node:http";
import { SessionError } from "../core/session_error.ts";

/** What {@linkcode fetchCaIssuers} may take. */
export interface CaIssuersFetchOptions {
  /**
   * How long the whole fetch may take, redirects included, in ms; default 10 000 (Chromium's
   * CertIssuerSourceAia `kTimeoutMilliseconds`).
   */
  timeoutMs?: number;
  /** The largest body accepted, in bytes; default 65 536 (`kMaxResponseBytes`). */
  maxBytes?: number;
  /** Ends the fetch early, its connection with it (`net::ERR_ABORTED`). */
  signal?: AbortSignal;
}

/**
 * Reads one `caIssuers` URL's bytes: the shape {@linkcode CertificateVerifier} is given. The
 * signal aborts when no handshake waits for the answer any more.
 */
export type CaIssuersFetch = (url: string, signal: AbortSignal) => Promise<Uint8Array>;

// URLRequest's limit (kMaxRedirects), which CertNetFetcher's requests inherit.
const MAX_REDIRECTS = 20;

/**
 * Fetches the body at a `caIssuers` URL as Chromium's `CertNetFetcherURLRequest` does: `GET`
 * over plain `http:` only (each redirect too), no cookies or credentials, a `200` answer only,
 * at most `maxBytes`, all within `timeoutMs`. The fetch goes straight to the host: the session's
 * proxy settings, cache and hooks are not in its path (Chromium sends it through the profile's
 * network context; here it has none to go through).
 *
 * @param url The `http:` URL named by the certificate.
 * @param options Timeout, size limit and abort signal.
 * @returns The body, which {@linkcode parseCaIssuers} reads.
 * @throws {SessionError} `ERR_DISALLOWED_URL_SCHEME` for a URL or redirect that is not
 * `http:`, `ERR_HTTP_RESPONSE_CODE_FAILURE` for a status other than 200, `ERR_FILE_TOO_BIG`
 * past `maxBytes`, `ERR_TOO_MANY_REDIRECTS`, `ERR_TIMED_OUT`, `ERR_ABORTED` when `signal`
 * aborts, or `ERR_FAILED` when the connection fails.
 *
 * @example Not run as a doc test: it needs a CA's server
 * ```ts ignore
 * import { fetchCaIssuers } from "./ca_issuers_fetch.ts";
 * const bytes = await fetchCaIssuers("http://r11.i.lencr.org/");
 * console.log(bytes.length);
 * ```
 */
export function fetchCaIssuers(
  url: string,
  options: CaIssuersFetchOptions = {},
): Promise<Uint8Array> {
  const { timeoutMs = 10_000, maxBytes = 65_536, signal } = options;
  if (signal?.aborted) {
    return Promise.reject(new SessionError("ERR_ABORTED", { cause: signal.reason }));
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const abort = () => controller.abort();
  signal?.addEventListener("abort", abort, { once: true });
  return follow(url, maxBytes, controller.signal, 0).catch((error: unknown) => {
    if (signal?.aborted) throw new SessionError("ERR_ABORTED", { cause: signal.reason });
    throw controller.signal.aborted ? new SessionError("ERR_TIMED_OUT") : error;
  }).finally(() => {
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
  });
}

async function follow(
  url: string,
  maxBytes: number,
  signal: AbortSignal,
  redirects: number,
): Promise<Uint8Array> {
  const target = new URL(url);
  if (target.protocol !== "http:") throw new SessionError("ERR_DISALLOWED_URL_SCHEME");
  const response = await request(target, signal);
  const status = response.statusCode ?? 0;
  const location = response.headers.location;
  if ([301, 302, 303, 307, 308].includes(status) && location !== undefined) {
    response.resume();
    if (redirects >= MAX_REDIRECTS) throw new SessionError("ERR_TOO_MANY_REDIRECTS");
    return follow(new URL(location, target).href, maxBytes, signal, redirects + 1);
  }
  if (status !== 200) {
    response.resume();
    throw new SessionError("ERR_HTTP_RESPONSE_CODE_FAILURE");
  }
  return readBody(response, maxBytes, signal);
}

function request(target: URL, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    // No agent: a fetch made while a certificate is checked keeps no socket open after it.
    const outgoing = get(target, { agent: false, signal }, resolve);
    outgoing.once("error", (cause) => reject(new SessionError("ERR_FAILED", { cause })));
  });
}

function readBody(
  response: IncomingMessage,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    // An abort once the head is in must end the body's wait too, whatever the runtime emits.
    const onAbort = () => {
      response.destroy();
      reject(new SessionError("ERR_ABORTED"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    response.once("close", () => signal.removeEventListener("abort", onAbort));
    const parts: Buffer[] = [];
    let size = 0;
    response.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy();
        reject(new SessionError("ERR_FILE_TOO_BIG"));
        return;
      }
      parts.push(chunk);
    });
    response.once("end", () => resolve(new Uint8Array(Buffer.concat(parts))));
    response.once("error", (cause) => reject(new SessionError("ERR_FAILED", { cause })));
  });
}
