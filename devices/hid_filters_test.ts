import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkRequestOptions, filterMatches } from "./hid_filters.ts";
import { allReportsProtected, hasFidoCollection, protectedReportIds } from "./hid_blocklist.ts";
import { parseReportDescriptor } from "./hid_report_descriptor.ts";
import {
  BOOT_KEYBOARD,
  DUALSHOCK3,
  FIDO_U2F,
  UNIFYING_VENDOR,
} from "../tests/fixtures/hid_descriptors.ts";

const PREFIX = "Failed to execute 'requestDevice' on 'HID': ";

describe("checkRequestOptions", () => {
  it("throws Chromium's TypeErrors", () => {
    const cases: [unknown, string][] = [
      [undefined, "1 argument required, but only 0 present."],
      [
        {},
        "Failed to read the 'filters' property from 'HIDDeviceRequestOptions': " +
        "Required member is undefined.",
      ],
      // WebIDL converts null to an empty dictionary, whose required member is missing.
      [
        null,
        "Failed to read the 'filters' property from 'HIDDeviceRequestOptions': " +
        "Required member is undefined.",
      ],
      [5, "The provided value is not of type 'HIDDeviceRequestOptions'."],
      [{ filters: [{}] }, "A filter must provide a property to filter by."],
      [
        { filters: [{ productId: 1 }] },
        "A filter containing a productId must also contain a vendorId.",
      ],
      [{ filters: [{ usage: 1 }] }, "A filter containing a usage must also contain a usagePage."],
      [
        { filters: [], exclusionFilters: [] },
        "'exclusionFilters', if present, must contain at least one filter.",
      ],
      [
        { filters: [], exclusionFilters: [{ usage: 2 }] },
        "A filter containing a usage must also contain a usagePage.",
      ],
      // Blink's HID::requestDevice checks the filters before the exclusion list's length.
      [{ filters: [{}], exclusionFilters: [] }, "A filter must provide a property to filter by."],
      [
        { filters: 5 },
        "Failed to read the 'filters' property from 'HIDDeviceRequestOptions': " +
        "The provided value cannot be converted to a sequence.",
      ],
      [
        { filters: [{ vendorId: 1, productId: 0x10000 }] },
        "Failed to read the 'filters' property from 'HIDDeviceRequestOptions': Failed to read " +
        "the 'productId' property from 'HIDDeviceFilter': Value is outside the 'unsigned short' " +
        "value range.",
      ],
      [
        { filters: [{ vendorId: NaN }] },
        "Failed to read the 'filters' property from 'HIDDeviceRequestOptions': Failed to read " +
        "the 'vendorId' property from 'HIDDeviceFilter': Value is not a finite unsigned long.",
      ],
    ];
    for (const [options, message] of cases) {
      assert.throws(() => checkRequestOptions(options), {
        name: "TypeError",
        message: PREFIX + message,
      });
    }
  });

  it("normalises filters to their known members", () => {
    assert.deepEqual(
      checkRequestOptions({ filters: [{ vendorId: 0x46d, extra: 1, usagePage: 0xff00 }] }),
      { filters: [{ vendorId: 0x46d, usagePage: 0xff00 }] },
    );
  });
});

describe("filterMatches", () => {
  const receiver = {
    vendorId: 0x046d,
    productId: 0xc52b,
    collections: parseReportDescriptor(UNIFYING_VENDOR).collections,
  };
  it("matches ids, then a top-level collection's usage", () => {
    assert.equal(filterMatches({ vendorId: 0x046d }, receiver), true);
    assert.equal(filterMatches({ vendorId: 0x046d, productId: 0xc52c }, receiver), false);
    assert.equal(filterMatches({ usagePage: 0xff00, usage: 4 }, receiver), true);
    assert.equal(filterMatches({ usagePage: 0xff00, usage: 3 }, receiver), false);
    assert.equal(filterMatches({ vendorId: 0x046d, usagePage: 1 }, receiver), false);
  });
});

describe("the HID blocklist", () => {
  it("protects keyboard input and output, not a gamepad's or vendor reports", () => {
    const keyboard = parseReportDescriptor(BOOT_KEYBOARD).collections;
    assert.deepEqual([...protectedReportIds(keyboard).input], [0]);
    assert.deepEqual([...protectedReportIds(keyboard).output], [0]);
    assert.equal(allReportsProtected(keyboard), true);
    assert.equal(allReportsProtected(parseReportDescriptor(DUALSHOCK3).collections), false);
    assert.equal(allReportsProtected(parseReportDescriptor(UNIFYING_VENDOR).collections), false);
  });

  it("recognises FIDO devices", () => {
    assert.equal(hasFidoCollection(parseReportDescriptor(FIDO_U2F).collections), true);
    assert.equal(hasFidoCollection(parseReportDescriptor(DUALSHOCK3).collections), false);
  });
});
