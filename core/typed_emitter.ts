/**
 * A small typed event emitter with Node's method names, used by `Session`, `app` and the
 * subsystems that emit Electron events.
 *
 * @module
 */

import { emitWarning } from "node:process";

/**
 * A listener of any shape; an event map narrows it per event name. (`never[]` parameters accept
 * every function type without resorting to `any`.)
 */
export type AnyListener = (...args: never[]) => void;

// One `on` or `once` of a listener; `wrapper` is the function rawListeners() gave for a `once`.
interface Registration {
  listener: AnyListener;
  once: boolean;
  wrapper?: AnyListener;
}

// Node's `events.defaultMaxListeners`.
const DEFAULT_MAX_LISTENERS = 10;

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
  #listeners = new Map<keyof Events, Registration[]>();
  #maxListeners = DEFAULT_MAX_LISTENERS;
  #warned = new Set<keyof Events>();

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
   * Adds a listener before the ones already registered (Node's `prependListener`).
   *
   * @param name The event name.
   * @param listener Called with the event's arguments each time it is emitted, first.
   * @returns This emitter, for chaining.
   */
  prependListener<K extends keyof Events>(name: K, listener: Events[K]): this {
    return this.#add(name, listener, false, true);
  }

  /**
   * Adds a listener, before the ones already registered, that is removed after its first call.
   *
   * @param name The event name.
   * @param listener Called once, first.
   * @returns This emitter, for chaining.
   */
  prependOnceListener<K extends keyof Events>(name: K, listener: Events[K]): this {
    return this.#add(name, listener, true, true);
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
    // A `once` wrapper from rawListeners() removes its registration too, as in Node.
    const index = list.findLastIndex((entry) =>
      entry.listener === listener || entry.wrapper === listener
    );
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
   * Lists the listeners of `name`, in calling order (a `once` listener as it was given).
   *
   * @param name The event name.
   * @returns A fresh array.
   */
  listeners<K extends keyof Events>(name: K): Events[K][] {
    return (this.#listeners.get(name) ?? []).map((entry) => entry.listener as Events[K]);
  }

  /**
   * Lists the listeners of `name` as registered (Node's `rawListeners`): a `once` listener
   * comes as a wrapper that removes its registration and calls it, with the listener itself
   * as the wrapper's `listener` property; `off` takes the wrapper too.
   *
   * @param name The event name.
   * @returns A fresh array, in calling order.
   *
   * @example
   * ```ts
   * import { TypedEmitter } from "./typed_emitter.ts";
   * const emitter = new TypedEmitter<{ ping: () => void }>();
   * const log = () => console.log("ping");
   * emitter.once("ping", log);
   * const [wrapper] = emitter.rawListeners("ping");
   * console.log(wrapper !== log, (wrapper as { listener?: unknown }).listener === log); // true true
   * wrapper!(); // ping, and the registration is gone
   * console.log(emitter.listenerCount("ping")); // 0
   * ```
   */
  rawListeners<K extends keyof Events>(name: K): Events[K][] {
    return (this.#listeners.get(name) ?? []).map((entry) => {
      if (!entry.once) return entry.listener as Events[K];
      entry.wrapper ??= Object.assign((...args: unknown[]) => {
        this.#remove(name, entry);
        (entry.listener as (...args: unknown[]) => void)(...args);
      }, { listener: entry.listener });
      return entry.wrapper as Events[K];
    });
  }

  /**
   * Lists the event names that have listeners, in the order they got their first one.
   *
   * @returns A fresh array.
   */
  eventNames(): (keyof Events)[] {
    return [...this.#listeners.keys()];
  }

  /**
   * Sets how many listeners one event may have before a `MaxListenersExceededWarning` goes to
   * `process.emitWarning`, once per event name, as Node's `EventEmitter` does (Electron's
   * objects are Node emitters). Default 10; `0` or `Infinity` never warns.
   *
   * @param n The limit, a non-negative number.
   * @returns This emitter, for chaining.
   * @throws {RangeError} Node's message when `n` is negative or not a number.
   */
  setMaxListeners(n: number): this {
    if (typeof n !== "number" || n < 0 || Number.isNaN(n)) {
      throw new RangeError(
        `The value of "n" is out of range. It must be a non-negative number. Received ${String(n)}`,
      );
    }
    this.#maxListeners = n;
    return this;
  }

  /**
   * Returns the limit {@linkcode TypedEmitter.setMaxListeners} set.
   *
   * @returns The limit; default 10.
   */
  getMaxListeners(): number {
    return this.#maxListeners;
  }

  /**
   * Calls every listener of `name` with `args`, in registration order.
   *
   * @param name The event name.
   * @param args The listener arguments.
   * @returns Whether the event had listeners.
   */
  emit<K extends keyof Events>(name: K, ...args: Parameters<Events[K]>): boolean {
    return this.#emit(name, args, undefined);
  }

  /**
   * Calls every listener of `name` as {@linkcode TypedEmitter.emit} does, and hands each
   * listener's rejected promise (an `async` listener that failed) to `onRejected`, where a
   * plain emit would leave it an unhandled rejection (fatal in Deno).
   *
   * @param name The event name.
   * @param onRejected Called with the reason of each listener's promise that rejects.
   * @param args The listener arguments.
   * @returns Whether the event had listeners.
   *
   * @example An async listener's failure, caught
   * ```ts
   * import { TypedEmitter } from "./typed_emitter.ts";
   * const emitter = new TypedEmitter<{ ping: () => Promise<void> }>();
   * emitter.on("ping", () => Promise.reject(new Error("bug")));
   * emitter.emitCatching("ping", (error) => console.log(String(error))); // Error: bug
   * ```
   */
  emitCatching<K extends keyof Events>(
    name: K,
    onRejected: (reason: unknown) => void,
    ...args: Parameters<Events[K]>
  ): boolean {
    return this.#emit(name, args, onRejected);
  }

  #emit(
    name: keyof Events,
    args: unknown[],
    onRejected: ((reason: unknown) => void) | undefined,
  ): boolean {
    const list = this.#listeners.get(name);
    if (!list || list.length === 0) return false;
    // A snapshot, so listeners added or removed while emitting take effect next time.
    for (const entry of [...list]) {
      if (entry.once) this.#remove(name, entry);
      // The event map ties `args` to this listener's signature.
      const returned: unknown = (entry.listener as (...args: unknown[]) => unknown)(...args);
      if (onRejected !== undefined && returned instanceof Promise) returned.catch(onRejected);
    }
    return true;
  }

  #add(name: keyof Events, listener: AnyListener, once: boolean, first = false): this {
    if (typeof listener !== "function") {
      throw new TypeError(`The "listener" argument must be of type function`);
    }
    const list = this.#listeners.get(name) ?? [];
    if (first) list.unshift({ listener, once });
    else list.push({ listener, once });
    this.#listeners.set(name, list);
    const max = this.#maxListeners;
    if (max > 0 && list.length > max && !this.#warned.has(name)) {
      this.#warned.add(name);
      const warning = Object.assign(
        new Error(
          `Possible EventEmitter memory leak detected. ${list.length} ${String(name)} listeners ` +
            `added to [${this.constructor.name}]. MaxListeners is ${max}. Use ` +
            `emitter.setMaxListeners() to increase limit`,
        ),
        { name: "MaxListenersExceededWarning", emitter: this, type: name, count: list.length },
      );
      emitWarning(warning);
    }
    this.listenerAdded(name);
    return this;
  }

  // A `once` registration that fired goes, not another registration of the same function.
  #remove(name: keyof Events, entry: Registration): void {
    const list = this.#listeners.get(name);
    if (!list) return;
    const index = list.indexOf(entry);
    if (index !== -1) list.splice(index, 1);
    if (list.length === 0) this.#listeners.delete(name);
  }

  /**
   * Called after `on`, `addListener`, `once` or a `prepend` method adds a listener (Node's `'newListener'`, as a
   * method): a subclass whose work starts when somebody listens overrides it. Does nothing here.
   *
   * @param _name The event name.
   */
  protected listenerAdded(_name: keyof Events): void {}
}
