// `npm run test:reliability`: breaks the running product on purpose while a steady load goes through the
// demo ingress, and prints what held: requests sent during each fault, how many failed, how long the mesh
// took to recover, and anything lost. Exits 1 if anything was lost (a budget broken, a revision missing, a
// proxy that never converged). Env: RELIABILITY_RPS (default 200), RELIABILITY_ONLY (substring of the
// fault names to run).

import { FAULTY_AUTHORITY, startMeshUnderTest } from "./mesh-under-test";
import { badPush } from "./scenarios/bad-push";
import { controlPlaneOutage } from "./scenarios/control-plane-outage";
import { downstreamMisbehaviour } from "./scenarios/downstream-misbehaviour";
import { hostileInput } from "./scenarios/hostile-input";
import { killDuringWrite, sigtermRestart } from "./scenarios/process-restart";
import { pushStorm } from "./scenarios/push-storm";
import { failures, wait, type Row, type Scenario } from "./scenarios/scenario";
import { upstreamFault } from "./scenarios/upstream-faults";
import { startSteadyLoad } from "./steady-load";

const RPS = Number(process.env.RELIABILITY_RPS ?? 200);
const REPLICAS = 4;

const SCENARIOS: [string, Scenario][] = [
  ["upstream killed", upstreamFault("killed", 0, "upstream endpoint killed")],
  ["upstream hanging", upstreamFault("hang", 1, "upstream endpoint hanging")],
  ["upstream 503", upstreamFault("503", 2, "upstream endpoint answering 503")],
  ["upstream resets", upstreamFault("reset", 3, "upstream endpoint resetting")],
  ["control plane", controlPlaneOutage],
  ["bad push", badPush],
  ["push storm", pushStorm],
  ["downstream", downstreamMisbehaviour],
  ["hostile input", hostileInput],
  ["restart", sigtermRestart],
  ["kill -9", killDuringWrite],
];

const pad = (s: string, n: number) => s.padEnd(n);
const lpad = (s: string, n: number) => s.padStart(n);

async function main(): Promise<number> {
  const only = process.env.RELIABILITY_ONLY;
  const selected = SCENARIOS.filter(([name]) => !only || name.includes(only));
  console.log(`reliability: ${selected.length} faults, a steady ${RPS} req/s through the demo ingress (Host: ${FAULTY_AUTHORITY}), node ${process.version}`);
  const mesh = await startMeshUnderTest(REPLICAS);
  const load = startSteadyLoad({ address: mesh.ingress, authority: FAULTY_AUTHORITY, path: "/", rps: RPS, connections: 64, timeoutMs: 10_000 });
  const rows: Row[] = [];
  try {
    await wait(2000);
    const warm = load.between(0, performance.now());
    if (failures(warm).length) throw new Error(`the mesh failed ${failures(warm).length} of ${warm.length} requests before any fault`);
    for (const [name, scenario] of selected) {
      process.stdout.write(`  ${name}…`);
      const row = await scenario({ mesh, load });
      rows.push(row);
      console.log(row.lost.length ? " LOST" : " ok");
      await wait(1000); // the next fault starts from a quiet mesh
    }
  } finally {
    await load.stop();
    await mesh.stop();
  }
  console.log(`\n${pad("fault", 40)} ${lpad("requests", 8)} ${lpad("failed", 7)} ${lpad("failed %", 8)} ${lpad("recovery", 9)}  ${pad("lost", 5)} detail`);
  for (const r of rows) {
    const pct = r.requests ? ((r.failed / r.requests) * 100).toFixed(2) : "—";
    const recovery = r.recoveryMs === undefined ? "—" : `${(r.recoveryMs / 1000).toFixed(2)} s`;
    console.log(`${pad(r.fault, 40)} ${lpad(String(r.requests), 8)} ${lpad(String(r.failed), 7)} ${lpad(pct, 8)} ${lpad(recovery, 9)}  ${pad(r.lost.length ? "YES" : "none", 5)} ${r.detail}`);
    for (const l of r.lost) console.log(`${" ".repeat(42)}lost: ${l}`);
  }
  const lost = rows.filter((r) => r.lost.length).length;
  const sent = rows.reduce((n, r) => n + r.requests, 0);
  const failed = rows.reduce((n, r) => n + r.failed, 0);
  console.log(`\nload held: ${sent} requests through the ingress during the faults, ${failed} failed (${sent ? ((failed / sent) * 100).toFixed(3) : "0"}%)`);
  console.log(lost ? `${lost} fault(s) lost something` : "nothing lost");
  return lost ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
