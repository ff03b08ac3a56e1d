/**
 * The manifest's `icons`, checked as Chromium's `IconsHandler` does when an extension loads:
 * each key a size, each value a portable path inside the extension, and each image there and
 * not empty. Only the check runs: no icon is ever shown headlessly.
 *
 * @module
 */

import { dictKeys } from "./_dict_keys.ts";
import { sizeInside } from "./_extension_files.ts";
import { finalExtension, resourcePath } from "./_resource_path.ts";
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
  await validateIconSet(root, iconSetFromDictionary(icons as Record<string, unknown>), "icons");
}

/**
 * Reads an icon dictionary as Chromium's `LoadIconsFromDictionary` does, for `icons` and an
 * action's `default_icon` alike: the entries in the order of their keys' UTF-8 bytes (a
 * `base::Value::Dict`), each key a size from 1 to 2048, each value a portable relative path;
 * an icon whose file is no image type is left out (Chromium warns).
 *
 * @param entries The dictionary.
 * @returns The icon set: size → relative path (a later key of one size replaces an earlier).
 * @throws {Error} `Invalid key in icons: "<key>".` or `Invalid value for 'icons["<key>"]'.`
 *
 * @example
 * ```ts
 * import { iconSetFromDictionary } from "./manifest_icons.ts";
 * console.log(iconSetFromDictionary({ "16": "/a.png", "32": "notes.txt" })); // Map { 16 => "a.png" }
 * ```
 */
export function iconSetFromDictionary(entries: Record<string, unknown>): Map<number, string> {
  const bySize = new Map<number, string>();
  for (const key of dictKeys(entries)) {
    const size = iconSize(key);
    if (size === undefined) throw new Error(`Invalid key in icons: "${key}".`);
    const value = entries[key];
    const path = typeof value === "string" ? resourcePath(value) : undefined;
    if (path === undefined) throw new Error(`Invalid value for 'icons["${key}"]'.`);
    if (!isIconImage(path)) continue;
    // ExtensionIconSet::Add: a later key of the same size ("016" after "+16") replaces it.
    bySize.set(size, path);
  }
  return bySize;
}

/**
 * Whether a path names an image Chromium shows as an icon (`IsIconMimeTypeValid`): by its
 * extension, an image type blink decodes, or SVG.
 *
 * @param path A relative path.
 * @returns `true` for `icon.png`, `false` for `icon.txt`.
 *
 * @example
 * ```ts
 * import { isIconImage } from "./manifest_icons.ts";
 * console.log(isIconImage("images/a.PNG"), isIconImage("a.txt")); // true false
 * ```
 */
export function isIconImage(path: string): boolean {
  return IMAGE_EXTENSIONS.has(finalExtension(path.slice(path.lastIndexOf("/") + 1)));
}

/**
 * Checks an icon set's files as Chromium's `file_util::ValidateExtensionIconSet` does: from the
 * smallest size up (an `ExtensionIconSet` is a map by size), each must name something inside
 * the extension of a size above zero. A file found only through a symlink out of the directory
 * counts as missing.
 *
 * @param root The extension directory.
 * @param icons The icon set, size → relative path.
 * @param key The manifest key the set came from, for the message.
 * @returns When every icon is there.
 * @throws {Error} `Could not load icon '<path>' specified in '<key>'.`
 *
 * @example
 * ```ts
 * import { validateIconSet } from "./manifest_icons.ts";
 * const error = await validateIconSet("/tmp", new Map([[16, "gone.png"]]), "icons")
 *   .catch((e) => e);
 * console.log(error.message); // Could not load icon 'gone.png' specified in 'icons'.
 * ```
 */
export async function validateIconSet(
  root: string,
  icons: Map<number, string>,
  key: string,
): Promise<void> {
  for (const size of [...icons.keys()].sort((a, b) => a - b)) {
    const path = icons.get(size)!;
    // file_util::ValidateFilePath: the path must name something of a size above zero.
    if (!((await sizeInside(root, path)) ?? 0)) {
      throw new Error(`Could not load icon '${path}' specified in '${key}'.`);
    }
  }
}

// base::StringToInt (an optional sign, ASCII digits, nothing else), then 1 to 2048.
function iconSize(key: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(key)) return undefined;
  const size = Number(key);
  return size > 0 && size <= MAX_ICON_SIZE ? size : undefined;
}
