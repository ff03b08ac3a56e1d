/**
 * Loads an unpacked extension directory the way Electron's `loadExtension` does: delete
 * `_metadata/`, read and localize the manifest, compute the id, check the manifest and the
 * files its icons, action, content scripts and background name, and read the
 * declarativeNetRequest static rulesets.
 *
 * @module
 */

import { readdir } from "node:fs/promises";
import { deleteMetadata, isDirectory, readInside, resolveInside } from "./_extension_files.ts";
import { normalize } from "node:path";
import { type CompiledRule, parseRuleset } from "./dnr_rule.ts";
import { extensionIdFromKey, extensionIdFromPath } from "./extension_id.ts";
import { localizeManifest } from "./localize_manifest.ts";
import { checkIcons } from "./manifest_icons.ts";
import { checkAction } from "./extension_action.ts";
import { checkContentScripts } from "./content_scripts.ts";
import { checkBackground } from "./background.ts";
import { checkManifest, type Manifest, parseManifest } from "./manifest.ts";

/** Electron's `Extension` structure. */
export interface Extension {
  /** The 32-letter id. */
  id: string;
  /** The localized `name`. */
  name: string;
  /** The directory it was loaded from, as given. */
  path: string;
  /** `chrome-extension://<id>/`. */
  url: string;
  /** The manifest `version`. */
  version: string;
  /** The localized manifest. */
  manifest: Manifest;
}

/** An extension read from disk with what the session needs besides Electron's structure. */
export interface LoadedExtension {
  /** Electron's structure. */
  extension: Extension;
  /** The rules of its enabled static rulesets. */
  rules: CompiledRule[];
  /** Install warnings, in Chromium's words. */
  warnings: string[];
}

/** Chromium's limits for static rulesets (declarativeNetRequest `MAX_NUMBER_OF_*`). */
export const DNR_LIMITS = {
  staticRulesets: 100,
  enabledStaticRulesets: 50,
  staticRules: 30000,
  regexRules: 1000,
} as const;

const RULE_RESOURCES = "declarative_net_request.rule_resources";

// Either permission lets an extension use declarative_net_request (DNRManifestHandler::Parse).
const DNR_PERMISSIONS = ["declarativeNetRequest", "declarativeNetRequestWithHostAccess"];

// Chromium's kRulesFileIsInvalid, for a path outside the directory, missing or unreadable.
function invalidRulesPath(path: string): string {
  return `Invalid value for key '${RULE_RESOURCES}': The provided path '${path}' is invalid.`;
}

/**
 * Reads an unpacked extension.
 *
 * @param path The absolute directory path.
 * @returns The extension, its enabled rules and its warnings.
 * @throws {Error} `Extension directory not found: <path>` or
 * `Loading extension at <path> failed with: <reason>`, reason in Chromium's words.
 *
 * @example
 * ```ts ignore
 * import { loadUnpackedExtension } from "./extension_loader.ts";
 * const { extension } = await loadUnpackedExtension("/home/me/my-extension");
 * console.log(extension.id, extension.name);
 * ```
 */
export async function loadUnpackedExtension(path: string): Promise<LoadedExtension> {
  if (!(await isDirectory(path))) throw new Error(`Extension directory not found: ${path}`);
  try {
    await deleteMetadata(path);
    const raw = await readManifest(path);
    const manifest = await localizeManifest(path, raw);
    const id = manifest.key === undefined
      ? extensionIdFromPath(path)
      : extensionIdFromKey(manifest.key);
    const warnings = checkManifest(manifest);
    await checkIcons(path, manifest);
    await checkAction(path, manifest);
    await checkContentScripts(path, manifest);
    await checkBackground(path, manifest);
    const { rules, warnings: ruleWarnings } = await readRulesets(path, manifest);
    warnings.push(...ruleWarnings);
    const reserved = await reservedRootName(path);
    if (reserved !== undefined) {
      warnings.push(
        `Cannot load extension with file or directory name ${reserved}. ` +
          'Filenames starting with "_" are reserved for use by the system.',
      );
    }
    const extension: Extension = {
      id,
      name: manifest.name as string,
      path,
      url: `chrome-extension://${id}/`,
      version: manifest.version as string,
      manifest,
    };
    return { extension, rules, warnings };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Loading extension at ${path} failed with: ${reason}`);
  }
}

/**
 * Reads and parses `<root>/manifest.json` as {@linkcode loadUnpackedExtension} does: only a
 * regular file inside the directory (not through a symlink out of it, not a FIFO that would
 * never end), at most 64 MiB, with Chromium's JSON extensions.
 *
 * @param root The extension directory.
 * @returns The manifest, not localized and not checked.
 * @throws {Error} `Manifest file is missing or unreadable`, `Manifest is not valid JSON.` or
 * `Manifest file is invalid`, Chromium's reasons.
 *
 * @example
 * ```ts ignore
 * import { readManifest } from "./extension_loader.ts";
 * console.log((await readManifest("/home/me/my-extension")).key);
 * ```
 */
export async function readManifest(root: string): Promise<Manifest> {
  return parseManifest(await readInside(root, "manifest.json"));
}

async function readRulesets(
  root: string,
  manifest: Manifest,
): Promise<{ rules: CompiledRule[]; warnings: string[] }> {
  const rules: CompiledRule[] = [];
  const warnings: string[] = [];
  const dnr = manifest.declarative_net_request;
  if (dnr === undefined) return { rules, warnings };
  // DNRManifestHandler::Parse: the permission first, then the list, then each entry's path and
  // id, then the enabled count (Chromium's manifest_errors words).
  const permissions = Array.isArray(manifest.permissions) ? manifest.permissions : [];
  if (!DNR_PERMISSIONS.some((permission) => permissions.includes(permission))) {
    throw new Error(
      "The extension requires the 'declarativeNetRequest' or the " +
        "'declarativeNetRequestWithHostAccess' permission for the 'declarative_net_request' " +
        "manifest key.",
    );
  }
  const resources = isRecord(dnr) ? dnr.rule_resources : undefined;
  if (!Array.isArray(resources)) throw new Error(`Invalid value for key '${RULE_RESOURCES}'.`);
  if (resources.length > DNR_LIMITS.staticRulesets) {
    throw new Error(
      `Invalid value for key '${RULE_RESOURCES}': The number of rulesets must be less than or ` +
        `equal to ${DNR_LIMITS.staticRulesets}.`,
    );
  }
  const ids = new Set<string>();
  const paths = new Set<string>();
  let duplicatePathWarned = false;
  const rulesets = resources.map((resource: unknown, index: number) => {
    if (
      !isRecord(resource) || typeof resource.id !== "string" ||
      typeof resource.enabled !== "boolean" || typeof resource.path !== "string"
    ) {
      throw new Error(
        `Invalid value for key '${RULE_RESOURCES}[${index}]': expected {id, enabled, path}.`,
      );
    }
    const path = resource.path;
    if (resolveInside(root, path) === undefined) throw new Error(invalidRulesPath(path));
    if (resource.id === "" || resource.id.startsWith("_") || ids.has(resource.id)) {
      throw new Error(
        `'${RULE_RESOURCES}': Invalid 'id' specified for Ruleset at index ${index}. The ID ` +
          "must be non-empty, unique and must not start with '_'.",
      );
    }
    ids.add(resource.id);
    const normalized = normalize(path.replace(/^\/+/, ""));
    if (paths.has(normalized) && !duplicatePathWarned) {
      duplicatePathWarned = true;
      warnings.push(
        "The same ruleset file appears multiple times with different IDs in the manifest " +
          "'declarative_net_request.rule_resources' key.",
      );
    }
    paths.add(normalized);
    return { id: resource.id, enabled: resource.enabled, path };
  });
  if (rulesets.filter((ruleset) => ruleset.enabled).length > DNR_LIMITS.enabledStaticRulesets) {
    throw new Error(
      `Invalid value for key '${RULE_RESOURCES}': The number of enabled rulesets must be less ` +
        `than or equal to ${DNR_LIMITS.enabledStaticRulesets}.`,
    );
  }
  let ruleCount = 0;
  let regexCount = 0;
  let countWarned = false;
  let regexWarned = false;
  for (const ruleset of rulesets) {
    const text = await readInside(root, ruleset.path);
    if (text === undefined) throw new Error(invalidRulesPath(ruleset.path));
    let parsed;
    try {
      parsed = parseRuleset(text, {
        rules: DNR_LIMITS.staticRules,
        regexRules: DNR_LIMITS.regexRules,
      });
    } catch (error) {
      throw new Error(`${ruleset.path}: ${(error as Error).message}`);
    }
    warnings.push(...parsed.warnings.map((warning) => `${ruleset.path}: ${warning}`));
    if (!ruleset.enabled) continue;
    const regexes = parsed.rules.filter((rule) => rule.isRegex).length;
    if (ruleCount + parsed.rules.length > DNR_LIMITS.staticRules) {
      if (!countWarned) {
        warnings.push(
          "The number of enabled rules exceeds the API limits. Some rulesets will be ignored.",
        );
      }
      countWarned = true;
      continue;
    }
    if (regexCount + regexes > DNR_LIMITS.regexRules) {
      if (!regexWarned) {
        warnings.push(
          "The number of enabled regular expression rules exceeds the API limits. Some rulesets " +
            "will be ignored.",
        );
      }
      regexWarned = true;
      continue;
    }
    ruleCount += parsed.rules.length;
    regexCount += regexes;
    for (const rule of parsed.rules) {
      rule.ruleset = rulesets.indexOf(ruleset);
      rules.push(rule);
    }
  }
  return { rules, warnings };
}

// Chromium's CheckForIllegalFilenames: the first entry of the root whose name starts with "_"
// and is not one the system uses. Chromium only warns, and still loads the extension.
async function reservedRootName(root: string): Promise<string | undefined> {
  const names = await readdir(root).catch(() => [] as string[]);
  return names.find((name) => name.startsWith("_") && !SYSTEM_NAMES.has(name));
}

const SYSTEM_NAMES = new Set(["_locales", "_platform_specific", "__MACOSX"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
