/**
 * The manifest's `icons`, checked as Chromium's `IconsHandler` does when an extension loads:
 * each key a size, each value a portable path inside the extension, and each image there and
 * not empty. Only the check runs: no icon is ever shown headlessly.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { sizeInside } from "./_extension_files.ts";
import type { Manifest } from "./manifest.ts";

// LoadValidSizeFromString: up to extension_misc::EXTENSION_ICON_GIGANTOR (512) times 4.
const MAX_ICON_SIZE = 2048;

// The extensions GetWellKnownMimeTypeFromFile maps to an image type blink decodes (or SVG):
// IsIconMimeTypeValid keeps only those.
const IMAGE_EXTENSIONS = new Set([
  "apng",
  "avif",
  "bmp",
  "gif",
  "ico",
  "jfif",
  "jpeg",
  "jpg",
  "pjp",
  "pjpeg",
  "png",
  "svg",
  "svgz",
  "webp",
  "xbm",
]);

/**
 * Checks the manifest's `icons` in Chromium's order: `IconsHandler::Parse` reads the entries in
 * the order of their keys' UTF-8 bytes (a `base::Value::Dict`), and `IconsHandler::Validate`
 * then looks for each image from the smallest size up (an `ExtensionIconSet`). An icon whose
 * file is no image type (`icon.txt`) is ignored, as Chromium ignores it (Chromium also gives an
 * install warning, not reproduced here). A file found only through a symlink out of the
 * directory counts as missing: @ses never reads outside an extension.
 *
 * @param root The extension directory.
 * @param manifest The localized manifest.
 * @returns When the icons are fine, or there are none.
 * @throws {Error} `Invalid value for 'icons'.` (not an object), `Invalid key in icons: "<key>".`
 * (not an integer from 1 to 2048), `Invalid value for 'icons["<key>"]'.` (not a string, or no
 * portable relative path: `..`, a backslash, a name starting or ending with a dot or a space,
 * `~`, a Windows device name...), `Could not load icon '<path>' specified in 'icons'.` (missing
 * or empty).
 *
 * @example
 * ```ts
 * import { checkIcons } from "./manifest_icons.ts";
 * const error = await checkIcons("/tmp", { icons: { "16": "../icon.png" } }).catch((e) => e);
 * console.log(error.message); // Invalid value for 'icons["16"]'.
 * ```
 */
export async function checkIcons(root: string, manifest: Manifest): Promise<void> {
  const { icons } = manifest;
  if (icons === undefined) return;
  if (icons === null || typeof icons !== "object" || Array.isArray(icons)) {
    throw new Error("Invalid value for 'icons'.");
  }
  const entries = icons as Record<string, unknown>;
  const bySize = new Map<number, string>();
  const keys = Object.keys(entries).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const key of keys) {
    const size = iconSize(key);
    if (size === undefined) throw new Error(`Invalid key in icons: "${key}".`);
    const value = entries[key];
    const path = typeof value === "string" ? resourcePath(value) : undefined;
    if (path === undefined) throw new Error(`Invalid value for 'icons["${key}"]'.`);
    if (!IMAGE_EXTENSIONS.has(finalExtension(path.slice(path.lastIndexOf("/") + 1)))) continue;
    // ExtensionIconSet::Add: a later key of the same size ("016" after "+16") replaces it.
    bySize.set(size, path);
  }
  for (const size of [...bySize.keys()].sort((a, b) => a - b)) {
    const path = bySize.get(size)!;
    // file_util::ValidateFilePath: the path must name something of a size above zero.
    if (!((await sizeInside(root, path)) ?? 0)) {
      throw new Error(`Could not load icon '${path}' specified in 'icons'.`);
    }
  }
}

// base::StringToInt (an optional sign, ASCII digits, nothing else), then 1 to 2048.
function iconSize(key: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(key)) return undefined;
  const size = Number(key);
  return size > 0 && size <= MAX_ICON_SIZE ? size : undefined;
}

/**
 * The relative path `Extension::GetResource` makes of a manifest path, or `undefined` where it
 * gives an empty resource: one leading `/` dropped, then `ContainsReservedCharacters` (a
 * backslash, or not `net::IsSafePortableRelativePath`).
 */
function resourcePath(value: string): string | undefined {
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

// FilePath::FinalExtension without its dot, lower-cased (extensions compare case-insensitively).
function finalExtension(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
}
