/**
 * Chromium's `net::GenerateFileName` for downloads: a safe file name from the
 * `Content-Disposition` header, the URL and the MIME type.
 *
 * @module
 */

import { percentDecode, utf8 } from "./_bytes.ts";
import { contentDispositionFilename } from "./content_disposition.ts";

/** What {@linkcode generateFileName} looks at. */
export interface GenerateFileNameOptions {
  /** The URL the bytes came from (the last of the redirect chain). */
  url: string;
  /** The response's `Content-Disposition`, if any. */
  contentDisposition?: string | null;
  /** The response's MIME type without parameters (`text/plain`), if any. */
  mimeType?: string;
  /** The name when nothing else gives one; default `download`, as in Chromium. */
  defaultName?: string;
}

// The preferred extension and the other accepted ones for common types (Chromium asks the
// platform's MIME registry; this is the part of it downloads meet most).
const MIME_EXTENSIONS: Record<string, readonly string[]> = {
  "text/plain": ["txt", "text", "log", "conf"],
  "text/html": ["html", "htm", "shtml"],
  "text/css": ["css"],
  "text/csv": ["csv"],
  "text/xml": ["xml"],
  "text/javascript": ["js", "mjs"],
  "application/javascript": ["js", "mjs"],
  "application/json": ["json"],
  "application/xml": ["xml"],
  "application/pdf": ["pdf"],
  "application/zip": ["zip"],
  "application/gzip": ["gz", "tgz"],
  "application/x-gzip": ["gz", "tgz"],
  "application/x-tar": ["tar"],
  "application/x-bzip2": ["bz2"],
  "application/x-xz": ["xz"],
  "application/wasm": ["wasm"],
  "image/png": ["png"],
  "image/jpeg": ["jpg", "jpeg", "jpe", "jfif"],
  "image/gif": ["gif"],
  "image/webp": ["webp"],
  "image/svg+xml": ["svg", "svgz"],
  "audio/mpeg": ["mp3"],
  "video/mp4": ["mp4", "m4v"],
};

// Windows device names and shell files (Chromium's IsReservedNameOnWindows). Chromium guards
// them on Windows only; they are guarded everywhere here, since files move between systems.
const RESERVED = new Set([
  "con",
  "prn",
  "aux",
  "nul",
  "clock$",
  ...Array.from({ length: 9 }, (_, i) => `com${i + 1}`),
  ...Array.from({ length: 9 }, (_, i) => `lpt${i + 1}`),
]);

// Chromium's IllegalCharacters (base/i18n/file_util_icu.cc): '~' anywhere, for VFAT short
// names (CVE-2014-9390), and the non-characters of every plane; at either end, whitespace
// and '.', checked on the first and the last character only.
const ILLEGAL_ANYWHERE = /["~*/:<>?\\|\p{Cc}\p{Cf}\p{Cs}\p{Noncharacter_Code_Point}]/gu;
const ILLEGAL_AT_START = /^[\s.]/u;
const ILLEGAL_AT_END = /[\s.]$/u;

/**
 * Generates the file name a download is saved under, after Chromium's
 * `GetSuggestedFilenameImpl` (net/base/filename_util_internal.cc): the `Content-Disposition`
 * name (`filename*` first), else the URL's last path segment (%-decoded), else
 * `defaultName`. The result is one path component and never a path: separators become `_`,
 * dots at either end go and whitespace at either end becomes `_` (`name. ` → `name._`, as
 * Chromium's POSIX builds name it), control and format characters (NUL, the RTL
 * override U+202E) and `"*:<>?|` become `_`, Windows device names (`CON`, `lpt1.txt`) get a
 * leading `_`. A name from the URL without an extension gets the MIME type's (`.txt`), and
 * so does one from a URL with a query (a generator), unless its extension fits the type. A
 * `Content-Disposition` name keeps its extension as sent.
 *
 * Length is not limited here: the directory's limit (255 bytes on Linux) applies where the
 * file is created.
 *
 * @param options The URL, header, MIME type and default name.
 * @returns A non-empty file name.
 *
 * @example
 * ```ts
 * import { generateFileName } from "./generate_file_name.ts";
 * console.log(generateFileName({ url: "https://a.test/files/report%201.pdf" })); // report 1.pdf
 * console.log(generateFileName({
 *   url: "https://a.test/get?id=7",
 *   contentDisposition: 'attachment; filename="../../etc/passwd"',
 * })); // _.._etc_passwd
 * console.log(generateFileName({ url: "https://a.test/", mimeType: "text/plain" })); // download.txt
 * ```
 */
export function generateFileName(options: GenerateFileNameOptions): string {
  const { url, contentDisposition, mimeType = "", defaultName = "download" } = options;
  const fromHeader = contentDisposition ? contentDispositionFilename(contentDisposition) : "";
  let overwriteExtension = false;
  let name = fromHeader;
  if (name === "") {
    const fromUrl = fileNameFromUrl(url);
    name = fromUrl.name;
    overwriteExtension = fromUrl.generator;
  }
  name = sanitize(name);
  if (!/[^-_]/.test(name)) {
    name = defaultName;
    overwriteExtension = false;
  }
  name = name.replace(ILLEGAL_ANYWHERE, "_")
    .replace(ILLEGAL_AT_START, "_")
    .replace(ILLEGAL_AT_END, "_");
  if (fromHeader === "") name = withMimeExtension(name, mimeType.toLowerCase(), overwriteExtension);
  return isReservedName(name) ? `_${name}` : name;
}

function fileNameFromUrl(url: string): { name: string; generator: boolean } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { name: "", generator: false };
  }
  // data: and about: URLs hold no file names, only parts that look like them.
  if (parsed.protocol === "data:" || parsed.protocol === "about:") {
    return { name: "", generator: false };
  }
  const segment = parsed.pathname.slice(parsed.pathname.lastIndexOf("/") + 1);
  // The path of a parsed URL is ASCII, so decoding cannot fail.
  const bytes = percentDecode(segment, false)!;
  const name = utf8(bytes) ?? String.fromCharCode(...bytes);
  // A URL with a query is taken for a generator whose extension may be wrong.
  return { name, generator: name !== "" && parsed.search !== "" };
}

/**
 * Chromium's `SanitizeGeneratedFileName` as its POSIX builds run it: dots go from both ends and
 * separators become `_`. A space left at the end (`name. `) becomes `_` by the illegal-at-end
 * rule after it, so no name ends in a dot or a space on any system (Windows builds
 * also turn each trailing dot and space into `_` first; the outcome differs only in how many).
 */
function sanitize(name: string): string {
  return name.replace(/^\.+|\.+$/g, "").replace(/[/\\]/g, "_");
}

function withMimeExtension(name: string, mimeType: string, overwrite: boolean): string {
  const extensions = MIME_EXTENSIONS[mimeType];
  const dot = name.lastIndexOf(".");
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  if (!extensions || (extension !== "" && !overwrite) || extensions.includes(extension)) {
    return name;
  }
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return `${stem}.${extensions[0]}`;
}

/**
 * Tells whether a file name is a Windows device or shell name (`CON`, `com1.txt`,
 * `desktop.ini`), compared case-insensitively as Chromium's `IsReservedNameOnWindows` does.
 *
 * @param name A file name.
 * @returns Whether it is reserved.
 *
 * @example
 * ```ts
 * import { isReservedName } from "./generate_file_name.ts";
 * console.log(isReservedName("CON"), isReservedName("nul.txt"), isReservedName("icon.png")); // true true false
 * ```
 */
export function isReservedName(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower === "desktop.ini" || lower === "thumbs.db") return true;
  const dot = lower.indexOf(".");
  return RESERVED.has(dot === -1 ? lower : lower.slice(0, dot));
}
