/**
 * `@ses/session` — Electron's `session` API for Deno and Bun programs with no browser engine.
 *
 * @example
 * ```ts
 * import { app, session } from "./mod.ts";
 * const ses = session.fromPartition("persist:work");
 * console.log(ses.isPersistent(), ses.storagePath, app.getPath("userData"));
 * ```
 *
 * @module
 */

export { app, session } from "./session/mod.ts";
export type {
  App,
  AppEvents,
  AppPathName,
  ChromiumImportSummary,
  ClearCodeCachesOptions,
  ClearDataOptions,
  ClearStorageDataOptions,
  DevicePermissionDetails,
  DevicePermissionHandler,
  DeviceType,
  DisplayMediaDevice,
  DisplayMediaRequest,
  DisplayMediaRequestHandler,
  DisplayMediaRequestHandlerOptions,
  DisplayMediaRequestOptions,
  DisplayMediaSelection,
  DisplayMediaStreams,
  Extension,
  Extensions,
  ExtensionsEvents,
  Hid,
  HIDConnectionEvent,
  HIDDevice,
  HidDeviceDetails,
  HIDDeviceFilter,
  HidEvents,
  HIDInputReportEvent,
  LoadExtensionOptions,
  Misspelling,
  PermissionCheckDetails,
  PermissionCheckHandler,
  PermissionRequestDetails,
  PermissionRequestHandler,
  PermissionRequestOptions,
  Permissions,
  PreferredDisplaySurface,
  PreloadScript,
  PreloadScriptRegistration,
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
  SerialSignalChanges,
  ServiceWorkerConsoleMessage,
  ServiceWorkerInfo,
  ServiceWorkerRunningStatus,
  ServiceWorkers,
  ServiceWorkersEvents,
  Session,
  SessionEvents,
  SessionFetchInit,
  SessionModule,
  SessionOptions,
  SessionSpellCheckOptions,
  SpellcheckDictionaryProvider,
  StorageState,
  StorageStateCookie,
  StorageStateCookieInput,
  StorageStateInput,
  StorageStateOptions,
  StorageStateOrigin,
  WebStorage,
} from "./session/mod.ts";
export type {
  Certificate,
  CertificatePrincipal,
  CertificateVerifyCallback,
  CertificateVerifyProc,
  CertificateVerifyRequest,
  Cookie,
  CookieSameSite,
  NetworkEmulationOptions,
  PreconnectOptions,
  ProxyConfig,
  SSLConfig,
  SSLVersion,
  UploadData,
} from "./core/electron_types.ts";
export type {
  BluetoothPairingDetails,
  BluetoothPairingHandler,
  SharedDictionaryInfo,
  SharedDictionaryIsolationKey,
  SharedDictionaryUsageInfo,
  USBProtectedClass,
  USBProtectedClassesHandler,
} from "./session/mod.ts";
export type {
  CookieChangeCause,
  Cookies,
  CookiesEvents,
  CookiesGetFilter,
  CookiesSetDetails,
} from "./session/mod.ts";
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
} from "./session/mod.ts";
export type {
  Protocol,
  ProtocolHandler,
  ProtocolRequest,
  ProtocolResponse,
  ProtocolResponseUploadData,
  ProtocolSession,
} from "./session/mod.ts";
export type {
  CreateInterruptedDownloadOptions,
  DownloadInterruptReason,
  DownloadItem,
  DownloadState,
  DownloadURLOptions,
} from "./session/mod.ts";
export type { CaptureMode, NetLog, StartLoggingOptions } from "./session/mod.ts";
export { ElectronEvent } from "./core/electron_event.ts";
export { SessionError } from "./core/session_error.ts";
export type { NetErrorCode } from "./core/net_errors.ts";
