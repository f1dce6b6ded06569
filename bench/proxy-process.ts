// Benchmark proxy: the real engine in its own process, routing to the bench upstream(s) (UPSTREAM_PORT, or
// UPSTREAM_PORTS comma-separated, balanced by LB_POLICY). TAP=none|nomatch|all registers a tap that matches
// nothing or everything (events go to a counting sink, as an RPC queue would).
import { create } from "@bufbuild/protobuf";
import { MatchSchema } from "../proto/gen/meshdash/tap/v1/tap_pb";
import { compileTapMatch, createProxy, createTap } from "../proxy-engine";
import { singleListenerBootstrap, staticClusterJson } from "../proxy-engine/test-util/upstream";
import { meterCpuPerRequest } from "./bench-kit";

const ports = (process.env.UPSTREAM_PORTS ?? process.env.UPSTREAM_PORT ?? "").split(",").map(Number);
const mode = process.env.TAP ?? "none";
const policy = process.env.LB_POLICY ?? "ROUND_ROBIN";
const hash = policy === "RING_HASH" || policy === "MAGLEV" ? { hash_policy: [{ connection_properties: { source_ip: true } }] } : {};
const bootstrap = singleListenerBootstrap({ name: "ingress", routes: [{ match: { prefix: "/" }, route: { cluster: "up", ...hash } }] }, [staticClusterJson("up", ports, { lb_policy: policy })]);
const proxy = createProxy({ id: "bench", role: "gateway", bootstrap });
await proxy.start();
let events = 0;
if (mode !== "none") {
  const match =
    mode === "nomatch"
      ? create(MatchSchema, { match: { case: "http", value: { match: { case: "path", value: { match: { case: "prefix", value: "/never" } } } } } })
      : undefined;
  proxy.taps.register(createTap({ limit: 100_000_000, match: compileTapMatch(match), extractHeaders: true, emit: () => events++, onComplete: () => {} }));
}
console.log(`port ${proxy.listeners()[0]!.address.split(":")[1]}`);
// CPU time per request is steadier than req/s on a shared box: SIGUSR1 starts a measurement (after
// warm-up), SIGTERM reports it, for before/after comparisons of the request path.
meterCpuPerRequest(proxy.stats.counter("http.ingress.downstream_rq_total"), () => `tap events ${events}`);
