// HTTP/1.1 Upgrade (WebSocket and other upgrade_configs types): the request is routed like any other, then
// the raw request goes to an upstream endpoint and the two sockets are piped both ways, with backpressure.
// Upgrades the connection manager does not allow get 403, as in Envoy.

import type net from "node:net";
import type { IncomingMessage } from "node:http";
import type { CompiledConfig } from "../config/compile";
import { findRoute, findVirtualHost } from "../router/route-table";
import { pickCluster, rewritePath } from "../router/router";
import { connectToCluster } from "../upstream/tcp-connect";
import type { HcmStats } from "./hcm-stats";
import { upstreamRequestHeaders } from "./headers";
import { matchInputOf } from "./downstream";

function rawReply(socket: net.Socket, status: string, body: string): void {
  if (!socket.writable) return void socket.destroy();
  socket.end(`HTTP/1.1 ${status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body) + 1}\r\nconnection: close\r\n\r\n${body}\n`);
}

export function createUpgradeHandler(listenerName: string, getConfig: () => CompiledConfig, stats: HcmStats) {
  return (req: IncomingMessage, socket: net.Socket, head: Buffer): void => {
    stats.downstream_rq_total.value++;
    socket.on("error", () => socket.destroy());
    const config = getConfig();
    const l = config.listenerByName.get(listenerName);
    const hcm = l?.kind === "http" ? l.hcm : undefined;
    const type = String(req.headers.upgrade ?? "").toLowerCase();
    if (!hcm || !hcm.upgradeTypes.has(type)) {
      stats.downstream_rq_4xx.value++;
      return rawReply(socket, "403 Forbidden", `upgrade "${type}" is not enabled on listener "${listenerName}" (upgrade_configs)`);
    }
    const url = req.url ?? "/";
    const input = matchInputOf(req);
    const vh = hcm.routeTable ? findVirtualHost(hcm.routeTable, input.authority) : undefined;
    const route = vh ? findRoute(vh, input) : undefined;
    if (!route || route.action.kind !== "forward") {
      stats.no_route.value++;
      stats.downstream_rq_4xx.value++;
      return rawReply(socket, "404 Not Found", `no route for upgrade ${input.method} ${url} (listener "${listenerName}")`);
    }
    const name = pickCluster(route.action.target, req.headers);
    const cluster = name ? config.clusters.get(name) : undefined;
    if (!cluster) {
      stats.downstream_rq_5xx.value++;
      return rawReply(socket, "503 Service Unavailable", `cluster "${name ?? ""}" not found (route "${route.name}")`);
    }
    const headers = upstreamRequestHeaders(req.headers, req.socket.remoteAddress, hcm.generateRequestId);
    // Upgrade and Connection are hop-by-hop in general but are the point of this request.
    headers.connection = "Upgrade";
    headers.upgrade = req.headers.upgrade;
    if (route.action.hostRewrite) headers.host = route.action.hostRewrite;
    let raw = `${req.method} ${rewritePath(url, route, route.action)} HTTP/1.1\r\n`;
    for (const [k, v] of Object.entries(headers)) for (const one of Array.isArray(v) ? v : [v]) if (one !== undefined) raw += `${k}: ${one}\r\n`;
    raw += "\r\n";
    connectToCluster(cluster, socket, false, {
      onConnected(up, splice) {
        up.write(raw);
        if (head.length) up.write(head);
        splice();
      },
      onExhausted() {
        stats.downstream_rq_5xx.value++;
        rawReply(socket, "503 Service Unavailable", `upstream connect error: no endpoint of cluster "${cluster.name}" answered the upgrade`);
      },
    });
  };
}
