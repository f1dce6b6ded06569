// Benchmark proxy: the real engine in its own process, routing to the bench upstream. TAP=none|nomatch|all
// registers a tap that matches nothing or everything (events go to a counting sink, as an RPC queue would).
import { create } from "@bufbuild/protobuf";
import { MatchSchema } from "../proto/gen/meshdash/tap/v1/tap_pb";
import { compileTapMatch, createProxy, createTap } from "../proxy-engine";
import { bootstrapFor } from "../proxy-engine/test-util/upstream";

const upstreamPort = Number(process.env.UPSTREAM_PORT);
const mode = process.env.TAP ?? "none";
const proxy = createProxy({ id: "bench", role: "gateway", bootstrap: bootstrapFor([{ prefix: "/", cluster: "up" }], { up: [upstreamPort] }) });
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
process.on("SIGTERM", () => {
  console.error(`tap events ${events}`);
  process.exit(0);
});
