// bench:tap's proxy process: one engine proxy in front of bench/upstream-process.ts, and the real TapService
// (Connect and gRPC over h2c, as the dashboard serves it) on a second port, so a tap costs here what it costs
// in the product: matching, events, batching, encoding and HTTP/2 writes. A third port answers GET with this
// process's request count and CPU time, which the bench reads at the edges of each measured window; POST
// /direct-tap registers an unlimited tap matching everything whose events (encoded, headers extracted) are
// only counted in this process, and DELETE removes it: the proxy's own share of a tap's cost, without the
// TapService, gRPC and the subscriber.
// Prints "port P tap T control C" when ready. Env: UPSTREAM_PORT.

import { connectNodeAdapter } from "@connectrpc/connect-node";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { TapService } from "../proto/gen/meshdash/tap/v1/tap_pb";
import { createProxy, createTap } from "../proxy-engine";
import { singleListenerBootstrap, staticClusterJson } from "../proxy-engine/test-util/upstream";
import { createFrontDoor } from "../server/http/front-door";
import { createTapService } from "../server/rpc/tap-service";

const bootstrap = singleListenerBootstrap({ name: "ingress", routes: [{ match: { prefix: "/" }, route: { cluster: "up" } }] }, [staticClusterJson("up", [Number(process.env.UPSTREAM_PORT)])]);
const proxy = createProxy({ id: "bench", role: "gateway", bootstrap });
await proxy.start();
const requests = proxy.stats.counter("http.ingress.downstream_rq_total");

const stopping = new AbortController();
const door = createFrontDoor(connectNodeAdapter({ routes: (router) => router.service(TapService, createTapService({ proxies: () => [proxy], stopping: stopping.signal })) }));
const tap = await door.listen(0, "127.0.0.1");

let directEvents = 0;
let removeDirect: (() => void) | undefined;
const control = http.createServer((req, res) => {
  if (req.url === "/direct-tap") {
    if (req.method === "POST" && !removeDirect) {
      const tap = createTap({ limit: Number.MAX_SAFE_INTEGER, match: () => true, extractHeaders: true, emit: () => void directEvents++, onComplete: () => {} });
      removeDirect = proxy.taps.register(tap);
    } else if (req.method === "DELETE" && removeDirect) {
      removeDirect();
      removeDirect = undefined;
    }
    return void res.end(String(directEvents));
  }
  const cpu = process.cpuUsage();
  res.end(JSON.stringify({ t: performance.now(), requests: requests.value, cpuUs: cpu.user + cpu.system, taps: proxy.taps.active.length }));
});
await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", resolve));

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    stopping.abort();
    process.exit(0); // a normal exit, so --cpu-prof writes its profile
  });
}
console.log(`port ${proxy.listeners()[0]!.address.split(":").pop()} tap ${tap.port} control ${(control.address() as AddressInfo).port}`);
