// Building blocks of the rule forms: a labelled field that shows the problems at its path (from the
// client schema or the server's dry run), number/duration inputs and collapsible sections.
"use client";

import { createContext, useContext, type ReactNode } from "react";
import type { FieldProblem } from "./field-errors";

/** Field path → the problems placed there (see placeProblems). */
export const ProblemsContext = createContext<ReadonlyMap<string, FieldProblem[]>>(new Map());

export function useProblems(path: string): FieldProblem[] {
  return useContext(ProblemsContext).get(path) ?? [];
}

export function ProblemList({ path }: { path: string }) {
  const list = useProblems(path);
  if (list.length === 0) return null;
  return (
    <>
      {list.map((p, i) => (
        <em key={i} className={p.severity === "warning" ? "cfg-field-warning" : "field-error"} data-testid={p.severity === "warning" ? "field-warning" : "field-error"} data-path={path} data-source={p.source}>
          {p.message}
        </em>
      ))}
    </>
  );
}

export function Field({ label, path, className, children, hint }: { label: string; path?: string; className?: string; children: ReactNode; hint?: string }) {
  const bad = useProblems(path ?? "").some((p) => p.severity === "error");
  return (
    <label className={`field cfg-field ${className ?? ""} ${path && bad ? "cfg-invalid" : ""}`}>
      <span>{label}</span>
      {children}
      {hint && <small className="muted">{hint}</small>}
      {path && <ProblemList path={path} />}
    </label>
  );
}

export function TextInput(props: { value: string; onChange(v: string): void; placeholder?: string; name?: string; list?: string; mono?: boolean; ariaLabel?: string; type?: "text" | "number"; min?: number; max?: number }) {
  return (
    <input
      type={props.type ?? "text"}
      name={props.name}
      min={props.min}
      max={props.max}
      className={props.mono ? "mono" : undefined}
      list={props.list}
      aria-label={props.ariaLabel}
      placeholder={props.placeholder}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
    />
  );
}

export function Section({ title, path, children, actions, testId }: { title: ReactNode; path?: string; children: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <fieldset className="cfg-fieldset" data-testid={testId}>
      <legend>
        {title}
        {actions && <span className="cfg-legend-actions">{actions}</span>}
      </legend>
      {path && (
        <div className="cfg-section-problems">
          <ProblemList path={path} />
        </div>
      )}
      {children}
    </fieldset>
  );
}

/** A checkbox that switches an optional part of the rule (retries, fault delay…) on and off. */
export function Toggle({ label, checked, onChange, testId }: { label: string; checked: boolean; onChange(v: boolean): void; testId?: string }) {
  return (
    <label className="cfg-toggle">
      <input type="checkbox" checked={checked} data-testid={testId} onChange={(e) => onChange(e.target.checked)} /> {label}
    </label>
  );
}

export function IconButton({ label, onClick, children, disabled, testId }: { label: string; onClick(): void; children: ReactNode; disabled?: boolean; testId?: string }) {
  return (
    <button type="button" className="btn ghost cfg-icon-btn" title={label} aria-label={label} onClick={onClick} disabled={disabled} data-testid={testId}>
      {children}
    </button>
  );
}

/** Replaces item `i` of a list. */
export function replaceAt<T>(list: readonly T[], i: number, item: T): T[] {
  return list.map((x, j) => (j === i ? item : x));
}

export function removeAt<T>(list: readonly T[], i: number): T[] {
  return list.filter((_, j) => j !== i);
}

export function move<T>(list: readonly T[], i: number, by: -1 | 1): T[] {
  const j = i + by;
  if (j < 0 || j >= list.length) return [...list];
  const out = [...list];
  [out[i], out[j]] = [out[j]!, out[i]!];
  return out;
}
