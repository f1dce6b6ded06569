// A bounded async queue between a producer that must never block (the proxy's request path) and one
// streaming consumer (an RPC). When full, new events are dropped and counted rather than buffered.

export interface EventQueue<T> extends AsyncIterable<T> {
  push(item: T): void;
  /** Queues past the capacity: for rare control items (a drop report) that must not be dropped. */
  pushAlways(item: T): void;
  /** Ends iteration once the queued items are drained. */
  close(): void;
  readonly dropped: number;
  readonly size: number;
}

export function createEventQueue<T>(capacity: number): EventQueue<T> {
  let items: T[] = [];
  let head = 0;
  let closed = false;
  let dropped = 0;
  let wake: (() => void) | undefined;
  const signal = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  return {
    push(item) {
      if (closed) return;
      if (items.length - head >= capacity) {
        dropped++;
        return;
      }
      items.push(item);
      signal();
    },
    pushAlways(item) {
      if (closed) return;
      items.push(item);
      signal();
    },
    close() {
      closed = true;
      signal();
    },
    get dropped() {
      return dropped;
    },
    get size() {
      return items.length - head;
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (head < items.length) {
          const item = items[head]!;
          items[head++] = undefined as T;
          // Compact now and then so a long stream does not keep a growing array.
          if (head > 1024 && head * 2 > items.length) {
            items = items.slice(head);
            head = 0;
          }
          yield item;
          continue;
        }
        if (closed) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}
