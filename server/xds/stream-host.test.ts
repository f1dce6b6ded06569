// The stream host's read side: a client that keeps sending requests but does not read its responses is
// read only until a few responses wait, so the queue stays bounded (backpressure through HTTP/2).

import { describe, expect, it } from "vitest";
import { createOutbound } from "./outbound-queue";
import type { ProxyConnection, XdsContext } from "./proxy-connection";
import { createStreamHost, MAX_QUEUED_RESPONSES } from "./stream-host";
import type { XdsMetrics } from "./xds-metrics";

/** A connection that answers every request with one response. */
function echoConnection(): ProxyConnection<number, number> {
  const outbound = createOutbound<number>();
  return { id: 1, protocol: "sotw", outbound, handle: (r) => void outbound.send(r), subscribed: () => [], push: async () => {}, status: () => undefined };
}

/** Requests 0..n-1, counting how many were read. */
function requests(n: number) {
  const seen = { read: 0 };
  async function* gen() {
    for (let i = 0; i < n; i++) {
      seen.read++;
      yield i;
    }
  }
  return { seen, iterable: gen() };
}

const turn = () => new Promise((r) => setImmediate(r));

describe("stream host", () => {
  it("stops reading requests while MAX_QUEUED_RESPONSES responses wait, and reads on as they are taken", async () => {
    const host = createStreamHost({ changed: () => {} } as unknown as XdsContext, { metrics: { connection: () => {} } as unknown as XdsMetrics, log: () => {}, stopping: () => false });
    const conn = echoConnection();
    const { seen, iterable } = requests(1000);
    const responses = host.serve(conn, iterable, () => {});
    expect((await responses.next()).value).toBe(0);
    await turn();
    // The client has not taken another response: reading stopped with a few queued.
    expect(seen.read).toBeLessThanOrEqual(MAX_QUEUED_RESPONSES + 2);
    expect(conn.outbound.queued).toBeLessThanOrEqual(MAX_QUEUED_RESPONSES);
    // Taking responses lets reading go on, all the way.
    const got = [0];
    for await (const r of responses) got.push(r);
    expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(seen.read).toBe(1000);
  });
});
