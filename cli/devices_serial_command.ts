/**
 * `ses devices serial [--add PATH]... [--json]`: the serial ports the enumerator sees (sysfs,
 * plus paths given with `--add`), as Electron's `select-serial-port` would list them.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { isTtyDevice, type SessionModule } from "../session/mod.ts";
import { usageLine } from "./usage_error.ts";
import { terminalText } from "./terminal_text.ts";

/** The usage line of `ses devices serial`. */
export const DEVICES_SERIAL_USAGE = "  ses devices serial [--add PATH]... [--json]";

/** Where `ses devices serial` writes. */
export interface DevicesSerialOutput {
  /** Results. */
  out: (line: string) => void;
  /** Errors. */
  err: (line: string) => void;
}

/**
 * Lists serial ports: one line each (`portName  VVVV:PPPP  serial  name`, ids in hex as `lsusb`
 * shows them), or a JSON array of Electron's port entries with `--json`.
 *
 * @param session The `session` module.
 * @param args The arguments after `devices serial`.
 * @param output Where to print.
 * @returns 0; 1 when an `--add` path does not exist or is no tty device (the other ports
 * are still listed); 2 for bad arguments.
 *
 * @example
 * ```ts
 * import { session } from "../mod.ts";
 * import { runDevicesSerial } from "./devices_serial_command.ts";
 * await runDevicesSerial(session, ["--json"], { out: console.log, err: console.error });
 * // [{"portId":"6F2A…","portName":"ttyUSB0","displayName":"FT232R USB UART",…}]
 * ```
 */
export async function runDevicesSerial(
  session: SessionModule,
  args: string[],
  output: DevicesSerialOutput,
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        json: { type: "boolean", default: false },
        add: { type: "string", multiple: true, default: [] },
      },
    }));
  } catch (error) {
    output.err(usageLine("devices serial", error));
    return 2;
  }
  const serial = session.fromPartition("ses-devices-cli").serial;
  try {
    for (const path of values.add) serial.addPortPath(path);
  } catch (error) {
    output.err(`ses devices serial: ${(error as Error).message}`);
    return 2;
  }
  // The enumerator lists an added path only while it is a tty device: say so rather than omit
  // it.
  let status = 0;
  for (const path of values.add) {
    if (await isTtyDevice(path)) continue;
    output.err(
      existsSync(path)
        ? `ses devices serial: "${path}" is not a tty device`
        : `ses devices serial: no device at "${path}"`,
    );
    status = 1;
  }
  const ports = await serial.listPorts();
  if (values.json) {
    output.out(JSON.stringify(ports));
    return status;
  }
  if (ports.length === 0) output.out("no serial ports");
  for (const port of ports) {
    const hex = (id: string | undefined) =>
      id === undefined ? "----" : Number(id).toString(16).padStart(4, "0");
    const ids = port.vendorId === undefined ? "" : `${hex(port.vendorId)}:${hex(port.productId)}`;
    // The names come from the device (udev reads its USB strings): escaped, tabs too, as the
    // columns are tab-separated.
    const field = (text: string | undefined) => terminalText(text ?? "").replaceAll("\t", "\\t");
    output.out(
      [field(port.portName), ids, field(port.serialNumber), field(port.displayName)].join("\t")
        .trimEnd(),
    );
  }
  return status;
}
