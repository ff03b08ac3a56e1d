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
  /** Whether `expiry` is an `Expires` date: a time on the server's clock. */
  expiryIsDate: boolean;
  secure: boolean;
  httpOnly: boolean;
  sameSite: CookieSameSite;
  /** The `Partitioned` attribute (CHIPS). */
  partitioned: boolean;
}

/** Why a line was rejected, in Electron's words for the matching exclusion reason. */
export const REJECT_CONTROL = "The cookie contains ASCII control characters";
/** A line with neither name nor value. */
export const REJECT_NO_CONTENT = "The cookie contains no content or only whitespace.";
/** Name and value together over 4096 bytes. */
export const REJECT_NAME_VALUE_SIZE = "The cookie exceeded the name/value pair size limit.";

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
  // The line is read by position: a cookie's attributes are neither split nor copied, only the
  // values kept are cut out (this runs for every Set-Cookie line of every response).
  const end = line.length;
  let semi = line.indexOf(";");
  if (semi === -1) semi = end;
  let eq = line.indexOf("=");
  if (eq > semi) eq = -1;
  const name = eq === -1 ? "" : trimmed(line, 0, eq);
  const value = trimmed(line, eq + 1, semi);
  if (name === "" && value === "") return REJECT_NO_CONTENT;
  if (
    (name.length + value.length) * 3 > MAX_NAME_VALUE_BYTES &&
    utf8Length(name) + utf8Length(value) > MAX_NAME_VALUE_BYTES
  ) {
    return REJECT_NAME_VALUE_SIZE;
  }
  const cookie: ParsedSetCookie = {
    name,
    value,
    domain: undefined,
    path: undefined,
    expiry: undefined,
    expiryIsDate: false,
    secure: false,
    httpOnly: false,
    sameSite: "unspecified",
    partitioned: false,
  };
  // The last of each, valid or not (ParsedCookie keeps the last pair of an attribute's name).
  let maxAge: string | undefined;
  let expires: string | undefined;
  for (let start = semi + 1; start < end;) {
    let stop = line.indexOf(";", start);
    if (stop === -1) stop = end;
    let keyStart = start;
    while (keyStart < stop && isSpace(line.charCodeAt(keyStart))) keyStart++;
    let avEq = line.indexOf("=", keyStart);
    if (avEq === -1 || avEq > stop) avEq = stop;
    let keyEnd = avEq;
    while (keyEnd > keyStart && isSpace(line.charCodeAt(keyEnd - 1))) keyEnd--;
    const attribute = attributeOf(line, keyStart, keyEnd);
    start = stop + 1;
    if (attribute === UNKNOWN) continue;
    let valueStart = avEq + 1;
    let valueEnd = stop;
    while (valueStart < valueEnd && isSpace(line.charCodeAt(valueStart))) valueStart++;
    while (valueEnd > valueStart && isSpace(line.charCodeAt(valueEnd - 1))) valueEnd--;
    // RFC 6265bis §5.6: an attribute value over 1024 bytes is ignored, not the cookie.
    if (
      (valueEnd - valueStart) * 3 > MAX_ATTRIBUTE_BYTES &&
      utf8Length(line.slice(valueStart, valueEnd)) > MAX_ATTRIBUTE_BYTES
    ) {
      continue;
    }
    switch (attribute) {
      case SECURE:
        cookie.secure = true;
        break;
      case HTTP_ONLY:
        cookie.httpOnly = true;
        break;
      case DOMAIN:
        // RFC 6265bis §5.6.3: an empty Domain attribute is ignored, leaving an earlier one.
        if (valueEnd > valueStart) cookie.domain = line.slice(valueStart, valueEnd);
        break;
      case PATH:
        cookie.path = valueEnd > valueStart && line[valueStart] === "/"
          ? line.slice(valueStart, valueEnd)
          : undefined;
        break;
      case MAX_AGE:
        sawMaxAge = true;
        maxAge = line.slice(valueStart, valueEnd);
        break;
      case EXPIRES:
        expires = line.slice(valueStart, valueEnd);
        break;
      case SAME_SITE:
        cookie.sameSite = parseSameSite(line.slice(valueStart, valueEnd));
        break;
      case PARTITIONED:
        cookie.partitioned = true;
        break;
    }
  }
  // CanonicalCookie::ParseExpiration: a Max-Age that is no number leaves it to Expires, and an
  // Expires that is no date makes a session cookie.
  cookie.expiry = maxAge === undefined ? undefined : parseMaxAge(maxAge, now);
  if (cookie.expiry === undefined && expires !== undefined && expires !== "") {
    cookie.expiry = parseExpires(expires);
    cookie.expiryIsDate = cookie.expiry !== undefined;
  }
  return cookie;
}

// The attributes the parser keeps; any other is ignored.
const UNKNOWN = 0;
const SECURE = 1;
const HTTP_ONLY = 2;
const DOMAIN = 3;
const PATH = 4;
const MAX_AGE = 5;
const EXPIRES = 6;
const SAME_SITE = 7;
const PARTITIONED = 8;

// Which attribute line[start, end) names, case-insensitively, told apart by length and first
// letter before the whole name is compared.
function attributeOf(line: string, start: number, end: number): number {
  const first = line.charCodeAt(start) | 0x20;
  switch (end - start) {
    case 4:
      return first === 0x70 && namedAt(line, start, "path") ? PATH : UNKNOWN;
    case 6:
      if (first === 0x73) return namedAt(line, start, "secure") ? SECURE : UNKNOWN;
      return first === 0x64 && namedAt(line, start, "domain") ? DOMAIN : UNKNOWN;
    case 7:
      if (first === 0x65) return namedAt(line, start, "expires") ? EXPIRES : UNKNOWN;
      return first === 0x6d && namedAt(line, start, "max-age") ? MAX_AGE : UNKNOWN;
    case 8:
      if (first === 0x68) return namedAt(line, start, "httponly") ? HTTP_ONLY : UNKNOWN;
      return first === 0x73 && namedAt(line, start, "samesite") ? SAME_SITE : UNKNOWN;
    case 11:
      return first === 0x70 && namedAt(line, start, "partitioned") ? PARTITIONED : UNKNOWN;
    default:
      return UNKNOWN;
  }
}

// Whether `name` (lower case letters and "-") is at line[start...], in any case. Setting bit
// 0x20 lower-cases a letter; the only other character it maps onto "-" is CR, which never
// reaches here (it ends the line).
function namedAt(line: string, start: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    if ((line.charCodeAt(start + i) | 0x20) !== name.charCodeAt(i)) return false;
  }
  return true;
}

// Chromium trims only space and HTAB (HTTP whitespace), not every Unicode space.
function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

// line[start, end) without leading and trailing spaces and tabs.
function trimmed(line: string, start: number, end: number): string {
  while (start < end && isSpace(line.charCodeAt(start))) start++;
  while (end > start && isSpace(line.charCodeAt(end - 1))) end--;
  return start === 0 && end === line.length ? line : line.slice(start, end);
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

// Chromium's base::StringToInt64 on the Max-Age value: an optional "+" or "-", then digits;
// anything after them makes it no number, unless the digits before already overflowed 64 bits,
// which saturates (ParseExpiration then takes the latest or the earliest time). Zero or less is
// the earliest time (RFC 6265bis §5.6.2).
const INT64_DIGITS = /^([+-]?)([0-9]+)/;

function parseMaxAge(value: string, now: number): number | undefined {
  const number = INT64_DIGITS.exec(value);
  if (number === null) return undefined;
  const digits = number[2]!;
  const negative = number[1] === "-";
  if (number[0].length !== value.length) {
    const limit = negative ? 9223372036854775808n : 9223372036854775807n;
    if (BigInt(digits) <= limit) return undefined;
  }
  const seconds = Number(digits);
  return negative || seconds === 0 ? 0 : now + Math.min(seconds, 4e11) * 1000;
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
