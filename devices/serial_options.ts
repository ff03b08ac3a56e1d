/**
 * Web Serial's `SerialOptions` dictionary, converted and checked as Chromium does: WebIDL
 * conversion first (members in lexicographic order, `[EnforceRange]` integers, enum values),
 * then the checks of `SerialPort::open` in `third_party/blink/renderer/modules/serial/
 * serial_port.cc`.
 *
 * @module
 */

import type { SerialLineSettings } from "../core/serial_io.ts";

/** What `port.open()` accepts (Web Serial's `SerialOptions`). */
export interface SerialOptions {
  /** Bits per second; required, greater than zero. */
  baudRate: number;
  /** 7 or 8 (default 8). */
  dataBits?: number;
  /** 1 or 2 (default 1). */
  stopBits?: number;
  /** `none` (default), `even` or `odd`. */
  parity?: "none" | "even" | "odd";
  /** Bytes buffered by each stream, 1 to 16 MiB (default 255). */
  bufferSize?: number;
  /** `none` (default) or `hardware` (RTS/CTS). */
  flowControl?: "none" | "hardware";
}

/** The settings a valid `SerialOptions` gives. */
export interface ValidSerialOptions extends SerialLineSettings {
  /** Bytes buffered by each stream. */
  bufferSize: number;
}

/** Chromium's `kMaxBufferSize`: 16 MiB. */
export const MAX_BUFFER_SIZE = 16 * 1024 * 1024;

const PREFIX = "Failed to execute 'open' on 'SerialPort': ";

function member(name: string, reason: string): TypeError {
  return new TypeError(
    `${PREFIX}Failed to read the '${name}' property from 'SerialOptions': ${reason}`,
  );
}

function enforceRange(value: unknown, name: string, type: string, max: number): number {
  const number = Number(value);
  const integer = Math.trunc(number);
  if (!Number.isFinite(number) || integer < 0 || integer > max) {
    throw member(name, `Value is outside the '${type}' value range.`);
  }
  return integer;
}

function enumValue<T extends string>(value: unknown, name: string, type: string, values: T[]): T {
  const text = String(value);
  if (!(values as string[]).includes(text)) {
    throw member(name, `The provided value '${text}' is not a valid enum value of type ${type}.`);
  }
  return text as T;
}

/**
 * Converts the dictionary (WebIDL step): members read in lexicographic order, defaults applied.
 *
 * @param options What the caller passed.
 * @returns The converted members, not yet checked for meaning.
 * @throws {TypeError} `Failed to execute 'open' on 'SerialPort': ...` for a non-object, a
 * missing `baudRate`, an integer out of range or an unknown enum value.
 *
 * @example
 * ```ts
 * import { convertSerialOptions } from "./serial_options.ts";
 * console.log(convertSerialOptions({ baudRate: 9600 }).bufferSize); // 255
 * ```
 */
export function convertSerialOptions(options: unknown): ValidSerialOptions {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`${PREFIX}The provided value is not of type 'SerialOptions'.`);
  }
  const get = (name: string) => (options as Record<string, unknown>)[name];
  const baud = get("baudRate");
  if (baud === undefined) throw member("baudRate", "Required member is undefined.");
  const baudRate = enforceRange(baud, "baudRate", "unsigned long", 0xffffffff);
  const size = get("bufferSize");
  const bufferSize = size === undefined
    ? 255
    : enforceRange(size, "bufferSize", "unsigned long", 0xffffffff);
  const bits = get("dataBits");
  const dataBits = bits === undefined ? 8 : enforceRange(bits, "dataBits", "octet", 255);
  const flow = get("flowControl");
  const flowControl = flow === undefined
    ? "none"
    : enumValue(flow, "flowControl", "FlowControlType", ["none", "hardware"]);
  const parityValue = get("parity");
  const parity = parityValue === undefined
    ? "none"
    : enumValue(parityValue, "parity", "ParityType", ["none", "even", "odd"]);
  const stop = get("stopBits");
  const stopBits = stop === undefined ? 1 : enforceRange(stop, "stopBits", "octet", 255);
  // The meaning checks in validateSerialOptions narrow these two.
  return {
    baudRate,
    bufferSize,
    dataBits: dataBits as 7 | 8,
    flowControl,
    parity,
    stopBits: stopBits as 1 | 2,
  };
}

/**
 * Checks converted options as `SerialPort::open` does, in its order.
 *
 * @param options The converted options.
 * @returns The same options, now known valid.
 * @throws {TypeError} `Requested baud rate must be greater than zero.`, `Requested number of
 * data bits must be 7 or 8.`, `Requested number of stop bits must be 1 or 2.`, `Requested
 * buffer size must be greater than zero.`, `Requested buffer size (N bytes) is greater than the
 * maximum allowed (16777216 bytes).`, each after Chromium's `Failed to execute 'open' on
 * 'SerialPort': ` prefix.
 *
 * @example
 * ```ts
 * import { convertSerialOptions, validateSerialOptions } from "./serial_options.ts";
 * try {
 *   validateSerialOptions(convertSerialOptions({ baudRate: 0 }));
 * } catch (error) {
 *   console.log((error as TypeError).message);
 *   // Failed to execute 'open' on 'SerialPort': Requested baud rate must be greater than zero.
 * }
 * ```
 */
export function validateSerialOptions(options: ValidSerialOptions): ValidSerialOptions {
  const fail = (message: string) => new TypeError(PREFIX + message);
  if (options.baudRate === 0) throw fail("Requested baud rate must be greater than zero.");
  if (options.dataBits !== 7 && options.dataBits !== 8) {
    throw fail("Requested number of data bits must be 7 or 8.");
  }
  if (options.stopBits !== 1 && options.stopBits !== 2) {
    throw fail("Requested number of stop bits must be 1 or 2.");
  }
  if (options.bufferSize === 0) throw fail("Requested buffer size must be greater than zero.");
  if (options.bufferSize > MAX_BUFFER_SIZE) {
    throw fail(
      `Requested buffer size (${options.bufferSize} bytes) is greater than the maximum allowed ` +
        `(${MAX_BUFFER_SIZE} bytes).`,
    );
  }
  return options;
}
