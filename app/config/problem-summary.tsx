// The editor's problem summary: problems no form field shows (or every problem, in the YAML view), each
// with its field path and YAML line.
"use client";

import type { FieldProblem } from "./field-errors";

export function ProblemSummary({ problems, title }: { problems: readonly FieldProblem[]; title: string }) {
  if (problems.length === 0) return null;
  const errors = problems.filter((p) => p.severity === "error").length;
  return (
    <section className={`cfg-problems ${errors ? "cfg-problems-error" : "cfg-problems-warning"}`} data-testid="problem-summary" aria-label={title}>
      <h4>{title}</h4>
      <ul>
        {problems.map((p, i) => (
          <li key={i} className={p.severity === "warning" ? "cfg-warn" : "cfg-bad"}>
            {p.line !== undefined && <span className="cfg-problem-line">line {p.line}</span>}
            {p.path && <code>{p.path}</code>} {p.message}
            {p.severity === "warning" && <span className="muted"> (warning)</span>}
            <span className="muted cfg-problem-source"> · {p.source === "server" ? "server" : "form check"}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
