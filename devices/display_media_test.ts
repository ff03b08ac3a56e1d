import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type DisplayMediaRequest, Permissions } from "./mod.ts";

const SCREEN = { id: "screen:0:0", name: "Entire screen", thumbnail: null };

describe("Permissions.requestDisplayMedia", () => {
  it("without a handler rejects as a page sees it in Electron", async () => {
    await assert.rejects(new Permissions().requestDisplayMedia(), (error: unknown) => {
      assert.ok(error instanceof DOMException);
      assert.equal(error.name, "NotSupportedError");
      assert.equal(error.message, "Not supported");
      return true;
    });
  });

  it("takes null or a function, with Electron's TypeError otherwise", async () => {
    const permissions = new Permissions();
    for (const bad of [undefined, 5, "handler", {}]) {
      assert.throws(
        () => permissions.setDisplayMediaRequestHandler(bad as unknown as null),
        { name: "TypeError", message: "Display media request handler must be null or a function" },
      );
    }
    permissions.setDisplayMediaRequestHandler((_request, callback) => callback({ video: SCREEN }), {
      useSystemPicker: true,
    });
    assert.deepEqual(await permissions.requestDisplayMedia(), {
      video: { id: "screen:0:0", name: "Entire screen" },
    });
    permissions.setDisplayMediaRequestHandler(null);
    await assert.rejects(permissions.requestDisplayMedia(), { name: "NotSupportedError" });
  });

  it("gives the handler Electron's request and returns the chosen devices", async () => {
    const permissions = new Permissions();
    const seen: DisplayMediaRequest[] = [];
    permissions.setDisplayMediaRequestHandler((request, callback) => {
      seen.push(request);
      callback({ video: SCREEN, audio: "loopback" });
    });
    assert.deepEqual(await permissions.requestDisplayMedia(), {
      video: { id: "screen:0:0", name: "Entire screen" },
    });
    assert.deepEqual(
      await permissions.requestDisplayMedia({
        origin: "https://a.test",
        audio: true,
        userGesture: false,
        preferredDisplaySurface: "window",
      }),
      {
        video: { id: "screen:0:0", name: "Entire screen" },
        audio: { id: "loopback", name: "System audio" },
      },
    );
    assert.deepEqual(await permissions.requestDisplayMedia({ video: false, audio: true }), {
      audio: { id: "loopback", name: "System audio" },
    });
    // Electron's Converter<content::MediaStreamRequest>: these keys in this order, and the
    // security origin as a URL (url::Origin::GetURL()).
    assert.deepEqual(seen, [
      {
        frame: null,
        securityOrigin: "file:///",
        userGesture: true,
        videoRequested: true,
        audioRequested: false,
        preferredDisplaySurface: "none",
      },
      {
        frame: null,
        securityOrigin: "https://a.test/",
        userGesture: false,
        videoRequested: true,
        audioRequested: true,
        preferredDisplaySurface: "window",
      },
      {
        frame: null,
        securityOrigin: "file:///",
        userGesture: true,
        videoRequested: false,
        audioRequested: true,
        preferredDisplaySurface: "none",
      },
    ]);
    for (const request of seen) {
      assert.deepEqual(Object.keys(request), [
        "frame",
        "securityOrigin",
        "userGesture",
        "videoRequested",
        "audioRequested",
        "preferredDisplaySurface",
      ]);
    }
    assert.throws(
      () =>
        permissions.requestDisplayMedia({
          preferredDisplaySurface: "tab" as unknown as "none",
        }),
      {
        name: "TypeError",
        message: 'Invalid preferredDisplaySurface: "tab" (one of none, monitor, window, browser)',
      },
    );
    assert.throws(() => permissions.requestDisplayMedia({ video: false }), {
      name: "TypeError",
      message: "At least one of audio and video must be requested",
    });
  });

  it("a refusal is Chromium's CAPTURE_FAILURE; a later answer counts once", async () => {
    const permissions = new Permissions();
    let answer: unknown[] = [];
    permissions.setDisplayMediaRequestHandler((_request, callback) => {
      (callback as (...args: unknown[]) => void)(...answer);
      callback({ video: SCREEN }); // a OnceCallback: ignored
    });
    for (const refusal of [[], [null], [undefined]]) {
      answer = refusal;
      await assert.rejects(permissions.requestDisplayMedia(), (error: unknown) => {
        assert.ok(error instanceof DOMException);
        assert.equal(error.name, "AbortError");
        assert.equal(error.message, "Error starting capture");
        return true;
      });
    }
    let later: ((streams: { video: typeof SCREEN }) => void) | undefined;
    permissions.setDisplayMediaRequestHandler((_request, callback) => void (later = callback));
    const pending = permissions.requestDisplayMedia();
    later?.({ video: SCREEN });
    assert.deepEqual(await pending, { video: { id: "screen:0:0", name: "Entire screen" } });
  });

  it("a bad answer throws Electron's TypeError to the handler and fails the request", async () => {
    const cases: [unknown, boolean, string][] = [
      [
        5,
        false,
        "Display Media Request streams callback must be called with null or a valid object",
      ],
      [
        "loopback",
        false,
        "Display Media Request streams callback must be called with null or a valid object",
      ],
      [{}, false, "Video was requested, but no video stream was provided"],
      [{ audio: "loopback" }, true, "Video was requested, but no video stream was provided"],
      [{ video: undefined }, false, "video must be a WebFrameMain or DesktopCapturerSource"],
      [{ video: { id: "x" } }, false, "video must be a WebFrameMain or DesktopCapturerSource"],
      [{ video: "screen:0:0" }, false, "video must be a WebFrameMain or DesktopCapturerSource"],
      [
        { video: SCREEN, audio: 5 },
        true,
        'audio must be a WebFrameMain, "loopback" or "loopbackWithMute"',
      ],
      [
        { video: SCREEN, audio: null },
        true,
        'audio must be a WebFrameMain, "loopback" or "loopbackWithMute"',
      ],
    ];
    for (const [streams, audio, message] of cases) {
      const permissions = new Permissions();
      const thrown: unknown[] = [];
      permissions.setDisplayMediaRequestHandler((_request, callback) => {
        try {
          callback(streams as null);
        } catch (error) {
          thrown.push(error);
        }
      });
      await assert.rejects(permissions.requestDisplayMedia({ audio }), {
        name: "TypeError",
        message,
      });
      assert.equal((thrown[0] as Error | undefined)?.message, message, JSON.stringify(streams));
    }
    // Not asked for, so not looked at.
    const permissions = new Permissions();
    permissions.setDisplayMediaRequestHandler((_request, callback) =>
      callback({ video: SCREEN, audio: 5 } as never)
    );
    assert.deepEqual(Object.keys(await permissions.requestDisplayMedia()), ["video"]);
  });

  it("rejects with what the handler throws", async () => {
    const permissions = new Permissions();
    permissions.setDisplayMediaRequestHandler(() => {
      throw new RangeError("picker broke");
    });
    await assert.rejects(permissions.requestDisplayMedia(), {
      name: "RangeError",
      message: "picker broke",
    });
  });
});
