/**
 * The dictionary's character set as text encoder and decoder: hunspell compares bytes in the
 * encoding its affix file names with `SET` (UTF-8 or a single-byte set such as ISO8859-1).
 *
 * @module
 */

/** Encodes words for hunspell and decodes its suggestions. */
export interface HunspellCodec {
  /** The name as the affix file's `SET` gives it, e.g. `"UTF-8"`, `"ISO8859-1"`. */
  name: string;
  /** Whether the set is UTF-8 (then `encode` never fails). */
  utf8: boolean;
  /** The bytes of `text`, or `undefined` when a character has no byte in this set. */
  encode(text: string): Uint8Array | undefined;
  /** The text of `bytes`. */
  decode(bytes: Uint8Array): string;
}

// Hunspell's SET names → WHATWG encoding labels where they differ.
function whatwgLabel(name: string): string {
  const iso = /^ISO-?8859-(\d+)$/i.exec(name);
  if (iso) return `iso-8859-${iso[1]}`;
  const cp = /^microsoft-cp(\d+)$/i.exec(name);
  if (cp) return `windows-${cp[1]}`;
  if (/^TIS620/i.test(name)) return "tis-620";
  return name;
}

/**
 * The codec for a hunspell `SET` name.
 *
 * @param name The dictionary's encoding, as `Hunspell.encoding` reports it.
 * @returns A codec; UTF-8 uses TextEncoder, a single-byte set a table built from TextDecoder.
 * @throws {RangeError} When the runtime has no decoder for the set.
 *
 * @example
 * ```ts
 * import { hunspellCodec } from "./hunspell_encoding.ts";
 * const latin1 = hunspellCodec("ISO8859-1");
 * console.log(latin1.encode("café"), latin1.encode("Ω")); // Uint8Array(4) [ 99, 97, 102, 233 ] undefined
 * ```
 */
export function hunspellCodec(name: string): HunspellCodec {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(whatwgLabel(name));
  } catch {
    throw new RangeError(`Unsupported dictionary encoding "${name}"`);
  }
  if (decoder.encoding === "utf-8") {
    const encoder = new TextEncoder();
    return {
      name,
      utf8: true,
      encode: (text) => encoder.encode(text),
      decode: (bytes) => decoder.decode(bytes),
    };
  }
  const table = new Map<number, number>();
  const all = decoder.decode(Uint8Array.from({ length: 256 }, (_, i) => i));
  for (let byte = 255; byte >= 0; byte--) {
    if (all.charCodeAt(byte) !== 0xfffd) table.set(all.charCodeAt(byte), byte);
  }
  return {
    name,
    utf8: false,
    encode(text) {
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) {
        const byte = table.get(text.charCodeAt(i));
        if (byte === undefined) return undefined;
        bytes[i] = byte;
      }
      return bytes;
    },
    decode: (bytes) => decoder.decode(bytes),
  };
}
