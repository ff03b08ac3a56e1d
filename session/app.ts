/**
 * `app`: the part of Electron's `app` module a session needs — paths and `session-created`.
 *
 * @module
 */

import { TypedEmitter } from "../core/typed_emitter.ts";
import type { Runtime } from "../core/runtime.ts";
import { type AppPathName, AppPaths } from "./app_paths.ts";
import type { Session } from "./session.ts";

/** The events `app` emits. Electron passes the session alone, with no event object. */
export type AppEvents = {
  /** A new `Session` was created. */
  "session-created": (session: Session) => void;
};

/**
 * Electron's `app`, headless: `getPath`/`setPath` for Electron's Linux paths (`home`,
 * `appData`, `userData`, `sessionData`, `temp`, `cache`, `logs`, `crashDumps`, `exe`, `module`
 * and the XDG user directories such as `downloads`), and the `'session-created'` event.
 *
 * @example
 * ```ts
 * import { app, session } from "../mod.ts";
 * app.on("session-created", (created) => console.log(created.isPersistent()));
 * session.fromPartition("app-example"); // logs false
 * ```
 */
export class App extends TypedEmitter<AppEvents> {
  #paths: AppPaths;

  /**
   * Creates an app; `session/mod.ts` makes the one the package exports.
   *
   * @param runtime Supplies the environment for default paths.
   */
  constructor(runtime: Runtime) {
    super();
    this.#paths = new AppPaths(runtime);
  }

  /**
   * Returns a well-known directory (see {@linkcode AppPathName}); `logs` is made if missing.
   *
   * @param name `home`, `appData`, `userData`, `sessionData`, `temp`, `cache`, `logs`,
   * `crashDumps`, `exe`, `module`, `desktop`, `documents`, `downloads`, `music`, `pictures` or
   * `videos`.
   * @returns The absolute path.
   * @throws {Error} `Failed to get '<name>' path` for another name.
   */
  getPath(name: AppPathName): string {
    return this.#paths.getPath(name);
  }

  /**
   * Overrides a well-known directory. Sessions created afterwards keep their data under the new
   * `sessionData` (which is `userData` unless set, itself `appData/ses` unless set).
   *
   * @param name A name {@linkcode getPath} knows.
   * @param path An absolute path.
   * @throws {Error} `Path must be absolute`, then `Failed to set path` for an unknown name.
   */
  setPath(name: AppPathName, path: string): void {
    this.#paths.setPath(name, path);
  }
}
