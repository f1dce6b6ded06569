// One xDS type's cell in the proxy table: SYNCED / NOT SENT / STALE / ERROR, when it was last pushed,
// the push's convergence time (config write → ACK), and for ERROR the proxy's NACK text.

import { formatClock, formatConvergence, type TypeCell } from "./proxy-status";

export const stateClass = (state: string) => `px-state px-st-${state.toLowerCase().replace(/\s+/g, "-")}`;

function detail(c: TypeCell): string {
  const s = c.sync;
  if (!s) return `${c.type}: the proxy has not subscribed to it`;
  return [
    `${c.type} ${c.state}`,
    `sent version ${s.sentVersion || "—"}, ACKed ${s.ackedVersion || "—"}`,
    `${s.resourceCount} resources`,
    `pushed ${formatClock(Number(s.lastSentMs), true)}, ACKed ${formatClock(Number(s.lastAckMs), true)}`,
    `convergence (write → ACK) ${formatConvergence(s.convergenceMs)}`,
  ].join("\n");
}

export function SyncCell({ cell }: { cell: TypeCell }) {
  const s = cell.sync;
  return (
    <td className="px-sync" data-testid={`sync-${cell.type}`} data-state={cell.state} title={detail(cell)}>
      <span className={stateClass(cell.state)}>{cell.state}</span>
      {s && (
        <div className="px-sync-meta">
          {formatClock(Number(s.lastSentMs))}
          <span className="px-conv"> · {formatConvergence(s.convergenceMs)}</span>
        </div>
      )}
      {cell.state === "ERROR" && s?.error && (
        <div className="px-nack" data-testid="nack">
          {s.error}
        </div>
      )}
    </td>
  );
}
