/**
 * The adapter for Bun's native socket API (`Bun.connect` / `Bun.listen`),
 * the `bun` column. TCP only for now.
 *
 * Contract → Bun:
 * - tcp.connect → `Bun.connect({ hostname, port, allowHalfOpen: true, socket })`,
 *   settled by its promise (a refused connect has released its descriptor
 *   when the promise rejects)
 * - tcp.listen → `Bun.listen({ hostname, port, allowHalfOpen: true, socket })`
 * - accept → the listener's `open` handler, queued in arrival order; `null`
 *   after `listener.stop()`
 * - read → the `data` handler (Bun reads eagerly), `end` → EOF; `close` with an
 *   error → that error, without one → EOF
 * - write → `socket.write(data, offset, length)`, which returns the bytes
 *   taken; the rest is written when `drain` fires. -1 (closed or shut down)
 *   carries no error: the write rejects with the error Bun gave with `close`
 *   if any, else with what `write` returned (`UNKNOWN`)
 * - closeWrite → `socket.shutdown()` (shutdown(SHUT_WR)), after earlier writes
 * - close → `socket.close()` (close(2)), settled by the `close` handler
 * - abort → `socket.terminate()` (SO_LINGER 0, then close(2): RST)
 * - listener.close → `listener.stop()` (without `true`, which would also
 *   close the accepted connections)
 *
 * `allowHalfOpen: true` is Bun's documented switch for half-closed TCP;
 * without it Bun closes the socket itself when the peer's FIN arrives.
 * `socket.end()` is not used: it flushes and then closes the descriptor,
 * it is not a half-close.
 *
 * Bun has no listen backlog option and no way to cancel a pending connect,
 * so `listenBacklog` and `connectAbort` are not declared.
 *
 * @module
 */
import type { Socket, SocketHandler, TCPSocketListener } from "bun";
import type { Address, Adapter, Capability, Conn, ConnectOptions, Listener, ListenOptions } from "../../core/adapter.ts";
import { SocketError, toSocketError } from "../../core/errors.ts";
import { Queue } from "../_queue.ts";

function address(host: string | undefined, port: number | undefined, family?: string): Address {
  const fam = family === "IPv6" || (family === undefined && host?.includes(":")) ? "IPv6" : "IPv4";
  return { hostname: host ?? "", port: port ?? 0, family: fam };
}

/** What Bun's shared handlers report for one socket; kept as the socket's `data`. */
class Events {
  incoming = new Queue<Uint8Array>();
  /** The error Bun gave with `close` or `error`, raw. */
  error: unknown;
  closed = false;
  #onClose: (() => void)[] = [];
  #onDrain: (() => void)[] = [];

  whenClosed(fn: () => void): void {
    if (this.closed) fn();
    else this.#onClose.push(fn);
  }

  waitDrain(fn: () => void): void {
    this.#onDrain.push(fn);
  }

  drain(): void {
    for (const fn of this.#onDrain.splice(0)) fn();
  }

  close(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (error) {
      this.error ??= error;
      this.incoming.fail(toSocketError("read", error));
    } else {
      this.incoming.end();
    }
    for (const fn of [...this.#onDrain.splice(0), ...this.#onClose.splice(0)]) fn();
  }
}

type BunSocket = Socket<Events>;

/** Handlers shared by every socket; the per-socket state is `socket.data`. */
const connHandlers: SocketHandler<Events> = {
  // Bun may reuse the buffer it hands over: copy it.
  data: (socket, chunk) => socket.data.incoming.push(new Uint8Array(chunk)),
  end: (socket) => socket.data.incoming.end(),
  drain: (socket) => socket.data.drain(),
  close: (socket, error) => socket.data.close(error),
  error: (socket, error) => {
    socket.data.error ??= error;
    socket.data.incoming.fail(toSocketError("read", error));
  },
};

class BunConn implements Conn {
  readonly localAddr: Address;
  readonly remoteAddr: Address;
  #socket: BunSocket;
  #events: Events;
  #closed: Promise<void>;
  /** Writes (and the FIN after them) go out in call order. */
  #writing: Promise<unknown> = Promise.resolve();

  constructor(socket: BunSocket, events: Events) {
    this.#socket = socket;
    this.#events = events;
    this.localAddr = address(socket.localAddress, socket.localPort, socket.localFamily);
    this.remoteAddr = address(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
    this.#closed = new Promise((resolve) => events.whenClosed(resolve));
  }

  read(): Promise<Uint8Array | null> {
    return this.#events.incoming.shift();
  }

  write(data: Uint8Array): Promise<void> {
    const done = this.#writing.then(() => this.#writeAll(data));
    this.#writing = done.catch(() => {});
    return done;
  }

  #writeAll(data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      let offset = 0;
      const step = () => {
        while (offset < data.byteLength) {
          let n: number;
          try {
            n = this.#socket.write(data, offset, data.byteLength - offset);
          } catch (err) {
            return reject(toSocketError("write", err));
          }
          if (n < 0 || (n === 0 && this.#events.closed)) return this.#fail(reject, n);
          if (n === 0) return this.#events.waitDrain(step);
          offset += n;
        }
        resolve();
      };
      step();
    });
  }

  /** A write that cannot complete: the socket's own error if Bun gave one, else what Bun gave. */
  #fail(reject: (e: SocketError) => void, given: unknown): void {
    reject(toSocketError("write", this.#events.error ?? given));
  }

  closeWrite(): Promise<void> {
    const done = this.#writing.then(() => {
      try {
        this.#socket.shutdown();
      } catch (err) {
        throw toSocketError("closeWrite", err);
      }
    });
    this.#writing = done.catch(() => {});
    return done;
  }

  close(): Promise<void> {
    if (!this.#events.closed) this.#socket.close();
    return this.#closed;
  }

  abort(): Promise<void> {
    if (!this.#events.closed) this.#socket.terminate();
    return this.#closed;
  }
}

class BunListener implements Listener {
  readonly addr: Address;
  #server: TCPSocketListener<Events>;
  #connections: Queue<Conn>;
  #stopped = false;

  constructor(server: TCPSocketListener<Events>, connections: Queue<Conn>) {
    this.#server = server;
    this.#connections = connections;
    this.addr = address(server.hostname, server.port);
  }

  accept(): Promise<Conn | null> {
    return this.#connections.shift();
  }

  close(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      // stop() closes the listening descriptor before it returns.
      this.#server.stop();
      this.#connections.end();
    }
    return Promise.resolve();
  }
}

const capabilities = new Set<Capability>(["halfClose", "abortiveClose"]);

/** The adapter for Bun's native TCP API, `Bun.connect` / `Bun.listen`. */
export const adapter: Adapter = {
  api: "Bun.connect/Bun.listen",
  capabilities,
  tcp: {
    async connect(options: ConnectOptions): Promise<Conn> {
      const events = new Events();
      try {
        const socket = await Bun.connect<Events>({
          hostname: options.hostname,
          port: options.port,
          allowHalfOpen: true,
          data: events,
          socket: connHandlers,
        });
        return new BunConn(socket, events);
      } catch (err) {
        throw toSocketError("connect", err);
      }
    },

    listen(options: ListenOptions): Promise<Listener> {
      const connections = new Queue<Conn>();
      try {
        const server = Bun.listen<Events>({
          hostname: options.hostname,
          port: options.port,
          allowHalfOpen: true,
          socket: {
            ...connHandlers,
            open: (socket) => {
              socket.data = new Events();
              connections.push(new BunConn(socket, socket.data));
            },
          },
        });
        return Promise.resolve(new BunListener(server, connections));
      } catch (err) {
        return Promise.reject(toSocketError("listen", err));
      }
    },
  },
};
