/**
 * The PAC thread: a `node:worker_threads` worker that holds every compiled PAC script's
 * QuickJS sandbox, so that the main thread can end a script that outlives its deadline by
 * terminating the thread. Its protocol is `_pac_protocol.ts` (and `"ready"` once QuickJS is
 * loaded); requests are served in order.
 *
 * @module
 */

import { parentPort } from "node:worker_threads";
import { getQuickJS, type QuickJSWASMModule } from "quickjs-emscripten";
import { PacSandbox, type RunOutcome } from "./_pac_sandbox.ts";
import { type PacWorkerReply, type PacWorkerRequest, SEPARATOR } from "./_pac_protocol.ts";

const port = parentPort;
if (port !== null) {
  const sandboxes = new Map<number, PacSandbox>();
  let module: QuickJSWASMModule | undefined;
  // Requests that come while QuickJS loads wait for it, in order.
  let loading: Promise<unknown> = getQuickJS().then((loaded) => {
    module = loaded;
    port.postMessage("ready");
  });
  const serve = (request: PacWorkerRequest, quickJs: QuickJSWASMModule) => {
    if (typeof request === "string") {
      const [seq, id, budgetMs, noMoreLookups, url = "", host = "", answers] = request.split(
        SEPARATOR,
      );
      const sandbox = sandboxes.get(Number(id));
      const outcome: RunOutcome = sandbox === undefined
        ? { error: "the script was disposed", fatal: true, alerts: [] }
        : sandbox.run(
          url,
          host,
          answers ? JSON.parse(answers) : {},
          noMoreLookups === "1",
          Date.now() + Number(budgetMs),
        );
      port.postMessage(
        "result" in outcome && outcome.alerts.length === 0
          ? `${seq}${SEPARATOR}${outcome.result}`
          : [Number(seq), outcome] satisfies PacWorkerReply,
      );
    } else if (request[1] === "compile") {
      const [seq, , id, source, limits] = request;
      try {
        sandboxes.set(id, new PacSandbox(quickJs, source, limits));
        port.postMessage([seq, null] satisfies PacWorkerReply);
      } catch (error) {
        port.postMessage([seq, (error as Error).message] satisfies PacWorkerReply);
      }
    } else {
      sandboxes.get(request[2])?.dispose();
      sandboxes.delete(request[2]);
    }
  };
  port.on("message", (request: PacWorkerRequest) => {
    if (module !== undefined) serve(request, module);
    else loading = loading.then(() => serve(request, module!));
  });
}
