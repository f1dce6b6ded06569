// Controls the CheckRule and Quota forms share: the workload selector's label rows, and a CEL expression
// box (monospace) with the attribute names it can read, which insert themselves where the caret is.
"use client";

import { useRef } from "react";
import { CEL_ATTRIBUTES, insertAt } from "./cel-attributes";
import { Field, IconButton, ProblemList, removeAt, replaceAt, Section, TextInput } from "./form-controls";
import { selectorPath, type SelectorForm } from "./workload-selector-form";

export const ATTRIBUTE_LIST_ID = "policy-cel-attributes";

/** The attribute names as a datalist, for single-line expression inputs (list={ATTRIBUTE_LIST_ID}). */
export function AttributeDatalist() {
  return (
    <datalist id={ATTRIBUTE_LIST_ID}>
      {CEL_ATTRIBUTES.map((a) => (
        <option key={a.name} value={a.name}>
          {a.hint}
        </option>
      ))}
    </datalist>
  );
}

export function ExpressionField({ label, path, value, onChange, placeholder, hint, name = "match" }: { label: string; path: string; value: string; onChange(v: string): void; placeholder?: string; hint?: string; name?: string }) {
  const area = useRef<HTMLTextAreaElement>(null);
  const insert = (name: string) => {
    const t = area.current;
    const r = insertAt(value, name, t?.selectionStart ?? value.length, t?.selectionEnd ?? value.length);
    onChange(r.text);
    requestAnimationFrame(() => {
      t?.focus();
      t?.setSelectionRange(r.caret, r.caret);
    });
  };
  return (
    <div className="pol-expr">
      <Field label={label} path={path} hint={hint} className="grow">
        <textarea ref={area} name={name} className="mono pol-expr-text" rows={3} spellCheck={false} value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} data-testid="cel-input" />
      </Field>
      <details className="pol-attrs">
        <summary className="muted">Attributes</summary>
        <div className="pol-attr-list">
          {CEL_ATTRIBUTES.map((a) => (
            <button key={a.name} type="button" className="cfg-label pol-attr" title={a.hint || a.name} onClick={() => insert(a.name)}>
              {a.name}
            </button>
          ))}
        </div>
      </details>
    </div>
  );
}

export function SelectorFields({ value, onChange, namespace }: { value: SelectorForm; onChange(v: SelectorForm): void; namespace: string }) {
  const rows = value.labels;
  const set = (labels: SelectorForm["labels"]) => onChange({ ...value, labels });
  const scope = namespace.trim() === "istio-system" ? "every workload in the mesh" : `every workload in namespace ${namespace.trim() || "default"}`;
  return (
    <Section
      title="Workloads (selector)"
      path={selectorPath.selector}
      actions={
        <button type="button" className="btn ghost cfg-small" data-testid="add-selector-label" onClick={() => set([...rows, { key: rows.length ? "" : "app", value: "" }])}>
          + Label
        </button>
      }
    >
      <ProblemList path={selectorPath.matchLabels} />
      {rows.length === 0 && <p className="muted cfg-note">No selector: applies to {scope}. The ingress gateway has the label istio=ingressgateway.</p>}
      {rows.map((l, i) => (
        <div key={i} className="cfg-inline" data-testid="selector-row">
          <Field label="Label" path={selectorPath.label(l.key)}>
            <TextInput mono name="selector-key" list="cfg-selector-keys" value={l.key} onChange={(key) => set(replaceAt(rows, i, { ...l, key }))} placeholder="app" />
          </Field>
          <Field label="Value">
            <TextInput mono name="selector-value" value={l.value} onChange={(v) => set(replaceAt(rows, i, { ...l, value: v }))} placeholder="details" />
          </Field>
          <IconButton label="remove label" onClick={() => set(removeAt(rows, i))}>
            ✕
          </IconButton>
        </div>
      ))}
      <datalist id="cfg-selector-keys">
        {["app", "version", "istio"].map((k) => (
          <option key={k} value={k} />
        ))}
      </datalist>
      {Object.keys(value.extra).length > 0 && <p className="muted cfg-note">Also sets {Object.keys(value.extra).join(", ")}; kept as is (edit in YAML).</p>}
    </Section>
  );
}

/** Name and namespace of a policy rule. */
export function NameFields({ name, namespace, isNew, onChange, placeholder }: { name: string; namespace: string; isNew: boolean; onChange(p: { name?: string; namespace?: string }): void; placeholder: string }) {
  return (
    <>
      <div className="cfg-row">
        <Field label="Name" path="metadata.name" className="grow">
          <TextInput name="name" value={name} onChange={(v) => onChange({ name: v })} placeholder={placeholder} />
        </Field>
        <Field label="Namespace" path="metadata.namespace" hint="istio-system = mesh-wide">
          <TextInput name="namespace" value={namespace} onChange={(v) => onChange({ namespace: v })} placeholder="default" />
        </Field>
      </div>
      {!isNew && <p className="muted cfg-note">Changing the name or namespace creates a new rule; the old one stays.</p>}
    </>
  );
}
