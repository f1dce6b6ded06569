// Access logs through a real proxy: JSON lines per listener, default and custom formats, secrets redacted.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../config/config-error";
import { bootstrapFromJson } from "../../config/resources";
import { createProxy, type Proxy } from "../../proxy";
import { listenerJson, staticClusterJson, startUpstream } from "../../test-util/upstream";

let proxy: Proxy | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await proxy?.stop(50);
  while (closers.length) await closers.pop()!();
});

function listenerWithLog(accessLog: object[]): object {
  return listenerJson({ routes: [{ name: "all", match: { prefix: "/" }, route: { cluster: "a" } }], hcm: { access_log: accessLog } });
}

const FILE = "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog";

async function waitForLines(file: string, n: number): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    let lines: string[] = [];
    try {
      lines = readFileSync(file, "utf8").trim().split("\n").filter(Boolean);
    } catch {
      /* not created yet */
    }
    if (lines.length >= n) return lines;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`expected ${n} log lines in ${file}`);
}

describe("access log", () => {
  it("writes one JSON line per request, with Envoy's default fields and secrets redacted", async () => {
    const up = await startUpstream("a");
    closers.push(up.close);
    const dir = mkdtempSync(path.join(tmpdir(), "meshdash-al-"));
    const file = path.join(dir, "access.log");
    const custom = path.join(dir, "custom.log");
    proxy = createProxy({
      id: "t",
      role: "gateway",
      bootstrap: bootstrapFromJson({
        static_resources: {
          listeners: [
            listenerWithLog([
              { name: "file", typed_config: { "@type": FILE, path: file } },
              { name: "custom", typed_config: { "@type": FILE, path: custom, log_format: { json_format: { code: "%RESPONSE_CODE%", auth: "%REQ(AUTHORIZATION)%", line: "%REQ(:METHOD)% %REQ(:PATH)% -> %UPSTREAM_CLUSTER%" } } } },
            ]),
          ],
          clusters: [staticClusterJson("a", [up.port])],
        },
      }),
    });
    await proxy.start();
    const base = `http://${proxy.listeners()[0]!.address}`;
    await fetch(`${base}/hello?x=1`, { headers: { authorization: "Bearer s3cret", "user-agent": "test-agent" } }).then((r) => r.text());
    const [line] = await waitForLines(file, 1);
    const entry = JSON.parse(line!) as Record<string, unknown>;
    expect(entry).toMatchObject({ method: "GET", path: "/hello?x=1", response_code: 200, response_flags: "-", route_name: "all", upstream_cluster: "a", user_agent: "test-agent", protocol: "HTTP/1.1" });
    expect(entry.bytes_sent).toBe("a GET /hello?x=1".length);
    expect(typeof entry.duration).toBe("number");
    const [c] = await waitForLines(custom, 1);
    expect(JSON.parse(c!)).toEqual({ code: 200, auth: "[REDACTED]", line: "GET /hello?x=1 -> a" });
  });

  it("rejects unknown operators with the field path", () => {
    expect(() =>
      createProxy({
        id: "t",
        role: "gateway",
        bootstrap: bootstrapFromJson({ static_resources: { listeners: [listenerWithLog([{ name: "f", typed_config: { "@type": FILE, path: "/tmp/x", log_format: { text_format: "%NOPE%" } } }])], clusters: [staticClusterJson("a", [1])] } }),
      }),
    ).toThrow(ConfigError);
  });
});
