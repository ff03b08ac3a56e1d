/**
 * The MIME type a download reports, read from `Content-Type` as Chromium's
 * `HttpUtil::ParseContentType` reads it.
 *
 * @module
 */

/**
 * Returns the MIME type of a `Content-Type` value as Chromium's `HttpUtil::ParseContentType`
 * gives it (net/http/http_util.cc): the type up to whitespace, `;` or `(`, in lower case;
 * `""` for none, for one without a `/` and for the meaningless `*\/*`.
 *
 * @param contentType The header value, or `null` when absent.
 * @returns The MIME type, lower case, or `""`.
 *
 * @example
 * ```ts
 * import { responseMimeType } from "./response_mime_type.ts";
 * console.log(responseMimeType("Text/HTML; charset=UTF-8")); // text/html
 * console.log(responseMimeType("binary")); // (empty: no "/")
 * ```
 */
export function responseMimeType(contentType: string | null): string {
  const type = /^[ \t]*([^ \t;(]*)/.exec(contentType ?? "")![1]!.toLowerCase();
  return type.includes("/") && type !== "*/*" ? type : "";
}
