/**
 * Electron's `setProxy` config turned into what the resolver applies: mode inference and the
 * invalid-mode rejection of Electron's `Session::SetProxy` (shell/browser/api/
 * electron_api_session.cc), and the environment reading of Chromium's
 * `ProxyConfigServiceLinux::GetConfigFromEnv` for `system` mode.
 *
 * @module
 */

import type { ProxyConfig } from "../core/electron_types.ts";
import type { ProxyServer } from "../core/proxy_resolver_like.ts";
import { type BypassRules, parseBypassRules } from "./bypass_rules.ts";
import { parseProxyRules, type ProxyRules } from "./proxy_rules.ts";
import { parseProxyUri, type ProxyScheme } from "./proxy_uri.ts";

/** The settings a resolver applies. */
export type ProxySettings =
  | { readonly kind: "direct" }
  | { readonly kind: "fixed"; readonly rules: ProxyRules; readonly bypass: BypassRules }
  | {
    readonly kind: "pac";
    /** The PAC file's URL (http:, https:, file: or data:). */
    readonly url: string;
    /** Whether a PAC failure fails requests (`pac_script`) or lets them go DIRECT (WPAD). */
    readonly mandatory: boolean;
  }
  | { readonly kind: "system" };

/** The URL `auto_detect` fetches its PAC script from. */
export const WPAD_URL = "http://wpad/wpad.dat";

const MODES = ["direct", "auto_detect", "pac_script", "fixed_servers", "system"];

/**
 * Reads Electron's proxy config. Without a string `mode`: `pac_script` when `pacScript` is
 * non-empty (the rules are then ignored), else `fixed_servers`. A `pac_script` whose URL does
 * not parse goes direct, as in Chromium.
 *
 * @param config The object given to `ses.setProxy`.
 * @returns The settings.
 * @throws {Error} `Invalid mode, must be one of direct, auto_detect, pac_script, fixed_servers
 * or system` (Electron's message) for an unknown mode.
 *
 * @example
 * ```ts
 * import { proxySettingsFrom } from "./proxy_settings.ts";
 * console.log(proxySettingsFrom({ pacScript: "http://pac/p.pac", proxyRules: "a:1" }));
 * // { kind: "pac", url: "http://pac/p.pac", mandatory: true }
 * ```
 */
export function proxySettingsFrom(config: ProxyConfig): ProxySettings {
  const { mode, pacScript = "", proxyRules = "", proxyBypassRules = "" } = config ?? {};
  const text = (value: unknown) => typeof value === "string" ? value : "";
  // Electron's `options.Get("mode", &mode)` fails for anything but a string, and a failed
  // read means no mode was given.
  if (typeof mode !== "string") {
    if (text(pacScript) !== "") return pac(text(pacScript));
    return fixed(text(proxyRules), text(proxyBypassRules));
  }
  if (!MODES.includes(mode)) {
    throw new Error(
      "Invalid mode, must be one of direct, auto_detect, pac_script, fixed_servers or system",
    );
  }
  switch (mode) {
    case "direct":
      return { kind: "direct" };
    case "auto_detect":
      return { kind: "pac", url: WPAD_URL, mandatory: false };
    case "pac_script":
      return pac(text(pacScript));
    case "fixed_servers":
      return fixed(text(proxyRules), text(proxyBypassRules));
    default:
      return { kind: "system" };
  }
}

// Chromium's PrefProxyConfigTrackerImpl goes direct for a PAC URL that does not parse ("Invalid
// proxy PAC url"), so a typo never fails every request as a failing mandatory PAC would.
function pac(url: string): ProxySettings {
  return URL.canParse(url) ? { kind: "pac", url, mandatory: true } : { kind: "direct" };
}

function fixed(rules: string, bypass: string): ProxySettings {
  return { kind: "fixed", rules: parseProxyRules(rules).rules, bypass: parseBypassRules(bypass) };
}

/**
 * Reads proxy settings from the environment as Chromium does on Linux: `auto_proxy` (empty →
 * WPAD, else a PAC URL), then `all_proxy`, else `http_proxy` / `https_proxy` / `ftp_proxy` per
 * scheme, else `SOCKS_SERVER` (SOCKS5 unless `SOCKS_VERSION=4`); `no_proxy` as suffix bypass
 * rules. Each name is looked up as written here, then in the other case (`HTTP_PROXY`,
 * `socks_server`), as Chromium's `base::Environment::GetVar` does. Unlike Chromium, which drops
 * them, an explicit scheme (`socks5://`, `https://`) and credentials are kept.
 *
 * @param env Reads one variable; `undefined` when unset.
 * @returns The settings; `direct` when nothing is set.
 *
 * @example
 * ```ts
 * import { settingsFromEnvironment } from "./proxy_settings.ts";
 * const env: Record<string, string> = { HTTPS_PROXY: "http://p:3128/", no_proxy: "internal" };
 * console.log(settingsFromEnvironment((name) => env[name]).kind); // fixed
 * ```
 */
export function settingsFromEnvironment(env: (name: string) => string | undefined): ProxySettings {
  // As given, then in the other case (base::Environment::GetVar): HTTP_PROXY for http_proxy,
  // socks_server for SOCKS_SERVER.
  const read = (name: string) =>
    env(name) ?? env(/^[a-z]/.test(name) ? name.toUpperCase() : name.toLowerCase());
  const autoProxy = read("auto_proxy");
  if (autoProxy !== undefined) {
    return { kind: "pac", url: autoProxy === "" ? WPAD_URL : autoProxy, mandatory: false };
  }
  const proxyFrom = (name: string, scheme: ProxyScheme): ProxyServer | undefined => {
    let value = read(name);
    if (value === undefined || value === "") return undefined;
    if (value.endsWith("/")) value = value.slice(0, -1);
    const parsed = parseProxyUri(value, scheme);
    return "value" in parsed ? parsed.value : undefined;
  };
  let rules: ProxyRules = { type: "empty" };
  const all = proxyFrom("all_proxy", "http");
  if (all !== undefined) {
    rules = { type: "single", proxies: [all] };
  } else {
    const http = proxyFrom("http_proxy", "http");
    const https = proxyFrom("https_proxy", "http");
    const ftp = proxyFrom("ftp_proxy", "http");
    if (http || https || ftp) {
      rules = {
        type: "perScheme",
        http: http ? [http] : [],
        https: https ? [https] : [],
        ftp: ftp ? [ftp] : [],
        fallback: [],
      };
    } else {
      const version = read("SOCKS_VERSION") === "4" ? "socks4" : "socks5";
      const socks = proxyFrom("SOCKS_SERVER", version);
      if (socks) rules = { type: "single", proxies: [socks] };
    }
  }
  if (rules.type === "empty") return { kind: "direct" };
  const bypass = parseBypassRules(read("no_proxy") ?? "", { suffixMatching: true });
  return { kind: "fixed", rules, bypass };
}
