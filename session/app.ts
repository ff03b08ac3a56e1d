/**
 * `app`: the part of Electron's `app` module a session needs — paths and `session-created`.
 *
 * @module
 */

import { ElectronEvent } from "../core/electron_event.ts";
import { TypedEmitter } from "../core/typed_emitter.ts";
import type { Runtime } from "../core/runtime.ts";
import { type AppPathName, AppPaths } from "./app_paths.ts";
import type { Session } from "./session.ts";

/** The events `app` emits. */
export type AppEvents = {
  /**
   * A new `Session` was created. Electron passes the session alone, with no event object. The
   * session is already registered (`fromPartition`/`fromPath` of it inside the listener give
   * it back), and a listener that throws is reported on `console.error`.
   */
  "session-created": (session: Session) => void;
  /**
   * The app finished initialising: once, on the event loop's first turn after the app was made
   * (the package's import), so that a main script's top-level `app.on("ready", ...)` sees it as
   * in Electron. No launch notification exists here: `launchInfo` is `{}`.
   */
  ready: (event: ElectronEvent, launchInfo: Record<string, unknown>) => void;
};

/**
 * Electron's `app`, headless: `getPath`/`setPath` for Electron's Linux paths (`home`,
 * `appData`, `userData`, `sessionData`, `temp`, `cache`, `logs`, `crashDumps`, `exe`, `module`
 * and the XDG user directories such as `downloads`), the `'session-created'` event, and the
 * start-up of Electron programs: `'ready'`, `isReady()` and `whenReady()`.
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
  #ready = false;
  #whenReady: Promise<void>;

  /**
   * Creates an app; `session/mod.ts` makes the one the package exports.
   *
   * @param runtime Supplies the environment for default paths.
   */
  constructor(runtime: Runtime) {
    super();
    this.#paths = new AppPaths(runtime);
    // A timer rather than a microtask: a script's own top-level awaits of promises that are
    // already settled come first, as a main script runs before Electron's ready.
    this.#whenReady = new Promise((resolve) =>
      setTimeout(() => {
        this.#ready = true;
        resolve();
        this.emit("ready", new ElectronEvent(), {});
      }, 0)
    );
  }

  /**
   * Whether the app finished initialising (`'ready'` was emitted).
   *
   * @returns `false` until the event loop's first turn after the app was made, then `true`.
   */
  isReady(): boolean {
    return this.#ready;
  }

  /**
   * Waits for `'ready'`, as Electron programs start: `app.whenReady().then(...)`.
   *
   * @returns A promise that resolves once the app is ready (at once if it is).
   *
   * @example
   * ```ts
   * import { app, session } from "../mod.ts";
   * await app.whenReady();
   * console.log(app.isReady(), session.defaultSession.isPersistent()); // true true
   * ```
   */
  whenReady(): Promise<void> {
    return this.#whenReady;
  }

  /**
   * Returns a well-known directory (see {@linkcode AppPathName}); `logs` is made if missing.
   *
   * @param name `home`, `appData`, `userData`, `sessionData`, `temp`, `cache`, `logs`,
   * `crashDumps`, `exe`, `module`, `desktop`, `documents`, `downloads`, `music`, `pictures` or
   * `videos`.
   * @returns The absolute path.
   * @throws {Error} `Failed to get '<name>' path` for another name.
   * @throws {TypeError} `Error processing argument at index 0, conversion failure from <value>`
   * for a name that is not a string, `Insufficient number of arguments.` for none (Chromium
   * gin's words).
   */
  getPath(name: AppPathName): string {
    // The caller's own arguments, not `name` alone: how many were passed decides gin's message.
    return this.#paths.getPath(...(arguments as unknown as [typeof name]));
  }

  /**
   * Overrides a well-known directory. Sessions created afterwards keep their data under the new
   * `sessionData` (which is `userData` unless set, itself `appData/ses` unless set).
   *
   * @param name A name {@linkcode getPath} knows.
   * @param path An absolute path.
   * @throws {Error} `Path must be absolute`, then `Failed to set path` for an unknown name.
   * @throws {TypeError} `Error processing argument at index N, conversion failure from <value>`
   * for a name or path that is not a string, `Insufficient number of arguments.` for fewer than
   * two (Chromium gin's words).
   */
  setPath(name: AppPathName, path: string): void {
    // The caller's own arguments, as in getPath.
    this.#paths.setPath(...(arguments as unknown as [typeof name, typeof path]));
  }
}
