// Plain shapes of a ChangeResult (what a write did or a dry run would do) for the preview and the
// convergence view: rule diffs, per-proxy resource diffs and warnings.

import { ChangeKind, type ChangeResult, type ConfigDiff } from "../../proto/gen/meshdash/config/v1/config_pb";
import { fromFieldErrorMsg, type FieldProblem } from "./field-errors";
import type { ResourceChange } from "./xds-groups";

export interface RuleChange {
  kind: string;
  namespace: string;
  name: string;
  change: "added" | "removed" | "modified";
  beforeYaml: string;
  afterYaml: string;
}

export interface ChangeSummary {
  /** The stored revision, undefined for a dry run. */
  revision?: { revision: number; timeMs: number };
  rules: RuleChange[];
  resources: ResourceChange[];
  warnings: FieldProblem[];
}

export function changeName(k: ChangeKind): RuleChange["change"] {
  return k === ChangeKind.ADDED ? "added" : k === ChangeKind.REMOVED ? "removed" : "modified";
}

export function ruleChangeOf(d: ConfigDiff): RuleChange {
  return { kind: d.ref?.kind ?? "", namespace: d.ref?.namespace ?? "", name: d.ref?.name ?? "", change: changeName(d.change), beforeYaml: d.beforeYaml, afterYaml: d.afterYaml };
}

export function summarizeChange(r: ChangeResult | undefined): ChangeSummary {
  return {
    revision: r?.revision ? { revision: Number(r.revision.revision), timeMs: Number(r.revision.timeMs) } : undefined,
    rules: (r?.configDiff ?? []).map(ruleChangeOf),
    resources: (r?.xdsDiff ?? []).map((x) => ({ proxy: x.proxy, type: x.type, name: x.name, change: changeName(x.change), beforeJson: x.beforeJson, afterJson: x.afterJson })),
    warnings: (r?.warnings ?? []).map((w) => fromFieldErrorMsg(w, "warning")),
  };
}
