/**
 * The adapter kit's {@linkcode ReportLog}: what an adapter records when the
 * runtime reports a failure on a channel of its own (an `error` event or
 * handler), so that cases can see every report, once each.
 *
 * @module
 */
import type { EventCount, Report, ReportLog } from "./adapter.ts";
import type { SocketError } from "./errors.ts";

/**
 * A {@linkcode ReportLog} an adapter adds to.
 *
 * @example
 * ```ts
 * import { Reports } from "./report_log.ts";
 * import { SocketError } from "./errors.ts";
 * const reports = new Reports();
 * reports.add('"error" event', new SocketError("error", "ECONNREFUSED", { class: "Error", message: "refused" }));
 * await reports.reached(1);
 * reports.list.length; // 1
 * ```
 */
export class Reports implements ReportLog {
  #list: Report[] = [];
  #waiters: { count: number; resolve: () => void }[] = [];

  get list(): readonly Report[] {
    return this.#list;
  }

  /** Records one report, as the runtime made it. */
  add(channel: string, error: SocketError): void {
    this.#list.push({ channel, error });
    const still: { count: number; resolve: () => void }[] = [];
    for (const w of this.#waiters) (this.#list.length >= w.count ? w.resolve() : still.push(w));
    this.#waiters = still;
  }

  reached(count: number): Promise<void> {
    if (this.#list.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }
}

/** A log for APIs that report failures only as the results of operations (promises, return values). */
export const NO_REPORTS: ReportLog = {
  get list(): readonly Report[] {
    return [];
  },
  reached: () => new Promise<void>(() => {}),
};

/**
 * An {@linkcode EventCount} an adapter adds to, once for each time the
 * runtime reported the event.
 *
 * @example
 * ```ts
 * import { EventCounter } from "./report_log.ts";
 * const timeouts = new EventCounter();
 * timeouts.add();
 * await timeouts.reached(1);
 * timeouts.count; // 1
 * ```
 */
export class EventCounter implements EventCount {
  #count = 0;
  #waiters: { count: number; resolve: () => void }[] = [];

  get count(): number {
    return this.#count;
  }

  /** Records one report of the event. */
  add(): void {
    this.#count++;
    const still: { count: number; resolve: () => void }[] = [];
    for (const w of this.#waiters) (this.#count >= w.count ? w.resolve() : still.push(w));
    this.#waiters = still;
  }

  reached(count: number): Promise<void> {
    if (this.#count >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }
}
