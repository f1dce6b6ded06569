// Names for the two sides of a tapped stream, as Linkerd's "src → dst": a workload or service when the
// event's metadata or the proxy says so, the bare address otherwise (never the ephemeral source port).

/** Metadata keys that name a peer, most specific first. */
const NAME_KEYS = ["workload", "pod", "deployment", "app"];

/** A workload-like name, else the service with its subset ("reviews/v2"), else "". */
export function fromMeta(meta: Record<string, string>): string {
  for (const k of NAME_KEYS) if (meta[k]) return meta[k]!;
  if (meta.service) return meta.subset ? `${meta.service}/${meta.subset}` : meta.service;
  return "";
}

/** istioctl's name for a proxy: "productpage-v1-0.default" from "sidecar~127.0.0.1~productpage-v1-0.default~default.svc.cluster.local". */
export function proxyName(id: string): string {
  const parts = id.split("~");
  return parts.length === 4 && parts[2] ? parts[2] : id;
}

/** "reviews.default" (or "reviews.default/v2") from Istio's "outbound|9080|v2|reviews.default.svc.cluster.local". */
export function clusterService(cluster: string): string {
  const parts = cluster.split("|");
  if (parts.length !== 4) return cluster;
  const host = (parts[3] ?? "").replace(/\.svc\.cluster\.local$/, "");
  return parts[2] ? `${host}/${parts[2]}` : host;
}

/** The IP of "ip:port" or "[ip6]:port". */
export function hostOf(address: string): string {
  const m = /^\[(.*)\]:\d+$/.exec(address) ?? /^(.*):\d+$/.exec(address);
  return m ? m[1]! : address;
}

export interface PeerInput {
  direction: "inbound" | "outbound" | "";
  proxy: string;
  source: string;
  destination: string;
  sourceMeta: Record<string, string>;
  destinationMeta: Record<string, string>;
  cluster: string;
  authority: string;
}

/**
 * Inbound at a proxy: the caller (by metadata or IP) → the proxy's own workload. Outbound: the proxy's
 * workload → the service its cluster belongs to (or the authority when no route was found).
 */
export function peerNames(r: PeerInput): { source: string; destination: string } {
  const srcMeta = fromMeta(r.sourceMeta);
  const dstMeta = fromMeta(r.destinationMeta);
  const self = r.proxy ? proxyName(r.proxy) : "";
  const upstream = r.cluster ? clusterService(r.cluster) : r.authority || r.destination;
  if (r.direction === "inbound") return { source: srcMeta || hostOf(r.source), destination: dstMeta || self || r.destination };
  if (r.direction === "outbound") return { source: srcMeta || self || hostOf(r.source), destination: dstMeta || upstream };
  return { source: srcMeta || hostOf(r.source), destination: dstMeta || upstream };
}
