/**
 * What each capture mode keeps, as Chromium's net/log/net_log_capture_mode.h and
 * net/http/http_log_util.cc `ElideHeaderValueForNetLog` decide it.
 *
 * @module
 */

/** Electron's `captureMode` values. */
export type CaptureMode = "default" | "includeSensitive" | "everything";

/** The capture modes Electron accepts, for argument checks. */
export const CAPTURE_MODES: readonly CaptureMode[] = ["default", "includeSensitive", "everything"];

// Headers whose values carry cookies or credentials (http_log_util.cc).
const SENSITIVE_HEADERS = new Set([
  "cookie",
  "set-cookie",
  "set-cookie2",
  "authorization",
  "proxy-authorization",
]);

const encoder = new TextEncoder();
const SENSITIVE_LINE = /^\s*(?:cookie|set-cookie2?|authorization|proxy-authorization)\s*:/i;

/**
 * One `name: value` header line as the mode allows it: in `default` a cookie or credential
 * value becomes `[N bytes were stripped]`, as Chromium writes it; an auth scheme (`Basic`)
 * stays visible.
 *
 * @param line Like `cookie: a=b`.
 * @param mode The capture mode.
 * @returns The line to log.
 *
 * @example
 * ```ts
 * import { elideHeaderLine } from "./capture_mode.ts";
 * console.log(elideHeaderLine("Cookie: a=b", "default")); // Cookie: [3 bytes were stripped]
 * console.log(elideHeaderLine("Cookie: a=b", "includeSensitive")); // Cookie: a=b
 * ```
 */
export function elideHeaderLine(line: string, mode: CaptureMode): string {
  if (mode !== "default") return line;
  const colon = line.indexOf(":");
  if (colon <= 0) return line;
  const name = line.slice(0, colon).trim().toLowerCase();
  if (!SENSITIVE_HEADERS.has(name)) return line;
  const value = line.slice(colon + 1).trimStart();
  const space = name.endsWith("authorization") ? value.indexOf(" ") : -1;
  const kept = space > 0 ? value.slice(0, space + 1) : "";
  const stripped = encoder.encode(value.slice(kept.length)).length;
  return `${line.slice(0, colon)}: ${kept}[${stripped} bytes were stripped]`;
}

/**
 * An event's parameters as the mode allows them: header lists are elided, socket bytes kept
 * only in `everything`, cookie names and values only with `includeSensitive` or `everything`.
 *
 * @param params The parameters the network code gave.
 * @param mode The capture mode.
 * @returns The parameters to write (the input when nothing changes).
 *
 * @example
 * ```ts
 * import { paramsForMode } from "./capture_mode.ts";
 * const params = { byte_count: 3, bytes: "YWJj" };
 * console.log(paramsForMode(params, "default")); // { byte_count: 3 }
 * ```
 */
export function paramsForMode(
  params: Record<string, unknown>,
  mode: CaptureMode,
): Record<string, unknown> {
  if (mode === "everything") return params;
  let out = params;
  const copy = () => out === params ? (out = { ...params }) : out;
  if ("bytes" in params) delete copy().bytes;
  if (mode === "default") {
    const headers = params.headers;
    // Most header lists carry nothing sensitive: one regular expression test per line, and no
    // copy, for those.
    if (
      Array.isArray(headers) &&
      headers.some((line) => typeof line === "string" && SENSITIVE_LINE.test(line))
    ) {
      copy().headers = headers.map((line) =>
        typeof line === "string" ? elideHeaderLine(line, mode) : line
      );
    }
    // Cookie events (COOKIE_INCLUSION_STATUS and the like) name cookies only when sensitive.
    if (typeof params.operation === "string" && "name" in params) {
      const cookie = copy();
      delete cookie.name;
      delete cookie.value;
      delete cookie.domain;
      delete cookie.path;
    }
  }
  return out;
}
