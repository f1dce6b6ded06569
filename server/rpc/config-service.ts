// ConfigService: the routing-rule store over RPC (list, apply YAML, delete, history, diff, rollback),
// every write validated with field paths and optionally dry-run against the generated xDS.

import type { ServiceImpl } from "@connectrpc/connect";
import { ChangeKind, ConfigService, type ChangeResult, type ConfigDiff, type Revision } from "../../proto/gen/meshdash/config/v1/config_pb";
import { applyConfigYaml, deleteConfig, diffRevisions, rollbackConfig, type ChangeOutcome } from "../control-plane/changes/config-changes";
import { rulesFromStore, type RuleDiff } from "../control-plane/changes/rule-records";
import type { ControlPlane } from "../control-plane/control-plane";
import { ruleToYaml } from "../control-plane/rules/rules-yaml";
import type { RevisionInfo } from "../control-plane/store/config-store";
import { mapControlPlaneErrors, toFieldErrorMessage } from "./rpc-errors";

type Plain<T> = Omit<T, "$typeName">;

const CHANGE: Record<string, ChangeKind> = { ADDED: ChangeKind.ADDED, REMOVED: ChangeKind.REMOVED, MODIFIED: ChangeKind.MODIFIED };
const author = (a: string) => a.trim() || "dashboard";

function revisionMsg(r: RevisionInfo): Plain<Revision> {
  return {
    revision: BigInt(r.revision),
    author: r.author,
    timeMs: BigInt(r.time),
    message: r.message,
    changes: r.changes.map((c) => ({ $typeName: "meshdash.config.v1.RevisionChange", ref: { $typeName: "meshdash.config.v1.ConfigRef", ...c.key }, op: c.op })),
    rollbackOf: BigInt(r.rollbackOf ?? 0),
  };
}

function configDiffMsg(d: RuleDiff): Plain<ConfigDiff> {
  return {
    ref: { $typeName: "meshdash.config.v1.ConfigRef", ...d.key },
    change: CHANGE[d.change]!,
    beforeYaml: d.before ? ruleToYaml(d.before) : "",
    afterYaml: d.after ? ruleToYaml(d.after) : "",
  };
}

function resultMsg(o: ChangeOutcome): Plain<ChangeResult> {
  return {
    revision: o.revision ? { $typeName: "meshdash.config.v1.Revision", ...revisionMsg(o.revision) } : undefined,
    warnings: o.warnings.map((w) => ({ $typeName: "meshdash.config.v1.FieldError", ...toFieldErrorMessage(w) })),
    configDiff: o.configDiff.map((d) => ({ $typeName: "meshdash.config.v1.ConfigDiff", ...configDiffMsg(d) })),
    xdsDiff: o.xdsDiff.map((x) => ({ $typeName: "meshdash.config.v1.ResourceDiff", ...x, change: CHANGE[x.change]! })),
  };
}

export function createConfigService(deps: { controlPlane(): ControlPlane }): ServiceImpl<typeof ConfigService> {
  const cp = () => deps.controlPlane();
  return {
    listConfigs(req) {
      return mapControlPlaneErrors(() => {
        const store = cp().store;
        const revision = req.revision > 0n ? Number(req.revision) : store.head();
        const docs = store.list(revision);
        const rules = rulesFromStore(docs);
        return {
          revision: BigInt(revision),
          configs: rules.map((r, i) => ({ ref: { kind: r.kind, namespace: r.metadata.namespace, name: r.metadata.name }, yaml: ruleToYaml(r), revision: BigInt(docs[i]!.revision) })),
        };
      });
    },
    applyConfig(req) {
      return mapControlPlaneErrors(async () => ({
        result: resultMsg(await applyConfigYaml(cp(), { yaml: req.yaml, expectedRevision: Number(req.expectedRevision), author: author(req.author), message: req.message, dryRun: req.dryRun })),
      }));
    },
    deleteConfig(req) {
      return mapControlPlaneErrors(async () => {
        const key = { kind: req.ref?.kind ?? "", namespace: req.ref?.namespace || "default", name: req.ref?.name ?? "" };
        return { result: resultMsg(await deleteConfig(cp(), { key, expectedRevision: Number(req.expectedRevision), author: author(req.author), message: req.message, dryRun: req.dryRun })) };
      });
    },
    listRevisions(req) {
      return mapControlPlaneErrors(() => {
        const store = cp().store;
        const list = store.revisions({ limit: req.limit > 0 ? Math.min(req.limit, 1000) : 100, before: req.before > 0n ? Number(req.before) : undefined });
        return { head: BigInt(store.head()), revisions: list.map(revisionMsg) };
      });
    },
    diffRevisions(req) {
      return mapControlPlaneErrors(() => ({ diffs: diffRevisions(cp(), Number(req.from), Number(req.to)).map(configDiffMsg) }));
    },
    rollback(req) {
      return mapControlPlaneErrors(async () => ({
        result: resultMsg(await rollbackConfig(cp(), { to: Number(req.to), expectedRevision: req.expectedRevision > 0n ? Number(req.expectedRevision) : cp().store.head(), author: author(req.author), message: req.message, dryRun: false })),
      }));
    },
  };
}
