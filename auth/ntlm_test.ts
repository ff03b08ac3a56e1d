import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { createHmac } from "node:crypto";
import {
  ntlmAuthenticate,
  ntlmNegotiate,
  ntlmv2Blob,
  ntlmv2Hash,
  readNtlmChallenge,
} from "./ntlm.ts";

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const fromHex = (text: string) => new Uint8Array(text.match(/../g)!.map((b) => parseInt(b, 16)));
const b64 = (text: string) => new Uint8Array(Array.from(atob(text), (c) => c.charCodeAt(0)));

// [MS-NLMP] §4.2.4: the NTLMv2 worked example.
const SERVER_CHALLENGE = fromHex("0123456789abcdef");
const CLIENT_CHALLENGE = fromHex("aaaaaaaaaaaaaaaa");
// AV pairs: MsvAvNbDomainName "Domain", MsvAvNbComputerName "Server", MsvAvEOL.
const TARGET_INFO = fromHex(
  "02000c0044006f006d00610069006e00" + "01000c0053006500720076006500720000000000",
);

function challengeMessage(flags: number, targetInfo: Uint8Array): string {
  const message = new Uint8Array(48 + targetInfo.length);
  message.set([0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0]);
  const view = new DataView(message.buffer);
  view.setUint32(8, 2, true);
  view.setUint32(20, flags, true);
  message.set(SERVER_CHALLENGE, 24);
  view.setUint16(40, targetInfo.length, true);
  view.setUint16(42, targetInfo.length, true);
  view.setUint32(44, 48, true);
  message.set(targetInfo, 48);
  return btoa(String.fromCharCode(...message));
}

describe("NTLMv2 ([MS-NLMP])", () => {
  it("derives §4.2.4.1.1's NTOWFv2 and §4.2.4.2.2's NTProofStr", () => {
    const key = ntlmv2Hash("User", "Domain", "Password");
    assert.equal(hex(key), "0c868a403bfd7a93a3001ef22ef02e3f");
    const blob = ntlmv2Blob(0n, CLIENT_CHALLENGE, TARGET_INFO);
    const proof = createHmac("md5", key).update(SERVER_CHALLENGE).update(blob).digest("hex");
    assert.equal(proof, "68cd0ab851e51c96aabc927bebef6a1c");
  });

  it("lays out the AUTHENTICATE message: responses, domain and user in UTF-16LE, flags", () => {
    const token = ntlmAuthenticate(
      readNtlmChallenge(challengeMessage(0xe28a8235, TARGET_INFO))!,
      "Domain\\User",
      "Password",
      { clientChallenge: CLIENT_CHALLENGE, timestamp: 0n },
    );
    const bytes = b64(token);
    const view = new DataView(bytes.buffer);
    const field = (at: number) => {
      const length = view.getUint16(at, true);
      const offset = view.getUint32(at + 4, true);
      return bytes.slice(offset, offset + length);
    };
    assert.equal(view.getUint32(8, true), 3);
    // LMv2 §4.2.4.2.1.
    assert.equal(hex(field(12)), "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa");
    assert.equal(hex(field(20).slice(0, 16)), "68cd0ab851e51c96aabc927bebef6a1c");
    assert.equal(new TextDecoder("utf-16le").decode(field(28)), "Domain");
    assert.equal(new TextDecoder("utf-16le").decode(field(36)), "User");
    assert.equal(view.getUint32(60, true) & 1, 1); // UNICODE
  });

  it("starts with a NEGOTIATE message and rejects malformed challenges", () => {
    const negotiate = b64(ntlmNegotiate());
    assert.equal(new DataView(negotiate.buffer).getUint32(8, true), 1);
    assert.equal(readNtlmChallenge("!!!"), undefined);
    assert.equal(readNtlmChallenge(ntlmNegotiate()), undefined);
    const truncated = b64(challengeMessage(0x00800000, TARGET_INFO)).slice(0, 52);
    assert.equal(readNtlmChallenge(btoa(String.fromCharCode(...truncated))), undefined);
  });

  it("never throws on an arbitrary challenge token, and answers any well-formed one", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.string(), (bytes, junk) => {
      readNtlmChallenge(junk);
      const token = btoa(String.fromCharCode(...bytes));
      readNtlmChallenge(token);
      // The same bytes behind a valid header: fields pointing anywhere.
      const framed = new Uint8Array(48 + bytes.length);
      framed.set([0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0, 2, 0, 0, 0]);
      framed.set(bytes.subarray(0, 36), 12);
      framed.set(bytes, 48);
      const challenge = readNtlmChallenge(btoa(String.fromCharCode(...framed)));
      if (challenge) assert.match(ntlmAuthenticate(challenge, "d\\u", "p"), /^TlRMTVNTUAAD/);
    }));
  });
});
