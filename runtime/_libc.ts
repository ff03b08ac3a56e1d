/**
 * The libc functions the serial port code calls, bound once per thread through the runtime's
 * `dlopen`, with the Linux constants they need (x86_64 and aarch64 share them).
 *
 * @module
 */

import type { Runtime } from "../core/runtime.ts";

const SYMBOLS = {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  // The byte counts fit in 31 bits (reads and writes are at most a few MiB), so i32 results
  // keep the calls on both runtimes' fast number path instead of bigint.
  read: { parameters: ["i32", "buffer", "usize"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "i32" },
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
  tcflush: { parameters: ["i32", "i32"], result: "i32" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
  pipe2: { parameters: ["buffer", "i32"], result: "i32" },
  posix_openpt: { parameters: ["i32"], result: "i32" },
  grantpt: { parameters: ["i32"], result: "i32" },
  unlockpt: { parameters: ["i32"], result: "i32" },
  ptsname_r: { parameters: ["i32", "buffer", "usize"], result: "i32" },
  // errno lives at a thread-local address; memcpy with the address as an integer reads it
  // without the core FFI types needing pointer dereferences.
  __errno_location: { parameters: [], result: "usize" },
  memcpy: { parameters: ["buffer", "usize", "usize"], result: "usize" },
} as const;

/** The bound functions, typed as the C prototypes above. */
export interface Libc {
  open(path: Uint8Array, flags: number): number;
  close(fd: number): number;
  read(fd: number, buffer: Uint8Array, count: number): number;
  write(fd: number, buffer: Uint8Array, count: number): number;
  ioctl(fd: number, request: bigint, argument: Uint8Array): number;
  tcflush(fd: number, queue: number): number;
  poll(fds: Uint8Array, count: bigint, timeoutMs: number): number;
  pipe2(fds: Uint8Array, flags: number): number;
  posix_openpt(flags: number): number;
  grantpt(fd: number): number;
  unlockpt(fd: number): number;
  ptsname_r(fd: number, buffer: Uint8Array, size: number): number;
  /** The calling thread's `errno` after the last failed call. */
  errno(): number;
}

/** `open(2)` flags. */
export const O_RDWR = 0o2;
/** Do not make the tty the controlling terminal. */
export const O_NOCTTY = 0o400;
/** Reads and writes return `EAGAIN` instead of waiting. */
export const O_NONBLOCK = 0o4000;
/** Close on exec. */
export const O_CLOEXEC = 0o2000000;

/** `errno` values. */
export const EINTR = 4;
/** I/O error: a pty whose master closed, a device that went away. */
export const EIO = 5;
/** Try again (non-blocking descriptor with nothing to do). */
export const EAGAIN = 11;

/** `poll(2)` events. */
export const POLLIN = 0x1;
/** Writable. */
export const POLLOUT = 0x4;
/** Error condition. */
export const POLLERR = 0x8;
/** Hang up. */
export const POLLHUP = 0x10;
/** The descriptor is not open. */
export const POLLNVAL = 0x20;

let libc: Promise<Libc> | undefined;

/**
 * Binds libc for this thread (the main thread, or a worker calling it itself).
 *
 * @param runtime The runtime whose `dlopen` to use.
 * @returns The bound functions.
 * @throws {Error} (rejects) When `libc.so.6` cannot be loaded (not glibc Linux).
 *
 * @example
 * ```ts
 * import { currentRuntime } from "./current_runtime.ts";
 * import { loadLibc } from "./_libc.ts";
 * const libc = await loadLibc(currentRuntime());
 * console.log(libc.close(-1), libc.errno()); // -1 9 (EBADF)
 * ```
 */
export function loadLibc(runtime: Runtime): Promise<Libc> {
  libc ??= runtime.dlopen("libc.so.6", SYMBOLS).then(({ symbols }) => {
    // The record's values are the C functions declared in SYMBOLS, in the same order.
    const bound = symbols as unknown as Omit<Libc, "errno"> & {
      __errno_location(): bigint | number;
      memcpy(into: Uint8Array, from: bigint | number, size: number): unknown;
    };
    const address = bound.__errno_location();
    const cell = new Int32Array(1);
    const bytes = new Uint8Array(cell.buffer);
    return Object.assign(bound, {
      errno: () => {
        bound.memcpy(bytes, address, 4);
        return cell[0]!;
      },
    });
  });
  return libc;
}
