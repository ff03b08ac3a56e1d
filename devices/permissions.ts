/**
 * Electron's permission handlers (`setPermissionRequestHandler`, `setPermissionCheckHandler`,
 * `setDevicePermissionHandler`) and the per-origin device grants they fall back to.
 *
 * @module
 */

import {
  chosenDisplayMedia,
  type DisplayMediaRequest,
  type DisplayMediaRequestHandler,
  type DisplayMediaRequestHandlerOptions,
  type DisplayMediaRequestOptions,
  type DisplayMediaSelection,
} from "./display_media.ts";
import { valueDict } from "./_value_dict.ts";

/**
 * The permissions a request may name (Electron's request handler list).
 *
 * @example
 * ```ts
 * import { REQUEST_PERMISSIONS } from "./permissions.ts";
 * console.log(REQUEST_PERMISSIONS.includes("notifications")); // true
 * ```
 */
export const REQUEST_PERMISSIONS: readonly string[] = [
  "clipboard-read",
  "clipboard-sanitized-write",
  "display-capture",
  "fullscreen",
  "geolocation",
  "idle-detection",
  "media",
  "mediaKeySystem",
  "midi",
  "midiSysex",
  "notifications",
  "pointerLock",
  "keyboardLock",
  "openExternal",
  "speaker-selection",
  "storage-access",
  "top-level-storage-access",
  "window-management",
  "unknown",
  "fileSystem",
];

const DISPLAY_SURFACES: readonly string[] = ["none", "monitor", "window", "browser"];

const NOT_CHECKED = new Set([
  "display-capture",
  "keyboardLock",
  "speaker-selection",
  "window-management",
  "unknown",
]);

/**
 * The permissions a check may name (Electron's check handler list).
 *
 * @example
 * ```ts
 * import { CHECK_PERMISSIONS } from "./permissions.ts";
 * console.log(CHECK_PERMISSIONS.includes("hid"), CHECK_PERMISSIONS.includes("display-capture")); // true false
 * ```
 */
export const CHECK_PERMISSIONS: readonly string[] = [
  ...REQUEST_PERMISSIONS.filter((name) => !NOT_CHECKED.has(name)),
  "hid",
  "serial",
  "usb",
  "deprecated-sync-clipboard-read",
];

/** The device kinds a grant or the device permission handler is about. */
export type DeviceType = "hid" | "serial" | "usb";

/**
 * What the request handler receives (Electron's `details`): `requestingUrl` and `isMainFrame`
 * always, and whatever else the request named (`externalURL`, `securityOrigin`, `mediaTypes`).
 */
export interface PermissionRequestDetails {
  /** The last URL the requesting frame loaded; headless requests give their origin. */
  requestingUrl: string;
  /** Whether the frame making the request is the main frame; headless requests: `true`. */
  isMainFrame: boolean;
  /** More details, by permission. */
  [key: string]: unknown;
}

/** What the check handler receives (Electron's `details`); all optional. */
export interface PermissionCheckDetails {
  /** The last URL the requesting frame loaded. */
  requestingUrl?: string;
  /** Whether the frame making the check is the main frame. */
  isMainFrame?: boolean;
  /** The origin of the frame embedding a cross-origin subframe. */
  embeddingOrigin?: string;
  /** The security origin of a `media` check, or of a device check. */
  securityOrigin?: string;
  /** The type of media access: `video`, `audio` or `unknown`. */
  mediaType?: string;
  /** More details. */
  [key: string]: unknown;
}

/**
 * Electron's request handler. There is no web contents here: the first argument is `null`.
 */
export type PermissionRequestHandler = (
  webContents: null,
  permission: string,
  callback: (permissionGranted: boolean) => void,
  details: PermissionRequestDetails,
) => void;

/** Electron's check handler; `webContents` is `null` here. Returns whether it is granted. */
export type PermissionCheckHandler = (
  webContents: null,
  permission: string,
  requestingOrigin: string,
  details: PermissionCheckDetails,
) => boolean;

/** What the device permission handler receives (Electron's, without `frame`). */
export interface DevicePermissionDetails {
  /** `hid`, `serial` or `usb`. */
  deviceType: DeviceType;
  /** The origin asking, like `https://a.test` or `file://`. */
  origin: string;
  /**
   * The device: HID `{name, vendorId, productId, serialNumber | guid, collections}`; serial
   * `{name, vendor_id, product_id, serial_number}`.
   */
  device: object;
}

/** Electron's device permission handler: returns whether the origin may use the device. */
export type DevicePermissionHandler = (details: DevicePermissionDetails) => boolean;

/** Options of {@linkcode Permissions.request}: the origin and details for the handler. */
export interface PermissionRequestOptions {
  /** The origin asking; default `"file://"`. */
  origin?: string;
  /** The requesting URL; default the origin. */
  requestingUrl?: string;
  /** Whether it is the main frame; default `true`. */
  isMainFrame?: boolean;
  /** More details for the handler (`externalURL`, `mediaTypes`, ...). */
  [key: string]: unknown;
}

/** One device an origin may use. */
export interface DeviceGrant {
  /** The origin granted. */
  origin: string;
  /** The device kind. */
  deviceType: DeviceType;
  /** The device as the grant recorded it (the device flow's own shape). */
  device: object;
  /**
   * Whether it outlives the device's connection (a device with a stable identity, like a
   * serial number); otherwise it lasts until the device is unplugged.
   */
  persistent: boolean;
}

/**
 * The origin requests and checks use when a program names none.
 *
 * @example
 * ```ts
 * import { DEFAULT_ORIGIN } from "./permissions.ts";
 * console.log(DEFAULT_ORIGIN); // file://
 * ```
 */
export const DEFAULT_ORIGIN = "file://";

/**
 * The origin a headless request names: `where.origin` (an origin or any URL of it), or
 * {@linkcode DEFAULT_ORIGIN} when `where` or its `origin` is missing, serialised as Chromium's
 * `url::Origin::Serialize` does: `scheme://host[:port]` with the scheme and host lower-cased and
 * a default port dropped, `file://` for any file URL, the inner URL's origin for a `blob:` or
 * `filesystem:` URL, `null` for a URL with no host (`data:`).
 * Grants, checks and handlers then see one spelling of an origin however a program wrote it.
 *
 * @param where `{origin}`, `undefined` or `null`.
 * @returns The serialised origin.
 * @throws {TypeError} `Invalid origin: <value>` when it is not a string that parses as a URL;
 * `Invalid origin options: <value> (an object like {origin} was expected)` when `where` is a
 * string or another non-object (a bare origin would otherwise be taken for the default).
 *
 * @example
 * ```ts
 * import { requestOrigin } from "./permissions.ts";
 * console.log(requestOrigin({ origin: "HTTPS://A.test:443/page" })); // https://a.test
 * console.log(requestOrigin(null)); // file://
 * ```
 */
export function requestOrigin(where: { origin?: unknown } | null | undefined): string {
  if (where !== undefined && where !== null && typeof where !== "object") {
    throw new TypeError(
      `Invalid origin options: ${JSON.stringify(where) ?? String(where)} ` +
        "(an object like {origin} was expected)",
    );
  }
  const origin = where?.origin ?? DEFAULT_ORIGIN;
  if (typeof origin !== "string" || !URL.canParse(origin)) {
    throw new TypeError(`Invalid origin: ${JSON.stringify(origin) ?? String(origin)}`);
  }
  return serializeOrigin(new URL(origin));
}

function serializeOrigin(url: URL): string {
  if (url.protocol === "file:") return DEFAULT_ORIGIN;
  // url::Origin::Create takes a blob: or filesystem: URL's origin from the URL inside it.
  if (url.protocol === "blob:" || url.protocol === "filesystem:") {
    const inner = URL.parse(url.pathname);
    return inner === null || inner.protocol === "blob:" || inner.protocol === "filesystem:"
      ? "null"
      : serializeOrigin(inner);
  }
  return url.host === "" ? "null" : `${url.protocol}//${url.host}`;
}

/**
 * An origin as Electron hands it to the check handler (`requestingOrigin`) and puts in a device
 * check's or a screen capture request's `securityOrigin`: Chromium's `url::Origin::GetURL()`
 * spelled as a URL (`GURL::spec()`), so with a path: `https://a.test/`, `file:///`, and `""` for
 * an opaque origin (`null`), whose URL is invalid. The device permission handler, grants and
 * revocation events keep the serialised form ({@linkcode requestOrigin}).
 *
 * @param origin An origin as {@linkcode requestOrigin} serialises it.
 * @returns Its URL spelling.
 *
 * @example
 * ```ts
 * import { originUrl } from "./permissions.ts";
 * console.log(originUrl("https://a.test"), originUrl("file://"), JSON.stringify(originUrl("null")));
 * // https://a.test/ file:/// ""
 * ```
 */
export function originUrl(origin: string): string {
  return origin === "null" ? "" : `${origin}/`;
}

/**
 * The URL a frame at a program's `origin` option would report as its last committed URL
 * (`requestingUrl`): the URL as given, canonicalised as `GURL::spec()` does
 * (`HTTPS://A.test:443/page` is `https://a.test/page`, `file://` is `file:///`).
 */
function frameUrl(given: unknown): string {
  return new URL(String(given ?? DEFAULT_ORIGIN)).href;
}

/**
 * The permission state of one session: the three handlers with Electron's defaults, and the
 * device grants per origin that device flows (HID, serial) record and consult.
 *
 * Defaults without handlers: requests are granted, checks pass (except
 * `deprecated-sync-clipboard-read`), and device checks look in the grants.
 *
 * @example Deny notifications, allow the rest
 * ```ts
 * import { Permissions } from "./permissions.ts";
 *
 * const permissions = new Permissions();
 * permissions.setPermissionRequestHandler((_webContents, permission, callback) => {
 *   callback(permission !== "notifications");
 * });
 * console.log(await permissions.request("notifications", { origin: "https://a.test" })); // false
 * console.log(await permissions.request("geolocation")); // true
 * console.log(permissions.check("hid", "https://a.test")); // true
 * ```
 */
export class Permissions {
  #requestHandler: PermissionRequestHandler | null = null;
  #checkHandler: PermissionCheckHandler | null = null;
  #deviceHandler: DevicePermissionHandler | null = null;
  #displayMediaHandler: DisplayMediaRequestHandler | null = null;
  #pending = new Set<(granted: boolean) => void>();
  #grants: DeviceGrant[] = [];

  /**
   * Sets the request handler (Electron's `ses.setPermissionRequestHandler`). `null` clears it
   * and denies every request still waiting for its callback.
   *
   * @param handler `(webContents: null, permission, callback(granted), details)`, or `null`.
   * @throws {TypeError} `Must pass null or function` for anything else.
   */
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.#requestHandler = functionOrNull(handler);
    if (handler !== null) return;
    const pending = [...this.#pending];
    this.#pending.clear();
    for (const deny of pending) deny(false);
  }

  /**
   * Sets the check handler (Electron's `ses.setPermissionCheckHandler`); `null` clears it.
   *
   * @param handler `(webContents: null, permission, requestingOrigin, details) => boolean`.
   * @throws {TypeError} `Must pass null or function` for anything else.
   */
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.#checkHandler = functionOrNull(handler);
  }

  /**
   * Sets the device permission handler (Electron's `ses.setDevicePermissionHandler`); `null`
   * clears it. While it is set it replaces the persistent grants: devices the chooser grants
   * are only remembered until they are unplugged.
   *
   * @param handler `({deviceType, origin, device}) => boolean`.
   * @throws {TypeError} `Must pass null or function` for anything else.
   */
  setDevicePermissionHandler(handler: DevicePermissionHandler | null): void {
    this.#deviceHandler = functionOrNull(handler);
  }

  /**
   * Sets the display media request handler (Electron's `ses.setDisplayMediaRequestHandler`),
   * which answers {@linkcode requestDisplayMedia}; `null` clears it.
   *
   * @param handler `(request, callback(streams))`, or `null`.
   * @param _options `{useSystemPicker}`: Linux has no system picker, so the handler always
   * decides, as in Electron on Linux.
   * @throws {TypeError} `Display media request handler must be null or a function` (Electron's
   * words; Electron lets a truthy non-function through until a request calls it).
   */
  setDisplayMediaRequestHandler(
    handler: DisplayMediaRequestHandler | null,
    _options?: DisplayMediaRequestHandlerOptions,
  ): void {
    if (handler !== null && typeof handler !== "function") {
      throw new TypeError("Display media request handler must be null or a function");
    }
    this.#displayMediaHandler = handler;
  }

  /**
   * Asks for a screen capture the way a page's `getDisplayMedia()` would (an @ses addition:
   * headless programs have no page): the display media request handler chooses the sources, as
   * in Electron. Nothing is captured; the answer says which sources were granted.
   *
   * @param options `{origin = "file://", video = true, audio = false, userGesture = true,
   * preferredDisplaySurface = "none"}`; the handler's `request.securityOrigin` is the origin's
   * URL ({@linkcode originUrl}), as Chromium's `MediaStreamRequest` holds it.
   * @returns The devices chosen: `{video?: {id, name}, audio?: {id, name}}`.
   * @throws {TypeError} `At least one of audio and video must be requested`; `Invalid origin:
   * <value>`; `Invalid preferredDisplaySurface: <value> (one of none, monitor, window, browser)`; (rejects) the handler's error, or the TypeError its callback threw for a bad
   * answer (`Video was requested, but no video stream was provided`, ...).
   * @throws {DOMException} (rejects) `NotSupportedError` `Not supported` without a handler, as a
   * page sees it in Electron; `AbortError` `Error starting capture` when the handler refuses
   * (`callback(null)`), Chromium's words for Electron's `CAPTURE_FAILURE`.
   */
  requestDisplayMedia(options: DisplayMediaRequestOptions = {}): Promise<DisplayMediaSelection> {
    const securityOrigin = originUrl(requestOrigin(options));
    const { video = true, audio = false, userGesture = true, preferredDisplaySurface = "none" } =
      options ?? {};
    if (!video && !audio) throw new TypeError("At least one of audio and video must be requested");
    if (!DISPLAY_SURFACES.includes(preferredDisplaySurface)) {
      throw new TypeError(
        `Invalid preferredDisplaySurface: ${JSON.stringify(preferredDisplaySurface)} ` +
          `(one of ${DISPLAY_SURFACES.join(", ")})`,
      );
    }
    const handler = this.#displayMediaHandler;
    if (handler === null) {
      return Promise.reject(new DOMException("Not supported", "NotSupportedError"));
    }
    // Electron's Converter<content::MediaStreamRequest> sets the keys in this order.
    const request: DisplayMediaRequest = {
      frame: null,
      securityOrigin,
      userGesture: Boolean(userGesture),
      videoRequested: Boolean(video),
      audioRequested: Boolean(audio),
      preferredDisplaySurface,
    };
    return new Promise((resolve, reject) => {
      let answered = false;
      // Electron's callback is a OnceCallback: a second call does nothing.
      const callback = (streams?: unknown) => {
        if (answered) return;
        answered = true;
        let selection: DisplayMediaSelection | null;
        try {
          selection = chosenDisplayMedia(request, streams);
        } catch (error) {
          reject(error);
          // As in Electron, the handler's call of its callback throws too.
          throw error;
        }
        if (selection === null) reject(new DOMException("Error starting capture", "AbortError"));
        else resolve(selection);
      };
      try {
        handler({ ...request }, callback);
      } catch (error) {
        if (!answered) {
          answered = true;
          reject(error);
        }
      }
    });
  }

  /**
   * The device permission handler, or `null` (Web Serial keeps its own grants and asks it):
   * a function that asks it as {@linkcode devicePermission} does, its answer taken by
   * truthiness and an exception taken as a refusal (reported on `console.error`).
   */
  get devicePermissionHandler(): DevicePermissionHandler | null {
    return this.#deviceHandler === null ? null : (details) => this.#askDeviceHandler(details);
  }

  /** Whether a device permission handler is set. */
  get hasDevicePermissionHandler(): boolean {
    return this.#deviceHandler !== null;
  }

  /**
   * Asks for a permission the way a page would (an @ses addition: headless programs have no
   * page). The request handler decides; without one the permission is granted.
   *
   * @param permission One of {@linkcode REQUEST_PERMISSIONS}.
   * @param options `{origin = "file://", requestingUrl = origin, isMainFrame = true, ...details}`
   * (the default `requestingUrl` is the URL given as `origin`, canonicalised as Chromium's GURL).
   * @returns Whether it was granted; `false` when the handler is cleared before answering.
   * @throws {TypeError} `Unknown permission "<name>"`; `Invalid origin: <value>` when the
   * origin is not a URL; `Invalid origin options: <value> ...` when `options` is no object;
   * (rejects) what the handler throws.
   */
  request(permission: string, options: PermissionRequestOptions = {}): Promise<boolean> {
    if (!REQUEST_PERMISSIONS.includes(permission)) {
      throw new TypeError(`Unknown permission "${permission}"`);
    }
    // Throws for an origin that is not a URL; the handler sees the URL, not the origin.
    requestOrigin(options);
    // A page URL given as the origin is the requesting URL, spelled as Chromium spells it.
    const { requestingUrl = frameUrl(options?.origin), isMainFrame = true, ...details } = options ??
      {};
    delete details.origin;
    const handler = this.#requestHandler;
    if (handler === null) return Promise.resolve(true);
    return new Promise((resolve, reject) => {
      let answered = false;
      const answer = (granted: boolean) => {
        if (answered) return;
        answered = true;
        this.#pending.delete(answer);
        resolve(granted);
      };
      this.#pending.add(answer);
      try {
        // gin converts the JS answer to a bool by truthiness (Converter<bool>: BooleanValue).
        // Electron hands details over as a base::Value::Dict: its keys arrive sorted.
        handler(
          null,
          permission,
          (granted) => answer(Boolean(granted)),
          valueDict({ ...details, requestingUrl, isMainFrame }),
        );
      } catch (error) {
        this.#pending.delete(answer);
        answered = true;
        reject(error);
      }
    });
  }

  /**
   * Checks a permission without asking (Electron's check handler; the headless entry point is
   * an @ses addition). Without a handler every permission passes but
   * `deprecated-sync-clipboard-read`. The handler's `requestingOrigin` is the origin's URL
   * ({@linkcode originUrl}: `https://a.test/`), as Electron passes Chromium's
   * `url::Origin::GetURL()`.
   *
   * @param permission One of {@linkcode CHECK_PERMISSIONS}.
   * @param origin The requesting origin, or a URL of it (serialised as
   * {@linkcode requestOrigin} does); default `"file://"`.
   * @param details What the handler receives as `details`, with `isMainFrame` always there
   * (default `true`), and for a main frame `requestingUrl` (default the URL given as `origin`,
   * canonicalised: `file://` is `file:///`), as
   * Electron sets them for a check a frame makes; the device flows' checks come from no frame
   * (`isMainFrame: false`, no `requestingUrl`), as Electron's device delegates make them.
   * @returns Whether it is granted (a handler's answer is taken by truthiness, as gin converts a
   * JS value to a bool; `false` when the handler throws, reported on `console.error`).
   * @throws {TypeError} `Unknown permission "<name>"`; `Invalid origin: <value>` when the
   * origin is not a URL.
   */
  check(
    permission: string,
    origin: string = DEFAULT_ORIGIN,
    details: PermissionCheckDetails = {},
  ): boolean {
    if (!CHECK_PERMISSIONS.includes(permission)) {
      throw new TypeError(`Unknown permission "${permission}"`);
    }
    const serialized = requestOrigin({ origin });
    if (this.#checkHandler === null) return permission !== "deprecated-sync-clipboard-read";
    const { isMainFrame = true } = details ?? {};
    const frame = isMainFrame && details?.requestingUrl === undefined
      ? { requestingUrl: frameUrl(origin) }
      : {};
    // Electron hands the origin over as a GURL (url::Origin::GetURL()) and details as a
    // base::Value::Dict: its keys arrive sorted. It calls the handler through gin's
    // V8FunctionInvoker, whose answer stays false when the call throws (the exception goes to
    // the main process's reporter): the check fails, and a device flow asking it (HID's
    // requestDevice, serial's requestPort) is refused rather than failed with the handler's bug.
    try {
      return Boolean(
        this.#checkHandler(
          null,
          permission,
          originUrl(serialized),
          valueDict({ ...details, ...frame, isMainFrame }),
        ),
      );
    } catch (error) {
      console.error("Permission check handler failed:", error);
      return false;
    }
  }

  /**
   * Whether an origin may use a device, as Electron decides it: an ephemeral grant matching it
   * first, then the device permission handler when one is set, else a persistent grant.
   *
   * @param details `{deviceType, origin, device}`, the handler's argument.
   * @param matches Whether a grant of this origin and type is for this device (the device
   * flow's identity rule, like HID's vendor id + product id + serial number).
   * @returns Whether it may; `false` when the handler throws (reported on `console.error`).
   */
  devicePermission(
    details: DevicePermissionDetails,
    matches: (grant: DeviceGrant) => boolean,
  ): boolean {
    const grants = this.granted(details.origin, details.deviceType);
    if (grants.some((grant) => !grant.persistent && matches(grant))) return true;
    if (this.#deviceHandler !== null) return this.#askDeviceHandler(details);
    return grants.some((grant) => grant.persistent && matches(grant));
  }

  /**
   * Electron calls the handler through gin's V8FunctionInvoker, which answers `false` when the
   * call throws (the exception goes to the main process's reporter): one device is refused and
   * the others are still decided, listed and announced.
   */
  #askDeviceHandler({ deviceType, origin, device }: DevicePermissionDetails): boolean {
    try {
      return Boolean(this.#deviceHandler?.({ deviceType, origin, device }));
    } catch (error) {
      console.error("Device permission handler failed:", error);
      return false;
    }
  }

  /**
   * Records that an origin may use a device. A persistent grant is not recorded while a device
   * permission handler is set (Electron leaves persistence to the handler then).
   *
   * @param origin The origin.
   * @param deviceType The device kind.
   * @param device The device, in the flow's own shape (kept for `matches` and listings).
   * @param persistent Whether the grant outlives the connection.
   * @returns Whether a grant was recorded.
   */
  grant(origin: string, deviceType: DeviceType, device: object, persistent: boolean): boolean {
    if (persistent && this.#deviceHandler !== null) return false;
    this.#grants.push({ origin, deviceType, device, persistent });
    return true;
  }

  /**
   * Removes grants of an origin and type.
   *
   * @param origin The origin.
   * @param deviceType The device kind.
   * @param matches Which grants to remove.
   * @returns The grants removed.
   */
  revoke(
    origin: string,
    deviceType: DeviceType,
    matches: (grant: DeviceGrant) => boolean,
  ): DeviceGrant[] {
    const removed: DeviceGrant[] = [];
    this.#grants = this.#grants.filter((grant) => {
      const hit = grant.origin === origin && grant.deviceType === deviceType && matches(grant);
      if (hit) removed.push(grant);
      return !hit;
    });
    return removed;
  }

  /**
   * Removes the ephemeral grants of a device that went away, for every origin.
   *
   * @param deviceType The device kind.
   * @param matches Which grants are for the device.
   * @returns The grants removed.
   */
  revokeEphemeral(deviceType: DeviceType, matches: (grant: DeviceGrant) => boolean): DeviceGrant[] {
    const removed: DeviceGrant[] = [];
    this.#grants = this.#grants.filter((grant) => {
      const hit = !grant.persistent && grant.deviceType === deviceType && matches(grant);
      if (hit) removed.push(grant);
      return !hit;
    });
    return removed;
  }

  /**
   * Lists the grants of an origin and device type, oldest first.
   *
   * @param origin The origin.
   * @param deviceType The device kind.
   * @returns Copies of the grants.
   */
  granted(origin: string, deviceType: DeviceType): DeviceGrant[] {
    return this.#grants
      .filter((grant) => grant.origin === origin && grant.deviceType === deviceType)
      .map((grant) => ({ ...grant }));
  }
}

function functionOrNull<T>(handler: T): T | null {
  if (handler === null) return null;
  if (typeof handler !== "function") throw new TypeError("Must pass null or function");
  return handler;
}
