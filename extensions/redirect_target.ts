/**
 * Where a `redirect` or `upgradeScheme` action sends a request (Chromium's
 * `RequestAction` for redirects, indexed_rule.cc's transform rules).
 *
 * @module
 */

import type { RedirectSpec, UrlTransform } from "./dnr_rule.ts";
import type { UrlRegex } from "./url_regex.ts";

/**
 * Computes the redirect URL of a `redirect` action.
 *
 * @param spec The action's `redirect`.
 * @param url The request URL.
 * @param extensionId The extension's id, for `extensionPath`.
 * @param regex The rule's `regexFilter`, for `regexSubstitution`.
 * @returns The new URL, or `undefined` when the result is not a valid URL or is the request
 * URL itself (Chromium then takes no action).
 *
 * @example
 * ```ts
 * import { redirectTarget } from "./redirect_target.ts";
 * const spec = { transform: { scheme: "https", queryTransform: { removeParams: ["utm"] } } };
 * console.log(redirectTarget(spec, "http://a.test/p?utm=1&x=2", "id", null)); // https://a.test/p?x=2
 * ```
 */
export function redirectTarget(
  spec: RedirectSpec,
  url: string,
  extensionId: string,
  regex: UrlRegex | null,
): string | undefined {
  let target: string | undefined;
  if (spec.url !== undefined) target = spec.url;
  else if (spec.extensionPath !== undefined) {
    target = `chrome-extension://${extensionId}${spec.extensionPath}`;
  } else if (spec.transform !== undefined) target = transformUrl(url, spec.transform);
  else if (spec.regexSubstitution !== undefined && regex !== null) {
    target = substitute(url, regex, spec.regexSubstitution);
  }
  if (target === undefined || !URL.canParse(target)) return undefined;
  const href = new URL(target).href;
  return href === url ? undefined : href;
}

/**
 * The URL an `upgradeScheme` action leads to: `https:` for `http:`, `wss:` for `ws:`.
 *
 * @param url The request URL.
 * @returns The upgraded URL, or `undefined` for a scheme that has no upgrade.
 *
 * @example
 * ```ts
 * import { upgradedUrl } from "./redirect_target.ts";
 * console.log(upgradedUrl("http://a.test:8080/x")); // https://a.test:8080/x
 * ```
 */
export function upgradedUrl(url: string): string | undefined {
  if (url.startsWith("http:")) return "https:" + url.slice(5);
  if (url.startsWith("ws:")) return "wss:" + url.slice(3);
  return undefined;
}

function transformUrl(url: string, transform: UrlTransform): string | undefined {
  const result = new URL(url);
  const { scheme, host, port, path, query, queryTransform, fragment, username, password } =
    transform;
  try {
    if (scheme !== undefined) {
      result.protocol = scheme;
      if (result.protocol !== `${scheme}:`) {
        // WHATWG URL refuses switching between special and other schemes in place.
        const rebuilt = new URL(`${scheme}:${result.href.slice(result.protocol.length)}`);
        result.href = rebuilt.href;
      }
    }
    if (host !== undefined) result.hostname = host;
    if (port !== undefined) result.port = port;
    if (path !== undefined) result.pathname = path;
    if (query !== undefined) result.search = query;
    if (queryTransform !== undefined) result.search = transformQuery(result.search, queryTransform);
    if (fragment !== undefined) result.hash = fragment;
    if (username !== undefined) result.username = username;
    if (password !== undefined) result.password = password;
  } catch {
    return undefined;
  }
  return result.href;
}

function transformQuery(
  search: string,
  { removeParams = [], addOrReplaceParams = [] }: NonNullable<UrlTransform["queryTransform"]>,
): string {
  // Chromium edits the raw `key=value` pairs, keeping the others byte for byte.
  const pairs = search.replace(/^\?/, "").split("&").filter((pair) => pair !== "")
    .map((pair) => {
      const equals = pair.indexOf("=");
      return { key: equals === -1 ? pair : pair.slice(0, equals), text: pair };
    })
    .filter(({ key }) => !removeParams.includes(key));
  const replaced = new Set<number>();
  for (const { key, value, replaceOnly } of addOrReplaceParams) {
    const index = pairs.findIndex((pair, i) => pair.key === key && !replaced.has(i));
    const text = `${key}=${value}`;
    if (index !== -1) {
      pairs[index] = { key, text };
      replaced.add(index);
    } else if (!replaceOnly) {
      pairs.push({ key, text });
      replaced.add(pairs.length - 1);
    }
  }
  return pairs.length === 0 ? "" : `?${pairs.map((pair) => pair.text).join("&")}`;
}

function substitute(url: string, regex: UrlRegex, substitution: string): string | undefined {
  const match = regex.exec(url);
  if (match === null) return undefined;
  const replacement = substitution.replace(/\\(\d)|\\\\/g, (_whole, digit?: string) => {
    if (digit === undefined) return "\\";
    // RE2::Rewrite: a group that took no part, or that the pattern lacks, is empty.
    const group = Number(digit);
    return group <= match.groupCount ? match.group(group) ?? "" : "";
  });
  // RE2::Extract, as Chromium's regex_rules_matcher.cc: the substitution is the whole new URL;
  // the parts of the URL outside the match are not kept.
  return replacement;
}
