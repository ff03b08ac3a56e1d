/**
 * Electron's `proxyRules` with the semantics of Chromium's `ProxyConfig::ProxyRules`
 * (net/proxy_resolution/proxy_config.cc): `ParseFromString` and `Apply`'s choice of list.
 *
 * @module
 */

import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import { formatProxyUri, parseProxyUri, type ProxyScheme } from "./proxy_uri.ts";

/** The parsed rules. `single` applies to every URL; `perScheme` picks a list by URL scheme. */
export type ProxyRules =
  | { readonly type: "empty" }
  | { readonly type: "single"; readonly proxies: readonly ProxyServer[] }
  | {
    readonly type: "perScheme";
    /** Lists for `http:`, `https:` and `ftp:` URLs (empty when not given). */
    readonly http: readonly ProxyServer[];
    readonly https: readonly ProxyServer[];
    readonly ftp: readonly ProxyServer[];
    /** The `socks=` list: every other scheme, and the first choice for ws/wss. */
    readonly fallback: readonly ProxyServer[];
  };

/** What {@linkcode parseProxyRules} found. */
export interface ParsedProxyRules {
  /** The rules; invalid entries are dropped, as in Chromium. */
  readonly rules: ProxyRules;
  /** One message per dropped entry, like `Cannot parse proxy rule "http=:80": host is empty`. */
  readonly problems: readonly string[];
}

type SchemeKey = "http" | "https" | "ftp";

/**
 * Parses proxy rules. Parts are split on `;`; `scheme=list` sets the list for http, https or
 * ftp (other keys are dropped; keys are case-sensitive, as in Chromium); `socks=list` is the
 * fallback list, whose entries default to SOCKS4. A part with no `=` makes one list for every
 * scheme and ends parsing, unless a `scheme=` part came first (then it is ignored). Lists are
 * comma-separated proxy URIs; entries that do not parse are dropped and reported.
 *
 * @param text The rules, like `http=foopy:80;ftp=foopy2` or `foopy:80,bar,direct://`.
 * @returns The rules and the problems met; it never throws.
 *
 * @example
 * ```ts
 * import { parseProxyRules } from "./proxy_rules.ts";
 * const { rules } = parseProxyRules("http=foopy;socks=foopy2");
 * console.log(rules.type); // perScheme
 * ```
 */
export function parseProxyRules(text: string): ParsedProxyRules {
  const problems: string[] = [];
  const lists: Record<SchemeKey | "socks", ProxyServer[]> = {
    http: [],
    https: [],
    ftp: [],
    socks: [],
  };
  let perScheme = false;
  for (const part of tokens(text, ";")) {
    const pieces = tokens(part, "=");
    for (let i = 0; i < pieces.length; i += 2) {
      const key = pieces[i]!;
      const list = pieces[i + 1];
      if (list === undefined) {
        // Chromium: a part without "=" is the single list, unless scheme lists came before.
        if (perScheme) continue;
        const proxies = parseList(key, "http", part, problems);
        return { rules: { type: "single", proxies }, problems };
      }
      perScheme = true;
      const scheme = key.trim();
      if (scheme === "http" || scheme === "https" || scheme === "ftp" || scheme === "socks") {
        const parsed = parseList(list, scheme === "socks" ? "socks4" : "http", part, problems);
        lists[scheme].push(...parsed);
      } else {
        problems.push(`Cannot parse proxy rule "${part}": unknown URL scheme "${scheme}"`);
      }
    }
  }
  if (!perScheme) return { rules: { type: "empty" }, problems };
  return {
    rules: {
      type: "perScheme",
      http: lists.http,
      https: lists.https,
      ftp: lists.ftp,
      fallback: lists.socks,
    },
    problems,
  };
}

/**
 * Picks the list for a URL, as `ProxyRules::Apply` does after the bypass rules: the scheme's
 * own list; for ws/wss the fallback, https then http lists; otherwise the fallback list;
 * otherwise DIRECT (`undefined`).
 *
 * @param rules The parsed rules.
 * @param protocol The URL's scheme with its colon, like `https:`.
 * @returns The list, or `undefined` for DIRECT.
 *
 * @example
 * ```ts
 * import { parseProxyRules, proxiesForScheme } from "./proxy_rules.ts";
 * const { rules } = parseProxyRules("https=s:1;http=h:2");
 * console.log(proxiesForScheme(rules, "wss:")); // [ { scheme: "http", host: "s", port: 1 } ]
 * ```
 */
export function proxiesForScheme(
  rules: ProxyRules,
  protocol: string,
): readonly ProxyServer[] | undefined {
  switch (rules.type) {
    case "empty":
      return undefined;
    case "single":
      return rules.proxies;
    case "perScheme": {
      const own = protocol === "http:"
        ? rules.http
        : protocol === "https:"
        ? rules.https
        : protocol === "ftp:"
        ? rules.ftp
        : undefined;
      if (own !== undefined && own.length > 0) return own;
      if (protocol === "ws:" || protocol === "wss:") {
        for (const list of [rules.fallback, rules.https, rules.http]) {
          if (list.length > 0) return list;
        }
        return undefined;
      }
      return rules.fallback.length > 0 ? rules.fallback : undefined;
    }
  }
}

/**
 * Writes rules in the canonical form {@linkcode parseProxyRules} reads back to the same rules.
 *
 * @param rules The rules.
 * @returns Like `http=foopy:80;socks=socks4://foopy2:1080`, or `""` when empty.
 *
 * @example
 * ```ts
 * import { formatProxyRules, parseProxyRules } from "./proxy_rules.ts";
 * console.log(formatProxyRules(parseProxyRules(" FOO:80 , socks://b").rules)); // foo:80,socks5://b:1080
 * ```
 */
export function formatProxyRules(rules: ProxyRules): string {
  switch (rules.type) {
    case "empty":
      return "";
    case "single":
      // An empty single list would read back as "empty"; "=" keeps it a list.
      return rules.proxies.length === 0 ? "," : rules.proxies.map(formatProxyUri).join(",");
    case "perScheme": {
      const parts: string[] = [];
      for (
        const [key, list] of [["http", rules.http], ["https", rules.https], [
          "ftp",
          rules.ftp,
        ]] as const
      ) {
        if (list.length > 0) parts.push(`${key}=${list.map(formatProxyUri).join(",")}`);
      }
      if (rules.fallback.length > 0) {
        parts.push(`socks=${rules.fallback.map(explicitUri).join(",")}`);
      }
      // A per-scheme rule set with no valid list still differs from "empty" (no DIRECT default).
      return parts.length === 0 ? "ftp=," : parts.join(";");
    }
  }
}

function explicitUri(proxy: ProxyServer): string {
  // Inside socks= a bare host means SOCKS4, so HTTP entries need their scheme.
  return proxy.scheme === "http" ? `http://${formatProxyUri(proxy)}` : formatProxyUri(proxy);
}

function parseList(
  list: string,
  defaultScheme: ProxyScheme,
  part: string,
  problems: string[],
): ProxyServer[] {
  const proxies: ProxyServer[] = [];
  for (const uri of tokens(list, ",")) {
    const parsed = parseProxyUri(uri, defaultScheme);
    if ("value" in parsed) proxies.push(parsed.value);
    else problems.push(`Cannot parse proxy rule "${part}": ${parsed.error}`);
  }
  return proxies;
}

/** Splits like Chromium's `StringTokenizer`: empty tokens are skipped. */
function tokens(text: string, delimiter: string): string[] {
  return text.split(delimiter).filter((token) => token !== "");
}
