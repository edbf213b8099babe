/**
 * A runtime's call as the contract's promise, every failure a
 * `SocketError`: a synchronous call settles with what it returned
 * or threw, a callback call with what the runtime called back with. Nothing
 * is retried and nothing is added: the promise settles when, and as, the
 * runtime says.
 *
 * @module
 */
import { toSocketError } from "./errors.ts";

/**
 * A synchronous call as a promise: its result resolves it, its throw
 * rejects it as a SocketError (through `classTable`, as in
 * {@linkcode toSocketError}).
 *
 * @example
 * ```ts
 * import { attempt } from "./settle.ts";
 * const closing = attempt("close", () => { throw Object.assign(new Error("bad"), { code: "EBADF" }); });
 * await closing.catch((e) => e.code); // "EBADF"
 * ```
 */
export function attempt<T>(op: string, call: () => T, classTable?: Readonly<Record<string, string>>): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (err) {
    return Promise.reject(toSocketError(op, err, classTable));
  }
}

/** The callback a callback API calls once the operation is done: with an error, or with none. */
export type Done = (err?: Error | null) => void;

/**
 * A call to a callback API (node's `socket.write(data, cb)`) as a promise:
 * `start` makes the call and hands the runtime `done`. It resolves when the
 * runtime calls back without an error, and rejects with the callback's
 * error, or with what the call itself threw, as a SocketError.
 *
 * @example
 * ```ts
 * import net from "node:net";
 * import { viaCallback } from "./settle.ts";
 * declare const socket: net.Socket;
 * await viaCallback("write", (done) => socket.write(new Uint8Array([1]), done));
 * ```
 */
export function viaCallback(op: string, start: (done: Done) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      start((err) => err ? reject(toSocketError(op, err)) : resolve());
    } catch (err) {
      reject(toSocketError(op, err));
    }
  });
}
