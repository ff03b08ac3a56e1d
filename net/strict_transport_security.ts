/**
 * The `Strict-Transport-Security` response header (RFC 6797 §6.1), parsed as Chromium's
 * `ParseHSTSHeader` (net/http/http_security_headers.cc) parses it.
 *
 * @module
 */

/** Chromium's `kMaxHSTSAgeSecs`: a longer max-age is cut to one year. */
export const MAX_HSTS_AGE_SECONDS = 86400 * 365;

/** What one `Strict-Transport-Security` header says. */
export interface StsDirectives {
  /** How long the host is known as HTTPS-only, in seconds (0: forget it). */
  maxAge: number;
  /** Whether the host's subdomains are HTTPS-only too. */
  includeSubDomains: boolean;
}

// RFC 9110 §5.6.2 token characters.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parses a `Strict-Transport-Security` value. Directive names are case-insensitive, values are
 * tokens or quoted strings, empty directives (`;;`) are allowed and unknown ones ignored;
 * `max-age` must appear exactly once with digits only, `includeSubDomains` at most once and
 * without a value. A max-age past one year is cut to one year, as Chromium does.
 *
 * @param value The header's value (the first such header of a response: RFC 6797 §8.1).
 * @returns The directives, or `undefined` when the header is invalid and must be ignored.
 *
 * @example
 * ```ts
 * import { parseStrictTransportSecurity } from "./strict_transport_security.ts";
 * console.log(parseStrictTransportSecurity('max-age="31536000"; includeSubDomains'));
 * // { maxAge: 31536000, includeSubDomains: true }
 * console.log(parseStrictTransportSecurity("includeSubDomains")); // undefined: no max-age
 * ```
 */
export function parseStrictTransportSecurity(value: string): StsDirectives | undefined {
  let maxAge: number | undefined;
  let includeSubDomains = false;
  for (const part of splitDirectives(value)) {
    if (part === undefined) return undefined;
    const directive = part.trim();
    if (directive === "") continue;
    const equals = directive.indexOf("=");
    const name = (equals === -1 ? directive : directive.slice(0, equals)).trim();
    if (!TOKEN.test(name)) return undefined;
    const raw = equals === -1 ? undefined : directive.slice(equals + 1).trim();
    const argument = raw === undefined ? undefined : unquote(raw);
    if (raw !== undefined && argument === undefined) return undefined;
    switch (name.toLowerCase()) {
      case "max-age":
        if (maxAge !== undefined || argument === undefined || !/^[0-9]+$/.test(argument)) {
          return undefined;
        }
        maxAge = Math.min(Number(argument), MAX_HSTS_AGE_SECONDS);
        break;
      case "includesubdomains":
        if (includeSubDomains || raw !== undefined) return undefined;
        includeSubDomains = true;
        break;
    }
  }
  return maxAge === undefined ? undefined : { maxAge, includeSubDomains };
}

/** Splits on `;` outside quoted strings; an unterminated quote yields `undefined`. */
function* splitDirectives(value: string): Generator<string | undefined> {
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const char = value[i];
    if (quoted && char === "\\") i++;
    else if (char === '"') quoted = !quoted;
    else if (char === ";" && !quoted) {
      yield value.slice(start, i);
      start = i + 1;
    }
  }
  yield quoted ? undefined : value.slice(start);
}

/** A token as is, a quoted string without its quotes and escapes; `undefined` if neither. */
function unquote(raw: string): string | undefined {
  if (!raw.startsWith('"')) return TOKEN.test(raw) ? raw : undefined;
  if (raw.length < 2 || !raw.endsWith('"')) return undefined;
  return raw.slice(1, -1).replace(/\\(.)/g, "$1");
}
