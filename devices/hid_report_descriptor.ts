/**
 * The HID report descriptor parser: the bytes a device describes its reports with (HID 1.11
 * §6.2.2), turned into WebHID's `HIDCollectionInfo` tree, as Chromium's
 * `services/device/public/cpp/hid/hid_report_descriptor.cc` and `hid_collection.cc` do.
 *
 * @module
 */

/** WebHID's unit system names (`HIDUnitSystem`). */
export type HIDUnitSystem =
  | "none"
  | "si-linear"
  | "si-rotation"
  | "english-linear"
  | "english-rotation"
  | "vendor-defined"
  | "reserved";

/** One Input, Output or Feature main item (WebHID's `HIDReportItem`). */
export interface HIDReportItem {
  /** Absolute (true) or relative data. */
  isAbsolute: boolean;
  /** Array (true) or variable data. */
  isArray: boolean;
  /** Buffered bytes (true) or a bit field. */
  isBufferedBytes: boolean;
  /** Constant (true) or data. */
  isConstant: boolean;
  /** Linear (true) or non-linear. */
  isLinear: boolean;
  /** Whether the usages are a range (`usageMinimum`..`usageMaximum`). */
  isRange: boolean;
  /** Volatile (Output and Feature items). */
  isVolatile: boolean;
  /** Whether the item has a null state. */
  hasNull: boolean;
  /** Whether the item has a preferred state. */
  hasPreferredState: boolean;
  /** Whether values wrap around. */
  wrap: boolean;
  /** Extended usages (`usagePage << 16 | usage`); present when not a range. */
  usages?: number[];
  /** The first extended usage of a range. */
  usageMinimum?: number;
  /** The last extended usage of a range. */
  usageMaximum?: number;
  /** Bits per field. */
  reportSize: number;
  /** Number of fields. */
  reportCount: number;
  /** The unit exponent, -7 to 8 (Blink reads the nibble 0x8 as 8). */
  unitExponent: number;
  /** The unit system. */
  unitSystem: HIDUnitSystem;
  /** Exponent of length in the unit, -7 to 8. */
  unitFactorLengthExponent: number;
  /** Exponent of mass. */
  unitFactorMassExponent: number;
  /** Exponent of time. */
  unitFactorTimeExponent: number;
  /** Exponent of temperature. */
  unitFactorTemperatureExponent: number;
  /** Exponent of current. */
  unitFactorCurrentExponent: number;
  /** Exponent of luminous intensity. */
  unitFactorLuminousIntensityExponent: number;
  /** Logical minimum (signed). */
  logicalMinimum: number;
  /** Logical maximum (signed). */
  logicalMaximum: number;
  /** Physical minimum (signed). */
  physicalMinimum: number;
  /** Physical maximum (signed). */
  physicalMaximum: number;
  /** String descriptors of the item; Chromium gives none. */
  strings: string[];
}

/** The items of one report (WebHID's `HIDReportInfo`). */
export interface HIDReportInfo {
  /** The report id; 0 when the device numbers no reports. */
  reportId: number;
  /** The report's items, in descriptor order. */
  items: HIDReportItem[];
}

/** A collection (WebHID's `HIDCollectionInfo`). */
export interface HIDCollectionInfo {
  /** The usage page of the collection's usage. */
  usagePage: number;
  /** The usage id. */
  usage: number;
  /** The collection type: 0 physical, 1 application, 2 logical, 3 report, ... */
  type: number;
  /** Nested collections. */
  children: HIDCollectionInfo[];
  /** Input reports declared in this collection or in a collection nested in it. */
  inputReports: HIDReportInfo[];
  /** Output reports declared in this collection or in a collection nested in it. */
  outputReports: HIDReportInfo[];
  /** Feature reports declared in this collection or in a collection nested in it. */
  featureReports: HIDReportInfo[];
}

/** The kinds of report. */
export type HidReportType = "input" | "output" | "feature";

/** What {@linkcode parseReportDescriptor} finds. */
export interface ReportDescriptorSummary {
  /** The top-level collections. */
  collections: HIDCollectionInfo[];
  /** Whether the device numbers its reports (any Report ID item). */
  hasReportId: boolean;
  /** The largest report of each type, in bytes, the report id byte excluded. */
  maxReportSize: Record<HidReportType, number>;
}

/** The most nested collections followed; deeper ones count as their parent (hostile input). */
const MAX_DEPTH = 64;

interface GlobalState {
  usagePage: number;
  logicalMinimum: number;
  logicalMaximum: number;
  physicalMinimum: number;
  physicalMaximum: number;
  unitExponent: number;
  unit: number;
  reportSize: number;
  reportId: number;
  reportCount: number;
}

interface LocalState {
  usages: number[];
  usageMinimum?: number;
  usageMaximum?: number;
}

const INITIAL_GLOBALS: GlobalState = {
  usagePage: 0,
  logicalMinimum: 0,
  logicalMaximum: 0,
  physicalMinimum: 0,
  physicalMaximum: 0,
  unitExponent: 0,
  unit: 0,
  reportSize: 0,
  reportId: 0,
  reportCount: 0,
};

const UNIT_SYSTEMS: Record<number, HIDUnitSystem> = {
  0: "none",
  1: "si-linear",
  2: "si-rotation",
  3: "english-linear",
  4: "english-rotation",
  15: "vendor-defined",
};

/**
 * Parses a HID report descriptor. Malformed input never throws: a truncated item ends the
 * parse, unknown items are skipped, an End Collection without a Collection is ignored, and
 * collections left open are kept, so a device with a broken descriptor still lists.
 *
 * @param descriptor The raw descriptor (sysfs `report_descriptor`).
 * @returns The top-level collections, whether reports are numbered, and the largest report
 * sizes.
 *
 * @example A mouse's top-level collection
 * ```ts
 * import { parseReportDescriptor } from "./hid_report_descriptor.ts";
 *
 * // Usage Page (Generic Desktop), Usage (Mouse), Collection (Application),
 * //   Report Size (8), Report Count (3), Input (Data, Variable, Relative), End Collection
 * const bytes = [0x05, 0x01, 0x09, 0x02, 0xa1, 0x01, 0x75, 0x08, 0x95, 0x03, 0x81, 0x06, 0xc0];
 * const { collections, maxReportSize } = parseReportDescriptor(new Uint8Array(bytes));
 * console.log(collections[0]?.usagePage, collections[0]?.usage, maxReportSize.input); // 1 2 3
 * ```
 */
export function parseReportDescriptor(descriptor: Uint8Array): ReportDescriptorSummary {
  const roots: HIDCollectionInfo[] = [];
  const open: HIDCollectionInfo[] = [];
  const reportBits = new Map<string, number>();
  const stack: GlobalState[] = [];
  let globals = { ...INITIAL_GLOBALS };
  let locals: LocalState = { usages: [] };
  let hasReportId = false;
  let offset = 0;
  while (offset < descriptor.length) {
    const prefix = descriptor[offset]!;
    if (prefix === 0xfe) {
      // Long item (§6.2.2.3): no long item tags are defined; skip it whole.
      const size = descriptor[offset + 1];
      if (size === undefined) break;
      offset += 3 + size;
      continue;
    }
    const size = [0, 1, 2, 4][prefix & 0x03]!;
    if (offset + 1 + size > descriptor.length) break;
    let data = 0;
    for (let index = size - 1; index >= 0; index--) {
      data = data * 256 + descriptor[offset + 1 + index]!;
    }
    const signed = size === 0 ? 0 : signExtend(data, size * 8);
    offset += 1 + size;
    const type = (prefix >> 2) & 0x03;
    const tag = prefix >> 4;
    if (type === 0) {
      const usages = resolveUsages(locals, globals.usagePage);
      if (tag === 0x0a) {
        // Chromium's HidCollection::AddCollection: the first Usage item (a usage range does not
        // count), else usage 0, on its own page or else the global Usage Page.
        const first = usages.list[0] ?? 0;
        const collection: HIDCollectionInfo = {
          usagePage: first >>> 16 || globals.usagePage,
          usage: first & 0xffff,
          type: data & 0xff,
          children: [],
          inputReports: [],
          outputReports: [],
          featureReports: [],
        };
        const parent = open.at(-1);
        if (open.length >= MAX_DEPTH) {
          open.push(parent!);
        } else {
          (parent ? parent.children : roots).push(collection);
          open.push(collection);
        }
      } else if (tag === 0x0c) {
        open.pop();
      } else if (tag === 0x08 || tag === 0x09 || tag === 0x0b) {
        const kind: HidReportType = tag === 0x08 ? "input" : tag === 0x09 ? "output" : "feature";
        const key = `${kind}:${globals.reportId}`;
        reportBits.set(key, (reportBits.get(key) ?? 0) + globals.reportSize * globals.reportCount);
        // Chromium's HidCollection::BuildCollections adds the item to its collection and to
        // every enclosing one, so a top-level collection lists all the reports inside it. Past
        // MAX_DEPTH the stack repeats its deepest collection, which must get the item once.
        for (const collection of new Set(open)) {
          addItem(collection, kind, globals, usages, data, kind !== "input");
        }
      }
      locals = { usages: [] };
    } else if (type === 1) {
      switch (tag) {
        case 0x0:
          globals.usagePage = data & 0xffff;
          break;
        case 0x1:
          globals.logicalMinimum = signed;
          break;
        case 0x2:
          globals.logicalMaximum = signed;
          break;
        case 0x3:
          globals.physicalMinimum = signed;
          break;
        case 0x4:
          globals.physicalMaximum = signed;
          break;
        case 0x5:
          globals.unitExponent = nibbleExponent(data & 0x0f);
          break;
        case 0x6:
          globals.unit = data;
          break;
        case 0x7:
          globals.reportSize = data;
          break;
        case 0x8:
          globals.reportId = data & 0xff;
          hasReportId = true;
          break;
        case 0x9:
          globals.reportCount = data;
          break;
        case 0xa:
          stack.push({ ...globals });
          break;
        case 0xb:
          globals = stack.pop() ?? globals;
          break;
      }
    } else if (type === 2) {
      // A 4-byte usage carries its own page (an extended usage); shorter ones take the page
      // in effect at the main item, so they are kept with a marker until then.
      const usage = size === 4 ? data : -1 - (data & 0xffff);
      if (tag === 0x0) locals.usages.push(usage);
      else if (tag === 0x1) locals.usageMinimum = usage;
      else if (tag === 0x2) locals.usageMaximum = usage;
    }
  }
  const maxReportSize: Record<HidReportType, number> = { input: 0, output: 0, feature: 0 };
  for (const [key, bits] of reportBits) {
    const kind = key.slice(0, key.indexOf(":")) as HidReportType;
    maxReportSize[kind] = Math.max(maxReportSize[kind], Math.ceil(bits / 8));
  }
  return { collections: roots, hasReportId, maxReportSize };
}

function resolveUsages(
  locals: LocalState,
  usagePage: number,
): { list: number[]; minimum?: number; maximum?: number } {
  const extend = (usage: number) => usage >= 0 ? usage : ((usagePage << 16) | (-1 - usage)) >>> 0;
  return {
    list: locals.usages.map(extend),
    minimum: locals.usageMinimum === undefined ? undefined : extend(locals.usageMinimum),
    maximum: locals.usageMaximum === undefined ? undefined : extend(locals.usageMaximum),
  };
}

function addItem(
  collection: HIDCollectionInfo,
  kind: HidReportType,
  globals: GlobalState,
  usages: { list: number[]; minimum?: number; maximum?: number },
  flags: number,
  canBeVolatile: boolean,
): void {
  const reports = kind === "input"
    ? collection.inputReports
    : kind === "output"
    ? collection.outputReports
    : collection.featureReports;
  let report = reports.find((entry) => entry.reportId === globals.reportId);
  if (!report) {
    report = { reportId: globals.reportId, items: [] };
    reports.push(report);
  }
  const isRange = usages.minimum !== undefined && usages.maximum !== undefined;
  const unit = globals.unit;
  const nibble = (index: number) => nibbleExponent((unit >>> (index * 4)) & 0x0f);
  report.items.push({
    isAbsolute: (flags & 0x04) === 0,
    isArray: (flags & 0x02) === 0,
    isBufferedBytes: (flags & 0x100) !== 0,
    isConstant: (flags & 0x01) !== 0,
    isLinear: (flags & 0x10) === 0,
    isRange,
    isVolatile: canBeVolatile && (flags & 0x80) !== 0,
    hasNull: (flags & 0x40) !== 0,
    hasPreferredState: (flags & 0x20) === 0,
    wrap: (flags & 0x08) !== 0,
    ...(isRange
      ? { usageMinimum: usages.minimum, usageMaximum: usages.maximum }
      : { usages: usages.list }),
    reportSize: globals.reportSize,
    reportCount: globals.reportCount,
    unitExponent: globals.unitExponent,
    unitSystem: UNIT_SYSTEMS[unit & 0x0f] ?? "reserved",
    unitFactorLengthExponent: nibble(1),
    unitFactorMassExponent: nibble(2),
    unitFactorTimeExponent: nibble(3),
    unitFactorTemperatureExponent: nibble(4),
    unitFactorCurrentExponent: nibble(5),
    unitFactorLuminousIntensityExponent: nibble(6),
    logicalMinimum: globals.logicalMinimum,
    logicalMaximum: globals.logicalMaximum,
    physicalMinimum: globals.physicalMinimum,
    physicalMaximum: globals.physicalMaximum,
    strings: [],
  });
}

// Blink's `UnitFactorExponentToInt`: 0x9–0xF are -7..-1, and 0x8 stays 8.
function nibbleExponent(value: number): number {
  return value > 8 ? value - 16 : value;
}

function signExtend(value: number, bits: number): number {
  if (bits >= 32) return value | 0;
  const sign = 2 ** (bits - 1);
  return value >= sign ? value - 2 * sign : value;
}
