/**
 * The manifest's toolbar action (`action`, `browser_action`, `page_action`), checked as
 * Chromium's `ExtensionActionHandler` and `ActionInfo::Load` do when an extension loads. Only
 * the check runs: no toolbar exists headlessly to show the action in.
 *
 * @module
 */

import { resourcePath, resourceUrl } from "./_resource_path.ts";
import type { Manifest } from "./manifest.ts";
import { iconSetFromDictionary, isIconImage, validateIconSet } from "./manifest_icons.ts";

// ExtensionActionHandler::Parse looks the keys up in this order; each is available only to the
// manifest versions _manifest_features.json gives it (`action` from 3, the others up to 2).
const ACTION_KEYS = [
  { key: "action", available: (version: number) => version >= 3 },
  { key: "page_action", available: (version: number) => version <= 2 },
  { key: "browser_action", available: (version: number) => version <= 2 },
] as const;

// extension_misc::EXTENSION_ICON_GIGANTOR: the size a single default_icon path is filed under.
const SINGLE_ICON_SIZE = 512;

/**
 * Checks the action in Chromium's order: only one of the keys the manifest version makes
 * available (a key it does not, such as `browser_action` in version 3, is not read: Chromium
 * ignores it with an install warning, not reproduced here), its value a dictionary, then
 * `default_icon` (a path, or a dictionary read as `icons` is), `default_title`, `default_popup`
 * and `default_state` (`action` only); then each image of the icon set must be there and not
 * empty. A `default_icon` file of no image type is ignored, and a missing `default_popup`
 * allowed, as Chromium does (both with install warnings, not reproduced here).
 *
 * @param root The extension directory.
 * @param manifest The localized manifest, its `manifest_version` already checked.
 * @returns When the action is fine, or there is none.
 * @throws {Error} `Only one of 'browser_action', 'page_action', and 'app' can be specified.`,
 * `Invalid value for '<key>'.`, `Invalid value for 'default_icon'.`, `Invalid key in icons:
 * "<size>".`, `Invalid value for 'icons["<size>"]'.`, `Invalid value for 'default_title'.`,
 * `Invalid type for 'default_popup'.`, `The default_state key cannot be set for browser_action
 * or page_action keys.`, `Invalid value for 'default_state'.`, `Could not load icon '<path>'
 * specified in '<key>'.`
 *
 * @example
 * ```ts
 * import { checkAction } from "./extension_action.ts";
 * const manifest = { manifest_version: 3, action: { default_state: "on" } };
 * const error = await checkAction("/tmp", manifest).catch((e) => e);
 * console.log(error.message); // Invalid value for 'default_state'.
 * ```
 */
export async function checkAction(root: string, manifest: Manifest): Promise<void> {
  const version = manifest.manifest_version as number;
  let key: string | undefined;
  for (const candidate of ACTION_KEYS) {
    // Manifest::FindKey finds a key whose value is null too.
    if (!Object.hasOwn(manifest, candidate.key) || !candidate.available(version)) continue;
    if (key !== undefined) {
      throw new Error("Only one of 'browser_action', 'page_action', and 'app' can be specified.");
    }
    key = candidate.key;
  }
  if (key === undefined) return;
  const action = manifest[key];
  if (action === null || typeof action !== "object" || Array.isArray(action)) {
    throw new Error(`Invalid value for '${key}'.`);
  }
  const fields = action as Record<string, unknown>;
  const icons = Object.hasOwn(fields, "default_icon")
    ? defaultIcon(fields.default_icon)
    : new Map<number, string>();
  if (Object.hasOwn(fields, "default_title") && typeof fields.default_title !== "string") {
    throw new Error("Invalid value for 'default_title'.");
  }
  if (Object.hasOwn(fields, "default_popup")) {
    const popup = fields.default_popup;
    // "index.html/" is Chromium's compatibility case (no popup, with a warning); "" is no popup.
    if (typeof popup !== "string" || (popup !== "" && resourceUrl(popup) === undefined)) {
      throw new Error("Invalid type for 'default_popup'.");
    }
  }
  if (Object.hasOwn(fields, "default_state")) {
    if (key !== "action") {
      throw new Error(
        "The default_state key cannot be set for browser_action or page_action keys.",
      );
    }
    if (fields.default_state !== "enabled" && fields.default_state !== "disabled") {
      throw new Error("Invalid value for 'default_state'.");
    }
  }
  await validateIconSet(root, icons, key);
}

// ActionInfo::Load's default_icon: a dictionary as LoadIconsFromDictionary reads it, or one path.
function defaultIcon(value: unknown): Map<number, string> {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return iconSetFromDictionary(value as Record<string, unknown>);
  }
  const path = typeof value === "string" ? resourcePath(value) : undefined;
  if (path === undefined) throw new Error("Invalid value for 'default_icon'.");
  return new Map(isIconImage(path) ? [[SINGLE_ICON_SIZE, path]] : []);
}
