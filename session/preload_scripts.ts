/**
 * A session's preload scripts (`registerPreloadScript` and the deprecated `setPreloads`),
 * stored and validated with Electron's errors. Headlessly they never run: there is no web
 * contents or service worker to preload them into; an application that also drives a
 * renderer can read them back with `getPreloadScripts()`.
 *
 * @module
 */

import { isAbsolute } from "node:path";
import { methodArgumentError } from "../core/conversion_error.ts";

/** Electron's `PreloadScriptRegistration`. */
export interface PreloadScriptRegistration {
  /** Where the script runs. */
  type: "frame" | "service-worker";
  /** The script's absolute path. */
  filePath: string;
  /** An id; a UUID v4 when omitted. */
  id?: string;
}

/** Electron's `PreloadScript`: a registration with its id. */
export interface PreloadScript {
  /** Where the script runs. */
  type: "frame" | "service-worker";
  /** The script's path. */
  filePath: string;
  /** The id. */
  id: string;
}

/**
 * The registry of one session's preload scripts, in registration order.
 *
 * @example
 * ```ts
 * import { PreloadScripts } from "./preload_scripts.ts";
 * const scripts = new PreloadScripts();
 * const id = scripts.register({ type: "frame", filePath: "/app/preload.js", id: "main" });
 * console.log(id, scripts.list().length); // main 1
 * ```
 */
export class PreloadScripts {
  readonly #scripts: PreloadScript[] = [];

  /**
   * Registers a script.
   *
   * @param script `{type, filePath, id?}`.
   * @returns Its id.
   * @throws {TypeError} `Insufficient number of arguments.` without an argument;
   * `Error processing argument at index 0, conversion failure from <value>` for a bad shape: no
   * object, a `type` other than `frame` or `service-worker`, a `filePath` neither a string nor
   * `null` (Chromium gin's words: `undefined`, `null`, a string's own text, nothing for an
   * object). An `id` that is not a string is replaced by a UUID, and a `null` `filePath` is the
   * empty path, as Electron's converter reads them.
   * @throws {Error} `Cannot register preload script with existing ID '<id>'`;
   * `Preload script must have absolute path: <filePath>`.
   */
  register(...args: unknown[]): string {
    const script = toRegistration(args[0], args.length);
    return this.#add(script, false);
  }

  /**
   * Removes a script.
   *
   * @param id Its id.
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from <value>`
   * for a non-string, `Insufficient number of arguments.` for none (Chromium gin's words).
   * @throws {Error} `Cannot unregister preload script with non-existing ID '<id>'`.
   */
  unregister(id: string): void {
    if (typeof id !== "string") throw methodArgumentError(0, id, arguments.length);
    const index = this.#scripts.findIndex((script) => script.id === id);
    if (index === -1) {
      throw new Error(`Cannot unregister preload script with non-existing ID '${id}'`);
    }
    this.#scripts.splice(index, 1);
  }

  /**
   * Returns copies of the registered scripts, in order.
   *
   * @returns `[{filePath, id, type}]`.
   */
  list(): PreloadScript[] {
    return this.#scripts.map(({ filePath, id, type }) => ({ filePath, id, type }));
  }

  /**
   * The deprecated `setPreloads`: replaces every `frame` script by these paths, which may be
   * relative (Electron keeps them as given).
   *
   * @param paths Script paths.
   * @throws {TypeError} What Electron's JavaScript `setPreloads` meets, checked before anything
   * changes: V8's `preloads.map is not a function` (`Cannot read properties of undefined
   * (reading 'map')` for `undefined` or `null`) when `paths` is not an array, and the
   * conversion failure `registerPreloadScript` throws for the registration of a path that is
   * not a string: `Error processing argument at index 0, conversion failure from `.
   */
  setFramePaths(paths: unknown): void {
    if (paths === undefined || paths === null) {
      throw new TypeError(`Cannot read properties of ${paths} (reading 'map')`);
    }
    if (!Array.isArray(paths)) throw new TypeError("preloads.map is not a function");
    if (!paths.every((path) => typeof path === "string")) {
      // Electron registers `{type: 'frame', filePath}` for each path; an object is what fails.
      throw methodArgumentError(0, { type: "frame" });
    }
    for (const script of this.#scripts.filter((script) => script.type === "frame")) {
      this.unregister(script.id);
    }
    for (const filePath of paths) this.#add({ type: "frame", filePath }, true);
  }

  /**
   * The deprecated `getPreloads`: the `frame` scripts' paths.
   *
   * @returns The paths, in order.
   */
  framePaths(): string[] {
    return this.#scripts.filter((script) => script.type === "frame").map((script) =>
      script.filePath
    );
  }

  #add(script: PreloadScriptRegistration, allowRelative: boolean): string {
    const id = script.id ?? crypto.randomUUID();
    if (this.#scripts.some((existing) => existing.id === id)) {
      throw new Error(`Cannot register preload script with existing ID '${id}'`);
    }
    if (!allowRelative && !isAbsolute(script.filePath)) {
      throw new Error(`Preload script must have absolute path: ${script.filePath}`);
    }
    this.#scripts.push({ type: script.type, filePath: script.filePath, id });
    return id;
  }
}

// Electron's Converter<PreloadScript> (shell/browser/preload_script.h): `type` and `filePath`
// must convert or the argument fails; gin's FilePath converter takes `null` as the empty path
// (refused later as not absolute); an `id` whose Get fails (no string) gets a UUID instead.
function toRegistration(value: unknown, count: number): PreloadScriptRegistration {
  const fail = () => methodArgumentError(0, value, count);
  if (value === null || typeof value !== "object") throw fail();
  const { type, filePath, id } = value as Record<string, unknown>;
  if (type !== "frame" && type !== "service-worker") throw fail();
  if (filePath !== null && typeof filePath !== "string") throw fail();
  const path = filePath ?? "";
  return typeof id === "string" ? { type, filePath: path, id } : { type, filePath: path };
}
