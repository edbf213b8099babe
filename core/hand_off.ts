/**
 * The hand-off kit, parent side: the message protocol between a process and
 * the child it hands sockets to (`handOff`), and a {@linkcode ChildProcess}
 * built on whatever channel an adapter has to its child. The adapter brings
 * the channel (node:net's IPC channel, a Unix socket carrying SCM_RIGHTS)
 * and the way a socket travels on it; the kit numbers the requests, matches
 * the replies, and fails every pending request once the child has exited.
 *
 * The child's side is `hand_off_child.ts`.
 *
 * @module
 */
import type { ChildProcess, Conn, HeldConn, HeldListener, Listener } from "./adapter.ts";
import { ApiMissingError, type RawError, SocketError, UNKNOWN } from "./errors.ts";

/** What a request tells the child to do with the socket it holds under `key`. */
export type HandOffOp = "hold" | "echoUpper" | "closeWrite" | "close" | "serve" | "accepted";

/** One instruction to the child. A `hold` request carries the socket handed over. */
export interface HandOffRequest {
  id: number;
  op: HandOffOp;
  /** The parent's number for the socket, chosen at `hold`. */
  key: number;
  /** What is handed over, at `hold`. */
  kind?: "conn" | "listener";
}

/** A failure in the child, as it travels: the SocketError's parts. */
export interface WireError {
  op: string;
  code: string;
  raw: RawError;
}

/** The child's answer to one request. */
export type HandOffReply =
  | { id: number; ok: true; value?: number }
  | { id: number; ok: false; error: WireError };

/** The child's first message: it is ready for sockets. */
export interface HandOffReady {
  ready: number;
}

/** How long a child may take to say it is ready before it is killed. */
export const CHILD_START_MS = 8000;

/** The channel to a child, as an adapter provides it. */
export interface ChildLink {
  readonly pid: number;
  /** Sends one request; for `hold`, with the socket's handle as the API hands it over. */
  post(request: HandOffRequest, handle?: unknown): Promise<void>;
  /** Sets the receiver of every message from the child (replies and the ready message). */
  onMessage(receive: (message: unknown) => void): void;
  /** Settles once the child has exited and the channel is closed, with how it ended (and what it wrote on stderr). */
  readonly exited: Promise<string>;
  /** SIGKILL. */
  kill(): void;
}

/** How the adapter finds the handle to hand over for one of its own sockets. */
export interface HandleOf {
  conn(conn: Conn): unknown;
  listener(listener: Listener): unknown;
}

/** A child's failure on the parent's side: its SocketError as it sent it. */
function fromWire(error: WireError): SocketError {
  return new SocketError(error.op, error.code, error.raw);
}

/** The failure of a request the child never answered because it exited. */
function exitedError(op: string, how: string): SocketError {
  return new SocketError(op, UNKNOWN, { class: "ChildExited", message: `the child ${how}` });
}

/**
 * Waits for the child's ready message; kills it if it exits first or takes
 * longer than {@linkcode CHILD_START_MS} (the wait is bounded for that alone).
 *
 * @example
 * ```ts
 * import { startChild, type ChildLink, type HandleOf } from "./hand_off.ts";
 * declare const link: ChildLink, handles: HandleOf;
 * const child = await startChild(link, handles);
 * await child.close();
 * ```
 */
export function startChild(link: ChildLink, handles: HandleOf): Promise<ChildProcess> {
  const child = new LinkedChild(link, handles);
  return new Promise((resolve, reject) => {
    const fail = (err: unknown) => {
      clearTimeout(timer);
      link.kill();
      link.exited.then(() => reject(err));
    };
    const message = `the child was not ready within ${CHILD_START_MS} ms`;
    const late = new SocketError("spawnChild", UNKNOWN, { class: "ChildNotReady", message });
    const timer = setTimeout(() => fail(late), CHILD_START_MS); // bounded start
    child.ready.then(() => {
      clearTimeout(timer);
      resolve(child);
    }, fail);
  });
}

/** A {@linkcode ChildProcess} over a {@linkcode ChildLink}. */
class LinkedChild implements ChildProcess {
  readonly pid: number;
  readonly ready: Promise<void>;
  #link: ChildLink;
  #handles: HandleOf;
  #pending = new Map<number, { op: string; resolve(value?: number): void; reject(err: unknown): void }>();
  #nextId = 1;
  #nextKey = 1;
  #exit?: string;
  #closed?: Promise<void>;

  constructor(link: ChildLink, handles: HandleOf) {
    this.pid = link.pid;
    this.#link = link;
    this.#handles = handles;
    let isReady: () => void = () => {};
    let notReady: (err: unknown) => void = () => {};
    this.ready = new Promise((resolve, reject) => [isReady, notReady] = [resolve, reject]);
    link.onMessage((message) => {
      if ((message as HandOffReady)?.ready !== undefined) return isReady();
      const reply = message as HandOffReply;
      const pending = this.#pending.get(reply?.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(fromWire(reply.error));
    });
    link.exited.then((how) => {
      this.#exit = how;
      notReady(exitedError("spawnChild", how));
      for (const { op, reject } of this.#pending.values()) reject(exitedError(op, how));
      this.#pending.clear();
    });
  }

  /** Whether the child has exited: its descriptors are closed. */
  get exited(): boolean {
    return this.#exit !== undefined;
  }

  /**
   * Sends a request and resolves with the child's answer. The promise is
   * marked handled: a case that stops waiting for it (its child killed at
   * the end) leaves no unhandled rejection behind.
   */
  request(op: HandOffOp, options: { key: number; kind?: "conn" | "listener"; handle?: unknown }): Promise<number | undefined> {
    const { key, kind, handle } = options;
    const id = this.#nextId++;
    const answered = new Promise<number | undefined>((resolve, reject) => {
      if (this.#exit !== undefined) return reject(exitedError(op, this.#exit));
      this.#pending.set(id, { op, resolve, reject });
      this.#link.post({ id, op, key, kind }, handle).catch((err) => {
        this.#pending.delete(id);
        reject(err);
      });
    });
    answered.catch(() => {});
    return answered;
  }

  async sendConn(conn: Conn): Promise<HeldConn> {
    const key = this.#nextKey++;
    await this.#hold({ key, kind: "conn", handle: this.#handles.conn(conn) });
    return new ChildConn(this, key);
  }

  async sendListener(listener: Listener): Promise<HeldListener> {
    const key = this.#nextKey++;
    await this.#hold({ key, kind: "listener", handle: this.#handles.listener(listener) });
    return new ChildListener(this, key);
  }

  /** A `hold` request; a socket the API dropped on the way is an API it lacks (passing handles), not a socket error. */
  async #hold(options: { key: number; kind: "conn" | "listener"; handle: unknown }): Promise<void> {
    try {
      await this.request("hold", options);
    } catch (err) {
      if (!(err instanceof SocketError) || err.raw.class !== "HandleDropped") throw err;
      throw new ApiMissingError(`passing a ${options.kind === "conn" ? "socket" : "server"} to a child (${err.raw.message})`);
    }
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      if (this.#exit === undefined) this.#link.kill();
      await this.#link.exited;
    })();
    return this.#closed;
  }
}

/** Closes the child's descriptor under `key`; a child that has exited closed its descriptors as it went. */
async function closeHeld(child: LinkedChild, key: number): Promise<void> {
  try {
    if (!child.exited) await child.request("close", { key });
  } catch (err) {
    if (!child.exited) throw err;
  }
}

class ChildConn implements HeldConn {
  #child: LinkedChild;
  #key: number;

  constructor(child: LinkedChild, key: number) {
    this.#child = child;
    this.#key = key;
  }

  async echoUpper(): Promise<number> {
    return (await this.#child.request("echoUpper", { key: this.#key })) ?? 0;
  }

  async closeWrite(): Promise<void> {
    await this.#child.request("closeWrite", { key: this.#key });
  }

  close(): Promise<void> {
    return closeHeld(this.#child, this.#key);
  }
}

class ChildListener implements HeldListener {
  #child: LinkedChild;
  #key: number;

  constructor(child: LinkedChild, key: number) {
    this.#child = child;
    this.#key = key;
  }

  async serve(): Promise<void> {
    await this.#child.request("serve", { key: this.#key });
  }

  async accepted(): Promise<number> {
    return (await this.#child.request("accepted", { key: this.#key })) ?? 0;
  }

  close(): Promise<void> {
    return closeHeld(this.#child, this.#key);
  }
}
