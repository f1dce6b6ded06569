// What the xDS client reports about itself: connection, reconnects, and per type the last ACKed version,
// the nonce, the subscribed names and the last NACK (the proxy's side of istioctl proxy-status).

import type { SubscriptionStates, TypeState } from "./subscription-state";
import { XDS_KINDS, type XdsKind } from "./xds-kinds";

export interface XdsTypeStatus {
  /** version_info last ACKed ("" before the first ACK). */
  version: string;
  /** Nonce of the last response of this type on the current stream. */
  nonce: string;
  /** Subscribed names; empty for the wildcard types (LDS, CDS). */
  resourceNames: string[];
  /** error_detail of the last NACK, until the next ACK of this type. */
  lastNack?: string;
  /** Epoch ms of the last ACK, 0 when never. */
  lastUpdate: number;
}

export interface XdsClientStatus {
  /** A stream to the control plane is established. */
  connected: boolean;
  /** Why the last stream ended or failed to open. */
  lastError?: string;
  /** Streams opened after the first one. */
  reconnects: number;
  /** The first complete config has been applied (what ready() waits for). */
  ready: boolean;
  /** The version string of the config the engine runs ("" before the first apply), e.g. `lds=3 rds=3 cds=4 eds=7`. */
  configVersion: string;
  types: Record<XdsKind, XdsTypeStatus>;
}

function typeStatus(st: TypeState): XdsTypeStatus {
  return { version: st.version, nonce: st.nonce, resourceNames: [...st.names], ...(st.lastNack === undefined ? {} : { lastNack: st.lastNack }), lastUpdate: st.lastUpdate };
}

export function statusOf(states: SubscriptionStates, conn: Omit<XdsClientStatus, "types">): XdsClientStatus {
  return { ...conn, types: Object.fromEntries(XDS_KINDS.map((k) => [k, typeStatus(states[k])])) as Record<XdsKind, XdsTypeStatus> };
}
