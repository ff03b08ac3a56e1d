/**
 * Web Serial throughput on a pty pair, in one run of this runtime: `SerialPort` (its writable,
 * and its readable through a BYOB reader) against a plain `node:fs` read/write loop on the same
 * pty (`fs.open` of the same path, `fs.read`/`fs.write` with callbacks). Target (issue 15):
 * ≥ 0.9×.
 *
 * Method. The far (main) side of the pty is driven by the same code in both cases. Each
 * direction moves 4 MiB in 4 KiB chunks in lock-step: one chunk is sent, then read whole on the
 * other side, then the next. Lock-step keeps the `node:fs` loop honest without a second thread
 * of ours: a chunk fits the pty's buffers, so neither contender's write waits for a reader that
 * has not started (with 16 KiB chunks both would wait for ever). Bytes are 0x00–0x7F so that `PARMRK` never doubles a
 * byte. Five rounds, the two contenders interleaved with the order rotating; printed: the median
 * of the per-round ratios of MiB/s (SerialPort ÷ node:fs), and of CPU time per MiB
 * (`process.cpuUsage()`, node:fs ÷ SerialPort, so above 1 means SerialPort spends less).
 *
 * Run: `deno run -A bench/serial_bench.ts` or `bun bench/serial_bench.ts`.
 *
 * @module
 */

import { close, open, read, write } from "node:fs";
import process from "node:process";
import { currentRuntime, openPtyPair, type PtyPair } from "../runtime/mod.ts";
import { SerialPort } from "../devices/mod.ts";
import { createLibcSerialIo } from "../runtime/mod.ts";
import { median } from "./bench_common.ts";

const TOTAL = 4 << 20;
const CHUNK = 4 << 10;
const ROUNDS = 5;
const runtime = currentRuntime();
const data = Uint8Array.from({ length: TOTAL }, (_, i) => (i * 31 + (i >> 9)) & 0x7f);

/** One side's byte mover: `send` takes a whole chunk, `receive` reads what is available. */
interface Side {
  send(bytes: Uint8Array): Promise<void>;
  receive(into: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

function fsSide(path: string): Promise<Side> {
  return new Promise((resolve, reject) =>
    open(path, "r+", (error, fd) => {
      if (error) return reject(error);
      resolve({
        send: async (bytes) => {
          for (let sent = 0; sent < bytes.length;) {
            sent += await new Promise<number>((done, fail) =>
              write(fd, bytes, sent, bytes.length - sent, (e, n) => e ? fail(e) : done(n))
            );
          }
        },
        receive: (into) =>
          new Promise((done, fail) =>
            read(fd, into, 0, into.length, null, (e, n) => e ? fail(e) : done(n))
          ),
        close: () => new Promise((done) => close(fd, () => done())),
      });
    })
  );
}

async function portSide(path: string): Promise<Side> {
  const port = new SerialPort({ path }, {
    io: createLibcSerialIo(runtime),
    mayOpen: () => true,
    forget: () => {},
  });
  await port.open({ baudRate: 3000000, bufferSize: CHUNK });
  const writer = port.writable!.getWriter();
  const reader = port.readable!.getReader({ mode: "byob" });
  let spare = new Uint8Array(CHUNK);
  return {
    send: (bytes) => writer.write(bytes),
    receive: async (into) => {
      // A BYOB read transfers the buffer it is given; read into a spare one and copy out, the
      // way a program reusing one buffer does.
      const { value } = await reader.read(spare.subarray(0, into.length));
      into.set(value!);
      spare = new Uint8Array(value!.buffer);
      return value!.length;
    },
    close: async () => {
      reader.releaseLock();
      writer.releaseLock();
      await port.close();
    },
  };
}

async function lockstep(
  send: (bytes: Uint8Array) => Promise<unknown>,
  receive: (into: Uint8Array) => Promise<number>,
): Promise<void> {
  const buffer = new Uint8Array(CHUNK);
  for (let offset = 0; offset < TOTAL; offset += CHUNK) {
    await send(data.subarray(offset, offset + CHUNK));
    for (let got = 0; got < CHUNK;) got += await receive(buffer.subarray(got));
  }
}

async function mainSend(pty: PtyPair, bytes: Uint8Array): Promise<void> {
  for (let sent = 0; sent < bytes.length;) sent += await pty.main.write(bytes.subarray(sent));
}

/** Moves TOTAL bytes out through the side and TOTAL bytes in; returns seconds and CPU µs. */
async function measure(open: (path: string) => Promise<Side>) {
  const pty = await openPtyPair(runtime);
  // The port configures the line (raw mode) in both cases; node:fs then opens the same tty.
  const configured = await portSide(pty.path);
  const side = open === portSide ? configured : await open(pty.path);
  const cpu = process.cpuUsage();
  const start = performance.now();
  await lockstep((bytes) => side.send(bytes), (into) => pty.main.read(into));
  await lockstep((bytes) => mainSend(pty, bytes), (into) => side.receive(into));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  if (side !== configured) await side.close();
  await configured.close();
  pty.main.close();
  return { seconds, cpu: used.user + used.system };
}

if (import.meta.main) {
  const name = "Deno" in globalThis
    ? `Deno ${process.versions.deno}`
    : `Bun ${process.versions.bun}`;
  const mib = (2 * TOTAL) / (1 << 20);
  await measure(portSide);
  await measure(fsSide);
  const speed: number[] = [];
  const cpu: number[] = [];
  const rates: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [portSide, fsSide] : [fsSide, portSide];
    const results = new Map<unknown, { seconds: number; cpu: number }>();
    for (const open of order) results.set(open, await measure(open));
    const ours = results.get(portSide)!;
    const theirs = results.get(fsSide)!;
    speed.push(theirs.seconds / ours.seconds);
    cpu.push(theirs.cpu / ours.cpu);
    rates.push(`${(mib / ours.seconds).toFixed(0)}/${(mib / theirs.seconds).toFixed(0)}`);
  }
  const ratio = median(speed);
  console.log(`serial_bench (${name})`);
  console.log(
    `  pty, 4 MiB each way in 4 KiB lock-step chunks: SerialPort ÷ node:fs ${
      ratio.toFixed(2)
    }× MiB/s (${ratio >= 0.9 ? "meets" : "MISSES"} target ≥ 0.9×), CPU per MiB ${
      median(cpu).toFixed(2)
    }× less; MiB/s per round (SerialPort/node:fs) ${rates.join(" ")}`,
  );
}
