// Envoy-compatible admin API for one proxy: /ready, /server_info, /stats (text, json, prometheus),
// /stats/prometheus, /clusters (text, json) and /config_dump. Read-only today; it binds loopback by default.

import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Proxy } from "../proxy";
import { clustersJson, clustersText } from "./clusters-view";
import { configDump } from "./config-dump";
import { statsJson, statsPrometheus, statsText } from "./stat-formats";
import { COMPONENTS, LEVELS, type Component, type Level } from "../log/logger";
import { compileSafeRegex, type SafeRegex } from "../router/safe-regex";
import { bearerMatches } from "./bearer-token";

/** Whether a bind address keeps a service on this machine (mutating APIs are refused otherwise). */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

export interface AdminServer {
  start(): Promise<void>;
  stop(): Promise<void>;
  address(): string | undefined;
}

export interface AdminOptions {
  proxy: Proxy;
  host: string;
  port: number;
  /** When set (the admin API is reachable beyond loopback), every request must carry it as a bearer token. */
  token?: string;
}

const startedAt = Date.now();

type Reply = { status: number; type: string; body: string };

const text = (body: string, status = 200): Reply => ({ status, type: "text/plain; charset=utf-8", body });
const json = (body: string): Reply => ({ status: 200, type: "application/json", body });

export function handleAdmin(proxy: Proxy, method: string, url: URL, loopback = true): Reply {
  const q = url.searchParams;
  if (url.pathname === "/logging") return logging(proxy, method, q, loopback);
  if (method !== "GET" && method !== "HEAD") return text(`admin: ${method} ${url.pathname} is not supported; only POST /logging changes anything`, 405);
  switch (url.pathname) {
    case "/":
      return text(["/ready", "/server_info", "/stats", "/stats/prometheus", "/clusters", "/listeners", "/config_dump", "/logging"].join("\n") + "\n");
    case "/ready":
      return text("LIVE\n");
    case "/server_info":
      return json(JSON.stringify({ version: "meshdash", state: "LIVE", node: { id: proxy.id }, uptime_current_epoch: `${Math.round((Date.now() - startedAt) / 1000)}s` }, null, 2));
    case "/stats":
    case "/stats/prometheus": {
      let stats = proxy.stats.snapshot();
      const filter = q.get("filter");
      if (filter) {
        let re: SafeRegex;
        try {
          re = compileSafeRegex(filter, { fullMatch: false });
        } catch (e) {
          return text(`admin: invalid filter regex: ${(e as Error).message}`, 400);
        }
        stats = stats.filter((s) => re.test(s.name));
      }
      const format = url.pathname === "/stats/prometheus" ? "prometheus" : q.get("format");
      if (format === "prometheus") return { status: 200, type: "text/plain; version=0.0.4", body: statsPrometheus(stats) };
      if (format === "json") return json(statsJson(stats));
      return text(statsText(stats));
    }
    case "/clusters":
      return q.get("format") === "json" ? json(clustersJson(proxy.config())) : text(clustersText(proxy.config()));
    case "/config_dump": {
      let nameRegex: SafeRegex | undefined;
      const nr = q.get("name_regex");
      if (nr) {
        try {
          nameRegex = compileSafeRegex(nr, { fullMatch: false });
        } catch (e) {
          return text(`admin: invalid name_regex: ${(e as Error).message}`, 400);
        }
      }
      const c = proxy.config();
      return json(JSON.stringify(configDump(c, c.resources.dynamic, { resource: q.get("resource") ?? undefined, nameRegex }), null, 2));
    }
    case "/listeners": {
      const bound = proxy.listeners();
      if (q.get("format") === "json") {
        return json(JSON.stringify({ listener_statuses: bound.map((l) => { const [host, port] = [l.address.slice(0, l.address.lastIndexOf(":")), Number(l.address.slice(l.address.lastIndexOf(":") + 1))]; return { name: l.name, local_address: { socket_address: { address: host, port_value: port } } }; }) }, null, 2));
      }
      return text(bound.map((l) => `${l.name}::${l.address}\n`).join(""));
    }
    default:
      return text(`admin: no such path ${url.pathname}; see /\n`, 404);
  }
}

function logging(proxy: Proxy, method: string, q: URLSearchParams, loopback: boolean): Reply {
  const list = () => text(`active loggers:\n${COMPONENTS.map((c) => `  ${c}: ${proxy.logger.level(c)}`).join("\n")}\n`);
  if (method === "GET") return list();
  if (method !== "POST") return text("admin: /logging takes GET or POST", 405);
  // The admin API has no access token yet, so it changes nothing unless bound to loopback.
  if (!loopback) return text("admin: POST /logging is refused when the admin API is bound beyond loopback", 403);
  for (const [k, v] of q) {
    const level = v as Level;
    if (!LEVELS.includes(level)) return text(`admin: unknown level "${v}" (one of ${LEVELS.join(", ")})`, 400);
    if (k === "level") proxy.logger.setLevel("all", level);
    else if ((COMPONENTS as readonly string[]).includes(k)) proxy.logger.setLevel(k as Component, level);
    else return text(`admin: unknown logger "${k}" (one of ${COMPONENTS.join(", ")}, or level= for all)`, 400);
  }
  return list();
}

export function createAdminServer(opts: AdminOptions): AdminServer {
  const server = http.createServer((req, res) => {
    if (opts.token !== undefined && !bearerMatches(req.headers.authorization, opts.token)) {
      res.writeHead(401, { "content-type": "text/plain; charset=utf-8", "www-authenticate": "Bearer" });
      return void res.end("admin: this admin API is reachable beyond loopback; send the access token printed at startup as \"Authorization: Bearer <token>\"\n");
    }
    const reply = handleAdmin(opts.proxy, req.method ?? "GET", new URL(req.url ?? "/", "http://admin"), isLoopback(opts.host));
    res.writeHead(reply.status, { "content-type": reply.type, "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : reply.body);
  });
  return {
    start: () =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(opts.port, opts.host, () => {
          server.off("error", reject);
          resolve();
        });
      }),
    stop: () =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    address() {
      const a = server.address() as AddressInfo | null;
      return a ? `${a.address}:${a.port}` : undefined;
    },
  };
}
