/**
 * Proxy settings as a Chromium net log shows them in its `polledData`: Chromium's
 * `ProxyConfig::ToValue` (net/proxy_resolution/proxy_config.cc) for the settings, and
 * `ConfiguredProxyResolutionService::GetProxyNetLogValues` for the bad proxies.
 *
 * @module
 */

import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import { formatBypassRules } from "./bypass_rules.ts";
import type { ProxySettings } from "./proxy_settings.ts";
import { WPAD_URL } from "./proxy_settings.ts";
import { formatProxyUri } from "./proxy_uri.ts";

/** A proxy config as `ProxyConfig::ToValue` writes it; `{}` is DIRECT. */
export type ProxyConfigValue = Record<string, unknown>;

/**
 * Writes applied settings (the environment's already read for `system`) as Chromium's
 * `ProxyConfig::ToValue`: `auto_detect`, `pac_url` with `pac_mandatory`, `single_proxy` or
 * `proxy_per_scheme` (`http`, `https`, `ftp`, `fallback` lists of proxy URIs), and
 * `bypass_list`. Proxy credentials are never written: Chromium's `ProxyServer` has none.
 *
 * @param settings The settings in force.
 * @returns The value; `{}` for DIRECT.
 *
 * @example
 * ```ts
 * import { proxyConfigValue } from "./proxy_net_log_values.ts";
 * import { proxySettingsFrom } from "./proxy_settings.ts";
 * const settings = proxySettingsFrom({ proxyRules: "http=a:8080", proxyBypassRules: "<local>" });
 * console.log(JSON.stringify(proxyConfigValue(settings)));
 * // {"proxy_per_scheme":{"http":["a:8080"]},"bypass_list":["<local>"]}
 * ```
 */
export function proxyConfigValue(settings: ProxySettings): ProxyConfigValue {
  switch (settings.kind) {
    case "direct":
    case "system":
      return {};
    case "pac":
      if (!settings.mandatory && settings.url === WPAD_URL) return { auto_detect: true };
      return settings.mandatory
        ? { pac_url: settings.url, pac_mandatory: true }
        : { pac_url: settings.url };
    case "fixed": {
      const { rules, bypass } = settings;
      if (rules.type === "empty") return {};
      const value: ProxyConfigValue = {};
      if (rules.type === "single") {
        addList(value, "single_proxy", rules.proxies);
      } else {
        const perScheme: ProxyConfigValue = {};
        addList(perScheme, "http", rules.http);
        addList(perScheme, "https", rules.https);
        addList(perScheme, "ftp", rules.ftp);
        addList(perScheme, "fallback", rules.fallback);
        value.proxy_per_scheme = perScheme;
      }
      if (bypass.rules.length > 0) {
        value.bypass_list = bypass.rules.map((rule) => formatBypassRules({ rules: [rule] }));
      }
      return value;
    }
  }
}

// Chromium's AddProxyListToValue: an empty list is left out.
function addList(value: ProxyConfigValue, name: string, proxies: readonly ProxyServer[]): void {
  if (proxies.length === 0) return;
  value[name] = proxies.map((proxy) =>
    formatProxyUri(
      proxy.scheme === "direct" ? proxy : { ...proxy, username: undefined, password: undefined },
    )
  );
}
