// The rule editor: form or YAML view of one rule (VirtualService, DestinationRule, CheckRule, Quota), live problems (client schema
// and server dry run), the diff against the running config, Push, and convergence after a push.
"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { ConfirmDialog } from "../components/confirm-dialog";
import { ChangePreview } from "./change-preview";
import { CheckRuleFields } from "./check-rule-fields";
import { useRules, useServices } from "./config-queries";
import { ConvergenceView } from "./convergence-view";
import { DestinationRuleFields } from "./destination-rule-fields";
import type { EditorForm } from "./editor-form";
import { ProblemsContext } from "./form-controls";
import { ProblemSummary } from "./problem-summary";
import { QuotaFields } from "./quota-fields";
import { ConflictBanner, PushPanel, TheirChangeNotice } from "./push-panel";
import { isPolicyKind, ruleLabel, type RuleRef } from "./rule-ref";
import type { RuleOptions } from "./rule-options";
import { useRuleEditor, type EditorTarget } from "./use-rule-editor";
import { VirtualServiceFields } from "./virtual-service-fields";
import { YamlEditor } from "./yaml-editor";

function FormFields({ form, isNew, options, setForm }: { form: EditorForm; isNew: boolean; options: RuleOptions; setForm(f: EditorForm): void }) {
  switch (form.kind) {
    case "VirtualService":
      return <VirtualServiceFields value={form.value} isNew={isNew} options={options} onChange={(value) => setForm({ kind: "VirtualService", value })} />;
    case "DestinationRule":
      return <DestinationRuleFields value={form.value} isNew={isNew} options={options} onChange={(value) => setForm({ kind: "DestinationRule", value })} />;
    case "CheckRule":
      return <CheckRuleFields value={form.value} isNew={isNew} onChange={(value) => setForm({ kind: "CheckRule", value })} />;
    case "Quota":
      return <QuotaFields value={form.value} isNew={isNew} onChange={(value) => setForm({ kind: "Quota", value })} />;
  }
}

export function RuleEditor({ target, onCreated }: { target: EditorTarget; onCreated?(ref: RuleRef): void }) {
  const ed = useRuleEditor(target, onCreated);
  const rules = useRules();
  const services = useServices();
  const router = useRouter();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const options: RuleOptions = useMemo(() => ({ services: services.data ?? [], rules: rules.data?.rules ?? [] }), [services.data, rules.data]);
  const marks = useMemo(() => {
    const m = new Map<number, "error" | "warning">();
    for (const p of ed.problems) if (p.line !== undefined && m.get(p.line) !== "error") m.set(p.line, p.severity);
    return m;
  }, [ed.problems]);

  if (ed.load.kind === "loading") return <div className="loading">Loading the rule…</div>;
  if (ed.load.kind === "error")
    return (
      <div className="empty-state">
        <h3>Could not load the rule</h3>
        <p className="error-text">{ed.load.message}</p>
        <button className="btn" onClick={ed.discardAndReload}>
          Retry
        </button>
      </div>
    );
  if (ed.load.kind === "missing")
    return (
      <div className="empty-state" data-testid="rule-missing">
        <h3>
          {target.kind} {target.namespace}/{target.name} does not exist at revision {ed.load.revision}
        </h3>
        <p className="muted">It may have been deleted. Go back to the rule list or create it.</p>
      </div>
    );

  const isNew = !ed.ref;
  const unplacedTitle = ed.mode === "yaml" ? "Problems" : "Other problems (not shown at a field)";
  const errorsBlock = ed.errorCount > 0;

  return (
    <div className="cfg-editor" data-testid="rule-editor" data-mode={ed.mode}>
      <div className="cfg-editor-bar">
        <div className="cfg-segmented" role="tablist" aria-label="Editor view">
          <button type="button" role="tab" aria-selected={ed.mode === "form"} className={ed.mode === "form" ? "active" : ""} data-testid="mode-form" onClick={ed.toForm}>
            Form
          </button>
          <button type="button" role="tab" aria-selected={ed.mode === "yaml"} className={ed.mode === "yaml" ? "active" : ""} data-testid="mode-yaml" onClick={ed.toYaml}>
            YAML
          </button>
        </div>
        <span className="muted">
          {isNew ? "new rule" : ruleLabel(ed.ref!)} · based on revision <strong data-testid="base-revision">{ed.base?.revision}</strong>
        </span>
        <span className="cfg-spacer" />
        <span className={`cfg-validity ${errorsBlock ? "cfg-bad" : ed.dry.checking ? "muted" : "cfg-ok"}`} data-testid="validity" role="status">
          {errorsBlock ? `${ed.errorCount} ${ed.errorCount === 1 ? "problem" : "problems"}` : ed.dry.checking ? "checking with the server…" : "valid"}
        </span>
        {!isNew && (
          <button type="button" className="btn ghost" onClick={() => setConfirmDelete(true)}>
            Delete
          </button>
        )}
      </div>
      {ed.formProblem && (
        <p className="cfg-banner" role="alert">
          The form cannot show this rule: {ed.formProblem}.
        </p>
      )}
      <ConflictBanner ed={ed} />
      <TheirChangeNotice ed={ed} />
      <ProblemsContext.Provider value={ed.placed.atField}>
        {ed.mode === "form" ? (
          <FormFields form={ed.form} isNew={isNew} options={options} setForm={ed.setForm} />
        ) : (
          <YamlEditor value={ed.yamlText} onChange={ed.setYamlText} marks={marks} />
        )}
      </ProblemsContext.Provider>
      <ProblemSummary problems={ed.placed.unplaced} title={unplacedTitle} />
      <ChangePreview baseRevision={ed.base?.revision ?? 0} blocked={errorsBlock} checking={ed.dry.checking} change={ed.change} failed={ed.dry.error ? ed.dry.error.message : undefined} />
      <PushPanel ed={ed} />
      {ed.pushed && <ConvergenceView key={ed.pushed.revision} pushed={ed.pushed} onClose={ed.closePushed} />}
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete ${ed.ref ? ruleLabel(ed.ref) : "rule"}?`}
        confirmLabel="Delete"
        busy={ed.pushing}
        onCancel={() => setConfirmDelete(false)}
        onConfirm={async () => {
          const ok = await ed.remove();
          setConfirmDelete(false);
          if (ok) router.push(isPolicyKind(target.kind) ? "/policy" : "/config");
        }}
      >
        <p>Deleting is a new revision; proxies stop using the rule within moments. You can roll it back from History.</p>
      </ConfirmDialog>
    </div>
  );
}
