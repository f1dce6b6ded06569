// What every reliability scenario reports: one row of the table `npm run test:reliability` prints.

import { setTimeout as sleep } from "node:timers/promises";
import type { MeshUnderTest } from "../mesh-under-test";
import type { Outcome, SteadyLoad } from "../steady-load";

export interface Row {
  fault: string;
  /** Requests sent through the ingress while the fault was on (and while the mesh recovered). */
  requests: number;
  failed: number;
  /** What "recovered" means is the scenario's own (see `recovery`); undefined when it does not apply. */
  recoveryMs: number | undefined;
  /** What was lost: requests over the scenario's budget, revisions, convergence. Any makes the run fail. */
  lost: string[];
  detail: string;
}

export interface ScenarioContext {
  mesh: MeshUnderTest;
  load: SteadyLoad;
}

export type Scenario = (ctx: ScenarioContext) => Promise<Row>;

export const wait = (ms: number) => sleep(ms);

export function failures(outcomes: Outcome[]): Outcome[] {
  return outcomes.filter((o) => !o.ok);
}

/** The steady load's requests sent from `start` until now, once every one of them has finished, and the failed ones. */
export async function loadSince(load: SteadyLoad, start: number): Promise<{ outcomes: Outcome[]; failed: Outcome[] }> {
  const end = performance.now();
  await load.settled(end);
  const outcomes = load.between(start, end);
  return { outcomes, failed: failures(outcomes) };
}

/** How requests failed, most common first, e.g. "503 ×3, other side closed ×1". */
export function failureSummary(outcomes: Outcome[]): string {
  const counts = new Map<string, number>();
  for (const o of failures(outcomes)) {
    const k = o.status ? String(o.status) : (o.error ?? "error");
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${n}`)
    .join(", ");
}

/** Polls `check` every 20 ms until it is true; the time it took, or undefined after `timeoutMs`. */
export async function timeUntil(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number | undefined> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if (await check()) return performance.now() - start;
    await sleep(20);
  }
  return undefined;
}
