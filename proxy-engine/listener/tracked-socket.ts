// Per-connection counters kept on the socket itself: a connection id and its request count, used for tap
// stream ids (Linkerd's id{base, stream}) without a per-request lookup.

import type { Socket } from "node:net";

export interface TrackedSocket extends Socket {
  meshConnectionId?: number;
  meshStreamCount?: number;
}
