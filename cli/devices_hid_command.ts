/**
 * `ses devices hid [--json]`: the HID interfaces hidapi sees, with the top-level collections
 * of their report descriptors.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { HidBackend, HidInterfaceInfo } from "../core/hid_backend.ts";
import { parseReportDescriptor } from "../session/mod.ts";
import { usageLine } from "./usage_error.ts";
import { terminalText } from "./terminal_text.ts";

/**
 * The usage line of `ses devices hid`.
 *
 * @example
 * ```ts
 * import { DEVICES_HID_USAGE } from "./devices_hid_command.ts";
 * console.log(DEVICES_HID_USAGE.trim()); // ses devices hid [--json]
 * ```
 */
export const DEVICES_HID_USAGE = "  ses devices hid [--json]";

/** Where `ses devices hid` writes. */
export interface DevicesHidOutput {
  /** Results. */
  out: (line: string) => void;
  /** Errors. */
  err: (line: string) => void;
}

/** One interface as `--json` prints it. */
export interface ListedHidInterface extends Omit<HidInterfaceInfo, "reportDescriptor"> {
  /** The top-level collections' usages. */
  collections: { usagePage: number; usage: number }[];
  /** The report descriptor's length in bytes. */
  reportDescriptorLength: number;
}

/**
 * Runs `ses devices hid [--json]`.
 *
 * @param loadBackend Loads the backend (hidapi in the CLI).
 * @param args The arguments after `devices hid`.
 * @param output Where to print.
 * @returns 0 when listed, 1 when the backend cannot load (the message names the Debian package
 * for hidapi), 2 for bad arguments.
 *
 * @example List a recorded device
 * ```ts
 * import { RecordedHidBackend } from "../session/mod.ts";
 * import { runDevicesHid } from "./devices_hid_command.ts";
 *
 * const backend = new RecordedHidBackend([{ path: "/dev/hidraw0", vendorId: 0x046d,
 *   productId: 0xc52b, productName: "USB Receiver", reportDescriptor: new Uint8Array([0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0xc0]) }]);
 * await runDevicesHid(async () => backend, [], { out: console.log, err: console.error });
 * // /dev/hidraw0  046d:c52b  USB Receiver  usb if 0  collections ff00:0001
 * ```
 */
export async function runDevicesHid(
  loadBackend: () => Promise<HidBackend>,
  args: string[],
  output: DevicesHidOutput,
): Promise<number> {
  let json: boolean;
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: "boolean", default: false } },
    });
    if (positionals.length > 0) throw new TypeError(`unexpected argument "${positionals[0]}"`);
    json = values.json;
  } catch (error) {
    output.err(usageLine("devices hid", error));
    return 2;
  }
  let backend: HidBackend;
  let interfaces: HidInterfaceInfo[];
  try {
    backend = await loadBackend();
    interfaces = await backend.enumerate();
  } catch (error) {
    output.err(`ses devices hid: ${(error as Error).message}`);
    return 1;
  }
  const listed = interfaces.map(listing);
  if (json) {
    output.out(JSON.stringify({ backend: backend.name, devices: listed }, undefined, 2));
    return 0;
  }
  if (listed.length === 0) output.out(`no HID devices (${backend.name})`);
  for (const entry of listed) output.out(line(entry));
  return 0;
}

function listing(info: HidInterfaceInfo): ListedHidInterface {
  const { reportDescriptor, ...rest } = info;
  const { collections } = parseReportDescriptor(reportDescriptor);
  return {
    ...rest,
    collections: collections.map(({ usagePage, usage }) => ({ usagePage, usage })),
    reportDescriptorLength: reportDescriptor.length,
  };
}

function line(entry: ListedHidInterface): string {
  const hex = (value: number) => value.toString(16).padStart(4, "0");
  // The names and serial number are the device's own USB strings: escaped, not obeyed.
  const name = terminalText(
    [entry.manufacturerName, entry.productName].filter(Boolean).join(" ") || "(no name)",
  );
  const parts = [entry.path, `${hex(entry.vendorId)}:${hex(entry.productId)}`, name];
  if (entry.serialNumber) parts.push(`serial ${terminalText(entry.serialNumber)}`);
  parts.push(
    entry.interfaceNumber >= 0 ? `${entry.busType} if ${entry.interfaceNumber}` : entry.busType,
  );
  const usages = entry.collections.map((c) => `${hex(c.usagePage)}:${hex(c.usage)}`);
  parts.push(usages.length > 0 ? `collections ${usages.join(" ")}` : "no collections");
  return parts.join("  ");
}
