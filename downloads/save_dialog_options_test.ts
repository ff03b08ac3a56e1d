import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  copySaveDialogSettings,
  defaultSaveDialogSettings,
  saveDialogSettings,
} from "./save_dialog_options.ts";

describe("saveDialogSettings", () => {
  it("keeps every field of the right type, in Electron's order, window null", () => {
    const settings = saveDialogSettings({
      window: {},
      title: "Save",
      message: "m",
      buttonLabel: "OK",
      nameFieldLabel: "Name",
      defaultPath: "/tmp/x.zip",
      filters: [{ name: "Zip", extensions: ["zip"] }],
      properties: ["treatPackageAsDirectory", "showHiddenFiles", "createDirectory"],
      showsTagField: true,
      securityScopedBookmarks: true,
    });
    assert.deepEqual(Object.entries(settings), [
      ["window", null],
      ["title", "Save"],
      ["message", "m"],
      ["buttonLabel", "OK"],
      ["nameFieldLabel", "Name"],
      ["defaultPath", "/tmp/x.zip"],
      ["filters", [{ name: "Zip", extensions: ["zip"] }]],
      ["properties", ["createDirectory", "showHiddenFiles", "treatPackageAsDirectory"]],
      ["showsTagField", true],
      ["securityScopedBookmarks", true],
    ]);
  });

  it("drops unknown keys, wrong types and unknown flags as Electron's converter does", () => {
    const settings = saveDialogSettings({
      title: 5,
      defaultPath: ["/tmp"],
      filters: [{ name: "A", extensions: ["a"] }, { name: "B", extensions: [1] }],
      properties: ["openFile", 3, "dontAddToRecent"],
      showsTagField: "yes",
      extra: "dropped",
    });
    assert.equal(settings.title, "");
    assert.equal(settings.defaultPath, "");
    assert.deepEqual(settings.filters, []);
    assert.deepEqual(settings.properties, ["dontAddToRecent"]);
    assert.equal(settings.showsTagField, true);
    assert.equal(settings.securityScopedBookmarks, false);
    assert.ok(!("extra" in settings));
  });

  it("an absent showsTagField reads as false (gin's bool conversion); the default is true", () => {
    assert.equal(saveDialogSettings({}).showsTagField, false);
    assert.equal(defaultSaveDialogSettings().showsTagField, true);
  });

  it("copies deeply", () => {
    const settings = saveDialogSettings({ filters: [{ name: "A", extensions: ["a"] }] });
    const copy = copySaveDialogSettings(settings);
    copy.filters[0]!.extensions.push("b");
    copy.properties.push("x");
    assert.deepEqual(settings.filters, [{ name: "A", extensions: ["a"] }]);
    assert.deepEqual(settings.properties, []);
  });
});
