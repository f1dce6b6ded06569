// micro-benchmark of tap per-request cost
import { toBinary } from "@bufbuild/protobuf";
import { ProxyDirection, TapEventSchema, type TapEvent } from "/work/main/proto/gen/meshdash/tap/v1/tap_pb";
import { createTap, compileTapMatch } from "/work/main/proxy-engine";
import { selectTaps, startStreamTap } from "/work/main/proxy-engine/tap/stream-tap";
import { createEventQueue } from "/work/main/server/rpc/event-queue";

const mode = process.argv[2] ?? "encode";
const N = 200_000;
let sink = 0;
const queue = createEventQueue<TapEvent>(1e9);
const tap = createTap({ limit: 1e12, match: compileTapMatch(undefined), extractHeaders: true, maxRps: 0, emit: mode === "queue" ? (e) => queue.push(e) : mode === "encode" ? (e) => { sink += toBinary(TapEventSchema, e).length; } : () => { sink++; }, onComplete() {} });
const reqHeaders = { host: "127.0.0.1:8080", "user-agent": "wrk", accept: "*/*" };
const resHeaders = { "content-type": "application/octet-stream", "content-length": "64", date: "Sat, 22 Nov 2026 07:49:03 GMT", "x-envoy-upstream-service-time": "1" };
const destLabels = { cluster: "up" };
const routeLabels = { route: "r0", virtual_host: "vh" };
function one(i: number) {
  const info = { method: "GET", scheme: "http" as const, authority: "127.0.0.1:8080", path: "/bench", sourceIp: "127.0.0.1", sourcePort: 40000 + (i & 1023), destinationIp: "127.0.0.1", destinationPort: 8080, destinationLabels: undefined, routeLabels: undefined };
  const sel = selectTaps([tap], info, ProxyDirection.INBOUND)!;
  const st = startStreamTap(sel, { proxyId: "bench", listener: "ingress", direction: ProxyDirection.INBOUND, configVersion: "static-1", connectionId: 7, streamIndex: i, info, requestHeaders: reqHeaders, sourceMeta: {} });
  st.requestInit({ decision: { virtualHost: "vh", route: "r0", cluster: "up", endpoint: "127.0.0.1:9000" }, destinationLabels: destLabels, routeLabels });
  st.responseInit(200, resHeaders);
  st.responseEnd({ responseBytes: 64, responseFlags: "", retryAttempts: 0, endpoint: "127.0.0.1:9000" });
}
async function run(n: number) {
  const t0 = performance.now();
  if (mode === "queue") {
    const consumer = (async () => { for await (const e of queue) sink += toBinary(TapEventSchema, e).length; })();
    for (let i = 0; i < n; i++) { one(i); if ((i & 63) === 63) await new Promise((r) => setImmediate(r)); }
    queue.close(); await consumer;
  } else for (let i = 0; i < n; i++) one(i);
  return ((performance.now() - t0) * 1000) / n;
}
await run(20000);
if (mode === "queue") { console.log("queue mode: one-shot"); }
const us = await run(N);
console.log(`${mode}: ${us.toFixed(2)} µs/request (sink ${sink})`);
