/**
 * Test support: runs PAC look-ups whose recursion overflows the host's own stack inside QuickJS
 * (a JSON.stringify of deeply nested arrays, a deeply nested literal given to eval) before
 * QuickJS's stack check sees it, each followed by an ordinary look-up. Prints one line per
 * look-up (the answer, or the error's code and cause), so the test can also read what the
 * runtime printed on stderr.
 *
 * @module
 */

import { PacScript } from "../pac_script.ts";

const pac = await PacScript.compile(
  `function FindProxyForURL(url, host) {
     var nested = [];
     if (host === "json.example") {
       for (var i = 0; i < 200000; i++) nested = [nested];
       return JSON.stringify(nested);
     }
     if (host === "eval.example") return eval("[".repeat(200000));
     return "PROXY " + String(host) + ":1";
   }`,
);
for (const host of ["json.example", "a.example", "eval.example", "b.example"]) {
  try {
    console.log(await pac.findProxyForUrl(new URL(`http://${host}/`)));
  } catch (error) {
    const { code, cause } = error as { code?: string; cause?: unknown };
    console.log(`${code} ${String(cause)}`);
  }
}
pac.dispose();
