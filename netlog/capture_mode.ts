/**
 * What each capture mode keeps, as Chromium's net/log/net_log_capture_mode.h and
 * net/http/http_log_util.cc `ElideHeaderValueForNetLog` decide it.
 *
 * @module
 */

import { Buffer } from "node:buffer";

/** Electron's `captureMode` values. */
export type CaptureMode = "default" | "includeSensitive" | "everything";

/** The capture modes Electron accepts, for argument checks. */
export const CAPTURE_MODES: readonly CaptureMode[] = ["default", "includeSensitive", "everything"];

// Headers whose values carry cookies or credentials, stripped whole (http_log_util.cc).
const SENSITIVE_HEADERS = new Set([
  "cookie",
  "set-cookie",
  "set-cookie2",
  "authorization",
  "proxy-authorization",
]);

// Headers whose challenges carry a multi-round scheme's token (NTLM, Negotiate).
const CHALLENGE_HEADERS = new Set(["www-authenticate", "proxy-authenticate"]);

const SENSITIVE_LINE =
  /^\s*(?:cookie|set-cookie2?|authorization|proxy-authorization|www-authenticate|proxy-authenticate)\s*:/i;

/**
 * One `name: value` header line as the mode allows it: in `default` a cookie or credential
 * value becomes `[N bytes were stripped]`, its auth scheme included, as Chromium writes it; a
 * `WWW-Authenticate` or `Proxy-Authenticate` challenge keeps its scheme and loses its
 * parameters when they may hold a multi-round scheme's token (not `Basic` or `Digest`, and no
 * comma: a list of schemes), as Chromium's `ShouldRedactChallenge` decides.
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
 * console.log(elideHeaderLine("WWW-Authenticate: NTLM TlRM", "default"));
 * // WWW-Authenticate: NTLM [4 bytes were stripped]
 * ```
 */
export function elideHeaderLine(line: string, mode: CaptureMode): string {
  if (mode !== "default") return line;
  const colon = line.indexOf(":");
  if (colon <= 0) return line;
  const name = line.slice(0, colon).trim().toLowerCase();
  const value = line.slice(colon + 1).trimStart();
  if (SENSITIVE_HEADERS.has(name)) {
    return `${line.slice(0, colon)}: [${utf8Length(value)} bytes were stripped]`;
  }
  if (CHALLENGE_HEADERS.has(name)) return `${line.slice(0, colon)}: ${elideChallenge(value)}`;
  return line;
}

// A challenge `scheme params` (HttpAuthChallengeTokenizer: the scheme is the first token, the
// parameters the rest less surrounding white space) with the parameters stripped when
// ShouldRedactChallenge says they may be a token.
function elideChallenge(value: string): string {
  if (value.includes(",")) return value;
  const parts = /^([ \t]*[^ \t]+[ \t]*)(.*?)([ \t]*)$/s.exec(value);
  if (parts === null || parts[2] === "") return value;
  const scheme = parts[1]!.trim().toLowerCase();
  if (scheme === "basic" || scheme === "digest") return value;
  return `${parts[1]}[${utf8Length(parts[2]!)} bytes were stripped]${parts[3]}`;
}

/**
 * An event's parameters as JSON text, with what the mode allows: header lists elided as
 * {@linkcode elideHeaderLine} does, socket bytes (`bytes`: a `Uint8Array`, or a string of
 * Latin-1 text) kept, as base64, only in `everything`; cookie names and values,
 * `AUTH_HANDLER_CREATE_RESULT`'s `challenge` and the user name and password of a `url` or
 * `location` only with `includeSensitive` or `everything` (Chromium's
 * NetLogCaptureIncludesSensitive / IncludesSocketBytes). A URL with credentials is written in
 * `default` as Chromium writes a request's: `http://host/path (credentials redacted)`; Chromium
 * keeps a redirect's `location` as received, @ses redacts it the same way, as `default` promises
 * to strip credentials. Events with nothing to strip, most of them, take one `JSON.stringify`.
 *
 * @param params The parameters the network code gave.
 * @param mode The capture mode.
 * @returns The JSON text of the parameters to write.
 *
 * @example
 * ```ts
 * import { paramsJson } from "./capture_mode.ts";
 * console.log(paramsJson({ byte_count: 3, bytes: "abc" }, "default")); // {"byte_count":3}
 * console.log(paramsJson({ byte_count: 3, bytes: "abc" }, "everything"));
 * // {"byte_count":3,"bytes":"YWJj"}
 * ```
 */
export function paramsJson(params: Record<string, unknown>, mode: CaptureMode): string {
  if (mode === "everything") {
    const bytes = params.bytes;
    if (bytes === undefined) return JSON.stringify(params);
    // Socket bytes come as written or read; they are encoded only here, in the one mode that
    // keeps them.
    return JSON.stringify({ ...params, bytes: base64(bytes) });
  }
  // A few property reads decide that most events need nothing but JSON.stringify.
  const headers = mode === "default" ? params.headers : undefined;
  const elide = Array.isArray(headers) && headers.some(isSensitiveLine);
  // Cookie events (COOKIE_INCLUSION_STATUS) are the ones with an `operation`.
  const cookie = mode === "default" && typeof params.operation === "string";
  // AUTH_HANDLER_CREATE_RESULT's `challenge` is an authenticate header value, which Chromium
  // writes only when its mode includes sensitive data.
  const challenge = mode === "default" && typeof params.challenge === "string";
  // A request's URL (REQUEST_ALIVE, URL_REQUEST_START_JOB, AUTH_CONTROLLER) or redirect target
  // may carry credentials (`http://user:pass@host/`): the auth stage takes them off only below
  // these events.
  const userinfo = mode === "default" &&
    (hasUserinfo(params.url) || hasUserinfo(params.location));
  if (params.bytes === undefined && !elide && !cookie && !challenge && !userinfo) {
    return JSON.stringify(params);
  }
  const out: Record<string, unknown> = {};
  for (const key in params) {
    if (
      key === "bytes" || (cookie && COOKIE_IDENTITY.has(key)) ||
      (challenge && key === "challenge")
    ) continue;
    const value = params[key];
    out[key] = elide && key === "headers"
      ? (headers as unknown[]).map((line) =>
        isSensitiveLine(line) ? elideHeaderLine(line as string, "default") : line
      )
      : userinfo && (key === "url" || key === "location") && hasUserinfo(value)
      ? redactCredentials(value as string)
      : value;
  }
  return JSON.stringify(out);
}

// `scheme://user@host...` or `scheme://user:pass@host...`: an `@` in the authority. Most URLs
// have no `@`.
function hasUserinfo(url: unknown): boolean {
  if (typeof url !== "string") return false;
  const at = url.indexOf("@");
  if (at === -1) return false;
  const start = url.indexOf("//") + 2;
  if (start === 1) return false;
  const end = url.slice(start).search(/[/?#]/);
  return end === -1 || at < start + end;
}

// Chromium's form (`chromium --log-net-log`, version 156): user name and password taken off and
// the fact said after the URL.
function redactCredentials(url: string): string {
  let bare: string;
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    bare = parsed.href;
  } catch {
    bare = url.slice(0, url.indexOf("//") + 2) + url.slice(url.indexOf("@") + 1);
  }
  return `${bare} (credentials redacted)`;
}

// What names a cookie in COOKIE_INCLUSION_STATUS and the cookie store's events; Chromium
// logs them only when its capture mode includes sensitive data.
const COOKIE_IDENTITY = new Set(["name", "value", "domain", "path"]);

// The first three letters of the sensitive header names ("coo", "set", "aut", "pro", "www" in
// any case), or leading white space, rule out most lines before the regular expression runs:
// the common fields (content-*, connection, cache-control, accept-*) share a first letter with
// them but not the first three.
function isSensitiveLine(line: unknown): boolean {
  if (typeof line !== "string") return false;
  const code = line.charCodeAt(0);
  if (code <= 0x20) return SENSITIVE_LINE.test(line);
  const prefix = ((code | 0x20) << 16) | ((line.charCodeAt(1) | 0x20) << 8) |
    (line.charCodeAt(2) | 0x20);
  return SENSITIVE_PREFIXES.has(prefix) && SENSITIVE_LINE.test(line);
}

const SENSITIVE_PREFIXES = new Set(
  ["coo", "set", "aut", "pro", "www"].map((name) =>
    (name.charCodeAt(0) << 16) | (name.charCodeAt(1) << 8) | name.charCodeAt(2)
  ),
);

// UTF-8 length without encoding: header values are short and mostly ASCII.
function utf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) length += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair: two code units, four bytes.
      length += 2;
      i++;
    } else length += 2;
  }
  return length;
}

function base64(bytes: unknown): string {
  if (typeof bytes === "string") return Buffer.from(bytes, "latin1").toString("base64");
  if (bytes instanceof Uint8Array) {
    try {
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
    } catch {
      // A body chunk the reader transferred before a log still opening wrote it: its bytes are
      // gone, its byte_count stays.
      return "";
    }
  }
  return "";
}
