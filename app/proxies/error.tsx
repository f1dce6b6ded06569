// Shown when a Proxies page itself fails to render.
"use client";

import { PageError } from "../components/page-error";

export default function ProxiesError({ error, reset }: { error: Error; reset(): void }) {
  return <PageError page="Proxies" error={error} reset={reset} />;
}
