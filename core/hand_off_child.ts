/**
 * The hand-off kit, child side: what a child process started for
 * `handOff` does with the requests its parent sends (`hand_off.ts` has the
 * protocol). It adopts each socket handed to it through its own adapter,
 * and does only what it is told: echo a connection upper-cased, shut it
 * down, close it, serve a listener. It speaks first, once, to say it is
 * ready.
 *
 * @module
 */
import process from "node:process";
import type { Conn, Listener } from "./adapter.ts";
import { SocketError, toSocketError } from "./errors.ts";
import type { HandOffReady, HandOffReply, HandOffRequest, WireError } from "./hand_off.ts";

/** The channel to the parent, as the child's adapter provides it. */
export interface ParentLink {
  /** Sets the receiver of every request, with the handle the runtime gave with it (for `hold`). */
  onRequest(receive: (request: HandOffRequest, handle: unknown) => void): void;
  send(message: HandOffReply | HandOffReady): void;
}

/** How the child's adapter wraps a handle it received. */
export interface Adopt {
  conn(handle: unknown): Conn;
  listener(handle: unknown): Listener;
}

const encoder = new TextEncoder();

/**
 * Reads `conn` to EOF, writing back each complete line upper-cased (and
 * what is left after the last newline, at EOF), then closes it. Returns the
 * number of lines written back.
 */
export async function echoUpper(conn: Conn): Promise<number> {
  const decoder = new TextDecoder();
  let pending = "";
  let lines = 0;
  try {
    for (let chunk = await conn.read(); chunk !== null; chunk = await conn.read()) {
      pending += decoder.decode(chunk, { stream: true });
      const end = pending.lastIndexOf("\n") + 1;
      if (end === 0) continue;
      await conn.write(encoder.encode(pending.slice(0, end).toUpperCase()));
      lines += pending.slice(0, end).split("\n").length - 1;
      pending = pending.slice(end);
    }
    pending += decoder.decode();
    if (pending) await conn.write(encoder.encode(pending.toUpperCase()));
  } finally {
    await conn.close();
  }
  return lines;
}

/**
 * A `hold` request that arrived without its socket: the API delivered the
 * message and dropped the handle sent with it.
 */
export class HandleDropped extends Error {
  override name = "HandleDropped";
}

function toWire(err: unknown): WireError {
  const e = err instanceof SocketError ? err : toSocketError("child", err);
  return { op: e.op, code: e.code, raw: e.raw };
}

/** A listener the child holds, and how many connections it accepted on it. */
interface HeldListenerState {
  listener: Listener;
  accepted: number;
  serving: boolean;
}

/** Accepts until the listener ends, echoing each connection; counts them. */
async function serve(held: HeldListenerState): Promise<void> {
  for (let conn = await held.listener.accept(); conn !== null; conn = await held.listener.accept()) {
    held.accepted++;
    echoUpper(conn).catch(() => {});
  }
}

/** The sockets a child holds, by the parent's key. */
class Holdings {
  conns = new Map<number, Conn>();
  listeners = new Map<number, HeldListenerState>();

  conn(key: number): Conn {
    const conn = this.conns.get(key);
    if (!conn) throw new TypeError(`the child holds no connection ${key}`);
    return conn;
  }

  listener(key: number): HeldListenerState {
    const held = this.listeners.get(key);
    if (!held) throw new TypeError(`the child holds no listener ${key}`);
    return held;
  }
}

/** Carries out one request; its value is the reply's. */
async function perform(request: HandOffRequest, options: { handle: unknown; adopt: Adopt; held: Holdings }): Promise<number | undefined> {
  const { handle, adopt, held } = options;
  const { op, key, kind } = request;
  if (op === "hold") {
    // Where the API dropped the socket the message still arrives, without it.
    if (handle === undefined || handle === null) throw new HandleDropped("the message arrived without the socket sent with it");
    if (kind === "listener") held.listeners.set(key, { listener: adopt.listener(handle), accepted: 0, serving: false });
    else held.conns.set(key, adopt.conn(handle));
    return undefined;
  }
  if (op === "echoUpper") return await echoUpper(held.conn(key));
  if (op === "closeWrite") {
    const conn = held.conn(key);
    if (!conn.closeWrite) throw new TypeError("the adapter has no closeWrite");
    return void await conn.closeWrite();
  }
  if (op === "serve") {
    const state = held.listener(key);
    if (!state.serving) serve(state).catch(() => {});
    state.serving = true;
    return undefined;
  }
  if (op === "accepted") return held.listener(key).accepted;
  if (op === "close") {
    return void await (held.conns.has(key) ? held.conn(key).close() : held.listener(key).listener.close());
  }
  throw new TypeError(`unknown request ${String(op)}`);
}

/**
 * Serves the parent's requests over `link`, adopting handed sockets with
 * `adopt`; says it is ready first. Each request is answered once carried
 * out, in the order they finish.
 *
 * @example
 * ```ts
 * import { serveParent, type Adopt, type ParentLink } from "./hand_off_child.ts";
 * declare const link: ParentLink, adopt: Adopt;
 * serveParent(link, adopt);
 * ```
 */
export function serveParent(link: ParentLink, adopt: Adopt): void {
  const held = new Holdings();
  link.onRequest((request, handle) => {
    perform(request, { handle, adopt, held }).then(
      (value) => link.send({ id: request.id, ok: true, value }),
      (err) => link.send({ id: request.id, ok: false, error: toWire(err) }),
    );
  });
  link.send({ ready: process.pid });
}
