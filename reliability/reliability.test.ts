// The reliability harness itself, on real sockets: each replica fault really breaks the replica (so the
// figures `npm run test:reliability` prints mean something), and one upstream fault plus one bad push run
// through the real runtime end to end with nothing lost. The full run is `npm run test:reliability`.

import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultyReplicas, type FaultyReplicas } from "./faulty-replicas";
import { FAULTY_AUTHORITY, startMeshUnderTest, type MeshUnderTest } from "./mesh-under-test";
import { badPush } from "./scenarios/bad-push";
import { upstreamFault } from "./scenarios/upstream-faults";
import { startSteadyLoad, type SteadyLoad } from "./steady-load";

const get = async (port: number, timeoutMs = 2000) => {
  try {
    const r = await request(`http://127.0.0.1:${port}/`, { headersTimeout: timeoutMs, reset: true });
    await r.body.dump();
    return String(r.statusCode);
  } catch (e) {
    return (e as { code?: string }).code ?? (e as Error).message;
  }
};

describe("faulty replicas", () => {
  let replicas: FaultyReplicas;
  beforeAll(async () => {
    replicas = await startFaultyReplicas(1, "t");
  });
  afterAll(() => replicas.stop());

  it("break the way they are told to, and recover on the same port", async () => {
    const r = replicas.replicas[0]!;
    expect(await get(r.port)).toBe("200");
    await r.setMode("503");
    expect(await get(r.port)).toBe("503");
    await r.setMode("reset");
    expect(await get(r.port)).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    await r.setMode("hang");
    expect(await get(r.port, 300)).toBe("UND_ERR_HEADERS_TIMEOUT");
    await r.setMode("killed");
    expect(await get(r.port)).toBe("ECONNREFUSED");
    await r.setMode("ok");
    expect(await get(r.port)).toBe("200");
  });
});

describe("reliability scenarios through the real runtime", () => {
  let mesh: MeshUnderTest;
  let load: SteadyLoad;
  beforeAll(async () => {
    mesh = await startMeshUnderTest(4);
    load = startSteadyLoad({ address: mesh.ingress, authority: FAULTY_AUTHORITY, path: "/", rps: 100, connections: 16 });
  }, 60_000);
  afterAll(async () => {
    await load?.stop();
    await mesh?.stop();
  }, 60_000);

  it("an endpoint answering 503 is retried around: nothing lost", async () => {
    const row = await upstreamFault("503", 0, "503")({ mesh, load });
    expect(row.requests).toBeGreaterThan(300);
    expect(row.lost).toEqual([]);
  }, 30_000);

  it("a NACKed push shows ERROR with the proxies' message, traffic holds, and a good push recovers", async () => {
    const row = await badPush({ mesh, load });
    expect(row.detail).toContain("generated cookies (ttl) are not supported");
    expect(row.lost).toEqual([]);
    expect(row.failed).toBe(0);
  }, 60_000);
});
