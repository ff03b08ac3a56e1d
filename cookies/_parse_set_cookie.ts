/**
 * Chromium's `Set-Cookie` line parser (net/cookies/parsed_cookie.cc, RFC 6265bis §5.6): the
 * line is cut at `;`, a first pair without `=` is a nameless cookie, attributes are matched
 * case-insensitively and the last of a kind wins.
 *
 * @module
 */

import type { CookieSameSite } from "../core/electron_types.ts";
import { parseCookieDate } from "./_lazy_dependencies.ts";

/** Chromium's `kMaxCookieNamePlusValueSize`. */
export const MAX_NAME_VALUE_BYTES = 4096;
/** Chromium's `kMaxCookieAttributeValueSize`. */
export const MAX_ATTRIBUTE_BYTES = 1024;

/** One parsed `Set-Cookie` line; times in milliseconds since the epoch. */
export interface ParsedSetCookie {
  name: string;
  value: string;
  /** The `Domain` attribute as written (a leading dot kept), or `undefined`. */
  domain: string | undefined;
  /** The `Path` attribute when it starts with `/`, or `undefined`. */
  path: string | undefined;
  /** From `Max-Age` (which wins) or `Expires`; `undefined` for a session cookie. */
  expiry: number | undefined;
  secure: boolean;
  httpOnly: boolean;
  sameSite: CookieSameSite;
}

/** Why a line was rejected, in Electron's words for the matching exclusion reason. */
export const REJECT_CONTROL = "The cookie contains ASCII control characters";
/** A line with neither name nor value. */
export const REJECT_NO_CONTENT = "The cookie has no content";
/** Name and value together over 4096 bytes. */
export const REJECT_NAME_VALUE_SIZE = "The cookie's name and value exceeded the maximum size.";

// Chromium truncates the line at the first NUL, CR or LF (kTerminator) and rejects any other
// control character but HTAB.
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

// Lines parsed before whose answer does not depend on the time (no Max-Age): servers send the
// same line again and again (a session id refreshed on every response), and parsing it was
// the largest part of storing it. Bounded in lines and in line length (at most 256 lines of 512
// characters are held); the answers are frozen, as callers share them.
const parsedLines = new Map<string, Readonly<ParsedSetCookie> | string>();
const PARSED_LINES_MAX = 256;
const PARSED_LINE_LENGTH_MAX = 512;
// Set by parseLine: whether the line it parsed had a Max-Age attribute.
let sawMaxAge = false;

/**
 * Parses one `Set-Cookie` value.
 *
 * @param line The header value.
 * @param now The current time in milliseconds, for `Max-Age`.
 * @returns The cookie (frozen when it may be shared: do not change it), or the reason it was
 * rejected.
 */
export function parseSetCookie(line: string, now: number): Readonly<ParsedSetCookie> | string {
  const known = parsedLines.get(line);
  if (known !== undefined) return known;
  sawMaxAge = false;
  const parsed = parseLine(line, now);
  if (sawMaxAge || line.length > PARSED_LINE_LENGTH_MAX) return parsed;
  if (parsedLines.size >= PARSED_LINES_MAX) parsedLines.clear();
  parsedLines.set(line, typeof parsed === "string" ? parsed : Object.freeze(parsed));
  return parsed;
}

function parseLine(line: string, now: number): ParsedSetCookie | string {
  // One scan: the first control character either ends the line (a terminator, with none
  // before it) or rejects it.
  const control = line.search(CONTROL);
  if (control !== -1) {
    const char = line[control];
    if (char !== "\0" && char !== "\r" && char !== "\n") return REJECT_CONTROL;
    line = line.slice(0, control);
  }
  const semi = line.indexOf(";");
  const pair = semi === -1 ? line : line.slice(0, semi);
  const eq = pair.indexOf("=");
  const name = eq === -1 ? "" : trim(pair.slice(0, eq));
  const value = trim(eq === -1 ? pair : pair.slice(eq + 1));
  if (name === "" && value === "") return REJECT_NO_CONTENT;
  if (utf8Length(name) + utf8Length(value) > MAX_NAME_VALUE_BYTES) return REJECT_NAME_VALUE_SIZE;
  const cookie: ParsedSetCookie = {
    name,
    value,
    domain: undefined,
    path: undefined,
    expiry: undefined,
    secure: false,
    httpOnly: false,
    sameSite: "unspecified",
  };
  if (semi === -1) return cookie;
  let maxAge: number | undefined;
  let expires: number | undefined;
  for (const av of line.slice(semi + 1).split(";")) {
    const avEq = av.indexOf("=");
    const key = trim(avEq === -1 ? av : av.slice(0, avEq)).toLowerCase();
    const val = avEq === -1 ? "" : trim(av.slice(avEq + 1));
    // RFC 6265bis §5.6: an attribute value over 1024 bytes is ignored, not the cookie.
    if (utf8Length(val) > MAX_ATTRIBUTE_BYTES) continue;
    switch (key) {
      case "secure":
        cookie.secure = true;
        break;
      case "httponly":
        cookie.httpOnly = true;
        break;
      case "domain":
        // RFC 6265bis §5.6.3: an empty Domain attribute is ignored, leaving an earlier one.
        if (val !== "") cookie.domain = val;
        break;
      case "path":
        cookie.path = val.startsWith("/") ? val : undefined;
        break;
      case "max-age":
        sawMaxAge = true;
        maxAge = parseMaxAge(val, now) ?? maxAge;
        break;
      case "expires":
        expires = parseExpires(val) ?? expires;
        break;
      case "samesite":
        cookie.sameSite = parseSameSite(val);
        break;
    }
  }
  cookie.expiry = maxAge ?? expires;
  return cookie;
}

const MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// The RFC 6265 §5.1.1 date algorithm is tough-cookie's parseDate; the format servers send
// (RFC 9110 IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT") is read by position, several times
// faster, with the same result (a property test compares the two).
function parseExpires(value: string): number | undefined {
  if (
    value.length === 29 && value[3] === "," && value[4] === " " && value[7] === " " &&
    value[11] === " " && value[16] === " " && value[19] === ":" && value[22] === ":" &&
    value.endsWith(" GMT")
  ) {
    const day = digits(value, 5, 2);
    const month = MONTHS.indexOf(value.slice(8, 11).toLowerCase()) / 3;
    const year = digits(value, 12, 4);
    const hour = digits(value, 17, 2);
    const minute = digits(value, 20, 2);
    const second = digits(value, 23, 2);
    if (
      Number.isInteger(month) && year >= 1601 && day >= 1 && day <= DAYS_IN_MONTH[month]! &&
      hour < 24 && minute < 60 && second < 60 &&
      (month !== 1 || day < 29 || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)))
    ) {
      return Date.UTC(year, month, day, hour, minute, second);
    }
  }
  return parseCookieDate(value);
}

// The decimal number in text[start, start + count), or -1 when a character is not a digit.
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
}

function parseSameSite(value: string): CookieSameSite {
  switch (value.toLowerCase()) {
    case "strict":
      return "strict";
    case "lax":
      return "lax";
    case "none":
      return "no_restriction";
    default:
      return "unspecified";
  }
}

// RFC 6265bis §5.6.2: digits with an optional leading "-"; zero or less is the earliest time.
function parseMaxAge(value: string, now: number): number | undefined {
  if (!/^-?[0-9]+$/.test(value)) return undefined;
  const seconds = Number(value);
  return seconds <= 0 ? 0 : now + Math.min(seconds, 4e11) * 1000;
}

function trim(text: string): string {
  // Chromium trims only space and HTAB (HTTP whitespace), not every Unicode space.
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === " " || text[start] === "\t")) start++;
  while (end > start && (text[end - 1] === " " || text[end - 1] === "\t")) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/**
 * Counts the UTF-8 bytes of a string without encoding it.
 *
 * @param text Any string.
 * @returns Its length in UTF-8.
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff) i++, bytes += 2;
    else bytes += 2;
  }
  return bytes;
}
