// Upstream faults under load: one replica of the faulty service is killed, hangs, answers 503 or resets its
// connections for a while. Retries (another host on each try) and outlier detection must keep the
// ingress's failure rate near zero: the budget is 1% of the requests sent while the fault was on.

import type { ReplicaMode } from "../faulty-replicas";
import { failureSummary, loadSince, type Scenario, wait } from "./scenario";

const FAULT_MS = 5000;
/** Requests sent this long after the replica is repaired still count: the mesh has to take it back. */
const AFTER_MS = 2000;
const BUDGET = 0.01;

export function upstreamFault(mode: Exclude<ReplicaMode, "ok">, replica: number, label: string): Scenario {
  return async ({ mesh, load }) => {
    const r = mesh.replicas.replicas[replica]!;
    const start = performance.now();
    await r.setMode(mode);
    await wait(FAULT_MS);
    await r.setMode("ok");
    await wait(AFTER_MS);
    const { outcomes, failed } = await loadSince(load, start);
    const budget = Math.floor(outcomes.length * BUDGET);
    return {
      fault: label,
      requests: outcomes.length,
      failed: failed.length,
      // The last failure, counted from the fault's start: how long the mesh took to route around it.
      recoveryMs: failed.reduce((last, o) => Math.max(last, o.at - start), 0),
      lost: failed.length > budget ? [`${failed.length} failed requests, over the budget of ${budget} (1%)`] : [],
      detail: `${FAULT_MS / 1000} s on 1 of ${mesh.replicas.replicas.length} replicas; ${failed.length ? failureSummary(outcomes) : "no request failed"}`,
    };
  };
}
