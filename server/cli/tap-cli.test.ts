// `meshdash tap` as users run it: the real bin, spawned against the real test server over gRPC (h2c),
// printing Linkerd-style lines or JSON, exiting 0 at the limit and non-zero with a message on errors.

import { fromJsonString } from "@bufbuild/protobuf";
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TapEventSchema } from "../../proto/gen/meshdash/tap/v1/tap_pb";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { createFrontDoor } from "../http/front-door";
import { registerRoutes } from "../rpc/routes";
import { rpcInterceptors } from "../security/access-token";
import { startTestServer, type TestServer } from "../test-util/test-server";

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "meshdash.mjs");

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

interface Run {
  code: Promise<number>;
  stdout: () => string;
  stderr: () => string;
  exited: () => boolean;
}

function meshdash(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, MESHDASH_SERVER: "", MESHDASH_TOKEN: "", ...env } });
  let out = "";
  let err = "";
  let done = false;
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = new Promise<number>((resolve) => child.once("close", (c) => ((done = true), resolve(c ?? -1))));
  return { code, stdout: () => out, stderr: () => err, exited: () => done };
}

const server_ = () => server.baseUrl.slice("http://".length);
const gateway = () => server.runtime.proxies[0]!;

/** Sends traffic through the ingress once the CLI's tap is registered, until the CLI exits. */
async function driveUntilExit(run: Run, path: string): Promise<number> {
  while (!run.exited() && !server.runtime.proxies.some((p) => p.taps.active.length !== 0)) await new Promise((r) => setTimeout(r, 10));
  while (!run.exited()) await fetch(`${server.ingressUrl}${path}`).then((r) => r.text());
  return run.code;
}

describe("meshdash tap", () => {
  it("prints req, rsp and end lines for tapped requests and exits 0 at the limit", async () => {
    const prefix = `/details/cli-${Date.now()}`;
    const run = meshdash(["tap", "--server", server_(), "--path", prefix, "--method", "GET", "--proxy", gateway().id, "--limit", "1"]);
    expect(await driveUntilExit(run, prefix)).toBe(0);
    const lines = run.stdout().trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^req id=\\d+:\\d+ proxy=in  src=127\\.0\\.0\\.1:\\d+ dst=127\\.0\\.0\\.1:\\d+ :method=GET :authority=127\\.0\\.0\\.1:\\d+ :path=${prefix} route=details cluster=outbound\\|9080\\|\\|details\\.default\\.svc\\.cluster\\.local$`));
    expect(lines[1]).toMatch(/^rsp id=\d+:\d+ proxy=in  .* :status=200 latency=\d+µs$/);
    expect(lines[2]).toMatch(/^end id=\d+:\d+ proxy=in  .* duration=\d+µs response-length=\d+B$/);
    expect(run.stderr()).toBe("");
  });

  it("prints one JSON TapEvent per line with -o json, scoped to a service's inbound side", async () => {
    const prefix = `/details/cli-json-${Date.now()}`;
    const run = meshdash(["tap", "--server", server_(), "--path", prefix, "--service", "details", "--direction", "inbound", "--headers", "--limit", "1", "-o", "json"]);
    while (!run.exited() && server.runtime.proxies.filter((p) => p.taps.active.length).length < 2) await new Promise((r) => setTimeout(r, 10));
    expect(await driveUntilExit(run, prefix)).toBe(0);
    const events = run.stdout().trim().split("\n").map((l) => fromJsonString(TapEventSchema, l));
    expect(events.map((e) => e.event.case)).toEqual(["requestInit", "responseInit", "responseEnd"]);
    expect(events[0]!.routeContext?.listener).toBe("virtualInbound");
    expect(events[0]!.event.case === "requestInit" && events[0]!.event.value.headers?.headers.length).toBeGreaterThan(0);
  });

  it("prints only errors with --errors", async () => {
    const tag = Date.now();
    const run = meshdash(["tap", "--server", server_(), "--proxy", gateway().id, "--errors", "--limit", "1"]);
    let n = 0;
    while (!run.exited() && gateway().taps.active.length === 0) await new Promise((r) => setTimeout(r, 10));
    while (!run.exited()) await fetch(`${server.ingressUrl}${n++ % 2 ? `/nope-${tag}` : `/details/ok-${tag}`}`).then((r) => r.text());
    expect(await run.code).toBe(0);
    const lines = run.stdout().trim().split("\n");
    expect(lines[0]).toContain(`:path=/nope-${tag}`);
    expect(lines[2]).toContain("response-flags=NR");
  });

  it("exits 1 with a clear message when the server refuses the tap or cannot be reached", async () => {
    const [unknown, tooBig, down] = [["--service", "nope"], ["--body-bytes", "70000"], ["--server", "127.0.0.1:1"]].map((a) => meshdash(["tap", "--server", server_(), ...a]));
    expect(await Promise.all([unknown!.code, tooBig!.code, down!.code])).toEqual([1, 1, 1]);
    expect(unknown!.stderr()).toMatch(/^meshdash tap: NotFound: scope\.service: no sidecar serves "nope"; services: /);
    expect(tooBig!.stderr()).toBe("meshdash tap: InvalidArgument: body_bytes: must be at most 65536, got 70000\n");
    expect(down!.stderr()).toMatch(/^meshdash tap: cannot reach the dashboard at 127\.0\.0\.1:1 \(.*ECONNREFUSED.*\); is it running\?/);
  });

  it("sends $MESHDASH_TOKEN to a dashboard that wants the access token, and explains the refusal without it", async () => {
    const door = createFrontDoor(connectNodeAdapter({ routes: registerRoutes(server.runtime), interceptors: rpcInterceptors("t0ken") }));
    const addr = await door.listen(0, "127.0.0.1");
    try {
      const refused = meshdash(["tap", "--server", `127.0.0.1:${addr.port}`]);
      expect(await refused.code).toBe(1);
      expect(refused.stderr()).toMatch(/^meshdash tap: Unauthenticated: Observe: this server is reachable beyond loopback, so it needs the access token/);
      const prefix = `/details/cli-token-${Date.now()}`;
      const run = meshdash(["tap", "--server", `127.0.0.1:${addr.port}`, "--path", prefix, "--limit", "1"], { MESHDASH_TOKEN: "t0ken" });
      expect(await driveUntilExit(run, prefix)).toBe(0);
      expect(run.stdout()).toContain("req id=");
    } finally {
      await door.stop(100);
    }
  });

  it("exits 2 on bad flags, naming the flag, and 0 for --help", async () => {
    const run = meshdash(["tap", "--direction", "up"]);
    const help = meshdash(["tap", "--help"]);
    expect(await Promise.all([run.code, help.code])).toEqual([2, 0]);
    expect(run.stderr()).toBe('meshdash tap: --direction: "up" is not inbound or outbound\nRun "meshdash tap --help" for the flags.\n');
    expect(help.stdout()).toContain("Usage: meshdash tap [flags]");
  });
});
