/**
 * A download's save dialog options as Electron keeps them: read through its `DialogSettings`
 * converter, so only the known fields of the right types stay, and given back whole.
 *
 * @module
 */

/** A file type filter of a save dialog (Electron's `FileFilter`). */
export interface FileFilter {
  /** The label, like `"Images"`. */
  name: string;
  /** Extensions without the dot, like `["png", "jpg"]`; `"*"` for any. */
  extensions: string[];
}

/** Electron's `SaveDialogOptions`, as `DownloadItem.setSaveDialogOptions` takes them. */
export interface SaveDialogOptions {
  /** The parent window; there are none here, so it reads back as `null`. */
  window?: unknown;
  /** The dialog's title. */
  title?: string;
  /** A message shown above the fields (macOS). */
  message?: string;
  /** The label of the confirm button. */
  buttonLabel?: string;
  /** The label in front of the file name field (macOS). */
  nameFieldLabel?: string;
  /** The directory, file or both the dialog starts from. */
  defaultPath?: string;
  /** File type filters. */
  filters?: FileFilter[];
  /** Flags: `createDirectory`, `dontAddToRecent`, `showHiddenFiles`,
   * `showOverwriteConfirmation`, `treatPackageAsDirectory`. */
  properties?: string[];
  /** Whether the tags field shows (macOS). */
  showsTagField?: boolean;
  /** Whether a security-scoped bookmark is made (macOS App Store builds). */
  securityScopedBookmarks?: boolean;
}

/** The save dialog options a download holds: every field, with Electron's defaults. */
export interface SaveDialogSettings {
  /** Always `null`: a session has no windows. */
  window: null;
  /** The dialog's title, `""` by default. */
  title: string;
  /** The message, `""` by default. */
  message: string;
  /** The confirm button's label, `""` by default. */
  buttonLabel: string;
  /** The file name field's label, `""` by default. */
  nameFieldLabel: string;
  /** The starting path, `""` by default. */
  defaultPath: string;
  /** The filters, `[]` by default. */
  filters: FileFilter[];
  /** The known flags set, in Electron's order. */
  properties: string[];
  /** Whether the tags field shows; `true` until options are set. */
  showsTagField: boolean;
  /** Whether a security-scoped bookmark is made, `false` by default. */
  securityScopedBookmarks: boolean;
}

// Electron's kSaveDialogFlags, in the order its flat map lists them back.
const SAVE_DIALOG_FLAGS = [
  "createDirectory",
  "dontAddToRecent",
  "showHiddenFiles",
  "showOverwriteConfirmation",
  "treatPackageAsDirectory",
];

/**
 * The options a download holds before `setSaveDialogOptions` (Electron's `DialogSettings`
 * defaults).
 *
 * @returns Fresh settings: empty strings and lists, `showsTagField` `true`.
 *
 * @example
 * ```ts
 * import { defaultSaveDialogSettings } from "./save_dialog_options.ts";
 * console.log(defaultSaveDialogSettings().showsTagField); // true
 * ```
 */
export function defaultSaveDialogSettings(): SaveDialogSettings {
  return {
    window: null,
    title: "",
    message: "",
    buttonLabel: "",
    nameFieldLabel: "",
    defaultPath: "",
    filters: [],
    properties: [],
    showsTagField: true,
    securityScopedBookmarks: false,
  };
}

/**
 * Reads options as Electron's `DialogSettings` converter does (shell/common/gin_converters/
 * file_dialog_converter.cc): a string field of another type keeps its default, `filters` is
 * kept only when every entry has a string `name` and string `extensions`, `properties` keeps
 * the known flag names, and the two booleans take any value's truth (gin's bool conversion,
 * so an absent one is `false`). Unknown keys are dropped.
 *
 * @param options An object (not a function); the caller checks that.
 * @returns The settings, every field present.
 *
 * @example
 * ```ts
 * import { saveDialogSettings } from "./save_dialog_options.ts";
 * const settings = saveDialogSettings({ title: "Save", properties: ["showHiddenFiles", 7] });
 * console.log(settings.title, settings.properties, settings.showsTagField); // Save [ "showHiddenFiles" ] false
 * ```
 */
export function saveDialogSettings(options: object): SaveDialogSettings {
  const given = options as Record<string, unknown>;
  const text = (value: unknown) => typeof value === "string" ? value : "";
  const properties = Array.isArray(given.properties) ? given.properties : [];
  return {
    window: null,
    title: text(given.title),
    message: text(given.message),
    buttonLabel: text(given.buttonLabel),
    nameFieldLabel: text(given.nameFieldLabel),
    defaultPath: text(given.defaultPath),
    filters: fileFilters(given.filters) ?? [],
    properties: SAVE_DIALOG_FLAGS.filter((flag) => properties.includes(flag)),
    showsTagField: Boolean(given.showsTagField),
    securityScopedBookmarks: Boolean(given.securityScopedBookmarks),
  };
}

/**
 * Copies settings, so that a caller's changes to what it got back do not reach the item.
 *
 * @param settings The settings.
 * @returns A deep copy.
 *
 * @example
 * ```ts
 * import { copySaveDialogSettings, defaultSaveDialogSettings } from "./save_dialog_options.ts";
 * const settings = defaultSaveDialogSettings();
 * console.log(copySaveDialogSettings(settings).filters !== settings.filters); // true
 * ```
 */
export function copySaveDialogSettings(settings: SaveDialogSettings): SaveDialogSettings {
  return {
    ...settings,
    filters: settings.filters.map((filter) => ({
      name: filter.name,
      extensions: [...filter.extensions],
    })),
    properties: [...settings.properties],
  };
}

// gin's vector conversion: all entries convert, or the whole list is refused.
function fileFilters(value: unknown): FileFilter[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const filters: FileFilter[] = [];
  for (const entry of value) {
    if (typeof entry !== "object" || entry === null || typeof entry === "function") return;
    const { name, extensions } = entry as Record<string, unknown>;
    if (typeof name !== "string" || !Array.isArray(extensions)) return undefined;
    if (!extensions.every((extension) => typeof extension === "string")) return undefined;
    filters.push({ name, extensions: [...extensions] });
  }
  return filters;
}
