// Overview data: mesh traffic summed over services, ranking, and the proxies out of sync.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ServiceStatsSchema } from "../../proto/gen/meshdash/cluster/v1/cluster_pb";
import { ProxySchema, SyncState } from "../../proto/gen/meshdash/mesh/v1/mesh_pb";
import { meshSeries, meshTotals, rankServices, syncSummary } from "./overview-data";

const svc = (hostname: string, rps: number, errorRate: number | undefined, history: [number, number, number?][] = []) =>
  create(ServiceStatsSchema, {
    hostname,
    traffic: { rps, requests: BigInt(rps * 60), errorRate },
    history: history.map(([t, r, e]) => ({ timeMs: BigInt(t), traffic: { rps: r, errorRate: e } })),
  });

describe("overview data", () => {
  it("sums the services' histories per point time into succeeded and failed requests per second", () => {
    const series = meshSeries([svc("a", 1, 0, [[10, 4, 0.25], [20, 2]]), svc("b", 1, 0, [[20, 3, 0]])]);
    expect(series).toEqual([
      { t: 10, okRps: 3, errorRps: 1 },
      { t: 20, okRps: 5, errorRps: 0 },
    ]);
  });

  it("weights the mesh success rate by requests and ranks the busiest services first", () => {
    const services = [svc("quiet", 0, undefined), svc("busy", 10, 0.1), svc("mid", 5, 0)];
    const totals = meshTotals(services);
    expect(totals.rps).toBe(15);
    expect(totals.successRate).toBeCloseTo(1 - 60 / 900);
    expect(totals.active).toBe(2);
    expect(rankServices(services).map((s) => s.hostname)).toEqual(["busy", "mid", "quiet"]);
    expect(meshTotals([svc("idle", 0, undefined)]).successRate).toBeUndefined();
  });

  it("lists proxies not SYNCED, NACKs first with the proxy's message", () => {
    const sync = (type: string, state: SyncState, error = "") => ({ type, state, error });
    const proxies = [
      create(ProxySchema, { id: "ok", sync: [sync("CDS", SyncState.SYNCED), sync("LDS", SyncState.SYNCED)] }),
      create(ProxySchema, { id: "stale", sync: [sync("CDS", SyncState.STALE)] }),
      create(ProxySchema, { id: "nack", sync: [sync("CDS", SyncState.SYNCED), sync("RDS", SyncState.ERROR, "route: bad regex")] }),
      create(ProxySchema, { id: "static", sync: [] }),
    ];
    const s = syncSummary(proxies);
    expect(s).toMatchObject({ total: 4, synced: 1 });
    expect(s.outOfSync.map((o) => o.id)).toEqual(["nack", "stale", "static"]);
    expect(s.outOfSync[0]!.types).toEqual([{ type: "RDS", state: "ERROR", error: "route: bad regex" }]);
    expect(s.outOfSync[2]!.types[0]!.state).toBe("NOT CONNECTED");
  });
});
