/**
 * The session's download directory in its partition's `Preferences` file, under Chromium's key
 * `download.default_directory`, where Electron's `ses.setDownloadPath` keeps it (so it outlives
 * the process, as in Electron, and an Electron profile's setting is read).
 *
 * Source: Electron `shell/browser/api/electron_api_session.cc` (`SetDownloadPath` sets
 * `prefs::kDownloadDefaultDirectory` in the browser context's prefs), Chromium
 * `chrome/common/pref_names.h`.
 *
 * @module
 */

import { isAbsolute } from "node:path";
import {
  childObject,
  ensureChildObject,
  type JsonObject,
  type PreferencesChange,
} from "../core/preferences_file.ts";

/**
 * The download directory a `Preferences` file's root holds, when it is an absolute path (a
 * relative or empty one, which only a hand edit makes, counts as none: `app.getPath("downloads")`
 * is used).
 *
 * @param root The file's parsed root object.
 * @returns The directory, or `undefined`.
 *
 * @example
 * ```ts
 * import { storedDownloadDirectory } from "./download_directory_preference.ts";
 * console.log(storedDownloadDirectory({ download: { default_directory: "/srv/in" } })); // "/srv/in"
 * ```
 */
export function storedDownloadDirectory(root: JsonObject): string | undefined {
  const value = childObject(root, "download")?.["default_directory"];
  return typeof value === "string" && isAbsolute(value) && !value.includes("\0")
    ? value
    : undefined;
}

/**
 * The change that stores the download directory in a `Preferences` file's root.
 *
 * @param directory The absolute directory.
 * @returns A change for `PreferencesFile.change`.
 *
 * @example
 * ```ts
 * import { storeDownloadDirectory } from "./download_directory_preference.ts";
 * const root = {};
 * storeDownloadDirectory("/srv/in")(root);
 * console.log(root); // { download: { default_directory: "/srv/in" } }
 * ```
 */
export function storeDownloadDirectory(directory: string): PreferencesChange {
  return (root) => {
    ensureChildObject(root, "download")["default_directory"] = directory;
  };
}
