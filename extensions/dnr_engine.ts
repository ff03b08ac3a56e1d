/**
 * The session's declarativeNetRequest state: every loaded extension's indexed rules, and the
 * evaluation of a request against them with Chromium's ranking (ruleset_manager.cc).
 *
 * @module
 */

import { DnrIndex } from "./dnr_index.ts";
import {
  type CompiledRule,
  type HeaderOperation,
  REQUEST_METHODS,
  RESOURCE_TYPES,
  type ResourceType,
  ruleRegex,
} from "./dnr_rule.ts";
import { redirectTarget, upgradedUrl } from "./redirect_target.ts";

/** A request as the rules see it. */
export interface DnrRequest {
  /** The request URL (a normalised `href`). */
  url: string;
  /** The method, any case. */
  method: string;
  /** declarativeNetRequest's resource type. */
  resourceType: ResourceType;
}

/** A header operation together with the extension whose rule asked for it. */
export interface ExtensionHeaderOperation extends HeaderOperation {
  /** The extension's id. */
  extensionId: string;
}

/** What the rules decided for a request; `undefined` from {@linkcode DnrEngine.evaluate} when nothing matched. */
export type DnrDecision =
  | { kind: "block"; extensionId: string; ruleId: number }
  | { kind: "redirect"; url: string; extensionId: string; ruleId: number }
  | {
    kind: "modifyHeaders";
    requestHeaders: ExtensionHeaderOperation[];
    responseHeaders: ExtensionHeaderOperation[];
  };

interface LoadedRules {
  extensionId: string;
  path: string;
  index: DnrIndex;
}

// Across extensions: block beats an upgrade, an upgrade beats a redirect; ties go to the
// extension loaded last.
const CROSS_EXTENSION_RANK = { block: 3, upgradeScheme: 2, redirect: 1 } as const;

const MATCHED_SCHEMES = new Set(["http:", "https:", "ws:", "wss:"]);

/**
 * The rules of a session's extensions. `active` is false while no loaded extension has an
 * enabled rule, so the pipeline stages can step aside without any work.
 */
export class DnrEngine {
  // Most recently loaded first: Chromium gives precedence to the latest install.
  #loaded: LoadedRules[] = [];
  // Every loaded extension's directory, rules or not, for its chrome-extension:// resources.
  readonly #paths = new Map<string, string>();

  /** Whether any extension has rules; the stages' fast path reads it. */
  active = false;

  /**
   * Sets (or replaces) an extension's rules.
   *
   * @param extensionId The extension's id.
   * @param path The extension directory, for `extensionPath` redirects.
   * @param rules Its enabled static rules.
   *
   * @example
   * ```ts
   * import { DnrEngine } from "./dnr_engine.ts";
   * import { parseRuleset } from "./dnr_rule.ts";
   * const engine = new DnrEngine();
   * const { rules } = parseRuleset(
   *   '[{"id": 1, "action": {"type": "block"}, "condition": {"urlFilter": "||ads.test^"}}]',
   *   { rules: 30000, regexRules: 1000 },
   * );
   * engine.set("abcdefghijklmnopabcdefghijklmnop", "/ext", rules);
   * const decision = engine.evaluate({ url: "https://ads.test/x", method: "GET", resourceType: "xmlhttprequest" });
   * console.log(decision?.kind); // block
   * ```
   */
  set(extensionId: string, path: string, rules: readonly CompiledRule[]): void {
    this.delete(extensionId);
    this.#paths.set(extensionId, path);
    if (rules.length > 0) {
      this.#loaded.unshift({ extensionId, path, index: new DnrIndex(rules) });
    }
    this.active = this.#loaded.length > 0;
  }

  /**
   * Drops an extension's rules.
   *
   * @param extensionId The extension's id.
   */
  delete(extensionId: string): void {
    this.#loaded = this.#loaded.filter((entry) => entry.extensionId !== extensionId);
    this.#paths.delete(extensionId);
    this.active = this.#loaded.length > 0;
  }

  /**
   * The directory of a loaded extension (with rules or without), for `chrome-extension://`
   * resources.
   *
   * @param extensionId The extension's id.
   * @returns Its path, or `undefined`.
   */
  extensionPath(extensionId: string): string | undefined {
    return this.#paths.get(extensionId);
  }

  /**
   * Evaluates a request. Within an extension the matching rule with the highest
   * `(priority << 8) | action rank` decides (allow 5, allowAllRequests 4, block 3,
   * upgradeScheme 2, redirect 1), but each ruleset's urlFilter and regexFilter rules are
   * ranked apart and a top rule that cannot act (a redirect to the URL itself, an upgrade of an
   * https: URL) hides its group's lower rules, as in Chromium; an allow stops only that
   * extension's rules. Its `modifyHeaders` rules apply when nothing blocks or redirects, those
   * above an allow's priority only, highest first. A request has no initiator: `initiatorDomains` rules never
   * match it, `excludedInitiatorDomains` never exclude it, and it counts as third-party.
   *
   * @param request The request.
   * @returns The decision, or `undefined` when no rule acts.
   */
  evaluate(request: DnrRequest): DnrDecision | undefined {
    let parsed: URL;
    try {
      parsed = new URL(request.url);
    } catch {
      return undefined;
    }
    if (!MATCHED_SCHEMES.has(parsed.protocol)) return undefined;
    const url = parsed.href;
    const lowerUrl = url.toLowerCase();
    // Domain conditions ignore a trailing dot of the host, as Chromium's
    // GetLongestMatchingSubdomain and url::DomainIs do: a.test. is a.test.
    let host = parsed.hostname.toLowerCase();
    if (host.endsWith(".")) host = host.slice(0, -1);
    const typeBit = 1 << RESOURCE_TYPES.indexOf(request.resourceType);
    const methodIndex = REQUEST_METHODS.indexOf(request.method.toLowerCase() as never);
    const methodBit = 1 << (methodIndex === -1 ? REQUEST_METHODS.indexOf("other") : methodIndex);
    let action: Extract<DnrDecision, { kind: "block" | "redirect" }> | undefined;
    let actionRank = 0;
    const requestHeaders: ExtensionHeaderOperation[] = [];
    const responseHeaders: ExtensionHeaderOperation[] = [];
    for (const { extensionId, index } of this.#loaded) {
      const matched: CompiledRule[] = [];
      for (const rule of index.candidates(lowerUrl, host)) {
        if (
          (rule.resourceTypes & typeBit) !== 0 && (rule.requestMethods & methodBit) !== 0 &&
          matchesRule(rule, url, lowerUrl, host) && !matched.includes(rule)
        ) {
          matched.push(rule);
        }
      }
      if (matched.length === 0) continue;
      matched.sort((a, b) => b.rank - a.rank);
      let floor = 0;
      let stopped = false;
      // Chromium matches each ruleset's urlFilter rules and its regexFilter rules apart
      // (ExtensionUrlPatternIndexMatcher, RegexRulesMatcher), each giving its top rule's action
      // or none: a redirect to the URL itself or an upgrade of a URL that is not http:/ws: gives
      // none, and that matcher's lower rules do not stand in (ruleset_matcher_base.cc). The
      // extension takes the best action of its matchers.
      const decided = new Set<string>();
      for (const rule of matched) {
        const type = rule.action.type;
        if (type === "modifyHeaders") continue;
        const matcher = `${rule.ruleset ?? 0}${rule.isRegex ? "r" : "u"}`;
        if (decided.has(matcher)) continue;
        decided.add(matcher);
        if (type === "allow" || type === "allowAllRequests") {
          floor = rule.priority;
          break;
        }
        const ruleAction = rule.action;
        const target = ruleAction.type === "block"
          ? undefined
          : ruleAction.type === "redirect"
          ? redirectTarget(ruleAction.redirect, url, extensionId, ruleRegex(rule))
          : upgradedUrl(url);
        if (type !== "block" && target === undefined) continue;
        stopped = true;
        const rank = CROSS_EXTENSION_RANK[type as keyof typeof CROSS_EXTENSION_RANK];
        if (rank > actionRank) {
          actionRank = rank;
          action = type === "block"
            ? { kind: "block", extensionId, ruleId: rule.id }
            : { kind: "redirect", url: target!, extensionId, ruleId: rule.id };
        }
        break;
      }
      if (stopped) continue;
      for (const rule of matched) {
        if (rule.action.type !== "modifyHeaders" || rule.priority <= floor) continue;
        for (const op of rule.action.requestHeaders) requestHeaders.push({ ...op, extensionId });
        for (const op of rule.action.responseHeaders) responseHeaders.push({ ...op, extensionId });
      }
    }
    if (action !== undefined) return action;
    if (requestHeaders.length === 0 && responseHeaders.length === 0) return undefined;
    return { kind: "modifyHeaders", requestHeaders, responseHeaders };
  }
}

function matchesRule(rule: CompiledRule, url: string, lowerUrl: string, host: string): boolean {
  if (rule.initiatorDomains !== null) return false;
  if (rule.domainType === "firstParty") return false;
  if (rule.requestDomains !== null && !inDomains(host, rule.requestDomains)) return false;
  if (rule.excludedRequestDomains !== null && inDomains(host, rule.excludedRequestDomains)) {
    return false;
  }
  const regex = ruleRegex(rule);
  return regex === null || regex.test(rule.onLowerCase ? lowerUrl : url);
}

function inDomains(host: string, domains: readonly string[]): boolean {
  for (const domain of domains) {
    if (
      host === domain || (host.endsWith(domain) && host[host.length - domain.length - 1] === ".")
    ) {
      return true;
    }
  }
  return false;
}
