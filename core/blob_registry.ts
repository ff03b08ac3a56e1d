/**
 * The process-wide blob registry behind `ses.getBlobData(uuid)`. In Electron a renderer's
 * `Blob` upload shows up in webRequest and protocol handlers as an `uploadData` item
 * `{type: 'blob', blobUUID}`, and `getBlobData` reads its bytes. Headlessly there is no
 * renderer: `ses.fetch` registers a `Blob` (or `File`) body here, the stages that show upload
 * bodies (webRequest, protocol) name its UUID, and the entry unregisters it once the request
 * has its answer.
 *
 * @module
 */

const blobs = new Map<string, Uint8Array>();

/**
 * Registers bytes under a new UUID.
 *
 * @param bytes The blob's bytes (kept, not copied).
 * @returns The UUID (v4) to put in `uploadData` as `blobUUID`.
 *
 * @example
 * ```ts
 * import { blobData, registerBlob, unregisterBlob } from "./blob_registry.ts";
 * const uuid = registerBlob(new TextEncoder().encode("hi"));
 * console.log((await blobData(uuid)).length); // 2
 * unregisterBlob(uuid);
 * ```
 */
export function registerBlob(bytes: Uint8Array): string {
  const uuid = crypto.randomUUID();
  blobs.set(uuid, bytes);
  return uuid;
}

/**
 * Forgets a blob; an unknown UUID does nothing.
 *
 * @param uuid The UUID from {@linkcode registerBlob}.
 */
export function unregisterBlob(uuid: string): void {
  blobs.delete(uuid);
}

/**
 * Reads a registered blob, as Electron's `ses.getBlobData`.
 *
 * @param uuid The UUID.
 * @returns The bytes.
 * @throws {Error} (rejects) `Could not get blob data handle` for an unknown UUID, Electron's
 * message.
 *
 * @example
 * ```ts
 * import { blobData } from "./blob_registry.ts";
 * const error = await blobData("00000000-0000-4000-8000-000000000000").catch((e) => e);
 * console.log(error.message); // Could not get blob data handle
 * ```
 */
export function blobData(uuid: string): Promise<Uint8Array> {
  const bytes = blobs.get(uuid);
  if (bytes === undefined) return Promise.reject(new Error("Could not get blob data handle"));
  return Promise.resolve(bytes);
}
