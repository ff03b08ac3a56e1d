/**
 * Resource hints for a headless session: `Link: <url>; rel=preconnect` on a response makes
 * the session open a connection ahead of time, as a renderer's `<link rel=preconnect>` does.
 *
 * @module
 */

import type { Middleware } from "../core/middleware.ts";

/** One preconnect hint. */
export interface PreconnectHint {
  /**
   * The origin to connect to, as `scheme://host[:port]/`: Chromium's `url::SchemeHostPort`, all
   * a preconnect hint carries (a Link URL's credentials, path, query and fragment are dropped).
   */
  url: string;
  /** False when the hint says `crossorigin` (anonymous); true otherwise. */
  allowCredentials: boolean;
}

/**
 * Reads the `rel=preconnect` entries of a `Link` header (RFC 8288).
 *
 * @param value The header value; several links are comma-separated.
 * @param base The response URL, for relative references.
 * @returns The hints for http(s) URLs, in header order, each as its origin's URL; malformed
 * links are skipped.
 *
 * @example
 * ```ts
 * import { parsePreconnectLinks } from "./preconnect_hints.ts";
 * const hints = parsePreconnectLinks('<https://cdn.test>; rel="preconnect"; crossorigin', "https://a.test/");
 * console.log(hints); // [{ url: "https://cdn.test/", allowCredentials: false }]
 * ```
 */
export function parsePreconnectLinks(value: string, base: string): PreconnectHint[] {
  const hints: PreconnectHint[] = [];
  let i = 0;
  while (i < value.length) {
    const open = value.indexOf("<", i);
    if (open === -1) break;
    const close = value.indexOf(">", open + 1);
    if (close === -1) break;
    const { params, end } = readParams(value, close + 1);
    i = end + 1;
    const rel = params.get("rel");
    if (rel === undefined || !rel.toLowerCase().split(/\s+/).includes("preconnect")) continue;
    let url: URL;
    try {
      url = new URL(value.slice(open + 1, close).trim(), base);
    } catch {
      continue;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") continue;
    const crossorigin = params.get("crossorigin");
    hints.push({
      // Blink hands the browser a SchemeHostPort, so Electron's 'preconnect' gets its GetURL().
      url: `${url.protocol}//${url.host}/`,
      allowCredentials: crossorigin === undefined ||
        crossorigin.toLowerCase() === "use-credentials",
    });
  }
  return hints;
}

/** Reads `; name=value; name="quoted, value"; flag` up to the comma that ends a link. */
function readParams(value: string, start: number): { params: Map<string, string>; end: number } {
  const params = new Map<string, string>();
  let i = start;
  while (i < value.length && value[i] !== ",") {
    if (value[i] !== ";") {
      i++;
      continue;
    }
    const nameEnd = findAny(value, i + 1, "=;,");
    const name = value.slice(i + 1, nameEnd).trim().toLowerCase();
    i = nameEnd;
    let paramValue = "";
    if (value[i] === "=") {
      i++;
      while (value[i] === " " || value[i] === "\t") i++;
      if (value[i] === '"') {
        const quoteEnd = closingQuote(value, i + 1);
        paramValue = value.slice(i + 1, quoteEnd).replace(/\\(.)/g, "$1");
        i = quoteEnd + 1;
      } else {
        const valueEnd = findAny(value, i, ";,");
        paramValue = value.slice(i, valueEnd).trim();
        i = valueEnd;
      }
    }
    // RFC 8288: only the first occurrence of a parameter counts.
    if (name !== "" && !params.has(name)) params.set(name, paramValue);
  }
  return { params, end: i };
}

function findAny(value: string, from: number, chars: string): number {
  for (let i = from; i < value.length; i++) if (chars.includes(value[i]!)) return i;
  return value.length;
}

function closingQuote(value: string, from: number): number {
  for (let i = from; i < value.length; i++) {
    if (value[i] === "\\") i++;
    else if (value[i] === '"') return i;
  }
  return value.length;
}

/**
 * Reports the preconnect hints of every response that passes.
 *
 * @param onHint Called once per hint, after the response is returned.
 * @returns The stage.
 *
 * @example
 * ```ts
 * import { compose, requestContext } from "../core/middleware.ts";
 * import { preconnectHints } from "./preconnect_hints.ts";
 * const run = compose([preconnectHints((hint) => console.log(hint.url))], () =>
 *   Promise.resolve(new Response("", { headers: { link: "<https://cdn.test>; rel=preconnect" } })));
 * const context = requestContext();
 * await run(new Request("https://a.test/"), context); // logs https://cdn.test/
 * ```
 */
export function preconnectHints(onHint: (hint: PreconnectHint) => void): Middleware {
  return (next) => (request, context) =>
    next(request, context).then((response) => {
      const link = response.headers.get("link");
      if (link !== null) {
        // Relative references resolve against the URL that answered (after redirects).
        const base = response.url === "" ? request.url : response.url;
        for (const hint of parsePreconnectLinks(link, base)) onHint(hint);
      }
      return response;
    });
}
