/**
 * The contract's `close()` is idempotent: the first call closes, every later
 * call gets the first call's promise, settled when the runtime has closed.
 *
 * @module
 */

/**
 * Wraps `close` so that it runs once. A synchronous throw of the first call
 * becomes its rejection, shared like any other outcome.
 *
 * @example
 * ```ts
 * import { closeOnce } from "./close_once.ts";
 * let calls = 0;
 * const close = closeOnce(() => Promise.resolve(void calls++));
 * await Promise.all([close(), close()]);
 * console.log(calls); // 1
 * ```
 */
export function closeOnce(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    if (!closing) {
      try {
        closing = close();
      } catch (err) {
        closing = Promise.reject(err);
      }
    }
    return closing;
  };
}
