// Terminal rendering of tap events: linkerd viz tap's req/rsp/end lines, meshdash's extras, drops, JSON.
import { create, fromJsonString } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ProxyDirection, TapEventSchema } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { formatTapJson, formatTapText } from "./tap-format";

const envelope = {
  source: { ip: "127.0.0.1", port: 51000 },
  destination: { ip: "::1", port: 8080 },
  proxyDirection: ProxyDirection.INBOUND,
  routeContext: { proxy: "gw", route: "details", cluster: "outbound|9080||details.default.svc.cluster.local" },
};
const id = { base: 3, stream: 2n };

describe("tap text format", () => {
  it("prints req, rsp and end lines like linkerd viz tap", () => {
    const req = create(TapEventSchema, { ...envelope, event: { case: "requestInit", value: { id, method: "GET", authority: "a:80", path: "/details/1" } } });
    expect(formatTapText(req)).toBe(
      "req id=3:2 proxy=in  src=127.0.0.1:51000 dst=[::1]:8080 :method=GET :authority=a:80 :path=/details/1 route=details cluster=outbound|9080||details.default.svc.cluster.local",
    );
    const rsp = create(TapEventSchema, { ...envelope, proxyDirection: ProxyDirection.OUTBOUND, event: { case: "responseInit", value: { id, httpStatus: 503, sinceRequestInit: { seconds: 1n, nanos: 2_345_678 } } } });
    expect(formatTapText(rsp)).toBe("rsp id=3:2 proxy=out src=127.0.0.1:51000 dst=[::1]:8080 :status=503 latency=1002346µs");
    const end = create(TapEventSchema, {
      ...envelope,
      event: { case: "responseEnd", value: { id, sinceResponseInit: { seconds: 0n, nanos: 85_000 }, responseBytes: 1683n, eos: { case: "grpcStatusCode", value: 14 }, responseFlags: "URX", retryAttempts: 2 } },
    });
    expect(formatTapText(end)).toBe("end id=3:2 proxy=in  src=127.0.0.1:51000 dst=[::1]:8080 grpc-status=Unavailable duration=85µs response-length=1683B response-flags=URX retries=2");
  });

  it("prints drops", () => {
    expect(formatTapText(create(TapEventSchema, { event: { case: "drops", value: { queueDropped: 4n, rateLimited: 9n } } }))).toBe("drops queue-dropped=4 rate-limited=9");
  });

  it("prints one proto3 JSON object per event", () => {
    const e = create(TapEventSchema, { ...envelope, event: { case: "requestInit", value: { id, method: "GET", path: "/" } } });
    const line = formatTapJson(e);
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toMatchObject({ proxyDirection: "PROXY_DIRECTION_INBOUND", requestInit: { method: "GET", id: { base: 3, stream: "2" } } });
    expect(fromJsonString(TapEventSchema, line)).toEqual(e);
  });
});
