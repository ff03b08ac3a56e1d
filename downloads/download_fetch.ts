/**
 * The fetch downloads are given: the session's pipeline door for resource type `download`.
 *
 * @module
 */

/**
 * A WHATWG-`fetch`-shaped function for download requests. `ses.fetchAs("download")` is one;
 * so is the runtime's `fetch`.
 */
export type DownloadFetch = (input: string, init?: RequestInit) => Promise<Response>;
