/**
 * protocol: a session's custom schemes and interceptors (Electron's `Protocol`), `file:` URLs,
 * and the pipeline stage that answers from them.
 *
 * Electron's module-level `protocol.registerSchemesAsPrivileged` is for renderers (secure
 * contexts, CORS, service workers of a scheme); with no renderer it has no meaning here and is
 * not offered.
 *
 * @example
 * ```ts
 * import { Protocol } from "./mod.ts";
 * const protocol = new Protocol({ fetch, independentFetch: fetch });
 * console.log(protocol.registerStringProtocol("notes", (_request, callback) => callback("hi"))); // true
 * console.log(protocol.registerStringProtocol("notes", (_request, callback) => callback("hi"))); // false
 * ```
 *
 * @module
 */

export * from "./file_response.ts";
export * from "./protocol.ts";
export * from "./protocol_stage.ts";
export type * from "./protocol_types.ts";
