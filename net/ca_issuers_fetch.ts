/**
 * Fetching a certificate's issuers from its Authority Information Access URLs, within the limits
 * Chromium's certificate verifier sets for such fetches.
 *
 * @module
 */

import { get } from "node:http";
import { Readable } from "node:stream";
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
  /**
   * Sends each `GET` (the first and every redirect's) and gives its answer: a session's
   * transport, so the fetch takes the session's proxies as Chromium's takes the network
   * context's. Default: straight to the host with `node:http`.
   */
  send?: CaIssuersSend;
}

/** What {@linkcode fetchCaIssuers} reads of an answer; a `Response` is one. */
export interface CaIssuersAnswer {
  /** The HTTP status. */
  readonly status: number;
  /** The response headers (`location` is read). */
  readonly headers: { get(name: string): string | null };
  /** The body; `null` for none. */
  readonly body: ReadableStream<Uint8Array> | null;
}

/**
 * Sends one credential-less `GET` for {@linkcode fetchCaIssuers}, following no redirect; the
 * signal aborts it, body included.
 */
export type CaIssuersSend = (url: URL, signal: AbortSignal) => Promise<CaIssuersAnswer>;

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
 * at most `maxBytes`, all within `timeoutMs`. Each request goes through `send`; without one,
 * straight to the host.
 *
 * @param url The `http:` URL named by the certificate.
 * @param options Timeout, size limit, abort signal and sender.
 * @returns The body, which {@linkcode parseCaIssuers} reads.
 * @throws {SessionError} `ERR_DISALLOWED_URL_SCHEME` for a URL or redirect that is not
 * `http:`, `ERR_HTTP_RESPONSE_CODE_FAILURE` for a status other than 200, `ERR_FILE_TOO_BIG`
 * past `maxBytes`, `ERR_TOO_MANY_REDIRECTS`, `ERR_TIMED_OUT`, `ERR_ABORTED` when `signal`
 * aborts, `send`'s own `SessionError` (such as `ERR_PROXY_CONNECTION_FAILED`), or
 * `ERR_FAILED` when the connection fails otherwise.
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
  const { timeoutMs = 10_000, maxBytes = 65_536, signal, send = sendDirect } = options;
  if (signal?.aborted) {
    return Promise.reject(new SessionError("ERR_ABORTED", { cause: signal.reason }));
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const abort = () => controller.abort();
  signal?.addEventListener("abort", abort, { once: true });
  return follow(url, { maxBytes, send, signal: controller.signal }, 0).catch((error: unknown) => {
    if (signal?.aborted) throw new SessionError("ERR_ABORTED", { cause: signal.reason });
    if (controller.signal.aborted) throw new SessionError("ERR_TIMED_OUT");
    throw SessionError.is(error) ? error : new SessionError("ERR_FAILED", { cause: error });
  }).finally(() => {
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
  });
}

interface FetchState {
  maxBytes: number;
  send: CaIssuersSend;
  signal: AbortSignal;
}

async function follow(url: string, state: FetchState, redirects: number): Promise<Uint8Array> {
  const target = new URL(url);
  if (target.protocol !== "http:") throw new SessionError("ERR_DISALLOWED_URL_SCHEME");
  const answer = await state.send(target, state.signal);
  const location = answer.headers.get("location");
  if ([301, 302, 303, 307, 308].includes(answer.status) && location !== null) {
    await answer.body?.cancel();
    if (redirects >= MAX_REDIRECTS) throw new SessionError("ERR_TOO_MANY_REDIRECTS");
    return follow(new URL(location, target).href, state, redirects + 1);
  }
  if (answer.status !== 200) {
    await answer.body?.cancel();
    throw new SessionError("ERR_HTTP_RESPONSE_CODE_FAILURE");
  }
  return readBody(answer.body, state);
}

async function readBody(
  body: ReadableStream<Uint8Array> | null,
  { maxBytes, signal }: FetchState,
): Promise<Uint8Array> {
  if (body === null) return new Uint8Array();
  const reader = body.getReader();
  // An abort once the head is in must end the body's wait too, whatever the sender does.
  const cancel = () => void reader.cancel().catch(() => {});
  signal.addEventListener("abort", cancel, { once: true });
  try {
    const parts: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      // A cancelled read ends as if the body were complete.
      signal.throwIfAborted();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel();
        throw new SessionError("ERR_FILE_TOO_BIG");
      }
      parts.push(value);
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    return bytes;
  } finally {
    signal.removeEventListener("abort", cancel);
  }
}

// No agent: a fetch made while a certificate is checked keeps no socket open after it.
function sendDirect(url: URL, signal: AbortSignal): Promise<CaIssuersAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = get(url, { agent: false, signal }, (response) => {
      const headers = response.headers;
      resolve({
        status: response.statusCode ?? 0,
        headers: { get: (name) => headers[name.toLowerCase()]?.toString() ?? null },
        body: Readable.toWeb(response) as ReadableStream<Uint8Array>,
      });
    });
    outgoing.once("error", (cause) => reject(new SessionError("ERR_FAILED", { cause })));
  });
}
