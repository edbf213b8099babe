/**
 * Tracks every handle a case opens through the adapter, so the runner can
 * close what a timed-out or leaking case left behind. Any object with a
 * `close()` method returned (directly or through a promise) by an adapter
 * method is tracked, and its own methods are tracked the same way, so
 * accepted connections are covered without the adapter knowing. Every call
 * also passes the loopback guard first.
 *
 * @module
 */

import { checkLoopback, type GuardOptions } from "./_loopback.ts";

interface Closable {
  close(): Promise<void> | void;
  abort?(): Promise<void> | void;
}

function isClosable(value: unknown): value is Closable {
  return value !== null && typeof value === "object" &&
    typeof (value as Closable).close === "function";
}

/** Plain data (addresses, buffers) is handed out as is. */
function hasMethods(value: unknown): value is object {
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return false;
  for (const key of Object.keys(value)) {
    if (typeof (value as Record<string, unknown>)[key] === "function") return true;
  }
  const proto = Object.getPrototypeOf(value);
  return proto !== null && proto !== Object.prototype;
}

/** A set of handles opened during one case. */
export class Scope {
  #open = new Set<Closable>();
  #proxies = new WeakMap<object, object>();
  /** Each proxy's target, so a handle a case passes back to the adapter reaches it as the adapter made it. */
  #targets = new WeakMap<object, object>();
  #guard: GuardOptions;

  /** `guard`: inside the fault lab, multicast groups and the lab's own host names pass the guard. */
  constructor(guard: GuardOptions = {}) {
    this.#guard = guard;
  }

  /** Wraps `target` so that handles it returns are tracked. */
  wrap<T extends object>(target: T): T {
    const cached = this.#proxies.get(target);
    if (cached) return cached as T;
    const scope = this;
    const wrapped = new WeakMap<object, unknown>();
    const proxy: T = new Proxy(target, {
      get(obj, key) {
        const value = Reflect.get(obj, key, obj);
        if (typeof value !== "function") {
          return hasMethods(value) ? scope.wrap(value) : value;
        }
        let fn = wrapped.get(value);
        if (!fn) {
          fn = function (this: unknown, ...args: unknown[]) {
            checkLoopback(String(key), args, scope.#guard);
            if (isClosable(obj) && (key === "close" || key === "abort")) scope.#open.delete(obj);
            const raw = args.map((a) => (a !== null && typeof a === "object" && scope.#targets.get(a)) || a);
            const result = value.apply(obj, raw);
            return result instanceof Promise ? result.then((r) => scope.#track(r)) : scope.#track(result);
          };
          wrapped.set(value, fn);
        }
        return fn;
      },
    });
    this.#proxies.set(target, proxy);
    this.#targets.set(proxy, target);
    return proxy;
  }

  #track(result: unknown): unknown {
    if (!isClosable(result)) return result;
    this.#open.add(result);
    return this.wrap(result);
  }

  /**
   * Closes every handle still open, abortively where the API can, each
   * attempt bounded by `deadlineMs` so one stuck close cannot hang the run.
   */
  async closeAll(deadlineMs = 1000): Promise<number> {
    const left = [...this.#open];
    this.#open.clear();
    await Promise.all(left.map((h) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const bounded = new Promise<void>((resolve) => timer = setTimeout(resolve, deadlineMs));
      const closing = Promise.resolve()
        .then(() => (h.abort ? h.abort() : h.close()))
        .catch(() => {});
      return Promise.race([closing, bounded]).finally(() => clearTimeout(timer));
    }));
    return left.length;
  }
}
