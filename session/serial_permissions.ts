/**
 * The permission handlers `ses.serial` consults, with Electron's defaults, until the session's
 * shared permission manager (`setPermissionCheckHandler`, `setDevicePermissionHandler`) is
 * connected to it.
 *
 * @module
 */

import type { SerialCheckDetails, SerialDevicePermissionDetails } from "../devices/mod.ts";

/** Electron's permission check handler, as `ses.serial` calls it (no web contents: `null`). */
export type SerialCheckHandler = (
  webContents: null,
  permission: string,
  requestingOrigin: string,
  details: SerialCheckDetails,
) => boolean;

/** Electron's device permission handler, as `ses.serial` calls it. */
export type SerialDeviceHandler = (details: SerialDevicePermissionDetails) => boolean;

/**
 * Holds the two handlers and answers with Electron's defaults when they are unset: a check
 * without a handler grants; without a device handler, grants come from the chooser.
 *
 * @example
 * ```ts
 * import { SerialPermissions } from "./serial_permissions.ts";
 * const permissions = new SerialPermissions();
 * const details = { securityOrigin: "file://", requestingUrl: "file://", isMainFrame: true };
 * console.log(permissions.check("serial", "file://", details)); // true
 * permissions.checkHandler = () => false;
 * console.log(permissions.check("serial", "file://", details)); // false
 * ```
 */
export class SerialPermissions {
  /** The check handler, or `null` for Electron's default (grant). */
  checkHandler: SerialCheckHandler | null = null;
  /** The device handler, or `null` for grants from the chooser only. */
  deviceHandler: SerialDeviceHandler | null = null;

  /**
   * Asks the check handler.
   *
   * @param permission `serial`.
   * @param origin The requesting origin.
   * @param details Electron's check details.
   * @returns The handler's verdict (only `true` grants), or `true` without a handler.
   */
  check(permission: string, origin: string, details: SerialCheckDetails): boolean {
    return this.checkHandler === null ||
      this.checkHandler(null, permission, origin, details) === true;
  }
}
