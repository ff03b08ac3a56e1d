import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { usageLine } from "./usage_error.ts";

function thrown(args: string[]): unknown {
  try {
    parseArgs({ args, options: { data: { type: "string", short: "d" } } });
  } catch (error) {
    return error;
  }
  assert.fail(`parseArgs took ${JSON.stringify(args)}`);
}

describe("usageLine", () => {
  it("cuts parseArgs' errors to one sentence on one line, the same in both runtimes", () => {
    assert.equal(
      usageLine("fetch", thrown(["--bogus"])),
      "ses fetch: Unknown option '--bogus' (ses fetch --help lists the options)",
    );
    assert.equal(
      usageLine("fetch", thrown(["-d"])),
      "ses fetch: Option '-d, --data <value>' argument missing (ses fetch --help lists the options)",
    );
    assert.equal(
      usageLine("cache", thrown(["extra"])),
      "ses cache: Unexpected argument 'extra' (ses cache --help lists the options)",
    );
  });

  it("keeps the way to pass a value that starts with a dash", () => {
    const line = usageLine("fetch", thrown(["-d", "-x"]));
    assert.doesNotMatch(line, /\n/);
    assert.match(line, /^ses fetch: Option '-d' argument is ambiguous: .*'--data=-XYZ'/);
  });

  it("does not name the command twice, and takes plain messages", () => {
    assert.equal(
      usageLine("fetch", new TypeError("ses fetch: a URL is required")),
      "ses fetch: a URL is required (ses fetch --help lists the options)",
    );
    assert.equal(
      usageLine("devices", 'unknown device kind "usb"'),
      'ses devices: unknown device kind "usb" (ses devices --help lists the options)',
    );
  });
});
