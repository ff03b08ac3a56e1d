// Waits in poll(2) for the main thread (runtime/_fd_waiter.ts), one request at a time, so no
// read or write on the main thread ever blocks. A request is `{fd, events, wakeFd}`; the answer
// is `{revents, woke}`, after which the worker idles until the next request. The main thread
// interrupts a wait by writing a byte to the wake pipe, and drains the pipe itself.
//
// Plain JavaScript with no imports: `deno test` type-checks a TypeScript worker each time one
// starts (seconds), and a port opens one worker.

const POLLIN = 0x1;
const EINTR = 4;

/** Binds poll(2) and errno through Deno.dlopen or bun:ffi. */
async function bindPoll() {
  if ("Deno" in globalThis) {
    const { symbols } = Deno.dlopen("libc.so.6", {
      poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
      __errno_location: { parameters: [], result: "pointer" },
    });
    const errno = new Deno.UnsafePointerView(symbols.__errno_location());
    return { poll: symbols.poll, errno: () => errno.getInt32(0) };
  }
  const ffi = await import("bun:ffi");
  const { symbols } = ffi.dlopen("libc.so.6", {
    poll: { args: ["buffer", "u64", "i32"], returns: "i32" },
    __errno_location: { args: [], returns: "pointer" },
  });
  const address = symbols.__errno_location();
  return { poll: symbols.poll, errno: () => ffi.read.i32(address, 0) };
}

const libc = await bindPoll();
const fds = new Uint8Array(16);
const view = new DataView(fds.buffer);

self.onmessage = (message) => {
  const { fd, events, wakeFd } = message.data;
  view.setInt32(0, fd, true);
  view.setInt16(4, events, true);
  view.setInt16(6, 0, true);
  view.setInt32(8, wakeFd, true);
  view.setInt16(12, POLLIN, true);
  view.setInt16(14, 0, true);
  let ready = libc.poll(fds, 2n, -1);
  while (ready < 0 && libc.errno() === EINTR) ready = libc.poll(fds, 2n, -1);
  self.postMessage({
    revents: ready < 0 ? -1 : view.getInt16(6, true),
    woke: ready > 0 && view.getInt16(14, true) !== 0,
  });
};
self.postMessage({ ready: true });
