/**
 * Electron's `proxyBypassRules` with the semantics of Chromium's `ProxyBypassRules`
 * (net/proxy_resolution/proxy_bypass_rules.cc, net/base/scheme_host_port_matcher_rule.cc).
 *
 * @module
 */

import {
  formatIp,
  type IpBytes,
  ipMatchesPrefix,
  parseIpLiteral,
  unmapIpv4,
} from "./_ip_address.ts";
import { parsePort } from "./proxy_uri.ts";

/** One bypass rule. */
export type BypassRule =
  | {
    /** `[scheme://]pattern[:port]`; `*` and `?` glob the host, IP literals canonical. */
    readonly type: "hostname";
    readonly scheme: string;
    readonly pattern: string;
    /** The port, or -1 for any. */
    readonly port: number;
  }
  | {
    /** `[scheme://]ip/bits`: URLs whose host is an IP literal in the block. */
    readonly type: "ipBlock";
    readonly scheme: string;
    /** The network's address bytes (4 or 16). */
    readonly prefix: Uint8Array;
    readonly bits: number;
  }
  | { readonly type: "local" }
  | { readonly type: "subtractImplicit" };

/** The parsed rules, in the order written. */
export interface BypassRules {
  /** The rules; they are checked last to first. */
  readonly rules: readonly BypassRule[];
}

/** What {@linkcode parseBypassRules} found. */
export interface ParsedBypassRules extends BypassRules {
  /** One message per rule dropped, like `Cannot parse bypass rule "foo:x": port is invalid`. */
  readonly problems: readonly string[];
}

/** Options for {@linkcode parseBypassRules}. */
export interface ParseBypassRulesOptions {
  /**
   * Read host names as suffixes (`google.com` as `*google.com`), the way Chromium reads
   * `no_proxy` from the environment. Default false.
   */
  suffixMatching?: boolean;
}

/**
 * Parses bypass rules separated by `,` or `;`. Forms: `[scheme://]host-pattern[:port]` (`*`
 * glob; `.x.com` means `*.x.com`), `[scheme://]ip-literal[:port]`, `ip/prefix-length` (CIDR),
 * `<local>` and `<-loopback>`. Invalid rules are dropped and reported; it never throws.
 *
 * @param text The rules.
 * @param options `{suffixMatching}`.
 * @returns The rules and the problems met.
 *
 * @example
 * ```ts
 * import { bypassMatches, parseBypassRules } from "./bypass_rules.ts";
 * const rules = parseBypassRules(".example.com, 10.0.0.0/8, <local>");
 * console.log(bypassMatches(rules, new URL("http://a.example.com/"))); // true
 * console.log(bypassMatches(rules, new URL("http://10.1.2.3:81/"))); // true
 * console.log(bypassMatches(rules, new URL("http://other.test/"))); // false
 * ```
 */
export function parseBypassRules(
  text: string,
  options: ParseBypassRulesOptions = {},
): ParsedBypassRules {
  const { suffixMatching = false } = options;
  const rules: BypassRule[] = [];
  const problems: string[] = [];
  for (const raw of text.split(/[,;]/)) {
    const trimmed = raw.trim();
    if (trimmed === "") continue;
    const rule = parseRule(trimmed, suffixMatching);
    if ("error" in rule) problems.push(`Cannot parse bypass rule "${trimmed}": ${rule.error}`);
    else rules.push(rule);
  }
  return { rules, problems };
}

function parseRule(text: string, suffixMatching: boolean): BypassRule | { error: string } {
  const lower = text.toLowerCase();
  if (lower === "<local>") return { type: "local" };
  if (lower === "<-loopback>") return { type: "subtractImplicit" };
  let rest = text;
  let scheme = "";
  const schemeEnd = rest.indexOf("://");
  if (schemeEnd >= 0) {
    scheme = rest.slice(0, schemeEnd).toLowerCase();
    rest = rest.slice(schemeEnd + 3);
    if (scheme === "") return { error: "scheme is empty" };
  }
  if (rest === "") return { error: "host is empty" };
  if (rest.includes("/")) {
    const [address = "", bits = "", extra] = rest.split("/");
    const prefix = parseIpLiteral(address);
    if (prefix === undefined || extra !== undefined) {
      return { error: `"${rest}" is not an IP block` };
    }
    const length = /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    if (!(length <= prefix.length * 8)) {
      return { error: `prefix length "${bits}" is out of range` };
    }
    return { type: "ipBlock", scheme, prefix, bits: length };
  }
  const literal = ipLiteralWithPort(rest);
  if (literal !== undefined) {
    const pattern = literal.ip.length === 16 ? `[${formatIp(literal.ip)}]` : formatIp(literal.ip);
    return { type: "hostname", scheme, pattern, port: literal.port };
  }
  let port = -1;
  const colon = rest.lastIndexOf(":");
  if (colon >= 0) {
    const parsed = parsePort(rest.slice(colon + 1));
    if (parsed === undefined) return { error: `port "${rest.slice(colon + 1)}" is invalid` };
    port = parsed;
    rest = rest.slice(0, colon);
  }
  let pattern = rest.toLowerCase();
  if (pattern.startsWith(".")) pattern = `*${pattern}`;
  if (suffixMatching && !pattern.startsWith("*")) pattern = `*${pattern}`;
  return { type: "hostname", scheme, pattern, port };
}

function ipLiteralWithPort(text: string): { ip: IpBytes; port: number } | undefined {
  let host = text;
  let port = -1;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0) return undefined;
    host = text.slice(1, close);
    const after = text.slice(close + 1);
    if (after !== "") {
      const parsed = after.startsWith(":") ? parsePort(after.slice(1)) : undefined;
      if (parsed === undefined) return undefined;
      port = parsed;
    }
    if (!host.includes(":")) return undefined;
  } else {
    const colon = text.indexOf(":");
    if (colon >= 0) {
      if (text.indexOf(":", colon + 1) >= 0) return undefined;
      const parsed = parsePort(text.slice(colon + 1));
      if (parsed === undefined) return undefined;
      host = text.slice(0, colon);
      port = parsed;
    }
  }
  const ip = parseIpLiteral(host);
  return ip === undefined ? undefined : { ip, port };
}

/**
 * Tells whether a URL bypasses the proxy: rules are checked last to first and the first that
 * matches wins; when none matches, the implicit rules bypass `localhost`, `*.localhost`,
 * loopback and link-local addresses (`<-loopback>` removes them).
 *
 * @param rules Parsed rules.
 * @param url The request URL.
 * @returns Whether to go DIRECT.
 *
 * @example
 * ```ts
 * import { bypassMatches, parseBypassRules } from "./bypass_rules.ts";
 * console.log(bypassMatches(parseBypassRules(""), new URL("http://127.0.0.1/"))); // true
 * console.log(bypassMatches(parseBypassRules("<-loopback>"), new URL("http://127.0.0.1/"))); // false
 * ```
 */
export function bypassMatches(rules: BypassRules, url: URL): boolean {
  const list = rules.rules;
  if (list.length === 0) return matchesImplicitRules(url);
  const subject = new Subject(url);
  for (let i = list.length - 1; i >= 0; i--) {
    const verdict = evaluate(list[i]!, subject);
    if (verdict !== undefined) return verdict;
  }
  return matchesImplicitRules(url);
}

/** The parts of a URL the rules look at, read once per match. */
class Subject {
  readonly url: URL;
  readonly host: string;
  readonly scheme: string;
  readonly port: number;
  #ip: IpBytes | undefined | null = null;

  constructor(url: URL) {
    this.url = url;
    this.host = url.hostname;
    this.scheme = url.protocol.slice(0, -1);
    this.port = url.port === "" ? DEFAULT_PORTS[url.protocol] ?? -1 : Number(url.port);
  }

  /** The host's address when it is an IP literal. */
  get ip(): IpBytes | undefined {
    if (this.#ip === null) this.#ip = hostIp(this.host);
    return this.#ip;
  }
}

/**
 * Chromium's implicit bypass rules: localhost names, loopback and link-local IP literals.
 *
 * @param url The request URL.
 * @returns Whether the URL's host is one of them.
 *
 * @example
 * ```ts
 * import { matchesImplicitRules } from "./bypass_rules.ts";
 * console.log(matchesImplicitRules(new URL("http://[fe80::1]/"))); // true
 * ```
 */
export function matchesImplicitRules(url: URL): boolean {
  const host = url.hostname;
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  const ip = hostIp(host);
  if (ip === undefined) return false;
  const address = unmapIpv4(ip);
  if (address.length === 4) {
    return address[0] === 127 || (address[0] === 169 && address[1] === 254);
  }
  return ipMatchesPrefix(address, LOOPBACK_V6, 128) || ipMatchesPrefix(address, LINK_LOCAL_V6, 10);
}

const LOOPBACK_V6 = parseIpLiteral("::1")!;
const LINK_LOCAL_V6 = parseIpLiteral("fe80::")!;
const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  "http:": 80,
  "https:": 443,
  "ws:": 80,
  "wss:": 443,
  "ftp:": 21,
};

function evaluate(rule: BypassRule, subject: Subject): boolean | undefined {
  switch (rule.type) {
    case "hostname": {
      if (rule.port !== -1 && subject.port !== rule.port) return undefined;
      if (rule.scheme !== "" && subject.scheme !== rule.scheme) return undefined;
      return globMatch(subject.host, rule.pattern) ? true : undefined;
    }
    case "ipBlock": {
      if (rule.scheme !== "" && subject.scheme !== rule.scheme) return undefined;
      const ip = subject.ip;
      if (ip === undefined) return undefined;
      return ipMatchesPrefix(ip, rule.prefix, rule.bits) ? true : undefined;
    }
    case "local": {
      const host = subject.host;
      return !host.includes(".") && subject.ip === undefined ? true : undefined;
    }
    case "subtractImplicit":
      return matchesImplicitRules(subject.url) ? false : undefined;
  }
}

function hostIp(hostname: string): IpBytes | undefined {
  // A URL's host is canonical: IPv4 as four decimal numbers, IPv6 in brackets.
  if (hostname.startsWith("[")) return parseIpLiteral(hostname.slice(1, -1));
  const last = hostname.charCodeAt(hostname.length - 1);
  if (!(last >= 48 && last <= 57)) return undefined;
  const parts = hostname.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    if (!/^\d{1,3}$/.test(part)) return undefined;
    bytes[i] = Number(part);
  }
  return bytes;
}

/**
 * Matches `*` (any run) and `?` (one character) like `base::MatchPattern`, in linear time so
 * no pattern can stall a request.
 */
function globMatch(text: string, pattern: string): boolean {
  if (!pattern.includes("*") && !pattern.includes("?")) return text === pattern;
  let t = 0;
  let p = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    const c = pattern[p];
    if (c === "?" || (c !== undefined && c !== "*" && c === text[t])) {
      t++;
      p++;
    } else if (c === "*") {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (pattern[p] === "*") p++;
  return p === pattern.length;
}

/**
 * Writes rules in the canonical form {@linkcode parseBypassRules} reads back to the same rules,
 * joined by `;` as Chromium's `ToString`.
 *
 * @param rules The rules.
 * @returns Like `*.example.com;10.0.0.0/8;<local>`.
 *
 * @example
 * ```ts
 * import { formatBypassRules, parseBypassRules } from "./bypass_rules.ts";
 * console.log(formatBypassRules(parseBypassRules(".A.com:99, http://0x7f.1/8"))); // *.a.com:99;http://127.0.0.1/8
 * ```
 */
export function formatBypassRules(rules: BypassRules): string {
  return rules.rules.map(formatRule).join(";");
}

function formatRule(rule: BypassRule): string {
  switch (rule.type) {
    case "local":
      return "<local>";
    case "subtractImplicit":
      return "<-loopback>";
    case "hostname": {
      const scheme = rule.scheme === "" ? "" : `${rule.scheme}://`;
      return `${scheme}${rule.pattern}${rule.port === -1 ? "" : `:${rule.port}`}`;
    }
    case "ipBlock": {
      const scheme = rule.scheme === "" ? "" : `${rule.scheme}://`;
      return `${scheme}${formatIp(rule.prefix)}/${rule.bits}`;
    }
  }
}
