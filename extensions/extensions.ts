/**
 * `ses.extensions`: Electron's `Extensions` object, headless.
 *
 * What runs: the manifest, the id, the registry, the events and the declarativeNetRequest
 * static rulesets (applied to `ses.fetch` and downloads). What does not, since it needs a
 * renderer: background pages and service workers, content scripts, extension pages and the
 * `chrome.*` APIs. `allowFileAccess` is accepted and has no effect (no `file:` page exists).
 *
 * @module
 */

import { ElectronEvent } from "../core/electron_event.ts";
import { TypedEmitter } from "../core/typed_emitter.ts";
import { emitWarning } from "node:process";
import { isAbsolute } from "node:path";
import { DnrEngine } from "./dnr_engine.ts";
import { type Extension, loadUnpackedExtension } from "./extension_loader.ts";
import { methodArgumentError } from "../core/conversion_error.ts";

const installWarnings = new WeakMap<Extension, readonly string[]>();

// Chromium's kUnrecognizedManifestKey, which Electron filters out of ExtensionLoadWarning.
const UNRECOGNIZED_KEY = /^Unrecognized manifest key '.*'\.$/s;

/**
 * The install warnings of a loaded extension (beyond Electron: for tools that report them, like
 * `ses extensions`). All of Chromium's, including the `Unrecognized manifest key '<key>'.` ones
 * that `loadExtension` leaves out of its `ExtensionLoadWarning`, as Electron does.
 *
 * @param extension An extension `loadExtension` returned.
 * @returns The warnings, in Chromium's words; empty when there were none.
 *
 * @example
 * ```ts ignore
 * import { extensionWarnings } from "./extensions.ts";
 * const extension = await ses.extensions.loadExtension("/abs/ext");
 * for (const warning of extensionWarnings(extension)) console.warn(warning);
 * ```
 */
export function extensionWarnings(extension: Extension): readonly string[] {
  return installWarnings.get(extension) ?? [];
}

/**
 * The events of `ses.extensions`, with Electron's listener signatures. A listener that throws
 * is reported on `console.error`; the load or removal it was told of stands.
 */
export type ExtensionsEvents = {
  /** An extension was added to the enabled set. */
  "extension-loaded": (event: ElectronEvent, extension: Extension) => void;
  /**
   * An extension's state is ready: a task after `extension-loaded`, once `loadExtension` has
   * settled (as Chromium's ExtensionRegistrar).
   */
  "extension-ready": (event: ElectronEvent, extension: Extension) => void;
  /** An extension was removed (`removeExtension`, or a reload of the same id). */
  "extension-unloaded": (event: ElectronEvent, extension: Extension) => void;
};

/** Electron's `loadExtension` options. */
export interface LoadExtensionOptions {
  /** Whether the extension may read `file://` URLs (accepted; no effect headlessly). */
  allowFileAccess?: boolean;
}

/** What `ses.extensions` needs from its session. */
export interface ExtensionsInit {
  /** Whether the session stores data on disk; in-memory sessions refuse extensions. */
  persistent: boolean;
  /** The session's declarativeNetRequest rules, which its pipeline applies. */
  dnr?: DnrEngine;
}

/**
 * The extensions of one session. Nothing persists: `loadExtension` is needed on every start,
 * as in Electron.
 *
 * @example
 * ```ts
 * import { Extensions } from "./extensions.ts";
 * const extensions = new Extensions({ persistent: false });
 * const error = await extensions.loadExtension("/tmp/x").catch((e) => e);
 * console.log(error.message); // Extensions cannot be loaded in a temporary session
 * ```
 */
export class Extensions extends TypedEmitter<ExtensionsEvents> {
  readonly #persistent: boolean;
  readonly #dnr: DnrEngine;
  readonly #loaded = new Map<string, { extension: Extension; warnings: readonly string[] }>();

  /**
   * Not for callers: get it as `ses.extensions`.
   *
   * @param init The session's parts.
   */
  constructor(init: ExtensionsInit) {
    super();
    this.#persistent = init.persistent;
    this.#dnr = init.dnr ?? new DnrEngine();
  }

  /**
   * Loads an unpacked extension directory. Install warnings go to `process.emitWarning` with
   * type `ExtensionLoadWarning`, as `Warnings loading extension at <path>:\n  <warning>\n`
   * (one `  <warning>\n` line each), except `Unrecognized manifest key` ones, which Electron
   * leaves out (electron_extension_loader.cc).
   *
   * @param path The absolute directory path (a trailing `/` changes the id, as in Chromium).
   * @param _options `{allowFileAccess}`.
   * @returns The extension, after `extension-loaded` fired; `extension-ready` follows on a
   * later task, as in Electron.
   * @throws {Error} (rejects) `The path to the extension in 'loadExtension' must be absolute`,
   * `Extensions cannot be loaded in a temporary session`, `Extension directory not found:
   * <path>`, `Loading extension at <path> failed with: <reason>`.
   * @throws {TypeError} (synchronously, as Electron's binding) `Error processing argument at
   * index 0, conversion failure from <value>` for a path that is not a string (Chromium gin's
   * words: a string's own text, nothing for other values), `Insufficient number of arguments.`
   * for none.
   */
  loadExtension(path: string, _options: LoadExtensionOptions = {}): Promise<Extension> {
    // `allowFileAccess` only concerns file: pages and content scripts, neither of which exists
    // headlessly, so it is accepted and has no effect.
    if (typeof path !== "string") throw methodArgumentError(0, path, arguments.length);
    return this.#load(path);
  }

  async #load(path: string): Promise<Extension> {
    if (!isAbsolute(path)) {
      throw new Error("The path to the extension in 'loadExtension' must be absolute");
    }
    if (!this.#persistent) throw new Error("Extensions cannot be loaded in a temporary session");
    const { extension, rules, warnings } = await loadUnpackedExtension(path);
    // Electron only logs unrecognized manifest keys (they change nothing) and emits the rest,
    // each line ending in "\n" (electron_extension_loader.cc, LoadUnpacked).
    const emitted = warnings.filter((warning) => !UNRECOGNIZED_KEY.test(warning));
    if (emitted.length > 0) {
      emitWarning(
        `Warnings loading extension at ${path}:\n${emitted.map((w) => `  ${w}\n`).join("")}`,
        "ExtensionLoadWarning",
      );
    }
    if (this.#loaded.has(extension.id)) this.removeExtension(extension.id);
    this.#loaded.set(extension.id, { extension, warnings });
    this.#dnr.set(extension.id, path, rules);
    this.#announce("extension-loaded", this.#copy(extension.id)!);
    // Chromium marks the extension ready once the request contexts know it, a task later
    // (ExtensionRegistrar::OnExtensionRegisteredWithRequestContexts), so the promise settles
    // first; an extension unloaded by then is not reported ready.
    const entry = this.#loaded.get(extension.id);
    setTimeout(() => {
      if (this.#loaded.get(extension.id) !== entry) return;
      this.#announce("extension-ready", this.#copy(extension.id)!);
    }, 0);
    return this.#copy(extension.id)!;
  }

  /**
   * Unloads an extension and its rules; an unknown id does nothing.
   *
   * @param extensionId The id.
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from <value>`
   * for a non-string and `Insufficient number of arguments.` for none, as Electron's binding
   * (Chromium gin's words).
   */
  removeExtension(extensionId: string): void {
    checkExtensionId(extensionId, arguments.length);
    const extension = this.#copy(extensionId);
    if (extension === null) return;
    this.#loaded.delete(extensionId);
    this.#dnr.delete(extensionId);
    this.#announce("extension-unloaded", extension);
  }

  /**
   * Returns a loaded extension.
   *
   * @param extensionId The id.
   * @returns A new copy of the extension on each call, as Electron's, or `null`.
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from <value>`
   * for a non-string and `Insufficient number of arguments.` for none, as Electron's binding
   * (Chromium gin's words).
   */
  getExtension(extensionId: string): Extension | null {
    checkExtensionId(extensionId, arguments.length);
    return this.#copy(extensionId);
  }

  /**
   * Returns every loaded extension, in id order (Chromium's `ExtensionSet` is ordered by id).
   *
   * @returns New copies of the extensions, as Electron's.
   */
  getAllExtensions(): Extension[] {
    // Chromium's ExtensionSet is a std::map keyed by id: Electron lists in id order.
    return [...this.#loaded.keys()].sort().map((id) => this.#copy(id)!);
  }

  // Electron emits these from C++ (the extension registry's observers), where a listener's error
  // cannot undo the load or removal that happened: a throwing listener is the caller's bug, and
  // is reported, as a throwing session 'login' listener is, rather than rejecting a load that
  // succeeded, leaving a reload half done, or ending the process from the ready task.
  #announce(name: keyof ExtensionsEvents, extension: Extension): void {
    try {
      this.emit(name, new ElectronEvent(), extension);
    } catch (error) {
      console.error(`ses.extensions '${name}' listener failed:`, error);
    }
  }

  // Electron converts the extension to a new JS object on every call and event
  // (extension_converter.cc), so a caller changing one cannot change the registry.
  #copy(extensionId: string): Extension | null {
    const entry = this.#loaded.get(extensionId);
    if (entry === undefined) return null;
    const copy = structuredClone(entry.extension);
    installWarnings.set(copy, entry.warnings);
    return copy;
  }
}

function checkExtensionId(extensionId: unknown, count: number): void {
  if (typeof extensionId !== "string") throw methodArgumentError(0, extensionId, count);
}
