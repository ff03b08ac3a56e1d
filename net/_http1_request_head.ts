/**
 * Builds the text of an HTTP/1.1 request head and decides how the body is framed.
 *
 * @module
 */

import type { Http1Request } from "./http1_client.ts";
import { isHttpToken } from "./_http1_token.ts";

/** How the request body goes on the wire. */
export type RequestBodyFraming = "none" | "raw" | "chunked";

/** The request head text and the body framing it announces. */
export interface RequestHead {
  /** The request line and header lines, ending with the empty line; Latin-1 text. */
  text: string;
  /** `"raw"`: the body bytes as they are (a Content-Length was sent); `"chunked"`: encoded. */
  framing: RequestBodyFraming;
  /** The Content-Length sent with a `"raw"` body, -1 otherwise. */
  contentLength: number;
  /**
   * Whether a `Connection` header lists `close`: then the connection carries no further
   * request (RFC 9112 §9.6).
   */
  closes: boolean;
}

// The "close" connection option among a Connection header's comma-separated tokens.
const CLOSE_OPTION = /(?:^|,)[ \t]*close[ \t]*(?:,|$)/i;

const SP = 0x20;
const DEL = 0x7f;

/**
 * Builds the request head for `request`, adding the body framing header the caller left out:
 * `Content-Length` for a `Uint8Array` body, `Transfer-Encoding: chunked` for a stream, and
 * `Content-Length: 0` for a POST or PUT without a body, as Chromium does.
 *
 * @param request The method, request-target, headers and body.
 * @returns The head text and how the body must be written.
 * @throws {TypeError} When the method or a header name is not an HTTP token, the target or a
 *   header value holds characters that would break the message apart, or the caller's
 *   Content-Length is not a number or does not match a `Uint8Array` body.
 *
 * @example A small POST
 * ```ts
 * import { requestHead } from "./_http1_request_head.ts";
 * import assert from "node:assert/strict";
 *
 * const head = requestHead({
 *   method: "POST",
 *   target: "/submit",
 *   headers: [["Host", "example.com"]],
 *   body: new Uint8Array(3),
 * });
 * assert.equal(head.text, "POST /submit HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\n\r\n");
 * assert.equal(head.framing, "raw");
 * assert.equal(head.contentLength, 3);
 * ```
 */
export function requestHead(
  request: Pick<Http1Request, "method" | "target" | "headers" | "body" | "headersChecked">,
): RequestHead {
  const { method, target, headers, body, headersChecked = false } = request;
  if (!isHttpToken(method)) {
    throw new TypeError(`Cannot send request: method "${method}" is invalid`);
  }
  if (target.length === 0 || hasControlOrSpace(target)) {
    throw new TypeError(`Cannot send request: request-target "${target}" is invalid`);
  }
  let text = `${method} ${target} HTTP/1.1\r\n`;
  let declared: string | undefined;
  let hasEncoding = false;
  let closes = false;
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i]!;
    if (!headersChecked) checkHeader(name, value);
    if (name.length === 14 && name.toLowerCase() === "content-length") declared = value;
    else if (name.length === 17 && name.toLowerCase() === "transfer-encoding") hasEncoding = true;
    else if (name.length === 10 && name.toLowerCase() === "connection") {
      closes ||= CLOSE_OPTION.test(value);
    }
    text += `${name}: ${value}\r\n`;
  }
  if (body instanceof Uint8Array) {
    if (hasEncoding) return { text: `${text}\r\n`, framing: "chunked", contentLength: -1, closes };
    if (declared === undefined) text += `Content-Length: ${body.length}\r\n`;
    else if (declaredLength(declared) !== body.length) {
      throw new TypeError(
        `Cannot send request: Content-Length "${declared}" does not match the body's ${body.length} bytes`,
      );
    }
    return { text: `${text}\r\n`, framing: "raw", contentLength: body.length, closes };
  }
  if (body !== null) {
    if (declared !== undefined && !hasEncoding) {
      const contentLength = declaredLength(declared);
      if (contentLength === -1) {
        throw new TypeError(`Cannot send request: Content-Length "${declared}" is invalid`);
      }
      return { text: `${text}\r\n`, framing: "raw", contentLength, closes };
    }
    if (!hasEncoding) text += "Transfer-Encoding: chunked\r\n";
    return { text: `${text}\r\n`, framing: "chunked", contentLength: -1, closes };
  }
  if (declared === undefined && !hasEncoding && (method === "POST" || method === "PUT")) {
    // An empty POST or PUT still announces its length (HttpNetworkTransaction does the same).
    text += "Content-Length: 0\r\n";
  }
  return { text: `${text}\r\n`, framing: "none", contentLength: -1, closes };
}

function checkHeader(name: string, value: string): void {
  if (!isHttpToken(name)) {
    throw new TypeError(`Cannot send request: header name "${name}" is invalid`);
  }
  if (value.includes("\n") || value.includes("\r") || value.includes("\0")) {
    throw new TypeError(
      `Cannot send request: header "${name}" has a line break or NUL in its value`,
    );
  }
}

function declaredLength(value: string): number {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > 15) return -1;
  for (let i = 0; i < trimmed.length; i++) {
    const code = trimmed.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return -1;
  }
  return Number(trimmed);
}

function hasControlOrSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= SP || code === DEL) return true;
  }
  return false;
}
