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
