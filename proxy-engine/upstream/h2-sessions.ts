// HTTP/2 upstream connections: one multiplexed session per endpoint, reused until the peer sends GOAWAY or
// the connection closes, then replaced on the next request.

import http2 from "node:http2";
import { hostPort } from "./cluster";

export interface H2Sessions {
  get(host: string, port: number): http2.ClientHttp2Session;
  closeAll(): void;
}

export function createH2Sessions(): H2Sessions {
  const sessions = new Map<string, http2.ClientHttp2Session>();
  return {
    get(host, port) {
      const key = hostPort(host, port);
      const existing = sessions.get(key);
      if (existing && !existing.closed && !existing.destroyed) return existing;
      const s = http2.connect(`http://${key}`);
      const drop = () => {
        if (sessions.get(key) === s) sessions.delete(key);
      };
      s.on("goaway", drop);
      s.on("close", drop);
      // Session errors surface on each stream; the session itself is just dropped.
      s.on("error", drop);
      // Idle upstream connections time out (as the HTTP/1.1 pools do after 60 s).
      s.setTimeout(60_000, () => s.close());
      s.unref();
      sessions.set(key, s);
      return s;
    },
    closeAll() {
      for (const s of sessions.values()) s.destroy();
      sessions.clear();
    },
  };
}
