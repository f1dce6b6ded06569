// The last five config revisions (what was pushed, by whom, when), from ConfigService.ListRevisions.
"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { configClient } from "../lib/rpc";
import { ago } from "./relative-time";

export function RecentPushes({ now }: { now: number }) {
  const q = useQuery({
    queryKey: ["overview", "revisions"],
    queryFn: async ({ signal }) => (await configClient().listRevisions({ limit: 5 }, { signal })).revisions,
    refetchInterval: 10_000,
  });
  if (q.isPending) return <p className="loading">Loading revisions…</p>;
  if (q.error) return <p className="error-text">Could not load revisions: {q.error.message}</p>;
  if (q.data.length === 0) return <p className="muted">No config has been pushed yet.</p>;
  return (
    <div>
      <ol className="ov-list ov-pushes">
        {q.data.map((r) => (
          <li key={String(r.revision)} data-testid="ov-push">
            <div className="ov-push-head">
              <span className="ov-rev">r{String(r.revision)}</span>
              <span className="ov-push-msg">{r.message || <span className="muted">no message</span>}</span>
            </div>
            <div className="muted ov-push-meta">
              {r.author || "unknown"} · {ago(Number(r.timeMs), now)}
              {r.rollbackOf > 0n && <> · rollback to r{String(r.rollbackOf)}</>}
              {r.changes.length > 0 && (
                <>
                  {" "}
                  · {r.changes
                    .slice(0, 3)
                    .map((c) => `${c.op === "delete" ? "−" : "±"}${c.ref?.kind ?? ""} ${c.ref?.name ?? ""}`)
                    .join(", ")}
                  {r.changes.length > 3 && ` +${r.changes.length - 3}`}
                </>
              )}
            </div>
          </li>
        ))}
      </ol>
      <Link href="/history" className="ov-more">
        History →
      </Link>
    </div>
  );
}
