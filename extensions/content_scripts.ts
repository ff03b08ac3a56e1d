/**
 * The manifest's `content_scripts`, checked as Chromium's `ContentScriptsHandler` does when an
 * extension loads: each entry needs a match and a script, each match pattern must parse, and
 * each script file must be there and be UTF-8. Only the check runs: no page exists headlessly
 * to inject a script into.
 *
 * @module
 */

import { parseUrlPattern } from "../core/url_pattern.ts";
import { MAX_FILE_BYTES, readBytesInside, sizeInside } from "./_extension_files.ts";
import { resourcePath } from "./_resource_path.ts";
import type { Manifest } from "./manifest.ts";

// script_parsing's budgets: what one script may be (500 MB) and all of them together (1 GB).
// Chromium loads a script past them with an install warning, its encoding unchecked; so do we,
// without the warning's words. One read is at most readBytesInside's 64 MiB.
const MAX_SCRIPT_BYTES = 500 * 1024 * 1024;
const MAX_SCRIPTS_BYTES = 1024 * 1024 * 1024;

// UserScript::ValidUserScriptSchemes for an extension that may not script everywhere, without
// --extensions-on-chrome-urls (so no chrome:).
const SCRIPT_SCHEMES: ReadonlySet<string> = new Set([
  "http",
  "https",
  "file",
  "ftp",
  "uuid-in-package",
]);

interface ContentScript {
  js: string[];
  css: string[];
}

/**
 * Checks `content_scripts` in Chromium's order: every entry is parsed first (`matches` not empty,
 * each of its patterns, then each of `exclude_matches`, then at least one `js` or `css` file),
 * then the files are validated entry by entry, each entry's `js` before its `css`. A pattern is
 * read as Chromium's `URLPattern` reads it with the schemes a content script may name (`http`,
 * `https`, `file`, `ftp`, `uuid-in-package`, and `*`); the message ends in its parse result. A
 * path that is no portable relative path (`../x.js`) makes an empty resource in Chromium, named
 * `''` in the message; a file reached only through a symlink out of the directory counts as
 * missing (@ses never reads outside an extension). A `content_scripts` of the wrong shape (not a
 * list of objects with lists of strings) is left to load: Chromium refuses it with its schema
 * compiler's words, which are not reproduced.
 *
 * @param root The extension directory.
 * @param manifest The localized manifest.
 * @returns When the content scripts are fine, or there are none.
 * @throws {Error} `Invalid value for 'content_scripts[N].matches'. There must be at least one
 * match specified.`, `Invalid value for 'content_scripts[N].matches[M]': <reason>`, `Invalid
 * value for 'content_scripts[N].exclude_matches[M]': <reason>` (reason `Invalid scheme.`,
 * `Empty path.` and the like), `At least one js or css file is required for
 * 'content_scripts[N]'.`, `Could not load javascript '<path>' for script.`, `Could not load css
 * '<path>' for script.`, `Could not load file '<path>' for content script. It isn't UTF-8
 * encoded.`
 *
 * @example
 * ```ts
 * import { checkContentScripts } from "./content_scripts.ts";
 * const manifest = { content_scripts: [{ matches: ["<all_urls>"], js: ["gone.js"] }] };
 * const error = await checkContentScripts("/tmp", manifest).catch((e) => e);
 * console.log(error.message); // Could not load javascript 'gone.js' for script.
 * ```
 */
export async function checkContentScripts(root: string, manifest: Manifest): Promise<void> {
  const scripts = parseContentScripts(manifest.content_scripts);
  let remaining = MAX_SCRIPTS_BYTES;
  // The size of each file already found (and read when within the budgets): a manifest naming
  // one file 100,000 times reads it once, not for a minute, as Chromium's native reads would.
  const found = new Map<string, number>();
  for (const script of scripts ?? []) {
    for (const [files, kind] of [[script.js, "javascript"], [script.css, "css"]] as const) {
      for (const file of files) {
        // ExtensionResource::relative_path(): empty for a path GetResource refuses.
        const path = resourcePath(file) ?? "";
        let size = found.get(path);
        const known = size !== undefined;
        if (size === undefined) size = path === "" ? undefined : await sizeInside(root, path);
        if (size === undefined) throw new Error(`Could not load ${kind} '${path}' for script.`);
        found.set(path, size);
        // Past a budget Chromium reads no further, and warns instead of checking the encoding.
        if (remaining === 0 || size > Math.min(remaining, MAX_SCRIPT_BYTES)) continue;
        // Past the cap of one read, the script loads unread, as past a budget.
        if (size > MAX_FILE_BYTES) continue;
        if (!known) await checkEncoding(root, path, kind);
        remaining -= size;
      }
    }
  }
}

// IsScriptValid's read: the file must be a regular file, in UTF-8.
async function checkEncoding(root: string, path: string, kind: string): Promise<void> {
  const bytes = await readBytesInside(root, path);
  // Not a regular file: a directory or a FIFO does not read.
  if (bytes === undefined) throw new Error(`Could not load ${kind} '${path}' for script.`);
  if (!isStringUtf8(bytes)) {
    throw new Error(`Could not load file '${path}' for content script. It isn't UTF-8 encoded.`);
  }
}

// ContentScriptsHandler::Parse, for the shapes its schema accepts; `undefined` for another shape.
function parseContentScripts(value: unknown): ContentScript[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const entries = value.map((entry) => isRecord(entry) ? entry : undefined);
  if (entries.some((entry) => entry === undefined)) return undefined;
  const scripts: ContentScript[] = [];
  for (const [index, entry] of (entries as Record<string, unknown>[]).entries()) {
    const matches = entry.matches;
    const excludes = entry.exclude_matches === undefined ? [] : entry.exclude_matches;
    const js = entry.js === undefined ? [] : entry.js;
    const css = entry.css === undefined ? [] : entry.css;
    if (
      !isStringList(matches) || !isStringList(excludes) || !isStringList(js) || !isStringList(css)
    ) {
      return undefined;
    }
    if (matches.length === 0) {
      throw new Error(
        `Invalid value for 'content_scripts[${index}].matches'. There must be at least one ` +
          "match specified.",
      );
    }
    checkPatterns(matches, `content_scripts[${index}].matches`);
    checkPatterns(excludes, `content_scripts[${index}].exclude_matches`);
    if (js.length === 0 && css.length === 0) {
      throw new Error(`At least one js or css file is required for 'content_scripts[${index}]'.`);
    }
    scripts.push({ js, css });
  }
  return scripts;
}

// script_parsing::ParseMatchPatterns: the first pattern URLPattern refuses, with its reason.
function checkPatterns(patterns: string[], key: string): void {
  for (const [index, pattern] of patterns.entries()) {
    try {
      parseUrlPattern(pattern, { validSchemes: SCRIPT_SCHEMES });
    } catch (error) {
      throw new Error(`Invalid value for '${key}[${index}]': ${(error as Error).message}`);
    }
  }
}

// base::IsStringUTF8: well-formed UTF-8 without non-characters (U+FDD0 to U+FDEF, and the last
// two code points of each plane), which TextDecoder alone would let through.
function isStringUtf8(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return false;
  }
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if ((code >= 0xfdd0 && code <= 0xfdef) || (code & 0xfffe) === 0xfffe) return false;
  }
  return true;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
