/**
 * Rebuilds a pipeline `Response` around a new body stream, keeping everything else a stage
 * downstream may read: status, headers, URL, `redirected`, the core `ResponseInfo` and, after
 * redirects, the URL chain.
 *
 * @module
 */

import { responseInfo, setResponseInfo } from "./response_info.ts";
import { responseUrlChain, setResponseUrlChain } from "./url_chain.ts";
import { setResponseUrl } from "./response_url.ts";

/**
 * Returns a response like `response` whose body is `body` (a decoded or watched view of the
 * original). The original's body must not be read afterwards.
 *
 * @param response The response to copy.
 * @param body The new body.
 * @returns The new response, labelled with the same URL, `redirected`, `ResponseInfo` and URL
 * chain.
 *
 * @example
 * ```ts
 * import { responseWithBody } from "./response_with_body.ts";
 * import { setResponseUrl } from "./response_url.ts";
 * const original = new Response("abc", { status: 201, headers: { "x-a": "1" } });
 * setResponseUrl(original, "http://a.test/", true);
 * const copy = responseWithBody(original, new Blob(["xyz"]).stream());
 * console.log(copy.status, copy.url, copy.redirected, await copy.text()); // 201 http://a.test/ true xyz
 * ```
 */
export function responseWithBody(
  response: Response,
  body: ReadableStream<Uint8Array> | null,
): Response {
  const copy = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  setResponseUrl(copy, response.url, response.redirected);
  setResponseInfo(copy, responseInfo(response));
  if (response.redirected) setResponseUrlChain(copy, responseUrlChain(response));
  return copy;
}
