// The CheckRule form: name and namespace, the workloads it selects, DENY or ALLOW, the CEL match and the
// reason sent with a 403.
"use client";

import { CEL_EXAMPLES } from "./cel-attributes";
import { CHECK_ACTIONS, crPath, type CheckRuleForm } from "./check-rule-form";
import { Field, Section, TextInput } from "./form-controls";
import { ExpressionField, NameFields, SelectorFields } from "./policy-fields-kit";

export function CheckRuleFields({ value: f, isNew, onChange }: { value: CheckRuleForm; isNew: boolean; onChange(next: CheckRuleForm): void }) {
  const set = (patch: Partial<CheckRuleForm>) => onChange({ ...f, ...patch });
  const actions = (CHECK_ACTIONS as readonly string[]).includes(f.action) ? CHECK_ACTIONS : [...CHECK_ACTIONS, f.action];
  return (
    <div className="cfg-form" data-testid="check-rule-form">
      <Section title="CheckRule">
        <NameFields name={f.name} namespace={f.namespace} isNew={isNew} onChange={set} placeholder="no-admin" />
      </Section>
      <SelectorFields value={f.selector} namespace={f.namespace} onChange={(selector) => set({ selector })} />
      <Section title="Check">
        <div className="cfg-row">
          <Field label="Action" path={crPath.action}>
            <select name="action" value={f.action} onChange={(e) => set({ action: e.target.value })}>
              {actions.map((a) => (
                <option key={a} value={a}>
                  {a === "DENY" ? "DENY matching requests (403)" : a === "ALLOW" ? "ALLOW only matching requests" : a || "— choose —"}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Reason" path={crPath.reason} className="grow" hint="sent in the 403 body and the access log">
            <TextInput name="reason" value={f.reason} onChange={(reason) => set({ reason })} placeholder="admin is internal" />
          </Field>
        </div>
        <ExpressionField
          label="Match (CEL; empty = every request)"
          path={crPath.match}
          value={f.match}
          onChange={(match) => set({ match })}
          placeholder={CEL_EXAMPLES.match}
          hint={f.action === "ALLOW" ? "Once any ALLOW rule selects a workload, its requests that match no ALLOW rule are denied." : undefined}
        />
      </Section>
      {Object.keys(f.specExtra).length > 0 && <p className="muted cfg-note">Also sets {Object.keys(f.specExtra).join(", ")}; kept as is (edit in YAML).</p>}
    </div>
  );
}
