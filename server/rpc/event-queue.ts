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

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

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
    // A hand-written iterator rather than an async generator: one resolved promise per item when items are
    // waiting (the usual case under load), without a generator's extra awaits per yield.
    [Symbol.asyncIterator]() {
      let finished = false;
      const take = (): IteratorResult<T> | undefined => {
        if (finished) return DONE;
        if (head < items.length) {
          const item = items[head]!;
          items[head++] = undefined as T;
          // Compact now and then so a long stream does not keep a growing array.
          if (head > 1024 && head * 2 > items.length) {
            items = items.slice(head);
            head = 0;
          }
          return { value: item, done: false };
        }
        if (closed) return DONE;
        return undefined;
      };
      const iterator: AsyncIterableIterator<T> = {
        next() {
          const r = take();
          if (r !== undefined) return Promise.resolve(r);
          return new Promise<IteratorResult<T>>((resolve) => {
            const retry = () => {
              const r = take();
              if (r !== undefined) resolve(r);
              else wake = retry;
            };
            wake = retry;
          });
        },
        return() {
          finished = true;
          return Promise.resolve(DONE);
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
  };
}
