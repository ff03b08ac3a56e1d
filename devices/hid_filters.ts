/**
 * WebHID's `requestDevice` filters: checked with Chromium's messages
 * (`third_party/blink/renderer/modules/hid/hid.cc`) and matched as
 * `HidChooserController::FilterMatch` does.
 *
 * @module
 */

import type { HIDCollectionInfo } from "./hid_report_descriptor.ts";

/** One filter (WebHID's `HIDDeviceFilter`); at least one property. */
export interface HIDDeviceFilter {
  /** The vendor id, 0 to 0xffffffff (only 16 bits ever match). */
  vendorId?: number;
  /** The product id, 0 to 0xffff; needs `vendorId`. */
  productId?: number;
  /** A top-level collection's usage page, 0 to 0xffff. */
  usagePage?: number;
  /** A top-level collection's usage id, 0 to 0xffff; needs `usagePage`. */
  usage?: number;
}

/** The first argument of `requestDevice` (WebHID's `HIDDeviceRequestOptions`). */
export interface HIDDeviceRequestOptions {
  /** Devices matching any filter are offered; `[]` offers all. */
  filters: HIDDeviceFilter[];
  /** Devices matching any of these are not offered; when present, not empty. */
  exclusionFilters?: HIDDeviceFilter[];
}

/** What a filter is matched against. */
export interface FilterTarget {
  /** Vendor id. */
  vendorId: number;
  /** Product id. */
  productId: number;
  /** Top-level collections. */
  collections: readonly HIDCollectionInfo[];
}

const PREFIX = "Failed to execute 'requestDevice' on 'HID': ";

/**
 * Checks `requestDevice`'s options the way Blink's bindings and `HID::requestDevice` do, and
 * returns a normalised copy.
 *
 * @param options The caller's options.
 * @returns `{filters, exclusionFilters}` with only the known, converted properties.
 * @throws {TypeError} Chromium's messages, like `Failed to execute 'requestDevice' on 'HID': A
 * filter containing a productId must also contain a vendorId.`
 *
 * @example
 * ```ts
 * import { checkRequestOptions } from "./hid_filters.ts";
 * try {
 *   checkRequestOptions({ filters: [{ productId: 1 }] });
 * } catch (error) {
 *   console.log((error as Error).message);
 *   // Failed to execute 'requestDevice' on 'HID': A filter containing a productId must also contain a vendorId.
 * }
 * ```
 */
export function checkRequestOptions(options: unknown): {
  filters: HIDDeviceFilter[];
  exclusionFilters?: HIDDeviceFilter[];
} {
  if (options === undefined) {
    throw new TypeError(`${PREFIX}1 argument required, but only 0 present.`);
  }
  // WebIDL converts null to an empty dictionary; any object, a function too, is a dictionary.
  if (options !== null && typeof options !== "object" && typeof options !== "function") {
    throw new TypeError(
      `${PREFIX}The provided value is not of type 'HIDDeviceRequestOptions'.`,
    );
  }
  const { filters, exclusionFilters } = (options ?? {}) as Record<string, unknown>;
  if (filters === undefined) {
    throw new TypeError(
      `${PREFIX}Failed to read the 'filters' property from 'HIDDeviceRequestOptions': ` +
        "Required member is undefined.",
    );
  }
  const result: { filters: HIDDeviceFilter[]; exclusionFilters?: HIDDeviceFilter[] } = {
    filters: convertList(filters, "filters"),
  };
  if (exclusionFilters !== undefined) {
    result.exclusionFilters = convertList(exclusionFilters, "exclusionFilters");
  }
  // Blink's HID::requestDevice: the filters, then the exclusion list's length, then its filters.
  checkFilters(result.filters);
  if (result.exclusionFilters !== undefined) {
    if (result.exclusionFilters.length === 0) {
      throw new TypeError(
        `${PREFIX}'exclusionFilters', if present, must contain at least one filter.`,
      );
    }
    checkFilters(result.exclusionFilters);
  }
  return result;
}

/**
 * Whether a device matches a filter: vendor (and product) ids, then a top-level collection
 * with the usage page (and usage).
 *
 * @param filter A checked filter.
 * @param device The device's ids and collections.
 * @returns Whether it matches.
 *
 * @example
 * ```ts
 * import { filterMatches } from "./hid_filters.ts";
 * console.log(filterMatches({ vendorId: 0x046d }, { vendorId: 0x046d, productId: 1, collections: [] })); // true
 * ```
 */
export function filterMatches(filter: HIDDeviceFilter, device: FilterTarget): boolean {
  if (filter.vendorId !== undefined && filter.vendorId !== device.vendorId) return false;
  if (filter.productId !== undefined && filter.productId !== device.productId) return false;
  if (filter.usagePage === undefined) return true;
  return device.collections.some((collection) =>
    collection.usagePage === filter.usagePage &&
    (filter.usage === undefined || collection.usage === filter.usage)
  );
}

function checkFilters(filters: HIDDeviceFilter[]): void {
  for (const filter of filters) {
    const problem = filterProblem(filter);
    if (problem) throw new TypeError(`${PREFIX}${problem}`);
  }
}

function filterProblem(filter: HIDDeviceFilter): string | undefined {
  const { vendorId, productId, usagePage, usage } = filter;
  if (
    vendorId === undefined && productId === undefined && usagePage === undefined &&
    usage === undefined
  ) {
    return "A filter must provide a property to filter by.";
  }
  if (productId !== undefined && vendorId === undefined) {
    return "A filter containing a productId must also contain a vendorId.";
  }
  if (usage !== undefined && usagePage === undefined) {
    return "A filter containing a usage must also contain a usagePage.";
  }
  return undefined;
}

function convertList(value: unknown, member: string): HIDDeviceFilter[] {
  const where = `Failed to read the '${member}' property from 'HIDDeviceRequestOptions': `;
  if (value === null || typeof value !== "object" || !(Symbol.iterator in value)) {
    throw new TypeError(`${PREFIX}${where}The provided value cannot be converted to a sequence.`);
  }
  return [...(value as Iterable<unknown>)].map((entry) => convertFilter(entry, where));
}

function convertFilter(entry: unknown, where: string): HIDDeviceFilter {
  if (entry !== undefined && entry !== null && typeof entry !== "object") {
    throw new TypeError(
      `${PREFIX}${where}The provided value is not of type 'HIDDeviceFilter'.`,
    );
  }
  const source = (entry ?? {}) as Record<string, unknown>;
  const filter: HIDDeviceFilter = {};
  // Blink converts dictionary members in alphabetical order.
  const members = [
    ["productId", 0xffff, "unsigned short"],
    ["usage", 0xffff, "unsigned short"],
    ["usagePage", 0xffff, "unsigned short"],
    ["vendorId", 0xffffffff, "unsigned long"],
  ] as const;
  for (const [name, max, type] of members) {
    const raw = source[name];
    if (raw === undefined) continue;
    const number = Number(raw);
    const context = `${where}Failed to read the '${name}' property from 'HIDDeviceFilter': `;
    if (!Number.isFinite(number)) {
      throw new TypeError(`${PREFIX}${context}Value is not a finite ${type}.`);
    }
    const integer = Math.trunc(number);
    if (integer < 0 || integer > max) {
      throw new TypeError(`${PREFIX}${context}Value is outside the '${type}' value range.`);
    }
    filter[name] = integer;
  }
  return filter;
}
