/**
 * The one line every `ses` command prints for a usage mistake (an unknown option, an option
 * without its value, a missing or extra operand), before it exits with code 2.
 *
 * @module
 */

/**
 * Formats a usage mistake as one line: the command, what was wrong, and where the options are
 * listed. `node:util`'s `parseArgs` errors (several sentences, sometimes several lines) are cut
 * to their first sentence; a message that already names the command keeps its own prefix.
 *
 * @param command The command as typed after `ses`, like `fetch` or `devices hid`.
 * @param error What the parser threw, or a message.
 * @returns One line, like `ses fetch: Unknown option '--bogus' (ses fetch --help lists the
 * options)`.
 *
 * @example
 * ```ts
 * import { parseArgs } from "node:util";
 * import { usageLine } from "./usage_error.ts";
 * try {
 *   parseArgs({ args: ["--bogus"], options: {} });
 * } catch (error) {
 *   console.log(usageLine("cache", error));
 *   // ses cache: Unknown option '--bogus' (ses cache --help lists the options)
 * }
 * ```
 */
export function usageLine(command: string, error: unknown): string {
  const prefix = `ses ${command}: `;
  let message = error instanceof Error ? error.message : String(error);
  if (isParseArgsError(error)) {
    // "Option '--x' argument is ambiguous.\n...use '--x=-XYZ'." keeps its way out.
    const example = /use ('[^']+')/.exec(message)?.[1];
    message = message.split("\n")[0]!.replace(/\.(\s.*)?$/, "");
    if (example !== undefined) message += `: for a value that starts with "-", write ${example}`;
  }
  const line = message.startsWith("ses ") ? message : prefix + message;
  return `${line} (ses ${command} --help lists the options)`;
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}

/**
 * A usage mistake found after parsing (a `--partition` value the session module refuses). `ses`
 * prints it with {@linkcode usageLine} and exits with code 2, as for a bad option.
 *
 * @example
 * ```ts
 * import { UsageError, usageLine } from "./usage_error.ts";
 * const error = new UsageError("--partition: Invalid partition");
 * console.log(usageLine("cache", error));
 * // ses cache: --partition: Invalid partition (ses cache --help lists the options)
 * ```
 */
export class UsageError extends Error {
  override name = "UsageError";
}
