/**
 * Permissions and devices: Electron's permission handlers and per-origin device grants, and
 * WebHID over a {@linkcode HidBackend} (hidapi by FFI in a session, or recorded devices).
 *
 * @example Ask for a permission the way a page would
 * ```ts
 * import { Permissions } from "./mod.ts";
 *
 * const permissions = new Permissions();
 * permissions.setPermissionCheckHandler((_webContents, permission) => permission !== "hid");
 * console.log(permissions.check("hid", "https://a.test")); // false
 * ```
 *
 * @module
 */

export * from "./permissions.ts";
export * from "./hid.ts";
export * from "./hid_device.ts";
export * from "./hid_filters.ts";
export * from "./hid_blocklist.ts";
export * from "./hid_report_descriptor.ts";
export * from "./recorded_hid_backend.ts";
export type * from "../core/hid_backend.ts";
export { ElectronEvent } from "../core/electron_event.ts";
export { type AnyListener, type EventMap, TypedEmitter } from "../core/typed_emitter.ts";
