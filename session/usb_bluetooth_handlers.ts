/**
 * The shapes of Electron's `ses.setUSBProtectedClassesHandler` and
 * `ses.setBluetoothPairingHandler` handlers. WebUSB and Web Bluetooth are asked for by a
 * renderer's `navigator.usb` / `navigator.bluetooth`; there is none here, so a session checks
 * these handlers as Electron does and nothing ever calls them.
 *
 * @module
 */

/** The USB interface classes Chromium protects from WebUSB. */
export type USBProtectedClass =
  | "audio"
  | "audio-video"
  | "hid"
  | "mass-storage"
  | "smart-card"
  | "video"
  | "wireless";

/**
 * Electron's USB protected classes handler: gets the classes Chromium protects and returns the
 * ones to keep protected.
 */
export type USBProtectedClassesHandler = (
  details: { protectedClasses: USBProtectedClass[] },
) => USBProtectedClass[];

/** What a Bluetooth pairing request says (Electron's handler `details`). */
export interface BluetoothPairingDetails {
  /** The device asking to pair. */
  deviceId: string;
  /** `confirm`, `confirmPin` (with `pin`) or `providePin`. */
  pairingKind: "confirm" | "confirmPin" | "providePin";
  /** The frame that asked: none here. */
  frame: null;
  /** The PIN to confirm, for `confirmPin`. */
  pin?: string;
}

/** Electron's Bluetooth pairing handler: answer with `callback({confirmed, pin})`. */
export type BluetoothPairingHandler = (
  details: BluetoothPairingDetails,
  callback: (response: { confirmed: boolean; pin?: string | null }) => void,
) => void;

/**
 * Checks a handler argument as Electron's session does for these setters.
 *
 * @param handler What the caller passed.
 * @throws {TypeError} `Must pass null or function` unless it is a function or `null`.
 *
 * @example
 * ```ts
 * import { checkHandlerArgument } from "./usb_bluetooth_handlers.ts";
 * checkHandlerArgument(null);
 * try {
 *   checkHandlerArgument("no");
 * } catch (error) {
 *   console.log((error as Error).message); // Must pass null or function
 * }
 * ```
 */
export function checkHandlerArgument(handler: unknown): void {
  if (handler !== null && typeof handler !== "function") {
    throw new TypeError("Must pass null or function");
  }
}
