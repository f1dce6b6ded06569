// Shown when the Tap page itself fails to render.
"use client";

import { PageError } from "../components/page-error";

export default function TapError({ error, reset }: { error: Error; reset(): void }) {
  return <PageError page="Tap" error={error} reset={reset} />;
}
