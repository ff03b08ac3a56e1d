/**
 * Electron's display media request handler (`ses.setDisplayMediaRequestHandler`) and the
 * headless door that runs it: what a page's `navigator.mediaDevices.getDisplayMedia()` asks of
 * the main process, without a page.
 *
 * @module
 */

/** The display surface a page prefers (`getDisplayMedia`'s `displaySurface` constraint). */
export type PreferredDisplaySurface = "none" | "monitor" | "window" | "browser";

/**
 * What the display media request handler receives (Electron's `request`, its keys in the order
 * of Electron's `Converter<content::MediaStreamRequest>`). There is no frame headlessly:
 * `frame` is `null`.
 */
export interface DisplayMediaRequest {
  /** The frame asking; `null` headlessly. */
  frame: null;
  /**
   * The origin asking as a URL (Chromium's `GURL`), like `https://a.test/` (`file:///` when the
   * program names none).
   */
  securityOrigin: string;
  /** Whether the request came with a user gesture. */
  userGesture: boolean;
  /** Whether a video stream is asked for. */
  videoRequested: boolean;
  /** Whether an audio stream is asked for. */
  audioRequested: boolean;
  /** The display surface the page prefers; `none` when it states no preference. */
  preferredDisplaySurface: PreferredDisplaySurface;
}

/**
 * The streams a handler grants (Electron's `Streams`): `video` a `DesktopCapturerSource`-like
 * `{id, name}` (Electron also takes a `WebFrameMain`, which does not exist headlessly), `audio`
 * `"loopback"`, `"loopbackWithMute"` (any string is taken as a system audio id, as in
 * Electron) or `{id, name}`; `enableLocalEcho` concerns a frame's audio only.
 */
export interface DisplayMediaStreams {
  /** The video source: its `id` and `name` are used. */
  video?: { id: string; name: string; [key: string]: unknown };
  /** The audio source. */
  audio?: string | { id: string; name: string };
  /** Whether a frame's own audio still plays locally (frames only). */
  enableLocalEcho?: boolean;
}

/**
 * Electron's display media request handler: call `callback(streams)` to grant, or
 * `callback(null)` / `callback()` to refuse.
 */
export type DisplayMediaRequestHandler = (
  request: DisplayMediaRequest,
  callback: (streams?: DisplayMediaStreams | null) => void,
) => void;

/** Electron's options of `setDisplayMediaRequestHandler`. */
export interface DisplayMediaRequestHandlerOptions {
  /**
   * Use the operating system's picker where there is one (macOS 15+ in Electron); Linux has
   * none, so the handler always decides, as in Electron on Linux.
   */
  useSystemPicker?: boolean;
}

/** Options of {@linkcode Permissions.requestDisplayMedia}: what `getDisplayMedia` asks for. */
export interface DisplayMediaRequestOptions {
  /** The origin asking; default `"file://"`. */
  origin?: string;
  /** Whether video is asked for; default `true` (`getDisplayMedia()`'s default). */
  video?: boolean;
  /** Whether audio is asked for; default `false`. */
  audio?: boolean;
  /** Whether the request comes with a user gesture; default `true`. */
  userGesture?: boolean;
  /** The display surface preferred; default `none` (no preference). */
  preferredDisplaySurface?: PreferredDisplaySurface;
}

/** One device a display media request got: Chromium's `MediaStreamDevice` id and name. */
export interface DisplayMediaDevice {
  /** The source's id, like `screen:0:0` or `loopback`. */
  id: string;
  /** Its name (`System audio` for an audio id given as a string, as in Electron). */
  name: string;
}

/** What a granted display media request gets: the devices the handler chose. */
export interface DisplayMediaSelection {
  /** The video device, when video was asked for. */
  video?: DisplayMediaDevice;
  /** The audio device, when audio was asked for and the handler gave one. */
  audio?: DisplayMediaDevice;
}

/**
 * Turns a handler's answer into the devices granted, as Electron's `DisplayMediaDeviceChosen`
 * does.
 *
 * @param request The request the handler saw.
 * @param streams The value the handler passed to its callback.
 * @returns The devices, or `null` when the handler refused (`null`, `undefined`).
 * @throws {TypeError} Electron's messages: `Display Media Request streams callback must be
 * called with null or a valid object`, `video must be a WebFrameMain or DesktopCapturerSource`,
 * `audio must be a WebFrameMain, "loopback" or "loopbackWithMute"`, `Video was requested, but
 * no video stream was provided`.
 *
 * @example
 * ```ts
 * import { chosenDisplayMedia } from "./display_media.ts";
 * const request = {
 *   frame: null,
 *   securityOrigin: "https://a.test/",
 *   userGesture: true,
 *   videoRequested: true,
 *   audioRequested: true,
 *   preferredDisplaySurface: "none" as const,
 * };
 * const chosen = chosenDisplayMedia(request, { video: { id: "screen:0:0", name: "Screen" }, audio: "loopback" });
 * console.log(chosen?.audio); // { id: "loopback", name: "System audio" }
 * ```
 */
export function chosenDisplayMedia(
  request: DisplayMediaRequest,
  streams: unknown,
): DisplayMediaSelection | null {
  if (streams === null || streams === undefined) return null;
  if (typeof streams !== "object" && typeof streams !== "function") {
    throw new TypeError(
      "Display Media Request streams callback must be called with null or a valid object",
    );
  }
  const given = streams as Record<string, unknown>;
  const selection: DisplayMediaSelection = {};
  if (request.videoRequested && "video" in given) {
    const video = sourceOf(given.video);
    if (video === undefined) {
      throw new TypeError("video must be a WebFrameMain or DesktopCapturerSource");
    }
    selection.video = video;
  }
  if (request.audioRequested && "audio" in given) {
    const audio = typeof given.audio === "string"
      ? { id: given.audio, name: "System audio" }
      : sourceOf(given.audio);
    if (audio === undefined) {
      throw new TypeError('audio must be a WebFrameMain, "loopback" or "loopbackWithMute"');
    }
    selection.audio = audio;
  }
  if (request.videoRequested && selection.video === undefined) {
    throw new TypeError("Video was requested, but no video stream was provided");
  }
  return selection;
}

// gin reads `id` and `name` as strings from any object (a DesktopCapturerSource has more).
function sourceOf(value: unknown): DisplayMediaDevice | undefined {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) {
    return undefined;
  }
  const { id, name } = value as { id?: unknown; name?: unknown };
  return typeof id === "string" && typeof name === "string" ? { id, name } : undefined;
}
