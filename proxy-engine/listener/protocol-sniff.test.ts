import { describe, expect, it } from "vitest";
import { classify, H2_PREFACE } from "./protocol-sniff";

describe("classify", () => {
  it("recognises the full HTTP/2 preface", () => {
    expect(classify(H2_PREFACE)).toBe("h2");
    expect(classify(Buffer.concat([H2_PREFACE, Buffer.from([0, 0, 0])]))).toBe("h2");
  });
  it("waits while the bytes are still a prefix of the preface", () => {
    expect(classify(Buffer.from("P"))).toBeUndefined();
    expect(classify(Buffer.from("PRI * HTTP/2"))).toBeUndefined();
  });
  it("says h1 as soon as the bytes diverge", () => {
    expect(classify(Buffer.from("G"))).toBe("h1");
    expect(classify(Buffer.from("POST / HTTP/1.1\r\n"))).toBe("h1");
    expect(classify(Buffer.from("PRI / HTTP/1.1"))).toBe("h1");
  });
});
