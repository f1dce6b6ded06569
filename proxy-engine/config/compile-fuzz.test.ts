// Fuzz (fast-check): the xDS resource validator and the route matcher compiler. Mutations of a bootstrap
// that uses most route, cluster and listener features either compile or fail with a ConfigError whose issues
// name a field path; nothing else may be thrown (a TypeError would become a NACK nobody can act on). Tables
// that compile route random requests without throwing. `npm run fuzz` runs many more cases.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findVirtualHost, routeMatches } from "../router/route-table";
import { createStatsStore } from "../stats/stats-store";
import { applyMutations, fuzzRuns, mutations } from "../test-util/json-mutations";
import { HCM_TYPE } from "../test-util/upstream";
import { createHostRegistry } from "../upstream/host-registry";
import { createPoolRegistry } from "../upstream/pool-registry";
import { compileResources, type CompiledConfig } from "./compile";
import { ConfigError } from "./config-error";
import { bootstrapFromJson, resourcesFromBootstrap } from "./resources";

const routeConfig = {
  name: "rc",
  virtual_hosts: [
    {
      name: "api",
      domains: ["api.example.com", "*.example.org", "web.*"],
      routes: [
        { name: "exact", match: { path: "/login", case_sensitive: false }, route: { cluster: "a", timeout: "2s", retry_policy: { retry_on: "5xx,reset", num_retries: 2, per_try_timeout: "0.5s" } } },
        { name: "regex", match: { safe_regex: { regex: "^/items/[0-9]+$" }, headers: [{ name: "x-env", string_match: { prefix: "prod" } }, { name: "x-v", range_match: { start: 1, end: 5 } }] }, route: { cluster: "b", regex_rewrite: { pattern: { regex: "^/items/(.*)$" }, substitution: "/i/\\1" } } },
        { name: "query", match: { prefix: "/q", query_parameters: [{ name: "debug", present_match: true }] }, direct_response: { status: 204 } },
        { name: "weights", match: { prefix: "/w", runtime_fraction: { default_value: { numerator: 50, denominator: "HUNDRED" } } }, route: { weighted_clusters: { clusters: [{ name: "a", weight: 30 }, { name: "b", weight: 70 }] }, prefix_rewrite: "/", host_rewrite_literal: "up" } },
        { name: "redirect", match: { prefix: "/old" }, redirect: { path_redirect: "/new", response_code: "PERMANENT_REDIRECT" } },
        { name: "header", match: { prefix: "/" }, route: { cluster_header: "x-cluster" }, request_headers_to_add: [{ header: { key: "x-peer", value: "%DOWNSTREAM_REMOTE_ADDRESS%" } }], response_headers_to_remove: ["server"] },
      ],
    },
    { name: "all", domains: ["*"], routes: [{ match: { prefix: "/", headers: [{ name: "x-user", invert_match: true, present_match: true }] }, route: { cluster: "a" } }] },
  ],
};

const cluster = (name: string, extra: object) => ({
  name,
  type: "STATIC",
  connect_timeout: "1s",
  load_assignment: { cluster_name: name, endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 9 } } }, load_balancing_weight: 2 }] }] },
  ...extra,
});

const BOOTSTRAP = {
  static_resources: {
    listeners: [
      {
        name: "ingress",
        address: { socket_address: { address: "127.0.0.1", port_value: 0 } },
        filter_chains: [{ filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: { "@type": HCM_TYPE, stat_prefix: "ingress", route_config: routeConfig } }] }],
      },
    ],
    clusters: [
      cluster("a", { lb_policy: "LEAST_REQUEST", circuit_breakers: { thresholds: [{ max_connections: 10, max_pending_requests: 5 }] }, outlier_detection: { consecutive_5xx: 3, interval: "1s" } }),
      cluster("b", { lb_policy: "RING_HASH", ring_hash_lb_config: { minimum_ring_size: 64 } }),
    ],
  },
};

const KEYS = [
  "name", "domains", "routes", "match", "prefix", "path", "safe_regex", "regex", "headers", "string_match", "exact", "suffix", "contains",
  "range_match", "start", "end", "present_match", "invert_match", "query_parameters", "case_sensitive", "runtime_fraction", "route",
  "cluster", "weighted_clusters", "clusters", "weight", "cluster_header", "timeout", "per_try_timeout", "retry_policy", "retry_on",
  "num_retries", "prefix_rewrite", "regex_rewrite", "pattern", "substitution", "host_rewrite_literal", "redirect", "path_redirect",
  "response_code", "direct_response", "status", "body", "request_headers_to_add", "header", "key", "value", "response_headers_to_remove",
  "lb_policy", "type", "connect_timeout", "load_assignment", "endpoints", "lb_endpoints", "endpoint", "address", "socket_address",
  "port_value", "circuit_breakers", "thresholds", "max_connections", "outlier_detection", "consecutive_5xx", "interval", "hash_policy",
  "ring_hash_lb_config", "minimum_ring_size", "filter_chains", "filters", "typed_config", "stat_prefix", "route_config", "virtual_hosts",
  "@type", "rds", "http_filters", "listeners", "static_resources",
];

function compile(json: unknown): CompiledConfig {
  return compileResources(resourcesFromBootstrap(bootstrapFromJson(json)), "fuzz", { pools: createPoolRegistry(), stats: createStatsStore(), hosts: createHostRegistry() });
}

const request = fc.record({
  method: fc.constantFrom("GET", "POST", "DELETE", ""),
  authority: fc.constantFrom("api.example.com", "x.example.org", "web.local", "other", "", "API.EXAMPLE.COM:80"),
  path: fc.oneof(fc.constantFrom("/login", "/LOGIN", "/items/42", "/items/x", "/q", "/w/1", "/old", "/", ""), fc.string({ maxLength: 30 })),
  query: fc.constantFrom("", "debug", "debug=1&x=2", "=", "&&"),
  scheme: fc.constantFrom("http", "https"),
  headers: fc.dictionary(fc.constantFrom("x-env", "x-v", "x-user", "x-cluster", "host"), fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom("prod-1", "3", "-7", "a"))),
});

describe("fuzz: xDS resources and route tables", () => {
  it("the base bootstrap compiles (so mutations start from a valid config)", () => {
    const c = compile(BOOTSTRAP);
    expect(c.listeners[0]!.kind).toBe("http");
    for (const cl of c.clusters.values()) cl.dispose();
  });

  it("a mutated bootstrap compiles or fails with a ConfigError naming field paths, and never throws anything else", () => {
    let rejected = 0;
    fc.assert(
      fc.property(mutations(KEYS), fc.array(request, { minLength: 1, maxLength: 5 }), (ms, requests) => {
        let config: CompiledConfig;
        try {
          config = compile(applyMutations(BOOTSTRAP, ms));
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          expect(e.issues.length).toBeGreaterThan(0);
          for (const issue of e.issues) expect(issue.message).not.toBe("");
          rejected++;
          return;
        }
        try {
          for (const l of config.listeners) {
            const table = l.kind === "http" ? l.hcm.routeTable : undefined;
            if (!table) continue;
            for (const input of requests) {
              const vh = findVirtualHost(table, input.authority);
              if (vh) for (const r of vh.routes) routeMatches(r, input);
            }
          }
        } finally {
          for (const cl of config.clusters.values()) cl.dispose();
        }
      }),
      fuzzRuns(300),
    );
    // Most mutations must be caught by validation: the fuzz is reaching the validator.
    expect(rejected).toBeGreaterThan(0);
  });
});
