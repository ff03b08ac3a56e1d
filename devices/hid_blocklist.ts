/**
 * Which HID reports a page may not touch, and which devices the chooser never shows, as
 * Chromium's `services/device/hid/hid_blocklist.cc` and `HidChooserController::DisplayDevice`
 * decide: keyboards, mice and system controls are the operating system's, FIDO keys are
 * WebAuthn's.
 *
 * @module
 */

import type { HIDCollectionInfo, HidReportType } from "./hid_report_descriptor.ts";

/**
 * The FIDO Alliance usage page (`0xF1D0`).
 *
 * @example
 * ```ts
 * import { FIDO_USAGE_PAGE } from "./hid_blocklist.ts";
 * console.log(FIDO_USAGE_PAGE.toString(16)); // f1d0
 * ```
 */
export const FIDO_USAGE_PAGE = 0xf1d0;

const GENERIC_DESKTOP = 0x01;
const KEYBOARD_PAGE = 0x07;

/**
 * Whether reports of a type in a collection with this usage are protected (Chromium's
 * `IsAlwaysProtected`): FIDO and keyboard pages always; Generic Desktop pointer, mouse,
 * keyboard and keypad except their feature reports; system controls (0x80–0x8F, 0xA0–0xA8)
 * always.
 *
 * @param usagePage The collection's usage page.
 * @param usage The collection's usage id.
 * @param type The report type.
 * @returns Whether such reports are protected.
 *
 * @example
 * ```ts
 * import { isAlwaysProtected } from "./hid_blocklist.ts";
 * console.log(isAlwaysProtected(0x01, 0x06, "input"), isAlwaysProtected(0x01, 0x06, "feature")); // true false
 * ```
 */
export function isAlwaysProtected(usagePage: number, usage: number, type: HidReportType): boolean {
  if (usagePage === FIDO_USAGE_PAGE || usagePage === KEYBOARD_PAGE) return true;
  if (usagePage !== GENERIC_DESKTOP) return false;
  if (usage === 0x01 || usage === 0x02 || usage === 0x06 || usage === 0x07) {
    return type !== "feature";
  }
  return (usage >= 0x80 && usage <= 0x8f) || (usage >= 0xa0 && usage <= 0xa8);
}

/** The protected report ids of an interface, by report type. */
export type ProtectedReportIds = Record<HidReportType, Set<number>>;

/**
 * Collects the report ids a page may not use: every report of a top-level collection whose
 * usage is protected for that report type.
 *
 * @param collections The interface's top-level collections.
 * @returns The protected ids per type.
 *
 * @example
 * ```ts
 * import { protectedReportIds } from "./hid_blocklist.ts";
 * const mouse = {
 *   usagePage: 1, usage: 2, type: 1, children: [], outputReports: [], featureReports: [],
 *   inputReports: [{ reportId: 0, items: [] }],
 * };
 * console.log([...protectedReportIds([mouse]).input]); // [ 0 ]
 * ```
 */
export function protectedReportIds(collections: readonly HIDCollectionInfo[]): ProtectedReportIds {
  const result: ProtectedReportIds = { input: new Set(), output: new Set(), feature: new Set() };
  for (const collection of collections) {
    for (const type of ["input", "output", "feature"] as const) {
      if (!isAlwaysProtected(collection.usagePage, collection.usage, type)) continue;
      for (const id of reportIdsOf(collection, type)) result[type].add(id);
    }
  }
  return result;
}

/**
 * Whether every report of an interface is protected (the chooser hides such devices).
 *
 * @param collections The interface's top-level collections.
 * @returns `true` when there is at least one report and all are protected.
 *
 * @example
 * ```ts
 * import { allReportsProtected } from "./hid_blocklist.ts";
 * console.log(allReportsProtected([])); // false
 * ```
 */
export function allReportsProtected(collections: readonly HIDCollectionInfo[]): boolean {
  const blocked = protectedReportIds(collections);
  let reports = 0;
  for (const collection of collections) {
    for (const type of ["input", "output", "feature"] as const) {
      for (const id of reportIdsOf(collection, type)) {
        reports++;
        if (!blocked[type].has(id)) return false;
      }
    }
  }
  return reports > 0;
}

/**
 * The collections a page sees (Chromium's `HidService::RemoveProtectedReports`): each
 * top-level collection without the reports of the kinds its usage protects, and a collection
 * left with no report and no child dropped.
 *
 * @param collections The interface's top-level collections, as parsed.
 * @returns Copies without the protected reports.
 *
 * @example
 * ```ts
 * import { withoutProtectedReports } from "./hid_blocklist.ts";
 * const report = { reportId: 1, items: [] };
 * const keyboard = { usagePage: 1, usage: 6, type: 1, children: [], inputReports: [report],
 *   outputReports: [report], featureReports: [] };
 * console.log(withoutProtectedReports([keyboard]).length); // 0
 * ```
 */
export function withoutProtectedReports(
  collections: readonly HIDCollectionInfo[],
): HIDCollectionInfo[] {
  const kept: HIDCollectionInfo[] = [];
  for (const collection of collections) {
    const { usagePage, usage } = collection;
    const strip = (node: HIDCollectionInfo): HIDCollectionInfo | undefined => {
      const children = node.children.map(strip).filter((child) => child !== undefined);
      const reports = (type: HidReportType, list: HIDCollectionInfo["inputReports"]) =>
        isAlwaysProtected(usagePage, usage, type) ? [] : structuredClone(list);
      const stripped = {
        ...node,
        inputReports: reports("input", node.inputReports),
        outputReports: reports("output", node.outputReports),
        featureReports: reports("feature", node.featureReports),
        children,
      };
      const empty = stripped.inputReports.length + stripped.outputReports.length +
          stripped.featureReports.length + children.length === 0;
      return empty ? undefined : stripped;
    };
    const result = strip(collection);
    if (result !== undefined) kept.push(result);
  }
  return kept;
}

/**
 * Whether an interface has a FIDO top-level collection (left to WebAuthn, never chosen).
 *
 * @param collections The interface's top-level collections.
 * @returns Whether one is on the FIDO usage page.
 *
 * @example
 * ```ts
 * import { hasFidoCollection } from "./hid_blocklist.ts";
 * console.log(hasFidoCollection([])); // false
 * ```
 */
export function hasFidoCollection(collections: readonly HIDCollectionInfo[]): boolean {
  return collections.some((collection) => collection.usagePage === FIDO_USAGE_PAGE);
}

function reportIdsOf(collection: HIDCollectionInfo, type: HidReportType): Set<number> {
  const ids = new Set<number>();
  const visit = (node: HIDCollectionInfo) => {
    const reports = type === "input"
      ? node.inputReports
      : type === "output"
      ? node.outputReports
      : node.featureReports;
    for (const report of reports) ids.add(report.reportId);
    node.children.forEach(visit);
  };
  visit(collection);
  return ids;
}
