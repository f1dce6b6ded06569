// xDS preview grouping: by proxy, then by type in LDS/RDS/CDS/EDS order.
import { describe, expect, it } from "vitest";
import { groupByProxy, prettyJson, shortProxyName, touchedTypes, type ResourceChange } from "./xds-groups";

const c = (proxy: string, type: string, name: string): ResourceChange => ({ proxy, type, name, change: "modified", beforeJson: "{}", afterJson: "{}" });

describe("xDS groups", () => {
  it("groups by proxy and orders types as xDS does", () => {
    const g = groupByProxy([c("b", "EDS", "x"), c("a", "RDS", "outbound"), c("b", "CDS", "z"), c("b", "CDS", "y"), c("b", "LDS", "l")]);
    expect(g.map((p) => [p.proxy, p.count, p.types.map((t) => `${t.type}:${t.resources.map((r) => r.name).join(",")}`)])).toEqual([
      ["a", 1, ["RDS:outbound"]],
      ["b", 4, ["LDS:l", "CDS:y,z", "EDS:x"]],
    ]);
    expect([...touchedTypes([c("a", "RDS", "o"), c("a", "RDS", "p")])]).toEqual(["a|RDS"]);
  });

  it("names proxies briefly and pretty-prints JSON", () => {
    expect(shortProxyName("sidecar~127.0.0.1~reviews-v1-0.default~default.svc.cluster.local")).toBe("reviews-v1-0.default");
    expect(shortProxyName("plain")).toBe("plain");
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}\n');
    expect(prettyJson("")).toBe("");
  });
});
