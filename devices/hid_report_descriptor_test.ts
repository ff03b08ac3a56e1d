import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { type HIDCollectionInfo, parseReportDescriptor } from "./hid_report_descriptor.ts";
import {
  BOOT_KEYBOARD,
  DUALSHOCK3,
  FIDO_U2F,
  UNIFYING_VENDOR,
} from "../tests/fixtures/hid_descriptors.ts";

const usage = (page: number, id: number) => page * 0x10000 + id;

describe("parseReportDescriptor", () => {
  it("parses the HID 1.11 boot keyboard: modifiers, reserved byte, LEDs, key array", () => {
    const { collections, hasReportId, maxReportSize } = parseReportDescriptor(BOOT_KEYBOARD);
    assert.equal(hasReportId, false);
    assert.deepEqual(maxReportSize, { input: 8, output: 1, feature: 0 });
    assert.equal(collections.length, 1);
    const keyboard = collections[0]!;
    assert.deepEqual([keyboard.usagePage, keyboard.usage, keyboard.type], [1, 6, 1]);
    const [input] = keyboard.inputReports;
    assert.equal(input?.reportId, 0);
    const [modifiers, reserved, keys] = input!.items;
    assert.equal(modifiers?.isRange, true);
    assert.equal(modifiers?.usageMinimum, usage(7, 0xe0));
    assert.equal(modifiers?.usageMaximum, usage(7, 0xe7));
    assert.equal(modifiers?.usages, undefined);
    assert.deepEqual([modifiers?.reportSize, modifiers?.reportCount], [1, 8]);
    assert.deepEqual([modifiers?.isArray, modifiers?.isAbsolute, modifiers?.isConstant], [
      false,
      true,
      false,
    ]);
    assert.equal(reserved?.isConstant, true);
    assert.deepEqual(reserved?.usages, []);
    assert.deepEqual([keys?.isArray, keys?.reportCount, keys?.logicalMaximum], [true, 6, 0x65]);
    const leds = keyboard.outputReports[0]!.items;
    assert.equal(leds[0]?.usageMinimum, usage(8, 1));
    assert.equal(leds[0]?.usageMaximum, usage(8, 5));
    assert.equal(leds[0]?.isVolatile, false);
    assert.equal(leds[1]?.isConstant, true);
  });

  it("parses the DualShock 3: nested logical collections with numbered reports", () => {
    const { collections, hasReportId, maxReportSize } = parseReportDescriptor(DUALSHOCK3);
    assert.equal(hasReportId, true);
    // Report 1: 1 + 19 bits + 13 bits + 4 bytes + 39 bytes of input; 48-byte output/features.
    assert.deepEqual(maxReportSize, { input: 48, output: 48, feature: 48 });
    const joystick = collections[0]!;
    assert.deepEqual([joystick.usagePage, joystick.usage, joystick.type], [1, 4, 1]);
    assert.deepEqual(joystick.children.map((child) => child.type), [2, 2, 2, 2]);
    const first = joystick.children[0]!;
    assert.deepEqual(first.inputReports.map((report) => report.reportId), [1]);
    assert.deepEqual(first.featureReports.map((report) => report.reportId), [1]);
    // Chromium's HidCollection::BuildCollections adds each Input, Output and Feature item to its
    // collection and every enclosing one, so the top-level Joystick lists all four reports (a
    // page reads device.collections[0].featureReports), and the first logical collection's
    // report 1 holds the sticks of the physical collection nested in it.
    assert.deepEqual(
      [joystick.inputReports, joystick.outputReports, joystick.featureReports].map((reports) =>
        reports.map((report) => [report.reportId, report.items.length])
      ),
      [[[1, 5]], [[1, 1]], [[1, 1], [2, 1], [0xee, 1], [0xef, 1]]],
    );
    assert.equal(first.inputReports[0]!.items.length, 5);
    assert.deepEqual(
      first.inputReports[0]!.items.map((item) => item.usages?.length ?? "range"),
      joystick.inputReports[0]!.items.map((item) => item.usages?.length ?? "range"),
    );
    assert.deepEqual(
      joystick.children.slice(1).map((child) => child.featureReports[0]?.reportId),
      [2, 0xee, 0xef],
    );
    const buttons = first.inputReports[0]!.items[1]!;
    assert.deepEqual([buttons.usageMinimum, buttons.usageMaximum], [usage(9, 1), usage(9, 0x13)]);
    // The sticks sit in a physical collection nested in the first logical one.
    const sticks = first.children[0]!;
    assert.deepEqual([sticks.usage, sticks.type], [1, 0]);
    assert.deepEqual(sticks.inputReports[0]?.items[0]?.usages, [
      usage(1, 0x30),
      usage(1, 0x31),
      usage(1, 0x32),
      usage(1, 0x35),
    ]);
    assert.equal(sticks.inputReports[0]?.items[0]?.physicalMaximum, 255);
  });

  it("gives a collection without a Usage usage 0 on the Usage Page in effect, as Chromium", () => {
    // Chromium's HidCollection::AddCollection takes the first Usage item (none: 0) and, when
    // that carries no page, the global Usage Page: the DualShock 3's logical collections are
    // Generic Desktop 0 (ValidateCollections_SonyDualshock3), not page 0.
    const joystick = parseReportDescriptor(DUALSHOCK3).collections[0]!;
    assert.deepEqual(
      joystick.children.map((child) => [child.usagePage, child.usage]),
      [[1, 0], [1, 0], [1, 0], [1, 0]],
    );
    // Usage Page (0xFF00), Usage Minimum (1), Usage Maximum (3), Collection (Application): a
    // usage range is not the collection's usage.
    const ranged = new Uint8Array([0x06, 0x00, 0xff, 0x19, 0x01, 0x29, 0x03, 0xa1, 0x01, 0xc0]);
    const [collection] = parseReportDescriptor(ranged).collections;
    assert.deepEqual([collection?.usagePage, collection?.usage], [0xff00, 0]);
  });

  it("parses the Unifying receiver's three vendor-defined top-level collections", () => {
    const { collections, maxReportSize } = parseReportDescriptor(UNIFYING_VENDOR);
    assert.deepEqual(
      collections.map((c: HIDCollectionInfo) => [c.usagePage, c.usage]),
      [[0xff00, 1], [0xff00, 2], [0xff00, 4]],
    );
    assert.deepEqual(collections[2]!.inputReports.map((r) => r.reportId), [0x20, 0x21]);
    assert.deepEqual(maxReportSize, { input: 31, output: 31, feature: 0 });
    assert.equal(collections[0]!.inputReports[0]!.items[0]!.logicalMaximum, 255);
  });

  it("parses the FIDO U2F descriptor on page 0xF1D0", () => {
    const [fido] = parseReportDescriptor(FIDO_U2F).collections;
    assert.deepEqual([fido?.usagePage, fido?.usage], [0xf1d0, 1]);
    assert.deepEqual(fido?.inputReports[0]?.items[0]?.usages, [usage(0xf1d0, 0x20)]);
  });

  it("sign-extends logical minima and decodes units and exponents as Blink does", () => {
    // Usage Page (Generic Desktop), Usage (Mouse), Collection, Logical Min (-127), Logical Max
    // (127), Unit (SI linear, length cm^1, time s^-2 = 0xE011), Unit Exponent (0x8), Input.
    const bytes = new Uint8Array([
      0x05,
      0x01,
      0x09,
      0x02,
      0xa1,
      0x01,
      0x15,
      0x81,
      0x25,
      0x7f,
      0x66,
      0x11,
      0xe0,
      0x55,
      0x08,
      0x75,
      0x08,
      0x95,
      0x01,
      0x81,
      0x06,
      0xc0,
    ]);
    const item = parseReportDescriptor(bytes).collections[0]!.inputReports[0]!.items[0]!;
    assert.deepEqual([item.logicalMinimum, item.logicalMaximum], [-127, 127]);
    assert.equal(item.unitSystem, "si-linear");
    assert.equal(item.unitFactorLengthExponent, 1);
    assert.equal(item.unitFactorTimeExponent, -2);
    assert.equal(item.unitExponent, 8);
    assert.equal(item.isAbsolute, false);
  });

  it("never throws on arbitrary bytes and stops at a truncated item", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const summary = parseReportDescriptor(bytes);
        assert.ok(Array.isArray(summary.collections));
      }),
      { numRuns: 2000 },
    );
    const truncated = BOOT_KEYBOARD.slice(0, 9); // ends inside Usage Minimum's data
    assert.equal(parseReportDescriptor(truncated).collections.length, 1);
  });

  it("keeps very deep nesting bounded", () => {
    const deep = new Uint8Array(2 * 1000).fill(0xa1).map((b, i) => i % 2 ? 0x02 : b);
    const { collections } = parseReportDescriptor(deep);
    let depth = 0;
    for (let node = collections[0]; node; node = node.children[0]) depth++;
    assert.equal(depth, 64);
  });
});
