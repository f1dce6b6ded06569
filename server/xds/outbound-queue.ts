// The write side of one xDS stream: responses wait here in order until the RPC handler hands them to
// Connect, and each send() resolves once its message was written (or the stream is gone).

export interface Outbound<T> {
  /** Queues a message; resolves when it was written to the HTTP/2 stream, or the stream ended. */
  send(msg: T): Promise<void>;
  /** Ends the stream after the queued messages (or at once with an error). */
  close(err?: unknown): void;
  /** Yields messages for the handler; call `written()` after each one was taken by the transport. */
  next(): Promise<{ msg: T; written: () => void } | undefined>;
  /** Settles every pending send; used when the stream is torn down. */
  dispose(): void;
  readonly closed: boolean;
  /** Messages queued and not yet taken by the transport. */
  readonly queued: number;
  /** Resolves once fewer than `n` messages are queued, or the stream ended. */
  room(n: number): Promise<void>;
}

interface Item<T> {
  msg: T;
  resolve: () => void;
}

export function createOutbound<T>(): Outbound<T> {
  const items: Item<T>[] = [];
  let inFlight: Item<T> | undefined;
  let waiter: (() => void) | undefined;
  let closed = false;
  let error: { err: unknown } | undefined;
  let roomWaiter: { n: number; resolve: () => void } | undefined;

  const checkRoom = () => {
    const w = roomWaiter;
    if (w && (items.length < w.n || closed)) {
      roomWaiter = undefined;
      w.resolve();
    }
  };

  const wake = () => {
    const w = waiter;
    waiter = undefined;
    w?.();
  };

  return {
    get closed() {
      return closed;
    },
    get queued() {
      return items.length;
    },
    room(n) {
      if (items.length < n || closed) return Promise.resolve();
      return new Promise<void>((resolve) => (roomWaiter = { n, resolve }));
    },
    send(msg) {
      if (closed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        items.push({ msg, resolve });
        wake();
      });
    },
    close(err) {
      if (closed) return;
      closed = true;
      if (err !== undefined) error = { err };
      wake();
      checkRoom();
    },
    async next() {
      inFlight?.resolve();
      inFlight = undefined;
      for (;;) {
        if (error) throw error.err;
        const item = items.shift();
        checkRoom();
        if (item) {
          inFlight = item;
          return {
            msg: item.msg,
            written: () => {
              item.resolve();
              if (inFlight === item) inFlight = undefined;
            },
          };
        }
        if (closed) return undefined;
        await new Promise<void>((r) => (waiter = r));
      }
    },
    dispose() {
      closed = true;
      inFlight?.resolve();
      inFlight = undefined;
      for (const i of items.splice(0)) i.resolve();
      wake();
      checkRoom();
    },
  };
}
