/**
 * A {@linkcode HidBackend} over recorded devices: their listing facts and report descriptors,
 * with input reports queued and output reports captured by the program. It stands in for
 * hardware in tests, examples and demos; plugging and unplugging are method calls.
 *
 * @module
 */

import type { HidBackend, HidConnection, HidInterfaceInfo } from "../core/hid_backend.ts";

/** A recorded interface: `path`, ids and descriptor required, the rest defaulted. */
export type RecordedHidInterface =
  & Pick<HidInterfaceInfo, "path" | "vendorId" | "productId" | "reportDescriptor">
  & Partial<HidInterfaceInfo>
  & {
    /** Whether `open()` fails, as for a node the process may not open; default false. */
    denyOpen?: boolean;
  };

/** What a program sent to a recorded interface. */
export interface RecordedTraffic {
  /** Output reports written (`hid_write` buffers: the report id byte first). */
  output: Uint8Array[];
  /** Feature reports sent (the report id byte first). */
  feature: Uint8Array[];
}

interface Recorded {
  info: HidInterfaceInfo;
  denyOpen: boolean;
  input: Uint8Array[];
  traffic: RecordedTraffic;
  featureReports: Map<number, Uint8Array>;
  connections: Set<{ lost: boolean }>;
}

/**
 * Recorded HID devices behind the backend interface hidapi implements.
 *
 * @example Plug a device in and read its descriptor back
 * ```ts
 * import { RecordedHidBackend } from "./recorded_hid_backend.ts";
 *
 * const backend = new RecordedHidBackend();
 * backend.plug({ path: "kbd", vendorId: 0x046d, productId: 0xc31c, reportDescriptor: new Uint8Array([0x05, 0x01]) });
 * const [info] = await backend.enumerate();
 * console.log(info?.path, info?.reportDescriptor.length); // kbd 2
 * ```
 */
export class RecordedHidBackend implements HidBackend {
  /** Always `recorded`. */
  readonly name = "recorded";
  #devices = new Map<string, Recorded>();
  #watchers = new Set<() => void>();

  /**
   * Makes the backend with devices already plugged in.
   *
   * @param interfaces The interfaces present from the start.
   */
  constructor(interfaces: readonly RecordedHidInterface[] = []) {
    for (const entry of interfaces) this.#add(entry);
  }

  /**
   * Lists the plugged interfaces, in plugging order.
   *
   * @returns Copies of their listing facts.
   */
  enumerate(): Promise<HidInterfaceInfo[]> {
    return Promise.resolve([...this.#devices.values()].map(({ info }) => ({
      ...info,
      reportDescriptor: info.reportDescriptor.slice(),
    })));
  }

  /**
   * Opens a plugged interface.
   *
   * @param path The interface's path.
   * @returns The connection.
   * @throws {Error} (rejects) `Cannot open HID device "<path>": ...` when it is not plugged or
   * was recorded with `denyOpen`.
   */
  open(path: string): Promise<HidConnection> {
    return Promise.try(() => {
      const device = this.#devices.get(path);
      if (!device) throw new Error(`Cannot open HID device "${path}": no such device`);
      if (device.denyOpen) throw new Error(`Cannot open HID device "${path}": Permission denied`);
      return connect(device);
    });
  }

  /**
   * Calls `onChange` after each `plug` and `unplug`.
   *
   * @param onChange The listener.
   * @returns A function that stops watching.
   */
  watch(onChange: () => void): () => void {
    const listener = () => onChange();
    this.#watchers.add(listener);
    return () => void this.#watchers.delete(listener);
  }

  /**
   * Plugs an interface in.
   *
   * @param entry The interface; defaults: no serial number, names or physical device, USB.
   * @throws {Error} When the path is already plugged.
   */
  plug(entry: RecordedHidInterface): void {
    this.#add(entry);
    this.#changed();
  }

  /**
   * Unplugs an interface: its open connections fail from then on.
   *
   * @param path The interface's path.
   * @returns Whether it was plugged.
   */
  unplug(path: string): boolean {
    const device = this.#devices.get(path);
    if (!device) return false;
    this.#devices.delete(path);
    for (const connection of device.connections) connection.lost = true;
    this.#changed();
    return true;
  }

  /**
   * Queues an input report, as the device would send it (a leading report id byte only when
   * its reports are numbered).
   *
   * @param path The interface's path.
   * @param report The bytes.
   * @throws {Error} When the path is not plugged.
   */
  sendInputReport(path: string, report: Uint8Array): void {
    this.#get(path).input.push(report.slice());
  }

  /**
   * Sets what `getFeatureReport` answers for a report id.
   *
   * @param path The interface's path.
   * @param reportId The report id.
   * @param report The answer, the report id byte first.
   * @throws {Error} When the path is not plugged.
   */
  setFeatureReport(path: string, reportId: number, report: Uint8Array): void {
    this.#get(path).featureReports.set(reportId, report.slice());
  }

  /**
   * What programs sent to an interface so far.
   *
   * @param path The interface's path.
   * @returns The output and feature reports, oldest first.
   * @throws {Error} When the path was never plugged.
   */
  traffic(path: string): RecordedTraffic {
    return this.#get(path).traffic;
  }

  #add(entry: RecordedHidInterface): void {
    if (this.#devices.has(entry.path)) {
      throw new Error(`Cannot plug HID device "${entry.path}": the path is in use`);
    }
    const { denyOpen = false, ...listed } = entry;
    const info: HidInterfaceInfo = {
      serialNumber: "",
      releaseNumber: 0,
      manufacturerName: "",
      productName: "",
      interfaceNumber: 0,
      busType: "usb",
      physicalDeviceId: "",
      ...listed,
      reportDescriptor: entry.reportDescriptor.slice(),
    };
    this.#devices.set(entry.path, {
      info,
      denyOpen,
      input: [],
      traffic: { output: [], feature: [] },
      featureReports: new Map(),
      connections: new Set(),
    });
  }

  #get(path: string): Recorded {
    const device = this.#devices.get(path);
    if (!device) throw new Error(`No recorded HID device "${path}"`);
    return device;
  }

  #changed(): void {
    for (const watcher of [...this.#watchers]) watcher();
  }
}

function connect(device: Recorded): HidConnection {
  const state = { lost: false, closed: false };
  device.connections.add(state);
  const path = device.info.path;
  const usable = () => {
    if (state.closed) throw new Error(`HID device "${path}" is closed`);
    if (state.lost) throw new Error(`HID device "${path}" was unplugged`);
  };
  return {
    write(report) {
      usable();
      device.traffic.output.push(report.slice());
    },
    read() {
      usable();
      return device.input.shift() ?? null;
    },
    sendFeatureReport(report) {
      usable();
      device.traffic.feature.push(report.slice());
    },
    getFeatureReport(reportId, maxLength) {
      usable();
      const report = device.featureReports.get(reportId);
      if (!report) throw new Error(`HID device "${path}" has no feature report ${reportId}`);
      return report.slice(0, maxLength);
    },
    close() {
      state.closed = true;
      device.connections.delete(state);
    },
  };
}
