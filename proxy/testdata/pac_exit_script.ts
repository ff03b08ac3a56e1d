/**
 * Test support: resolves one URL with a PAC script and returns without disposing it, so the
 * test can check that the PAC thread (asleep on its hand-off buffer) does not keep the process
 * alive.
 *
 * @module
 */

import { PacScript } from "../pac_script.ts";

// String() keeps the script off the calling-thread fast path, so the look-up crosses to the thread.
const pac = await PacScript.compile(
  'function FindProxyForURL(url, host) { return "PROXY " + String(host) + ":1"; }',
);
console.log(await pac.findProxyForUrl(new URL("http://a.example/")));
