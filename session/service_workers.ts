/**
 * `ses.serviceWorkers`: Electron's `ServiceWorkers` object with the registry a headless
 * session has — none. No service worker ever runs (they need a renderer), so no event fires,
 * `getAllRunning()` is `{}` and the lookups fail with Electron's errors.
 *
 * @module
 */

import type { ElectronEvent } from "../core/electron_event.ts";
import { TypedEmitter } from "../core/typed_emitter.ts";

/** Electron's `ServiceWorkerInfo`. */
export interface ServiceWorkerInfo {
  /** The worker script's URL. */
  scriptUrl: string;
  /** The registration scope. */
  scope: string;
  /** The renderer process id. */
  renderProcessId: number;
  /** The version id. */
  versionId: number;
}

/** Electron's `messageDetails` of a service worker's `'console-message'`. */
export interface ServiceWorkerConsoleMessage {
  /** The console message. */
  message: string;
  /** The version id of the worker that logged it. */
  versionId: number;
  /** The source: `javascript`, `console-api`, `network`, `security`, `worker`, `other`, ... */
  source: string;
  /** The level, 0 to 3: verbose, info, warning, error. */
  level: number;
  /** The URL the message came from. */
  sourceUrl: string;
  /** The line of the source that logged it. */
  lineNumber: number;
}

/** The running states of a service worker version. */
export type ServiceWorkerRunningStatus = "starting" | "running" | "stopping" | "stopped";

/**
 * The events of `ses.serviceWorkers` (never emitted headlessly), with Electron's listener
 * signatures (`docs/api/service-workers.md`).
 */
export type ServiceWorkersEvents = {
  /** A worker logged to its console. */
  "console-message": (event: ElectronEvent, messageDetails: ServiceWorkerConsoleMessage) => void;
  /** A registration completed. */
  "registration-completed": (event: ElectronEvent, details: { scope: string }) => void;
  /**
   * A worker's running status changed. One argument, as in Electron: the event object itself
   * carries the fields (`Event<{versionId, runningStatus}>`).
   */
  "running-status-changed": (
    details: ElectronEvent & { versionId: number; runningStatus: ServiceWorkerRunningStatus },
  ) => void;
};

/**
 * A session's service workers, headless: always none.
 *
 * @example
 * ```ts
 * import { ServiceWorkers } from "./service_workers.ts";
 * console.log(new ServiceWorkers().getAllRunning()); // {}
 * ```
 */
export class ServiceWorkers extends TypedEmitter<ServiceWorkersEvents> {
  /**
   * Returns the running workers by version id.
   *
   * @returns `{}`: none runs headlessly.
   */
  getAllRunning(): Record<number, ServiceWorkerInfo> {
    return {};
  }

  /**
   * Looks a worker up by version id.
   *
   * @param _versionId The version id.
   * @throws {Error} `Could not find service worker with that version_id`, always.
   */
  getInfoFromVersionID(_versionId: number): ServiceWorkerInfo {
    throw new Error("Could not find service worker with that version_id");
  }

  /**
   * Deprecated alias of {@linkcode ServiceWorkers.getInfoFromVersionID}.
   *
   * @param versionId The version id.
   * @throws {Error} `Could not find service worker with that version_id`, always.
   */
  getFromVersionID(versionId: number): ServiceWorkerInfo {
    return this.getInfoFromVersionID(versionId);
  }

  /**
   * Returns the `ServiceWorkerMain` of a version.
   *
   * @param _versionId The version id.
   * @returns `undefined`: none exists headlessly.
   */
  getWorkerFromVersionID(_versionId: number): undefined {
    return undefined;
  }

  /**
   * Starts the worker registered for a scope.
   *
   * @param _scope The scope URL.
   * @returns Rejects with `Failed to start service worker.`: none is registered headlessly.
   */
  startWorkerForScope(_scope: string): Promise<never> {
    return Promise.reject(new Error("Failed to start service worker."));
  }
}
