// Parsers for the tap form's CIDR, port, status and latency fields.
import { describe, expect, it } from "vitest";
import { isIpv6, parseCidr, parseLatencyMs, parsePorts, parseStatusFilter } from "./tap-filters";

describe("tap filters", () => {
  it("parses IPs and CIDR blocks", () => {
    expect(parseCidr("10.0.0.0/8")).toEqual({ ip: "10.0.0.0", mask: 8 });
    expect(parseCidr(" 127.0.0.1 ")).toEqual({ ip: "127.0.0.1", mask: 32 });
    expect(parseCidr("fd00::/8")).toEqual({ ip: "fd00::", mask: 8 });
    expect(parseCidr("::ffff:10.0.0.1")).toEqual({ ip: "::ffff:10.0.0.1", mask: 128 });
    expect(typeof parseCidr("256.0.0.1")).toBe("string");
    expect(typeof parseCidr("10.0.0.0/33")).toBe("string");
    expect(typeof parseCidr("10.0.0.0/8/1")).toBe("string");
    expect(typeof parseCidr("reviews")).toBe("string");
    for (const ok of ["::", "::1", "1:2:3:4:5:6:7:8", "1::8", "1:2:3:4:5:6:1.2.3.4"]) expect(isIpv6(ok)).toBe(true);
    for (const bad of ["1:2:3:4:5:6:7:8:9", "1::2::3", ":1:2", "g::1", "1:2:3:4:5:6:7"]) expect(isIpv6(bad)).toBe(false);
  });

  it("parses ports and ranges", () => {
    expect(parsePorts("8080")).toEqual({ min: 8080, max: 0 });
    expect(parsePorts("8000 - 8999")).toEqual({ min: 8000, max: 8999 });
    expect(parsePorts("80-80")).toEqual({ min: 80, max: 0 });
    expect(typeof parsePorts("0")).toBe("string");
    expect(typeof parsePorts("70000")).toBe("string");
    expect(typeof parsePorts("90-80")).toBe("string");
    expect(typeof parsePorts("http")).toBe("string");
  });

  it("parses status classes and codes", () => {
    expect(parseStatusFilter("")).toEqual({ classes: [], codes: [] });
    expect(parseStatusFilter("5xx, 4XX 429,503 5xx")).toEqual({ classes: [5, 4], codes: [429, 503] });
    expect(typeof parseStatusFilter("6xx")).toBe("string");
    expect(typeof parseStatusFilter("99")).toBe("string");
  });

  it("parses latencies", () => {
    expect(parseLatencyMs("")).toBeUndefined();
    expect(parseLatencyMs("250")).toBe(250);
    expect(parseLatencyMs("250ms")).toBe(250);
    expect(parseLatencyMs("1.5s")).toBe(1500);
    expect(typeof parseLatencyMs("fast")).toBe("string");
    expect(typeof parseLatencyMs("2h")).toBe("string");
  });
});
