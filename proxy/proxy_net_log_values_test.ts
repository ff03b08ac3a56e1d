import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { proxyConfigValue } from "./proxy_net_log_values.ts";
import { proxySettingsFrom } from "./proxy_settings.ts";
import { ProxyResolver } from "./proxy_resolver.ts";

describe("proxyConfigValue (Chromium's ProxyConfig::ToValue)", () => {
  const value = (config: Parameters<typeof proxySettingsFrom>[0]) =>
    proxyConfigValue(proxySettingsFrom(config));

  it("writes a single list, per-scheme lists and the bypass list as Chromium does", () => {
    assert.deepEqual(value({ proxyRules: "a:8080,socks5://s:1080,direct://" }), {
      single_proxy: ["a:8080", "socks5://s:1080", "direct://"],
    });
    assert.deepEqual(
      value({ proxyRules: "http=a;https=https://b:443;socks=c", proxyBypassRules: "*.x, <local>" }),
      {
        proxy_per_scheme: {
          http: ["a:80"],
          https: ["https://b:443"],
          fallback: ["socks4://c:1080"],
        },
        bypass_list: ["*.x", "<local>"],
      },
    );
  });

  it("writes PAC, WPAD and DIRECT settings", () => {
    assert.deepEqual(value({ mode: "pac_script", pacScript: "http://p/x.pac" }), {
      pac_url: "http://p/x.pac",
      pac_mandatory: true,
    });
    assert.deepEqual(value({ mode: "auto_detect" }), { auto_detect: true });
    assert.deepEqual(value({ mode: "direct" }), {});
    // Bypass rules mean nothing without proxy rules; Chromium leaves them out too.
    assert.deepEqual(value({ proxyRules: "", proxyBypassRules: "<local>" }), {});
  });

  it("never writes proxy credentials, in the settings or the bad proxies", async () => {
    const resolver = new ProxyResolver();
    await resolver.setProxy({ proxyRules: "http://user:s3cret@a:3128" });
    assert.deepEqual(resolver.netLogValues().proxySettings.effective, { single_proxy: ["a:3128"] });
    resolver.reportFailure({
      scheme: "http",
      host: "a",
      port: 3128,
      username: "user",
      password: "s3cret",
    });
    const [bad] = resolver.netLogValues().badProxies;
    assert.equal(bad?.proxy_chain_uri, "a:3128");
    // Five minutes on the log's clock (ms since the time origin), as a string.
    const until = Number(bad?.bad_until);
    assert.ok(
      until > performance.now() + 290_000 && until < performance.now() + 310_000,
      bad?.bad_until,
    );
  });

  it("shows the environment's proxy for a session that follows the system", () => {
    const env: Record<string, string> = { http_proxy: "http://envproxy:3128" };
    const resolver = new ProxyResolver({ env: (name) => env[name] });
    const { original, effective } = resolver.netLogValues().proxySettings;
    assert.deepEqual(original, effective);
    assert.notDeepEqual(effective, {});
  });
});
