// Buckets tapped streams per second by outcome (2xx/3xx, 4xx, 5xx or reset) for the Tap page's chart.

import type { TapRow } from "./tap-rows";

export interface RateBucket {
  /** Seconds before now; 0 is the current second. */
  ago: number;
  ok: number;
  clientError: number;
  serverError: number;
}

export function bucketRates(rows: readonly TapRow[], now: number, seconds: number): RateBucket[] {
  const buckets: RateBucket[] = Array.from({ length: seconds }, (_, i) => ({ ago: seconds - 1 - i, ok: 0, clientError: 0, serverError: 0 }));
  for (const r of rows) {
    const ago = Math.floor((now - r.seenAt) / 1000);
    // Rows are newest first: everything after the first old one is older still.
    if (ago >= seconds) break;
    const b = buckets[seconds - 1 - Math.max(0, ago)]!;
    if (r.state === "reset" || (r.status ?? 0) >= 500) b.serverError++;
    else if ((r.status ?? 0) >= 400) b.clientError++;
    else if (r.status !== undefined) b.ok++;
  }
  return buckets;
}
