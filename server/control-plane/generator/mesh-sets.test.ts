// The push's CDS and EDS sets: reused whole while the registry snapshot and DestinationRules are
// unchanged (a VirtualService change), rebuilt per service otherwise, and the same arrays for the same
// subscription within a set.

import { describe, expect, it } from "vitest";
import { bookinfoInstances, bookinfoRules, bookinfoServices, HOSTS, sidecarNode } from "./bookinfo-fixture";
import { createGenerator } from "./generator";
import { createMeshSets } from "./mesh-sets";
import { buildPushContext, type PushContext } from "./push-context";

const registry = { version: 1, services: bookinfoServices(), instances: bookinfoInstances() };
const context = (over: Partial<Parameters<typeof buildPushContext>[0]> = {}) => buildPushContext({ version: 1, registry, ...bookinfoRules(), ...over });

describe("mesh sets", () => {
  it("reuses the sets while the registry snapshot and DestinationRules are unchanged", () => {
    const sets = createMeshSets();
    const a = context();
    const b = context({ virtualServices: [] }); // a rule change that is not a DestinationRule
    expect(sets.clusters(b)).toBe(sets.clusters(a));
    expect(sets.endpoints(b)).toBe(sets.endpoints(a));

    const rules = bookinfoRules();
    const changed = context({ destinationRules: rules.destinationRules.filter((d) => d.metadata.name !== "ratings") });
    const c = sets.clusters(changed);
    expect(c).not.toBe(sets.clusters(a));
    // Per service: only the ratings clusters were rebuilt.
    const byName = (ctx: PushContext, name: string) => sets.clusters(ctx).byName.get(name);
    expect(byName(changed, `outbound|9080||${HOSTS.reviews}`)).toBe(byName(a, `outbound|9080||${HOSTS.reviews}`));
    expect(byName(changed, `outbound|9080||${HOSTS.ratings}`)).not.toBe(byName(a, `outbound|9080||${HOSTS.ratings}`));
  });

  it("gives proxies with the same subscription the same arrays, across pushes too", () => {
    let ctx = context();
    const g = createGenerator(() => ctx);
    const names = [`outbound|9080||${HOSTS.reviews}`, `outbound|9080||${HOSTS.ratings}`];
    const first = g.generate(sidecarNode(), "endpoint", names).resources;
    expect(g.generate({ ...sidecarNode(), id: "other" }, "endpoint", [...names]).resources).toBe(first);
    const cds = g.generate(sidecarNode(), "cluster", []).resources;
    ctx = context({ version: 2, virtualServices: [] });
    expect(g.generate(sidecarNode(), "endpoint", names).resources).toBe(first);
    expect(g.generate(sidecarNode(), "cluster", []).resources).toBe(cds);
  });
});
