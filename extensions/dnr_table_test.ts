// Rule/URL cases from the declarativeNetRequest documentation
// (developer.chrome.com/docs/extensions/reference/api/declarativeNetRequest): URL filter
// syntax, regexFilter, domains, resource types, methods, priorities and header operations.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DnrEngine, type DnrRequest, parseRuleset, type ResourceType } from "./mod.ts";

const EXT = "abcdefghijklmnopabcdefghijklmnop";
const LIMITS = { rules: 30000, regexRules: 1000 };

type Json = Record<string, unknown>;

function engineWith(rules: Json[], extensionId = EXT): DnrEngine {
  const engine = new DnrEngine();
  engine.set(extensionId, "/ext", parseRuleset(JSON.stringify(rules), LIMITS).rules);
  return engine;
}

function request(url: string, fields: Partial<DnrRequest> = {}): DnrRequest {
  return {
    url,
    method: fields.method ?? "GET",
    resourceType: fields.resourceType ?? "xmlhttprequest",
  };
}

function blockRule(condition: Json, id = 1): Json {
  return { id, action: { type: "block" }, condition };
}

/** One condition against one URL: does a block rule with it match? */
interface MatchCase {
  condition: Json;
  url: string;
  matches: boolean;
  method?: string;
  resourceType?: ResourceType;
}

const MATCH_CASES: MatchCase[] = [
  // URL filter syntax, the documentation's examples.
  { condition: { urlFilter: "abc" }, url: "https://abcd.com", matches: true },
  { condition: { urlFilter: "abc" }, url: "https://example.com/abcd", matches: true },
  { condition: { urlFilter: "abc" }, url: "https://ab.com", matches: false },
  { condition: { urlFilter: "abc*d" }, url: "https://abcd.com", matches: true },
  { condition: { urlFilter: "abc*d" }, url: "https://example.com/abcxyzd", matches: true },
  { condition: { urlFilter: "abc*d" }, url: "https://abc.com", matches: false },
  { condition: { urlFilter: "||a.example.com" }, url: "https://a.example.com/", matches: true },
  {
    condition: { urlFilter: "||a.example.com" },
    url: "https://b.a.example.com/xyz",
    matches: true,
  },
  { condition: { urlFilter: "||a.example.com" }, url: "https://a.example.company", matches: true },
  { condition: { urlFilter: "||a.example.com" }, url: "https://example.com/", matches: false },
  { condition: { urlFilter: "|https*" }, url: "https://example.com", matches: true },
  { condition: { urlFilter: "|https*" }, url: "http://example.com/", matches: false },
  { condition: { urlFilter: "|https*" }, url: "http://https.com", matches: false },
  { condition: { urlFilter: "example*^123|" }, url: "https://example.com/123", matches: true },
  { condition: { urlFilter: "example*^123|" }, url: "http://abc.com/example?123", matches: true },
  { condition: { urlFilter: "example*^123|" }, url: "https://example.com/1234", matches: false },
  { condition: { urlFilter: "example*^123|" }, url: "https://abc.com/example0123", matches: false },
  // Separators: anything but letters, digits, _ - . %, or the end.
  { condition: { urlFilter: "/foo^" }, url: "https://a.test/foo?x=1", matches: true },
  { condition: { urlFilter: "/foo^" }, url: "https://a.test/foo", matches: true },
  { condition: { urlFilter: "/foo^" }, url: "https://a.test/foo/bar", matches: true },
  { condition: { urlFilter: "/foo^" }, url: "https://a.test/foobar", matches: false },
  { condition: { urlFilter: "/foo^" }, url: "https://a.test/foo.js", matches: false },
  { condition: { urlFilter: "/foo^" }, url: "https://a.test/foo-1", matches: false },
  { condition: { urlFilter: "/foo^" }, url: "https://a.test/foo_1", matches: false },
  { condition: { urlFilter: "/foo^" }, url: "https://a.test/foo%20", matches: false },
  // Domain anchor with a separator.
  { condition: { urlFilter: "||example.com^" }, url: "http://example.com:8080/", matches: true },
  { condition: { urlFilter: "||example.com^" }, url: "https://sub.example.com/x", matches: true },
  { condition: { urlFilter: "||example.com^" }, url: "https://notexample.com/", matches: false },
  {
    condition: { urlFilter: "||example.com^" },
    url: "https://example.com.evil.test/",
    matches: false,
  },
  {
    condition: { urlFilter: "||example.com^" },
    url: "https://evil.test/?u=example.com",
    matches: false,
  },
  { condition: { urlFilter: "||example.com^" }, url: "https://user@example.com/", matches: true },
  // Both anchors; the wildcard.
  { condition: { urlFilter: "|http://a.test/|" }, url: "http://a.test/", matches: true },
  { condition: { urlFilter: "|http://a.test/|" }, url: "http://a.test/x", matches: false },
  { condition: { urlFilter: "*" }, url: "https://anything.test/at/all", matches: true },
  // Case sensitivity: insensitive by default.
  { condition: { urlFilter: "ABC" }, url: "https://x.test/abc", matches: true },
  {
    condition: { urlFilter: "ABC", isUrlFilterCaseSensitive: true },
    url: "https://x.test/abc",
    matches: false,
  },
  {
    condition: { urlFilter: "ABC", isUrlFilterCaseSensitive: true },
    url: "https://x.test/ABC",
    matches: true,
  },
  // regexFilter (RE2 syntax, case-insensitive by default).
  {
    condition: { regexFilter: "^https://www\\.(abc|def)\\.xyz\\.com/" },
    url: "https://www.abc.xyz.com/path",
    matches: true,
  },
  {
    condition: { regexFilter: "^https://www\\.(abc|def)\\.xyz\\.com/" },
    url: "https://www.def.xyz.com/path",
    matches: true,
  },
  {
    condition: { regexFilter: "^https://www\\.(abc|def)\\.xyz\\.com/" },
    url: "http://www.abc.xyz.com/path",
    matches: false,
  },
  {
    condition: { regexFilter: "^https://www\\.(abc|def)\\.xyz\\.com/" },
    url: "https://www.xyz.com/path",
    matches: false,
  },
  { condition: { regexFilter: "/ADS/[0-9]+$" }, url: "https://a.test/ads/42", matches: true },
  {
    condition: { regexFilter: "/ADS/[0-9]+$", isUrlFilterCaseSensitive: true },
    url: "https://a.test/ads/42",
    matches: false,
  },
  // Request domains: subdomains match, excludes win.
  { condition: { requestDomains: ["example.com"] }, url: "https://example.com/", matches: true },
  { condition: { requestDomains: ["example.com"] }, url: "https://a.example.com/", matches: true },
  { condition: { requestDomains: ["example.com"] }, url: "https://example.org/", matches: false },
  // A host's trailing dot is ignored (url_pattern_index.cc GetLongestMatchingSubdomain).
  { condition: { requestDomains: ["example.com"] }, url: "https://example.com./", matches: true },
  { condition: { requestDomains: ["example.com"] }, url: "https://A.example.com./", matches: true },
  {
    condition: { urlFilter: "/x", excludedRequestDomains: ["example.com"] },
    url: "https://example.com./x",
    matches: false,
  },
  {
    condition: { requestDomains: ["example.com"] },
    url: "https://notexample.com/",
    matches: false,
  },
  {
    condition: { requestDomains: ["example.com"], excludedRequestDomains: ["a.example.com"] },
    url: "https://x.a.example.com/",
    matches: false,
  },
  {
    condition: { requestDomains: ["example.com"], excludedRequestDomains: ["a.example.com"] },
    url: "https://b.example.com/",
    matches: true,
  },
  {
    condition: { urlFilter: "ads", excludedRequestDomains: ["good.test"] },
    url: "https://good.test/ads",
    matches: false,
  },
  // Initiators: a ses.fetch has none, and counts as third-party.
  {
    condition: { urlFilter: "ads", initiatorDomains: ["a.test"] },
    url: "https://a.test/ads",
    matches: false,
  },
  {
    condition: { urlFilter: "ads", excludedInitiatorDomains: ["a.test"] },
    url: "https://a.test/ads",
    matches: true,
  },
  {
    condition: { urlFilter: "ads", domainType: "thirdParty" },
    url: "https://a.test/ads",
    matches: true,
  },
  {
    condition: { urlFilter: "ads", domainType: "firstParty" },
    url: "https://a.test/ads",
    matches: false,
  },
  // Resource types: none given means all but main_frame.
  { condition: { urlFilter: "ads" }, url: "https://a.test/ads", matches: true },
  {
    condition: { urlFilter: "ads" },
    url: "https://a.test/ads",
    resourceType: "main_frame",
    matches: false,
  },
  {
    condition: { urlFilter: "ads", resourceTypes: ["script"] },
    url: "https://a.test/ads",
    matches: false,
  },
  {
    condition: { urlFilter: "ads", resourceTypes: ["xmlhttprequest"] },
    url: "https://a.test/ads",
    matches: true,
  },
  {
    condition: { urlFilter: "ads", resourceTypes: ["other"] },
    url: "https://a.test/ads",
    resourceType: "other",
    matches: true,
  },
  {
    condition: { urlFilter: "ads", excludedResourceTypes: ["xmlhttprequest"] },
    url: "https://a.test/ads",
    matches: false,
  },
  {
    condition: { urlFilter: "ads", excludedResourceTypes: ["script"] },
    url: "https://a.test/ads",
    resourceType: "main_frame",
    matches: true,
  },
  // Request methods; an unlisted method is "other".
  {
    condition: { urlFilter: "ads", requestMethods: ["post"] },
    url: "https://a.test/ads",
    matches: false,
  },
  {
    condition: { urlFilter: "ads", requestMethods: ["post"] },
    url: "https://a.test/ads",
    method: "POST",
    matches: true,
  },
  {
    condition: { urlFilter: "ads", excludedRequestMethods: ["get"] },
    url: "https://a.test/ads",
    matches: false,
  },
  {
    condition: { urlFilter: "ads", requestMethods: ["other"] },
    url: "https://a.test/ads",
    method: "PROPFIND",
    matches: true,
  },
  // Only network schemes are matched.
  { condition: { urlFilter: "*" }, url: "wss://a.test/socket", matches: true },
  { condition: { urlFilter: "*" }, url: "data:text/plain,ads", matches: false },
];

describe("declarativeNetRequest conditions (documentation table)", () => {
  for (const [index, { condition, url, matches, method, resourceType }] of MATCH_CASES.entries()) {
    const label = `${index + 1}. ${JSON.stringify(condition)} ${matches ? "matches" : "misses"} ` +
      `${url}${method ? ` ${method}` : ""}${resourceType ? ` (${resourceType})` : ""}`;
    it(label, () => {
      const engine = engineWith([blockRule(condition)]);
      const decision = engine.evaluate(request(url, { method, resourceType }));
      assert.equal(decision?.kind === "block", matches);
    });
  }
});

/** Several rules against one URL: which decision wins? */
interface RankCase {
  label: string;
  rules: Json[];
  url?: string;
  resourceType?: ResourceType;
  expect: string;
}

const any = { urlFilter: "a.test" };
const block = { type: "block" };

const RANK_CASES: RankCase[] = [
  {
    label: "allow beats block at the same priority",
    rules: [blockRule(any, 1), { id: 2, action: { type: "allow" }, condition: any }],
    expect: "none",
  },
  {
    label: "a higher-priority block beats allow",
    rules: [
      { ...blockRule(any, 1), priority: 2 },
      { id: 2, action: { type: "allow" }, condition: any },
    ],
    expect: "block",
  },
  {
    label: "block beats redirect at the same priority",
    rules: [
      { id: 1, action: { type: "redirect", redirect: { url: "https://b.test/" } }, condition: any },
      blockRule(any, 2),
    ],
    expect: "block",
  },
  {
    label: "upgradeScheme beats redirect at the same priority",
    rules: [
      { id: 1, action: { type: "redirect", redirect: { url: "https://b.test/" } }, condition: any },
      { id: 2, action: { type: "upgradeScheme" }, condition: any },
    ],
    expect: "redirect https://a.test/x",
  },
  {
    label: "a higher-priority redirect beats block",
    rules: [
      {
        id: 1,
        priority: 3,
        action: { type: "redirect", redirect: { url: "https://b.test/" } },
        condition: any,
      },
      blockRule(any, 2),
    ],
    expect: "redirect https://b.test/",
  },
  {
    label: "allowAllRequests beats block for a main frame",
    rules: [
      blockRule({ ...any, resourceTypes: ["main_frame"] }, 1),
      {
        id: 2,
        action: { type: "allowAllRequests" },
        condition: { ...any, resourceTypes: ["main_frame"] },
      },
    ],
    resourceType: "main_frame",
    expect: "none",
  },
  {
    label: "modifyHeaders above the allow's priority applies",
    rules: [
      { id: 1, action: { type: "allow" }, condition: any },
      {
        id: 2,
        priority: 2,
        action: { type: "modifyHeaders", requestHeaders: [{ header: "x-a", operation: "remove" }] },
        condition: any,
      },
    ],
    expect: "headers req:remove x-a",
  },
  {
    label: "modifyHeaders at the allow's priority does not apply",
    rules: [
      { id: 1, priority: 2, action: { type: "allow" }, condition: any },
      {
        id: 2,
        priority: 2,
        action: { type: "modifyHeaders", requestHeaders: [{ header: "x-a", operation: "remove" }] },
        condition: any,
      },
    ],
    expect: "none",
  },
  {
    label: "a block hides modifyHeaders of any priority",
    rules: [
      blockRule(any, 1),
      {
        id: 2,
        priority: 9,
        action: {
          type: "modifyHeaders",
          responseHeaders: [{ header: "x-a", operation: "remove" }],
        },
        condition: any,
      },
    ],
    expect: "block",
  },
  {
    label: "modifyHeaders rules come highest priority first",
    rules: [
      {
        id: 1,
        action: {
          type: "modifyHeaders",
          requestHeaders: [{ header: "x-a", operation: "set", value: "low" }],
        },
        condition: any,
      },
      {
        id: 2,
        priority: 5,
        action: {
          type: "modifyHeaders",
          requestHeaders: [{ header: "x-a", operation: "set", value: "high" }],
        },
        condition: any,
      },
    ],
    expect: "headers req:set x-a high,req:set x-a low",
  },
  {
    label: "upgradeScheme leaves https alone",
    rules: [{ id: 1, action: { type: "upgradeScheme" }, condition: any }],
    url: "https://a.test/x",
    expect: "none",
  },
  {
    label: "a redirect to the request URL itself is no action",
    rules: [{
      id: 1,
      action: { type: "redirect", redirect: { url: "http://a.test/x" } },
      condition: any,
    }],
    expect: "none",
  },
  {
    label: "redirect to an extension path",
    rules: [{
      id: 1,
      action: { type: "redirect", redirect: { extensionPath: "/blank.html" } },
      condition: any,
    }],
    expect: `redirect chrome-extension://${EXT}/blank.html`,
  },
  {
    label: "redirect transform: scheme, host and port",
    rules: [
      {
        id: 1,
        action: {
          type: "redirect",
          redirect: { transform: { scheme: "https", host: "b.test", port: "8443" } },
        },
        condition: any,
      },
    ],
    url: "http://a.test/x?q=1#f",
    expect: "redirect https://b.test:8443/x?q=1#f",
  },
  {
    label: "redirect transform: queryTransform removes, replaces and adds",
    rules: [
      {
        id: 1,
        action: {
          type: "redirect",
          redirect: {
            transform: {
              queryTransform: {
                removeParams: ["utm_source"],
                addOrReplaceParams: [
                  { key: "a", value: "2" },
                  { key: "new", value: "1" },
                  { key: "absent", value: "x", replaceOnly: true },
                ],
              },
            },
          },
        },
        condition: any,
      },
    ],
    url: "http://a.test/x?utm_source=s&a=1&b=3",
    expect: "redirect http://a.test/x?a=2&b=3&new=1",
  },
  {
    label: "redirect transform: path, query and fragment cleared",
    rules: [
      {
        id: 1,
        action: {
          type: "redirect",
          redirect: { transform: { path: "", query: "", fragment: "" } },
        },
        condition: any,
      },
    ],
    url: "http://a.test/x/y?q=1#f",
    expect: "redirect http://a.test/",
  },
  {
    label: "regexSubstitution with capture groups",
    rules: [
      {
        id: 1,
        action: {
          type: "redirect",
          redirect: { regexSubstitution: "https://\\1.mirror.test/\\2" },
        },
        condition: { regexFilter: "^http://([a-z]+)\\.test/(.*)$" },
      },
    ],
    url: "http://a.test/path?q",
    expect: "redirect https://a.mirror.test/path?q",
  },
  {
    // ruleset_matcher_base.cc: a redirect to the request URL itself gives no action, and the
    // matcher's lower rules do not take its place.
    label: "the top rule redirecting to the URL itself hides the lower block",
    rules: [
      {
        id: 1,
        priority: 2,
        action: { type: "redirect", redirect: { url: "http://a.test/x" } },
        condition: any,
      },
      { id: 2, priority: 1, action: block, condition: any },
    ],
    expect: "none",
  },
  {
    // CreateUpgradeAction: no action for a URL that is not http: or ws: (Chromium's
    // "counterintuitive behavior" TODO), and no fallback to the lower block.
    label: "the top upgradeScheme rule on an https URL hides the lower block",
    rules: [
      { id: 1, priority: 2, action: { type: "upgradeScheme" }, condition: any },
      { id: 2, priority: 1, action: block, condition: any },
    ],
    url: "https://a.test/x",
    expect: "none",
  },
  {
    // The regex rules are a matcher of their own (RegexRulesMatcher): the urlFilter matcher's
    // dud top rule does not hide them.
    label: "a regexFilter block still acts below a urlFilter redirect to the URL itself",
    rules: [
      {
        id: 1,
        priority: 2,
        action: { type: "redirect", redirect: { url: "http://a.test/x" } },
        condition: any,
      },
      { id: 2, priority: 1, action: block, condition: { regexFilter: "a\\.test" } },
    ],
    expect: "block",
  },
  {
    // The documentation's example: RE2::Extract keeps only the substitution, so the rest of
    // the URL (the path here) is dropped, not spliced back around it.
    label: "regexSubstitution is the whole new URL (unmatched parts dropped)",
    rules: [
      {
        id: 1,
        action: { type: "redirect", redirect: { regexSubstitution: "https://\\1.xyz.com/" } },
        condition: { regexFilter: "^https://www\\.(abc|def)\\.xyz\\.com/" },
      },
    ],
    url: "https://www.abc.xyz.com/path",
    expect: "redirect https://abc.xyz.com/",
  },
];

function describeDecision(engine: DnrEngine, url: string, resourceType?: ResourceType): string {
  const decision = engine.evaluate(request(url, { resourceType }));
  if (decision === undefined) return "none";
  if (decision.kind === "block") return "block";
  if (decision.kind === "redirect") return `redirect ${decision.url}`;
  const ops = [
    ...decision.requestHeaders.map((op) =>
      `req:${op.operation} ${op.header}${op.value ? ` ${op.value}` : ""}`
    ),
    ...decision.responseHeaders.map((op) =>
      `res:${op.operation} ${op.header}${op.value ? ` ${op.value}` : ""}`
    ),
  ];
  return `headers ${ops.join(",")}`;
}

describe("declarativeNetRequest ranking and actions (documentation table)", () => {
  for (
    const [index, { label, rules, url = "http://a.test/x", resourceType, expect }] of RANK_CASES
      .entries()
  ) {
    it(`${index + 1}. ${label}`, () => {
      assert.equal(describeDecision(engineWith(rules), url, resourceType), expect);
    });
  }

  it("an allow stops only its own extension's rules", () => {
    const engine = engineWith([blockRule(any)], "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    engine.set(
      EXT,
      "/ext",
      parseRuleset(JSON.stringify([{ id: 1, action: { type: "allow" }, condition: any }]), LIMITS)
        .rules,
    );
    assert.equal(describeDecision(engine, "http://a.test/x"), "block");
  });

  it("across extensions, block beats a redirect of the extension loaded later", () => {
    const engine = engineWith([blockRule(any)], "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    engine.set(
      EXT,
      "/ext",
      parseRuleset(
        JSON.stringify([{
          id: 1,
          priority: 9,
          action: { type: "redirect", redirect: { url: "https://b.test/" } },
          condition: any,
        }]),
        LIMITS,
      ).rules,
    );
    assert.equal(describeDecision(engine, "http://a.test/x"), "block");
  });

  it("each ruleset is a matcher of its own: a dud top rule hides only its own ruleset's rules", () => {
    const engine = new DnrEngine();
    const [dud, lower] = [
      { id: 1, priority: 2, action: { type: "upgradeScheme" }, condition: any },
      { id: 1, priority: 1, action: block, condition: any },
    ].map((rule, ruleset) =>
      parseRuleset(JSON.stringify([rule]), LIMITS).rules.map((compiled) => ({
        ...compiled,
        ruleset,
      }))
    );
    engine.set(EXT, "/ext", [...dud!, ...lower!]);
    assert.equal(describeDecision(engine, "https://a.test/x"), "block");
    engine.set(EXT, "/ext", [...dud!, ...lower!.map((rule) => ({ ...rule, ruleset: 0 }))]);
    assert.equal(describeDecision(engine, "https://a.test/x"), "none");
  });

  it("removing an extension drops its rules and the engine goes idle", () => {
    const engine = engineWith([blockRule(any)]);
    assert.equal(engine.active, true);
    engine.delete(EXT);
    assert.equal(engine.active, false);
    assert.equal(engine.evaluate(request("http://a.test/x")), undefined);
  });
});
