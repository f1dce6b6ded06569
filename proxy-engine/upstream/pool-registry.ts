// Upstream connection pools: one keep-alive HTTP/1.1 agent per cluster, kept across config swaps
// so that a new config version does not drop warm connections.

import http from "node:http";
import { createH2Sessions, type H2Sessions } from "./h2-sessions";

export interface PoolRegistry {
  agentFor(cluster: string): http.Agent;
  h2For(cluster: string): H2Sessions;
  /** Closes pools of clusters that are no longer configured. */
  retain(clusters: Iterable<string>): void;
  closeAll(): void;
}

export function createPoolRegistry(): PoolRegistry {
  const agents = new Map<string, http.Agent>();
  const h2 = new Map<string, H2Sessions>();
  return {
    h2For(cluster) {
      let s = h2.get(cluster);
      if (!s) {
        s = createH2Sessions();
        h2.set(cluster, s);
      }
      return s;
    },
    agentFor(cluster) {
      let agent = agents.get(cluster);
      if (!agent) {
        // lifo keeps the hottest connections busy and lets idle ones expire.
        agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: "lifo", timeout: 60_000 });
        agents.set(cluster, agent);
      }
      return agent;
    },
    retain(clusters) {
      const keep = new Set(clusters);
      for (const [name, agent] of agents) {
        if (!keep.has(name)) {
          agent.destroy();
          agents.delete(name);
        }
      }
      for (const [name, s] of h2) {
        if (!keep.has(name)) {
          s.closeAll();
          h2.delete(name);
        }
      }
    },
    closeAll() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
      for (const s of h2.values()) s.closeAll();
      h2.clear();
    },
  };
}
