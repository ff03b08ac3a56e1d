/**
 * The seam between WebHID (devices/) and the code that reaches HID hardware: hidapi through
 * FFI in runtime/, or a recorded set of devices in tests and examples.
 *
 * @module
 */

/** The bus a HID interface sits on (hidapi's `hid_bus_type`). */
export type HidBusType = "unknown" | "usb" | "bluetooth" | "i2c" | "spi";

/**
 * One HID interface the operating system exposes (on Linux one `/dev/hidrawN` node). A physical
 * device (a USB keyboard with a media-key interface) may expose several.
 */
export interface HidInterfaceInfo {
  /** The path to open it with, like `/dev/hidraw3`; unique among the present interfaces. */
  path: string;
  /** The USB (or Bluetooth) vendor id, 0 to 0xffff. */
  vendorId: number;
  /** The product id, 0 to 0xffff. */
  productId: number;
  /** The serial number string; `""` when the device has none. */
  serialNumber: string;
  /** The device's release number in BCD (`bcdDevice`). */
  releaseNumber: number;
  /** The manufacturer string; `""` when unknown. */
  manufacturerName: string;
  /** The product string; `""` when unknown. */
  productName: string;
  /** The USB interface number; -1 when not USB. */
  interfaceNumber: number;
  /** The bus. */
  busType: HidBusType;
  /**
   * What ties the interfaces of one physical device together (on Linux the sysfs path of the
   * USB device); `""` when unknown, and each interface then counts as its own device.
   */
  physicalDeviceId: string;
  /** The raw HID report descriptor (HID 1.11 §6.2.2), at most 4096 bytes. */
  reportDescriptor: Uint8Array;
}

/** An open HID interface. Every method is synchronous and never waits for the device. */
export interface HidConnection {
  /**
   * Sends an output report: byte 0 is the report id (0 when the device numbers no reports),
   * then the report's data.
   *
   * @throws {Error} When the device rejects the write or is gone.
   */
  write(report: Uint8Array): void;
  /**
   * Takes the next queued input report without waiting.
   *
   * @returns The report as the device sent it (a leading report id byte only when the device
   * numbers its reports), or `null` when none is queued.
   * @throws {Error} When the device is gone.
   */
  read(): Uint8Array | null;
  /**
   * Sends a feature report: byte 0 is the report id (0 when unnumbered), then the data.
   *
   * @throws {Error} When the device rejects it or is gone.
   */
  sendFeatureReport(report: Uint8Array): void;
  /**
   * Reads a feature report.
   *
   * @param reportId The report id (0 when unnumbered).
   * @param maxLength The most bytes to read, the report id byte included.
   * @returns The report id byte followed by the data.
   * @throws {Error} When the device rejects it or is gone.
   */
  getFeatureReport(reportId: number, maxLength: number): Uint8Array;
  /** Closes the interface; later calls throw. */
  close(): void;
}

/** Where HID devices come from. Two implementations: hidapi by FFI, and a recorded set. */
export interface HidBackend {
  /** What it is, like `hidapi 0.13.1` or `recorded`. */
  readonly name: string;
  /**
   * Lists the present HID interfaces.
   *
   * @returns One entry per interface, in the backend's order.
   */
  enumerate(): Promise<HidInterfaceInfo[]>;
  /**
   * Opens an interface.
   *
   * @param path Its {@linkcode HidInterfaceInfo.path}.
   * @returns The open connection.
   * @throws {Error} (rejects) When it is gone or the process may not open it.
   */
  open(path: string): Promise<HidConnection>;
  /**
   * Calls `onChange` when interfaces may have come or gone (a hint: the caller enumerates
   * again). The watch never keeps the process alive.
   *
   * @returns A function that stops watching.
   */
  watch(onChange: () => void): () => void;
}
