// Groups a dry run's per-proxy xDS resource diffs by proxy, then by type (LDS, RDS, CDS, EDS), for the
// collapsible preview; pretty-prints the resource JSON so a line diff reads well.

export const XDS_TYPES = ["LDS", "RDS", "CDS", "EDS"] as const;

export interface ResourceChange {
  proxy: string;
  type: string;
  name: string;
  change: "added" | "removed" | "modified";
  beforeJson: string;
  afterJson: string;
}

export interface ProxyChanges {
  proxy: string;
  types: { type: string; resources: ResourceChange[] }[];
  count: number;
}

const typeOrder = (t: string) => {
  const i = (XDS_TYPES as readonly string[]).indexOf(t);
  return i < 0 ? XDS_TYPES.length : i;
};

export function groupByProxy(changes: readonly ResourceChange[]): ProxyChanges[] {
  const byProxy = new Map<string, Map<string, ResourceChange[]>>();
  for (const c of changes) {
    const types = byProxy.get(c.proxy) ?? new Map<string, ResourceChange[]>();
    byProxy.set(c.proxy, types);
    types.set(c.type, [...(types.get(c.type) ?? []), c]);
  }
  return [...byProxy.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([proxy, types]) => ({
      proxy,
      count: [...types.values()].reduce((n, l) => n + l.length, 0),
      types: [...types.entries()].sort(([a], [b]) => typeOrder(a) - typeOrder(b) || a.localeCompare(b)).map(([type, resources]) => ({ type, resources: [...resources].sort((x, y) => x.name.localeCompare(y.name)) })),
    }));
}

/** "sidecar~127.0.0.1~reviews-v1-0.default~default.svc.cluster.local" → "reviews-v1-0.default" */
export function shortProxyName(id: string): string {
  const parts = id.split("~");
  return parts.length >= 3 && parts[2] ? parts[2] : id;
}

export function prettyJson(s: string): string {
  if (!s) return "";
  try {
    return `${JSON.stringify(JSON.parse(s), null, 2)}\n`;
  } catch {
    return s;
  }
}

/** Every proxy|type pair a change touches (what a push must see ACKed). */
export function touchedTypes(changes: readonly ResourceChange[]): Set<string> {
  return new Set(changes.map((c) => `${c.proxy}|${c.type}`));
}
