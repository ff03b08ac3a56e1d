/**
 * Facts kept on the per-request objects they describe (a response, its body stream, a request),
 * under a symbol of their own, where a module-level `WeakMap` would otherwise hold them.
 *
 * Why not a `WeakMap`: a map that lives as long as the module sits in V8's old generation, and
 * V8's young-generation collector (the scavenger) keeps every entry of such a map alive, key and
 * value, until the next full collection. Keyed by per-request objects, it moves each request's
 * garbage into the old generation: in Deno 2.9.6, a loop of sequential 1 KiB `ses.fetch` GETs
 * spent 277 ms in scavenges per 60 000 requests with three such maps against 180 ms with slots,
 * and took more full collections. JavaScriptCore (Bun) shows no such cost either way. An object
 * that takes no new property (frozen, sealed, `preventExtensions`) keeps its fact in a `WeakMap`
 * instead, so nothing throws.
 *
 * @module
 */

/** A fact about objects of type `K`. */
export interface ObjectSlot<K extends object, V> {
  /** The fact recorded for `key`, or `undefined`. */
  get(key: K): V | undefined;
  /** Records `value` for `key`, replacing what was there. */
  set(key: K, value: V): void;
}

/**
 * Makes a slot: a symbol-keyed property on each object it is set on. The property is not
 * enumerable by `Object.keys`, `for…in` or `JSON.stringify`.
 *
 * @param description The symbol's description, for debugging.
 * @returns The slot.
 *
 * @example
 * ```ts
 * import { objectSlot } from "./object_slot.ts";
 * const chunks = objectSlot<ReadableStream, number>("chunk count");
 * const body = new Blob(["x"]).stream();
 * chunks.set(body, 1);
 * console.log(chunks.get(body), chunks.get(new Blob([]).stream())); // 1 undefined
 * ```
 */
export function objectSlot<K extends object, V>(description: string): ObjectSlot<K, V> {
  const symbol = Symbol(description);
  let closed: WeakMap<K, V> | undefined;
  return {
    get(key) {
      const value = (key as Slotted<V>)[symbol];
      return value !== undefined || closed === undefined ? value : closed.get(key);
    },
    set(key, value) {
      if (Object.isExtensible(key)) (key as Slotted<V>)[symbol] = value;
      else (closed ??= new WeakMap()).set(key, value);
    },
  };
}

type Slotted<V> = { [key: symbol]: V | undefined };
