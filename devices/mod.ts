/**
 * Permissions and devices: Electron's permission handlers and per-origin device grants, and
 * WebHID over a {@linkcode HidBackend} (hidapi by FFI, or recorded devices).
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
export type * from "../core/hid_backend.ts";
