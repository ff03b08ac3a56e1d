/**
 * Just enough DER (X.690) to read the parts of a certificate the runtimes' `X509Certificate`
 * does not expose alike in Deno and Bun: tag-length-value walking, OIDs and extensions.
 *
 * @module
 */

/** A DER tag-length-value: the tag byte, where its contents start and end. */
export interface Tlv {
  /** The offset of the tag byte, where the whole element starts. */
  offset: number;
  /** The identifier octet (`0x30` SEQUENCE, `0x06` OID, `0xa3` [3] constructed, ...). */
  tag: number;
  /** The offset of the first content byte. */
  start: number;
  /** The offset just past the last content byte. */
  end: number;
}

/**
 * Reads the TLV at `offset`.
 *
 * @param der The encoding.
 * @param offset Where the tag byte is.
 * @returns The element's tag and content range.
 * @throws {SyntaxError} When it is truncated or its length takes more than 4 bytes.
 *
 * @example
 * ```ts
 * import { readTlv } from "./_der.ts";
 * console.log(readTlv(new Uint8Array([0x04, 0x02, 1, 2]), 0)); // { offset: 0, tag: 4, start: 2, end: 4 }
 * ```
 */
export function readTlv(der: Uint8Array, offset: number): Tlv {
  const tag = der[offset];
  let length = der[offset + 1];
  if (tag === undefined || length === undefined) throw new SyntaxError("Truncated DER");
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new SyntaxError("Bad DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[start + i] ?? NaN);
    start += count;
  }
  const end = start + length;
  if (!(end <= der.length)) throw new SyntaxError("Truncated DER");
  return { offset, tag, start, end };
}

/**
 * The elements inside a constructed one, in order.
 *
 * @param der The encoding.
 * @param parent A SEQUENCE, SET or constructed context tag.
 * @returns Its children.
 * @throws {SyntaxError} When a child runs past its parent.
 *
 * @example
 * ```ts
 * import { children, readTlv } from "./_der.ts";
 * const der = new Uint8Array([0x30, 0x06, 0x02, 0x01, 7, 0x02, 0x01, 8]);
 * console.log(children(der, readTlv(der, 0)).length); // 2
 * ```
 */
export function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const list: Tlv[] = [];
  for (let offset = parent.start; offset < parent.end;) {
    const child = readTlv(der, offset);
    if (child.end > parent.end) throw new SyntaxError("Truncated DER");
    list.push(child);
    offset = child.end;
  }
  return list;
}

/**
 * An OBJECT IDENTIFIER's contents in dotted form.
 *
 * @param bytes The content bytes (no tag or length).
 * @returns The dotted OID, such as `2.5.29.15`.
 *
 * @example
 * ```ts
 * import { oidText } from "./_der.ts";
 * console.log(oidText(new Uint8Array([0x55, 0x1d, 0x0f]))); // "2.5.29.15"
 * ```
 */
export function oidText(bytes: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (byte & 0x80) continue;
    if (arcs.length === 0) {
      arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
    } else arcs.push(value);
    value = 0;
  }
  return arcs.join(".");
}

/**
 * The fields of a certificate's TBSCertificate (RFC 5280 §4.1): `[0] version` when present,
 * serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, ..., `[3]
 * extensions`.
 *
 * @param der A certificate, DER.
 * @returns The TBSCertificate's fields and the outer signatureAlgorithm.
 * @throws {SyntaxError} When it is not a certificate.
 *
 * @example
 * ```ts
 * import { Buffer } from "node:buffer";
 * import { getCACertificates } from "node:tls";
 * import { tbsFields } from "./_der.ts";
 * const [pem = ""] = getCACertificates("default");
 * const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
 * console.log(tbsFields(der).fields.length > 6); // true
 * ```
 */
export function tbsFields(der: Uint8Array): { fields: Tlv[]; algorithm: Tlv } {
  const [tbs, algorithm] = children(der, readTlv(der, 0));
  if (!tbs || !algorithm) throw new SyntaxError("Not a certificate");
  return { fields: children(der, tbs), algorithm };
}

/**
 * The DER inside one extension's OCTET STRING. extensions `[3] EXPLICIT SEQUENCE OF
 * Extension`, the last TBSCertificate field; `Extension ::= SEQUENCE { extnID, critical
 * BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }`.
 *
 * @param der A certificate, DER.
 * @param fields Its TBSCertificate fields ({@linkcode tbsFields}).
 * @param oid The extension's dotted OID.
 * @returns The value's outer element, or `undefined` without the extension.
 * @throws {SyntaxError} When the extension is malformed.
 *
 * @example
 * ```ts
 * import { Buffer } from "node:buffer";
 * import { getCACertificates } from "node:tls";
 * import { extensionValue, tbsFields } from "./_der.ts";
 * const [pem = ""] = getCACertificates("default");
 * const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
 * // basicConstraints, a SEQUENCE (tag 0x30), in every root
 * console.log(extensionValue(der, tbsFields(der).fields, "2.5.29.19")?.tag); // 48
 * ```
 */
export function extensionValue(
  der: Uint8Array,
  fields: readonly Tlv[],
  oid: string,
): Tlv | undefined {
  const wrapper = fields.find((field) => field.tag === 0xa3);
  const [extensions] = wrapper ? children(der, wrapper) : [];
  for (const extension of extensions ? children(der, extensions) : []) {
    const parts = children(der, extension);
    const id = parts[0];
    const value = parts[parts.length - 1];
    if (id?.tag !== 0x06 || oidText(der.subarray(id.start, id.end)) !== oid) continue;
    if (value?.tag !== 0x04) throw new SyntaxError("Bad extension");
    return readTlv(der, value.start);
  }
  return undefined;
}

/**
 * The first byte of a certificate's keyUsage BIT STRING (RFC 5280 §4.2.1.3: digitalSignature
 * `0x80`, keyEncipherment `0x20`, keyCertSign `0x04`, ...).
 *
 * @param der A certificate, DER.
 * @param fields Its TBSCertificate fields ({@linkcode tbsFields}).
 * @returns The bits, `0` for a BIT STRING with none, `undefined` without the extension.
 * @throws {SyntaxError} When the extension is not a BIT STRING.
 *
 * @example
 * ```ts
 * import { Buffer } from "node:buffer";
 * import { getCACertificates } from "node:tls";
 * import { keyUsageBits, tbsFields } from "./_der.ts";
 * const [pem = ""] = getCACertificates("default");
 * const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
 * const bits = keyUsageBits(der, tbsFields(der).fields);
 * console.log(bits === undefined || (bits & 0x04) !== 0); // true: a root may sign certificates
 * ```
 */
export function keyUsageBits(der: Uint8Array, fields: readonly Tlv[]): number | undefined {
  const value = extensionValue(der, fields, "2.5.29.15");
  if (value === undefined) return undefined;
  if (value.tag !== 0x03) throw new SyntaxError("Bad keyUsage");
  // Past the unused-bits byte; a BIT STRING with no bits sets none.
  return value.end > value.start + 1 ? der[value.start + 1] : 0;
}
