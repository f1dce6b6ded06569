// Shown when the Overview page itself fails to render.
"use client";

import { PageError } from "../components/page-error";

export default function OverviewError({ error, reset }: { error: Error; reset(): void }) {
  return <PageError page="Overview" error={error} reset={reset} />;
}
