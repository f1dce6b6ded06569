// A bounded async queue between a producer that must never block (the proxy's request path) and one
// streaming consumer (an RPC). When full, new events are dropped and counted rather than buffered. The
// consumer takes batches: everything queued since it last looked (at most `maxBatch`), so a busy stream
// pays its per-message cost once per batch, and an idle one still gets each item at once. A waiting consumer
// is answered after the current turn of the event loop (setImmediate), not on a microtask: a proxy emits a
// request's events from separate I/O callbacks, and a microtask would hand them over one by one.

export interface EventQueue<T> extends AsyncIterable<T[]> {
  push(item: T): void;
  /** Queues past the capacity: for rare control items (a drop report) that must not be dropped. */
  pushAlways(item: T): void;
  /** Ends iteration once the queued items are drained. */
  close(): void;
  readonly dropped: number;
  readonly size: number;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

export interface QueueBytes<T> {
  /** Most bytes queued at once; an item that would go over is dropped (and counted) like one over capacity. */
  maxBytes: number;
  /** An item's size in bytes (an estimate is fine). */
  sizeOf(item: T): number;
}

/** `capacity` bounds the items queued; `bytes`, when given, bounds their total size too. */
export function createEventQueue<T>(capacity: number, maxBatch = 256, bytes?: QueueBytes<T>): EventQueue<T> {
  let items: T[] = [];
  /** With `bytes`: each queued item's size (index-aligned with `items`), measured once, at push. */
  let sizes: number[] = [];
  let queuedBytes = 0;
  let head = 0;
  let closed = false;
  let finished = false;
  let dropped = 0;
  /** The consumer's pending next(), if it is waiting. */
  let waiting: ((r: IteratorResult<T[]>) => void) | undefined;
  let scheduled = false;

  function take(): IteratorResult<T[]> | undefined {
    if (finished) return DONE;
    const n = items.length - head;
    if (n === 0) return closed ? DONE : undefined;
    let batch: T[];
    if (head === 0 && n <= maxBatch) {
      // The usual case: hand over the whole array (and with it every queued byte).
      batch = items;
      items = [];
      sizes = [];
      queuedBytes = 0;
    } else {
      const end = head + Math.min(n, maxBatch);
      batch = items.slice(head, end);
      if (bytes) for (let i = head; i < end; i++) queuedBytes -= sizes[i]!;
      head = end;
      if (head === items.length) {
        items = [];
        sizes = [];
        head = 0;
      }
    }
    return { value: batch, done: false };
  }

  /** Answers a waiting consumer with everything queued in this turn of the event loop (setImmediate). */
  function deliver(): void {
    scheduled = false;
    if (waiting === undefined) return;
    const r = take();
    if (r === undefined) return;
    const w = waiting;
    waiting = undefined;
    w(r);
  }

  function signal(): void {
    if (waiting === undefined || scheduled) return;
    scheduled = true;
    setImmediate(deliver);
  }

  const iterator: AsyncIterableIterator<T[]> = {
    next() {
      const r = take();
      if (r !== undefined) return Promise.resolve(r);
      return new Promise<IteratorResult<T[]>>((resolve) => {
        waiting = resolve;
      });
    },
    return() {
      finished = true;
      const w = waiting;
      waiting = undefined;
      w?.(DONE);
      return Promise.resolve(DONE);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };

  return {
    push(item) {
      if (closed) return;
      if (items.length - head >= capacity) {
        dropped++;
        return;
      }
      if (bytes) {
        const size = bytes.sizeOf(item);
        if (queuedBytes + size > bytes.maxBytes) {
          dropped++;
          return;
        }
        queuedBytes += size;
        sizes.push(size);
      }
      items.push(item);
      signal();
    },
    pushAlways(item) {
      if (closed) return;
      if (bytes) {
        const size = bytes.sizeOf(item);
        queuedBytes += size;
        sizes.push(size);
      }
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
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
}
