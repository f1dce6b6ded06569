// The response side of one ADS stream as an AsyncIterable for a single reader: items pushed as they
// arrive, then either a normal end or an error the reader's loop throws. Whatever is settled first wins;
// a reader that stops early drops what is left.

export interface ResponseQueue<T> extends AsyncIterable<T> {
  push(item: T): void;
  end(): void;
  fail(err: unknown): void;
}

export function createResponseQueue<T>(): ResponseQueue<T> {
  const items: T[] = [];
  let settled: { err?: unknown } | undefined;
  let waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;

  const wake = () => {
    const w = waiter;
    if (!w) return;
    if (items.length) {
      waiter = undefined;
      w.resolve({ done: false, value: items.shift()! });
    } else if (settled) {
      waiter = undefined;
      if (settled.err !== undefined) w.reject(settled.err);
      else w.resolve({ done: true, value: undefined });
    }
  };

  return {
    push(item) {
      if (settled) return;
      items.push(item);
      wake();
    },
    end() {
      settled ??= {};
      wake();
    },
    fail(err) {
      settled ??= { err };
      wake();
    },
    [Symbol.asyncIterator]() {
      return {
        next: () =>
          new Promise<IteratorResult<T>>((resolve, reject) => {
            waiter = { resolve, reject };
            wake();
          }),
        return: () => {
          items.length = 0;
          settled ??= {};
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
}
