// One cluster: its endpoints and their health, and live charts of its traffic over the last five minutes.
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { ClusterDetailView } from "./cluster-detail-view";

type Props = { params: Promise<{ name: string }> };

/** Cluster names carry "|" (outbound|9080||reviews…), so links encode them; decode once, tolerating a raw name. */
function clusterName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `${clusterName((await params).name)} · meshdash` };
}

export default async function ClusterPage({ params }: Props) {
  const name = clusterName((await params).name);
  return (
    <>
      <header className="page-header">
        <div className="cl-back">
          <Link href="/clusters">← Clusters</Link>
        </div>
        <h1 className="mono cl-title" data-testid="cl-title">
          {name}
        </h1>
      </header>
      <Suspense fallback={<div className="loading">Loading cluster…</div>}>
        <ClusterDetailView name={name} />
      </Suspense>
    </>
  );
}
