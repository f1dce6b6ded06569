// An unbounded push queue read as an AsyncIterable: the request side of a gRPC bidi stream (and the test
// control plane's response side). Closing ends iteration after what was already pushed.

export interface AsyncQueue<T> extends AsyncIterable<T> {
  push(value: T): void;
  close(): void;
  readonly closed: boolean;
}

export function createAsyncQueue<T>(): AsyncQueue<T> {
  const items: T[] = [];
  const waiters: ((r: IteratorResult<T>) => void)[] = [];
  let closed = false;
  const done = (): IteratorResult<T> => ({ done: true, value: undefined });
  return {
    push(value) {
      if (closed) return;
      const w = waiters.shift();
      if (w) w({ done: false, value });
      else items.push(value);
    },
    close() {
      if (closed) return;
      closed = true;
      while (waiters.length) waiters.shift()!(done());
    },
    get closed() {
      return closed;
    },
    [Symbol.asyncIterator]() {
      return {
        next: () => {
          if (items.length) return Promise.resolve({ done: false, value: items.shift()! });
          if (closed) return Promise.resolve(done());
          return new Promise<IteratorResult<T>>((r) => waiters.push(r));
        },
        // The consumer gave up (connect calls return() or throw() when a call ends): drop what is queued.
        return: () => {
          closed = true;
          items.length = 0;
          while (waiters.length) waiters.shift()!(done());
          return Promise.resolve(done());
        },
        throw: (e?: unknown) => {
          closed = true;
          items.length = 0;
          while (waiters.length) waiters.shift()!(done());
          return Promise.reject(e);
        },
      };
    },
  };
}
