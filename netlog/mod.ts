/**
 * Net logs in Chromium's format: the session's `netLog` (Electron's `NetLog`), the file
 * writer, capture modes and a reader for complete or cut-off logs.
 *
 * @example
 * ```ts
 * import { NetLog } from "./mod.ts";
 * const netLog = new NetLog();
 * console.log(netLog.currentlyLogging); // false
 * ```
 *
 * @module
 */

export { NetLog, type StartLoggingOptions } from "./net_log.ts";
export { type CaptureMode, elideHeaderLine, paramsJson } from "./capture_mode.ts";
export { FileNetLogWriter, type FileNetLogWriterOptions } from "./file_net_log_writer.ts";
export {
  eventTypeNumber,
  LOAD_FLAGS,
  NET_LOG_EVENT_TYPES,
  NET_LOG_SOURCE_TYPES,
  netLogConstants,
  sourceTypeNumber,
} from "./net_log_constants.ts";
export {
  netLogProblems,
  parseNetLog,
  type ReadNetLog,
  type ReadNetLogEvent,
} from "./read_net_log.ts";
export { readNetLogFile } from "./read_net_log_file.ts";
export {
  netErrorOf,
  requestAliveEnd,
  type RequestAliveObserver,
  requestAliveStage,
  urlRequestJobStage,
  type UrlRequestJobStageOptions,
} from "./request_log_stages.ts";
export {
  type Har,
  type HarContent,
  type HarCookie,
  type HarEntry,
  type HarNameValue,
  type HarPostData,
  netLogToHar,
} from "./net_log_to_har.ts";
export { netLogView } from "./net_log_view.ts";
