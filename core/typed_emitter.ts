/**
 * A small typed event emitter with Node's method names, used by `Session`, `app` and the
 * subsystems that emit Electron events.
 *
 * @module
 */

/**
 * A listener of any shape; an event map narrows it per event name. (`never[]` parameters accept
 * every function type without resorting to `any`.)
 */
export type AnyListener = (...args: never[]) => void;

/** Maps event names to listener signatures. */
export type EventMap = { [name: string]: AnyListener };

/**
 * An emitter whose event names and listener arguments are checked by `Events`. Like Node's
 * `EventEmitter`, `emit` passes its arguments to the listeners unchanged; Electron's events
 * put an {@linkcode ElectronEvent} first, so callers emit `(name, new ElectronEvent(), ...)`.
 * As in Node, a listener that throws stops the emit and the error reaches the emitter's caller.
 *
 * @example Listening for an event
 * ```ts
 * import { TypedEmitter } from "./typed_emitter.ts";
 * import { ElectronEvent } from "./electron_event.ts";
 * type Events = { ping: (event: ElectronEvent, n: number) => void };
 * const emitter = new TypedEmitter<Events>();
 * emitter.on("ping", (_event, n) => console.log(n));
 * emitter.emit("ping", new ElectronEvent(), 42);
 * ```
 */
export class TypedEmitter<Events extends EventMap> {
  #listeners = new Map<keyof Events, { listener: AnyListener; once: boolean }[]>();

  /**
   * Adds a listener.
   *
   * @param name The event name.
   * @param listener Called with the event's arguments each time it is emitted.
   * @returns This emitter, for chaining.
   */
  on<K extends keyof Events>(name: K, listener: Events[K]): this {
    return this.#add(name, listener, false);
  }

  /**
   * Adds a listener; the same as {@linkcode TypedEmitter.on}.
   *
   * @param name The event name.
   * @param listener Called with the event's arguments.
   * @returns This emitter, for chaining.
   */
  addListener<K extends keyof Events>(name: K, listener: Events[K]): this {
    return this.#add(name, listener, false);
  }

  /**
   * Adds a listener that is removed after its first call.
   *
   * @param name The event name.
   * @param listener Called once.
   * @returns This emitter, for chaining.
   */
  once<K extends keyof Events>(name: K, listener: Events[K]): this {
    return this.#add(name, listener, true);
  }

  /**
   * Removes the most recently added registration of `listener` for `name`.
   *
   * @param name The event name.
   * @param listener The listener to remove.
   * @returns This emitter, for chaining.
   */
  off<K extends keyof Events>(name: K, listener: Events[K]): this {
    const list = this.#listeners.get(name);
    if (!list) return this;
    const index = list.findLastIndex((entry) => entry.listener === listener);
    if (index !== -1) list.splice(index, 1);
    if (list.length === 0) this.#listeners.delete(name);
    return this;
  }

  /**
   * Removes a listener; the same as {@linkcode TypedEmitter.off}.
   *
   * @param name The event name.
   * @param listener The listener to remove.
   * @returns This emitter, for chaining.
   */
  removeListener<K extends keyof Events>(name: K, listener: Events[K]): this {
    return this.off(name, listener);
  }

  /**
   * Removes every listener of `name`, or of every event when `name` is omitted.
   *
   * @param name The event name.
   * @returns This emitter, for chaining.
   */
  removeAllListeners(name?: keyof Events): this {
    if (name === undefined) this.#listeners.clear();
    else this.#listeners.delete(name);
    return this;
  }

  /**
   * Counts the listeners of `name`.
   *
   * @param name The event name.
   * @returns How many listeners are registered.
   */
  listenerCount(name: keyof Events): number {
    return this.#listeners.get(name)?.length ?? 0;
  }

  /**
   * Calls every listener of `name` with `args`, in registration order.
   *
   * @param name The event name.
   * @param args The listener arguments.
   * @returns Whether the event had listeners.
   */
  emit<K extends keyof Events>(name: K, ...args: Parameters<Events[K]>): boolean {
    const list = this.#listeners.get(name);
    if (!list || list.length === 0) return false;
    // A snapshot, so listeners added or removed while emitting take effect next time.
    for (const entry of [...list]) {
      if (entry.once) this.off(name, entry.listener as Events[K]);
      // The event map ties `args` to this listener's signature.
      (entry.listener as (...args: unknown[]) => void)(...args);
    }
    return true;
  }

  #add(name: keyof Events, listener: AnyListener, once: boolean): this {
    if (typeof listener !== "function") {
      throw new TypeError(`The "listener" argument must be of type function`);
    }
    const list = this.#listeners.get(name) ?? [];
    list.push({ listener, once });
    this.#listeners.set(name, list);
    this.listenerAdded(name);
    return this;
  }

  /**
   * Called after `on`, `addListener` or `once` adds a listener (Node's `'newListener'`, as a
   * method): a subclass whose work starts when somebody listens overrides it. Does nothing here.
   *
   * @param _name The event name.
   */
  protected listenerAdded(_name: keyof Events): void {}
}
