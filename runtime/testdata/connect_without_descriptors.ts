/**
 * Run by `_bun_tcp_socket_test.ts` under a low descriptor limit: uses up the descriptors, then
 * connects to the port given, and prints the rejection's `code` (or `connected`).
 *
 * @module
 */

import { openSync } from "node:fs";
import process from "node:process";
import { connectBunTcp } from "../_bun_tcp_socket.ts";

const port = Number(process.argv[2]);
const held: number[] = [];
try {
  for (;;) held.push(openSync("/dev/null", "r"));
} catch {
  // The limit is reached: the connect below has no descriptor for its socket.
}
try {
  (await connectBunTcp("127.0.0.1", port)).destroy();
  console.log("connected");
} catch (error) {
  console.log((error as { code?: string }).code);
}
process.exit(0);
