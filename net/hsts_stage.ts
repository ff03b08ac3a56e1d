/**
 * The pipeline stage for HSTS (RFC 6797): an `http:` request to a host known as HTTPS-only gets
 * Chromium's `307 Internal Redirect` to `https:` without touching the network, and an `https:`
 * response's `Strict-Transport-Security` header teaches the session its host.
 *
 * @module
 */

import type { Middleware } from "../core/middleware.ts";
import { rawHeaderValues } from "../core/raw_header_values.ts";
import { markInternalRedirect, synthesizeRedirectResponse } from "../core/redirect.ts";
import { responseInfo } from "../core/response_info.ts";
import type { TransportSecurityState } from "./transport_security_state.ts";

/**
 * Makes the HSTS stage. It sits inside the redirect stage (it runs per hop) and after
 * webRequest's `onBeforeRequest`, where Chromium's `URLRequestHttpJob::Factory` checks
 * `ShouldUpgradeToSSL`: the listener sees the `http:` URL, then `onBeforeRedirect` with status
 * 307, then the `https:` hop. An `http:` URL on port 80 moves to 443; another port stays.
 * Headers are learned from responses that came over TLS (the network or the HTTP cache, not a
 * protocol handler's), after `onHeadersReceived` changed them. Requests to hosts it does not
 * know pass through with no extra work; `https:` responses cost one header look-up.
 *
 * @param state The session's HSTS hosts.
 * @returns The stage.
 *
 * @example
 * ```ts
 * import { compose, requestContext } from "../core/middleware.ts";
 * import { hstsStage } from "./hsts_stage.ts";
 * import { TransportSecurityState } from "./transport_security_state.ts";
 * const state = new TransportSecurityState({ path: null });
 * state.processHeader("a.test", "max-age=600");
 * const run = compose([hstsStage(state)], () => Promise.resolve(new Response("network")));
 * const response = await run(new Request("http://a.test/x"), requestContext());
 * console.log(response.status, response.headers.get("location")); // 307 https://a.test/x
 * ```
 */
export function hstsStage(state: TransportSecurityState): Middleware {
  return (next) => (request, context) => {
    // The hop's URL as the context keeps it: Deno's `Request.url` getter builds a new string
    // each time, which showed as most of this stage's cost per request.
    const chain = context.urlChain;
    const url = chain.length > 0 ? chain[chain.length - 1]! : request.url;
    if (url.startsWith("http:")) {
      if (state.empty) return next(request, context);
      const target = new URL(url);
      if (!state.shouldUpgradeToSsl(target.hostname)) return next(request, context);
      target.protocol = "https:";
      const log = context.netLog;
      // URLRequestRedirectJob::StartAsync's event, on the request's source.
      if (log?.sink.capturing) {
        log.sink.add({
          type: "URL_REQUEST_REDIRECT_JOB",
          phase: "PHASE_NONE",
          source: log.source,
          params: { reason: "HSTS" },
        });
      }
      return Promise.resolve(markInternalRedirect(synthesizeRedirectResponse(target.href, "HSTS")));
    }
    if (!url.startsWith("https:")) return next(request, context);
    return next(request, context).then((response) => {
      const info = responseInfo(response);
      // Chromium learns only over a connection without certificate errors
      // (URLRequestHttpJob::ProcessStrictTransportSecurityHeader), so a certificate the verify
      // proc let through teaches nothing.
      if (info === undefined || info.fromHandler || info.certStatusError) return response;
      const value = rawHeaderValues(info.rawHeaders, "strict-transport-security")[0];
      if (value !== undefined) state.processHeader(new URL(url).hostname, value);
      return response;
    });
  };
}
