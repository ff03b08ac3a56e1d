/**
 * The token that lets the registry, and nothing else, construct a `Session`.
 *
 * @module
 */

/** Passed to the `Session` constructor by the registry; user code never sees it. */
export const CONSTRUCT_SESSION: unique symbol = Symbol("Session.construct");
