/**
 * WebHID's `HIDDevice` and `HIDInputReportEvent`, over a {@linkcode HidConnection}. States,
 * exception names and messages follow Chromium's
 * `third_party/blink/renderer/modules/hid/hid_device.cc`.
 *
 * @module
 */

import type { HidConnection } from "../core/hid_backend.ts";
import type { HidInterface } from "./_hid_interface.ts";
import type { HIDCollectionInfo } from "./hid_report_descriptor.ts";
import { withoutProtectedReports } from "./hid_blocklist.ts";

/**
 * How often an open device's queued input reports are collected, in milliseconds.
 *
 * @example
 * ```ts
 * import { INPUT_POLL_MS } from "./hid_device.ts";
 * console.log(INPUT_POLL_MS); // 4
 * ```
 */
export const INPUT_POLL_MS = 4;

// Reports taken per poll, so a flooding device cannot hold the event loop.
const MAX_REPORTS_PER_POLL = 64;

const STATE_CHANGE = "An operation that changes the device state is in progress.";
const FORGOTTEN = "The device is forgotten.";
const OPEN_REQUIRED = "The device must be opened first.";

/** What a {@linkcode HIDDevice} asks of the `Hid` that made it. */
export interface HIDDeviceHost {
  /** Opens the interface. */
  open(path: string): Promise<HidConnection>;
  /** Revokes the origin's permission for the whole physical device. */
  forget(device: HIDDevice): Promise<void>;
  /** Tells that the device stopped answering (unplugged). */
  lost(device: HIDDevice): void;
}

/** Options of the {@linkcode HIDInputReportEvent} constructor. */
export interface HIDInputReportEventInit extends EventInit {
  /** The device. */
  device: HIDDevice;
  /** The report id (0 when unnumbered). */
  reportId: number;
  /** The report's data, without the report id byte. */
  data: DataView;
}

/**
 * The `inputreport` event of a {@linkcode HIDDevice}.
 *
 * @example
 * ```ts ignore
 * device.addEventListener("inputreport", (event) => {
 *   const { reportId, data } = event as HIDInputReportEvent;
 *   console.log(reportId, data.getUint8(0));
 * });
 * ```
 */
export class HIDInputReportEvent extends Event {
  /** The device that sent the report. */
  readonly device: HIDDevice;
  /** The report id; 0 when the device numbers no reports. */
  readonly reportId: number;
  /** The report's data, without the report id byte. */
  readonly data: DataView;

  /**
   * Makes the event.
   *
   * @param type `inputreport`.
   * @param init `{device, reportId, data}`.
   */
  constructor(type: string, init: HIDInputReportEventInit) {
    super(type, init);
    this.device = init.device;
    this.reportId = init.reportId;
    this.data = init.data;
  }
}

/**
 * One HID interface an origin may use (WebHID's `HIDDevice`). Get them from
 * `ses.hid.requestDevice()` or `ses.hid.getDevices()`. While open, queued input reports are
 * collected every {@linkcode INPUT_POLL_MS} ms without blocking, and an open device keeps the
 * process alive until `close()`, like an open socket.
 *
 * @example Read one input report from a recorded gamepad
 * ```ts
 * import { Hid, HidEvents, type HIDInputReportEvent, Permissions, RecordedHidBackend } from "./mod.ts";
 *
 * // Usage Page (Generic Desktop), Usage (Game Pad), Collection (Application),
 * //   Report Size (8), Report Count (2), Input (Data, Variable, Absolute), End Collection
 * const descriptor = [0x05, 0x01, 0x09, 0x05, 0xa1, 0x01, 0x75, 0x08, 0x95, 0x02, 0x81, 0x02, 0xc0];
 * const backend = new RecordedHidBackend([{ path: "pad", vendorId: 0x1234, productId: 1,
 *   productName: "Pad", reportDescriptor: new Uint8Array(descriptor) }]);
 * const events = new HidEvents();
 * const hid = new Hid({ backend: async () => backend, permissions: new Permissions(), events });
 * events.on("select-hid-device", (_event, { deviceList }, callback) => callback(deviceList[0]?.deviceId));
 * const [device] = await hid.requestDevice({ filters: [] });
 * await device!.open();
 * const report = new Promise((resolve) => device!.addEventListener("inputreport", resolve, { once: true }));
 * backend.sendInputReport("pad", new Uint8Array([7, 9]));
 * console.log(((await report) as HIDInputReportEvent).data.getUint8(1)); // 9
 * await device!.close();
 * ```
 */
export class HIDDevice extends EventTarget {
  #interface: HidInterface;
  #host: HIDDeviceHost;
  #connection: HidConnection | undefined;
  #changing = false;
  #forgotten = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #onInputReport: ((event: HIDInputReportEvent) => void) | null = null;

  /**
   * Not for callers: devices come from `ses.hid`.
   *
   * @param iface The interface.
   * @param host The `Hid` that made it.
   */
  constructor(iface: HidInterface, host: HIDDeviceHost) {
    super();
    this.#interface = iface;
    this.#host = host;
  }

  /** Whether the device is open. */
  get opened(): boolean {
    return this.#connection !== undefined;
  }

  /** The vendor id. */
  get vendorId(): number {
    return this.#interface.info.vendorId;
  }

  /** The product id. */
  get productId(): number {
    return this.#interface.info.productId;
  }

  /** The product name; `""` when the device has none. */
  get productName(): string {
    return this.#interface.info.productName;
  }

  /**
   * The top-level collections from the report descriptor, without the protected reports (and
   * the collections left with none), as Chromium's HidService hands them to a page.
   */
  get collections(): HIDCollectionInfo[] {
    return withoutProtectedReports(this.#interface.collections);
  }

  /** A listener for `inputreport`, like the DOM's event handler attribute. */
  get oninputreport(): ((event: HIDInputReportEvent) => void) | null {
    return this.#onInputReport;
  }

  set oninputreport(listener: ((event: HIDInputReportEvent) => void) | null) {
    if (this.#onInputReport) this.removeEventListener("inputreport", this.#handler);
    this.#onInputReport = typeof listener === "function" ? listener : null;
    if (this.#onInputReport) this.addEventListener("inputreport", this.#handler);
  }

  #handler = (event: Event) => this.#onInputReport?.(event as HIDInputReportEvent);

  /** @internal The interface, for `Hid`. */
  get interface(): HidInterface {
    return this.#interface;
  }

  /**
   * Opens the device.
   *
   * @returns Resolves when open.
   * @throws {DOMException} (rejects) `InvalidStateError` `An operation that changes the device
   * state is in progress.`, `The device is forgotten.`, `The device is already open.`;
   * `NotAllowedError` `Failed to open the device.`
   */
  async open(): Promise<void> {
    this.#ready();
    if (this.#connection) {
      throw new DOMException("The device is already open.", "InvalidStateError");
    }
    this.#changing = true;
    try {
      this.#connection = await this.#host.open(this.#interface.info.path);
    } catch {
      throw new DOMException("Failed to open the device.", "NotAllowedError");
    } finally {
      this.#changing = false;
    }
    this.#poll();
  }

  /**
   * Closes the device; nothing happens when it is closed.
   *
   * @returns Resolves when closed.
   * @throws {DOMException} (rejects) `InvalidStateError` while an open is in progress or once
   * forgotten.
   */
  close(): Promise<void> {
    return Promise.try(() => {
      this.#ready();
      this.#disconnect();
    });
  }

  /**
   * Closes the device and revokes the origin's permission for every interface of its
   * physical device; `'hid-device-revoked'` is emitted on the session.
   *
   * @returns Resolves when forgotten.
   * @throws {DOMException} (rejects) `InvalidStateError` while an open is in progress.
   */
  async forget(): Promise<void> {
    if (this.#changing) throw new DOMException(STATE_CHANGE, "InvalidStateError");
    if (this.#forgotten) return;
    this.#changing = true;
    try {
      await this.#host.forget(this);
    } finally {
      this.#changing = false;
    }
  }

  /** @internal Marks it forgotten and closes it, for `Hid`. */
  markForgotten(): void {
    this.#forgotten = true;
    this.#disconnect();
  }

  /** @internal Closes it after the interface went away, for `Hid`. */
  markLost(): void {
    this.#disconnect();
  }

  /**
   * Sends an output report.
   *
   * @param reportId The report id (0 when unnumbered), 0 to 255.
   * @param data The report's data, without the report id.
   * @returns Resolves when written.
   * @throws {TypeError} (rejects) for a report id out of range or data that is not a
   * BufferSource; {DOMException} `InvalidStateError` `The device must be opened first.`,
   * `NotAllowedError` `Failed to write the report.` (also for a protected report, a device with
   * no output reports, a report id the device does not number that way, or data longer than its
   * largest output report, as Chromium's HidConnection refuses them).
   */
  sendReport(reportId: number, data: BufferSource): Promise<void> {
    return Promise.try(() => {
      const id = octet(reportId, "sendReport");
      const bytes = bufferSource(data, "sendReport");
      const connection = this.#open();
      if (this.#refused("output", id, bytes.length)) {
        throw new DOMException("Failed to write the report.", "NotAllowedError");
      }
      try {
        connection.write(withReportId(id, bytes));
      } catch {
        throw new DOMException("Failed to write the report.", "NotAllowedError");
      }
    });
  }

  /**
   * Sends a feature report.
   *
   * @param reportId The report id (0 when unnumbered), 0 to 255.
   * @param data The report's data, without the report id.
   * @returns Resolves when written.
   * @throws {DOMException} (rejects) `InvalidStateError` `The device must be opened first.`,
   * `NotAllowedError` `Failed to write the feature report.` (also for a protected report, a device
   * with no feature reports, or a report id the device does not number that way).
   */
  sendFeatureReport(reportId: number, data: BufferSource): Promise<void> {
    return Promise.try(() => {
      const id = octet(reportId, "sendFeatureReport");
      const bytes = bufferSource(data, "sendFeatureReport");
      const connection = this.#open();
      if (this.#refused("feature", id)) {
        throw new DOMException("Failed to write the feature report.", "NotAllowedError");
      }
      try {
        connection.sendFeatureReport(withReportId(id, bytes));
      } catch {
        throw new DOMException("Failed to write the feature report.", "NotAllowedError");
      }
    });
  }

  /**
   * Reads a feature report.
   *
   * @param reportId The report id (0 when unnumbered), 0 to 255.
   * @returns The report: the report id byte first when the id is not 0, then the data.
   * @throws {DOMException} (rejects) `InvalidStateError` `The device must be opened first.`,
   * `NotAllowedError` `Failed to receive the feature report.` (also for a protected report, a
   * device with no feature reports, or a report id the device does not number that way).
   */
  receiveFeatureReport(reportId: number): Promise<DataView> {
    return Promise.try(() => {
      const id = octet(reportId, "receiveFeatureReport");
      const connection = this.#open();
      const failed = () =>
        new DOMException("Failed to receive the feature report.", "NotAllowedError");
      if (this.#refused("feature", id)) throw failed();
      let report: Uint8Array;
      try {
        report = connection.getFeatureReport(id, this.#interface.maxReportSize.feature + 1);
      } catch {
        throw failed();
      }
      if (report.length === 0) throw failed();
      // Linux returns the report id byte even for unnumbered reports; Chromium drops that 0.
      const bytes = id === 0 ? report.slice(1) : report;
      return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    });
  }

  /**
   * What Chromium's HidConnection (Write, SendFeatureReport, GetFeatureReport) refuses before
   * the device sees it: a kind of report the descriptor has none of, a report id where the
   * device numbers none (or none where it numbers them), an output report longer than the
   * largest the descriptor declares, and a protected report.
   */
  #refused(type: "output" | "feature", id: number, dataLength?: number): boolean {
    const { maxReportSize, hasReportId, protectedIds } = this.#interface;
    if (maxReportSize[type] === 0 || hasReportId !== (id !== 0)) return true;
    if (dataLength !== undefined && dataLength > maxReportSize[type]) return true;
    return protectedIds[type].has(id);
  }

  #ready(): void {
    if (this.#changing) throw new DOMException(STATE_CHANGE, "InvalidStateError");
    if (this.#forgotten) throw new DOMException(FORGOTTEN, "InvalidStateError");
  }

  #open(): HidConnection {
    this.#ready();
    if (!this.#connection) throw new DOMException(OPEN_REQUIRED, "InvalidStateError");
    return this.#connection;
  }

  #disconnect(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const connection = this.#connection;
    this.#connection = undefined;
    connection?.close();
  }

  #poll(): void {
    this.#timer = setTimeout(() => {
      const connection = this.#connection;
      if (!connection) return;
      try {
        for (let count = 0; count < MAX_REPORTS_PER_POLL; count++) {
          const report = connection.read();
          if (report === null) break;
          this.#deliver(report);
          if (this.#connection !== connection) return;
        }
      } catch {
        this.#disconnect();
        this.#host.lost(this);
        return;
      }
      this.#poll();
    }, INPUT_POLL_MS);
  }

  #deliver(report: Uint8Array): void {
    const numbered = this.#interface.hasReportId;
    const reportId = numbered ? report[0] ?? 0 : 0;
    if (this.#interface.protectedIds.input.has(reportId)) return;
    const data = numbered ? report.slice(1) : report.slice();
    this.dispatchEvent(
      new HIDInputReportEvent("inputreport", {
        device: this,
        reportId,
        data: new DataView(data.buffer),
      }),
    );
  }
}

function withReportId(reportId: number, data: Uint8Array): Uint8Array {
  const report = new Uint8Array(data.length + 1);
  report[0] = reportId;
  report.set(data, 1);
  return report;
}

function octet(value: number, method: string): number {
  const number = Number(value);
  if (!Number.isFinite(number)) {
    throw new TypeError(
      `Failed to execute '${method}' on 'HIDDevice': Value is not a finite octet.`,
    );
  }
  const integer = Math.trunc(number);
  if (integer < 0 || integer > 255) {
    throw new TypeError(
      `Failed to execute '${method}' on 'HIDDevice': Value is outside the 'octet' value range.`,
    );
  }
  return integer;
}

function bufferSource(data: BufferSource, method: string): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  }
  throw new TypeError(
    `Failed to execute '${method}' on 'HIDDevice': parameter 2 is not of type ` +
      "'(ArrayBuffer or ArrayBufferView)'.",
  );
}
