/**
 * Origins as Web Storage and `clearData` key them.
 *
 * @module
 */

/**
 * The serialised origin of a URL (`scheme://host[:port]`, no trailing slash), or `undefined`
 * when it has none (an opaque origin: `data:`, `about:`, unparsable text). A `file:` URL has
 * the origin `file://` (with its host, if any), as Chromium's `url::Origin` gives it: Electron's
 * pages at `file://` keep their localStorage under it, and `clearData` takes it. So does a
 * `chrome-extension:` URL: `chrome-extension://<id>`, an extension's pages' origin.
 *
 * @param spec A URL or origin.
 * @returns The origin, or `undefined`.
 *
 * @example
 * ```ts
 * import { originOf } from "./origin.ts";
 * console.log(originOf("https://A.test:443/x"), originOf("file:///tmp/x"), originOf("data:,x"));
 * // https://a.test file:// undefined
 * ```
 */
export function originOf(spec: string): string | undefined {
  if (!URL.canParse(spec)) return undefined;
  const url = new URL(spec);
  // WHATWG URL leaves a file: origin to the implementation (opaque); Chromium's is a tuple.
  if (url.protocol === "file:") return `file://${url.host}`;
  // Chromium registers chrome-extension: as a standard scheme (host lower-cased, no port), so an
  // extension's pages have the tuple origin chrome-extension://<id>; for WHATWG URL it is opaque.
  if (url.protocol === "chrome-extension:") {
    return url.host === "" ? undefined : `chrome-extension://${url.host.toLowerCase()}`;
  }
  return url.origin === "null" ? undefined : url.origin;
}

/**
 * Like {@linkcode originOf}, but throws for an opaque origin, with Electron's message.
 *
 * @param spec A URL or origin.
 * @returns The origin.
 * @throws {TypeError} `Invalid origin: '<spec>'`.
 *
 * @example
 * ```ts
 * import { requireOrigin } from "./origin.ts";
 * console.log(requireOrigin("http://127.0.0.1:8080/")); // http://127.0.0.1:8080
 * ```
 */
export function requireOrigin(spec: unknown): string {
  const origin = typeof spec === "string" ? originOf(spec) : undefined;
  if (origin === undefined) throw new TypeError(`Invalid origin: '${String(spec)}'`);
  return origin;
}
