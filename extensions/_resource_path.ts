/**
 * Paths an extension's manifest names, read as Chromium's `Extension::GetResource` reads them.
 *
 * @module
 */

/**
 * The relative path `Extension::GetResource` makes of a manifest path, or `undefined` where it
 * gives an empty resource: one leading `/` dropped, then `ContainsReservedCharacters` (a
 * backslash, or not `net::IsSafePortableRelativePath`).
 *
 * @param value The path as the manifest writes it.
 * @returns The relative path, or `undefined`.
 */
export function resourcePath(value: string): string | undefined {
  const path = value.startsWith("/") ? value.slice(1) : value;
  if (path === "" || path.includes("\\") || path.startsWith("/") || path.endsWith("/")) {
    return undefined;
  }
  // FilePath::GetComponents skips empty components and a leading ".".
  const components = path.split("/").filter((component) => component !== "");
  if (components[0] === ".") components.shift();
  if (components.length === 0 || !components.every(isSafeComponent)) return undefined;
  return path;
}

// Where Chromium resolves a manifest URL (Extension::GetResourceURL); the id does not matter.
const EXTENSION_BASE = "chrome-extension://extension/";

/**
 * `Extension::GetResourceURL`: the manifest text resolved against the extension's URL.
 *
 * @param value The text as the manifest writes it (`popup.html`, `/bg.js`).
 * @returns The URL, or `undefined` where it gives an invalid one.
 */
export function resourceUrl(value: string): URL | undefined {
  return URL.canParse(value, EXTENSION_BASE) ? new URL(value, EXTENSION_BASE) : undefined;
}

// net::IsSafePortablePathComponent: base::i18n::IsFilenameLegal (no "~*/:<>?\| or control,
// format or non-characters; no white space or "." at either end, so no ".", ".." or hidden
// name), no shell-integrated extension, and no Windows device or shell name.
function isSafeComponent(component: string): boolean {
  if (/["~*/:<>?\\|\p{Cc}\p{Cf}\uFDD0-\uFDEF]/u.test(component)) return false;
  if ([...component].some((char) => (char.codePointAt(0)! & 0xfffe) === 0xfffe)) return false;
  if (/^[\s.]|[\s.]$/u.test(component)) return false;
  const extension = finalExtension(component);
  if (["local", "lnk", "scf", "url"].includes(extension) || /^\{.*\}$/.test(extension)) {
    return false;
  }
  const lower = component.toLowerCase();
  return !WINDOWS_DEVICES.some((device) => lower === device || lower.startsWith(`${device}.`)) &&
    lower !== "desktop.ini" && lower !== "thumbs.db";
}

// net::IsReservedNameOnWindows: device names, alone or before a dot.
const WINDOWS_DEVICES = [
  "con",
  "prn",
  "aux",
  "nul",
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`com${n}`, `lpt${n}`]),
  "clock$",
];

/**
 * `FilePath::FinalExtension` without its dot, lower-cased (extensions compare
 * case-insensitively).
 *
 * @param name A file name.
 * @returns The extension, or `""`.
 */
export function finalExtension(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}
