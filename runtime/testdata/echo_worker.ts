/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

// Replies with what it was sent and the worker's own name, to check `createWorker` options.
self.onmessage = (event: MessageEvent<unknown>) => {
  self.postMessage({ echo: event.data, name: self.name });
};
