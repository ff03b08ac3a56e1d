import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NET_ERRORS } from "../core/net_errors.ts";
import { readNetLogFile } from "../netlog/mod.ts";
import { CHROMIUM_ARGS } from "./fixtures/chromium_args.ts";

// The error table is Chromium's net_error_list.h as the Chromium here (Debian's 156, which
// .ci/run installs) has it: a code it renamed or retired, or one it added, shows up here.
describe("NET_ERRORS against Debian's Chromium", () => {
  it(
    "is the netError table chromium --log-net-log writes, OK aside",
    { timeout: 60_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "ses-chromium-errors-"));
      try {
        const log = join(dir, "log.json");
        const run = spawnSync("chromium", [
          ...CHROMIUM_ARGS,
          `--user-data-dir=${join(dir, "profile")}`,
          `--log-net-log=${log}`,
          "--dump-dom",
          "about:blank",
        ], { encoding: "utf8", timeout: 45_000 });
        assert.equal(run.status, 0, run.stderr);
        const { constants } = await readNetLogFile(log);
        const chromium = Object.entries(constants.netError as Record<string, number>)
          .filter(([, number]) => number !== 0);
        const sorted = (entries: [string, number][]) =>
          entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        assert.deepEqual(sorted(Object.entries(NET_ERRORS)), sorted(chromium));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
