/**
 * `ses.hid`: WebHID's `navigator.hid` for headless programs, decided by Electron's permission
 * handlers and `'select-hid-device'` event (Electron's `shell/browser/hid/`, Chromium's
 * `HidChooserController`).
 *
 * @module
 */

import process from "node:process";
import type { HidBackend, HidInterfaceInfo } from "../core/hid_backend.ts";
import { ElectronEvent } from "../core/electron_event.ts";
import { TypedEmitter } from "../core/typed_emitter.ts";
import { type HidInterface, hidInterface, interfaceIdentity } from "./_hid_interface.ts";
import { allReportsProtected, hasFidoCollection } from "./hid_blocklist.ts";
import { HIDDevice } from "./hid_device.ts";
import { valueDict } from "./_value_dict.ts";
import { checkRequestOptions, filterMatches, type HIDDeviceFilter } from "./hid_filters.ts";
import type { HIDCollectionInfo, HIDReportInfo, HIDReportItem } from "./hid_report_descriptor.ts";
import { type DeviceGrant, originUrl, type Permissions, requestOrigin } from "./permissions.ts";

/** A report item as Electron's device details give it (WebHID's, without `strings`). */
export type ElectronHidReportItem = Omit<HIDReportItem, "strings">;

/** A report as Electron's device details give it. */
export interface ElectronHidReport {
  /** The report id. */
  reportId: number;
  /** The items. */
  items: ElectronHidReportItem[];
}

/** A collection as Electron's device details give it (`collectionType`, not `type`). */
export interface ElectronHidCollection {
  /** The usage id. */
  usage: number;
  /** The usage page. */
  usagePage: number;
  /** The collection type (1 application, ...). */
  collectionType: number;
  /** Input reports. */
  inputReports: ElectronHidReport[];
  /** Output reports. */
  outputReports: ElectronHidReport[];
  /** Feature reports. */
  featureReports: ElectronHidReport[];
  /** Nested collections. */
  children: ElectronHidCollection[];
}

/**
 * A HID device as Electron's events and device permission handler describe it
 * (`HidChooserContext::DeviceInfoToValue`): `serialNumber` when the device has a serial number
 * and a name (a persistent identity), else `guid` (valid until unplugged). Its keys, and those
 * of its collections, reports and items, come in sorted order, as Electron's `base::Value`
 * dictionaries reach JavaScript.
 */
export interface HidDeviceDetails {
  /**
   * The chooser's id (the physical device, else the guid): in every event's devices (Electron's
   * `HidDeviceInfoPtr` converter adds it), never in the device permission handler's.
   */
  deviceId?: string;
  /** The product name, or `Unknown Device (VVVV:PPPP)`. */
  name: string;
  /** The vendor id. */
  vendorId: number;
  /** The product id. */
  productId: number;
  /** The serial number, for devices with a persistent identity. */
  serialNumber?: string;
  /** The connection's id, for the others. */
  guid?: string;
  /** The top-level collections. */
  collections: ElectronHidCollection[];
}

/** The session events of WebHID, with Electron's listener signatures (`frame` is `null`). */
export type HidSessionEvents = {
  /**
   * `requestDevice` offers devices: call `callback(deviceId)` to choose one, `callback()` to
   * cancel. A listener that answers later must call `event.preventDefault()` first.
   */
  "select-hid-device": (
    event: ElectronEvent,
    details: { deviceList: HidDeviceDetails[]; frame: null },
    callback: (deviceId?: string | null) => void,
  ) => void;
  /**
   * A device matching an open chooser's filters was plugged in. A listener that throws is
   * reported on `console.error`, as Electron's emitter reports it.
   */
  "hid-device-added": (
    event: ElectronEvent,
    details: { device: HidDeviceDetails; frame: null },
  ) => void;
  /**
   * An interface of a device an open chooser lists was unplugged (one event per interface). A
   * listener that throws is reported on `console.error`.
   */
  "hid-device-removed": (
    event: ElectronEvent,
    details: { device: HidDeviceDetails; frame: null },
  ) => void;
  /** `HIDDevice.forget()` revoked an origin's permission. */
  "hid-device-revoked": (
    event: ElectronEvent,
    details: { device: HidDeviceDetails; origin: string },
  ) => void;
};

/** The arguments of a WebHID session event after the `event` itself. */
export type HidEventArgs<K extends keyof HidSessionEvents> = Parameters<HidSessionEvents[K]> extends
  [unknown, ...infer Rest] ? Rest : never;

/** Where {@linkcode Hid} emits its session events (the `Session`, or a {@linkcode HidEvents}). */
export interface HidEventSink {
  /** Emits `name` with a new event first; returns that event. */
  dispatch<K extends keyof HidSessionEvents>(
    name: K,
    ...args: HidEventArgs<K>
  ): ElectronEvent;
  /** Counts the listeners of `name`. */
  listenerCount(name: keyof HidSessionEvents): number;
}

/**
 * A stand-alone emitter of the WebHID session events, for a {@linkcode Hid} outside a session.
 *
 * @example
 * ```ts
 * import { HidEvents } from "./hid.ts";
 * const events = new HidEvents();
 * events.on("hid-device-revoked", (_event, { origin }) => console.log(origin));
 * events.dispatch("hid-device-revoked", {
 *   device: { name: "Pad", vendorId: 1, productId: 2, guid: "g", collections: [] },
 *   origin: "https://a.test",
 * }); // https://a.test
 * ```
 */
export class HidEvents extends TypedEmitter<HidSessionEvents> implements HidEventSink {
  /**
   * Emits `name` with a new {@linkcode ElectronEvent} first.
   *
   * @param name The event.
   * @param args The arguments after the event.
   * @returns The event, to read `defaultPrevented`.
   */
  dispatch<K extends keyof HidSessionEvents>(
    name: K,
    ...args: HidEventArgs<K>
  ): ElectronEvent {
    const event = new ElectronEvent();
    this.emit(name, ...([event, ...args] as unknown as Parameters<HidSessionEvents[K]>));
    return event;
  }
}

/** Options of the {@linkcode Hid} constructor. */
export interface HidOptions {
  /** Loads the backend on first use (hidapi in a session). */
  backend: () => Promise<HidBackend>;
  /** The session's permission state. */
  permissions: Permissions;
  /** Where session events go; default a new {@linkcode HidEvents}. */
  events?: HidEventSink;
}

/** The origin a call acts for (the headless stand-in for the calling page). */
export interface HidOriginOptions {
  /** The origin; default `"file://"`. */
  origin?: string;
}

/** Options of `HIDConnectionEvent`. */
export interface HIDConnectionEventInit extends EventInit {
  /** The device. */
  device: HIDDevice;
  /** The origin whose device it is. */
  origin: string;
}

/**
 * The `connect` and `disconnect` events of `ses.hid` (WebHID's `HIDConnectionEvent`), fired
 * once per origin that may use the device; `origin` (an @ses addition) says which.
 *
 * @example
 * ```ts ignore
 * ses.hid.addEventListener("connect", (event) => {
 *   const { device, origin } = event as HIDConnectionEvent;
 *   console.log(origin, device.productName);
 * });
 * ```
 */
export class HIDConnectionEvent extends Event {
  /** The device. */
  readonly device: HIDDevice;
  /** The origin whose `HIDDevice` this is. */
  readonly origin: string;

  /**
   * Makes the event.
   *
   * @param type `connect` or `disconnect`.
   * @param init `{device, origin}`.
   */
  constructor(type: string, init: HIDConnectionEventInit) {
    super(type, init);
    this.device = init.device;
    this.origin = init.origin;
  }
}

interface Chooser {
  origin: string;
  filters: HIDDeviceFilter[];
  exclusionFilters: HIDDeviceFilter[];
  offered: Map<string, HidInterface[]>;
}

/**
 * WebHID for one session: `requestDevice` runs Electron's flow (check handler, enumerate,
 * filter, `'select-hid-device'`, grant), `getDevices` lists what an origin may use, and
 * `connect` / `disconnect` events follow plugging.
 *
 * @example Choose the first offered device of a recorded backend
 * ```ts
 * import { Hid, HidEvents, Permissions, RecordedHidBackend } from "./mod.ts";
 *
 * // A vendor-defined collection with one 8-byte input report.
 * const descriptor = [0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x75, 0x08, 0x95, 0x08, 0x81, 0x02, 0xc0];
 * const backend = new RecordedHidBackend([{ path: "a", vendorId: 0x1209, productId: 2,
 *   productName: "Board", serialNumber: "S1", reportDescriptor: new Uint8Array(descriptor) }]);
 * const events = new HidEvents();
 * const hid = new Hid({ backend: async () => backend, permissions: new Permissions(), events });
 * events.on("select-hid-device", (_event, { deviceList }, callback) => {
 *   console.log(deviceList.map((device) => device.name)); // [ "Board" ]
 *   callback(deviceList[0]?.deviceId);
 * });
 * const devices = await hid.requestDevice({ filters: [{ vendorId: 0x1209 }] }, { origin: "https://a.test" });
 * console.log(devices.length, (await hid.getDevices({ origin: "https://a.test" })).length); // 1 1
 * ```
 */
export class Hid extends EventTarget {
  #loadBackend: () => Promise<HidBackend>;
  #backend: Promise<HidBackend> | undefined;
  #permissions: Permissions;
  #events: HidEventSink;
  #interfaces = new Map<string, HidInterface>();
  #devices = new Map<string, Map<string, HIDDevice>>();
  #origins = new Set<string>();
  #choosers = new Set<Chooser>();
  #refreshing: Promise<void> | undefined;
  #stale = false;
  #enumerated = false;
  #stopWatching: (() => void) | undefined;

  /**
   * Makes the WebHID state of a session.
   *
   * @param options `{backend, permissions, events}`.
   */
  constructor(options: HidOptions) {
    super();
    this.#loadBackend = options.backend;
    this.#permissions = options.permissions;
    this.#events = options.events ?? new HidEvents();
  }

  /** Where the session events go. */
  get events(): HidEventSink {
    return this.#events;
  }

  /**
   * Replaces where devices come from (an @ses addition), for example with a
   * `RecordedHidBackend` in tests and demos. Devices of the previous backend count as
   * unplugged at the next enumeration.
   *
   * @param backend The new backend.
   */
  setBackend(backend: HidBackend): void {
    this.#stopWatching?.();
    this.#stopWatching = undefined;
    this.#loadBackend = () => Promise.resolve(backend);
    this.#backend = undefined;
  }

  /**
   * Asks for devices the way `navigator.hid.requestDevice` does. Without a
   * `'select-hid-device'` listener, when the check handler denies `hid`, or when the listener
   * cancels, it resolves to `[]`.
   *
   * @param options `{filters, exclusionFilters}` (WebHID's `HIDDeviceRequestOptions`).
   * @param where `{origin = "file://"}`.
   * @returns Every offered interface of the chosen physical device.
   * @throws {TypeError} (rejects) Chromium's filter messages; `Invalid origin: <value>` for an
   * origin that is not a non-empty string, `Invalid origin options: <value> ...` for a `where`
   * that is no object (a bare origin string); {Error} when the backend cannot load (hidapi
   * missing).
   */
  async requestDevice(
    options: { filters: HIDDeviceFilter[]; exclusionFilters?: HIDDeviceFilter[] },
    where: HidOriginOptions = {},
  ): Promise<HIDDevice[]> {
    const { filters, exclusionFilters = [] } = checkRequestOptions(options);
    const origin = requestOrigin(where);
    this.#origins.add(origin);
    // Electron's ElectronHidDelegate::CanRequestDevicePermission: no frame, and the origin's
    // URL (url::Origin::GetURL().spec()) as the security origin.
    const allowed = this.#permissions.check("hid", origin, {
      securityOrigin: originUrl(origin),
      isMainFrame: false,
    });
    if (!allowed) return [];
    await this.#refresh();
    const chooser: Chooser = { origin, filters, exclusionFilters, offered: new Map() };
    const deviceList: HidDeviceDetails[] = [];
    for (const iface of this.#interfaces.values()) {
      if (this.#offer(chooser, iface)) deviceList.push(chooserEntry(iface));
    }
    if (this.#events.listenerCount("select-hid-device") === 0) return [];
    const chosen = await new Promise<HidInterface[]>((resolve, reject) => {
      let answered = false;
      const callback = (deviceId?: unknown) => {
        if (answered) return;
        answered = true;
        this.#choosers.delete(chooser);
        if (typeof deviceId !== "string" || deviceId === "") return resolve([]);
        const offered = chooser.offered.get(deviceId);
        if (!offered) {
          process.emitWarning(`The device id ${deviceId} was not found.`, "UnknownHIDDeviceId");
          return resolve([]);
        }
        resolve(offered);
      };
      this.#choosers.add(chooser);
      let event;
      try {
        event = this.#events.dispatch("select-hid-device", { deviceList, frame: null }, callback);
      } catch (error) {
        // A throwing listener closes the chooser; the request rejects with its error.
        answered = true;
        this.#choosers.delete(chooser);
        return reject(error);
      }
      // Electron cancels unless a listener prevented the default or answered at once.
      if (!event.defaultPrevented) callback();
    });
    for (const iface of chosen) {
      const device = hidDetails(iface);
      if (!this.#hasGrant(origin, iface)) {
        this.#permissions.grant(origin, "hid", device, persistentIdentity(iface.info));
      }
    }
    return chosen.map((iface) => this.#device(origin, iface));
  }

  /**
   * Lists the present devices an origin may use (`navigator.hid.getDevices`), never an interface
   * whose reports are all protected (keyboards, mice, FIDO keys), whatever the device permission
   * handler says, as Chromium's HidService drops them.
   *
   * @param where `{origin = "file://"}`.
   * @returns One `HIDDevice` per interface; the same object for the same interface each time.
   * @throws {TypeError} (rejects) `Invalid origin: <value>` for an origin that is not a non-empty
   * string; `Invalid origin options: <value> ...` for a `where` that is no object.
   * @throws {Error} (rejects) when the backend cannot load.
   */
  async getDevices(where: HidOriginOptions = {}): Promise<HIDDevice[]> {
    const origin = requestOrigin(where);
    this.#origins.add(origin);
    await this.#refresh();
    return [...this.#interfaces.values()]
      .filter((iface) => this.#listed(origin, iface))
      .map((iface) => this.#device(origin, iface));
  }

  #backendPromise(): Promise<HidBackend> {
    if (!this.#backend) {
      const loading = this.#loadBackend().then((backend) => {
        this.#stopWatching = backend.watch(() => void this.#refresh().catch(() => {}));
        return backend;
      });
      // A failed load (hidapi missing) is retried at the next call, after an install.
      loading.catch(() => this.#backend = undefined);
      this.#backend = loading;
    }
    return this.#backend;
  }

  /** Enumerates again and applies the difference; concurrent calls share one run. */
  #refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#stale = true;
      return this.#refreshing;
    }
    const run = async () => {
      do {
        this.#stale = false;
        const backend = await this.#backendPromise();
        this.#apply(await backend.enumerate());
      } while (this.#stale);
    };
    this.#refreshing = run().finally(() => this.#refreshing = undefined);
    return this.#refreshing;
  }

  #apply(listed: HidInterfaceInfo[]): void {
    const next = new Map<string, HidInterface>();
    const added: HidInterface[] = [];
    for (const info of listed) {
      const key = interfaceIdentity(info);
      const known = this.#interfaces.get(key);
      if (known) {
        next.set(key, known);
      } else {
        const iface = hidInterface(info);
        next.set(key, iface);
        added.push(iface);
      }
    }
    const removed = [...this.#interfaces].filter(([key]) => !next.has(key)).map(([, i]) => i);
    this.#interfaces = next;
    // The devices of the first enumeration were there already: Chromium's HidChooserContext
    // takes them as its initial list and tells its observers only of later changes.
    const initial = !this.#enumerated;
    this.#enumerated = true;
    if (initial) return;
    for (const iface of removed) this.#removed(iface);
    for (const iface of added) this.#added(iface);
  }

  #added(iface: HidInterface): void {
    for (const chooser of this.#choosers) {
      const isNew = !chooser.offered.has(iface.physicalId);
      if (this.#offer(chooser, iface) && isNew) {
        this.#tell("hid-device-added", { device: chooserEntry(iface), frame: null });
      }
    }
    for (const origin of this.#origins) {
      if (!this.#listed(origin, iface)) continue;
      const device = this.#device(origin, iface);
      this.dispatchEvent(new HIDConnectionEvent("connect", { device, origin }));
    }
  }

  #removed(iface: HidInterface): void {
    // Electron's HidChooserController::OnDeviceRemoved: every interface of a listed physical
    // device is reported, then dropped; the item goes when its last interface does.
    for (const chooser of this.#choosers) {
      const offered = chooser.offered.get(iface.physicalId);
      if (!offered) continue;
      this.#tell("hid-device-removed", { device: chooserEntry(iface), frame: null });
      const rest = offered.filter((entry) => entry !== iface);
      if (rest.length > 0) chooser.offered.set(iface.physicalId, rest);
      else chooser.offered.delete(iface.physicalId);
    }
    for (const [origin, devices] of this.#devices) {
      const device = devices.get(iface.guid);
      if (!device) continue;
      devices.delete(iface.guid);
      device.markLost();
      this.dispatchEvent(new HIDConnectionEvent("disconnect", { device, origin }));
    }
    this.#permissions.revokeEphemeral("hid", (grant) => grantGuid(grant) === iface.guid);
  }

  /**
   * Tells an open chooser of a change. A listener that throws is reported on `console.error`:
   * the refresh that found the change goes on (the other choosers, `connect`/`disconnect`, the
   * end of ephemeral grants), and the `getDevices` or `requestDevice` that started it does not
   * reject with someone else's error.
   */
  #tell(
    name: "hid-device-added" | "hid-device-removed",
    details: HidEventArgs<"hid-device-added">[0],
  ): void {
    try {
      this.#events.dispatch(name, details);
    } catch (error) {
      console.error(`Session '${name}' listener failed:`, error);
    }
  }

  /** Whether the chooser shows the interface; records it as offered when it does. */
  #offer(chooser: Chooser, iface: HidInterface): boolean {
    const target = {
      vendorId: iface.info.vendorId,
      productId: iface.info.productId,
      collections: iface.collections,
    };
    if (hasFidoCollection(iface.collections) || allReportsProtected(iface.collections)) {
      return false;
    }
    if (chooser.filters.length > 0 && !chooser.filters.some((f) => filterMatches(f, target))) {
      return false;
    }
    if (chooser.exclusionFilters.some((filter) => filterMatches(filter, target))) return false;
    const offered = chooser.offered.get(iface.physicalId);
    if (offered) {
      if (!offered.includes(iface)) offered.push(iface);
      return false;
    }
    chooser.offered.set(iface.physicalId, [iface]);
    return true;
  }

  /**
   * Whether a page sees the interface (Chromium's HidService FinishGetDevices and
   * OnDeviceAdded): a permission for it, and a report left once RemoveProtectedReports has
   * taken the protected ones, so keyboards, mice and FIDO keys are never listed.
   */
  #listed(origin: string, iface: HidInterface): boolean {
    return !allReportsProtected(iface.collections) && this.#mayUse(origin, iface);
  }

  #mayUse(origin: string, iface: HidInterface): boolean {
    return this.#permissions.devicePermission(
      { deviceType: "hid", origin, device: hidDetails(iface) },
      (grant) => grantMatches(grant, iface),
    );
  }

  #hasGrant(origin: string, iface: HidInterface): boolean {
    return this.#permissions.granted(origin, "hid").some((grant) => grantMatches(grant, iface));
  }

  #device(origin: string, iface: HidInterface): HIDDevice {
    let devices = this.#devices.get(origin);
    if (!devices) this.#devices.set(origin, devices = new Map());
    let device = devices.get(iface.guid);
    if (!device) {
      device = new HIDDevice(iface, {
        open: async (path) => {
          // Chromium's HidService::Connect asks for the permission again (a device permission
          // handler may have changed its mind); the device turns a refusal into NotAllowedError.
          if (!this.#mayUse(origin, iface)) throw new Error(`No permission for ${path}`);
          return (await this.#backendPromise()).open(path);
        },
        forget: (forgotten) => this.#forget(origin, forgotten),
        lost: () => void this.#refresh().catch(() => {}),
      });
      devices.set(iface.guid, device);
    }
    return device;
  }

  #forget(origin: string, device: HIDDevice): Promise<void> {
    const iface = device.interface;
    const siblings = [...this.#interfaces.values()].filter((entry) =>
      entry.physicalId === iface.physicalId
    );
    if (!siblings.includes(iface)) siblings.push(iface);
    this.#permissions.revoke(
      origin,
      "hid",
      (grant) => siblings.some((sibling) => grantMatches(grant, sibling)),
    );
    const devices = this.#devices.get(origin);
    for (const sibling of siblings) {
      devices?.get(sibling.guid)?.markForgotten();
      devices?.delete(sibling.guid);
    }
    device.markForgotten();
    this.#events.dispatch("hid-device-revoked", { device: chooserEntry(iface), origin });
    return Promise.resolve();
  }
}

/**
 * Whether a device has a persistent identity (Electron's `CanStorePersistentEntry`): a serial
 * number and a product name.
 */
function persistentIdentity(info: HidInterfaceInfo): boolean {
  return info.serialNumber !== "" && info.productName !== "";
}

function grantGuid(grant: DeviceGrant): string | undefined {
  return (grant.device as HidDeviceDetails).guid;
}

function grantMatches(grant: DeviceGrant, iface: HidInterface): boolean {
  const device = grant.device as HidDeviceDetails;
  if (!grant.persistent) return device.guid === iface.guid;
  return persistentIdentity(iface.info) && device.vendorId === iface.info.vendorId &&
    device.productId === iface.info.productId && device.serialNumber === iface.info.serialNumber;
}

/** The name Electron shows (`DisplayNameFromDeviceInfo`): `Unknown Device (VVVV:PPPP)`. */
function displayName(info: HidInterfaceInfo): string {
  if (info.productName !== "") return info.productName;
  const hex = (value: number) => value.toString(16).toUpperCase().padStart(4, "0");
  return `Unknown Device (${hex(info.vendorId)}:${hex(info.productId)})`;
}

/**
 * Describes an interface as Electron's `DeviceInfoToValue` does: a `base::Value::Dict`, so its
 * keys (and its collections', reports' and items') reach JavaScript sorted.
 */
function hidDetails(iface: HidInterface): HidDeviceDetails {
  return valueDict(deviceValue(iface));
}

/** The device of Electron's events: `DeviceInfoToValue` plus the chooser's `deviceId`. */
function chooserEntry(iface: HidInterface): HidDeviceDetails {
  return valueDict({ deviceId: iface.physicalId, ...deviceValue(iface) });
}

function deviceValue(iface: HidInterface): HidDeviceDetails {
  const { info } = iface;
  return {
    name: displayName(info),
    vendorId: info.vendorId,
    productId: info.productId,
    ...(persistentIdentity(info) ? { serialNumber: info.serialNumber } : { guid: iface.guid }),
    collections: iface.collections.map(electronCollection),
  };
}

function electronCollection(collection: HIDCollectionInfo): ElectronHidCollection {
  const reports = (list: HIDReportInfo[]) =>
    list.map(({ reportId, items }) => ({
      reportId,
      items: items.map(({ strings: _strings, ...item }) => item),
    }));
  return {
    usage: collection.usage,
    usagePage: collection.usagePage,
    collectionType: collection.type,
    inputReports: reports(collection.inputReports),
    outputReports: reports(collection.outputReports),
    featureReports: reports(collection.featureReports),
    children: collection.children.map(electronCollection),
  };
}
