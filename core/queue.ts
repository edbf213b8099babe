/**
 * A queue that turns a runtime's push events (connections handed over,
 * datagrams read) into the contract's pull operations, in arrival order.
 * It never ends by itself: only the runtime's own report that nothing more
 * will come (`end()`) does, so an adapter cannot settle a pending accept or
 * receive the runtime did not settle.
 *
 * @module
 */

/**
 * Items pushed by events, taken by `shift()`; `null` once ended and drained.
 *
 * @example
 * ```ts
 * import { Queue } from "./queue.ts";
 * const connections = new Queue<string>();
 * const next = connections.shift(); // pending until an item arrives
 * connections.push("first");
 * console.log(await next); // "first"
 * connections.end();
 * console.log(await connections.shift()); // null
 * ```
 */
export class Queue<T> {
  #items: T[] = [];
  #waiters: ((item: T | null) => void)[] = [];
  #ended = false;

  /** An item the runtime handed over: to the oldest waiting `shift()`, else kept. */
  push(item: T): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(item);
    else this.#items.push(item);
  }

  /** No more items: waiting and later shifts get `null` once the queue drains. */
  end(): void {
    this.#ended = true;
    for (const waiter of this.#waiters.splice(0)) waiter(null);
  }

  /** The next item, in arrival order; `null` once ended and drained. */
  shift(): Promise<T | null> {
    if (this.#items.length) return Promise.resolve(this.#items.shift()!);
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}
