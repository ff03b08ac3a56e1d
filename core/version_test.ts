import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { VERSION } from "./version.ts";

function manifestVersion(name: string): unknown {
  const text = readFileSync(new URL(`../${name}`, import.meta.url), "utf8");
  return (JSON.parse(text) as { version?: unknown }).version;
}

describe("VERSION", () => {
  it("equals the version in deno.json and package.json", () => {
    assert.equal(VERSION, manifestVersion("deno.json"));
    assert.equal(VERSION, manifestVersion("package.json"));
  });
});
