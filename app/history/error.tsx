// Shown when the History page itself fails to render.
"use client";

import { PageError } from "../components/page-error";

export default function HistoryError({ error, reset }: { error: Error; reset(): void }) {
  return <PageError page="History" error={error} reset={reset} />;
}
