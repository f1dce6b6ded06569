// The four SotW resource kinds the client subscribes to over ADS, their type URLs, and the order it
// subscribes in: LDS and CDS (wildcard) first, then RDS and EDS for the names those reference.

export type XdsKind = "lds" | "rds" | "cds" | "eds";

/** Subscription order on every (re)connect. */
export const XDS_KINDS: readonly XdsKind[] = ["lds", "cds", "rds", "eds"];

export const TYPE_URLS: Readonly<Record<XdsKind, string>> = {
  lds: "type.googleapis.com/envoy.config.listener.v3.Listener",
  rds: "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
  cds: "type.googleapis.com/envoy.config.cluster.v3.Cluster",
  eds: "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
};

/** How Envoy's logs and istioctl name them. */
export const SHORT_NAMES: Readonly<Record<XdsKind, string>> = { lds: "LDS", rds: "RDS", cds: "CDS", eds: "EDS" };

/** LDS and CDS are wildcard, full-state subscriptions; RDS and EDS name what they want. */
export const isWildcard = (k: XdsKind): k is "lds" | "cds" => k === "lds" || k === "cds";

export function kindOfTypeUrl(typeUrl: string): XdsKind | undefined {
  for (const k of XDS_KINDS) if (TYPE_URLS[k] === typeUrl) return k;
  return undefined;
}
