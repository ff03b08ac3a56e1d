/**
 * Proxy settings with Chromium's semantics: proxy rules and URIs, bypass rules, PAC results,
 * a sandboxed PAC engine (QuickJS), the resolver behind `ses.setProxy`, `ses.resolveProxy` and
 * `ses.forceReloadProxyConfig`, and the tunnel handshakes (HTTP CONNECT, SOCKS4/4a/5) the
 * transport runs over sockets it opens.
 *
 * @example
 * ```ts
 * import { ProxyResolver } from "./mod.ts";
 * const resolver = new ProxyResolver();
 * await resolver.setProxy({ proxyRules: "foopy:80,bar,direct://" });
 * console.log(await resolver.resolveProxy("https://example.com/")); // PROXY foopy:80;PROXY bar:80;DIRECT
 * ```
 *
 * @module
 */

export {
  bypassMatches,
  type BypassRule,
  type BypassRules,
  formatBypassRules,
  matchesImplicitRules,
  parseBypassRules,
  type ParseBypassRulesOptions,
  type ParsedBypassRules,
} from "./bypass_rules.ts";
export { httpConnectHandshake, MAX_TUNNEL_HEAD_BYTES } from "./http_connect_handshake.ts";
export { parsePacResult } from "./pac_result.ts";
export {
  MAX_PAC_DNS_LOOKUPS,
  type PacRunObserver,
  PacScript,
  type PacScriptOptions,
} from "./pac_script.ts";
export type { HostLookup } from "./_pac_host_services.ts";
export {
  BAD_PROXY_RETRY_MS,
  MAX_PAC_BYTES,
  type PacFetch,
  ProxyResolver,
  type ProxyResolverOptions,
} from "./proxy_resolver.ts";
export {
  formatProxyRules,
  type ParsedProxyRules,
  parseProxyRules,
  proxiesForScheme,
  type ProxyRules,
} from "./proxy_rules.ts";
export { type ProxyConfigValue, proxyConfigValue } from "./proxy_net_log_values.ts";
export { socksHandshake } from "./socks_handshake.ts";
export { tunnelHandshake } from "./tunnel_handshake.ts";
export {
  type ProxySettings,
  proxySettingsFrom,
  settingsFromEnvironment,
  WPAD_URL,
} from "./proxy_settings.ts";
export {
  DIRECT,
  formatPacElement,
  formatPacString,
  formatProxyUri,
  type Parsed,
  parsePort,
  parseProxyUri,
  type ProxyScheme,
  serverFrom,
  trimLws,
} from "./proxy_uri.ts";
