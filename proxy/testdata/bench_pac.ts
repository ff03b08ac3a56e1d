/**
 * The PAC script of bench/proxy_bench.ts, here so that the proxy tests can check it too (a
 * test under proxy/ may not import bench/).
 *
 * @module
 */

/**
 * The script both engines run: the usual helpers, no DNS (pac-resolver's DNS is async). It lies
 * in the straight-line subset that `PacScript` answers on the calling thread.
 */
export const BENCH_PAC = `function FindProxyForURL(url, host) {
  if (isPlainHostName(host) || dnsDomainIs(host, ".intranet.example")) return "DIRECT";
  if (localHostOrDomainIs(host, "www.example.net")) return "DIRECT";
  if (shExpMatch(host, "*.cdn.example.com") || shExpMatch(url, "http://*/static/*")) {
    return "PROXY cache:8080; DIRECT";
  }
  if (dnsDomainLevels(host) > 3) return "PROXY deep:8080";
  if (url.substring(0, 6) === "https:") return "HTTPS secure:443; PROXY p:3128";
  return "PROXY p:3128; SOCKS5 s:1080; DIRECT";
}`;
