/**
 * Reads one header's values from raw header lines (`ResponseInfo.rawHeaders`), where repeated
 * lines such as `Set-Cookie` and `WWW-Authenticate` stay apart, unlike in `Headers`.
 *
 * @module
 */

const NONE: readonly string[] = Object.freeze([]);

/**
 * The values of every line named `name`, in order, compared without regard to case (RFC 9110
 * §5.1: field names are case-insensitive).
 *
 * @param lines Header lines as received: `[name, value]` pairs.
 * @param name The field name, in lower case.
 * @returns The values; a shared frozen empty list when there is none.
 *
 * @example
 * ```ts
 * import { rawHeaderValues } from "./raw_header_values.ts";
 * console.log(rawHeaderValues([["Set-Cookie", "a=1"], ["Date", "x"], ["set-cookie", "b=2"]], "set-cookie"));
 * // [ "a=1", "b=2" ]
 * ```
 */
export function rawHeaderValues(
  lines: ReadonlyArray<readonly [string, string]>,
  name: string,
): readonly string[] {
  let values: string[] | undefined;
  // This runs on every response: an index loop without destructuring, and the codec gives
  // known names as shared constants, so the lower-case name mostly matches at once; another
  // name of the same length is compared in place rather than lower-cased into a new string.
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const field = line[0];
    if (field === name || (field.length === name.length && equalsLowerCase(field, name))) {
      if (values === undefined) values = [line[1]];
      else values.push(line[1]);
    }
  }
  return values ?? NONE;
}

// Whether `field` is `lower` (lower case, same length) but for the case of ASCII letters.
function equalsLowerCase(field: string, lower: string): boolean {
  for (let i = 0; i < field.length; i++) {
    const code = field.charCodeAt(i);
    const want = lower.charCodeAt(i);
    if (code !== want && !(code >= 0x41 && code <= 0x5a && code + 0x20 === want)) return false;
  }
  return true;
}
