/**
 * IP literals as Chromium's `IPAddress::AssignFromIPLiteral` reads them: IPv4 in every form the
 * URL standard accepts (`0xA.020.3.4`, `127.1`), IPv6 without brackets.
 *
 * @module
 */

/** An address as bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array;

const IPV4_CANONICAL = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV4_LOOSE = /^[0-9a-fA-FxX.]+$/;
const IPV6_CHARS = /^[0-9a-fA-F:.]+$/;

/**
 * Parses an IP literal (IPv6 without brackets).
 *
 * @param text The literal, like `10.0.0.1`, `0xA.020.3.4` or `::ffff:1.2.3.4`.
 * @returns The address bytes, or `undefined` when `text` is not an IP literal.
 */
export function parseIpLiteral(text: string): IpBytes | undefined {
  if (text.includes(":")) return parseIpv6(text);
  if (!IPV4_LOOSE.test(text)) return undefined;
  let hostname: string;
  try {
    hostname = new URL(`http://${text}/`).hostname;
  } catch {
    return undefined;
  }
  const match = IPV4_CANONICAL.exec(hostname);
  if (!match) return undefined;
  return Uint8Array.from(match.slice(1), Number);
}

/**
 * The canonical text of an IPv6 literal (compressed, lower case, no brackets).
 *
 * @param text An IPv6 literal without brackets.
 * @returns The canonical text, or `undefined` when it is not one.
 */
export function canonicalIpv6(text: string): string | undefined {
  if (!IPV6_CHARS.test(text)) return undefined;
  try {
    const hostname = new URL(`http://[${text}]/`).hostname;
    return hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

function parseIpv6(text: string): IpBytes | undefined {
  const canonical = canonicalIpv6(text);
  if (canonical === undefined) return undefined;
  // The URL serializer writes hex groups only, with at most one "::".
  const [head = "", tail] = canonical.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const zeros = 8 - headGroups.length - tailGroups.length;
  const groups = [
    ...headGroups,
    ...Array<string>(tail === undefined ? 0 : zeros).fill("0"),
    ...tailGroups,
  ];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    const value = parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  return bytes;
}

/**
 * Formats address bytes: dotted decimal or compressed IPv6.
 *
 * @param bytes 4 or 16 bytes.
 * @returns The canonical text (IPv6 without brackets).
 */
export function formatIp(bytes: IpBytes): string {
  if (bytes.length === 4) return bytes.join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return canonicalIpv6(groups.join(":"))!;
}

/**
 * Tells whether `address` lies in `prefix/bits`; an IPv4 address and an IPv4-mapped IPv6 one
 * compare as the same address (Chromium's `IPAddressMatchesPrefix`).
 *
 * @param address The address.
 * @param prefix The network.
 * @param bits The prefix length in bits of `prefix`'s family.
 * @returns Whether the first `bits` bits agree.
 */
export function ipMatchesPrefix(address: IpBytes, prefix: IpBytes, bits: number): boolean {
  if (address.length !== prefix.length) {
    if (prefix.length === 4) return ipMatchesPrefix(address, mapToIpv6(prefix), bits + 96);
    return ipMatchesPrefix(mapToIpv6(address), prefix, bits);
  }
  for (let i = 0; i < bits; i += 8) {
    const remaining = bits - i;
    const mask = remaining >= 8 ? 0xff : (0xff << (8 - remaining)) & 0xff;
    if ((address[i / 8]! & mask) !== (prefix[i / 8]! & mask)) return false;
  }
  return true;
}

/**
 * The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), else the input.
 *
 * @param bytes An address.
 * @returns The unmapped address.
 */
export function unmapIpv4(bytes: IpBytes): IpBytes {
  if (bytes.length === 16 && ipMatchesPrefix(bytes, MAPPED_PREFIX, 96)) return bytes.slice(12);
  return bytes;
}

function mapToIpv6(bytes: IpBytes): IpBytes {
  const mapped = new Uint8Array(16);
  mapped[10] = 0xff;
  mapped[11] = 0xff;
  mapped.set(bytes, 12);
  return mapped;
}

const MAPPED_PREFIX = mapToIpv6(new Uint8Array(4));
