/**
 * declarativeNetRequest rules: the JSON shape of a static ruleset checked with Chromium's
 * messages (extensions/browser/api/declarative_net_request/constants.cc, indexed_rule.cc).
 *
 * A rule whose JSON does not fit the schema is skipped with a warning (Chromium's
 * `kRuleNotParsedWarning`); a rule that fits it but breaks a rule of the API fails the
 * install, as for an unpacked extension in Chromium.
 *
 * @module
 */

import { compileRegexFilter } from "./regex_filter.ts";
import { compileUrlRegex, type UrlRegex } from "./url_regex.ts";
import { compileUrlFilter } from "./url_filter.ts";
import { parseExtensionJson } from "./_json.ts";

/** declarativeNetRequest's resource types. */
export const RESOURCE_TYPES = [
  "main_frame",
  "sub_frame",
  "stylesheet",
  "script",
  "image",
  "font",
  "object",
  "xmlhttprequest",
  "ping",
  "csp_report",
  "media",
  "websocket",
  "webtransport",
  "webbundle",
  "other",
] as const;

/** One of {@linkcode RESOURCE_TYPES}. */
export type ResourceType = typeof RESOURCE_TYPES[number];

/** declarativeNetRequest's request methods. */
export const REQUEST_METHODS = [
  "connect",
  "delete",
  "get",
  "head",
  "options",
  "patch",
  "post",
  "put",
  "other",
] as const;

/** A header operation of a `modifyHeaders` rule. */
export interface HeaderOperation {
  /** The header name, lower-cased. */
  header: string;
  /** What to do. */
  operation: "append" | "set" | "remove";
  /** The value for `append` and `set`. */
  value?: string;
}

/** A `redirect` action's target, one of four forms. */
export interface RedirectSpec {
  /** An absolute URL. */
  url?: string;
  /** A path inside the extension, starting with `/`. */
  extensionPath?: string;
  /** Changes to the request URL. */
  transform?: UrlTransform;
  /** A substitution for the rule's `regexFilter` match (`\0`–`\9`). */
  regexSubstitution?: string;
}

/** A `redirect.transform`: the request URL with some parts replaced. */
export interface UrlTransform {
  /** New scheme: `http`, `https`, `ftp` or `chrome-extension`. */
  scheme?: string;
  /** New host. */
  host?: string;
  /** New port; `""` clears it. */
  port?: string;
  /** New path; `""` clears it. */
  path?: string;
  /** New query starting with `?`; `""` clears it. */
  query?: string;
  /** Parameters to remove, add or replace. */
  queryTransform?: {
    removeParams?: string[];
    addOrReplaceParams?: { key: string; value: string; replaceOnly?: boolean }[];
  };
  /** New fragment starting with `#`; `""` clears it. */
  fragment?: string;
  /** New user name. */
  username?: string;
  /** New password. */
  password?: string;
}

/** A rule's action. */
export type RuleAction =
  | { type: "block" | "allow" | "allowAllRequests" | "upgradeScheme" }
  | { type: "redirect"; redirect: RedirectSpec }
  | {
    type: "modifyHeaders";
    requestHeaders: HeaderOperation[];
    responseHeaders: HeaderOperation[];
  };

/** A checked, compiled rule, ready for the index. */
export interface CompiledRule {
  /** The rule's id (≥ 1). */
  id: number;
  /** The rule's priority (≥ 1, default 1). */
  priority: number;
  /** `(priority << 8) | action rank`, Chromium's ordering of matching rules. */
  rank: number;
  /** What the rule does. */
  action: RuleAction;
  /**
   * The URL test's source, or `null` when the rule has neither filter; compiled on first use
   * by {@linkcode ruleRegex}.
   */
  source: string | null;
  /** The compiled test (RE2), once {@linkcode ruleRegex} has built it. */
  regex: UrlRegex | null;
  /** Whether `regex` runs on the lower-cased URL (a case-insensitive `urlFilter`). */
  onLowerCase: boolean;
  /** Literal runs every matching URL contains, lower-cased (for the n-gram index). */
  literals: string[];
  /** Bit `i` set when {@linkcode RESOURCE_TYPES}[i] is included. */
  resourceTypes: number;
  /** Bit `i` set when {@linkcode REQUEST_METHODS}[i] is included. */
  requestMethods: number;
  /** `requestDomains`, lower-cased, or `null`. */
  requestDomains: string[] | null;
  /** `excludedRequestDomains`, lower-cased, or `null`. */
  excludedRequestDomains: string[] | null;
  /** `initiatorDomains` (or the deprecated `domains`), or `null`. */
  initiatorDomains: string[] | null;
  /** `excludedInitiatorDomains` (or `excludedDomains`), or `null`. */
  excludedInitiatorDomains: string[] | null;
  /** `domainType`, or `null` for either. */
  domainType: "firstParty" | "thirdParty" | null;
  /** Whether the filter is a `regexFilter`. */
  isRegex: boolean;
  /**
   * The index of the extension's ruleset the rule came from (0 when not set): each ruleset is
   * matched apart, as Chromium's one matcher per ruleset.
   */
  ruleset?: number;
}

/** The outcome of reading one ruleset file. */
export interface ParsedRuleset {
  /** The rules, in file order. */
  rules: CompiledRule[];
  /** Install warnings (skipped rules). */
  warnings: string[];
}

const ACTION_RANK: Record<RuleAction["type"], number> = {
  allow: 5,
  allowAllRequests: 4,
  block: 3,
  upgradeScheme: 2,
  redirect: 1,
  modifyHeaders: 0,
};

// Chromium's kMaxUnparsedRulesWarnings.
const MAX_PARSE_WARNINGS = 10;

// Request headers Chromium lets `append` touch (kDNRRequestHeaderAppendAllowList).
const APPENDABLE_REQUEST_HEADERS = new Set([
  "accept",
  "accept-encoding",
  "accept-language",
  "access-control-request-headers",
  "cache-control",
  "connection",
  "content-language",
  "cookie",
  "forwarded",
  "if-match",
  "if-none-match",
  "keep-alive",
  "range",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "via",
  "want-digest",
  "x-forwarded-for",
]);

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A rule that fits the schema but breaks a rule of the API; fails the install. */
class RuleError extends Error {}

/** A rule that does not fit the schema; skipped with a warning. */
class SchemaError extends Error {}

/** A rule whose regexFilter RE2 cannot compile within 2 KB; skipped with a warning. */
class RegexTooLargeError extends Error {}

/**
 * Reads a static ruleset's JSON text.
 *
 * @param text The file's text.
 * @param limits How many more rules and regex rules the extension may still add.
 * @returns The compiled rules and the warnings.
 * @throws {Error} `Rules file must contain a list.`, a JSON syntax error, or Chromium's message
 * for the first invalid rule (`Rule with id 3 ...`), and `Rule with id 3 does not have a unique
 * ID.` for a repeated id.
 *
 * @example
 * ```ts
 * import { parseRuleset } from "./dnr_rule.ts";
 * const { rules } = parseRuleset(
 *   '[{"id": 1, "action": {"type": "block"}, "condition": {"urlFilter": "ads"}}]',
 *   { rules: 30000, regexRules: 1000 },
 * );
 * console.log(rules[0]?.rank); // 259
 * ```
 */
export function parseRuleset(
  text: string,
  limits: { rules: number; regexRules: number },
): ParsedRuleset {
  let json: unknown;
  try {
    json = parseExtensionJson(text);
  } catch (error) {
    throw new Error((error as Error).message);
  }
  if (!Array.isArray(json)) throw new Error("Rules file must contain a list.");
  const rules: CompiledRule[] = [];
  const warnings: string[] = [];
  const parseFailures: string[] = [];
  const largeRegexWarnings: string[] = [];
  const ids = new Set<number>();
  let regexRules = 0;
  let countExceeded = false;
  let regexExceeded = false;
  json.forEach((value: unknown, index: number) => {
    let rule: CompiledRule;
    try {
      rule = compileRule(value);
    } catch (error) {
      if (error instanceof SchemaError) {
        const id = isRecord(value) && isInt32(value.id) ? `id ${value.id}` : `index ${index}`;
        parseFailures.push(`Rule with ${id} couldn't be parsed. Parse error: ${error.message}.`);
        return;
      }
      if (error instanceof RegexTooLargeError) {
        largeRegexWarnings.push(error.message);
        return;
      }
      throw error;
    }
    if (ids.has(rule.id)) throw new Error(`Rule with id ${rule.id} does not have a unique ID.`);
    ids.add(rule.id);
    if (rules.length >= limits.rules) {
      countExceeded = true;
      return;
    }
    if (rule.isRegex && regexRules >= limits.regexRules) {
      regexExceeded = true;
      return;
    }
    if (rule.isRegex) regexRules++;
    rules.push(rule);
  });
  warnings.push(...parseFailures.slice(0, MAX_PARSE_WARNINGS));
  warnings.push(...largeRegexWarnings);
  if (parseFailures.length > MAX_PARSE_WARNINGS) {
    warnings.push(`Too many rule parse failures; Reporting the first ${MAX_PARSE_WARNINGS}.`);
  }
  if (countExceeded) warnings.push("Rule count exceeded. Some rules were ignored.");
  if (regexExceeded) {
    warnings.push("Regular expression rule count exceeded. Some rules were ignored.");
  }
  return { rules, warnings };
}

function compileRule(value: unknown): CompiledRule {
  if (!isRecord(value)) throw new SchemaError("expected a dictionary");
  const id = integer(value, "id", true)!;
  const priority = integer(value, "priority", false) ?? 1;
  const condition = record(value, "condition");
  const actionJson = record(value, "action");
  const fail = (template: string, ...args: (string | number)[]): never => {
    let i = 0;
    throw new RuleError(
      `Rule with id ${id} ${template.replace(/\*/g, () => String(args[i++]))}`,
    );
  };
  if (id < 1) {
    fail("has an invalid value for * key. This should be greater than or equal to *.", "id", 1);
  }
  if (priority < 1) {
    fail(
      "has an invalid value for * key. This should be greater than or equal to *.",
      "priority",
      1,
    );
  }
  const urlFilter = string(condition, "urlFilter");
  const regexFilter = string(condition, "regexFilter");
  const caseSensitive = boolean(condition, "isUrlFilterCaseSensitive") ?? false;
  const type = actionType(actionJson);
  const redirectJson = type === "redirect" ? optionalRecord(actionJson, "redirect") : undefined;
  if (condition.tabIds !== undefined || condition.excludedTabIds !== undefined) {
    fail(
      'specifies a value for "*" or "*" key. These are only supported for session-scoped rules.',
      "tabIds",
      "excludedTabIds",
    );
  }
  if (condition.responseHeaders !== undefined || condition.excludedResponseHeaders !== undefined) {
    // Matching on response headers would need the rule to wait for the response; a rule that
    // matched without its condition would act too widely, so it is skipped instead.
    throw new SchemaError("'responseHeaders' conditions are not supported headlessly");
  }
  if (urlFilter !== undefined && regexFilter !== undefined) {
    fail('can only specify one of "*" or "*" keys.', "urlFilter", "regexFilter");
  }
  if (redirectJson?.regexSubstitution !== undefined && regexFilter === undefined) {
    fail(
      `can't specify the "*" key without specifying the "*" key.`,
      "regexSubstitution",
      "regexFilter",
    );
  }
  const domainList = (key: string) => {
    const list = stringList(condition, key);
    if (list === undefined) return null;
    if (list.length === 0 && !key.startsWith("excluded")) {
      fail("cannot have an empty list as the value for * key.", key);
    }
    for (const domain of list) {
      if (!isAscii(domain)) fail('cannot have non-ascii characters as part of "*" key.', key);
    }
    return list.map((domain) => domain.toLowerCase());
  };
  if (condition.domains !== undefined && condition.initiatorDomains !== undefined) {
    fail('cannot use deprecated field "*". Use "*" instead.', "domains", "initiatorDomains");
  }
  if (condition.excludedDomains !== undefined && condition.excludedInitiatorDomains !== undefined) {
    fail(
      'cannot use deprecated field "*". Use "*" instead.',
      "excludedDomains",
      "excludedInitiatorDomains",
    );
  }
  const initiatorDomains = domainList(
    condition.domains !== undefined ? "domains" : "initiatorDomains",
  );
  const excludedInitiatorDomains = domainList(
    condition.excludedDomains !== undefined ? "excludedDomains" : "excludedInitiatorDomains",
  );
  const requestDomains = domainList("requestDomains");
  const excludedRequestDomains = domainList("excludedRequestDomains");

  const included = enumList(condition, "resourceTypes", RESOURCE_TYPES);
  const excluded = enumList(condition, "excludedResourceTypes", RESOURCE_TYPES) ?? [];
  if (included?.length === 0) {
    fail("cannot have an empty list as the value for * key.", "resourceTypes");
  }
  if (included?.some((type) => excluded.includes(type))) {
    fail("includes and excludes the same resource.");
  }
  const methods = enumList(condition, "requestMethods", REQUEST_METHODS);
  const excludedMethods = enumList(condition, "excludedRequestMethods", REQUEST_METHODS) ?? [];
  if (methods?.length === 0) {
    fail("cannot have an empty list as the value for * key.", "requestMethods");
  }
  if (methods?.some((method) => excludedMethods.includes(method))) {
    fail("includes and excludes the same request method.");
  }
  // No resourceTypes: every type but main_frame (and the excluded ones).
  const resourceTypes =
    (included ? mask(included, RESOURCE_TYPES) : excluded.length > 0 ? ALL_TYPES : ALL_TYPES & ~1) &
    ~mask(excluded, RESOURCE_TYPES);
  if (resourceTypes === 0) fail("is not applicable to any resource type.");
  const requestMethods = (methods ? mask(methods, REQUEST_METHODS) : ALL_METHODS) &
    ~mask(excludedMethods, REQUEST_METHODS);
  if (type === "allowAllRequests") {
    const frames = (1 << 0) | (1 << 1);
    if (included === undefined || (resourceTypes & ~frames) !== 0) {
      fail(
        'is an "allowAllRequests" rule and must specify the "resourceTypes" key. It may only ' +
          'include the "main_frame" and "sub_frame" resource types.',
      );
    }
  }

  let source: string | null = null;
  let regex: UrlRegex | null = null;
  let literals: string[] = [];
  let onLowerCase = false;
  if (urlFilter !== undefined) {
    if (urlFilter === "") fail("cannot have an empty value for * key.", "urlFilter");
    if (!isAscii(urlFilter)) {
      fail('cannot have non-ascii characters as part of "*" key.', "urlFilter");
    }
    const compiled = compileUrlFilter(urlFilter, caseSensitive);
    source = compiled.source;
    literals = compiled.literals;
    onLowerCase = !caseSensitive;
  } else if (regexFilter !== undefined) {
    if (regexFilter === "") fail("cannot have an empty value for * key.", "regexFilter");
    const compiled = compileRegexFilter(regexFilter, caseSensitive);
    if (compiled === undefined) {
      fail('specifies an incorrect value for the "*" key.', "regexFilter");
    }
    // IndexedRule sets RE2's max_mem to 2 KB and, for a static ruleset, skips a rule past it
    // with a warning (kRaiseWarningOnLargeRegexRules), so no request runs it.
    if (compiled!.tooLarge) {
      throw new RegexTooLargeError(
        `Rule with id ${id} was skipped as the "regexFilter" value exceeded the 2KB memory ` +
          "limit when compiled. Learn more: " +
          "https://developer.chrome.com/docs/extensions/reference/api/declarativeNetRequest#regex-rules",
      );
    }
    regex = compiled!.regex;
    source = regexFilter;
    literals = compiled!.literal === "" ? [] : [compiled!.literal];
  }

  let action: RuleAction;
  if (type === "redirect") {
    action = { type, redirect: checkRedirect(redirectJson, fail, regex?.groupCount ?? 0) };
  } else if (type === "modifyHeaders") {
    const requestHeaders = headerList(actionJson, "requestHeaders", fail, true);
    const responseHeaders = headerList(actionJson, "responseHeaders", fail, false);
    if (requestHeaders.length === 0 && responseHeaders.length === 0) {
      fail(
        'does not specify a value for "*" or "*" key. At least one of these keys must be ' +
          "specified with a non-empty list.",
        "requestHeaders",
        "responseHeaders",
      );
    }
    action = { type, requestHeaders, responseHeaders };
  } else {
    action = { type };
  }
  const domainType = enumValue(condition, "domainType", ["firstParty", "thirdParty"] as const);
  return {
    id,
    priority,
    rank: priority * 256 + ACTION_RANK[type],
    action,
    source,
    regex,
    onLowerCase,
    literals,
    resourceTypes,
    requestMethods,
    requestDomains,
    excludedRequestDomains,
    initiatorDomains,
    excludedInitiatorDomains,
    domainType: domainType ?? null,
    isRegex: regexFilter !== undefined,
  };
}

const ALL_TYPES = (1 << RESOURCE_TYPES.length) - 1;
const ALL_METHODS = (1 << REQUEST_METHODS.length) - 1;

function mask<T extends string>(names: readonly T[], all: readonly T[]): number {
  let bits = 0;
  for (const name of names) bits |= 1 << all.indexOf(name);
  return bits;
}

/**
 * A rule's URL test, compiled on first use and kept.
 *
 * @param rule The rule.
 * @returns The regular expression, or `null` for a rule with neither filter.
 *
 * @example
 * ```ts
 * import { parseRuleset, ruleRegex } from "./dnr_rule.ts";
 * const { rules } = parseRuleset(
 *   '[{"id": 1, "action": {"type": "block"}, "condition": {"urlFilter": "|https:"}}]',
 *   { rules: 1, regexRules: 0 },
 * );
 * console.log(ruleRegex(rules[0]!)?.source); // ^https:
 * ```
 */
export function ruleRegex(rule: CompiledRule): UrlRegex | null {
  // A urlFilter's source is made of escaped literals, `.*` and the separator class: RE2 reads
  // it as JavaScript would, and runs it in time linear in the URL however many `*` it has.
  if (rule.regex === null && rule.source !== null) {
    rule.regex = compileUrlRegex(rule.source, false);
  }
  return rule.regex;
}

type Fail = (template: string, ...args: (string | number)[]) => never;

function checkRedirect(
  json: Record<string, unknown> | undefined,
  fail: Fail,
  groupCount: number,
): RedirectSpec {
  const key = "action.redirect";
  if (json === undefined) fail('specifies an incorrect value for the "*" key.', key);
  const redirect = json!;
  const url = string(redirect, "url");
  const extensionPath = string(redirect, "extensionPath");
  const regexSubstitution = string(redirect, "regexSubstitution");
  const transformJson = optionalRecord(redirect, "transform");
  if (url !== undefined) {
    if (!URL.canParse(url)) fail("does not provide a valid URL for * key.", `${key}.url`);
    if (new URL(url).protocol === "javascript:") {
      fail(
        'specifies an incorrect value for the "*" key. Redirects to javascript urls are not ' +
          "supported.",
        `${key}.url`,
      );
    }
    return { url };
  }
  if (extensionPath !== undefined) {
    if (!extensionPath.startsWith("/")) {
      fail('specifies an incorrect value for the "*" key.', `${key}.extensionPath`);
    }
    return { extensionPath };
  }
  if (transformJson !== undefined) return { transform: checkTransform(transformJson, fail) };
  if (regexSubstitution !== undefined) {
    // indexed_rule.cc refuses an empty substitution, and RE2::CheckRewriteString one with a
    // backslash before anything but a backslash or a digit, or naming a group the regex lacks.
    const escapes = [...regexSubstitution.matchAll(/\\(.?)/gs)].map((match) => match[1]!);
    if (
      regexSubstitution === "" ||
      escapes.some((escape) => escape !== "\\" && !(/^\d$/.test(escape) && +escape <= groupCount))
    ) {
      fail('specifies an incorrect value for the "*" key.', `${key}.regexSubstitution`);
    }
    return { regexSubstitution };
  }
  return fail('specifies an incorrect value for the "*" key.', key);
}

function checkTransform(json: Record<string, unknown>, fail: Fail): UrlTransform {
  const key = "action.redirect.transform";
  const transform: UrlTransform = {};
  for (
    const part of [
      "scheme",
      "host",
      "port",
      "path",
      "query",
      "fragment",
      "username",
      "password",
    ] as const
  ) {
    const value = string(json, part);
    if (value !== undefined) transform[part] = value;
  }
  const { scheme, port, query, fragment } = transform;
  if (scheme !== undefined && !["http", "https", "ftp", "chrome-extension"].includes(scheme)) {
    fail(
      'specifies an incorrect value for the "*" key. Allowed values are: [*].',
      `${key}.scheme`,
      "http, https, ftp, chrome-extension",
    );
  }
  if (port !== undefined && port !== "" && !(/^\d+$/.test(port) && Number(port) <= 65535)) {
    fail('specifies an incorrect value for the "*" key.', `${key}.port`);
  }
  if (query !== undefined && query !== "" && !query.startsWith("?")) {
    fail('specifies an incorrect value for the "*" key.', `${key}.query`);
  }
  if (fragment !== undefined && fragment !== "" && !fragment.startsWith("#")) {
    fail('specifies an incorrect value for the "*" key.', `${key}.fragment`);
  }
  const queryTransform = optionalRecord(json, "queryTransform");
  if (queryTransform !== undefined) {
    if (query !== undefined) {
      fail('cannot specify both "*" and "*" keys.', `${key}.query`, `${key}.queryTransform`);
    }
    const removeParams = stringList(queryTransform, "removeParams");
    const addRaw = queryTransform.addOrReplaceParams;
    if (addRaw !== undefined && !Array.isArray(addRaw)) {
      throw new SchemaError("'addOrReplaceParams' must be a list");
    }
    const addOrReplaceParams = (addRaw as unknown[] | undefined)?.map((entry) => {
      if (!isRecord(entry)) {
        throw new SchemaError("'addOrReplaceParams' entries must be dictionaries");
      }
      return {
        key: string(entry, "key", true)!,
        value: string(entry, "value", true)!,
        replaceOnly: boolean(entry, "replaceOnly") ?? false,
      };
    });
    transform.queryTransform = { removeParams, addOrReplaceParams };
  }
  return transform;
}

function headerList(
  json: Record<string, unknown>,
  key: string,
  fail: Fail,
  request: boolean,
): HeaderOperation[] {
  const raw = json[key];
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new SchemaError(`'${key}' must be a list`);
  if (raw.length === 0) fail("cannot have an empty list as the value for * key.", key);
  return raw.map((entry: unknown) => {
    if (!isRecord(entry)) throw new SchemaError(`'${key}' entries must be dictionaries`);
    const header = string(entry, "header", true)!;
    const operation = enumValue(entry, "operation", ["append", "set", "remove"] as const, true)!;
    const value = string(entry, "value");
    if (!TOKEN.test(header)) fail("must specify a valid header name to be modified.");
    if (operation === "remove") {
      if (value !== undefined) fail("must not provide a header value for a header to be removed.");
    } else {
      if (value === undefined) fail("must provide a value for a header to be appended/set.");
      if (/[\0\r\n]/.test(value!)) fail("must provide a valid header value to be appended/set.");
    }
    const name = header.toLowerCase();
    if (request && operation === "append" && !APPENDABLE_REQUEST_HEADERS.has(name)) {
      fail(
        "specifies an invalid request header to be appended. Only standard HTTP request headers " +
          "that can specify multiple values for a single entry are supported.",
      );
    }
    return value === undefined ? { header: name, operation } : { header: name, operation, value };
  });
}

function actionType(json: Record<string, unknown>): RuleAction["type"] {
  return enumValue(json, "type", Object.keys(ACTION_RANK) as RuleAction["type"][], true)!;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

function record(json: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = json[key];
  if (!isRecord(value)) throw new SchemaError(`'${key}' is required and must be a dictionary`);
  return value;
}

function optionalRecord(
  json: Record<string, unknown>,
  key: string,
): Record<string, unknown> | undefined {
  if (json[key] === undefined) return undefined;
  return record(json, key);
}

function integer(
  json: Record<string, unknown>,
  key: string,
  required: boolean,
): number | undefined {
  const value = json[key];
  if (value === undefined && !required) return undefined;
  if (!isInt32(value)) throw new SchemaError(`'${key}' must be an integer`);
  return value;
}

// Chromium's JSON reader reads an integer outside 32 bits as a double, which the rule schema's
// integer fields refuse.
function isInt32(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31;
}

function string(json: Record<string, unknown>, key: string, required = false): string | undefined {
  const value = json[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== "string") throw new SchemaError(`'${key}' must be a string`);
  return value;
}

function boolean(json: Record<string, unknown>, key: string): boolean | undefined {
  const value = json[key];
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw new SchemaError(`'${key}' must be a boolean`);
  return value;
}

function stringList(json: Record<string, unknown>, key: string): string[] | undefined {
  const value = json[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new SchemaError(`'${key}' must be a list of strings`);
  }
  return value as string[];
}

function enumValue<T extends string>(
  json: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
  required = false,
): T | undefined {
  const value = string(json, key, required);
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    throw new SchemaError(`'${key}' must be one of ${allowed.join(", ")}, not "${value}"`);
  }
  return value as T;
}

function enumList<T extends string>(
  json: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
): T[] | undefined {
  const list = stringList(json, key);
  for (const item of list ?? []) {
    if (!allowed.includes(item as T)) {
      throw new SchemaError(`'${key}' must list only ${allowed.join(", ")}, not "${item}"`);
    }
  }
  return list as T[] | undefined;
}
