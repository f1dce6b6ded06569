// The product's runtime (control plane, store, demo mesh) alone in a process, for the restart scenario:
// DATA_DIR is its store's folder. Prints "ingress <host:port> head <revision>" when serving. "write N" on
// stdin commits N revisions (the demo's ratings DestinationRule, re-applied with a new message each time)
// and prints "head <revision>". SIGTERM drains like server/main.ts does (in-flight requests finish, up to
// 5 s) and prints "drained" before exiting 0.

import readline from "node:readline";
import { applyConfigYaml } from "../server/control-plane/changes/config-changes";
import { startRuntime } from "../server/runtime/runtime";
import { testRuntimeOptions } from "../server/test-util/runtime-options";

const runtime = await startRuntime(testRuntimeOptions({ dataDir: process.env.DATA_DIR! }));
for (const p of runtime.proxies) p.logger.setLevel("all", "error");
const cp = runtime.controlPlane;
const rule = (n: number) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: restart-check, namespace: default }
spec:
  host: details
  trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: ${1000 + n} } } }
`;

readline.createInterface({ input: process.stdin }).on("line", async (line) => {
  const m = /^write (\d+)$/.exec(line.trim());
  if (!m) return;
  for (let i = 0; i < Number(m[1]); i++) {
    await applyConfigYaml(cp, { yaml: rule(cp.store.head()), expectedRevision: cp.store.head(), author: "reliability", message: `restart check ${i}`, dryRun: false });
  }
  console.log(`head ${cp.store.head()}`);
});

let stopping = false;
process.on("SIGTERM", () => {
  if (stopping) return;
  stopping = true;
  void runtime.stop(5000).then(() => {
    console.log("drained");
    process.exit(0);
  });
});
console.log(`ingress ${runtime.ingressAddress()} head ${cp.store.head()}`);
