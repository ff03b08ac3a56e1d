/**
 * The session layer: the `session` module, `app`, and the `Session` facade that wires the
 * subsystems together.
 *
 * @example
 * ```ts
 * import { app, session } from "./mod.ts";
 * const ses = session.fromPartition("persist:work");
 * console.log(ses.storagePath?.startsWith(app.getPath("userData"))); // true
 * ```
 *
 * @module
 */

import { currentRuntime } from "../runtime/mod.ts";
import { App } from "./app.ts";
import { createSessionModule, type SessionModule } from "./session_module.ts";

export { App, type AppEvents } from "./app.ts";
export type { AppPathName } from "./app_paths.ts";
export { acceptLanguageHeader } from "./accept_language.ts";
export { Session, type SessionEvents, type SessionInit, type SessionOptions } from "./session.ts";
export { createSessionModule, type SessionModule } from "./session_module.ts";
export { SessionSpellcheck, type SessionSpellCheckOptions } from "./session_spellcheck.ts";
export type { Misspelling, SpellcheckDictionaryProvider } from "../spellcheck/mod.ts";
// For the CLI, which reaches the subsystems through this module only: it checks `--lang` codes
// as setSpellCheckerLanguages does without changing a persistent partition's languages.
export { normalizeSpellCheckerLanguages } from "../spellcheck/mod.ts";
export type { SessionFetchInit } from "../net/mod.ts";
export type {
  CookieChangeCause,
  Cookies,
  CookiesEvents,
  CookiesGetFilter,
  CookiesSetDetails,
} from "../cookies/mod.ts";
export type {
  BeforeRequestListener,
  BeforeRequestResponse,
  BeforeSendHeadersListener,
  BeforeSendResponse,
  CallbackResponse,
  CompletedDetails,
  ErrorDetails,
  HeadersReceivedListener,
  HeadersReceivedResponse,
  NotifyListener,
  OnBeforeRedirectListenerDetails,
  OnBeforeRequestListenerDetails,
  OnBeforeSendHeadersListenerDetails,
  OnCompletedListenerDetails,
  OnErrorOccurredListenerDetails,
  OnHeadersReceivedListenerDetails,
  OnResponseStartedListenerDetails,
  OnSendHeadersListenerDetails,
  RedirectDetails,
  RequestDetails,
  ResponseDetails,
  SendHeadersDetails,
  WebRequest,
  WebRequestFilter,
} from "../web_request/mod.ts";
export type {
  Protocol,
  ProtocolHandler,
  ProtocolRequest,
  ProtocolResponse,
  ProtocolResponseUploadData,
  ProtocolSession,
} from "../protocol/mod.ts";
export type {
  CreateInterruptedDownloadOptions,
  DownloadInterruptReason,
  DownloadItem,
  DownloadState,
  DownloadURLOptions,
} from "../downloads/mod.ts";
export { type CrdownloadSidecar, readSidecar } from "../downloads/mod.ts";
export { type ClearCodeCachesOptions, CodeCache } from "./code_cache.ts";
export type { ResolvedEndpoint, ResolvedHost, ResolveHostOptions } from "./resolve_host.ts";
export {
  type DeviceGrant,
  type DevicePermissionDetails,
  type DevicePermissionHandler,
  type DeviceType,
  type DisplayMediaDevice,
  type DisplayMediaRequest,
  type DisplayMediaRequestHandler,
  type DisplayMediaRequestHandlerOptions,
  type DisplayMediaRequestOptions,
  type DisplayMediaSelection,
  type DisplayMediaStreams,
  Hid,
  HIDConnectionEvent,
  HIDDevice,
  type HidDeviceDetails,
  type HIDDeviceFilter,
  HidEvents,
  HIDInputReportEvent,
  type HidSessionEvents,
  isTtyDevice,
  parseReportDescriptor,
  type PermissionCheckDetails,
  type PermissionCheckHandler,
  type PermissionRequestDetails,
  type PermissionRequestHandler,
  type PermissionRequestOptions,
  Permissions,
  type PreferredDisplaySurface,
  RecordedHidBackend,
} from "../devices/mod.ts";
export type {
  Serial,
  SerialCheckDetails,
  SerialConnectionEvent,
  SerialDeviceDetails,
  SerialDevicePermissionDetails,
  SerialEvents,
  SerialInputSignals,
  SerialOptions,
  SerialPort,
  SerialPortFilter,
  SerialPortInfo,
  SerialPortListEntry,
  SerialPortRequestOptions,
  SerialPortRevokedDetails,
  SerialRequester,
  SerialSignalChanges,
} from "../devices/mod.ts";
export {
  type CaptureMode,
  type Har,
  type HarContent,
  type HarCookie,
  type HarEntry,
  type HarNameValue,
  type HarPostData,
  NetLog,
  netLogProblems,
  netLogToHar,
  netLogView,
  parseNetLog,
  type ReadNetLog,
  type ReadNetLogEvent,
  readNetLogFile,
  type StartLoggingOptions,
} from "../netlog/mod.ts";
export {
  type Extension,
  extensionIdFromKey,
  extensionIdFromPath,
  Extensions,
  type ExtensionsEvents,
  extensionWarnings,
  type LoadExtensionOptions,
  parseManifest,
  readManifest,
} from "../extensions/mod.ts";
export {
  type PreloadScript,
  type PreloadScriptRegistration,
  PreloadScripts,
} from "./preload_scripts.ts";
export {
  type ServiceWorkerConsoleMessage,
  type ServiceWorkerInfo,
  type ServiceWorkerRunningStatus,
  ServiceWorkers,
  type ServiceWorkersEvents,
} from "./service_workers.ts";

export type {
  SharedDictionaryInfo,
  SharedDictionaryIsolationKey,
  SharedDictionaryUsageInfo,
} from "./shared_dictionaries.ts";
export type {
  BluetoothPairingDetails,
  BluetoothPairingHandler,
  USBProtectedClass,
  USBProtectedClassesHandler,
} from "./usb_bluetooth_handlers.ts";
export {
  type ChromiumImportSummary,
  StorageData,
  type StorageStateOptions,
} from "./storage_data.ts";
export type {
  ClearDataOptions,
  ClearStorageDataOptions,
  StorageState,
  StorageStateCookie,
  StorageStateCookieInput,
  StorageStateInput,
  StorageStateOrigin,
  WebStorage,
} from "../storage/mod.ts";

const runtime = currentRuntime();

/**
 * Electron's `app`, headless: paths and the `'session-created'` event.
 *
 * @example
 * ```ts
 * import { app } from "./mod.ts";
 * console.log(app.getPath("userData"));
 * ```
 */
export const app: App = new App(runtime);

/**
 * Electron's `session` module.
 *
 * @example
 * ```ts
 * import { session } from "./mod.ts";
 * console.log(session.defaultSession.isPersistent()); // true
 * ```
 */
export const session: SessionModule = createSessionModule(app, runtime);
