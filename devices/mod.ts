/**
 * Permissions and devices: Electron's permission handlers and per-origin device grants,
 * WebHID over a {@linkcode HidBackend} (hidapi by FFI in a session, or recorded devices), and
 * Web Serial over termios (`ses.serial`) with Electron's chooser event and grants.
 *
 * @example Ask for a permission the way a page would
 * ```ts
 * import { Permissions } from "./mod.ts";
 *
 * const permissions = new Permissions();
 * permissions.setPermissionCheckHandler((_webContents, permission) => permission !== "hid");
 * console.log(permissions.check("hid", "https://a.test")); // false
 * ```
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

export * from "./permissions.ts";
export * from "./display_media.ts";
export * from "./hid.ts";
export * from "./hid_device.ts";
export * from "./hid_filters.ts";
export * from "./hid_blocklist.ts";
export * from "./hid_report_descriptor.ts";
export * from "./recorded_hid_backend.ts";
export type * from "../core/hid_backend.ts";
export { ElectronEvent } from "../core/electron_event.ts";
export { type AnyListener, type EventMap, TypedEmitter } from "../core/typed_emitter.ts";
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
export {
  enumerateSerialPorts,
  type EnumerateSerialPortsOptions,
  isTtyDevice,
} from "./serial_enumerator.ts";
