// The upstream HTTP/1.1 pool and connection against real loopback peers: reuse, framing (chunked, trailers,
// HEAD, 1xx, close-delimited), request bodies, queueing at max connections, and every way a peer can fail.

import type { IncomingHttpHeaders } from "node:http";
import net, { type AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { cleanupAfterEach } from "../test-util/cleanup";
import { deadPort } from "../test-util/upstream";
import type { Http1Connection, Http1Exchange } from "./http1-connection";
import { createStatsStore, type StatsStore } from "../stats/stats-store";
import { clusterStats } from "./cluster";
import { createHttp1Pool, type Http1Pool } from "./http1-pool";
import { requestHead } from "./upstream-request";

const cleanup = cleanupAfterEach();

interface Outcome {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  trailers: IncomingHttpHeaders | undefined;
  failure?: { code: string; sent: boolean };
}

/** An exchange that records what happens to it; `done` settles on end or failure. */
function exchange(head: string, opts: { body?: PassThrough; chunked?: boolean; headRequest?: boolean } = {}): Http1Exchange & { done: Promise<Outcome> } {
  const out: Outcome = { status: 0, headers: {}, body: "", trailers: undefined, failure: undefined };
  let settle!: (o: Outcome) => void;
  const done = new Promise<Outcome>((r) => (settle = r));
  return {
    head,
    body: opts.body ?? null,
    chunked: opts.chunked ?? false,
    headRequest: opts.headRequest ?? false,
    conn: undefined as Http1Connection | undefined,
    hostStats,
    done,
    onResponseHead(status, headers) {
      out.status = status;
      out.headers = headers;
    },
    onResponseBody(chunk) {
      out.body += chunk.toString("latin1");
    },
    onResponseEnd(trailers) {
      out.trailers = trailers;
      settle(out);
    },
    onFailure(code, _message, sent) {
      out.failure = { code, sent };
      settle(out);
    },
  };
}

/** The host's connection counts, shared by every exchange of a test (as an endpoint's are). */
const hostStats = { cx_total: 0, cx_active: 0 };

const GET = (path = "/") => `GET ${path} HTTP/1.1\r\nhost: up\r\n\r\n`;

/** A raw TCP peer: `respond` decides what each request head gets back (null: stay silent). */
async function rawUpstream(respond: (head: string, socket: net.Socket, n: number) => string | null) {
  const heads: string[] = [];
  const received: string[] = [];
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let buf = "";
    socket.on("data", (d) => {
      buf += d.toString("latin1");
      received.push(d.toString("latin1"));
      let i: number;
      while ((i = buf.indexOf("\r\n\r\n")) !== -1) {
        const head = buf.slice(0, i + 4);
        buf = buf.slice(i + 4);
        heads.push(head);
        const reply = respond(head, socket, heads.length);
        if (reply !== null) socket.write(reply, "latin1");
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  cleanup(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { port, heads, received: () => received.join(""), connections: () => connections, sockets };
}

let store: StatsStore = createStatsStore();
const stat = (name: string) => store.snapshot().find((x) => x.name === `cluster.c.${name}`) as { value: number } | undefined;

function pool(port: number, maxConnections = 8, connectTimeoutMs = 1000, limits: { idleTimeoutMs?: number; maxRequestsPerConnection?: number } = {}): Http1Pool {
  store = createStatsStore();
  hostStats.cx_total = 0;
  hostStats.cx_active = 0;
  const p = createHttp1Pool("127.0.0.1", port, { connectTimeoutMs, maxConnections, idleTimeoutMs: 60_000, maxRequestsPerConnection: 0, ...limits, stats: clusterStats(store, "c") });
  cleanup(() => p.close(true));
  return p;
}

const OK = (body = "ok", extra = "") => `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n${extra}\r\n${body}`;

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}

describe("http1 pool", () => {
  it("reuses one keep-alive connection for sequential requests", async () => {
    const up = await rawUpstream(() => OK("hello", "X-Mixed-Case: A\r\nset-cookie: a=1\r\nSet-Cookie: b=2\r\n"));
    const p = pool(up.port);
    for (let i = 0; i < 3; i++) {
      const ex = exchange(GET(`/r${i}`));
      p.dispatch(ex);
      const o = await ex.done;
      expect(o).toMatchObject({ status: 200, body: "hello", failure: undefined });
      expect(o.headers["x-mixed-case"]).toBe("A");
      expect(o.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
    }
    expect(up.connections()).toBe(1);
    expect(up.heads.map((h) => h.split(" ")[1])).toEqual(["/r0", "/r1", "/r2"]);
    expect(p.size()).toBe(1);
    expect(stat("upstream_cx_total")?.value).toBe(1);
    expect(stat("upstream_cx_http1_total")?.value).toBe(1);
    expect(stat("upstream_cx_active")?.value).toBe(1);
    expect(hostStats.cx_active).toBe(1);
  });

  it("reads chunked bodies with trailers, skips 1xx, and gives HEAD no body", async () => {
    const up = await rawUpstream((head) =>
      head.startsWith("HEAD")
        ? "HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n"
        : "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\nHTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ntrailer: grpc-status\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\ngrpc-status: 0\r\n\r\n",
    );
    const p = pool(up.port);
    const a = exchange(GET());
    p.dispatch(a);
    expect(await a.done).toMatchObject({ status: 200, body: "abcde", trailers: { "grpc-status": "0" } });
    const h = exchange("HEAD / HTTP/1.1\r\nhost: up\r\n\r\n", { headRequest: true });
    p.dispatch(h);
    expect(await h.done).toMatchObject({ status: 200, body: "", headers: { "content-length": "1000" } });
    // The HEAD response's content-length was not waited for: the connection is reusable at once.
    const b = exchange(GET());
    p.dispatch(b);
    expect((await b.done).body).toBe("abcde");
    expect(up.connections()).toBe(1);
  });

  it("reads a body delimited by the connection's close, then drops that connection", async () => {
    const up = await rawUpstream((_h, socket) => {
      socket.end("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end");
      return null;
    });
    const p = pool(up.port);
    const a = exchange(GET());
    p.dispatch(a);
    expect(await a.done).toMatchObject({ status: 200, body: "until the end", failure: undefined });
    await until(() => p.size() === 0);
    const b = exchange(GET());
    p.dispatch(b);
    expect((await b.done).body).toBe("until the end");
    expect(up.connections()).toBe(2);
  });

  it("sends a content-length body as is and an unknown-length body chunked", async () => {
    // Replies are written below, once each body is complete.
    const up = await rawUpstream(() => null);
    const p = pool(up.port);
    const fixed = new PassThrough();
    const a = exchange("POST /a HTTP/1.1\r\nhost: up\r\ncontent-length: 10\r\n\r\n", { body: fixed });
    p.dispatch(a);
    fixed.write("01234");
    fixed.end("56789");
    await until(() => up.received().endsWith("0123456789"));
    for (const s of up.sockets) s.write(OK());
    expect((await a.done).status).toBe(200);
    const streamed = new PassThrough();
    const b = exchange("POST /b HTTP/1.1\r\nhost: up\r\ntransfer-encoding: chunked\r\n\r\n", { body: streamed, chunked: true });
    p.dispatch(b);
    streamed.write("hello ");
    streamed.end("world!");
    await until(() => up.received().endsWith("0\r\n\r\n"));
    expect(up.received()).toContain("6\r\nhello \r\n6\r\nworld!\r\n0\r\n\r\n");
    for (const s of up.sockets) s.write(OK());
    expect((await b.done).status).toBe(200);
    expect(up.connections()).toBe(1);
  });

  it("queues requests beyond max connections and serves them in order", async () => {
    const up = await rawUpstream((head) => OK(head.split(" ")[1]));
    const p = pool(up.port, 1);
    const exs = [0, 1, 2, 3].map((i) => exchange(GET(`/${i}`)));
    for (const ex of exs) p.dispatch(ex);
    const outs = await Promise.all(exs.map((e) => e.done));
    expect(outs.map((o) => o.body)).toEqual(["/0", "/1", "/2", "/3"]);
    expect(up.connections()).toBe(1);
    expect(stat("upstream_rq_pending_total")?.value).toBe(3);
    expect(stat("upstream_rq_pending_active")?.value).toBe(0);
  });

  it("a queued request that is cancelled fails as ABANDONED, unsent; the others still go", async () => {
    const up = await rawUpstream(() => OK());
    const p = pool(up.port, 1);
    const first = exchange(GET("/first"));
    const second = exchange(GET("/second"));
    const third = exchange(GET("/third"));
    p.dispatch(first);
    p.dispatch(second);
    p.dispatch(third);
    p.cancel(second);
    expect((await second.done).failure).toEqual({ code: "ABANDONED", sent: false });
    expect((await first.done).status).toBe(200);
    expect((await third.done).status).toBe(200);
    expect(up.heads.map((h) => h.split(" ")[1])).toEqual(["/first", "/third"]);
  });

  it("a connect failure is reported unsent, with the socket's code", async () => {
    const p = pool(await deadPort());
    const ex = exchange(GET());
    p.dispatch(ex);
    expect((await ex.done).failure).toEqual({ code: "ECONNREFUSED", sent: false });
    expect(p.size()).toBe(0);
    expect(stat("upstream_cx_active")?.value).toBe(0);
    expect(stat("upstream_cx_destroy_local")?.value).toBe(0);
    expect(hostStats).toEqual({ cx_total: 1, cx_active: 0 });
  });

  it("malformed responses fail with llhttp's code and close the connection", async () => {
    const replies = ["HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nab", "HTTP/1.1 200 OK\r\nbad header\r\n\r\n", "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n", "HTTP/1.1 200 OK\r\nx: " + "a".repeat(70 * 1024) + "\r\n\r\n"];
    for (const reply of replies) {
      const up = await rawUpstream(() => reply);
      const p = pool(up.port);
      const ex = exchange(GET());
      p.dispatch(ex);
      const o = await ex.done;
      expect(o.failure?.code, reply.slice(0, 40)).toMatch(/^HPE_/);
      expect(o.failure?.sent).toBe(true);
      await until(() => p.size() === 0);
      expect(stat("upstream_cx_protocol_error")?.value).toBe(1);
    }
  });

  it("an upstream that closes mid-body fails the response after its head", async () => {
    const up = await rawUpstream((_h, socket) => {
      socket.end("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial");
      return null;
    });
    const p = pool(up.port);
    const ex = exchange(GET());
    p.dispatch(ex);
    const o = await ex.done;
    expect(o.status).toBe(200);
    expect(o.body).toBe("partial");
    expect(o.failure?.code).toMatch(/HPE_INVALID_EOF_STATE|UPSTREAM_CLOSED/);
  });

  it("an idle connection the upstream closes leaves the pool; the next request opens another", async () => {
    const up = await rawUpstream(() => OK());
    const p = pool(up.port);
    const a = exchange(GET());
    p.dispatch(a);
    await a.done;
    for (const s of up.sockets) s.end();
    await until(() => p.size() === 0);
    expect(stat("upstream_cx_destroy_remote")?.value).toBe(1);
    const b = exchange(GET());
    p.dispatch(b);
    expect((await b.done).status).toBe(200);
    expect(up.connections()).toBe(2);
  });

  it("an unsolicited response on an idle connection closes it", async () => {
    const up = await rawUpstream(() => OK());
    const p = pool(up.port);
    const a = exchange(GET());
    p.dispatch(a);
    await a.done;
    for (const s of up.sockets) s.write(OK("surprise"));
    await until(() => p.size() === 0);
  });

  it("a second response in the same read is never taken for the next request's (queue poisoning)", async () => {
    const up = await rawUpstream((head) => (head.includes("/first") ? OK("mine") + OK("smuggled") : OK("yours")));
    // One connection, so the second request waits in the queue for the first's connection.
    const p = pool(up.port, 1);
    const a = exchange(GET("/first"));
    const b = exchange(GET("/second"));
    p.dispatch(a);
    p.dispatch(b);
    expect((await a.done).body).toBe("mine");
    expect((await b.done).body).toBe("yours");
    expect(up.connections()).toBe(2);
  });

  it("a consumer that paused as its response ended does not stall the next request on that connection", async () => {
    const up = await rawUpstream((head) => OK(head.split(" ")[1]));
    const p = pool(up.port, 1);
    const slow = exchange(GET("/slow"));
    // A full downstream: it pauses reading and never resumes.
    slow.onResponseBody = function (this: typeof slow) {
      this.conn?.pause();
    };
    const next = exchange(GET("/next"));
    p.dispatch(slow);
    p.dispatch(next);
    expect((await slow.done).status).toBe(200);
    expect((await next.done).body).toBe("/next");
    expect(up.connections()).toBe(1);
  });

  it("closes a connection after max_requests_per_connection requests, and idle ones after idle_timeout", async () => {
    const up = await rawUpstream(() => OK());
    const p = pool(up.port, 8, 1000, { maxRequestsPerConnection: 2, idleTimeoutMs: 40 });
    for (let i = 0; i < 3; i++) {
      const ex = exchange(GET(`/${i}`));
      p.dispatch(ex);
      expect((await ex.done).status).toBe(200);
    }
    expect(up.connections()).toBe(2);
    expect(stat("upstream_cx_max_requests")?.value).toBe(1);
    // The second connection has served one request and now idles past the timeout.
    await until(() => p.size() === 0);
    expect(stat("upstream_cx_idle_timeout")?.value).toBe(1);
  });

  it("cancelling a request in flight closes its connection and reports ABANDONED as sent", async () => {
    const up = await rawUpstream(() => null);
    const p = pool(up.port);
    const ex = exchange(GET());
    p.dispatch(ex);
    await until(() => up.heads.length === 1);
    p.cancel(ex);
    expect((await ex.done).failure).toEqual({ code: "ABANDONED", sent: true });
    await until(() => p.size() === 0);
  });

  it("a graceful close lets the request in flight finish, then closes", async () => {
    let reply: net.Socket | undefined;
    const up = await rawUpstream((_h, s) => ((reply = s), null));
    const p = pool(up.port);
    const ex = exchange(GET());
    p.dispatch(ex);
    await until(() => reply !== undefined);
    p.close();
    reply!.write(OK("late"));
    expect((await ex.done).body).toBe("late");
    await until(() => p.size() === 0);
    // What an older config version still sends a drained pool goes out, on a connection closed after it.
    const straggler = exchange(GET("/retry"));
    p.dispatch(straggler);
    reply = undefined;
    await until(() => reply !== undefined);
    reply!.write(OK("served"));
    expect((await straggler.done).body).toBe("served");
    await until(() => p.size() === 0);
  });
});

describe("requestHead", () => {
  it("serializes headers, repeated values and numbers", () => {
    expect(requestHead("GET", "/a?b=1", { host: "h", "x-n": 3, "x-multi": ["1", "2"], skip: undefined }, "content-length: 0\r\n")).toBe(
      "GET /a?b=1 HTTP/1.1\r\nhost: h\r\nx-n: 3\r\nx-multi: 1\r\nx-multi: 2\r\ncontent-length: 0\r\n\r\n",
    );
  });

  it("refuses anything that would split the request", () => {
    expect(() => requestHead("GET", "/a b", {}, "")).toThrow(/invalid request target/);
    expect(() => requestHead("GET", "/a\r\nx: y", {}, "")).toThrow(/invalid request target/);
    expect(() => requestHead("GET", "/", { "x-a": "1\r\nevil: 1" }, "")).toThrow(/invalid value for header x-a/);
    expect(() => requestHead("GET", "/", { "x-a": ["ok", "bad\n"] }, "")).toThrow(/invalid value/);
    expect(() => requestHead("GET", "/", { "bad name": "1" }, "")).toThrow(/invalid header name/);
    expect(() => requestHead("GET", "/", { "x-a": "nul\0" }, "")).toThrow(/invalid value/);
  });
});
