/**
 * Labels a `Response` made outside the runtime's fetch with its URL.
 *
 * @module
 */

/**
 * Sets the read-only `url` and `redirected` of a `Response`, which only the runtime's own
 * fetch can set, as own properties shadowing the prototype getters.
 *
 * @param response The response to label.
 * @param url The final URL.
 * @param redirected Whether a redirect was followed to get it.
 *
 * @example
 * ```ts
 * import { setResponseUrl } from "./response_url.ts";
 * const response = new Response("x");
 * setResponseUrl(response, "https://a.test/", true);
 * console.log(response.url, response.redirected); // https://a.test/ true
 * ```
 */
export function setResponseUrl(response: Response, url: string, redirected: boolean): void {
  Object.defineProperty(response, "url", { value: url, configurable: true });
  // A new Response already says false; defining the property only when it changes keeps
  // the common case to one definition.
  if (redirected !== response.redirected) {
    Object.defineProperty(response, "redirected", { value: redirected, configurable: true });
  }
}
