// Upstream replicas the reliability run can break on demand: each is a real HTTP server on loopback that
// answers 200, or is killed (its port closed and its connections cut), hangs (reads the request and never
// answers), answers 503, or resets every connection that sends a request. GET /big streams BIG_BYTES (for
// slow readers), writing only as fast as the proxy reads.

import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export const BIG_BYTES = 8 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, "x");

/** Writes `bytes` in chunks, waiting for 'drain' whenever the socket's buffer is full. */
function streamBig(res: http.ServerResponse, bytes: number): void {
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(bytes) });
  let left = bytes;
  const more = () => {
    while (left > 0) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) return void res.once("drain", more);
    }
    res.end();
  };
  res.on("close", () => (left = 0));
  more();
}

export type ReplicaMode = "ok" | "killed" | "hang" | "503" | "reset";

export interface Replica {
  readonly port: number;
  readonly mode: ReplicaMode;
  setMode(mode: ReplicaMode): Promise<void>;
}

export interface FaultyReplicas {
  readonly replicas: readonly Replica[];
  stop(): Promise<void>;
}

async function startReplica(name: string): Promise<Replica & { stop(): Promise<void> }> {
  let mode: ReplicaMode = "ok";
  let port = 0;
  const sockets = new Set<Socket>();
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    if (mode === "reset") return void req.socket.resetAndDestroy();
    if (mode === "hang") return void hanging.add(res);
    req.resume();
    if (req.url === "/big") return streamBig(res, BIG_BYTES);
    if (mode === "503") {
      res.writeHead(503, { "content-type": "text/plain" });
      return void res.end(`${name}: unavailable\n`);
    }
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`${name}\n`);
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const listen = () => new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      port = (server.address() as AddressInfo).port;
      resolve();
    });
  });
  const close = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    for (const s of sockets) s.destroy();
  });
  await listen();
  return {
    get port() {
      return port;
    },
    get mode() {
      return mode;
    },
    async setMode(next) {
      if (next === mode) return;
      if (mode === "killed") await listen(); // the same port again, as a restarted pod keeps its address
      if (mode === "hang") for (const res of hanging) res.destroy();
      hanging.clear();
      mode = next;
      if (next === "killed") await close();
    },
    async stop() {
      for (const res of hanging) res.destroy();
      if (mode !== "killed") await close();
    },
  };
}

export async function startFaultyReplicas(count: number, name: string): Promise<FaultyReplicas> {
  const replicas = await Promise.all(Array.from({ length: count }, (_, i) => startReplica(`${name}-${i}`)));
  return {
    replicas,
    async stop() {
      await Promise.all(replicas.map((r) => r.stop()));
    },
  };
}
