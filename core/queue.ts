/**
 * A queue that turns a runtime's push events (data, connections) into the
 * contract's pull operations, in arrival order.
 *
 * @module
 */

type Entry<T> = { value: T } | { error: unknown };

/** Items pushed by events, taken by `shift()`; `null` once ended. */
export class Queue<T> {
  #items: Entry<T>[] = [];
  #waiters: { resolve: (v: T | null) => void; reject: (e: unknown) => void }[] = [];
  #ended = false;
  #error: unknown;
  #failed = false;

  push(item: T): void {
    this.#deliver({ value: item });
  }

  #deliver(entry: Entry<T>): void {
    const waiter = this.#waiters.shift();
    if (!waiter) this.#items.push(entry);
    else if ("value" in entry) waiter.resolve(entry.value);
    else waiter.reject(entry.error);
  }

  /** No more items: waiting and later shifts get `null` once the queue drains. */
  end(): void {
    this.#ended = true;
    for (const w of this.#waiters.splice(0)) w.resolve(null);
  }

  /** An error: waiting and later shifts reject once the queue drains. */
  fail(error: unknown): void {
    if (this.#ended || this.#failed) return;
    this.#failed = true;
    this.#error = error;
    for (const w of this.#waiters.splice(0)) w.reject(error);
  }

  shift(): Promise<T | null> {
    const entry = this.#items.shift();
    if (entry) return "value" in entry ? Promise.resolve(entry.value) : Promise.reject(entry.error);
    if (this.#failed) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }
}
