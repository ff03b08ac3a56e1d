/**
 * Devices: Web Serial over termios (`ses.serial`), with Electron's chooser event, permission
 * handlers and grants.
 *
 * @example Validate Web Serial options as Chromium does
 * ```ts
 * import { convertSerialOptions, validateSerialOptions } from "./mod.ts";
 * const options = validateSerialOptions(convertSerialOptions({ baudRate: 115200 }));
 * console.log(options.dataBits, options.parity, options.bufferSize); // 8 none 255
 * ```
 *
 * @module
 */

export {
  Serial,
  type SerialCheckDetails,
  SerialConnectionEvent,
  type SerialDeviceDetails,
  type SerialDevicePermissionDetails,
  type SerialEvents,
  type SerialInit,
  type SerialPortFilter,
  type SerialPortListEntry,
  type SerialPortRequestOptions,
  type SerialPortRevokedDetails,
  type SerialRequester,
} from "./serial.ts";
export {
  SerialPort,
  type SerialPortHost,
  type SerialPortInfo,
  type SerialPortRecord,
} from "./serial_port.ts";
export {
  convertSerialOptions,
  MAX_BUFFER_SIZE,
  type SerialOptions,
  validateSerialOptions,
  type ValidSerialOptions,
} from "./serial_options.ts";
export type {
  SerialInputSignals,
  SerialLineSettings,
  SerialSignalChanges,
} from "../core/serial_io.ts";
export { enumerateSerialPorts, type EnumerateSerialPortsOptions } from "./serial_enumerator.ts";
