/**
 * The pipeline stages that apply the session's declarativeNetRequest rules to `ses.fetch`
 * and downloads, once per hop (redirects included).
 *
 * @module
 */

import type { FetchLike, Middleware, RequestContext } from "../core/middleware.ts";
import { type ResponseInfo, responseInfo, setResponseInfo } from "../core/response_info.ts";
import { setResponseUrl } from "../core/response_url.ts";
import { SessionError } from "../core/session_error.ts";
import { readBytesInside } from "./_extension_files.ts";
import { applyHeaderOperations } from "./apply_header_operations.ts";
import type { DnrDecision, DnrEngine } from "./dnr_engine.ts";
import type { ResourceType } from "./dnr_rule.ts";

// Electron's resource types (webRequest `details.resourceType`) to declarativeNetRequest's.
// A ses.fetch (`xhr`) is a script's request with no document: `xmlhttprequest`, as
// Chromium types a fetch(); a download is `other`.
const RESOURCE_TYPE_OF: Record<string, ResourceType> = {
  other: "other",
  download: "other",
  mainFrame: "main_frame",
  subFrame: "sub_frame",
  stylesheet: "stylesheet",
  script: "script",
  image: "image",
  font: "font",
  object: "object",
  xhr: "xmlhttprequest",
  ping: "ping",
  cspReport: "csp_report",
  media: "media",
  webSocket: "websocket",
};

const CONTENT_TYPES: Record<string, string> = {
  css: "text/css",
  gif: "image/gif",
  html: "text/html",
  jpeg: "image/jpeg",
  jpg: "image/jpeg",
  js: "text/javascript",
  json: "application/json",
  png: "image/png",
  svg: "image/svg+xml",
  txt: "text/plain",
  wasm: "application/wasm",
};

/**
 * Header changes decided for a hop, handed from the first stage to the second. Keyed by the
 * context, which every hop of a request shares; each hop overwrites or clears it.
 */
type PendingHeaders = WeakMap<RequestContext, Extract<DnrDecision, { kind: "modifyHeaders" }>>;

/** The two stages over one engine. */
export interface DnrStages {
  /**
   * Blocks (`net::ERR_BLOCKED_BY_CLIENT`), redirects and upgrades, where webRequest's
   * `onBeforeRequest` runs; also serves `chrome-extension://<id>/path` (a direct `ses.fetch` or
   * the hop an `extensionPath` redirect leads to) from the directory of a loaded extension,
   * with or without rules; an id no extension has goes on to the next stage.
   */
  beforeRequest: Middleware;
  /**
   * Applies the `modifyHeaders` operations: request headers just before the transport (after
   * cookies and `onBeforeSendHeaders`, as Chromium applies them at `onBeforeSendHeaders`'s
   * end; again in each round an auth stage above it sends) and response headers as the
   * response head arrives.
   */
  modifyHeaders: Middleware;
}

/**
 * Makes the declarativeNetRequest stages. While no extension has rules, both are a single
 * property read (and the first a URL prefix check).
 *
 * @param engine The session's rules.
 * @returns The stages; place both inside `followRedirects`, `beforeRequest` first.
 *
 * @example
 * ```ts
 * import { compose, requestContext } from "../core/middleware.ts";
 * import { DnrEngine } from "./dnr_engine.ts";
 * import { parseRuleset } from "./dnr_rule.ts";
 * import { dnrStages } from "./dnr_stage.ts";
 * const engine = new DnrEngine();
 * const { rules } = parseRuleset(
 *   '[{"id": 1, "action": {"type": "block"}, "condition": {"urlFilter": "/ads/"}}]',
 *   { rules: 30000, regexRules: 1000 },
 * );
 * engine.set("abcdefghijklmnopabcdefghijklmnop", "/ext", rules);
 * const { beforeRequest, modifyHeaders } = dnrStages(engine);
 * const fetchLike = compose([beforeRequest, modifyHeaders], () => Promise.resolve(new Response("ok")));
 * const error = await fetchLike(new Request("http://a.test/ads/1"), requestContext()).catch((e) => e);
 * console.log(error.message); // net::ERR_BLOCKED_BY_CLIENT
 * ```
 */
export function dnrStages(engine: DnrEngine): DnrStages {
  const pending: PendingHeaders = new WeakMap();
  // How many contexts hold a decision: while none does, neither stage touches the WeakMap.
  let pendingCount = 0;
  const clear = (context: RequestContext) => {
    if (pendingCount > 0 && pending.delete(context)) pendingCount--;
  };
  const beforeRequest: Middleware = (next) => (request, context) => {
    if (request.url.startsWith("chrome-extension:")) {
      const root = engine.extensionPath(new URL(request.url).host);
      if (root !== undefined) return serveResource(root, request.url);
    }
    if (!engine.active) return next(request, context);
    const decision = engine.evaluate({
      url: request.url,
      method: request.method,
      resourceType: RESOURCE_TYPE_OF[context.resourceType] ?? "other",
    });
    clear(context);
    if (decision === undefined) return next(request, context);
    if (decision.kind === "block") {
      return Promise.reject(new SessionError("ERR_BLOCKED_BY_CLIENT", { url: request.url }));
    }
    if (decision.kind === "redirect") {
      // Chromium's internal redirect: a 307 that keeps the method and body.
      return Promise.resolve(
        new Response(null, {
          status: 307,
          statusText: "Internal Redirect",
          headers: { location: decision.url, "non-authoritative-reason": "WebRequest API" },
        }),
      );
    }
    pending.set(context, decision);
    pendingCount++;
    const response = next(request, context);
    // A stage between the two may fail the request before the second one takes the decision.
    const forget = () => clear(context);
    response.then(forget, forget);
    return response;
  };
  const modifyHeaders: Middleware = (next) => (request, context) => {
    if (pendingCount === 0) return next(request, context);
    const decision = pending.get(context);
    if (decision === undefined) return next(request, context);
    // Kept until the hop ends (beforeRequest forgets it then): an auth stage between the two
    // sends the hop again, and Chromium applies a request's header actions at each
    // OnBeforeSendHeaders, its auth restarts' included.
    return withHeaderChanges(next, request, context, decision);
  };
  return { beforeRequest, modifyHeaders };
}

function withHeaderChanges(
  next: FetchLike,
  request: Request,
  context: RequestContext,
  decision: Extract<DnrDecision, { kind: "modifyHeaders" }>,
): Promise<Response> {
  let outgoing = request;
  if (decision.requestHeaders.length > 0) {
    const headers = new Headers(request.headers);
    // The defaults the transport would add are headers to be sent: rules may change them.
    for (const [name, value] of context.defaultHeaders ?? []) {
      if (!headers.has(name)) headers.set(name, value);
    }
    context.defaultHeaders = [];
    applyHeaderOperations(headers, decision.requestHeaders, true);
    outgoing = new Request(request, { headers });
  }
  const promise = next(outgoing, context);
  if (decision.responseHeaders.length === 0) return promise;
  return promise.then((response) => {
    const headers = new Headers(response.headers);
    applyHeaderOperations(headers, decision.responseHeaders, false);
    const changed = new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
    setResponseInfo(changed, withRawHeaders(responseInfo(response), headers, decision));
    if (response.url !== "") setResponseUrl(changed, response.url, response.redirected);
    return changed;
  });
}

async function serveResource(root: string, url: string): Promise<Response> {
  const { pathname } = new URL(url);
  let path: string | undefined;
  try {
    // file_util::ExtensionURLToRelativeFilePath unescapes with UnescapeBinaryURLComponentSafe,
    // which fails on an escaped separator or control character: no file answers such a URL.
    path = /%(2f|5c|[01][0-9a-f])/i.test(pathname) ? undefined : decodeURIComponent(pathname);
  } catch {
    path = undefined;
  }
  const bytes = path === undefined ? undefined : await readBytesInside(root, path);
  if (bytes === undefined) throw new SessionError("ERR_FILE_NOT_FOUND", { url });
  const extension = /\.([A-Za-z0-9]+)$/.exec(pathname)?.[1]?.toLowerCase() ?? "";
  return new Response(bytes, {
    headers: { "content-type": CONTENT_TYPES[extension] ?? "application/octet-stream" },
  });
}

// The raw header lines later stages read (webRequest's onHeadersReceived, cookies), with the
// changed headers' lines replaced by their new values.
function withRawHeaders(
  info: ResponseInfo | undefined,
  headers: Headers,
  decision: Extract<DnrDecision, { kind: "modifyHeaders" }>,
): ResponseInfo | undefined {
  if (info === undefined) return undefined;
  const touched = new Set(decision.responseHeaders.map((op) => op.header));
  const rawHeaders: [string, string][] = info.rawHeaders
    .filter(([name]) => !touched.has(name.toLowerCase()))
    .map(([name, value]) => [name, value]);
  for (const name of touched) {
    const values = name === "set-cookie" ? headers.getSetCookie() : [headers.get(name)];
    for (const value of values) if (value !== null) rawHeaders.push([name, value]);
  }
  // The network's info reads statusLine through a getter, which a spread leaves behind.
  return { ...info, statusLine: info.statusLine, rawHeaders };
}
