import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SessionError } from "./session_error.ts";
import { unlessAborted } from "./unless_aborted.ts";

const isAborted = (error: unknown) =>
  SessionError.is(error) && error.code === "ERR_ABORTED" && error.url === "http://a.test/";

describe("unlessAborted", () => {
  it("settles as the promise does while the signal stays quiet, or with no signal", async () => {
    const controller = new AbortController();
    assert.equal(await unlessAborted(Promise.resolve(1), controller.signal, "http://a.test/"), 1);
    assert.equal(await unlessAborted(Promise.resolve(2), undefined, "http://a.test/"), 2);
    await assert.rejects(
      unlessAborted(Promise.reject(new Error("own")), controller.signal, "http://a.test/"),
      { message: "own" },
    );
  });

  it("rejects with net::ERR_ABORTED at the abort, and hands a late value to dropLate", async () => {
    const controller = new AbortController();
    let resolve: (value: string) => void = () => {};
    const dropped: string[] = [];
    const waiting = unlessAborted(
      new Promise<string>((r) => resolve = r),
      controller.signal,
      "http://a.test/",
      (late) => dropped.push(late),
    );
    const reason = new Error("stop");
    controller.abort(reason);
    await assert.rejects(
      waiting,
      (error: unknown) => isAborted(error) && (error as Error).cause === reason,
    );
    resolve("late");
    await Promise.resolve();
    assert.deepEqual(dropped, ["late"]);
  });

  it("rejects at once when the signal has already aborted", async () => {
    await assert.rejects(
      unlessAborted(new Promise(() => {}), AbortSignal.abort(), "http://a.test/"),
      isAborted,
    );
  });
});
