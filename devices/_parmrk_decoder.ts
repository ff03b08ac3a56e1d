/**
 * Undoes Linux's `PARMRK` marking of tty input (termios(3)): a data byte 0xFF arrives as
 * `FF FF`, a break as `FF 00 00`, a character with a parity or framing error as `FF 00 c`.
 * Chromium reads the same marks (`SerialIoHandlerPosix::CheckReceiveError`).
 *
 * @module
 */

/** A receive error found in the marks. */
export type ReceiveError = "break" | "parity" | "framing";

/**
 * Decodes marked input chunk by chunk, keeping an unfinished mark between chunks.
 *
 * @example
 * ```ts
 * import { ParmrkDecoder } from "./_parmrk_decoder.ts";
 * const bytes = Uint8Array.of(1, 0xff, 0xff, 2, 0xff, 0, 0);
 * const { length, error } = new ParmrkDecoder().decode(bytes, false);
 * console.log([...bytes.subarray(0, length)], error); // [ 1, 255, 2 ] break
 * ```
 */
export class ParmrkDecoder {
  /** Bytes of an unfinished mark: 0, 1 (`FF`) or 2 (`FF 00`). */
  #pending = 0;

  /**
   * Decodes `bytes` in place.
   *
   * @param bytes Raw input; overwritten with the decoded data.
   * @param parityChecked Whether parity checking is on: then an error mark means a parity
   * error, else a framing error.
   * @returns The decoded length, and the first error: the data before it is `bytes[0, length)`
   * and the rest of the chunk is dropped, as Chromium does.
   */
  decode(bytes: Uint8Array, parityChecked: boolean): { length: number; error?: ReceiveError } {
    // Fast path: no marks at all.
    if (this.#pending === 0 && bytes.indexOf(0xff) === -1) return { length: bytes.length };
    let out = 0;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i]!;
      if (this.#pending === 0) {
        if (byte === 0xff) this.#pending = 1;
        else bytes[out++] = byte;
      } else if (this.#pending === 1) {
        if (byte === 0x00) {
          this.#pending = 2;
        } else {
          // `FF FF` is a data 0xFF; anything else after FF cannot come from the tty layer and
          // is kept as it came.
          this.#pending = 0;
          bytes[out++] = 0xff;
          if (byte !== 0xff) bytes[out++] = byte;
        }
      } else {
        this.#pending = 0;
        return { length: out, error: byte === 0 ? "break" : parityChecked ? "parity" : "framing" };
      }
    }
    return { length: out };
  }

  /** Forgets an unfinished mark (after the receive buffer was discarded). */
  reset(): void {
    this.#pending = 0;
  }
}
