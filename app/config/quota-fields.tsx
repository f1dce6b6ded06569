// The Quota form: name and namespace, the workloads it selects, which requests it counts (CEL), the
// dimensions that key its buckets, and maxAmount per validDuration.
"use client";

import { CEL_EXAMPLES } from "./cel-attributes";
import { Field, IconButton, removeAt, replaceAt, Section, TextInput } from "./form-controls";
import { ATTRIBUTE_LIST_ID, AttributeDatalist, ExpressionField, NameFields, SelectorFields } from "./policy-fields-kit";
import { duplicateDimensions, emptyDimension, qPath, type QuotaForm } from "./quota-form";

export function QuotaFields({ value: f, isNew, onChange }: { value: QuotaForm; isNew: boolean; onChange(next: QuotaForm): void }) {
  const set = (patch: Partial<QuotaForm>) => onChange({ ...f, ...patch });
  const dups = duplicateDimensions(f);
  return (
    <div className="cfg-form" data-testid="quota-form">
      <Section title="Quota">
        <NameFields name={f.name} namespace={f.namespace} isNew={isNew} onChange={set} placeholder="per-user" />
      </Section>
      <SelectorFields value={f.selector} namespace={f.namespace} onChange={(selector) => set({ selector })} />
      <Section title="Limit">
        <div className="cfg-row">
          <Field label="Max amount" path={qPath.maxAmount} hint="requests per bucket per window">
            <TextInput name="maxAmount" type="number" min={1} value={f.maxAmount} onChange={(maxAmount) => set({ maxAmount })} placeholder="100" />
          </Field>
          <Field label="Valid duration" path={qPath.validDuration} hint="the window, e.g. 1s, 1m">
            <TextInput name="validDuration" mono value={f.validDuration} onChange={(validDuration) => set({ validDuration })} placeholder="1s" />
          </Field>
        </div>
        <ExpressionField label="Match (CEL; empty = every request)" path={qPath.match} value={f.match} onChange={(match) => set({ match })} placeholder='request.method == "GET"' />
      </Section>
      <Section
        title="Dimensions (one bucket per distinct value)"
        path={qPath.dimensions}
        actions={
          <button type="button" className="btn ghost cfg-small" data-testid="add-dimension" onClick={() => set({ dimensions: [...f.dimensions, emptyDimension(f.dimensions.length ? "" : "user", f.dimensions.length ? "" : CEL_EXAMPLES.dimension)] })}>
            + Dimension
          </button>
        }
      >
        {f.dimensions.length === 0 && <p className="muted cfg-note">No dimensions: one bucket per proxy for every request the quota counts.</p>}
        {f.dimensions.map((d, i) => (
          <div key={d.id} className="cfg-inline pol-dimension" data-testid="dimension-row">
            <Field label="Name">
              <TextInput mono name="dimension-name" value={d.name} onChange={(name) => set({ dimensions: replaceAt(f.dimensions, i, { ...d, name }) })} placeholder="user" />
            </Field>
            <Field label="Expression (CEL)" path={qPath.dimension(d.name)} className="grow">
              <TextInput mono name="dimension-expr" list={ATTRIBUTE_LIST_ID} value={d.expr} onChange={(expr) => set({ dimensions: replaceAt(f.dimensions, i, { ...d, expr }) })} placeholder={CEL_EXAMPLES.dimension} />
            </Field>
            <IconButton label={`remove dimension ${d.name || i + 1}`} onClick={() => set({ dimensions: removeAt(f.dimensions, i) })}>
              ✕
            </IconButton>
          </div>
        ))}
        {dups.length > 0 && (
          <p className="cfg-field-warning" data-testid="dimension-duplicates">
            Dimension {dups.map((d) => `"${d}"`).join(", ")} is named more than once; only the last row is kept.
          </p>
        )}
        <AttributeDatalist />
      </Section>
      {Object.keys(f.specExtra).length > 0 && <p className="muted cfg-note">Also sets {Object.keys(f.specExtra).join(", ")}; kept as is (edit in YAML).</p>}
    </div>
  );
}
