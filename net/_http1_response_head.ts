/**
 * Finds and parses an HTTP/1.x response head (status line and header block), the way
 * Chromium's HttpStreamParser and HttpResponseHeaders read one.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { SessionError } from "../core/session_error.ts";
import { headerName } from "./_http1_header_names.ts";
import { tokenEnd } from "./_http1_token.ts";

/**
 * Chromium's kMaxHeaderBufSize: a head that does not end within this many bytes is refused.
 *
 * @example
 * ```ts
 * import { MAX_RESPONSE_HEAD_BYTES } from "./_http1_response_head.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(MAX_RESPONSE_HEAD_BYTES, 262144);
 * ```
 */
export const MAX_RESPONSE_HEAD_BYTES = 256 * 1024;

/** A parsed response head and the facts about it that decide body framing and reuse. */
export interface ResponseHead {
  /** The status code, 100–999. */
  status: number;
  /** The reason phrase, `""` when absent. */
  statusText: string;
  /** `"1.0"` for HTTP/1.0; every later 1.x is treated as 1.1, as Chromium does. */
  httpVersion: "1.0" | "1.1";
  /** Header lines in order, names as received, values with surrounding whitespace removed. */
  headers: Array<[string, string]>;
  /** The declared body length, or -1 when absent or not a plain decimal number. */
  contentLength: number;
  /** Whether the body is chunked (Transfer-Encoding lists `chunked`; never for HTTP/1.0). */
  chunked: boolean;
  /** Whether the server allows another request on the connection. */
  keepAlive: boolean;
}

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SP = 0x20;
const HTAB = 0x09;

/**
 * Finds the end of a response head: the first empty line, with or without carriage returns.
 * Look from the status line's start ({@linkcode statusLineStart}): bytes before it may hold
 * line breaks, which Chromium's LocateEndOfHeaders never looks at either.
 *
 * @param bytes The received bytes; only `bytes[0..length)` is looked at.
 * @param from Where to start looking; pass the previous length minus 3 when more bytes arrive,
 *   so a line break split across reads is still found without rescanning the head.
 * @param length How many bytes of `bytes` are valid.
 * @returns The offset just past the empty line, or -1 when the head is not complete yet.
 *
 * @example A head that arrives in two reads
 * ```ts
 * import { findResponseHeadEnd } from "./_http1_response_head.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new TextEncoder().encode("HTTP/1.1 204 No Content\r\nX: 1\r\n\r\n");
 * assert.equal(findResponseHeadEnd(bytes, 0, 30), -1);
 * assert.equal(findResponseHeadEnd(bytes, 30 - 3, bytes.length), bytes.length);
 * ```
 */
export function findResponseHeadEnd(bytes: Uint8Array, from: number, length: number): number {
  let at = from;
  for (;;) {
    const lf = bytes.indexOf(LF, at);
    if (lf === -1 || lf + 1 >= length) return -1;
    const next = bytes[lf + 1];
    if (next === LF) return lf + 2;
    if (next === CR) {
      if (lf + 2 >= length) return -1;
      if (bytes[lf + 2] === LF) return lf + 3;
    }
    at = lf + 1;
  }
}

// How many bytes may come before "http", as Chromium's HttpUtil::LocateStartOfStatusLine
// allows (what Mozilla allows too): a stray CRLF a server sent after its last response.
const STATUS_LINE_SLOP = 4;
const HTTP = [0x68, 0x74, 0x74, 0x70]; // "http", matched regardless of case

/**
 * Where the status line starts: the first of the first five offsets at which "http" begins,
 * in any case, as Chromium's HttpUtil::LocateStartOfStatusLine finds it (the bytes before it
 * are dropped, as its AssembleRawHeaders drops them).
 *
 * @param bytes The received bytes; only `bytes[0..length)` is looked at.
 * @param length How many bytes of `bytes` are valid.
 * @returns The offset, or -1 when "http" is not (yet) there.
 *
 * @example
 * ```ts
 * import { statusLineStart } from "./_http1_response_head.ts";
 * import assert from "node:assert/strict";
 *
 * const text = (s: string) => new TextEncoder().encode(s);
 * assert.equal(statusLineStart(text("\r\nHTTP/1.1 200 OK"), 17), 2);
 * assert.equal(statusLineStart(text("Http/1.1 200 OK"), 15), 0);
 * assert.equal(statusLineStart(text("SSH-2.0-OpenSSH"), 15), -1);
 * ```
 */
export function statusLineStart(bytes: Uint8Array, length: number): number {
  const last = Math.min(length - HTTP.length, STATUS_LINE_SLOP);
  for (let at = 0; at <= last; at++) {
    if (matchesHttp(bytes, at, at + HTTP.length)) return at;
  }
  return -1;
}

// Whether bytes[from..to) is "http" (or its beginning), in any case.
function matchesHttp(bytes: Uint8Array, from: number, to: number): boolean {
  for (let at = from; at < to; at++) {
    if ((bytes[at]! | 0x20) !== HTTP[at - from]) return false;
  }
  return true;
}

/**
 * Whether the first bytes of a response that has not ended its head yet can still hold a
 * status line, so that waiting for more of it makes sense. Chromium's HttpStreamParser takes a
 * reply with no "http" in its first eight bytes as an HTTP/0.9 body, and refuses that on a
 * non-default port; neither is worth waiting for a server to close (an SSH or SMTP banner never
 * ends with an empty line). "http" may start after up to four bytes and in any case
 * ({@linkcode statusLineStart}).
 *
 * @param bytes The received bytes; only `bytes[0..length)` is looked at.
 * @param length How many bytes of `bytes` are valid.
 * @returns `false` once "http" can no longer start within the first five offsets; `true`
 *   while it is there or may still come.
 *
 * @example
 * ```ts
 * import { mayStartStatusLine } from "./_http1_response_head.ts";
 * import assert from "node:assert/strict";
 *
 * const text = (s: string) => new TextEncoder().encode(s);
 * assert.equal(mayStartStatusLine(text("HT"), 2), true);
 * assert.equal(mayStartStatusLine(text("\r\nht"), 4), true);
 * assert.equal(mayStartStatusLine(text("HTTP/1.1 200"), 12), true);
 * assert.equal(mayStartStatusLine(text("SSH-2.0-OpenSSH\r\n"), 17), false);
 * ```
 */
export function mayStartStatusLine(bytes: Uint8Array, length: number): boolean {
  for (let at = 0; at <= STATUS_LINE_SLOP; at++) {
    if (matchesHttp(bytes, at, Math.min(length, at + HTTP.length))) return true;
  }
  return false;
}

/**
 * Parses a complete response head.
 *
 * Lines that a fetch `Headers` could not hold are skipped: no colon, an empty or non-token name,
 * or a NUL or carriage return inside the value. A line starting with whitespace continues the
 * previous header's value (obsolete line folding), joined with one space.
 *
 * Values are read as Latin-1 (one character per byte), except in the headers that carry a URL
 * (`Location`, `Content-Location`, `Refresh`, `Link`): there, bytes that form valid UTF-8 are
 * read as UTF-8, as Chromium's GURL, curl and undici read them, so `Location: /caf` + `C3 A9`
 * leads to `/caf%C3%A9`, not `/caf%C3%83%C2%A9`. A fetch `Headers` holds only Latin-1, so the
 * UTF-8 characters are kept percent-encoded (`/caf%C3%A9`), which every URL parser reads as the
 * same URL (path, query, fragment and host alike). Invalid UTF-8 stays Latin-1.
 *
 * @param bytes Bytes holding the head at `[0, end)`.
 * @param end The offset returned by {@linkcode findResponseHeadEnd}.
 * @returns The parsed head.
 * @throws {SessionError} `ERR_INVALID_HTTP_RESPONSE` when the status line (after up to four
 *   stray bytes, its `HTTP` in any case: {@linkcode statusLineStart}) is not
 *   `HTTP/1.x NNN [reason]` with a code of at least 100; and, like Chromium's guards against
 *   response splitting, `ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH` (differing Content-Length
 *   values in a response that is not chunked), `ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION` and
 *   `ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_DISPOSITION` (differing copies of those headers).
 *
 * @example Parse a head read off the wire
 * ```ts
 * import { findResponseHeadEnd, parseResponseHead } from "./_http1_response_head.ts";
 * import assert from "node:assert/strict";
 *
 * const bytes = new TextEncoder().encode(
 *   "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
 * );
 * const end = findResponseHeadEnd(bytes, 0, bytes.length);
 * const head = parseResponseHead(bytes, end);
 * assert.equal(head.status, 200);
 * assert.deepEqual(head.headers, [["Content-Length", "5"], ["Connection", "close"]]);
 * assert.equal(head.contentLength, 5);
 * assert.equal(head.keepAlive, false);
 * assert.equal(end, bytes.length - 5);
 * ```
 */
export function parseResponseHead(bytes: Uint8Array, end: number): ResponseHead {
  // Reading `.buffer` of a small Buffer makes JavaScriptCore give it a backing store of its
  // own, so a Buffer (what sockets deliver) is decoded directly.
  const text = Buffer.isBuffer(bytes)
    ? bytes.toString("latin1", 0, end)
    : Buffer.from(bytes.buffer, bytes.byteOffset, end).toString("latin1");
  const start = statusLineStart(bytes, end);
  if (start === -1) throw new SessionError("ERR_INVALID_HTTP_RESPONSE");
  const statusEnd = text.indexOf("\n", start);
  const statusLine = text.slice(start, lineEnd(text, start, statusEnd));
  const { status, statusText, httpVersion } = parseStatusLine(statusLine, statusLine.length);

  const headers: Array<[string, string]> = [];
  const contentLength = new SingleValue();
  const location = new SingleValue();
  const contentDisposition = new SingleValue();
  let transferEncoding = "";
  let connection = "";
  let proxyConnection = "";

  let pos = statusEnd + 1;
  while (pos < text.length) {
    const lf = text.indexOf("\n", pos);
    const stop = lineEnd(text, pos, lf);
    if (stop === pos) break;
    const first = text.charCodeAt(pos);
    if (first === SP || first === HTAB) {
      const last = headers[headers.length - 1];
      const more = trimmed(text, pos, stop);
      if (last !== undefined && more !== "" && isValue(more)) {
        last[1] = last[1] === "" ? more : `${last[1]} ${more}`;
      }
      pos = lf + 1;
      continue;
    }
    // The name is checked and trimmed on the bytes, so skipped lines make no strings.
    const nameEnd = tokenEnd(bytes, pos, stop);
    let colon = nameEnd;
    while (colon < stop && isBlank(bytes[colon]!)) colon++;
    if (nameEnd > pos && colon < stop && bytes[colon] === COLON) {
      let from = colon + 1;
      let to = stop;
      while (from < to && isBlank(bytes[from]!)) from++;
      while (to > from && isBlank(bytes[to - 1]!)) to--;
      const kind = valueKind(bytes, from, to);
      if (kind !== UNUSABLE) {
        const name = headerName(text, pos, nameEnd);
        let value = text.slice(from, to);
        // Most values are ASCII; only the others pay for the UTF-8 reading of URL-bearing ones.
        if (kind === NON_ASCII && isUrlHeader(name)) {
          value = utf8PercentEncoded(bytes, text, from, to) ?? value;
        }
        headers.push([name, value]);
        // Only names of the right length are lower-cased, which keeps this loop cheap.
        switch (name.length) {
          case 8:
            if (name.toLowerCase() === "location") location.add(value);
            break;
          case 10:
            if (name.toLowerCase() === "connection") connection = joined(connection, value);
            break;
          case 14:
            if (name.toLowerCase() === "content-length") {
              if (!value.includes(",")) contentLength.add(value);
              else for (const each of listItems(value)) contentLength.add(each);
            }
            break;
          case 16:
            if (name.toLowerCase() === "proxy-connection") {
              proxyConnection = joined(proxyConnection, value);
            }
            break;
          case 17:
            if (name.toLowerCase() === "transfer-encoding") {
              transferEncoding = joined(transferEncoding, value);
            }
            break;
          case 19:
            if (name.toLowerCase() === "content-disposition") contentDisposition.add(value);
            break;
        }
      }
    }
    pos = lf + 1;
  }

  const chunked = httpVersion === "1.1" && hasToken(transferEncoding, "chunked");
  if (contentLength.conflicting && !chunked) {
    throw new SessionError("ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH");
  }
  if (contentDisposition.conflicting) {
    throw new SessionError("ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_DISPOSITION");
  }
  if (location.conflicting) throw new SessionError("ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION");
  return {
    status,
    statusText,
    httpVersion,
    headers,
    contentLength: contentLength.value === undefined ? -1 : decimal(contentLength.value),
    chunked,
    keepAlive: isKeepAlive(httpVersion, connection, proxyConnection),
  };
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });
const HEX = "0123456789ABCDEF";

function isUrlHeader(name: string): boolean {
  switch (name.length) {
    case 4:
      return name.toLowerCase() === "link";
    case 7:
      return name.toLowerCase() === "refresh";
    case 8:
      return name.toLowerCase() === "location";
    case 16:
      return name.toLowerCase() === "content-location";
    default:
      return false;
  }
}

// The value at `[from, to)` with every byte of 0x80 and above percent-encoded, when those bytes
// are valid UTF-8; undefined when the value is ASCII or not UTF-8.
function utf8PercentEncoded(
  bytes: Uint8Array,
  text: string,
  from: number,
  to: number,
): string | undefined {
  let first = from;
  while (first < to && bytes[first]! < 0x80) first++;
  if (first === to) return undefined;
  try {
    UTF8.decode(bytes.subarray(first, to));
  } catch {
    return undefined;
  }
  let encoded = text.slice(from, first);
  let run = first;
  for (let at = first; at < to; at++) {
    const byte = bytes[at]!;
    if (byte < 0x80) continue;
    encoded += `${text.slice(run, at)}%${HEX[byte >> 4]}${HEX[byte & 0x0f]}`;
    run = at + 1;
  }
  return encoded + text.slice(run, to);
}

// The first value of a header that must not appear with two different values.
class SingleValue {
  value: string | undefined;
  conflicting = false;

  add(value: string): void {
    if (this.value === undefined) this.value = value;
    else if (value !== this.value) this.conflicting = true;
  }
}

// The end of the line starting at `start` whose LF is at `lf`, not counting a CR before the LF.
function lineEnd(text: string, start: number, lf: number): number {
  return lf > start && text.charCodeAt(lf - 1) === CR ? lf - 1 : lf;
}

function parseStatusLine(
  text: string,
  stop: number,
): Pick<ResponseHead, "status" | "statusText" | "httpVersion"> {
  const minor = text.charCodeAt(7);
  // "http" was matched in any case; the rest of "HTTP/1." must be there.
  if (!text.startsWith("/1.", 4) || !isDigit(minor) || text.charCodeAt(8) !== SP) {
    throw new SessionError("ERR_INVALID_HTTP_RESPONSE");
  }
  let at = 9;
  while (text.charCodeAt(at) === SP) at++;
  const d0 = text.charCodeAt(at);
  const d1 = text.charCodeAt(at + 1);
  const d2 = text.charCodeAt(at + 2);
  const after = at + 3;
  if (
    !isDigit(d0) || !isDigit(d1) || !isDigit(d2) || d0 === 0x30 ||
    (after < stop && text.charCodeAt(after) !== SP) || after > stop
  ) {
    throw new SessionError("ERR_INVALID_HTTP_RESPONSE");
  }
  return {
    status: (d0 - 0x30) * 100 + (d1 - 0x30) * 10 + (d2 - 0x30),
    statusText: after < stop ? trimmed(text, after + 1, stop) : "",
    httpVersion: minor === 0x30 ? "1.0" : "1.1",
  };
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function trimmed(text: string, start: number, stop: number): string {
  let from = start;
  let to = stop;
  while (from < to && isBlank(text.charCodeAt(from))) from++;
  while (to > from && isBlank(text.charCodeAt(to - 1))) to--;
  return text.slice(from, to);
}

function isBlank(code: number): boolean {
  return code === SP || code === HTAB;
}

// What valueKind says of a header value's bytes.
const ASCII = 0;
const NON_ASCII = 1;
const UNUSABLE = 2;

// Whether a fetch `Headers` can hold the value (no CR, no NUL) and whether it is all ASCII, in
// the one pass every value gets anyway.
function valueKind(bytes: Uint8Array, from: number, to: number): number {
  let high = 0;
  for (let at = from; at < to; at++) {
    const code = bytes[at]!;
    if (code === CR || code === 0) return UNUSABLE;
    high |= code;
  }
  return high < 0x80 ? ASCII : NON_ASCII;
}

function isValue(value: string): boolean {
  return !value.includes("\r") && !value.includes("\0");
}

function joined(list: string, value: string): string {
  return list === "" ? value : `${list},${value}`;
}

function listItems(value: string): string[] {
  if (!value.includes(",")) return [value];
  const items: string[] = [];
  for (const item of value.split(",")) {
    const each = trimmed(item, 0, item.length);
    if (each !== "") items.push(each);
  }
  return items;
}

function hasToken(list: string, token: string): boolean {
  if (list === "") return false;
  for (const item of listItems(list)) {
    if (item.length === token.length && item.toLowerCase() === token) return true;
  }
  return false;
}

// Chromium's HttpResponseHeaders::IsKeepAlive: the first close/keep-alive token of Connection,
// then of Proxy-Connection, decides; otherwise HTTP/1.1 stays open and HTTP/1.0 closes.
function isKeepAlive(version: "1.0" | "1.1", connection: string, proxyConnection: string): boolean {
  return keepAliveToken(connection) ?? keepAliveToken(proxyConnection) ?? version === "1.1";
}

// What the first close or keep-alive token of a Connection list says, if it has one.
function keepAliveToken(list: string): boolean | undefined {
  if (list === "") return undefined;
  for (const item of listItems(list)) {
    const token = item.toLowerCase();
    if (token === "close") return false;
    if (token === "keep-alive") return true;
  }
  return undefined;
}

function decimal(value: string): number {
  if (value.length === 0 || value.length > 15) return -1;
  let number = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (!isDigit(code)) return -1;
    number = number * 10 + (code - 0x30);
  }
  return number;
}
