/**
 * Manifest checks with Chromium's messages (extensions/common/manifest_constants.cc and
 * `Extension::InitFromValue`), and the warnings an unpacked install reports.
 *
 * @module
 */

import { parseExtensionJson } from "./_json.ts";

/**
 * The Chromium version @ses answers for `minimum_chrome_version`: the one Electron 39
 * ships, the Electron release whose `session` API @ses follows.
 */
export const CHROMIUM_VERSION = "142.0.7444.52";

/** Chromium's message for an unreadable `manifest.json`. */
export const MANIFEST_UNREADABLE = "Manifest file is missing or unreadable";
/** Chromium's message for a `manifest.json` that does not parse. */
export const MANIFEST_NOT_JSON = "Manifest is not valid JSON.";
/** Chromium's message for a manifest that parses to something other than an object. */
export const MANIFEST_INVALID = "Manifest file is invalid";
/** Chromium's message for a missing, non-string or empty `name`. */
export const INVALID_NAME = "Required value 'name' is missing or invalid.";
/** Chromium's message for a bad `version`. */
export const INVALID_VERSION = "Required value 'version' is missing or invalid. It must be " +
  "between 1-4 dot-separated integers each between 0 and 65536.";
/**
 * Chromium's message for a missing `manifest_version` (kInvalidManifestVersionMissingKey), and
 * for `manifest_version: 1`, as the project's contract (SEMANTICS.md, Extensions) has it.
 */
export const INVALID_MANIFEST_VERSION = "Missing 'manifest_version' key. Its value must be an " +
  "integer either 2 or 3. See developer.chrome.com/extensions/manifestVersion for details.";

/**
 * Chromium's message for a `manifest_version` that is present but not an integer (`"3"`, `null`)
 * or below 1 (kInvalidManifestVersionUnsupported).
 */
export const UNSUPPORTED_MANIFEST_VERSION = "Invalid value for 'manifest_version'. Must be an " +
  "integer either 2 or 3. See developer.chrome.com/extensions/manifestVersion for details.";

// manifest_keys::kIgnoredUnrecognizedKeys: widely used keys Chromium does not warn about.
const IGNORED_UNKNOWN_KEYS = new Set(["browser_specific_settings", "$schema"]);

/** A parsed manifest: the JSON object of `manifest.json`, localized. */
export type Manifest = Record<string, unknown>;

// Keys Chromium's manifest features know; others give "Unrecognized manifest key" warnings.
const KNOWN_KEYS = new Set([
  "action",
  "author",
  "background",
  "browser_action",
  "chrome_settings_overrides",
  "chrome_url_overrides",
  "commands",
  "content_capabilities",
  "content_scripts",
  "content_security_policy",
  "converted_from_user_script",
  "cross_origin_embedder_policy",
  "cross_origin_opener_policy",
  "current_locale",
  "declarative_net_request",
  "default_locale",
  "description",
  "devtools_page",
  "differential_fingerprint",
  "event_rules",
  "export",
  "externally_connectable",
  "file_browser_handlers",
  "file_system_provider_capabilities",
  "homepage_url",
  "host_permissions",
  "icons",
  "import",
  "incognito",
  "key",
  "manifest_version",
  "minimum_chrome_version",
  "nacl_modules",
  "name",
  "oauth2",
  "offline_enabled",
  "omnibox",
  "optional_host_permissions",
  "optional_permissions",
  "options_page",
  "options_ui",
  "page_action",
  "permissions",
  "requirements",
  "sandbox",
  "short_name",
  "side_panel",
  "storage",
  "tts_engine",
  "update_url",
  "version",
  "version_name",
  "web_accessible_resources",
]);

/**
 * Parses the text of `manifest.json`.
 *
 * @param text The file's text, or `undefined` when it could not be read.
 * @returns The manifest object.
 * @throws {Error} With Chromium's reason: unreadable, not JSON, or not an object.
 *
 * @example
 * ```ts
 * import { parseManifest } from "./manifest.ts";
 * console.log(parseManifest('{"name": "x"}').name); // x
 * ```
 */
export function parseManifest(text: string | undefined): Manifest {
  if (text === undefined) throw new Error(MANIFEST_UNREADABLE);
  let value: unknown;
  try {
    // file_util.cc LoadManifest reads with JSONFileValueDeserializer's default options.
    value = parseExtensionJson(text, { chromiumExtensions: true });
  } catch {
    throw new Error(MANIFEST_NOT_JSON);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(MANIFEST_INVALID);
  }
  return value as Manifest;
}

/**
 * Checks the keys in Chromium's order (`Extension::InitFromValue`: manifest_version, name,
 * version, version_name, description; then minimum_chrome_version and short_name) and
 * collects the install warnings.
 *
 * @param manifest The localized manifest.
 * @returns The warnings (unknown keys, then the manifest version's), in Chromium's words.
 * @throws {Error} With the first failing key's Chromium message.
 *
 * @example
 * ```ts
 * import { checkManifest } from "./manifest.ts";
 * const warnings = checkManifest({ name: "x", version: "1.0", manifest_version: 3, foo: 1 });
 * console.log(warnings); // [ "Unrecognized manifest key 'foo'." ]
 * ```
 */
export function checkManifest(manifest: Manifest): string[] {
  const { name, version, manifest_version: manifestVersion } = manifest;
  // Extension::InitFromValue reads manifest_version first ("many other features depend on
  // its value"). A missing key, and 1, the version the key's absence once meant, get the
  // missing-key message (the contract, SEMANTICS.md); any other value that is not an integer
  // of 2 or more gets Chromium's invalid-value one.
  if (!Number.isInteger(manifestVersion) || (manifestVersion as number) < 2) {
    throw new Error(
      manifestVersion === undefined || manifestVersion === 1
        ? INVALID_MANIFEST_VERSION
        : UNSUPPORTED_MANIFEST_VERSION,
    );
  }
  // Extension::LoadName refuses a missing, non-string or empty name only: one of spaces loads,
  // and `name` keeps it as written (display_name_ is the collapsed one).
  if (typeof name !== "string" || name === "") throw new Error(INVALID_NAME);
  if (!isValidVersion(version)) throw new Error(INVALID_VERSION);
  optionalString(manifest, "version_name");
  optionalString(manifest, "description");
  const minimum = manifest.minimum_chrome_version;
  if (minimum !== undefined) {
    if (typeof minimum !== "string" || !/^\d+(\.\d+){0,3}$/.test(minimum)) {
      throw new Error("Invalid value for 'minimum_chrome_version'.");
    }
    if (compareVersions(minimum, CHROMIUM_VERSION) > 0) {
      throw new Error(`This extension requires Chromium version ${minimum} or greater.`);
    }
  }
  if (manifest.short_name !== undefined && !isNonEmptyString(manifest.short_name)) {
    throw new Error("Invalid value for 'short_name'.");
  }
  // Manifest::ValidateManifest's unrecognized keys come before LoadManifestVersion's warning.
  const warnings: string[] = [];
  for (const key of Object.keys(manifest)) {
    if (!KNOWN_KEYS.has(key) && !IGNORED_UNKNOWN_KEYS.has(key) && !key.startsWith("_")) {
      warnings.push(`Unrecognized manifest key '${key}'.`);
    }
  }
  if (manifestVersion === 2) {
    warnings.push(
      "Manifest version 2 is deprecated, and support will be removed in 2024. See " +
        "https://developer.chrome.com/docs/extensions/develop/migrate/mv2-deprecation-timeline " +
        "for details.",
    );
  } else if ((manifestVersion as number) > 3) {
    // kManifestVersionTooHighWarning has two spaces before "Certain".
    warnings.push(
      `The maximum currently-supported manifest version is 3, but this is ${manifestVersion}.  ` +
        "Certain features may not work as expected.",
    );
  }
  return warnings;
}

// Extension::LoadVersion / LoadDescription: the key may be absent, else it must be a string.
function optionalString(manifest: Manifest, key: string): void {
  if (manifest[key] !== undefined && typeof manifest[key] !== "string") {
    throw new Error(`Invalid value for '${key}'.`);
  }
}

function isNonEmptyString(value: unknown): boolean {
  return typeof value === "string" && value !== "";
}

function isValidVersion(version: unknown): boolean {
  if (typeof version !== "string" || !/^\d+(\.\d+){0,3}$/.test(version)) return false;
  const parts = version.split(".");
  // base::Version refuses leading zeros in the first component only.
  if (parts[0] !== String(Number(parts[0]))) return false;
  return parts.every((part) => Number(part) <= 65535);
}

function compareVersions(a: string, b: string): number {
  const left = a.split(".").map(Number);
  const right = b.split(".").map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
