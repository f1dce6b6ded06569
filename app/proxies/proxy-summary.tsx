// Counts above the proxy table (how many proxies are SYNCED, STALE, in ERROR, ...); each count filters
// the table to its proxies when clicked.
"use client";

import { OVERALL_STATES, type OverallState, type Summary } from "./proxy-status";
import { stateClass } from "./sync-cell";

/** Always shown, even at 0, so "0 ERROR" is visible at a glance; the rest only when present. */
const ALWAYS: readonly OverallState[] = ["SYNCED", "STALE", "ERROR"];

export function ProxySummary({ summary, selected, onSelect }: { summary: Summary; selected: OverallState | undefined; onSelect(s: OverallState | undefined): void }) {
  return (
    <div className="px-summary" aria-label="Proxies by sync state">
      <button className={`px-count ${selected === undefined ? "active" : ""}`} aria-pressed={selected === undefined} onClick={() => onSelect(undefined)} data-testid="summary-total">
        <span className="px-count-n">{summary.total}</span>
        <span className="px-count-label">proxies</span>
      </button>
      {OVERALL_STATES.filter((s) => ALWAYS.includes(s) || summary[s] > 0).map((s) => (
        <button
          key={s}
          className={`px-count ${selected === s ? "active" : ""} ${summary[s] > 0 ? `px-has-${s.toLowerCase().replace(/\s+/g, "-")}` : ""}`}
          aria-pressed={selected === s}
          onClick={() => onSelect(selected === s ? undefined : s)}
          data-testid={`summary-${s.replace(/\s+/g, "_")}`}
          data-count={summary[s]}
        >
          <span className="px-count-n">{summary[s]}</span>
          <span className={stateClass(s)}>{s}</span>
        </button>
      ))}
    </div>
  );
}
