// Test fixture for the kill -9 test: commits revisions to the store at argv[2] in a loop and prints each
// revision number once commit() has returned; exits by itself when its stdin closes (the parent went away).

import { openSqliteConfigStore } from "./sqlite-config-store";

const file = process.argv[2];
if (!file) throw new Error("usage: store-writer.fixture.mts <db-file>");
const store = openSqliteConfigStore({ path: file });
process.stdin.on("end", () => process.exit(0)).resume();

const MAX_REVISIONS = 100_000; // a safety stop; the test kills us long before
function step(): void {
  const rev = store.head() + 1;
  store.commit({
    expectedRevision: rev - 1,
    author: "writer",
    message: `write ${rev}`,
    changes: [
      { kind: "VirtualService", namespace: "default", name: `vs-${rev}`, op: "put", spec: { rev } },
      { kind: "DestinationRule", namespace: "default", name: "counter", op: "put", spec: { rev } },
    ],
  });
  process.stdout.write(`${rev}\n`); // pipes are synchronous on Linux: printed means handed to the parent
  if (rev < MAX_REVISIONS) setImmediate(step);
}
step();
