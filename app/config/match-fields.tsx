// A route's match conditions: each match is one alternative (any may match); inside it the URI, method and
// headers must all match. String matches are exact, prefix or regex.
"use client";

import { Field, IconButton, removeAt, replaceAt } from "./form-controls";
import { STRING_MATCH_KINDS, type StringMatchForm } from "./form-kit";
import { emptyMatch, vsPath, type MatchForm } from "./virtual-service-form";
import { HTTP_METHODS } from "./virtual-service-schema";

function StringMatchInput({ value, onChange, allowNone, placeholder, label, list }: { value: StringMatchForm; onChange(v: StringMatchForm): void; allowNone: boolean; placeholder: string; label: string; list?: string }) {
  return (
    <div className="cfg-inline">
      <select aria-label={`${label} match type`} value={value.kind} onChange={(e) => onChange({ ...value, kind: e.target.value as StringMatchForm["kind"] })}>
        {allowNone && <option value="">any</option>}
        {STRING_MATCH_KINDS.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
      {value.kind !== "" && <input aria-label={label} className="mono" list={list} placeholder={placeholder} value={value.value} onChange={(e) => onChange({ ...value, value: e.target.value })} />}
    </div>
  );
}

export function MatchFields({ route, matches, onChange }: { route: number; matches: MatchForm[]; onChange(next: MatchForm[]): void }) {
  const set = (j: number, patch: Partial<MatchForm>) => onChange(replaceAt(matches, j, { ...matches[j]!, ...patch }));
  return (
    <div className="cfg-matches">
      {matches.length === 0 && <p className="muted cfg-note">No match conditions: this route takes every request that reaches it.</p>}
      {matches.map((m, j) => (
        <div key={j} className="cfg-match" data-testid="match-row">
          <span className="cfg-match-or">{j === 0 ? "if" : "or"}</span>
          <Field label="URI" path={vsPath.match(route, j, "uri")} className="grow">
            <StringMatchInput label="URI" value={m.uri} allowNone placeholder="/reviews" onChange={(uri) => set(j, { uri })} />
          </Field>
          <Field label="Method" path={vsPath.match(route, j, "method")}>
            <StringMatchInput label="method" value={m.method} allowNone placeholder="GET" list="cfg-http-methods" onChange={(method) => set(j, { method })} />
          </Field>
          <div className="cfg-headers">
            <span className="cfg-sub-label">Headers</span>
            {m.headers.map((h, k) => (
              <div key={k} className="cfg-header-row">
                <Field label="Name" path={vsPath.match(route, j, "headers", h.name.trim())}>
                  <input aria-label="header name" className="mono" placeholder="end-user" value={h.name} onChange={(e) => set(j, { headers: replaceAt(m.headers, k, { ...h, name: e.target.value }) })} />
                </Field>
                <Field label="Value" className="grow">
                  <StringMatchInput label="header value" value={h.match} allowNone={false} placeholder="jason" onChange={(match) => set(j, { headers: replaceAt(m.headers, k, { ...h, match }) })} />
                </Field>
                <IconButton label="remove header match" onClick={() => set(j, { headers: removeAt(m.headers, k) })}>
                  ✕
                </IconButton>
              </div>
            ))}
            <button type="button" className="btn ghost cfg-small" onClick={() => set(j, { headers: [...m.headers, { name: "", match: { kind: "exact", value: "" } }] })}>
              + Header
            </button>
          </div>
          {Object.keys(m.extra).length > 0 && <p className="muted cfg-note">Also matches on {Object.keys(m.extra).join(", ")} (edit in YAML).</p>}
          <IconButton label={`remove match ${j + 1}`} onClick={() => onChange(removeAt(matches, j))}>
            ✕
          </IconButton>
        </div>
      ))}
      <button type="button" className="btn cfg-small" onClick={() => onChange([...matches, emptyMatch()])}>
        + Match
      </button>
      <datalist id="cfg-http-methods">
        {HTTP_METHODS.map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>
    </div>
  );
}
