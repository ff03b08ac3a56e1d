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
  // Index loop, and lower-casing only names of the right length: this runs on every response.
  for (let i = 0; i < lines.length; i++) {
    const [field, value] = lines[i]!;
    if (field.length === name.length && (field === name || field.toLowerCase() === name)) {
      (values ??= []).push(value);
    }
  }
  return values ?? NONE;
}
