// Shown when the Top page itself fails to render.
"use client";

import { PageError } from "../components/page-error";

export default function TopError({ error, reset }: { error: Error; reset(): void }) {
  return <PageError page="Top" error={error} reset={reset} />;
}
