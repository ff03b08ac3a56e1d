import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import {
  moveWithoutOverwrite,
  openPartialPath,
  releasePartialPath,
  releaseReservation,
  reserveUniquePath,
} from "./unique_path.ts";

const dir = mkdtempSync(join(tmpdir(), "ses-unique-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("reserveUniquePath", () => {
  it("skips names taken on disk, by partial files and by this process", async () => {
    writeFileSync(join(dir, "a.tar.gz"), "x");
    writeFileSync(join(dir, "a (1).tar.gz.crdownload"), "x");
    const first = await reserveUniquePath(dir, "a.tar.gz");
    const second = await reserveUniquePath(dir, "a.tar.gz");
    assert.equal(first.path, join(dir, "a (2).tar.gz"));
    assert.equal(second.path, join(dir, "a (3).tar.gz"));
    for (const reservation of [first, second]) {
      await reservation.handle.close();
      releaseReservation(reservation.path);
    }
  });

  it("truncates long names at a character boundary, keeping the extension", async () => {
    const reservation = await reserveUniquePath(dir, `${"é".repeat(200)}.txt`);
    const name = reservation.path.slice(dir.length + 1);
    assert.ok(name.endsWith(".txt"));
    assert.ok(Buffer.byteLength(`${name}.crdownload.json.tmp`) <= 255);
    assert.ok(!name.includes("\uFFFD"));
    await reservation.handle.close();
    releaseReservation(reservation.path);
  });
  it("never hands out a name another process completed while this one checked it", async () => {
    // Each child reserves and completes 40 downloads of one name in a shared directory. A name
    // whose file appeared between the check and the creation of its partial file would end as
    // "race (4) (1).txt" when moved; every name must be a first choice instead.
    const shared = mkdtempSync(join(dir, "race-"));
    const writer = fileURLToPath(
      new URL("../tests/fixtures/unique_name_writer.ts", import.meta.url),
    );
    const run = () => {
      const args = [writer, shared, "race.txt", "40"];
      const child = spawn(process.execPath, "Deno" in globalThis ? ["run", "-A", ...args] : args, {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      child.stdout.on("data", (chunk: Uint8Array) => out += new TextDecoder().decode(chunk));
      return new Promise<string[]>((resolve) =>
        child.on("close", (code) => resolve(code === 0 ? out.trim().split("\n") : [`exit ${code}`]))
      );
    };
    const paths = (await Promise.all([run(), run()])).flat();
    const names = paths.map((path) => path.slice(shared.length + 1)).sort();
    const expected = ["race.txt", ...Array.from({ length: 79 }, (_, n) => `race (${n + 1}).txt`)];
    assert.deepEqual(names, expected.sort());
    assert.deepEqual(readdirSync(shared).sort(), expected);
  });
});

describe("openPartialPath", () => {
  it("numbers the partial file of a chosen path while another download writes it", async () => {
    const path = join(dir, "chosen.bin");
    const first = await openPartialPath(path);
    const second = await openPartialPath(path);
    assert.deepEqual(
      [first.partialPath, second.partialPath],
      [`${path}.crdownload`, `${path} (1).crdownload`],
    );
    // A generated name never takes a claimed partial file.
    const generated = await reserveUniquePath(dir, "chosen.bin");
    assert.equal(generated.path, join(dir, "chosen (1).bin"));
    await generated.handle.close();
    releaseReservation(generated.path);
    for (const { handle, partialPath } of [first, second]) {
      await handle.close();
      releasePartialPath(partialPath);
    }
  });

  it("never writes into a partial file another process holds", async () => {
    // Another process's download of the same save path, which this process cannot see in its
    // own claims: its bytes stay its own.
    const path = join(dir, "shared.bin");
    writeFileSync(`${path}.crdownload`, "theirs");
    const mine = await openPartialPath(path);
    assert.equal(mine.partialPath, `${path} (1).crdownload`);
    await mine.handle.write(new TextEncoder().encode("mine"));
    await mine.handle.close();
    releasePartialPath(mine.partialPath);
    assert.equal(readFileSync(`${path}.crdownload`, "utf8"), "theirs");
    assert.equal(readFileSync(mine.partialPath, "utf8"), "mine");
  });
});

describe("moveWithoutOverwrite", () => {
  it("never replaces a file that appeared meanwhile", async () => {
    writeFileSync(join(dir, "m.bin"), "theirs");
    writeFileSync(join(dir, "m.bin.crdownload"), "ours");
    const moved = await moveWithoutOverwrite(join(dir, "m.bin.crdownload"), join(dir, "m.bin"));
    assert.equal(moved, join(dir, "m (1).bin"));
    assert.equal(readFileSync(join(dir, "m.bin"), "utf8"), "theirs");
    assert.equal(readFileSync(moved, "utf8"), "ours");
    assert.ok(!readdirSync(dir).includes("m.bin.crdownload"));
  });
});
