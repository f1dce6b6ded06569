// STRICT_DNS and LOGICAL_DNS clusters: endpoint hostnames resolved with node's resolver (dns.lookup, as
// the OS would) when the cluster is built and every dns_refresh_rate after. STRICT_DNS keeps every address
// returned; LOGICAL_DNS keeps only the first. A failed lookup keeps the last good answer.

import { promises as dns } from "node:dns";

export interface DnsTarget<T> {
  hostname: string;
  /** Whatever the caller needs to turn an address back into an endpoint. */
  meta: T;
}

export interface DnsResolution {
  /** Settles after the first round of lookups (Envoy's cluster warming). */
  warm: Promise<void>;
  dispose(): void;
}

export type Lookup = (hostname: string) => Promise<string[]>;

export const systemLookup: Lookup = async (hostname) => (await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export function startDnsResolution<T>(
  targets: DnsTarget<T>[],
  mode: "strict" | "logical",
  refreshMs: number,
  onResolved: (addresses: { address: string; meta: T }[]) => void,
  onError: (hostname: string, err: Error) => void,
  lookup: Lookup = systemLookup,
): DnsResolution {
  let disposed = false;
  let timer: NodeJS.Timeout | undefined;
  const last = new Map<number, string[]>();
  const round = async () => {
    await Promise.all(
      targets.map(async (t, i) => {
        try {
          const all = await lookup(t.hostname);
          last.set(i, mode === "logical" ? all.slice(0, 1) : all);
        } catch (e) {
          onError(t.hostname, e as Error);
        }
      }),
    );
    if (disposed) return;
    onResolved(targets.flatMap((t, i) => (last.get(i) ?? []).map((address) => ({ address, meta: t.meta }))));
    timer = setTimeout(() => void round(), refreshMs);
    timer.unref();
  };
  return {
    warm: round(),
    dispose() {
      disposed = true;
      clearTimeout(timer);
    },
  };
}
