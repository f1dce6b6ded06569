// The tap filter form, validated as the user types: method, path and authority (exact or prefix) and the
// limit up front; network (scheme, source/destination CIDR and port), scope (service, workload, proxy,
// direction), outcome (status, latency, errors only) and capture (max RPS, bodies) under "More filters".
"use client";

import { useState, type ReactNode } from "react";
import {
  advancedFilterCount,
  BODY_CHOICES,
  MAX_LIMIT,
  MAX_RPS,
  METHODS,
  type DirectionChoice,
  type QueryErrors,
  type SchemeChoice,
  type StringMatchKind,
  type TapQuery,
} from "./tap-query";
import { proxyName } from "./tap-names";
import { useScopeChoices } from "./use-scope-choices";

export interface TapFormProps {
  value: TapQuery;
  errors: QueryErrors;
  onChange(next: TapQuery): void;
  onSubmit(): void;
  /** Top leaves out what does not apply to it (limit, body capture). */
  variant?: "tap" | "top";
  submitLabel?: string;
}

function Field({ label, error, className, group, children }: { label: string; error?: string; className?: string; group?: boolean; children: ReactNode }) {
  const body = (
    <>
      <span>{label}</span>
      {children}
      {error && <em className="field-error">{error}</em>}
    </>
  );
  // A label may hold one control only; a kind + value pair is a group.
  return group ? (
    <div role="group" aria-label={label} className={`field ${className ?? ""}`}>
      {body}
    </div>
  ) : (
    <label className={`field ${className ?? ""}`}>{body}</label>
  );
}

function MatchKind({ name, value, onChange }: { name: string; value: StringMatchKind; onChange(v: StringMatchKind): void }) {
  return (
    <select className="tap2-match-kind" name={name} aria-label={name === "pathMatch" ? "Path match" : "Authority match"} value={value} onChange={(e) => onChange(e.target.value as StringMatchKind)}>
      <option value="prefix">prefix</option>
      <option value="exact">exact</option>
    </select>
  );
}

/** A select whose current value stays selectable even when the server no longer lists it (shared links). */
function ChoiceSelect({ name, value, choices, label, onChange, anyLabel }: { name: string; value: string; choices: string[]; label?: (v: string) => string; onChange(v: string): void; anyLabel: string }) {
  const all = value && !choices.includes(value) ? [value, ...choices] : choices;
  return (
    <select name={name} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{anyLabel}</option>
      {all.map((c) => (
        <option key={c} value={c} title={c}>
          {label ? label(c) : c}
          {choices.includes(c) ? "" : " (not listed)"}
        </option>
      ))}
    </select>
  );
}

const bodyLabel = (n: number) => (n === 0 ? "off" : n >= 1024 ? `${n / 1024} KiB` : `${n} B`);

export function TapForm({ value, errors, onChange, onSubmit, variant = "tap", submitLabel = "Start" }: TapFormProps) {
  const set = <K extends keyof TapQuery>(k: K, v: TapQuery[K]) => onChange({ ...value, [k]: v });
  const scope = useScopeChoices();
  const advanced = advancedFilterCount(variant === "top" ? { ...value, bodyBytes: 0, maxRps: 0 } : value);
  const advancedErrors = (["scheme", "source", "sourcePort", "destination", "destinationPort", "status", "minLatency", "maxRps", "bodyBytes"] as const).some((k) => errors[k]);
  const [more, setMore] = useState(advanced > 0);
  const workloads = value.service ? (scope.choices.services.find((s) => s.hostname === value.service)?.workloads ?? []) : scope.choices.workloads;
  const bodyChoices = BODY_CHOICES.includes(value.bodyBytes) || Number.isNaN(value.bodyBytes) ? BODY_CHOICES : [...BODY_CHOICES, value.bodyBytes].sort((a, b) => a - b);
  return (
    <form
      className="tap-form tap2-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <div className="tap2-form-row">
        <Field label="Method" error={errors.method}>
          <select name="method" value={value.method} onChange={(e) => set("method", e.target.value)}>
            {(value.method && !METHODS.includes(value.method) ? [...METHODS, value.method] : METHODS).map((m) => (
              <option key={m} value={m}>
                {m || "any"}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Path" error={errors.path} className="grow" group>
          <div className="tap2-combo">
            <MatchKind name="pathMatch" value={value.pathMatch} onChange={(v) => set("pathMatch", v)} />
            <input name="path" aria-label="Path" placeholder="/reviews" value={value.path} onChange={(e) => set("path", e.target.value)} />
          </div>
        </Field>
        <Field label="Authority" error={errors.authority} className="grow" group>
          <div className="tap2-combo">
            <MatchKind name="authorityMatch" value={value.authorityMatch} onChange={(v) => set("authorityMatch", v)} />
            <input name="authority" aria-label="Authority" placeholder="reviews" value={value.authority} onChange={(e) => set("authority", e.target.value)} />
          </div>
        </Field>
        {variant === "tap" && (
          <Field label="Limit" error={errors.limit} className="narrow">
            <input name="limit" type="number" min={1} max={MAX_LIMIT} value={Number.isNaN(value.limit) ? "" : value.limit} onChange={(e) => set("limit", e.target.valueAsNumber)} />
          </Field>
        )}
        <button type="submit" className="btn primary" data-testid="tap-start" disabled={Object.keys(errors).length > 0}>
          {submitLabel}
        </button>
      </div>
      <details className="tap2-more" open={more || advancedErrors} onToggle={(e) => setMore(e.currentTarget.open)}>
        <summary data-testid="tap-more">
          More filters{advanced > 0 ? <span className="badge tap2-count">{advanced}</span> : null}
        </summary>
        <div className="tap2-groups">
          <fieldset className="tap2-group">
            <legend>Network</legend>
            <Field label="Scheme">
              <select name="scheme" value={value.scheme} onChange={(e) => set("scheme", e.target.value as SchemeChoice)}>
                <option value="">any</option>
                <option value="http">http</option>
                <option value="https">https</option>
              </select>
            </Field>
            <Field label="Source IP / CIDR" error={errors.source}>
              <input name="src" placeholder="10.0.0.0/8" value={value.source} onChange={(e) => set("source", e.target.value)} />
            </Field>
            <Field label="Source port" error={errors.sourcePort} className="narrow">
              <input name="srcPort" placeholder="1-65535" value={value.sourcePort} onChange={(e) => set("sourcePort", e.target.value)} />
            </Field>
            <Field label="Destination IP / CIDR" error={errors.destination}>
              <input name="dst" placeholder="127.0.0.1" value={value.destination} onChange={(e) => set("destination", e.target.value)} />
            </Field>
            <Field label="Destination port" error={errors.destinationPort} className="narrow">
              <input name="dstPort" placeholder="8080" value={value.destinationPort} onChange={(e) => set("destinationPort", e.target.value)} />
            </Field>
          </fieldset>
          <fieldset className="tap2-group">
            <legend>
              Scope {scope.loading && <span className="muted">(loading…)</span>}
              {scope.error && <span className="field-error"> could not load choices</span>}
            </legend>
            <Field label="Service">
              <ChoiceSelect
                name="service"
                value={value.service}
                choices={scope.choices.services.map((s) => s.hostname)}
                anyLabel="every service"
                onChange={(v) => onChange({ ...value, service: v, workload: "" })}
              />
            </Field>
            <Field label="Workload">
              <ChoiceSelect name="workload" value={value.workload} choices={workloads} anyLabel="every workload" onChange={(v) => set("workload", v)} />
            </Field>
            <Field label="Proxy" className="grow">
              <ChoiceSelect name="proxy" value={value.proxy} choices={scope.choices.proxies} label={proxyName} anyLabel="every proxy" onChange={(v) => set("proxy", v)} />
            </Field>
            <Field label="Direction">
              <select name="dir" value={value.direction} onChange={(e) => set("direction", e.target.value as DirectionChoice)}>
                <option value="">both</option>
                <option value="inbound">inbound</option>
                <option value="outbound">outbound</option>
              </select>
            </Field>
          </fieldset>
          <fieldset className="tap2-group">
            <legend>Outcome</legend>
            <Field label="Status" error={errors.status}>
              <input name="status" placeholder="5xx, 429" value={value.status} onChange={(e) => set("status", e.target.value)} />
            </Field>
            <Field label="Slower than" error={errors.minLatency} className="narrow">
              <input name="latency" placeholder="250ms" value={value.minLatency} onChange={(e) => set("minLatency", e.target.value)} />
            </Field>
            <label className="tap2-check">
              <input name="errors" type="checkbox" checked={value.errorsOnly} onChange={(e) => set("errorsOnly", e.target.checked)} />
              Errors only
            </label>
          </fieldset>
          <fieldset className="tap2-group">
            <legend>Capture</legend>
            <Field label="Max RPS" error={errors.maxRps} className="narrow">
              <input
                name="rps"
                type="number"
                min={0}
                max={MAX_RPS}
                placeholder="default"
                value={Number.isNaN(value.maxRps) ? "" : value.maxRps || ""}
                onChange={(e) => set("maxRps", e.target.value === "" ? 0 : e.target.valueAsNumber)}
              />
            </Field>
            {variant === "tap" && (
              <Field label="Bodies" error={errors.bodyBytes}>
                <select name="body" value={Number.isNaN(value.bodyBytes) ? "" : value.bodyBytes} onChange={(e) => set("bodyBytes", Number(e.target.value))}>
                  {Number.isNaN(value.bodyBytes) && <option value="">invalid</option>}
                  {bodyChoices.map((n) => (
                    <option key={n} value={n}>
                      {n === 0 ? "off" : `first ${bodyLabel(n)}`}
                    </option>
                  ))}
                </select>
              </Field>
            )}
            {variant === "tap" && value.bodyBytes > 0 && <p className="tap2-note muted">Bodies may hold personal data. Obvious secrets are redacted by the proxy.</p>}
          </fieldset>
        </div>
      </details>
    </form>
  );
}
