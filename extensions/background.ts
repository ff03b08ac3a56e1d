/**
 * The manifest's `background`, checked as Chromium's `BackgroundManifestHandler` does when an
 * extension loads: the keys' types, then that the service worker, page or scripts it names are
 * there. Only the check runs: no background context runs headlessly.
 *
 * @module
 */

import { sizeInside } from "./_extension_files.ts";
import { finalExtension, resourcePath, resourceUrl } from "./_resource_path.ts";
import type { Manifest } from "./manifest.ts";

/**
 * Checks `background` in Chromium's order (`BackgroundInfo::Parse`, then
 * `BackgroundManifestHandler::Validate`). Manifest version 3 reads `service_worker` and `type`;
 * version 2 reads `scripts`, `page`, `persistent` and `allow_js_access` (the keys each version's
 * manifest features make available). A missing service worker or page is named `''`, as
 * Chromium names the empty path its lookup gave; a missing script by its path. A script whose
 * file is no JavaScript type is ignored, as Chromium ignores it (Chromium also gives an install
 * warning, not reproduced here). A file reached only through a symlink out of the directory
 * counts as missing: @ses never reads outside an extension.
 *
 * @param root The extension directory.
 * @param manifest The localized manifest.
 * @returns When the background is fine, or there is none.
 * @throws {Error} `Invalid value for 'background.service_worker'.`, `Invalid value for
 * 'background.type'.` (not `classic` or `module`), `Invalid value for 'background.scripts'.`,
 * `Invalid value for 'background.scripts[N]'.`, `Invalid value for 'background_page'.`,
 * `Invalid value for 'background.persistent'.`, `Must specify one of background.page or
 * background.scripts to use background.persistent.`, `Invalid value for
 * 'background.allow_js_access'.`, `Only one of 'background.page', 'background.scripts', and
 * 'background.service_worker' can be specified.`, `Could not load background script '<path>'.`,
 * `Could not load background page ''.`
 *
 * @example
 * ```ts
 * import { checkBackground } from "./background.ts";
 * const manifest = { manifest_version: 3, background: { service_worker: "gone.js" } };
 * const error = await checkBackground("/tmp", manifest).catch((e) => e);
 * console.log(error.message); // Could not load background script ''.
 * ```
 */
export async function checkBackground(root: string, manifest: Manifest): Promise<void> {
  const background = manifest.background;
  if (background === null || typeof background !== "object" || Array.isArray(background)) return;
  const keys = background as Record<string, unknown>;
  if (manifest.manifest_version === 2) await checkPageOrScripts(root, keys);
  else await checkServiceWorker(root, keys);
}

async function checkServiceWorker(root: string, keys: Record<string, unknown>): Promise<void> {
  const worker = keys.service_worker;
  if (worker === undefined) return;
  const url = typeof worker === "string" ? resourceUrl(worker) : undefined;
  if (url === undefined) throw new Error("Invalid value for 'background.service_worker'.");
  const type = keys.type;
  if (type !== undefined && type !== "classic" && type !== "module") {
    throw new Error("Invalid value for 'background.type'.");
  }
  if (!(await existsInside(root, urlPath(url)))) {
    throw new Error("Could not load background script ''.");
  }
}

async function checkPageOrScripts(root: string, keys: Record<string, unknown>): Promise<void> {
  const scripts: string[] = [];
  if (keys.scripts !== undefined) {
    if (!Array.isArray(keys.scripts)) throw new Error("Invalid value for 'background.scripts'.");
    for (const [index, script] of keys.scripts.entries()) {
      const path = typeof script === "string" ? resourcePath(script) : undefined;
      if (path === undefined) {
        throw new Error(`Invalid value for 'background.scripts[${index}]'.`);
      }
      // IsSupportedJavascriptMimeType: only .js and .mjs are scripts; the others are ignored.
      if (["js", "mjs"].includes(finalExtension(path.slice(path.lastIndexOf("/") + 1)))) {
        scripts.push(path);
      }
    }
  }
  let page: URL | undefined;
  if (keys.page !== undefined) {
    page = typeof keys.page === "string" ? resourceUrl(keys.page) : undefined;
    if (page === undefined) throw new Error("Invalid value for 'background_page'.");
  }
  if (keys.persistent !== undefined) {
    if (typeof keys.persistent !== "boolean") {
      throw new Error("Invalid value for 'background.persistent'.");
    }
    if (page === undefined && scripts.length === 0) {
      throw new Error(
        "Must specify one of background.page or background.scripts to use " +
          "background.persistent.",
      );
    }
  }
  if (keys.allow_js_access !== undefined && typeof keys.allow_js_access !== "boolean") {
    throw new Error("Invalid value for 'background.allow_js_access'.");
  }
  if (page !== undefined && scripts.length > 0) {
    throw new Error(
      "Only one of 'background.page', 'background.scripts', and 'background.service_worker' " +
        "can be specified.",
    );
  }
  for (const script of scripts) {
    if (!(await existsInside(root, script))) {
      throw new Error(`Could not load background script '${script}'.`);
    }
  }
  if (page !== undefined && !(await existsInside(root, urlPath(page)))) {
    throw new Error("Could not load background page ''.");
  }
}

// file_util::ExtensionURLToRelativeFilePath, then GetResource: the URL's path unescaped (an
// escaped separator or a bad escape gives nothing), leading slashes dropped; "" for no resource.
function urlPath(url: URL): string {
  if (/%(2f|5c)/i.test(url.pathname)) return "";
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return "";
  }
  return resourcePath(path.replace(/^[/\\]+/, "")) ?? "";
}

// base::PathExists on ExtensionResource::GetFilePath: anything (a directory too) inside root.
async function existsInside(root: string, path: string): Promise<boolean> {
  return path !== "" && (await sizeInside(root, path)) !== undefined;
}
