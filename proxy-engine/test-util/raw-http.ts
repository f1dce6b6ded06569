// Raw HTTP/1.1 exchanges for hostile-input checks: bytes no HTTP client would send, written as they are on a
// fresh connection, which is then half-closed; whatever comes back is collected until the peer closes.

import net from "node:net";

/** Resolves with everything the peer sent, once it closed (`closed`) or after `timeoutMs` (then cut). */
export function rawExchange(host: string, port: number, raw: string, timeoutMs = 3000): Promise<{ out: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port }, () => s.end(raw, "latin1"));
    let out = "";
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ out, closed: false });
    }, timeoutMs);
    s.on("data", (d: Buffer) => (out += d.toString("latin1")));
    s.on("error", () => {});
    s.on("close", () => {
      clearTimeout(timer);
      resolve({ out, closed: true });
    });
  });
}

/** The status codes of the responses in `out`, in order. */
export function responseStatuses(out: string): number[] {
  return [...out.matchAll(/(?:^|\n)HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
}
