/**
 * `data:` URLs for downloads. Chromium downloads them (its download manager gives them a
 * `DataURLLoaderFactory`); the session's pipeline does not serve them, so downloads read them
 * here, the same way in every runtime.
 *
 * @module
 */

import { SessionError } from "../core/session_error.ts";
import { latin1Bytes, percentDecode } from "./_bytes.ts";
import type { DownloadFetch } from "./download_fetch.ts";

// A MIME type's essence (RFC 9110 §8.3.1 tokens); anything else falls back to the default.
const MIME_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:\s*;.*)?$/s;
const BASE64 = /;\s*base64\s*$/i;

/**
 * Wraps a fetch so that `data:` URLs are decoded here and everything else goes to `fetch`.
 *
 * Follows WHATWG fetch's data: URL processor: the MIME type before the first `,` (a
 * `;base64` suffix decodes the body with forgiving base64; none or a malformed one is
 * `text/plain;charset=US-ASCII`), the body %-decoded after it, the fragment ignored.
 *
 * @param fetch The download fetch for every other URL.
 * @returns A fetch that also reads `data:` URLs: a 200 response with `Content-Type` and
 * `Content-Length`, or a rejection with `net::ERR_INVALID_URL` (no `,`, or bad base64).
 *
 * @example
 * ```ts
 * import { withDataUrls } from "./data_url_fetch.ts";
 * const fetchData = withDataUrls(() => Promise.reject(new Error("not used")));
 * const response = await fetchData("data:text/plain;base64,aGk=");
 * console.log(response.headers.get("content-type"), await response.text()); // text/plain hi
 * ```
 */
export function withDataUrls(fetch: DownloadFetch): DownloadFetch {
  return (input, init) =>
    /^data:/i.test(input) ? Promise.resolve().then(() => readDataUrl(input)) : fetch(input, init);
}

function readDataUrl(href: string): Response {
  let url: URL;
  try {
    url = new URL(href);
  } catch (cause) {
    throw new SessionError("ERR_INVALID_URL", { cause, url: href });
  }
  // Fetch's processor serialises without the fragment; cut here rather than re-serialise.
  const serialized = url.href;
  const hash = serialized.indexOf("#");
  const text = serialized.slice("data:".length, hash === -1 ? undefined : hash);
  const comma = text.indexOf(",");
  if (comma === -1) throw new SessionError("ERR_INVALID_URL", { url: href });
  let mimeType = text.slice(0, comma).trim();
  // A serialized URL is ASCII, so every character is a byte; both decoders give bytes in an
  // ArrayBuffer of their own, the type a Response body takes.
  const encoded = text.slice(comma + 1);
  let body = encoded.includes("%") ? percentDecode(encoded, false)! : latin1Bytes(encoded);
  if (BASE64.test(mimeType)) {
    mimeType = mimeType.replace(BASE64, "");
    try {
      // atob is HTML's forgiving-base64 decode, which fetch's processor names.
      // The base64 text is ASCII when valid (anything else fails in atob), so any one-byte
      // decoding serves; TextDecoder takes megabytes, where a spread would overflow the stack.
      body = latin1Bytes(atob(new TextDecoder("latin1").decode(body)));
    } catch (cause) {
      throw new SessionError("ERR_INVALID_URL", { cause, url: href });
    }
  }
  if (mimeType.startsWith(";")) mimeType = `text/plain${mimeType}`;
  if (!MIME_TYPE.test(mimeType)) mimeType = "text/plain;charset=US-ASCII";
  return new Response(body, {
    headers: { "content-type": mimeType, "content-length": String(body.length) },
  });
}
