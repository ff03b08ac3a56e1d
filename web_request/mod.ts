/**
 * webRequest: a session's request hooks (Electron's `WebRequest`), the Chrome match patterns
 * of their filters, their details objects, and the pipeline stages that call them.
 *
 * @example Blocking a host
 * ```ts
 * import { WebRequest } from "./mod.ts";
 * const webRequest = new WebRequest();
 * webRequest.onBeforeRequest({ urls: ["*://ads.test/*"] }, (_details, callback) =>
 *   callback({ cancel: true }));
 * ```
 *
 * @module
 */

export * from "./before_redirect_hook.ts";
export * from "./before_request_stage.ts";
export * from "./details.ts";
export * from "./headers_stage.ts";
export * from "./match_pattern.ts";
export * from "./outcome_observer.ts";
export * from "./request_filter.ts";
export * from "./response_started_stage.ts";
export * from "./web_request.ts";
