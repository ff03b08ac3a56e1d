/**
 * The header lines a callback-style handler's answer gave, names as written: Electron adds each
 * to the response head as it is (`HttpResponseHeaders::AddHeader` in ToResponseHead), so
 * webRequest shows `Location`, not `location`, and a list's values as lines of their own.
 * fetch's `Headers` keeps no case and joins a list, so the lines ride beside the `Response`
 * from the handler to the stage that records the response's facts.
 *
 * @module
 */

import { objectSlot } from "../core/object_slot.ts";

// A slot, not a WeakMap: see core/object_slot.ts.
const given = objectSlot<Response, ReadonlyArray<readonly [string, string]>>("given lines");

/**
 * Records the lines a handler's answer gave.
 *
 * @param response The response made from the answer.
 * @param lines `[name, value]` as written, values as sent.
 * @returns The same response.
 */
export function withGivenLines(
  response: Response,
  lines: ReadonlyArray<readonly [string, string]>,
): Response {
  given.set(response, lines);
  return response;
}

/**
 * The lines a handler's answer gave.
 *
 * @param response A handler's response.
 * @returns Its lines, or `undefined` when it came from elsewhere (`handle()`, a fetch).
 */
export function givenLines(
  response: Response,
): ReadonlyArray<readonly [string, string]> | undefined {
  return given.get(response);
}
