// JSON and HAR 1.2 export of the tap table.
import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { TapEventSchema } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { toHar, toJsonExport, exportFilename } from "./tap-export";
import { applyTapEvent, createTapRows } from "./tap-rows";

function rows() {
  const t = createTapRows(10);
  const rc = { proxy: "gw", listener: "l", virtualHost: "vh", route: "r", cluster: "c", endpoint: "127.0.0.1:9080", configVersion: "3" };
  const id = (s: number) => ({ base: 1, stream: BigInt(s) });
  const ms = (n: number) => ({ seconds: 0n, nanos: n * 1_000_000 });
  for (const s of [1, 2]) {
    applyTapEvent(t, create(TapEventSchema, { routeContext: rc, proxyDirection: 1, event: { case: "requestInit", value: { id: id(s), method: "POST", scheme: 1, authority: "a.example", path: `/p${s}?x=1`, headers: { headers: [{ name: "content-type", value: "application/json" }] } } } }), 1000 * s);
    applyTapEvent(t, create(TapEventSchema, { routeContext: rc, event: { case: "responseInit", value: { id: id(s), httpStatus: 201, sinceRequestInit: ms(4), headers: { headers: [{ name: "content-type", value: "text/plain" }] } } } }), 1000 * s);
    applyTapEvent(
      t,
      create(TapEventSchema, {
        routeContext: rc,
        event: {
          case: "responseEnd",
          value: {
            id: id(s),
            sinceRequestInit: ms(10),
            sinceResponseInit: ms(6),
            responseBytes: 2n,
            requestBytes: 7n,
            requestBody: { data: new TextEncoder().encode('{"a":1}'), totalBytes: 7n, contentType: "application/json" },
            responseBody: s === 2 ? { data: new Uint8Array([0, 255]), totalBytes: 900n, truncated: true, contentType: "application/octet-stream" } : undefined,
          },
        },
      }),
      1000 * s,
    );
  }
  return t.rows;
}

describe("tap export", () => {
  it("exports the merged rows as JSON, oldest first, with bodies decoded", () => {
    const json = JSON.parse(toJsonExport(rows()));
    expect(json.streams.map((s: { path: string }) => s.path)).toEqual(["/p1?x=1", "/p2?x=1"]);
    expect(json.streams[0]).toMatchObject({ method: "POST", status: 201, route: "r", cluster: "c", requestBytes: 7, requestBody: { encoding: "utf8", text: '{"a":1}' } });
    expect(json.streams[1].responseBody).toMatchObject({ encoding: "base64", text: "AP8=", truncated: true, totalBytes: 900 });
  });

  it("exports HAR 1.2 with headers, status, timings and bodies", () => {
    const har = JSON.parse(toHar(rows()));
    expect(har.log.version).toBe("1.2");
    expect(har.log.creator.name).toBe("meshdash");
    const [e1, e2] = har.log.entries;
    expect(e1.request).toMatchObject({ method: "POST", url: "http://a.example/p1?x=1", queryString: [{ name: "x", value: "1" }], postData: { mimeType: "application/json", text: '{"a":1}' }, bodySize: 7 });
    expect(e1.response).toMatchObject({ status: 201, statusText: "Created", headers: [expect.objectContaining({ name: "content-type" })], content: { size: 2, mimeType: "text/plain" } });
    expect(e1.timings).toMatchObject({ send: 0, wait: 4, receive: 6 });
    expect(e1.time).toBe(10);
    expect(e1.serverIPAddress).toBe("127.0.0.1");
    expect(new Date(e1.startedDateTime).getTime()).toBe(1000);
    expect(e2.response.content).toMatchObject({ encoding: "base64", text: "AP8=" });
    expect(e2.response.content.comment).toContain("truncated");
    for (const e of har.log.entries) for (const k of ["startedDateTime", "time", "request", "response", "cache", "timings"]) expect(e).toHaveProperty(k);
  });

  it("names files by time", () => {
    expect(exportFilename("har", new Date(0))).toBe("meshdash-tap-1970-01-01T00-00-00-000Z.har");
  });
});
