/**
 * Electron's `responseHeaders` object (each name once, its values in a fresh array, in the
 * order received), built from a response's raw header lines. Every response event gets one of
 * its own (a listener may change it), so a response with listeners for `onHeadersReceived`,
 * `onResponseStarted` and `onCompleted` has it built three times.
 *
 * Built property by property, V8 walks its transition tree once per header (290 ns for seven
 * headers, 180 ns in JavaScriptCore, measured 2026-11-30); an object literal is made in one
 * step (50 ns and 105 ns). A server sends the same header names in the same order response
 * after response, so a list of names asked for often gets a builder of its own: a function
 * that returns the literal, made once with `new Function` from the names (each a JSON string
 * literal, so no name can be read as code). Rarer lists, and every list when code cannot be
 * made from strings, are built property by property.
 *
 * @module
 */

/** A response's raw header lines, `[name, value]`. */
export type RawLines = ReadonlyArray<readonly [string, string]>;

type Builder = (raw: RawLines) => Record<string, string[]>;

/** Lists of names remembered (counted, or with a builder); past this the memory starts anew. */
const MAX_SHAPES = 256;
/** Times a list is met before it gets a builder (one response's events in a row count once). */
const MEETINGS_BEFORE_COMPILING = 3;
/** The longest JSON of a list remembered: so the memory holds at most 256 × 4 KiB of names. */
const MAX_KEY_LENGTH = 4096;
/** Builders asked first, without making a key: the last ones used. */
const RECENT = 8;

// By the JSON of the names: a builder, or how many times the list was met so far.
const shapes = new Map<string, Builder | number>();
const recentNames: Array<readonly string[]> = [];
const recentBuilders: Builder[] = [];
let compiling = true;
// The last lines asked about that have no builder: a response's events ask in a row.
let lastRaw: RawLines | undefined;

/**
 * Builds a fresh `responseHeaders` object from raw lines.
 *
 * @param raw The lines, names as received.
 * @returns `{name: [values...]}`, names in order of first appearance.
 *
 * @example
 * ```ts
 * import { headerObject } from "./_header_object.ts";
 * console.log(headerObject([["Set-Cookie", "a=1"], ["X-A", "1"], ["Set-Cookie", "b=2"]]));
 * // { "Set-Cookie": [ "a=1", "b=2" ], "X-A": [ "1" ] }
 * ```
 */
export function headerObject(raw: RawLines): Record<string, string[]> {
  for (let i = 0; i < recentNames.length; i++) {
    if (sameNames(raw, recentNames[i]!)) return recentBuilders[i]!(raw);
  }
  if (raw === lastRaw || !compiling) return builtOneByOne(raw);
  const builder = builderFor(raw);
  if (builder !== undefined) return builder(raw);
  lastRaw = raw;
  return builtOneByOne(raw);
}

function sameNames(raw: RawLines, names: readonly string[]): boolean {
  if (raw.length !== names.length) return false;
  for (let i = 0; i < names.length; i++) if (raw[i]![0] !== names[i]) return false;
  return true;
}

function builderFor(raw: RawLines): Builder | undefined {
  const names = raw.map((line) => line[0]);
  const key = JSON.stringify(names);
  // A head of many or long names (rare, or hostile) is built one by one, never remembered.
  if (key.length > MAX_KEY_LENGTH) return undefined;
  let builder = shapes.get(key) ?? 0;
  if (typeof builder === "number") {
    if (builder + 1 < MEETINGS_BEFORE_COMPILING) {
      if (builder === 0 && shapes.size >= MAX_SHAPES) shapes.clear();
      shapes.set(key, builder + 1);
      return undefined;
    }
    try {
      builder = compile(names);
    } catch {
      // Code generation from strings is turned off (a V8 flag, a policy): build one by one.
      compiling = false;
      return undefined;
    }
    shapes.set(key, builder);
  }
  if (recentNames.length === RECENT) {
    recentNames.pop();
    recentBuilders.pop();
  }
  recentNames.unshift(names);
  recentBuilders.unshift(builder);
  return builder;
}

function compile(names: readonly string[]): Builder {
  const indexes = new Map<string, number[]>();
  for (let i = 0; i < names.length; i++) {
    const list = indexes.get(names[i]!);
    if (list === undefined) indexes.set(names[i]!, [i]);
    else list.push(i);
  }
  const fields: string[] = [];
  for (const [name, list] of indexes) {
    // `"__proto__": v` in a literal sets the prototype; a computed key makes an own property.
    const key = name === "__proto__" ? '["__proto__"]' : JSON.stringify(name);
    fields.push(`${key}:[${list.map((i) => `r[${i}][1]`).join(",")}]`);
  }
  return new Function("r", `"use strict";return{${fields.join(",")}};`) as Builder;
}

function builtOneByOne(raw: RawLines): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i]!;
    const name = line[0];
    // Names like `constructor` or `__proto__` are headers too, not Object.prototype's.
    const values = Object.hasOwn(headers, name) ? headers[name] : undefined;
    if (values) values.push(line[1]);
    else setHeader(headers, name, [line[1]]);
  }
  return headers;
}

const OWN = { writable: true, enumerable: true, configurable: true };

/**
 * Sets a header on a header object as an own property, `__proto__` included (a token like any
 * other, not the object's prototype).
 *
 * @param headers The object.
 * @param name The header's name.
 * @param value Its value.
 *
 * @example
 * ```ts
 * import { setHeader } from "./_header_object.ts";
 * const headers: Record<string, string> = {};
 * setHeader(headers, "__proto__", "x");
 * console.log(Object.keys(headers)); // [ "__proto__" ]
 * ```
 */
export function setHeader<T>(headers: Record<string, T>, name: string, value: T): void {
  if (name === "__proto__") Object.defineProperty(headers, name, { ...OWN, value });
  else headers[name] = value;
}
