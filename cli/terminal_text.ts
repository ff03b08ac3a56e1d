/**
 * Text from outside the program made safe to print on a terminal: a device's name comes from
 * its USB string descriptors, and an escape sequence in it would drive the terminal (move the
 * cursor, retitle the window, rewrite what was printed before).
 *
 * @module
 */

// C0 controls but tab, DEL, C1 controls, and the bidirectional overrides and isolates that
// reorder what follows them on the line.
// deno-lint-ignore no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\0-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Writes each control character of `text` as an escape (`\x1b`, `\u202e`), as `cat -v` and
 * `ls` make untrusted names visible instead of acting on them.
 *
 * @param text Text from a device, a file or the network.
 * @returns The text with every control character escaped; other text unchanged.
 *
 * @example
 * ```ts
 * import { terminalText } from "./terminal_text.ts";
 * console.log(terminalText("Key\x1b[2JBoard")); // Key\x1b[2JBoard, printed as text
 * ```
 */
export function terminalText(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
