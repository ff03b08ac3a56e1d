/**
 * The URLs a redirected response passed through, which a `Response` cannot carry (it has only
 * the last, `response.url`): Chromium's `url_chain`, which downloads report as
 * `DownloadItem.getURLChain()`. Recorded only when a redirect was followed, so a response that
 * came straight back costs nothing.
 *
 * @module
 */

import { objectSlot } from "./object_slot.ts";

// A slot, not a WeakMap: see core/object_slot.ts.
const chains = objectSlot<Response, readonly string[]>("url chain");

/**
 * Returns the URL chain recorded for a redirected response.
 *
 * @param response A response from the session's pipeline.
 * @returns Every URL requested, the first request's first and `response.url` last; `undefined`
 * when no redirect was followed (the chain is then `[response.url]`).
 *
 * @example
 * ```ts
 * import { responseUrlChain, setResponseUrlChain } from "./url_chain.ts";
 * const response = new Response("moved here");
 * setResponseUrlChain(response, ["http://a.test/old", "http://a.test/new"]);
 * console.log(responseUrlChain(response)); // [ "http://a.test/old", "http://a.test/new" ]
 * console.log(responseUrlChain(new Response("direct"))); // undefined
 * ```
 */
export function responseUrlChain(response: Response): readonly string[] | undefined {
  return chains.get(response);
}

/**
 * Records the URL chain of a redirected response; a stage that wraps a response in a new
 * `Response` passes the chain on with this.
 *
 * @param response The response.
 * @param chain Its URL chain; `undefined` records nothing.
 *
 * @example
 * ```ts
 * import { responseUrlChain, setResponseUrlChain } from "./url_chain.ts";
 * const original = new Response("x");
 * const wrapped = new Response(original.body);
 * setResponseUrlChain(wrapped, responseUrlChain(original));
 * console.log(responseUrlChain(wrapped)); // undefined
 * ```
 */
export function setResponseUrlChain(
  response: Response,
  chain: readonly string[] | undefined,
): void {
  if (chain !== undefined) chains.set(response, chain);
}
