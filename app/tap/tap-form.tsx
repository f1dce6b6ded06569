// The tap filter form: method, path prefix, authority prefix and limit, validated as the user types.
"use client";

import { METHODS, MAX_LIMIT, type QueryErrors, type TapQuery } from "./tap-query";

export interface TapFormProps {
  value: TapQuery;
  errors: QueryErrors;
  onChange(next: TapQuery): void;
  onSubmit(): void;
}

export function TapForm({ value, errors, onChange, onSubmit }: TapFormProps) {
  const set = <K extends keyof TapQuery>(k: K, v: TapQuery[K]) => onChange({ ...value, [k]: v });
  return (
    <form
      className="tap-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <label className="field">
        <span>Method</span>
        <select name="method" value={value.method} onChange={(e) => set("method", e.target.value)}>
          {METHODS.map((m) => (
            <option key={m} value={m}>
              {m || "any"}
            </option>
          ))}
        </select>
        {errors.method && <em className="field-error">{errors.method}</em>}
      </label>
      <label className="field grow">
        <span>Path prefix</span>
        <input name="path" placeholder="/reviews" value={value.pathPrefix} onChange={(e) => set("pathPrefix", e.target.value)} />
        {errors.pathPrefix && <em className="field-error">{errors.pathPrefix}</em>}
      </label>
      <label className="field grow">
        <span>Authority prefix</span>
        <input name="authority" placeholder="bookinfo.example.com" value={value.authorityPrefix} onChange={(e) => set("authorityPrefix", e.target.value)} />
        {errors.authorityPrefix && <em className="field-error">{errors.authorityPrefix}</em>}
      </label>
      <label className="field narrow">
        <span>Limit</span>
        <input name="limit" type="number" min={1} max={MAX_LIMIT} value={Number.isNaN(value.limit) ? "" : value.limit} onChange={(e) => set("limit", e.target.valueAsNumber)} />
        {errors.limit && <em className="field-error">{errors.limit}</em>}
      </label>
      <button type="submit" className="btn primary" data-testid="tap-start" disabled={Object.keys(errors).length > 0}>
        Start
      </button>
    </form>
  );
}
