// Invalid Envoy resources are rejected with every problem and its field path, and nothing is applied.

import { describe, expect, it } from "vitest";
import { createStatsStore } from "../stats/stats-store";
import { bootstrapJson, HCM_TYPE, httpListenerJson, staticClusterJson } from "../test-util/upstream";
import { createPoolRegistry } from "../upstream/pool-registry";
import { createHostRegistry } from "../upstream/host-registry";
import { compileResources } from "./compile";
import { ConfigError } from "./config-error";
import { bootstrapFromJson, resourcesFromBootstrap } from "./resources";

function compile(json: object) {
  return compileResources(resourcesFromBootstrap(bootstrapFromJson(json)), "v", { pools: createPoolRegistry(), stats: createStatsStore(), hosts: createHostRegistry() });
}

function issues(json: object): string[] {
  try {
    compile(json);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
}

const vh = (routes: object[]) => ({ name: "rc", virtual_hosts: [{ name: "vh", domains: ["*"], routes }] });

describe("compileResources", () => {
  it("compiles a valid bootstrap into lookup structures", () => {
    const c = compile(bootstrapJson([{ name: "r", match: { prefix: "/" }, route: { cluster: "a" } }], { a: [9001, 9002] }));
    expect(c.listeners).toHaveLength(1);
    expect(c.clusters.get("a")!.endpoints.map((e) => e.address)).toEqual(["127.0.0.1:9001", "127.0.0.1:9002"]);
  });

  it("reports every problem with its path", () => {
    const json = {
      static_resources: {
        listeners: [
          httpListenerJson("l", 0, vh([])),
          httpListenerJson("l2", 0, vh([
            { match: { prefix: "/" }, route: { cluster: "nope" } },
            { match: { safe_regex: { regex: "(a)\\1" } }, route: { cluster: "a" } },
            { match: { prefix: "/w" }, route: { weighted_clusters: { clusters: [{ name: "a", weight: 0 }] } } },
            { match: { prefix: "/h" }, route: { cluster: "a" }, request_headers_to_add: [{ header: { key: "bad header", value: "x" } }] },
            { match: { prefix: "/v" }, route: { cluster: "a" }, request_headers_to_add: [{ header: { key: "x-a", value: "%NOPE%" } }] },
            { match: { prefix: "/r" }, route: { cluster: "a", retry_policy: { retry_on: "5xx,sometimes" } } },
          ])),
          httpListenerJson("l", 0, vh([])),
        ],
        clusters: [staticClusterJson("a", [1]), staticClusterJson("b", [2], { lb_policy: "CLUSTER_PROVIDED" }), staticClusterJson("a", [3])],
      },
    };
    const all = issues(json);
    const rp = "static_resources.listeners[1].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes";
    expect(all).toEqual(
      expect.arrayContaining([
        `${rp}[0].route.cluster: unknown cluster "nope"`,
        expect.stringContaining(`${rp}[1].match.safe_regex.regex: invalid regex "(a)\\1": error parsing regexp`),
        `${rp}[2].route.weighted_clusters.clusters: weights must not all be 0`,
        `${rp}[3].request_headers_to_add[0].header.key: "bad header" is not a valid header name`,
        expect.stringContaining(`${rp}[4].request_headers_to_add[0].header.value: unsupported substitution %NOPE%`),
        expect.stringContaining(`${rp}[5].route.retry_policy.retry_on: unknown retry condition "sometimes"`),
        'static_resources.listeners[2].name: duplicate listener name "l"',
        "static_resources.clusters[1].lb_policy: CLUSTER_PROVIDED is not supported (ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV)",
        'static_resources.clusters[2].name: duplicate cluster name "a"',
      ]),
    );
  });

  it("refuses unknown http filters unless optional, and requires the router last", () => {
    const listener = (filters: object[]) => ({
      name: "l",
      address: { socket_address: { address: "127.0.0.1", port_value: 0 } },
      filter_chains: [{ filters: [{ name: "hcm", typed_config: { "@type": HCM_TYPE, stat_prefix: "s", route_config: vh([]), http_filters: filters } }] }],
    });
    const router = { name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } };
    const p = "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters";
    expect(issues({ static_resources: { listeners: [listener([{ name: "envoy.filters.http.lua" }, router])] } })).toEqual([`${p}[0]: http filter "envoy.filters.http.lua" is not supported yet (mark it is_optional to skip it)`]);
    expect(issues({ static_resources: { listeners: [listener([{ name: "envoy.filters.http.lua", is_optional: true }, router])] } })).toEqual([]);
    expect(issues({ static_resources: { listeners: [listener([router, { name: "x", is_optional: true }])] } })).toEqual([`${p}: envoy.filters.http.router must be the last http filter, exactly once`]);
  });

  it("names the field protobuf JSON could not read", () => {
    expect(() => bootstrapFromJson({ static_resources: { clusters: [{ name: "a", connect_timeout: "soon" }] } })).toThrow(/connect_timeout|Duration/);
    expect(() => bootstrapFromJson([])).toThrow("a bootstrap must be an object");
  });
});
