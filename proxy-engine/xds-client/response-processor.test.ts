// The response pipeline against a fake engine and a recording stream: ordering, warming, superseding,
// NACKs that keep the last good state, and subscriptions that follow LDS/CDS.

import { create } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DiscoveryResponseSchema, type DiscoveryRequest } from "../../proto/gen/envoy/service/discovery/v3/discovery_pb";
import { ConfigError } from "../config/config-error";
import type { ResourcesWithOrigin } from "../config/resources";
import { createLogger } from "../log/logger";
import { createResponseProcessor } from "./response-processor";
import { createSubscriptionStates } from "./subscription-state";
import { edsCluster, endpoints, listener, route, staticCluster } from "./xds-fixtures";
import { kindOfTypeUrl, TYPE_URLS, type XdsKind } from "./xds-kinds";

function rig(opts: { reject?: (r: ResourcesWithOrigin) => string | undefined; timeoutMs?: number } = {}) {
  const states = createSubscriptionStates();
  const sent: DiscoveryRequest[] = [];
  const applied: { res: ResourcesWithOrigin; version: string }[] = [];
  let complete = false;
  const out = { send: (r: DiscoveryRequest) => void sent.push(r) };
  const p = createResponseProcessor({
    states,
    initialFetchTimeoutMs: opts.timeoutMs ?? 15_000,
    logger: createLogger("t", () => {}),
    apply: async (res, version) => {
      const why = opts.reject?.(res);
      if (why) throw new ConfigError([{ path: "x", message: why }]);
      applied.push({ res, version });
    },
    changed: (c) => void (complete = c),
  });
  let n = 0;
  const send = async (kind: XdsKind, version: string, resources: Any[]) => {
    const nonce = `${kind}-${++n}`;
    p.enqueue(create(DiscoveryResponseSchema, { typeUrl: TYPE_URLS[kind], versionInfo: version, resources, nonce }), out);
    await p.idle();
    return nonce;
  };
  /** Requests sent since the last call, as [kind, version, nonce, names, error?]. */
  const take = () => sent.splice(0).map((r) => [kindOfTypeUrl(r.typeUrl), r.versionInfo, r.responseNonce, r.resourceNames, ...(r.errorDetail ? [r.errorDetail.message] : [])]);
  return { states, p, send, take, applied, out, isComplete: () => complete };
}

const names = (r: ResourcesWithOrigin) => ({ l: r.listeners.map((x) => x.name), r: r.routeConfigs.map((x) => x.name), c: r.clusters.map((x) => x.name), e: r.loadAssignments.map((x) => x.clusterName) });

afterEach(() => {
  vi.useRealTimers();
});

describe("response processor", () => {
  it("applies an LDS that needs nothing at once, with the combined version, and ACKs it", async () => {
    const t = rig();
    const nonce = await t.send("cds", "c1", [staticCluster("s", [1])]);
    expect(t.take()).toEqual([["cds", "c1", nonce, []]]);
    expect(t.applied.at(-1)?.version).toBe("lds=- rds=- cds=c1 eds=-");
    expect(t.applied.at(-1)?.res).toMatchObject({ pathPrefix: "", dynamic: true });
    expect(t.isComplete()).toBe(false);
    await t.send("lds", "l1", []);
    expect(t.isComplete()).toBe(true);
    expect(t.applied.at(-1)?.version).toBe("lds=l1 rds=- cds=c1 eds=-");
  });

  it("holds LDS until its RDS arrives, applying RDS first; RDS keeps names a response leaves out and ignores unsubscribed ones", async () => {
    const t = rig();
    const l1 = await t.send("lds", "1", [listener("a", "r1"), listener("b", "r2")]);
    expect(t.take()).toEqual([["rds", "", "", ["r1", "r2"]]]);
    expect(t.applied).toEqual([]);
    const n1 = await t.send("rds", "1", [route("r1", "c"), route("zz", "c")]);
    expect(t.take()).toEqual([["rds", "1", n1, ["r1", "r2"]]]);
    expect(names(t.applied.at(-1)!.res)).toEqual({ l: [], r: ["r1"], c: [], e: [] });
    const n2 = await t.send("rds", "2", [route("r2", "c")]);
    expect(t.take()).toEqual([["rds", "2", n2, ["r1", "r2"]], ["lds", "1", l1, []]]);
    expect(names(t.applied.at(-1)!.res)).toEqual({ l: ["a", "b"], r: ["r1", "r2"], c: [], e: [] });
    expect(t.applied.at(-1)!.version).toBe("lds=1 rds=2 cds=- eds=-");
  });

  it("NACKs a rejected LDS with the last ACKed version, keeps the last good resources and reverts the RDS subscription", async () => {
    const t = rig({ reject: (r) => (r.listeners.some((l) => l.name === "bad") ? "listener bad is broken" : undefined) });
    await t.send("lds", "1", [listener("a", "r1")]);
    await t.send("rds", "1", [route("r1", "c")]);
    t.take();
    const bad = await t.send("lds", "2", [listener("bad", "r9")]);
    expect(t.take()).toEqual([["rds", "1", "rds-2", ["r9"]]]);
    await t.send("rds", "2", [route("r9", "c")]);
    expect(t.take()).toEqual([
      ["rds", "2", "rds-4", ["r9"]],
      ["lds", "1", bad, [], "x: listener bad is broken"],
      ["rds", "2", "rds-4", ["r1"]],
    ]);
    expect(t.states.lds.lastNack).toBe("x: listener bad is broken");
    expect([...t.states.lds.accepted.keys()]).toEqual(["a"]);
    // The next good LDS builds on the last good state and clears the NACK.
    await t.send("lds", "3", [listener("a", "r1")]);
    expect(t.take()).toEqual([["lds", "3", "lds-5", []]]);
    expect(names(t.applied.at(-1)!.res)).toEqual({ l: ["a"], r: ["r1"], c: [], e: [] });
    expect(t.states.lds.lastNack).toBeUndefined();
  });

  it("NACKs an undecodable response without touching the engine", async () => {
    const t = rig();
    await t.send("cds", "1", [staticCluster("s", [1])]);
    t.take();
    const applies = t.applied.length;
    const nonce = await t.send("cds", "2", [listener("a", "r")]);
    expect(t.take()).toEqual([["cds", "1", nonce, [], `resources[0]: expected ${TYPE_URLS.cds}, got "${TYPE_URLS.lds}"`]]);
    expect(t.applied.length).toBe(applies);
  });

  it("replaces a warming CDS with a newer one, which alone is ACKed, and follows its EDS names", async () => {
    const t = rig();
    await t.send("cds", "1", [edsCluster("c1", "svc1")]);
    expect(t.take()).toEqual([["eds", "", "", ["svc1"]]]);
    const c2 = await t.send("cds", "2", [edsCluster("c2", "svc2")]);
    expect(t.take()).toEqual([["eds", "", "", ["svc2"]]]);
    const e = await t.send("eds", "1", [endpoints("svc2", [1]), endpoints("svc1", [2])]);
    expect(t.take()).toEqual([["eds", "1", e, ["svc2"]], ["cds", "2", c2, []]]);
    expect(names(t.applied.at(-1)!.res)).toEqual({ l: [], r: [], c: ["c2"], e: ["svc2"] });
  });

  it("LDS and CDS warm independently: a CDS that needs nothing is not held behind a warming LDS", async () => {
    const t = rig();
    await t.send("lds", "1", [listener("a", "r1")]);
    const c = await t.send("cds", "1", [staticCluster("s", [1])]);
    expect(t.take()).toEqual([["rds", "", "", ["r1"]], ["cds", "1", c, []]]);
  });

  it("holds LDS and RDS behind a warming CDS, so no route goes live before the cluster it names", async () => {
    const t = rig();
    await t.send("lds", "1", [listener("a", "r1")]);
    await t.send("rds", "1", [route("r1", "c0")]);
    await t.send("cds", "1", [staticCluster("c0", [1])]);
    t.take();
    const before = t.applied.length;
    // A push that adds cluster c1 (EDS) and moves the route to it: CDS, then RDS, arrive before EDS.
    const c2 = await t.send("cds", "2", [staticCluster("c0", [1]), edsCluster("c1", "svc1")]);
    const r2 = await t.send("rds", "2", [route("r1", "c1")]);
    expect(t.applied.length).toBe(before);
    expect(t.take()).toEqual([["eds", "", "", ["svc1"]]]);
    const e = await t.send("eds", "1", [endpoints("svc1", [2])]);
    expect(t.take()).toEqual([["eds", "1", e, ["svc1"]], ["cds", "2", c2, []], ["rds", "2", r2, ["r1"]]]);
    // The endpoints, then the cluster, still under the old route; then the route that names it.
    expect(t.applied.slice(before).map((a) => [a.version, names(a.res).c])).toEqual([
      ["lds=1 rds=1 cds=1 eds=1", ["c0"]],
      ["lds=1 rds=1 cds=2 eds=1", ["c0", "c1"]],
      ["lds=1 rds=2 cds=2 eds=1", ["c0", "c1"]],
    ]);
  });

  it("applies a warming update without its missing names after the initial fetch timeout", async () => {
    vi.useFakeTimers();
    const t = rig({ timeoutMs: 1000 });
    await t.send("lds", "1", []);
    const c = await t.send("cds", "1", [edsCluster("c1", "svc1")]);
    t.take();
    await vi.advanceTimersByTimeAsync(999);
    expect(t.take()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await t.p.idle();
    expect(t.take()).toEqual([["cds", "1", c, []]]);
    expect(names(t.applied.at(-1)!.res)).toEqual({ l: [], r: [], c: ["c1"], e: [] });
    expect(t.isComplete()).toBe(true);
  });

  it("forgets a warming update when its stream ends, and stop() clears its timer", async () => {
    vi.useFakeTimers();
    const t = rig();
    await t.send("cds", "1", [edsCluster("c1", "svc1")]);
    expect(t.states.eds.names).toEqual(["svc1"]);
    t.p.dropStream(t.out);
    expect(t.states.eds.names).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    await t.send("cds", "2", [edsCluster("c2")]);
    t.p.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
