// The JSON viewer's search, paths, previews and highlighting.
import { describe, expect, it } from "vitest";
import { childPath, highlightParts, preview, searchJson, type Json } from "./json-tree";

const dump: Json = {
  configs: [
    { "@type": "ListenersConfigDump", dynamic_listeners: [{ name: "virtualOutbound", port: 15001 }] },
    { "@type": "ClustersConfigDump", dynamic_active_clusters: [{ cluster: { name: "outbound|9080||reviews", "a/b~c": true } }] },
  ],
};

describe("json tree", () => {
  it("names nodes by JSON Pointer, escaping ~ and /", () => {
    expect(childPath(childPath("", "configs"), 0)).toBe("/configs/0");
    expect(childPath("/x", "a/b~c")).toBe("/x/a~1b~0c");
  });

  it("finds keys and values case-insensitively, in document order, and opens exactly their ancestors", () => {
    const r = searchJson(dump, "  OUTBOUND ");
    expect(r.query).toBe("outbound");
    expect(r.matches).toEqual(["/configs/0/dynamic_listeners/0/name", "/configs/1/dynamic_active_clusters/0/cluster/name"]);
    expect([...r.open].sort()).toEqual(["", "/configs", "/configs/0", "/configs/0/dynamic_listeners", "/configs/0/dynamic_listeners/0", "/configs/1", "/configs/1/dynamic_active_clusters", "/configs/1/dynamic_active_clusters/0", "/configs/1/dynamic_active_clusters/0/cluster"].sort());
    expect(searchJson(dump, "dynamic_").matches).toEqual(["/configs/0/dynamic_listeners", "/configs/1/dynamic_active_clusters"]);
    expect(searchJson(dump, "15001").matches).toEqual(["/configs/0/dynamic_listeners/0/port"]);
    expect(searchJson(dump, "a/b~").matches).toEqual(["/configs/1/dynamic_active_clusters/0/cluster/a~1b~0c"]);
    expect(searchJson(dump, "").matches).toEqual([]);
    expect(searchJson("plain", "LAI").matches).toEqual([""]);
  });

  it("previews collapsed nodes by size and name", () => {
    expect(preview([1, 2, 3])).toBe("3 items");
    expect(preview([1])).toBe("1 item");
    expect(preview({ name: "virtualOutbound", port: 1 })).toBe('name: "virtualOutbound", … 2 keys');
    expect(preview({ a: 1 })).toBe("1 key");
  });

  it("splits text around every match", () => {
    expect(highlightParts("Outbound|outbound", "out")).toEqual([
      { text: "Out", hit: true },
      { text: "bound|", hit: false },
      { text: "out", hit: true },
      { text: "bound", hit: false },
    ]);
    expect(highlightParts("abc", "")).toEqual([{ text: "abc", hit: false }]);
  });
});
