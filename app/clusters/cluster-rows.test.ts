// The Clusters list's search, sort and URL state.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ClusterSchema } from "../../proto/gen/meshdash/cluster/v1/cluster_pb";
import { queryFromParams, queryToParams, toRows, visibleRows, DEFAULT_QUERY } from "./cluster-rows";

const GW = "router~127.0.0.1~istio-ingressgateway.default~default.svc.cluster.local";
const PP = "sidecar~127.0.0.1~productpage-v1-0.default~default.svc.cluster.local";

const rows = toRows([
  create(ClusterSchema, { proxy: GW, name: "outbound|9080||details.default.svc.cluster.local", healthyEndpoints: 2, totalEndpoints: 2, traffic: { rps: 5, errorRate: 0 } }),
  create(ClusterSchema, { proxy: GW, name: "outbound|9080||ratings.default.svc.cluster.local", healthyEndpoints: 1, totalEndpoints: 2, traffic: { rps: 1, errorRate: 0.2, p99Ms: 40 } }),
  create(ClusterSchema, { proxy: PP, name: "outbound|9080||details.default.svc.cluster.local", healthyEndpoints: 2, totalEndpoints: 2, traffic: { rps: 9 } }),
  create(ClusterSchema, { proxy: PP, name: "inbound|9080||productpage.default.svc.cluster.local", healthyEndpoints: 1, totalEndpoints: 1 }),
]);
const names = (rs: { proxyName: string; name: string }[]) => rs.map((r) => `${r.proxyName.split("-")[0]} ${r.name.split("|")[3]?.split(".")[0]}`);

describe("cluster rows", () => {
  it("sorts unhealthy clusters first by default, ties busiest first", () => {
    expect(names(visibleRows(rows, DEFAULT_QUERY))).toEqual(["istio ratings", "productpage details", "istio details", "productpage productpage"]);
  });

  it("sorts by any column either way, with empty values last", () => {
    expect(names(visibleRows(rows, { search: "", sort: "p99", dir: "desc" }))[0]).toBe("istio ratings");
    expect(names(visibleRows(rows, { search: "", sort: "errors", dir: "asc" })).slice(-2)).toEqual(["productpage details", "productpage productpage"]);
    expect(names(visibleRows(rows, { search: "", sort: "rps", dir: "asc" }))).toEqual(["productpage productpage", "istio ratings", "istio details", "productpage details"]);
  });

  it("searches every term in the cluster and proxy names, case-insensitively", () => {
    expect(names(visibleRows(rows, { search: "DETAILS productpage", sort: "name", dir: "asc" }))).toEqual(["productpage details"]);
    expect(visibleRows(rows, { search: "outbound", sort: "name", dir: "asc" })).toHaveLength(3);
  });

  it("keeps the view in the URL, leaving defaults out", () => {
    expect(queryToParams(DEFAULT_QUERY).toString()).toBe("");
    const q = { proxy: GW, search: "reviews", sort: "rps" as const, dir: "desc" as const };
    expect([...queryToParams(q)]).toEqual([["proxy", GW], ["q", "reviews"], ["sort", "rps"]]);
    expect(queryFromParams(queryToParams(q))).toEqual(q);
    expect(queryFromParams(new URLSearchParams("sort=bogus&dir=up"))).toEqual(DEFAULT_QUERY);
  });
});
