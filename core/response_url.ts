/**
 * Labels a `Response` made outside the runtime's fetch with its URL.
 *
 * @module
 */

/**
 * Sets the read-only `url` and `redirected` of a `Response`, which only the runtime's own
 * fetch can set, as own properties shadowing the prototype getters. The URL is shown without
 * its fragment, as the fetch standard's `Response.url` getter serializes it ("exclude fragment
 * set to true"). The response's `clone()` carries both labels to the copy, as a fetched
 * response's clone keeps its URL.
 *
 * @param response The response to label.
 * @param url The final URL.
 * @param redirected Whether a redirect was followed to get it.
 *
 * @example
 * ```ts
 * import { setResponseUrl } from "./response_url.ts";
 * const response = new Response("x");
 * setResponseUrl(response, "https://a.test/page#top", true);
 * console.log(response.url, response.redirected); // https://a.test/page true
 * const copy = response.clone();
 * console.log(copy.url, copy.redirected); // https://a.test/page true
 * ```
 */
export function setResponseUrl(response: Response, url: string, redirected: boolean): void {
  const hash = url.indexOf("#");
  Object.defineProperty(response, "url", {
    value: hash === -1 ? url : url.slice(0, hash),
    configurable: true,
  });
  // A new Response already says false; defining the property only when it changes keeps
  // the common case to one definition.
  if (redirected !== response.redirected) {
    Object.defineProperty(response, "redirected", { value: redirected, configurable: true });
  }
  Object.defineProperty(response, "clone", { value: cloneLabelled, configurable: true });
}

// The prototype's clone makes a response with no URL of its own; label the copy too.
function cloneLabelled(this: Response): Response {
  const copy = Response.prototype.clone.call(this);
  setResponseUrl(copy, this.url, this.redirected);
  return copy;
}
