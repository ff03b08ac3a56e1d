/**
 * Chrome extensions for a session, headless: Electron's `ses.extensions` (manifest checks
 * with Chromium's messages, Chromium's ids, `_locales`, the registry and its events) and,
 * beyond Electron, the declarativeNetRequest static rulesets of loaded extensions applied to
 * the session's requests. Background pages, content scripts and `chrome.*` APIs need a
 * renderer and do not run.
 *
 * @example
 * ```ts
 * import { extensionIdFromPath } from "./mod.ts";
 * console.log(extensionIdFromPath("/path/to/file.ext")); // lnkgfdknojmdambfcanadbhmfjfljobb
 * ```
 *
 * @module
 */

export {
  type DnrDecision,
  DnrEngine,
  type DnrRequest,
  type ExtensionHeaderOperation,
} from "./dnr_engine.ts";
export { DnrIndex } from "./dnr_index.ts";
export {
  type CompiledRule,
  type HeaderOperation,
  type ParsedRuleset,
  parseRuleset,
  type RedirectSpec,
  REQUEST_METHODS,
  RESOURCE_TYPES,
  type ResourceType,
  type RuleAction,
  ruleRegex,
  type UrlTransform,
} from "./dnr_rule.ts";
export { type DnrStages, dnrStages } from "./dnr_stage.ts";
export { compileUrlRegex, type UrlRegex, type UrlRegexMatch } from "./url_regex.ts";
export { extensionIdFromBytes, extensionIdFromKey, extensionIdFromPath } from "./extension_id.ts";
export {
  DNR_LIMITS,
  type Extension,
  type LoadedExtension,
  loadUnpackedExtension,
  readManifest,
} from "./extension_loader.ts";
export {
  Extensions,
  type ExtensionsEvents,
  type ExtensionsInit,
  extensionWarnings,
  type LoadExtensionOptions,
} from "./extensions.ts";
export { CHROMIUM_VERSION, type Manifest, parseManifest } from "./manifest.ts";
