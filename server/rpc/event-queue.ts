// A bounded async queue between a producer that must never block (the proxy's request path) and one
// streaming consumer (an RPC). When full, new events are dropped and counted rather than buffered. The
// consumer takes batches: everything queued since it last looked (at most `maxBatch`), so a busy stream
// pays its per-message cost once per batch. A waiting consumer is answered after the current turn of the
// event loop (setImmediate), not on a microtask: a proxy emits a request's events from separate I/O
// callbacks, and a microtask would hand them over one by one. With `lingerMs`, it is answered that long
// after the first item arrived, or at once when a whole batch is queued (Nagle's rule, as Kafka's
// linger.ms): a busy stream then sends a few large messages a second instead of one per loop turn.

export interface EventQueue<T> extends AsyncIterable<T[]> {
  push(item: T): void;
  /** Queues past the capacity: for rare control items (a drop report) that must not be dropped. */
  pushAlways(item: T): void;
  /** Ends iteration once the queued items are drained. */
  close(): void;
  /** The consumer is gone: lets go of every queued item at once and ends iteration; later pushes are ignored. */
  abandon(): void;
  readonly dropped: number;
  readonly size: number;
  /** Items the queue still references: those queued, and taken ones not yet let go (at most as many again). */
  readonly held: number;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

export interface QueueBytes<T> {
  /** Most bytes queued at once; an item that would go over is dropped (and counted) like one over capacity. */
  maxBytes: number;
  /** An item's size in bytes (an estimate is fine). */
  sizeOf(item: T): number;
  /** Most bytes in one batch (at least one item is always taken). */
  maxBatchBytes?: number;
}

export interface QueueOptions<T> {
  /** Most items per batch (default 256). */
  maxBatch?: number;
  /** Bounds the bytes queued, and batched, too. */
  bytes?: QueueBytes<T>;
  /** How long a waiting consumer lets items gather before a batch that is not full goes (default 0: the next turn). */
  lingerMs?: number;
}

/** `capacity` bounds the items queued. */
export function createEventQueue<T>(capacity: number, opts: QueueOptions<T> = {}): EventQueue<T> {
  const { maxBatch = 256, bytes, lingerMs = 0 } = opts;
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
  let lingering: NodeJS.Timeout | undefined;

  function take(): IteratorResult<T[]> | undefined {
    if (finished) return DONE;
    const n = items.length - head;
    if (n === 0) return closed ? DONE : undefined;
    let batch: T[];
    if (head === 0 && n <= maxBatch && (!bytes?.maxBatchBytes || queuedBytes <= bytes.maxBatchBytes)) {
      // The usual case: hand over the whole array (and with it every queued byte).
      batch = items;
      items = [];
      sizes = [];
      queuedBytes = 0;
    } else {
      let end = head + Math.min(n, maxBatch);
      if (bytes) {
        const cap = bytes.maxBatchBytes ?? Infinity;
        let taken = 0;
        for (let i = head; i < end; i++) {
          if (i > head && taken + sizes[i]! > cap) {
            end = i;
            break;
          }
          taken += sizes[i]!;
        }
        queuedBytes -= taken;
      }
      batch = items.slice(head, end);
      head = end;
      if (head === items.length) {
        items = [];
        sizes = [];
        head = 0;
      } else if (head * 2 >= items.length) {
        // Items taken are dropped from the array once they are half of it (amortized O(1) per item).
        // Without this, a consumer that always leaves some behind (a byte-capped batch under steady
        // load) never saw the array reset, and every event ever taken stayed referenced.
        items = items.slice(head);
        if (bytes) sizes = sizes.slice(head);
        head = 0;
      }
    }
    return { value: batch, done: false };
  }

  /** Answers a waiting consumer with what queued: after this turn of the event loop, or once lingerMs is up. */
  function deliver(): void {
    scheduled = false;
    if (lingering !== undefined) {
      clearTimeout(lingering);
      lingering = undefined;
    }
    if (waiting === undefined) return;
    const r = take();
    if (r === undefined) return;
    const w = waiting;
    waiting = undefined;
    w(r);
  }

  /** Closed, finished, or a whole batch (by count or bytes) queued: nothing to linger for. */
  function batchReady(): boolean {
    return closed || finished || items.length - head >= maxBatch || (bytes?.maxBatchBytes !== undefined && queuedBytes >= bytes.maxBatchBytes);
  }

  function signal(): void {
    if (waiting === undefined || scheduled) return;
    if (lingerMs > 0 && !batchReady()) {
      lingering ??= setTimeout(deliver, lingerMs);
      return;
    }
    scheduled = true;
    setImmediate(deliver);
  }

  const iterator: AsyncIterableIterator<T[]> = {
    next() {
      // Lingering, what queued while the consumer was busy waits for more unless it is a whole batch already.
      const r = lingerMs > 0 && !batchReady() ? undefined : take();
      if (r !== undefined) return Promise.resolve(r);
      return new Promise<IteratorResult<T[]>>((resolve) => {
        waiting = resolve;
        if (items.length - head > 0 || closed) signal();
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
    abandon() {
      closed = true;
      items = [];
      sizes = [];
      head = 0;
      queuedBytes = 0;
      void iterator.return!();
    },
    get dropped() {
      return dropped;
    },
    get size() {
      return items.length - head;
    },
    get held() {
      return items.length;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
}
