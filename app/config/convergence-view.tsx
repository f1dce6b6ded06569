// Live convergence after a push, fed by MeshService.WatchProxies: one row per proxy with each xDS type's
// ACK (and push → ACK time), NACK (with the proxy's message) or pending state.
"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { convergence, type ConvergenceCell } from "./convergence";
import { useWatchProxies } from "./use-watch-proxies";
import { shortProxyName, XDS_TYPES } from "./xds-groups";

export interface PushedRevision {
  revision: number;
  /** Server time of the revision (ms since the epoch). */
  timeMs: number;
  /** "proxy|TYPE" pairs the dry run said would change. */
  expected: ReadonlySet<string>;
  /** What was pushed, for the heading ("reviews VirtualService", "rollback to 3"). */
  what: string;
}

const PUSH_GRACE_MS = 2000;
const ms = (n: number) => (n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(2)} s`);

function Cell({ c }: { c: ConvergenceCell }) {
  switch (c.status) {
    case "acked":
      return (
        <span className="cfg-conv cfg-conv-ack" title={`ACKed version ${c.version}`}>
          ACK {c.ms !== undefined ? ms(c.ms) : ""}
        </span>
      );
    case "nacked":
      return (
        <span className="cfg-conv cfg-conv-nack" title={c.error}>
          NACK
        </span>
      );
    case "pending":
      return <span className="cfg-conv cfg-conv-pending">waiting…</span>;
    case "unchanged":
      return (
        <span className="cfg-conv cfg-conv-same" title={`unchanged by this push (version ${c.version || "-"})`}>
          —
        </span>
      );
    default:
      return <span className="muted">n/a</span>;
  }
}

export function ConvergenceView({ pushed, onClose }: { pushed: PushedRevision; onClose?(): void }) {
  const { proxies, state, retry } = useWatchProxies(true);
  const [showAll, setShowAll] = useState(false);
  const section = useRef<HTMLElement>(null);
  useEffect(() => {
    // (Block body: newer browsers return a promise from scrollIntoView, and an effect must not return one.)
    section.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, []);
  const [now, setNow] = useState(() => Date.now());
  const [openedAt] = useState(() => Date.now());
  const computed = useMemo(() => (proxies ? convergence(proxies, pushed.timeMs, pushed.expected) : undefined), [proxies, pushed]);
  // Without a dry run's list of expected changes (a rollback), give the debounced push a moment to go out
  // before concluding that nothing changed.
  const waitingForPush = computed !== undefined && pushed.expected.size === 0 && computed.converged + computed.nacked + computed.pending === 0 && now - openedAt < PUSH_GRACE_MS;
  const conv = computed && waitingForPush ? { ...computed, done: false } : computed;
  const done = conv?.done ?? false;
  useEffect(() => {
    if (done) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [done]);

  const changed = conv?.rows.filter((r) => r.status !== "unchanged") ?? [];
  const rows = showAll || changed.length === 0 ? (conv?.rows ?? []) : changed;
  const summary = !conv
    ? state.kind === "error"
      ? `Proxy status unavailable: ${state.message}`
      : "Connecting to proxy status…"
    : conv.nacked > 0
      ? `${conv.nacked} ${conv.nacked === 1 ? "proxy" : "proxies"} NACKed revision ${pushed.revision}; they keep serving their last good config`
      : !conv.done
        ? `Converging: ${conv.converged} of ${conv.converged + conv.pending} proxies ACKed (${ms(Math.max(0, now - pushed.timeMs))} since the push)`
        : changed.length === 0
          ? `Revision ${pushed.revision} changed no proxy's config`
          : `All ${conv.converged} changed ${conv.converged === 1 ? "proxy" : "proxies"} ACKed revision ${pushed.revision}${conv.slowestMs !== undefined ? `, slowest in ${ms(conv.slowestMs)}` : ""}`;
  const tone = !conv ? "" : conv.nacked > 0 ? "cfg-bad" : conv.done ? "cfg-ok" : "cfg-warn";

  return (
    <section ref={section} className="card cfg-convergence" data-testid="convergence" data-revision={pushed.revision} data-done={conv && conv.done && conv.nacked === 0 ? "true" : "false"} data-nacked={conv?.nacked ?? 0} aria-live="polite">
      <header>
        <h3>Convergence of revision {pushed.revision}</h3>
        <span className="muted">{pushed.what}</span>
        <span className="cfg-spacer" />
        {state.kind === "error" && (
          <button type="button" className="btn" onClick={retry}>
            Reconnect
          </button>
        )}
        {onClose && (
          <button type="button" className="btn ghost" onClick={onClose}>
            Close
          </button>
        )}
      </header>
      <p className={`cfg-conv-summary ${tone}`} data-testid="convergence-summary" role="status">
        {summary}
      </p>
      {conv && (
        <>
          <table className="simple cfg-conv-table">
            <thead>
              <tr>
                <th>Proxy</th>
                {XDS_TYPES.map((t) => (
                  <th key={t}>{t}</th>
                ))}
                <th className="num">Push → ACK</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const nacks = r.cells.filter((c) => c.status === "nacked");
                return (
                  <FragmentRows key={r.proxy} proxy={r.proxy} status={r.status} slowest={r.ms} cells={r.cells} nacks={nacks} />
                );
              })}
            </tbody>
          </table>
          {changed.length > 0 && changed.length < conv.rows.length && (
            <button type="button" className="btn ghost" onClick={() => setShowAll((v) => !v)}>
              {showAll ? "Show only changed proxies" : `Show all ${conv.rows.length} proxies`}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function FragmentRows({ proxy, status, slowest, cells, nacks }: { proxy: string; status: string; slowest?: number; cells: ConvergenceCell[]; nacks: ConvergenceCell[] }) {
  return (
    <>
      <tr data-testid="convergence-row" data-status={status} data-proxy={proxy}>
        <td className="mono" title={proxy}>
          {shortProxyName(proxy)}
        </td>
        {XDS_TYPES.map((t) => {
          const c = cells.find((x) => x.type === t);
          return <td key={t}>{c ? <Cell c={c} /> : <span className="muted">n/a</span>}</td>;
        })}
        <td className="num">{slowest !== undefined ? ms(slowest) : status === "pending" ? "…" : "—"}</td>
      </tr>
      {nacks.map((c) => (
        <tr key={c.type} className="cfg-conv-nack-row">
          <td colSpan={XDS_TYPES.length + 2} className="error-text">
            {c.type} NACK: {c.error}
          </td>
        </tr>
      ))}
    </>
  );
}
