// Shown when the Policy page itself fails to render.
"use client";

import { PageError } from "../components/page-error";

export default function PolicyError({ error, reset }: { error: Error; reset(): void }) {
  return <PageError page="Policy" error={error} reset={reset} />;
}
