// Shown when the Routes page itself fails to render.
"use client";

import { PageError } from "../components/page-error";

export default function RoutesError({ error, reset }: { error: Error; reset(): void }) {
  return <PageError page="Routes" error={error} reset={reset} />;
}
