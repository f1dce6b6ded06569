// Test fixture: a proxy on an ephemeral port built from Envoy JSON, upstreams torn down after each test,
// and a plain HTTP/1.1 request helper that returns status, body and headers.

import http from "node:http";
import { bootstrapFromJson } from "../config/resources";
import { createProxy, type Proxy } from "../proxy";
import { cleanupAfterEach } from "./cleanup";
import { bootstrapJson, startUpstream, type TestUpstream } from "./upstream";

export interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export function request(url: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? "GET", headers: init.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Call at module level: returns helpers whose servers and proxies close after each test. */
export function proxyHarness() {
  const cleanup = cleanupAfterEach();
  return {
    cleanup,
    async upstream(name: string, handler?: http.RequestListener): Promise<TestUpstream> {
      const u = await startUpstream(name, handler);
      cleanup(u.close);
      return u;
    },
    /** One listener "ingress" whose "*" virtual host has `routes`, plus prefix clusters and extra cluster JSON. */
    async proxyWith(routes: object[], clusters: Record<string, number[]>, extraClusters: object[] = []): Promise<{ proxy: Proxy; base: string }> {
      const proxy = createProxy({ id: "t", role: "gateway", bootstrap: bootstrapFromJson(bootstrapJson(routes, clusters, extraClusters)) });
      await proxy.start();
      cleanup(() => proxy.stop(100));
      return { proxy, base: `http://${proxy.listeners()[0]!.address}` };
    },
  };
}
