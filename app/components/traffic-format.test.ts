// Traffic formats on the Clusters and Overview pages.
import { describe, expect, it } from "vitest";
import { errorLevel, formatMs, formatPercent, formatRps, formatThreshold, shortProxy, UNLIMITED } from "./traffic-format";

describe("traffic formats", () => {
  it("prints rates, ratios and latencies compactly", () => {
    expect([0, 0.04, 2.345, 12.6, 1234, 25_000].map(formatRps)).toEqual(["0", "<0.1", "2.3", "13", "1,234", "25.0k"]);
    expect([undefined, 0, 0.0004, 0.0123, 0.5, 0.995, 0.9999, 1].map(formatPercent)).toEqual(["—", "0%", "<0.1%", "1.2%", "50%", "99.5%", ">99.9%", "100%"]);
    expect([undefined, 0.25, 3.21, 250.4, 1500].map(formatMs)).toEqual(["—", "250µs", "3.2ms", "250ms", "1.50s"]);
  });

  it("shows Istio's unlimited circuit breakers as ∞ and proxies by istioctl's name", () => {
    expect(formatThreshold(UNLIMITED)).toBe("∞");
    expect(formatThreshold(1024)).toBe("1,024");
    expect(shortProxy("sidecar~127.0.0.1~productpage-v1-0.default~default.svc.cluster.local")).toBe("productpage-v1-0.default");
    expect(shortProxy("ingressgateway")).toBe("ingressgateway");
  });

  it("grades error rates", () => {
    expect([undefined, 0, 0.02, 0.2].map(errorLevel)).toEqual(["none", "ok", "warn", "err"]);
  });
});
