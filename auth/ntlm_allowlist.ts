/**
 * Electron's `allowNTLMCredentialsForDomains(domains)`: the servers to which NTLM (integrated
 * authentication) may be sent, as Chromium's `HttpAuthFilterAllowlist` reads them.
 *
 * @module
 */

import { methodArgumentError } from "../core/conversion_error.ts";

/**
 * Which hosts may be sent NTLM credentials.
 *
 * @example
 * ```ts
 * import { NtlmAllowlist } from "./ntlm_allowlist.ts";
 * const list = new NtlmAllowlist();
 * list.set("*example.com, *foobar.com, *baz");
 * console.log(list.allows("intranet.example.com"), list.allows("example.org")); // true false
 * ```
 */
export class NtlmAllowlist {
  #patterns: RegExp[] = [];

  /**
   * Replaces the list.
   *
   * @param domains Comma-separated host patterns: `*` for every host, `*example.com` for hosts
   * ending so, `.example.com` for its subdomains, `example.com` for that host alone. Empty
   * clears the list.
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from <value>`
   * when `domains` is not a string, in the words of Chromium's gin that binds Electron's
   * Session (`undefined`, `null`, nothing for other values).
   */
  set(domains: string): void {
    if (typeof domains !== "string") throw methodArgumentError(0, domains);
    this.#patterns = domains.split(",").map((item) => item.trim().toLowerCase())
      .filter((item) => item !== "")
      .map((item) => item.startsWith(".") ? `*${item}` : item)
      .map((item) =>
        new RegExp(`^${item.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`)
      );
  }

  /**
   * Tells whether NTLM may be used with a host.
   *
   * @param host The host name or IP literal (IPv6 without brackets).
   * @returns Whether a pattern matches it.
   */
  allows(host: string): boolean {
    const lower = host.toLowerCase();
    return this.#patterns.some((pattern) => pattern.test(lower));
  }
}
