// Captured bodies: text detection and the hex dump.
import { describe, expect, it } from "vitest";
import { bodyBase64, bodyText, hexDump, isText } from "./tap-body";

const enc = (s: string) => new TextEncoder().encode(s);

describe("tap bodies", () => {
  it("tells text from binary", () => {
    expect(isText(enc('{"a":1}'), "application/json")).toBe(true);
    expect(isText(enc("héllo"), "")).toBe(true);
    expect(isText(new Uint8Array([0, 1, 2, 255]), "")).toBe(false);
    expect(isText(enc("abc"), "application/grpc")).toBe(false);
    // A capture cut in the middle of a multi-byte character is still text.
    expect(isText(enc("héllo wörld é").subarray(0, 13), "")).toBe(true);
  });

  it("dumps hex like hexdump -C and decodes text", () => {
    const dump = hexDump(enc("0123456789abcdefXY"));
    expect(dump.split("\n")).toEqual([
      "00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|",
      "00000010  58 59                                             |XY|",
    ]);
    expect(bodyText(enc("hi"))).toBe("hi");
    expect(bodyBase64(enc("hi"))).toBe("aGk=");
  });
});
