/**
 * The referrer a protocol handler is told of, as Electron gives it from the request's
 * `GURL referrer`: the `Referer` sent, canonicalized (`HTTP://A.test` → `http://a.test/`), or
 * `""` when none was sent or it is not an absolute URL (an invalid GURL's spec is empty).
 *
 * @module
 */

/**
 * Reads the referrer of a request.
 *
 * @param request The request, with the `Referer` header it sends.
 * @returns The canonical absolute URL, or `""`.
 */
export function sentReferrer(request: Request): string {
  const sent = request.headers.get("referer");
  if (sent === null) return "";
  try {
    return new URL(sent).href;
  } catch {
    return "";
  }
}
