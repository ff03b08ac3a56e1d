/**
 * The HID backend over hidapi's hidraw build (`libhidapi-hidraw.so.0`, Debian package
 * `libhidapi-hidraw0`), bound by FFI: no native build step.
 *
 * @module
 */

import { type FSWatcher, readFileSync, realpathSync, watch } from "node:fs";
import { arch } from "node:process";
import { basename, dirname } from "node:path";
import type {
  HidBackend,
  HidBusType,
  HidConnection,
  HidInterfaceInfo,
} from "../core/hid_backend.ts";
import type { FfiLibrary, Runtime } from "../core/runtime.ts";
import { type FfiMemory, ffiMemory, readWideString } from "./_ffi_memory.ts";

/**
 * The Debian package that ships the library.
 *
 * @example
 * ```ts
 * import { HIDAPI_DEBIAN_PACKAGE } from "./hidapi_backend.ts";
 * console.log(`apt-get install ${HIDAPI_DEBIAN_PACKAGE}`); // apt-get install libhidapi-hidraw0
 * ```
 */
export const HIDAPI_DEBIAN_PACKAGE = "libhidapi-hidraw0";

const DEFAULT_LIBRARY = "libhidapi-hidraw.so.0";

const SYMBOLS = {
  hid_init: { parameters: [], result: "i32" },
  hid_version_str: { parameters: [], result: "pointer" },
  hid_enumerate: { parameters: ["u16", "u16"], result: "pointer" },
  hid_free_enumeration: { parameters: ["pointer"], result: "void" },
  hid_open_path: { parameters: ["buffer"], result: "pointer" },
  hid_close: { parameters: ["pointer"], result: "void" },
  hid_set_nonblocking: { parameters: ["pointer", "i32"], result: "i32" },
  hid_read: { parameters: ["pointer", "buffer", "usize"], result: "i32" },
  hid_write: { parameters: ["pointer", "buffer", "usize"], result: "i32" },
  hid_send_feature_report: { parameters: ["pointer", "buffer", "usize"], result: "i32" },
  hid_get_feature_report: { parameters: ["pointer", "buffer", "usize"], result: "i32" },
  hid_error: { parameters: ["pointer"], result: "pointer" },
} as const;

// hidapi ≥ 0.14 only; bound separately so that 0.13 (Debian bookworm) still loads.
const DESCRIPTOR_SYMBOL = {
  hid_get_report_descriptor: { parameters: ["pointer", "buffer", "usize"], result: "i32" },
} as const;

// struct hid_device_info on LP64 (hidapi/hidapi.h); bus_type exists from 0.13.
const INFO = {
  path: 0,
  vendorId: 8,
  productId: 10,
  serialNumber: 16,
  releaseNumber: 24,
  manufacturer: 32,
  product: 40,
  interfaceNumber: 52,
  next: 56,
  busType: 64,
} as const;

const BUS_TYPES: readonly HidBusType[] = ["unknown", "usb", "bluetooth", "i2c", "spi"];

// HID_API_MAX_REPORT_DESCRIPTOR_SIZE; and the kernel's HID_MAX_BUFFER_SIZE for one report.
const MAX_DESCRIPTOR = 4096;
const MAX_REPORT = 16384;

/** Options for {@linkcode openHidapiBackend}. */
export interface HidapiBackendOptions {
  /** The library to load; default `libhidapi-hidraw.so.0` from the loader's search path. */
  libraryPath?: string;
}

type Hidapi = FfiLibrary<typeof SYMBOLS>["symbols"];

/**
 * Loads hidapi and returns a {@linkcode HidBackend} over it. Report descriptors and the
 * physical device of each interface come from sysfs (`/sys/class/hidraw/<node>/device`), as
 * Chromium's Linux HID service reads them; with hidapi ≥ 0.14 a descriptor sysfs cannot give is
 * asked of the device (`hid_get_report_descriptor`). Input reports are read without blocking
 * (`hid_set_nonblocking`), so the event loop never waits on a device.
 *
 * @param runtime The runtime whose FFI loads the library (`--allow-ffi` in Deno).
 * @param options `{libraryPath}`.
 * @returns The backend; its `name` is `hidapi <version>`.
 * @throws {Error} (rejects) `Cannot load hidapi (libhidapi-hidraw.so.0): ... install the Debian
 * package libhidapi-hidraw0` when the library is missing; on a 32-bit CPU, which the struct
 * layout read here does not describe.
 *
 * @example List the HID interfaces hidapi sees
 * ```ts
 * import { currentRuntime } from "./mod.ts";
 * import { openHidapiBackend } from "./hidapi_backend.ts";
 *
 * try {
 *   const backend = await openHidapiBackend(currentRuntime());
 *   console.log(backend.name, (await backend.enumerate()).length); // hidapi 0.13.1 0
 * } catch (error) {
 *   console.log((error as Error).message); // Cannot load hidapi ...
 * }
 * ```
 */
export async function openHidapiBackend(
  runtime: Runtime,
  options: HidapiBackendOptions = {},
): Promise<HidBackend> {
  const { libraryPath = DEFAULT_LIBRARY } = options;
  if (arch !== "x64" && arch !== "arm64" && arch !== "riscv64" && arch !== "ppc64") {
    throw new Error(`Cannot use hidapi on ${arch}: only 64-bit CPUs are supported`);
  }
  let library;
  try {
    library = await runtime.dlopen(libraryPath, SYMBOLS);
  } catch (error) {
    throw new Error(
      `Cannot load hidapi (${libraryPath}): ${(error as Error).message}; install the Debian ` +
        `package ${HIDAPI_DEBIAN_PACKAGE} (apt-get install ${HIDAPI_DEBIAN_PACKAGE})`,
      { cause: error },
    );
  }
  const hid = library.symbols;
  const memory = await ffiMemory(runtime.name);
  if (hid.hid_init() !== 0) {
    throw new Error(`Cannot initialise hidapi: ${readWideString(memory, hid.hid_error(null))}`);
  }
  const version = memory.cString(hid.hid_version_str());
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const hasBusType = major > 0 || minor >= 13;
  const readDescriptor = major > 0 || minor >= 14
    ? (await runtime.dlopen(libraryPath, DESCRIPTOR_SYMBOL)).symbols.hid_get_report_descriptor
    : undefined;

  function enumerate(): Promise<HidInterfaceInfo[]> {
    return Promise.try(() => {
      const list = hid.hid_enumerate(0, 0);
      const interfaces = new Map<string, HidInterfaceInfo>();
      try {
        for (let info = list; !memory.isNull(info); info = memory.pointer(info, INFO.next)) {
          const path = memory.cString(memory.pointer(info, INFO.path));
          // hidapi ≥ 0.13 lists a hidraw node once per top-level collection.
          if (interfaces.has(path)) continue;
          interfaces.set(path, interfaceInfo(memory, info, path, hasBusType));
        }
      } finally {
        if (!memory.isNull(list)) hid.hid_free_enumeration(list);
      }
      const result = [...interfaces.values()];
      if (readDescriptor) {
        for (const info of result) {
          if (info.reportDescriptor.length === 0) {
            info.reportDescriptor = askDescriptor(hid, memory, readDescriptor, info.path);
          }
        }
      }
      return result;
    });
  }

  function open(path: string): Promise<HidConnection> {
    return Promise.try(() => {
      const device = hid.hid_open_path(cString(path));
      if (memory.isNull(device)) {
        throw new Error(
          `Cannot open HID device "${path}": ${readWideString(memory, hid.hid_error(null))}`,
        );
      }
      hid.hid_set_nonblocking(device, 1);
      return hidapiConnection(hid, memory, device, path);
    });
  }

  return {
    name: `hidapi ${version}`,
    enumerate,
    open,
    watch: watchHidraw,
  };
}

function interfaceInfo(
  memory: FfiMemory,
  info: unknown,
  path: string,
  hasBusType: boolean,
): HidInterfaceInfo {
  const busType = hasBusType ? BUS_TYPES[memory.i32(info, INFO.busType)] ?? "unknown" : "unknown";
  const sysfs = sysfsFacts(path, busType);
  return {
    path,
    vendorId: memory.u16(info, INFO.vendorId),
    productId: memory.u16(info, INFO.productId),
    serialNumber: readWideString(memory, memory.pointer(info, INFO.serialNumber)),
    releaseNumber: memory.u16(info, INFO.releaseNumber),
    manufacturerName: readWideString(memory, memory.pointer(info, INFO.manufacturer)),
    productName: readWideString(memory, memory.pointer(info, INFO.product)),
    interfaceNumber: memory.i32(info, INFO.interfaceNumber),
    busType,
    ...sysfs,
  };
}

/**
 * Reads an interface's report descriptor and physical device from sysfs. The hid device's
 * directory sits under the USB interface, which sits under the USB device: that device ties
 * the interfaces together, as Chromium's `physical_device_id`.
 */
function sysfsFacts(
  path: string,
  busType: HidBusType,
): { physicalDeviceId: string; reportDescriptor: Uint8Array } {
  const device = `/sys/class/hidraw/${basename(path)}/device`;
  let physicalDeviceId = "";
  let reportDescriptor = new Uint8Array();
  try {
    const hidDevice = realpathSync(device);
    physicalDeviceId = busType === "usb" ? dirname(dirname(hidDevice)) : dirname(hidDevice);
  } catch {
    // Not a hidraw node (another platform's path): the interface stands alone.
  }
  try {
    reportDescriptor = new Uint8Array(readFileSync(`${device}/report_descriptor`));
  } catch {
    // Unreadable: hidapi ≥ 0.14 may still ask the device.
  }
  return { physicalDeviceId, reportDescriptor };
}

function askDescriptor(
  hid: Hidapi,
  memory: FfiMemory,
  readDescriptor: (...args: unknown[]) => unknown,
  path: string,
): Uint8Array {
  const device = hid.hid_open_path(cString(path));
  if (memory.isNull(device)) return new Uint8Array();
  try {
    const buffer = new Uint8Array(MAX_DESCRIPTOR);
    const length = Number(readDescriptor(device, buffer, MAX_DESCRIPTOR));
    return length > 0 ? buffer.slice(0, length) : new Uint8Array();
  } finally {
    hid.hid_close(device);
  }
}

function hidapiConnection(
  hid: Hidapi,
  memory: FfiMemory,
  device: unknown,
  path: string,
): HidConnection {
  let open = true;
  const buffer = new Uint8Array(MAX_REPORT);
  const live = (what: string) => {
    if (!open) throw new Error(`Cannot ${what} HID device "${path}": it is closed`);
  };
  const failure = (what: string) =>
    new Error(
      `Cannot ${what} HID device "${path}": ${readWideString(memory, hid.hid_error(device))}`,
    );
  return {
    write(report) {
      live("write to");
      if (Number(hid.hid_write(device, report, report.length)) < 0) throw failure("write to");
    },
    read() {
      live("read from");
      const length = Number(hid.hid_read(device, buffer, buffer.length));
      if (length < 0) throw failure("read from");
      return length === 0 ? null : buffer.slice(0, length);
    },
    sendFeatureReport(report) {
      live("send a feature report to");
      if (Number(hid.hid_send_feature_report(device, report, report.length)) < 0) {
        throw failure("send a feature report to");
      }
    },
    getFeatureReport(reportId, maxLength) {
      live("get a feature report from");
      const report = new Uint8Array(Math.max(1, maxLength));
      report[0] = reportId;
      const length = Number(hid.hid_get_feature_report(device, report, report.length));
      if (length < 0) throw failure("get a feature report from");
      return report.slice(0, length);
    },
    close() {
      if (!open) return;
      open = false;
      hid.hid_close(device);
    },
  };
}

function watchHidraw(onChange: () => void): () => void {
  let watcher: FSWatcher;
  try {
    watcher = watch("/dev", (_event, name) => {
      // Deno's node:fs watcher is ref'd again once it has delivered an event (any change in
      // /dev): unref it again after it asks for the next one, or the program never ends.
      setTimeout(() => watcher.unref(), 0);
      if (typeof name === "string" && name.startsWith("hidraw")) onChange();
    });
  } catch {
    // No /dev to watch (another platform): plugging is noticed at the next enumeration.
    return () => {};
  }
  watcher.on("error", () => watcher.close());
  watcher.unref();
  return () => watcher.close();
}

function cString(text: string): Uint8Array {
  return new TextEncoder().encode(`${text}\0`);
}
