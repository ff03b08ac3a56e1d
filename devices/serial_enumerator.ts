/**
 * Lists the serial ports of a Linux machine from sysfs, as Chromium's
 * `SerialDeviceEnumeratorLinux` does from udev: every `/sys/class/tty/<name>` with a `device`
 * link, with the USB ids, serial number and product name of the USB device above it.
 *
 * @module
 */

import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { SerialPortRecord } from "./serial_port.ts";

/** Options for {@linkcode enumerateSerialPorts}. */
export interface EnumerateSerialPortsOptions {
  /** The sysfs tty class directory; default `/sys/class/tty`. */
  sysClassTty?: string;
  /** Where the device nodes are; default `/dev`. */
  devDir?: string;
}

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    const text = (await readFile(path, "utf8")).trim();
    return text === "" ? undefined : text;
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Walks up from a tty's device to the USB device (the directory holding `idVendor`). */
async function usbParent(deviceDir: string): Promise<string | undefined> {
  for (let dir = deviceDir; dir !== "/" && dir.startsWith("/sys/"); dir = dirname(dir)) {
    if (await exists(join(dir, "idVendor"))) return dir;
  }
  return undefined;
}

/**
 * Describes one tty from sysfs.
 *
 * @param name The tty name, like `ttyUSB0`.
 * @param options Where sysfs and /dev are.
 * @returns The port, or `undefined` when the tty has no device (virtual consoles, ptys) or no
 * device node, or is one of the `serial8250` placeholders with no hardware behind it.
 */
async function describeTty(
  name: string,
  { sysClassTty = "/sys/class/tty", devDir = "/dev" }: EnumerateSerialPortsOptions,
): Promise<SerialPortRecord | undefined> {
  let deviceDir: string;
  try {
    deviceDir = await realpath(join(sysClassTty, name, "device"));
  } catch {
    return undefined;
  }
  // The 8250 driver registers 4-32 ttyS ports whether or not a UART is there; those sit under
  // the `serial8250` platform device (pyserial and udev rules skip them the same way).
  if (basename(deviceDir) === "serial8250") return undefined;
  const path = join(devDir, name);
  if (!(await exists(path))) return undefined;
  const record: SerialPortRecord = { path };
  const usb = await usbParent(deviceDir);
  if (usb !== undefined) {
    const vendor = await readTrimmed(join(usb, "idVendor"));
    const product = await readTrimmed(join(usb, "idProduct"));
    if (vendor !== undefined && product !== undefined) {
      record.vendorId = parseInt(vendor, 16);
      record.productId = parseInt(product, 16);
    }
    const serialNumber = await readTrimmed(join(usb, "serial"));
    if (serialNumber !== undefined) record.serialNumber = serialNumber;
    const displayName = await readTrimmed(join(usb, "product"));
    if (displayName !== undefined) record.displayName = displayName;
  }
  return record;
}

/**
 * Lists the serial ports sysfs knows, sorted by path.
 *
 * @param options Where sysfs and /dev are (for tests).
 * @returns One record per port; empty when sysfs is not there.
 *
 * @example
 * ```ts
 * import { enumerateSerialPorts } from "./serial_enumerator.ts";
 * for (const port of await enumerateSerialPorts()) console.log(port.path, port.vendorId);
 * ```
 */
export async function enumerateSerialPorts(
  options: EnumerateSerialPortsOptions = {},
): Promise<SerialPortRecord[]> {
  let names: string[];
  try {
    names = await readdir(options.sysClassTty ?? "/sys/class/tty");
  } catch {
    return [];
  }
  const records = await Promise.all(names.map((name) => describeTty(name, options)));
  return records.filter((record) => record !== undefined).sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0
  );
}

/** Unix98 pty slaves (`/dev/pts/N`): majors 136–143, devpts nodes with no sysfs entry. */
const PTY_SLAVE_MAJORS = { first: 136, last: 143 };

/**
 * Whether a path is a tty device node, the only kind Chromium's enumerator lists: a pty slave,
 * or a character device whose `/sys/dev/char/MAJOR:MINOR/subsystem` is the tty class. A
 * character device of another class (`/dev/null`, `/dev/random`) is not a port. Nothing is
 * opened: opening a serial port raises DTR, which resets many boards.
 *
 * @param path The device path (symlinks followed).
 * @param sysDevChar The sysfs directory of character devices; default `/sys/dev/char`.
 * @returns `false` also when the path does not exist.
 *
 * @example
 * ```ts
 * import { isTtyDevice } from "./serial_enumerator.ts";
 * console.log(await isTtyDevice("/dev/null")); // false
 * ```
 */
export async function isTtyDevice(path: string, sysDevChar = "/sys/dev/char"): Promise<boolean> {
  let rdev: number;
  try {
    const stats = await stat(path);
    if (!stats.isCharacterDevice()) return false;
    rdev = stats.rdev;
  } catch {
    return false;
  }
  // glibc's gnu_dev_major/gnu_dev_minor split of a 64-bit dev_t, on a number below 2^53.
  const high = Math.floor(rdev / 2 ** 32);
  const low = rdev >>> 0;
  const major = ((low >>> 8) & 0xfff) | (high & ~0xfff);
  const minor = (low & 0xff) | ((low >>> 12) & ~0xff);
  if (major >= PTY_SLAVE_MAJORS.first && major <= PTY_SLAVE_MAJORS.last) return true;
  try {
    return basename(await realpath(join(sysDevChar, `${major}:${minor}`, "subsystem"))) === "tty";
  } catch {
    return false;
  }
}
