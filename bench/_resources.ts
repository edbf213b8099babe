/**
 * What a workload opened, closed at its end whatever happens, and the
 * workload's time limit: a workload still running at its limit has its
 * sockets closed (which settles what it awaits) and is reported as an
 * error.
 *
 * @module
 */

interface Closable {
  close(): Promise<void>;
}

/** How long the closing at the end may take in all (a bound, so a close that never settles cannot hang the bench). */
const CLOSE_LIMIT_MS = 2000;

/** The handles a workload holds. */
export class Resources {
  #open = new Set<Closable>();

  /** Holds `handle` until it is closed here or at the end; returns it. */
  hold<T extends Closable>(handle: T): T {
    this.#open.add(handle);
    return handle;
  }

  /** Closes `handle` now, once. */
  async close(handle: Closable): Promise<void> {
    if (!this.#open.delete(handle)) return;
    await handle.close();
  }

  /**
   * Closes what is still held, newest first. A failure to close is not a
   * figure: it is left out, and the next workload opens its own sockets.
   */
  async closeAll(): Promise<void> {
    const handles = [...this.#open].reverse();
    this.#open.clear();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<void>((resolve) => timer = setTimeout(resolve, CLOSE_LIMIT_MS));
    const closing = (async () => {
      for (const handle of handles) await handle.close().catch(() => {});
    })();
    await Promise.race([closing, limit]);
    clearTimeout(timer);
  }
}

/**
 * Runs `body` with the resources it opens, at most `limitMs`; closes them
 * at the end. Rejects with what `body` threw, or when the limit is reached.
 *
 * @example
 * ```ts
 * import { bounded } from "./_resources.ts";
 * const n = await bounded(1000, async (resources) => 42);
 * ```
 */
export async function bounded<T>(limitMs: number, body: (resources: Resources) => Promise<T>): Promise<T> {
  const resources = new Resources();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within its limit of ${limitMs} ms`)), limitMs);
  });
  try {
    return await Promise.race([body(resources), late]);
  } finally {
    clearTimeout(timer);
    await resources.closeAll();
  }
}
