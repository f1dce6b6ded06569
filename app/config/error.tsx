// Shown when a Config page itself fails to render.
"use client";

import { PageError } from "../components/page-error";

export default function ConfigError({ error, reset }: { error: Error; reset(): void }) {
  return <PageError page="Config" error={error} reset={reset} />;
}
