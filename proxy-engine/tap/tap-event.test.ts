// The literal tap event builders against protobuf-es's create(): the same objects, field for field.

import { create } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { HeadersSchema, ProxyDirection, RouteContextSchema, Scheme, StreamIdSchema, TapEventSchema, TcpAddressSchema } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { REDACTED } from "./redact";
import { headersMessage, msToDuration, requestInitEvent, responseEndEvent, responseInitEvent, routeContext, streamId, tcpAddress, type TapEnvelope } from "./tap-event";

const env: TapEnvelope = {
  source: tcpAddress("10.0.0.1", 40123),
  sourceMeta: { workload: "w" },
  destination: tcpAddress("10.0.0.2", 9080),
  destinationMeta: {},
  proxyDirection: ProxyDirection.INBOUND,
  routeMeta: { route: "r" },
  routeContext: routeContext("p", "l", "vh", "r", "c", "1.2.3.4:80", "v1"),
};
const id = streamId(3, 9n);

describe("tap event builders", () => {
  it("build what create() builds", () => {
    expect(tcpAddress("1.2.3.4", 0)).toStrictEqual(create(TcpAddressSchema, { ip: "1.2.3.4" }));
    expect(id).toStrictEqual(create(StreamIdSchema, { base: 3, stream: 9n }));
    expect(env.routeContext).toStrictEqual(create(RouteContextSchema, { proxy: "p", listener: "l", virtualHost: "vh", route: "r", cluster: "c", endpoint: "1.2.3.4:80", configVersion: "v1" }));
    expect(msToDuration(1500.0000004)).toStrictEqual(create(DurationSchema, { seconds: 1n, nanos: 500_000_000 }));
    expect(msToDuration(-1)).toStrictEqual(create(DurationSchema, {}));

    const headers = headersMessage({ accept: "*/*", "set-cookie": ["a=1", "b=2"], Authorization: "x", "content-length": 12, skipped: undefined });
    expect(headers).toStrictEqual(
      create(HeadersSchema, {
        headers: [
          { name: "accept", value: "*/*" },
          { name: "set-cookie", value: REDACTED },
          { name: "set-cookie", value: REDACTED },
          { name: "Authorization", value: REDACTED },
          { name: "content-length", value: "12" },
        ],
      }),
    );

    expect(requestInitEvent(env, id, "GET", Scheme.HTTP, "a", "/p", headers)).toStrictEqual(
      create(TapEventSchema, { ...env, event: { case: "requestInit", value: { id, method: "GET", scheme: Scheme.HTTP, authority: "a", path: "/p", headers } } }),
    );
    expect(requestInitEvent(env, id, "GET", Scheme.HTTPS, "a", "/p", undefined)).toStrictEqual(
      create(TapEventSchema, { ...env, event: { case: "requestInit", value: { id, method: "GET", scheme: Scheme.HTTPS, authority: "a", path: "/p" } } }),
    );
    const d = msToDuration(2);
    expect(responseInitEvent(env, id, d, 200, undefined)).toStrictEqual(
      create(TapEventSchema, { ...env, event: { case: "responseInit", value: { id, sinceRequestInit: d, httpStatus: 200 } } }),
    );
    const end = {
      sinceRequestInit: d,
      sinceResponseInit: d,
      responseBytes: 5n,
      eos: { case: "resetErrorCode" as const, value: 2 },
      responseFlags: "UF",
      retryAttempts: 1,
      requestBytes: 0n,
    };
    const rc = { ...env.routeContext, endpoint: "5.6.7.8:80" };
    expect(responseEndEvent(env, rc, id, end)).toStrictEqual(create(TapEventSchema, { ...env, routeContext: rc, event: { case: "responseEnd", value: { id, ...end } } }));
    expect(responseEndEvent(env, env.routeContext, id, { ...end, trailers: headers })).toStrictEqual(
      create(TapEventSchema, { ...env, event: { case: "responseEnd", value: { id, ...end, trailers: headers } } }),
    );
  });
});
