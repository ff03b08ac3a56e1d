/**
 * Reads C memory behind pointers an FFI call returned, in Deno (`Deno.UnsafePointerView`) and
 * Bun (`bun:ffi`'s `read` and `CString`). Private to runtime/: the pointer values are each
 * runtime's own (an object or `null` in Deno, a number or `null` in Bun).
 *
 * @module
 */

/** Reads from native memory. Offsets are in bytes. */
export interface FfiMemory {
  /** Whether `pointer` is NULL. */
  isNull(pointer: unknown): boolean;
  /** Reads an unsigned 16-bit integer (native byte order). */
  u16(pointer: unknown, offset: number): number;
  /** Reads a signed 32-bit integer. */
  i32(pointer: unknown, offset: number): number;
  /** Reads an unsigned 32-bit integer. */
  u32(pointer: unknown, offset: number): number;
  /** Reads a pointer stored at `offset`. */
  pointer(pointer: unknown, offset: number): unknown;
  /** Reads a NUL-terminated UTF-8 string; `""` for NULL. */
  cString(pointer: unknown): string;
}

// The longest wide string read: hidapi's strings are USB string descriptors (at most 126
// characters); the bound keeps a missing terminator from walking through memory.
const MAX_WIDE_CHARS = 4096;

/**
 * Reads a NUL-terminated `wchar_t` string (UTF-32 on Linux and macOS, where `wchar_t` is 4
 * bytes); `""` for NULL.
 *
 * @param memory The runtime's memory reader.
 * @param pointer The string.
 * @returns The string; code points that are not Unicode scalar values become U+FFFD.
 *
 * @example
 * ```ts
 * import { readWideString } from "./_ffi_memory.ts";
 * // A stand-in reader over a JavaScript array: "Hi" as UTF-32, then the terminator.
 * const cells = new Uint32Array([0x48, 0x69, 0]);
 * const memory = { isNull: (p: unknown) => p === null, u32: (_p: unknown, offset: number) => cells[offset / 4]! };
 * console.log(readWideString(memory, cells)); // Hi
 * ```
 */
export function readWideString(
  memory: Pick<FfiMemory, "isNull" | "u32">,
  pointer: unknown,
): string {
  if (memory.isNull(pointer)) return "";
  let text = "";
  for (let index = 0; index < MAX_WIDE_CHARS; index++) {
    const code = memory.u32(pointer, index * 4);
    if (code === 0) break;
    const valid = code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
    text += String.fromCodePoint(valid ? code : 0xfffd);
  }
  return text;
}

interface BunFfiRead {
  read: {
    u16(pointer: unknown, offset: number): number;
    i32(pointer: unknown, offset: number): number;
    u32(pointer: unknown, offset: number): number;
    ptr(pointer: unknown, offset: number): unknown;
  };
  CString: new (pointer: unknown) => { toString(): string };
}

function denoMemory(): FfiMemory {
  const view = (pointer: unknown) =>
    new Deno.UnsafePointerView(pointer as NonNullable<Deno.PointerValue>);
  return {
    isNull: (pointer) => pointer === null,
    u16: (pointer, offset) => view(pointer).getUint16(offset),
    i32: (pointer, offset) => view(pointer).getInt32(offset),
    u32: (pointer, offset) => view(pointer).getUint32(offset),
    pointer: (pointer, offset) => view(pointer).getPointer(offset),
    cString: (pointer) => pointer === null ? "" : view(pointer).getCString(),
  };
}

async function bunMemory(): Promise<FfiMemory> {
  const ffi: BunFfiRead = await import("bun:ffi");
  // bun:ffi gives NULL as null (or 0 from `read.ptr`).
  const isNull = (pointer: unknown) => pointer === null || pointer === 0;
  return {
    isNull,
    u16: (pointer, offset) => ffi.read.u16(pointer, offset),
    i32: (pointer, offset) => ffi.read.i32(pointer, offset),
    u32: (pointer, offset) => ffi.read.u32(pointer, offset),
    pointer: (pointer, offset) => {
      const value = ffi.read.ptr(pointer, offset);
      return value === 0 ? null : value;
    },
    cString: (pointer) => isNull(pointer) ? "" : new ffi.CString(pointer).toString(),
  };
}

/**
 * Returns the memory reader of the runtime running this process.
 *
 * @param runtime Which runtime this is.
 * @returns The reader.
 *
 * @example
 * ```ts
 * import { ffiMemory } from "./_ffi_memory.ts";
 * import { currentRuntime } from "./mod.ts";
 * const memory = await ffiMemory(currentRuntime().name);
 * console.log(memory.isNull(null), memory.cString(null)); // true ""
 * ```
 */
export function ffiMemory(runtime: "deno" | "bun"): Promise<FfiMemory> {
  return runtime === "deno" ? Promise.resolve(denoMemory()) : bunMemory();
}
