/**
 * Common response header names handed out as the constants below rather than as fresh slices of
 * the received head.
 *
 * A string sliced out of the head is new on every response. Used as a property key (webRequest's
 * `responseHeaders` objects, three per response) it must first be looked up in the engine's table
 * of property names, which JavaScriptCore does again at every use; the same name as a constant of
 * the source is already in that table. Names are matched exactly as received (case included), so
 * what callers see does not change.
 *
 * @module
 */

// Each name as servers commonly send it: capitalised (nginx, Apache, node:http's own lines) and
// lower-case (HTTP/2-era servers, node:http's users, Deno.serve, Bun.serve). Written out, not
// computed: a string literal is in the engine's table from the start.
const NAMES = [
  "Accept-Ranges",
  "accept-ranges",
  "Access-Control-Allow-Origin",
  "access-control-allow-origin",
  "Age",
  "age",
  "Alt-Svc",
  "alt-svc",
  "Cache-Control",
  "cache-control",
  "Connection",
  "connection",
  "Content-Disposition",
  "content-disposition",
  "Content-Encoding",
  "content-encoding",
  "Content-Length",
  "content-length",
  "Content-Security-Policy",
  "content-security-policy",
  "Content-Type",
  "content-type",
  "Date",
  "date",
  "ETag",
  "etag",
  "Expires",
  "expires",
  "Keep-Alive",
  "keep-alive",
  "Last-Modified",
  "last-modified",
  "Link",
  "link",
  "Location",
  "location",
  "Pragma",
  "pragma",
  "Referrer-Policy",
  "referrer-policy",
  "Server",
  "server",
  "Set-Cookie",
  "set-cookie",
  "Strict-Transport-Security",
  "strict-transport-security",
  "Transfer-Encoding",
  "transfer-encoding",
  "Vary",
  "vary",
  "WWW-Authenticate",
  "www-authenticate",
  "X-Content-Type-Options",
  "x-content-type-options",
  "X-Frame-Options",
  "x-frame-options",
];

/** The names above by length, so a name is compared with a few candidates at most. */
const BY_LENGTH: string[][] = [];
for (const name of NAMES) (BY_LENGTH[name.length] ??= []).push(name);

/**
 * The header name at `text[from, to)`: one of the common names above when it is exactly one
 * of them, else a slice of `text`.
 *
 * @param text The head, decoded as latin1.
 * @param from Where the name starts.
 * @param to Where it ends (exclusive).
 * @returns The name, equal to `text.slice(from, to)`.
 *
 * @example
 * ```ts
 * import { headerName } from "./_http1_header_names.ts";
 * console.log(headerName("Content-Type: text/plain", 0, 12)); // Content-Type
 * ```
 */
export function headerName(text: string, from: number, to: number): string {
  const known = BY_LENGTH[to - from];
  if (known !== undefined) {
    const first = text.charCodeAt(from);
    for (let i = 0; i < known.length; i++) {
      const name = known[i]!;
      if (name.charCodeAt(0) === first && text.startsWith(name, from)) return name;
    }
  }
  return text.slice(from, to);
}
