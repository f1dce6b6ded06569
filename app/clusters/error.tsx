// Shown when a Clusters page itself fails to render.
"use client";

import { PageError } from "../components/page-error";

export default function ClustersError({ error, reset }: { error: Error; reset(): void }) {
  return <PageError page="Clusters" error={error} reset={reset} />;
}
