/**
 * Downloads for a session: `DownloadItem` with Electron's methods and events, Chromium's file
 * naming (`generateFileName`), unique names that never overwrite, `.crdownload` files with a
 * resume sidecar, pause by backpressure and resume by `Range` + `If-Range`.
 *
 * @example
 * ```ts
 * import { generateFileName } from "./mod.ts";
 * console.log(generateFileName({
 *   url: "https://a.test/dl?id=1",
 *   contentDisposition: "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf",
 * })); // résumé.pdf
 * ```
 *
 * @module
 */

export { contentDispositionFilename } from "./content_disposition.ts";
export { type CrdownloadSidecar, readSidecar, sidecarPath } from "./crdownload_sidecar.ts";
export type { DownloadFetch } from "./download_fetch.ts";
export {
  DownloadItem,
  type DownloadItemEvents,
  type DownloadItemInit,
  type DownloadState,
  type InterruptedState,
} from "./download_item.ts";
export {
  type CreateInterruptedDownloadOptions,
  DownloadManager,
  type DownloadManagerDeps,
  type DownloadURLOptions,
} from "./download_manager.ts";
export {
  generateFileName,
  type GenerateFileNameOptions,
  isReservedName,
} from "./generate_file_name.ts";
export { type DownloadInterruptReason, type ResumeMode } from "./interrupt_reason.ts";
export {
  type FileFilter,
  type SaveDialogOptions,
  type SaveDialogSettings,
} from "./save_dialog_options.ts";
export { PARTIAL_SUFFIX } from "./unique_path.ts";
