/**
 * `ses.serial`: Web Serial's `navigator.serial` for a headless program, with Electron's chooser
 * flow (`select-serial-port`), permission handlers and grants
 * (`shell/browser/serial/serial_chooser_controller.cc`, `serial_chooser_context.cc`).
 *
 * @module
 */

import { type FSWatcher, watch } from "node:fs";
import { setTimeout } from "node:timers";
import { basename, dirname } from "node:path";
import type { SerialIo } from "../core/serial_io.ts";
import { DEFAULT_ORIGIN, originUrl, requestOrigin } from "./permissions.ts";
import { valueDict } from "./_value_dict.ts";
import { enumerateSerialPorts, isTtyDevice } from "./serial_enumerator.ts";
import { SerialPort, type SerialPortRecord } from "./serial_port.ts";

/** A port as Electron lists it in `select-serial-port` and the port events. */
export interface SerialPortListEntry {
  /** 32 hex digits, stable while the device stays attached. */
  portId: string;
  /** The device node's name, like `ttyUSB0`. */
  portName: string;
  /** The USB product string. */
  displayName?: string;
  /** The USB vendor id as a decimal string, like `"9025"`. */
  vendorId?: string;
  /** The USB product id as a decimal string. */
  productId?: string;
  /** The USB serial number. */
  serialNumber?: string;
}

/** The `device` of a serial device-permission check (Electron's snake_case shape). */
export interface SerialDeviceDetails {
  /** The display name, else the port name. */
  name: string;
  /** The USB vendor id. */
  vendor_id?: number;
  /** The USB product id. */
  product_id?: number;
  /** The USB serial number. */
  serial_number?: string;
}

/** What `setDevicePermissionHandler`'s handler receives for a serial port (no `frame`). */
export interface SerialDevicePermissionDetails {
  /** Always `serial` here. */
  deviceType: "serial";
  /** The origin asking. */
  origin: string;
  /** The port. */
  device: SerialDeviceDetails;
}

/** The details of a `serial` permission check. */
export interface SerialCheckDetails {
  /** The origin. */
  securityOrigin: string;
  /** The origin, as the URL of the (absent) frame. */
  requestingUrl: string;
  /** Always true: a headless program is its own main frame. */
  isMainFrame: boolean;
}

/** The `serial-port-revoked` details. */
export interface SerialPortRevokedDetails {
  /** The port. */
  port: SerialPortListEntry;
  /** No frame headlessly: `null`. */
  frame: null;
  /** The origin that forgot it. */
  origin: string;
}

/** The events `ses.serial` emits on the session, with Electron's listener signatures. */
export type SerialEvents = {
  /**
   * A program asked for a port: call `callback(portId)` (or `''` to cancel) before the listener
   * returns, or call `event.preventDefault()` and call back later.
   */
  "select-serial-port": (
    event: { preventDefault(): void; readonly defaultPrevented: boolean },
    portList: SerialPortListEntry[],
    webContents: null,
    callback: (portId?: string) => void,
  ) => void;
  /** While a chooser is open: a matching port appeared (a throwing listener: `console.error`). */
  "serial-port-added": (event: object, port: SerialPortListEntry, webContents: null) => void;
  /** While a chooser is open: a matching port went away (a throwing listener: `console.error`). */
  "serial-port-removed": (event: object, port: SerialPortListEntry, webContents: null) => void;
  /** `port.forget()` revoked an origin's permission. */
  "serial-port-revoked": (event: object, details: SerialPortRevokedDetails) => void;
};

/** A filter of `requestPort` (Web Serial's `SerialPortFilter`). */
export interface SerialPortFilter {
  /** USB vendor id. */
  usbVendorId?: number;
  /** USB product id; needs `usbVendorId`. */
  usbProductId?: number;
  /** A Bluetooth RFCOMM service; no Bluetooth ports exist here, so it matches nothing. */
  bluetoothServiceClassId?: string | number;
}

/** `requestPort` options. */
export interface SerialPortRequestOptions {
  /** Ports matching any filter are listed; none lists every port. */
  filters?: SerialPortFilter[];
}

/** Who is asking (an @ses addition: a headless program has no page). */
export interface SerialRequester {
  /** The origin; default `file://`. */
  origin?: string;
}

/** What `Serial` needs from its session. */
export interface SerialInit {
  /** Opens devices. */
  io: SerialIo;
  /** The session's permission check handler's verdict (Electron default: `true`). */
  checkPermission(permission: "serial", origin: string, details: SerialCheckDetails): boolean;
  /** The session's device permission handler, or `null` when none is set. */
  devicePermissionHandler(): ((details: SerialDevicePermissionDetails) => boolean) | null;
  /**
   * Emits an event on the session with a fresh event object before `args` (the arguments of
   * {@linkcode SerialEvents} after the event); returns the event, so `preventDefault()` shows.
   */
  dispatch(name: keyof SerialEvents, ...args: unknown[]): { readonly defaultPrevented: boolean };
  /** How many listeners the session has for an event. */
  listenerCount(name: keyof SerialEvents): number;
  /** Lists ports (default: sysfs, `enumerateSerialPorts`). */
  enumerate?: () => Promise<SerialPortRecord[]>;
}

interface PersistentGrant {
  vendorId: number;
  productId: number;
  serialNumber: string;
}

function notSelected(): DOMException {
  return new DOMException(
    "Failed to execute 'requestPort' on 'Serial': No port selected by the user.",
    "NotFoundError",
  );
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("").toUpperCase();
}

const REQUEST_PORT = "Failed to execute 'requestPort' on 'Serial': ";

/**
 * Converts `requestPort`'s options as Blink's bindings do (an absent or `null` options object
 * is `{}`; each filter a WebIDL dictionary whose ids are plain `unsigned short`s, so `"9025"`
 * is 9025 and 0x10043 is 0x43), then applies Chromium's filter checks (`serial.cc`).
 */
function checkFilters(options: unknown): SerialPortFilter[] {
  if (options === undefined || options === null) return [];
  if (typeof options !== "object" && typeof options !== "function") {
    throw new TypeError(
      `${REQUEST_PORT}The provided value is not of type 'SerialPortRequestOptions'.`,
    );
  }
  const filters = (options as { filters?: unknown }).filters;
  if (filters === undefined) return [];
  const where = "Failed to read the 'filters' property from 'SerialPortRequestOptions': ";
  if (filters === null || typeof filters !== "object" || !(Symbol.iterator in filters)) {
    throw new TypeError(
      `${REQUEST_PORT}${where}The provided value cannot be converted to a sequence.`,
    );
  }
  const converted = [...(filters as Iterable<unknown>)].map((entry) => {
    if (entry !== undefined && entry !== null && typeof entry !== "object") {
      throw new TypeError(
        `${REQUEST_PORT}${where}The provided value is not of type 'SerialPortFilter'.`,
      );
    }
    const source = (entry ?? {}) as Record<string, unknown>;
    const filter: SerialPortFilter = {};
    // Blink reads dictionary members in alphabetical order.
    const { bluetoothServiceClassId, usbProductId, usbVendorId } = source;
    if (bluetoothServiceClassId !== undefined) {
      filter.bluetoothServiceClassId = bluetoothServiceClassId as string | number;
    }
    if (usbProductId !== undefined) filter.usbProductId = unsignedShort(usbProductId);
    if (usbVendorId !== undefined) filter.usbVendorId = unsignedShort(usbVendorId);
    return filter;
  });
  for (const filter of converted) {
    const fail = (message: string) => new TypeError(`${REQUEST_PORT}${message}`);
    if (filter.bluetoothServiceClassId !== undefined) {
      if (filter.usbVendorId !== undefined || filter.usbProductId !== undefined) {
        throw fail(
          "A filter cannot specify both bluetoothServiceClassId and usbVendorId or usbProductId.",
        );
      }
      continue;
    }
    if (filter.usbVendorId === undefined) {
      throw fail(
        filter.usbProductId === undefined
          ? "A filter must provide a property to filter by."
          : "A filter containing a usbProductId must also specify a usbVendorId.",
      );
    }
  }
  return converted;
}

/** WebIDL's `unsigned short` without `[EnforceRange]`: NaN and infinities are 0, then modulo 2^16. */
function unsignedShort(value: unknown): number {
  const number = Number(value);
  if (!Number.isFinite(number)) return 0;
  const integer = Math.trunc(number);
  return ((integer % 0x10000) + 0x10000) % 0x10000;
}

/**
 * Electron's chooser order (`SerialChooserController::OnGetDevices`): by the path's base name;
 * the whole path breaks ties, so the order is total.
 */
function byPortName(a: SerialPortRecord, b: SerialPortRecord): number {
  const [left, right] = [basename(a.path), basename(b.path)];
  if (left !== right) return left < right ? -1 : 1;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function matches(record: SerialPortRecord, filters: SerialPortFilter[]): boolean {
  if (filters.length === 0) return true;
  return filters.some((filter) =>
    filter.bluetoothServiceClassId === undefined &&
    filter.usbVendorId === record.vendorId &&
    (filter.usbProductId === undefined || filter.usbProductId === record.productId)
  );
}

/**
 * Electron's persistent-grant rule: a port can be remembered across plugs only when it has a
 * display name, USB ids and a serial number.
 */
function persistable(record: SerialPortRecord): record is SerialPortRecord & PersistentGrant {
  return record.displayName !== undefined && record.vendorId !== undefined &&
    record.productId !== undefined && record.serialNumber !== undefined;
}

/**
 * Web Serial's `connect` / `disconnect` event, with the origin the port belongs to (headless, one
 * `ses.serial` serves every origin).
 *
 * @example
 * ```ts
 * import { ElectronEvent } from "../core/electron_event.ts";
 * import { createLibcSerialIo, currentRuntime } from "../runtime/mod.ts";
 * import { Serial, type SerialConnectionEvent } from "./serial.ts";
 *
 * const serial = new Serial({
 *   io: createLibcSerialIo(currentRuntime()),
 *   checkPermission: () => true,
 *   devicePermissionHandler: () => null,
 *   dispatch: () => new ElectronEvent(),
 *   listenerCount: () => 0,
 * });
 * serial.addEventListener("disconnect", (event) => {
 *   const { port, origin } = event as SerialConnectionEvent;
 *   console.log(origin, port.getInfo());
 * });
 * serial.close();
 * ```
 */
export class SerialConnectionEvent extends Event {
  /** The port that was plugged in or unplugged. */
  readonly port: SerialPort;
  /** The origin that has permission for it. */
  readonly origin: string;

  /**
   * Creates the event.
   *
   * @param type `connect` or `disconnect`.
   * @param port The port.
   * @param origin The origin that has permission for it.
   */
  constructor(type: "connect" | "disconnect", port: SerialPort, origin: string) {
    super(type);
    this.port = port;
    this.origin = origin;
  }
}

/**
 * Web Serial's `navigator.serial` for a session (`ses.serial`): choose ports through Electron's
 * `select-serial-port` event, list the ports an origin may use, and open them as
 * {@linkcode SerialPort}s.
 *
 * @example List a pty added by path
 * ```ts
 * import { createLibcSerialIo, currentRuntime, openPtyPair } from "../runtime/mod.ts";
 * import { ElectronEvent } from "../core/electron_event.ts";
 * import { Serial } from "./serial.ts";
 *
 * const runtime = currentRuntime();
 * const pty = await openPtyPair(runtime);
 * const serial = new Serial({
 *   io: createLibcSerialIo(runtime),
 *   checkPermission: () => true,
 *   devicePermissionHandler: () => null,
 *   dispatch: () => new ElectronEvent(),
 *   listenerCount: () => 0,
 *   enumerate: () => Promise.resolve([]),
 * });
 * serial.addPortPath(pty.path);
 * console.log((await serial.listPorts()).map((port) => port.portName)); // [ "3" ] for /dev/pts/3
 * console.log((await serial.getPorts()).length); // 0: nothing granted yet
 * pty.main.close();
 * ```
 */
export class Serial extends EventTarget {
  #init: SerialInit;
  #paths = new Set<string>();
  /** Device path → token, while the device is attached. */
  #tokens = new Map<string, string>();
  #records = new Map<string, SerialPortRecord>();
  #ephemeral = new Map<string, Set<string>>();
  #persistent = new Map<string, PersistentGrant[]>();
  /** Origin → token → port object, so a port is the same object each time. */
  #ports = new Map<string, Map<string, SerialPort>>();
  #choosers = new Set<(added: SerialPortRecord[], removed: SerialPortRecord[]) => void>();
  #watchers: FSWatcher[] = [];
  #scanned = false;
  #rescan: ReturnType<typeof setTimeout> | undefined;

  /**
   * Creates the session's `serial` object (the session does, on first access).
   *
   * @param init The session's I/O, handlers and event door.
   */
  constructor(init: SerialInit) {
    super();
    this.#init = init;
  }

  /**
   * Adds a device path the enumerator cannot see (a pty, a socat link, a device in a
   * container); it is listed while it is a tty device (a pty, or a character device of sysfs's
   * tty class: not `/dev/null`). An @ses addition.
   *
   * @param path An absolute device path.
   * @throws {TypeError} When `path` is not an absolute path.
   */
  addPortPath(path: string): void {
    if (typeof path !== "string" || !path.startsWith("/")) {
      throw new TypeError(
        `Cannot add serial port path ${JSON.stringify(path)}: not an absolute path`,
      );
    }
    this.#paths.add(path);
    if (this.#watchers.length > 0) {
      this.#watchDirs();
      this.#scheduleRescan();
    }
  }

  /**
   * Lists every port the machine has (sysfs plus added paths), for tools such as
   * `ses devices serial`. No permission is involved.
   *
   * @returns Electron's list entries, sorted by port name.
   */
  async listPorts(): Promise<SerialPortListEntry[]> {
    return (await this.#scan()).sort(byPortName).map((record) => this.#entry(record));
  }

  /**
   * Asks for a port through `select-serial-port` (Web Serial's `requestPort`).
   *
   * @param options `{filters}`: USB vendor/product ids.
   * @param requester `{origin}` (default `file://`).
   * @returns The chosen port, granted to the origin.
   * @throws {TypeError} (rejects) Chromium's filter messages; `Invalid origin: ...`;
   * `Invalid origin options: ...` for a `requester` that is no object (a bare origin string).
   * @throws {Error} (rejects) what a `select-serial-port` listener throws before answering.
   * @throws {DOMException} (rejects) `NotFoundError` `Failed to execute 'requestPort' on
   * 'Serial': No port selected by the user.` on denial, no listener, `''` or an unknown id.
   */
  async requestPort(
    options: SerialPortRequestOptions = {},
    requester: SerialRequester = {},
  ): Promise<SerialPort> {
    const filters = checkFilters(options);
    const origin = requestOrigin(requester);
    if (!this.#checked(origin, requester?.origin)) throw notSelected();
    const records = (await this.#scan()).filter((record) => matches(record, filters));
    records.sort(byPortName);
    return await new Promise<SerialPort>((resolve, reject) => {
      let answered = false;
      const onChange = (added: SerialPortRecord[], removed: SerialPortRecord[]) => {
        for (const record of removed.filter((record) => matches(record, filters))) {
          this.#tell("serial-port-removed", record);
        }
        for (const record of added.filter((record) => matches(record, filters))) {
          this.#tell("serial-port-added", record);
        }
      };
      const callback = (portId?: unknown) => {
        if (answered) return;
        answered = true;
        this.#closeChooser(onChange);
        const record = typeof portId === "string" && portId !== ""
          ? [...this.#records.values()].find((record) =>
            this.#tokens.get(record.path) === portId && matches(record, filters)
          )
          : undefined;
        if (record === undefined) reject(notSelected());
        else resolve(this.#grant(origin, record));
      };
      this.#openChooser(onChange);
      const portList = records.map((record) => this.#entry(record));
      if (this.#init.listenerCount("select-serial-port") === 0) return callback("");
      let event;
      try {
        event = this.#init.dispatch("select-serial-port", portList, null, callback);
      } catch (error) {
        // A listener that throws ends the request with its error (not NotFoundError, which
        // would hide it), and the chooser with it, as for select-hid-device.
        if (answered) return;
        answered = true;
        this.#closeChooser(onChange);
        return reject(error);
      }
      // Electron cancels unless a listener prevented the default or already called back.
      if (!event.defaultPrevented) callback("");
    });
  }

  /**
   * Lists the ports the origin may use (Web Serial's `getPorts`): granted through the chooser,
   * or allowed by the device permission handler.
   *
   * @param requester `{origin}` (default `file://`).
   * @returns The ports, sorted by path.
   * @throws {TypeError} (rejects) `Invalid origin: ...` for an origin that is not a non-empty
   * string; `Invalid origin options: ...` for a `requester` that is no object.
   */
  async getPorts(requester: SerialRequester = {}): Promise<SerialPort[]> {
    const origin = requestOrigin(requester);
    // Chromium's SerialService::GetPorts asks only for the grants (HasPortPermission): the
    // check handler decides whether a chooser may open, not what was granted.
    const records = await this.#scan();
    return records.filter((record) => this.#allowed(origin, record)).map((record) =>
      this.#port(origin, record)
    );
  }

  /** Stops watching /dev (no more `connect`/`disconnect` events); open ports stay open. */
  close(): void {
    this.#choosers.clear();
    this.#unwatch();
  }

  /**
   * Electron's WebContentsPermissionHelper::CheckSerialAccessPermission: the main frame asks,
   * with its URL as `requestingUrl` and the origin's URL (url::Origin::GetURL().spec()) as
   * `securityOrigin`.
   */
  #checked(origin: string, given: unknown): boolean {
    return this.#init.checkPermission("serial", origin, {
      securityOrigin: originUrl(origin),
      requestingUrl: new URL(String(given ?? DEFAULT_ORIGIN)).href,
      isMainFrame: true,
    }) === true;
  }

  #allowed(origin: string, record: SerialPortRecord): boolean {
    const token = this.#tokens.get(record.path);
    if (token !== undefined && this.#ephemeral.get(origin)?.has(token)) return true;
    // Ports that cannot be persisted never reach the handler or the stored grants.
    if (!persistable(record)) return false;
    const handler = this.#init.devicePermissionHandler();
    if (handler !== null) {
      return handler({ deviceType: "serial", origin, device: this.#device(record) }) === true;
    }
    return (this.#persistent.get(origin) ?? []).some((grant) =>
      grant.vendorId === record.vendorId && grant.productId === record.productId &&
      grant.serialNumber === record.serialNumber
    );
  }

  /**
   * Electron's SerialChooserContext::GrantPortPermission: a persistable port goes to the
   * permission manager, which stores nothing while a device permission handler decides (the
   * handler alone then says whether the origin may use it); other ports get an ephemeral grant.
   */
  #grant(origin: string, record: SerialPortRecord): SerialPort {
    if (persistable(record)) {
      if (this.#init.devicePermissionHandler() === null) {
        const grants = this.#persistent.get(origin) ?? [];
        grants.push({
          vendorId: record.vendorId,
          productId: record.productId,
          serialNumber: record.serialNumber,
        });
        this.#persistent.set(origin, grants);
      }
    } else {
      const tokens = this.#ephemeral.get(origin) ?? new Set();
      tokens.add(this.#tokens.get(record.path)!);
      this.#ephemeral.set(origin, tokens);
    }
    return this.#port(origin, record);
  }

  #port(origin: string, record: SerialPortRecord): SerialPort {
    const token = this.#tokens.get(record.path)!;
    const ports = this.#ports.get(origin) ?? new Map<string, SerialPort>();
    this.#ports.set(origin, ports);
    let port = ports.get(token);
    if (port === undefined) {
      port = new SerialPort(record, {
        io: this.#init.io,
        mayOpen: () => this.#allowed(origin, record),
        forget: (forgotten) => this.#forget(origin, token, record, forgotten),
      });
      ports.set(token, port);
      // Web Serial tells a program when its ports come and go: watch from the first port on.
      if (this.#watchers.length === 0) this.#watchDirs();
    }
    return port;
  }

  #forget(origin: string, token: string, record: SerialPortRecord, port: SerialPort): void {
    this.#ephemeral.get(origin)?.delete(token);
    const grants = this.#persistent.get(origin);
    if (grants !== undefined) {
      this.#persistent.set(
        origin,
        grants.filter((grant) =>
          !(grant.vendorId === record.vendorId && grant.productId === record.productId &&
            grant.serialNumber === record.serialNumber)
        ),
      );
    }
    const ports = this.#ports.get(origin);
    if (ports?.get(token) === port) ports.delete(token);
    this.#init.dispatch("serial-port-revoked", {
      port: this.#entry(record),
      frame: null,
      origin,
    });
  }

  #entry(record: SerialPortRecord): SerialPortListEntry {
    const entry: SerialPortListEntry = {
      portId: this.#tokens.get(record.path)!,
      portName: basename(record.path),
    };
    if (record.displayName) entry.displayName = record.displayName;
    if (record.vendorId !== undefined) entry.vendorId = String(record.vendorId);
    if (record.productId !== undefined) entry.productId = String(record.productId);
    if (record.serialNumber) entry.serialNumber = record.serialNumber;
    return entry;
  }

  /** Electron's `PortInfoToValue`: a `base::Value::Dict`, so its keys reach JavaScript sorted. */
  #device(record: SerialPortRecord): SerialDeviceDetails {
    const device: SerialDeviceDetails = { name: record.displayName ?? basename(record.path) };
    if (record.vendorId !== undefined) device.vendor_id = record.vendorId;
    if (record.productId !== undefined) device.product_id = record.productId;
    if (record.serialNumber !== undefined) device.serial_number = record.serialNumber;
    return valueDict(device);
  }

  /** Lists ports now, keeping tokens for devices still attached and minting new ones. */
  async #scan(): Promise<SerialPortRecord[]> {
    const found = await (this.#init.enumerate ?? enumerateSerialPorts)();
    const byPath = new Map(found.map((record) => [record.path, record]));
    for (const path of this.#paths) {
      // Only a tty (a serial device, a pty, a socat link to one) is a port; a file, a directory
      // or another character device (/dev/null) is not, as Chromium's enumerator lists ttys only.
      if (!byPath.has(path) && await isTtyDevice(path)) byPath.set(path, { path });
    }
    const initial = !this.#scanned;
    this.#scanned = true;
    const added: SerialPortRecord[] = [];
    const removed: SerialPortRecord[] = [];
    for (const [path, record] of this.#records) {
      if (!byPath.has(path)) removed.push(record);
    }
    for (const [path, record] of byPath) {
      if (!this.#tokens.has(path)) {
        this.#tokens.set(path, randomToken());
        if (!initial) added.push(record);
      }
    }
    // Choosers hear of removals while the ports still have their tokens: serial-port-removed
    // names the portId the chooser listed (Electron's SerialChooserContext::OnPortRemoved
    // notifies before it drops the port).
    if (added.length + removed.length > 0) {
      for (const chooser of this.#choosers) chooser(added, removed);
    }
    for (const record of removed) this.#gone(record.path);
    for (const [path, record] of byPath) this.#records.set(path, record);
    for (const record of added) {
      for (const origin of this.#ports.keys()) {
        if (!this.#allowed(origin, record)) continue;
        this.dispatchEvent(
          new SerialConnectionEvent("connect", this.#port(origin, record), origin),
        );
      }
    }
    return [...byPath.values()].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  }

  /**
   * Tells an open chooser of a port's change. A listener that throws is reported on
   * `console.error`: the scan that found the change goes on (the other ports, `disconnect`, the
   * end of ephemeral grants), and the call that ran the scan does not reject with its error.
   */
  #tell(name: "serial-port-added" | "serial-port-removed", record: SerialPortRecord): void {
    try {
      this.#init.dispatch(name, this.#entry(record), null);
    } catch (error) {
      console.error(`Session '${name}' listener failed:`, error);
    }
  }

  #gone(path: string): void {
    const token = this.#tokens.get(path);
    this.#tokens.delete(path);
    this.#records.delete(path);
    if (token === undefined) return;
    // Ephemeral grants last until the device is unplugged.
    for (const tokens of this.#ephemeral.values()) tokens.delete(token);
    for (const [origin, ports] of this.#ports) {
      const port = ports.get(token);
      if (port === undefined) continue;
      ports.delete(token);
      port.disconnected();
      this.dispatchEvent(new SerialConnectionEvent("disconnect", port, origin));
    }
  }

  #openChooser(onChange: (added: SerialPortRecord[], removed: SerialPortRecord[]) => void): void {
    this.#choosers.add(onChange);
    this.#watchDirs();
  }

  #closeChooser(onChange: (added: SerialPortRecord[], removed: SerialPortRecord[]) => void): void {
    this.#choosers.delete(onChange);
    if (this.#choosers.size > 0) return;
    if ([...this.#ports.values()].some((ports) => ports.size > 0)) this.#refWatchers();
    else this.#unwatch();
  }

  /** Watches /dev and the directories of added paths (like /dev/pts) for device nodes. */
  #watchDirs(): void {
    this.#unwatch();
    const dirs = new Set(["/dev", ...[...this.#paths].map((path) => dirname(path))]);
    for (const dir of dirs) {
      try {
        const watcher = watch(dir, () => {
          this.#scheduleRescan();
          // Deno's node:fs watcher is ref'd again once it has delivered an event: set the
          // state again after it asks for the next one.
          setTimeout(() => this.#refWatchers(), 0);
        });
        watcher.on("error", () => {});
        this.#watchers.push(watcher);
      } catch {
        // A directory that cannot be watched is only listed again at the next request.
      }
    }
    this.#refWatchers();
  }

  /** An open chooser keeps the program alive, as a pending request does; granted ports do not. */
  #refWatchers(): void {
    for (const watcher of this.#watchers) {
      if (this.#choosers.size > 0) watcher.ref();
      else watcher.unref();
    }
  }

  #unwatch(): void {
    for (const watcher of this.#watchers) watcher.close();
    this.#watchers = [];
    clearTimeout(this.#rescan);
    this.#rescan = undefined;
  }

  #scheduleRescan(): void {
    if (this.#rescan !== undefined) return;
    // Node creation and udev's permission change come in bursts; one rescan covers them.
    this.#rescan = setTimeout(() => {
      this.#rescan = undefined;
      this.#scan().catch(() => {});
    }, 50);
    if (this.#choosers.size === 0) this.#rescan.unref();
  }
}
