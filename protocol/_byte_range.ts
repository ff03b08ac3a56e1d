/**
 * The byte range a file's `Range` header asks for, read as Chromium's file URL loader reads it
 * (net's `HttpUtil::ParseRangeHeader` and `HttpByteRange::ComputeBounds`).
 *
 * @module
 */

/** A part of a file: its first byte and how many bytes follow. */
export interface FileRange {
  /** The first byte's offset. */
  start: number;
  /** The number of bytes. */
  length: number;
}

const INT64_MAX = 2n ** 63n - 1n;

/**
 * Reads a `Range` header against a file's size. Only one range of `bytes` is served: a header
 * that does not parse, asks for several ranges or for none inside the file is unsatisfiable,
 * as `FileURLLoader` fails it with `net::ERR_REQUEST_RANGE_NOT_SATISFIABLE` (it has no 416).
 *
 * @param header The header's value.
 * @param size The file's size in bytes.
 * @returns The range, or `undefined` when it cannot be served.
 */
export function fileRange(header: string, size: number): FileRange | undefined {
  const equals = header.indexOf("=");
  if (equals === -1 || trimLws(header.slice(0, equals)).toLowerCase() !== "bytes") return;
  const specs = header.slice(equals + 1).split(",").map(trimLws).filter((spec) => spec !== "");
  if (specs.length !== 1) return;
  const spec = specs[0]!;
  const minus = spec.indexOf("-");
  if (minus === -1) return;
  const first = trimLws(spec.slice(0, minus));
  const last = trimLws(spec.slice(minus + 1));
  if (first === "") {
    // A suffix: the last N bytes (all of a shorter file).
    const suffix = int64(last);
    if (suffix === undefined || suffix <= 0) return;
    const length = Math.min(size, suffix);
    return { start: size - length, length };
  }
  const start = int64(first);
  if (start === undefined) return;
  let end = size - 1;
  if (last !== "") {
    const given = int64(last);
    if (given === undefined || start < 0 || given < start) return;
    end = Math.min(end, given);
  }
  if (start < 0 || start >= size) return;
  return { start, length: end - start + 1 };
}

// base::StringToInt64: an optional sign and digits, nothing that overflows.
function int64(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return;
  const value = BigInt(text);
  if (value > INT64_MAX || value < -INT64_MAX - 1n) return;
  return Number(value);
}

// HttpUtil::TrimLWS: spaces and tabs.
function trimLws(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, "");
}
