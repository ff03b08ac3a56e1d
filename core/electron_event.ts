/**
 * The event object Electron passes as the first argument to every listener.
 *
 * @module
 */

/**
 * An Electron-style event: listeners receive it first and may call `preventDefault()` to
 * stop the default action (for example cancelling a download in `'will-download'`).
 *
 * @example Cancelling the default action
 * ```ts
 * import { ElectronEvent } from "./electron_event.ts";
 * const event = new ElectronEvent();
 * event.preventDefault();
 * console.log(event.defaultPrevented); // true
 * ```
 */
export class ElectronEvent {
  #defaultPrevented = false;

  /** Whether a listener has called {@linkcode ElectronEvent.preventDefault}. */
  get defaultPrevented(): boolean {
    return this.#defaultPrevented;
  }

  /** Asks the emitter not to take its default action. */
  preventDefault(): void {
    this.#defaultPrevented = true;
  }
}
