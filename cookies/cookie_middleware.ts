/**
 * The pipeline stage that sends and stores cookies on every hop.
 *
 * @module
 */

import type {
  CookieInclusionListener,
  CookieJarLike,
  CookieRequest,
} from "../core/cookie_jar_like.ts";
import type { Middleware, RequestContext } from "../core/middleware.ts";
import { sendsCredentials } from "../core/credentials_flag.ts";
import { rawHeaderValues } from "../core/raw_header_values.ts";
import { responseInfo } from "../core/response_info.ts";
import { Buffer } from "node:buffer";

type DefaultHeaders = RequestContext["defaultHeaders"];

/**
 * Adds the jar's `Cookie` header to each request and stores every `Set-Cookie` line of each
 * network response (redirects and error statuses too; a protocol handler's answer, marked
 * `ResponseInfo.fromHandler`, stores none), and through `context.onInterimResponse` those of
 * a response a later stage consumes (auth's 401/407, whose retry then carries the new Cookie
 * header; the HTTP cache's 304). Place it inside `followRedirects()` so it runs per hop: a
 * hop of another site than the first URL's (`context.urlChain[0]`, Chromium's site for
 * cookies, which redirects keep) is cross-site, sending and storing only SameSite=None cookies
 * (but for a download, whose site for cookies follows its redirects).
 * `credentials: "same-origin"` with an initiator (the caller's `Origin`) sends and stores them
 * only while every URL of the request is of that origin.
 * The header travels in `context.defaultHeaders`, so a caller's own `Cookie` header wins, as
 * with every default header. `credentials: "omit"` sends and stores nothing.
 * A request for a host without cookies whose response sets none costs one `.then` and no
 * allocation.
 *
 * @param jar The session's jar.
 * @returns The stage.
 *
 * @example
 * ```ts
 * import { compose, requestContext } from "../core/middleware.ts";
 * import { cookieMiddleware } from "./cookie_middleware.ts";
 * import { CookieJar } from "./cookie_jar.ts";
 * const jar = new CookieJar();
 * const run = compose([cookieMiddleware(jar)], () =>
 *   Promise.resolve(new Response("ok", { headers: { "set-cookie": "id=7" } })));
 * await run(new Request("http://a.test/"), requestContext());
 * console.log(jar.cookieHeader(new Request("http://a.test/"))); // id=7
 * ```
 */
export function cookieMiddleware(jar: CookieJarLike): Middleware {
  // The last list made, for the defaults and header it was made from: requests of one session
  // mostly carry the same defaults and the same Cookie, and lists are never changed in place.
  let madeFrom: DefaultHeaders;
  let madeWith: string | undefined;
  let made: DefaultHeaders;
  const onInterimResponse = (sent: Request, response: Response, context: RequestContext) => {
    const lines = setCookieLines(response);
    if (lines.length === 0) return;
    const onInclusion = context.netLog?.sink.capturing ? logInclusion(context) : undefined;
    const hop = cookieRequest(sent, context);
    jar.storeSetCookies(hop, cookieTexts(lines), onInclusion, serverTime(response));
    const again = jar.cookieHeader(hop, onInclusion);
    context.defaultHeaders = withCookie(
      context.defaultHeaders,
      again === undefined ? undefined : headerBytes(again),
    );
  };
  return (next) => (request, context) => {
    if (!sendsCredentials(context)) return next(request, context);
    const onInclusion = context.netLog?.sink.capturing ? logInclusion(context) : undefined;
    const hop = cookieRequest(request, context);
    const header = jar.cookieHeader(hop, onInclusion);
    const defaults = context.defaultHeaders;
    if (header !== undefined || endsWithCookie(defaults)) {
      if (made === undefined || defaults !== madeFrom || header !== madeWith) {
        madeFrom = defaults;
        madeWith = header;
        made = withCookie(defaults, header === undefined ? undefined : headerBytes(header));
      }
      context.defaultHeaders = made;
    }
    // One function for every request (no allocation on this path); it is given the context.
    context.onInterimResponse = onInterimResponse;
    return next(request, context).then((response) => {
      const lines = setCookieLines(response);
      if (lines.length > 0) {
        jar.storeSetCookies(hop, cookieTexts(lines), onInclusion, serverTime(response));
      }
      return response;
    });
  };
}

// What the jar is asked about for a hop: the request itself on the first hop; on a later one,
// also the first hop's URL, the site for cookies that Chromium keeps across redirects (a hop
// of another site is cross-site). A download is the exception: Chromium loads it as a main
// frame navigation, whose site for cookies follows each redirect
// (DownloadUrlParameters::update_first_party_url_on_redirect). Redirects are rare, so only
// they cost an object.
function cookieRequest(request: Request, context: RequestContext): CookieRequest {
  const chain = context.urlChain;
  if (context.resourceType === "download") {
    // A download the program starts is browser-initiated (DownloadUrlParameters has no
    // initiator): same-site on every hop, whatever Origin or Referer header it was given.
    return {
      url: request.url,
      method: request.method,
      headers: request.headers,
      initiator: new URL(request.url).origin,
    };
  }
  if (chain.length < 2 || chain[0] === request.url) return request;
  return {
    url: request.url,
    method: request.method,
    headers: request.headers,
    siteForCookies: chain[0],
    // The caller's Origin stays the initiator on every hop, whatever the hop's header says.
    initiator: context.initiator,
  };
}

// The response's Set-Cookie lines to store. A response of the network stack carries its header
// lines as received (every stage that replaces headers records the new lines with it), and
// reading them spares Bun's `Headers.getSetCookie` walk (0.4 µs a response); a response made
// elsewhere is asked through `Headers` (one call: asking `has` first costs as much again in
// Bun). A protocol handler's answer (or a file's) stores none: Electron's handlers answer
// through its own URL loader factory, never through URLRequestHttpJob, which alone saves
// cookies (electron/electron#39525); a network answer the handler fetched stored its own.
const NONE: readonly string[] = [];

function setCookieLines(response: Response): readonly string[] {
  const info = responseInfo(response);
  if (info === undefined) return response.headers.getSetCookie();
  return info.fromHandler ? NONE : rawHeaderValues(info.rawHeaders, "set-cookie");
}

// The response's Date, which Chromium's URLRequestHttpJob hands the cookie store as the server
// time its Expires dates are read on; none when absent or not a date.
// Read from the raw lines where the transport kept them, as setCookieLines reads its own.
function serverTime(response: Response): number | undefined {
  const info = responseInfo(response);
  const date = info === undefined
    ? response.headers.get("date") ?? undefined
    : rawHeaderValues(info.rawHeaders, "date")[0];
  if (date === undefined) return undefined;
  const time = Date.parse(date);
  return Number.isNaN(time) ? undefined : time;
}

// Header values reach JavaScript one character per byte (Latin-1), while Chromium keeps a
// cookie's bytes and Electron gives them to JavaScript as UTF-8: a Set-Cookie line that is
// UTF-8 is read as such (`é` arrives as the two characters `Ã©`), so cookies.get shows `é` and
// the Cookies file holds it as Chromium's does. A line that is not UTF-8 (a handler's `é` given
// as the one byte E9) is kept as it is, which is also what Electron makes of that string.
const NON_ASCII = /[\u0080-\uffff]/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

function cookieTexts(lines: readonly string[]): readonly string[] {
  // The usual lines are ASCII: no new list for them.
  for (let i = 0; i < lines.length; i++) {
    if (NON_ASCII.test(lines[i]!)) return lines.map(cookieText);
  }
  return lines;
}

function cookieText(line: string): string {
  if (!NON_ASCII.test(line)) return line;
  const bytes = Buffer.from(line, "latin1");
  // Characters above U+00FF cannot be header bytes; such a line is already text.
  if (bytes.toString("latin1") !== line) return line;
  try {
    return utf8.decode(bytes);
  } catch {
    return line;
  }
}

// The Cookie header goes out as the UTF-8 bytes of the stored strings, one character per byte
// for the transport, as Chromium writes a cookie's bytes.
function headerBytes(header: string): string {
  return NON_ASCII.test(header) ? Buffer.from(header, "utf8").toString("latin1") : header;
}

// Chromium's URLRequestHttpJob logs one COOKIE_INCLUSION_STATUS per cookie it sends or leaves
// out, and per Set-Cookie line it stores or refuses, with the status as
// CookieInclusionStatus::GetDebugString writes it (cookie_util.cc
// CookieInclusionStatusNetLogParams: name, domain and path only when not empty; the net log
// strips them unless its capture mode keeps sensitive data; the partition key in every mode,
// "(none)" for an unpartitioned cookie, which every cookie is here: a session's requests have
// no top-level site to key one by).
function logInclusion(context: RequestContext): CookieInclusionListener {
  const { sink, source } = context.netLog!;
  return ({ operation, exclusion, name, domain, path }) => {
    const params: Record<string, unknown> = {
      operation,
      status: `${exclusion ?? "INCLUDE"}, DO_NOT_WARN, NO_EXEMPTION`,
      partition_key: "(none)",
    };
    if (name !== "") params.name = name;
    if (domain !== "") params.domain = domain;
    if (path !== "") params.path = path;
    sink.add({ type: "COOKIE_INCLUSION_STATUS", phase: "PHASE_NONE", source, params });
  };
}

// Whether the defaults end with the Cookie this stage added on an earlier hop of the request:
// followRedirects gives each hop the entry's defaults again, but a stage must not count on
// being placed inside it, and no other stage adds a Cookie default.
function endsWithCookie(defaults: DefaultHeaders): boolean {
  return defaults !== undefined && defaults.length > 0 &&
    defaults[defaults.length - 1]![0] === "cookie";
}

// The hop's Cookie replaces the previous hop's, or takes it away. The list is copied by index
// (faster than a spread or slice-and-push in both runtimes). It is shared by the requests that
// carry the same defaults and header, and no stage changes a default list in place (the type
// says so), but it is not frozen: both engines read a frozen array's elements by a slower
// path, and the transport reads this list on every request (appending the defaults to a
// request's header lines cost 128 ns with the list and its pair frozen, 42 ns without, in
// Bun 1.4; 138 and 54 ns in Deno 2.9).
function withCookie(defaults: DefaultHeaders, header: string | undefined): DefaultHeaders {
  const kept = defaults === undefined ? 0 : defaults.length - (endsWithCookie(defaults) ? 1 : 0);
  const list = new Array<readonly [string, string]>(kept + (header === undefined ? 0 : 1));
  for (let i = 0; i < kept; i++) list[i] = defaults![i]!;
  if (header !== undefined) list[kept] = ["cookie", header];
  return list;
}
