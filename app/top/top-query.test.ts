// Top's URL (filter and sort) and the Tap link for a row.
import { describe, expect, it } from "vitest";
import { DEFAULT_QUERY, queryFromParams } from "../tap/tap-query";
import type { TopRow } from "./top-aggregate";
import { tapHrefForRow, topQueryFromParams, topQueryToParams } from "./top-query";

describe("top query", () => {
  it("round-trips the filter and the sort, leaving out limit and body capture", () => {
    const q = topQueryFromParams(new URLSearchParams("path=/reviews&sort=p99&limit=5&body=1024"));
    expect(q).toEqual({ filter: { ...DEFAULT_QUERY, path: "/reviews" }, sort: "p99", order: "desc" });
    expect(topQueryToParams(q).toString()).toBe("path=%2Freviews&sort=p99");
    expect(topQueryToParams({ ...q, order: "asc" }).toString()).toBe("path=%2Freviews&sort=p99&order=asc");
    expect(topQueryFromParams(new URLSearchParams("sort=nope")).sort).toBe("count");
  });

  it("links a row to Tap with its method, exact path, direction, proxy and source IP", () => {
    const row = { direction: "inbound", method: "GET", path: "/details/1", proxy: "router~1~gw~d", source: "10.0.0.1", sourceIp: "10.0.0.1" } as TopRow;
    const href = tapHrefForRow({ ...DEFAULT_QUERY, authority: "bookinfo" }, row);
    expect(href.startsWith("/tap?")).toBe(true);
    const q = queryFromParams(new URLSearchParams(href.slice(5)));
    expect(q).toMatchObject({ method: "GET", path: "/details/1", pathMatch: "exact", direction: "inbound", proxy: "router~1~gw~d", source: "10.0.0.1", authority: "bookinfo" });
    // A named source (a workload) is not an IP filter.
    const named = queryFromParams(new URLSearchParams(tapHrefForRow(DEFAULT_QUERY, { ...row, source: "productpage-v1-0" }).slice(5)));
    expect(named.source).toBe("");
  });
});
