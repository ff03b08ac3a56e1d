/**
 * `user:pass@` in a URL: finding it without parsing, and taking it off. Credentials in a URL
 * are used to answer a challenge (auth/) but never shown: not in `response.url`, a download's
 * URL chain, the cache's keys or a proxy challenge's URL.
 *
 * @module
 */

/**
 * Whether `href` has userinfo (`scheme://user:pass@host/`): an `@` before the path's first
 * slash. Cheap enough for every request.
 *
 * @param href A URL's text.
 * @returns Whether it has userinfo.
 *
 * @example
 * ```ts
 * import { hasUserinfo } from "./userinfo.ts";
 * console.log(hasUserinfo("http://u:p@a.test/"), hasUserinfo("http://a.test/@x")); // true false
 * ```
 */
export function hasUserinfo(href: string): boolean {
  const at = href.indexOf("@");
  if (at === -1) return false;
  const slash = href.indexOf("/", href.indexOf("//") + 2);
  return slash === -1 || at < slash;
}

/**
 * `url` without its user name and password.
 *
 * @param url A URL's text (`href`), with or without userinfo.
 * @returns The URL's text without it; `url` itself when it has none.
 * @throws {TypeError} When `url` has userinfo but is not a URL.
 *
 * @example
 * ```ts
 * import { withoutUserinfo } from "./userinfo.ts";
 * console.log(withoutUserinfo("http://u:p@a.test/x")); // http://a.test/x
 * ```
 */
export function withoutUserinfo(url: string): string {
  if (!hasUserinfo(url)) return url;
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  return parsed.href;
}
