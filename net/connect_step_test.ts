import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SessionError } from "../core/session_error.ts";
import { boundConnectStep } from "./connect_step.ts";

function netError(code: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(SessionError.is(error), `expected SessionError ${code}, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  };
}

// A step that never finishes on its own and reports whether it was told to stop.
function hangingStep(): { step: (signal: AbortSignal) => Promise<string>; stopped: () => boolean } {
  let stopped = false;
  return {
    stopped: () => stopped,
    step: (signal) =>
      new Promise((_, reject) => {
        signal.addEventListener("abort", () => {
          stopped = true;
          reject(new SessionError("ERR_ABORTED"));
        });
      }),
  };
}

describe("boundConnectStep", () => {
  it("fails a step that runs over with ERR_TIMED_OUT and tells the step to stop", async () => {
    const { step, stopped } = hangingStep();
    await assert.rejects(
      boundConnectStep(step, 20, undefined, () => {}),
      netError("ERR_TIMED_OUT"),
    );
    assert.equal(stopped(), true);
  });

  it("fails with ERR_ABORTED when the caller gives up first, and stops the step", async () => {
    const { step, stopped } = hangingStep();
    const controller = new AbortController();
    const running = boundConnectStep(step, 60_000, controller.signal, () => {});
    controller.abort();
    await assert.rejects(running, netError("ERR_ABORTED"));
    assert.equal(stopped(), true);
  });

  it("fails at once for a signal already aborted, without running the step", async () => {
    let ran = false;
    const step = () => {
      ran = true;
      return Promise.resolve(1);
    };
    await assert.rejects(
      boundConnectStep(step, 1000, AbortSignal.abort(), () => {}),
      netError("ERR_ABORTED"),
    );
    assert.equal(ran, false);
  });

  it("lets the step stop its timer while it waits, and restart it in full", async () => {
    const { step, stopped } = hangingStep();
    const waiting = boundConnectStep(
      async (signal, timer) => {
        timer.stop();
        await new Promise((resolve) => setTimeout(resolve, 80)); // four timeouts' worth
        assert.equal(signal.aborted, false);
        timer.restart();
        return await step(signal);
      },
      20,
      undefined,
      () => {},
    );
    await assert.rejects(waiting, netError("ERR_TIMED_OUT"));
    assert.equal(stopped(), true);
  });

  it("disposes of a value that arrives after the step was given up", async () => {
    const disposed: string[] = [];
    const late = () => new Promise<string>((resolve) => setTimeout(() => resolve("socket"), 60));
    await assert.rejects(
      boundConnectStep(late, 10, undefined, (value) => disposed.push(value)),
      netError("ERR_TIMED_OUT"),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(disposed, ["socket"]);
  });

  it("passes the step's own value and failure through", async () => {
    assert.equal(await boundConnectStep(() => Promise.resolve(7), 1000, undefined, () => {}), 7);
    await assert.rejects(
      boundConnectStep(
        () => Promise.reject(new SessionError("ERR_CONNECTION_REFUSED")),
        1000,
        undefined,
        () => {},
      ),
      netError("ERR_CONNECTION_REFUSED"),
    );
    await assert.rejects(
      boundConnectStep(
        () => {
          throw new TypeError("bad step");
        },
        1000,
        undefined,
        () => {},
      ),
      TypeError,
    );
  });
});
