/**
 * Parses `WWW-Authenticate` and `Proxy-Authenticate` values by RFC 7235 §2.1 and §4.1: several
 * challenges per line, several lines, each challenge a scheme followed by a token68 or by
 * comma-separated `name=value` parameters (token or quoted-string).
 *
 * @module
 */

/** One challenge of a `WWW-Authenticate` or `Proxy-Authenticate` header. */
export interface AuthChallenge {
  /** The scheme in lower case (`basic`, `digest`, `ntlm`, `negotiate`, ...). */
  readonly scheme: string;
  /** The token68 after the scheme (NTLM's and Negotiate's tokens), if any. */
  readonly token68?: string;
  /** The parameters, names in lower case, values unquoted; the first of a repeated name wins. */
  readonly params: ReadonlyMap<string, string>;
  /** The header value it was read from (Chromium's challenge text: one header line). */
  readonly text: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

/**
 * Parses the values of every challenge header line of a response. A malformed challenge is
 * skipped up to the next one the parser can recognise, as Chromium's `HttpAuthChallengeTokenizer`
 * ignores what it cannot read; nothing here throws.
 *
 * @param values The header values in the order received (one per header line).
 * @returns The challenges in order.
 *
 * @example
 * ```ts
 * import { parseChallenges } from "./challenge.ts";
 * const [digest, basic] = parseChallenges([
 *   'Digest realm="x", nonce="n1", qop="auth", Basic realm="y"',
 * ]);
 * console.log(digest?.scheme, digest?.params.get("qop"), basic?.params.get("realm"));
 * // digest auth y
 * ```
 */
export function parseChallenges(values: readonly string[]): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  for (const value of values) new ChallengeReader(value).readAll(challenges);
  return challenges;
}

class ChallengeReader {
  #text: string;
  #at = 0;

  constructor(text: string) {
    this.#text = text;
  }

  readAll(out: AuthChallenge[]): void {
    for (;;) {
      this.#skipSeparators();
      if (this.#at >= this.#text.length) return;
      const scheme = this.#token();
      if (scheme === "") {
        this.#skipPast(",");
        continue;
      }
      out.push(this.#challenge(scheme.toLowerCase()));
    }
  }

  #challenge(scheme: string): AuthChallenge {
    const params = new Map<string, string>();
    this.#skipSpaces();
    const token68 = this.#token68();
    const text = this.#text;
    if (token68 !== undefined) return { scheme, token68, params, text };
    for (;;) {
      this.#skipSpaces();
      const start = this.#at;
      const name = this.#token();
      this.#skipSpaces();
      if (name === "" || this.#text[this.#at] !== "=") {
        // Not a parameter: the next challenge's scheme (or garbage) starts here.
        this.#at = start;
        return { scheme, params, text };
      }
      this.#at++;
      this.#skipSpaces();
      const value = this.#text[this.#at] === '"' ? this.#quoted() : this.#token();
      const key = name.toLowerCase();
      if (!params.has(key)) params.set(key, value);
      this.#skipSpaces();
      if (this.#text[this.#at] !== ",") {
        if (this.#at < this.#text.length) this.#skipPast(",");
        return { scheme, params, text };
      }
      // Commas separate both parameters and challenges; empty list elements are allowed.
      while (
        this.#text[this.#at] === "," || this.#text[this.#at] === " " ||
        this.#text[this.#at] === "\t"
      ) this.#at++;
    }
  }

  /** A token68 is the whole rest of the challenge: letters and `-._~+/`, then `=` padding. */
  #token68(): string | undefined {
    const start = this.#at;
    let end = start;
    while (end < this.#text.length && TOKEN68_CHAR.test(this.#text[end]!)) end++;
    if (end === start) return undefined;
    let padded = end;
    while (this.#text[padded] === "=") padded++;
    let after = padded;
    while (this.#text[after] === " " || this.#text[after] === "\t") after++;
    // `name=value` reads as a parameter: a token68 is followed by the end or a comma only.
    if (after < this.#text.length && this.#text[after] !== ",") return undefined;
    this.#at = after;
    return this.#text.slice(start, padded);
  }

  #token(): string {
    const start = this.#at;
    while (this.#at < this.#text.length && TCHAR.test(this.#text[this.#at]!)) this.#at++;
    return this.#text.slice(start, this.#at);
  }

  #quoted(): string {
    let value = "";
    this.#at++; // the opening quote
    while (this.#at < this.#text.length) {
      const char = this.#text[this.#at++]!;
      if (char === '"') return value;
      if (char === "\\" && this.#at < this.#text.length) value += this.#text[this.#at++];
      else value += char;
    }
    return value; // unterminated: take what is there, as Chromium does
  }

  #skipSpaces(): void {
    while (this.#text[this.#at] === " " || this.#text[this.#at] === "\t") this.#at++;
  }

  #skipSeparators(): void {
    while (
      this.#text[this.#at] === "," || this.#text[this.#at] === " " || this.#text[this.#at] === "\t"
    ) this.#at++;
  }

  #skipPast(char: string): void {
    const index = this.#text.indexOf(char, this.#at);
    this.#at = index === -1 ? this.#text.length : index + 1;
  }
}
