// Per-connection state kept on the socket itself: a connection id and its request count, used for tap
// stream ids (Linkerd's id{base, stream}) without a per-request lookup, and what tap keeps per connection.

import type { Socket } from "node:net";
import type { TapConnection } from "../tap/stream-tap";

export interface TrackedSocket extends Socket {
  meshConnectionId?: number;
  meshStreamCount?: number;
  /** Set by the tap filter on the connection's first tapped request (undefined until then, from the start). */
  meshTap?: TapConnection;
}
