/**
 * One present HID interface with what WebHID derives from it once: the parsed descriptor and
 * the protected report ids. Private to devices/.
 *
 * @module
 */

import type { HidInterfaceInfo } from "../core/hid_backend.ts";
import { type ProtectedReportIds, protectedReportIds } from "./hid_blocklist.ts";
import { parseReportDescriptor, type ReportDescriptorSummary } from "./hid_report_descriptor.ts";

/** A present interface as devices/ sees it. */
export interface HidInterface extends ReportDescriptorSummary {
  /** What the backend listed. */
  info: HidInterfaceInfo;
  /** Chromium's per-connection id: new each time the interface appears. */
  guid: string;
  /** The physical device id, or the guid when the backend knows none. */
  physicalId: string;
  /** The reports a page may not use. */
  protectedIds: ProtectedReportIds;
}

/**
 * Derives an interface's WebHID facts from what the backend listed.
 *
 * @param info The backend's entry.
 * @returns The interface with a fresh guid.
 *
 * @example
 * ```ts
 * import { hidInterface } from "./_hid_interface.ts";
 * const iface = hidInterface({ path: "p", vendorId: 1, productId: 2, serialNumber: "", releaseNumber: 0,
 *   manufacturerName: "", productName: "", interfaceNumber: 0, busType: "usb", physicalDeviceId: "",
 *   reportDescriptor: new Uint8Array([0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0xc0]) });
 * console.log(iface.physicalId === iface.guid, iface.collections[0]?.usagePage); // true 65280
 * ```
 */
export function hidInterface(info: HidInterfaceInfo): HidInterface {
  const summary = parseReportDescriptor(info.reportDescriptor);
  const guid = crypto.randomUUID();
  return {
    ...summary,
    info,
    guid,
    physicalId: info.physicalDeviceId || guid,
    protectedIds: protectedReportIds(summary.collections),
  };
}

/**
 * The key that tells whether a listed interface is the one seen before (same node, same
 * device) or a new connection that needs a new guid.
 *
 * @param info The backend's entry.
 * @returns The identity key.
 *
 * @example
 * ```ts
 * import { interfaceIdentity } from "./_hid_interface.ts";
 * const info = { path: "p", vendorId: 1, productId: 2, serialNumber: "S", releaseNumber: 0,
 *   manufacturerName: "", productName: "", interfaceNumber: 0, busType: "usb" as const,
 *   physicalDeviceId: "", reportDescriptor: new Uint8Array() };
 * console.log(interfaceIdentity(info)); // ["p",1,2,"S",""]
 * ```
 */
export function interfaceIdentity(info: HidInterfaceInfo): string {
  return JSON.stringify([
    info.path,
    info.vendorId,
    info.productId,
    info.serialNumber,
    info.physicalDeviceId,
  ]);
}
