// Upstream connection pools: one keep-alive HTTP/1.1 agent per cluster, kept across config swaps
// so that a new config version does not drop warm connections.

import http from "node:http";

export interface PoolRegistry {
  agentFor(cluster: string): http.Agent;
  /** Closes pools of clusters that are no longer configured. */
  retain(clusters: Iterable<string>): void;
  closeAll(): void;
}

export function createPoolRegistry(): PoolRegistry {
  const agents = new Map<string, http.Agent>();
  return {
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
    },
    closeAll() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}
