/**
 * The adapter for Bun's native socket API (`Bun.connect`, `Bun.listen`,
 * `Bun.udpSocket`), the `bun` column.
 *
 * Contract → Bun:
 * - tcp.connect → `Bun.connect({ hostname, port, allowHalfOpen: true, socket })`,
 *   settled by its promise (a refused connect has released its descriptor
 *   when the promise rejects)
 * - tcp.listen → `Bun.listen({ hostname, port, allowHalfOpen: true, ipv6Only, socket })`
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
 * - udp.bind → `Bun.udpSocket({ hostname, port, binaryType: "uint8array", socket })`
 *   (Bun throws or rejects on a failed bind; both become the SocketError)
 * - datagram address → `socket.address` (`{ address, family, port }`)
 * - send → `socket.send(data, port, address)`. It throws on an immediate
 *   failure (EMSGSIZE carries its errno); `false` means not sent and comes
 *   with no error, so the send rejects `UNKNOWN` with that `false` as raw
 * - receive → the `data(socket, data, port, address, flags)` handler, queued
 *   in arrival order; `flags.truncated` (MSG_TRUNC) becomes `truncated`,
 *   `flags.ipv6` the sender's family. Errors Bun reports later through the
 *   `error` handler (the ICMP and local errors it reads from the socket's
 *   error queue) take their place in the same queue, so the next receive
 *   rejects with them, once. The adapter does not raise them on a send: a
 *   send fails only where Bun's own `send` throws. Once this side closed the
 *   socket, `null`
 * - udp.openConnected → `Bun.udpSocket({ connect: { hostname, port }, socket })`
 *   (Bun connects a UDP socket only when creating it); send without `to` →
 *   `socket.send(data)` on it
 * - datagram close → `socket.close()` (releases the port before it returns)
 * - unix.connect → `Bun.connect({ unix: path, allowHalfOpen: true, socket })`
 * - unix.listen → `Bun.listen({ unix: path, allowHalfOpen: true, socket })`;
 *   connections and listeners as for TCP. Addresses are `{ hostname: "",
 *   port: 0, family: "Unix" }`; the listener's `path` is `listener.unix`,
 *   a connection's is left out because Bun reports no address for it
 *
 * `allowHalfOpen: true` is Bun's documented switch for half-closed TCP;
 * without it Bun closes the socket itself when the peer's FIN arrives.
 * `socket.end()` is not used: it flushes and then closes the descriptor,
 * it is not a half-close.
 *
 * Bun calls the UDP `error` handler as `error(err)` with the socket as
 * `this`, although its type declarations say `error(socket, err)`; the
 * handler below takes the error from whichever place holds it.
 * `ipv6Only` is declared on Bun's connect options, not its listen options,
 * yet `Bun.listen` applies it (IPV6_V6ONLY on the listening socket).
 *
 * Not offered: a listen backlog and cancelling a pending connect (Bun has
 * neither option); `connect()` on an existing UDP socket (re-creating the
 * bound socket connected would drop its queued datagrams and release its
 * port for a moment, an emulation, not connect(2): connected UDP is
 * `openConnected` instead); an unbound UDP
 * socket (`Bun.udpSocket` always binds, to an ephemeral port if none is
 * given); a caller-chosen receive buffer; Unix datagram sockets
 * (`Bun.udpSocket` is UDP only).
 *
 * @module
 */
import type { Socket, SocketHandler, SocketListener, TCPSocketListenOptions, udp } from "bun";
import type {
  Adapter,
  Address,
  Capability,
  Conn,
  ConnectOptions,
  Datagram,
  DatagramSocket,
  Endpoint,
  Listener,
  ListenOptions,
} from "../../core/adapter.ts";
import { SocketError, toSocketError } from "../../core/errors.ts";
import { NO_REPORTS } from "../../core/report_log.ts";
import { Queue } from "../_queue.ts";

function address(host: string | undefined, port: number | undefined, family?: string): Address {
  const fam = family === "IPv6" || (family === undefined && host?.includes(":")) ? "IPv6" : "IPv4";
  return { hostname: host ?? "", port: port ?? 0, family: fam };
}

/** A Unix-domain address; `path` only where Bun reported one. */
function unixAddress(path?: string): Address {
  return path === undefined
    ? { hostname: "", port: 0, family: "Unix" }
    : { hostname: "", port: 0, family: "Unix", path };
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
  readonly reports = NO_REPORTS;
  readonly localAddr: Address;
  readonly remoteAddr: Address;
  #socket: BunSocket;
  #events: Events;
  #closed: Promise<void>;
  /** Writes (and the FIN after them) go out in call order. */
  #writing: Promise<unknown> = Promise.resolve();

  constructor(socket: BunSocket, events: Events, unix = false) {
    this.#socket = socket;
    this.#events = events;
    // Bun reports no address for a Unix-domain connection.
    this.localAddr = unix ? unixAddress() : address(socket.localAddress, socket.localPort, socket.localFamily);
    this.remoteAddr = unix ? unixAddress() : address(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
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
  readonly reports = NO_REPORTS;
  readonly addr: Address;
  #server: SocketListener<Events>;
  #connections: Queue<Conn>;
  #stopped = false;

  constructor(server: SocketListener<Events>, connections: Queue<Conn>, addr: Address) {
    this.#server = server;
    this.#connections = connections;
    this.addr = addr;
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

/** Handlers for a listener; each accepted socket gets its own Events. */
function listenHandlers(connections: Queue<Conn>, unix: boolean): SocketHandler<Events> {
  return {
    ...connHandlers,
    open: (socket) => {
      socket.data = new Events();
      connections.push(new BunConn(socket, socket.data, unix));
    },
  };
}

/** What the UDP `data` and `error` handlers reported, in arrival order. */
type DatagramEvent = { datagram: Datagram } | { error: unknown };

type BunUdpSocket = udp.Socket<"uint8array">;

class BunDatagramSocket implements DatagramSocket {
  readonly reports = NO_REPORTS;
  #socket: BunUdpSocket;
  #events: Queue<DatagramEvent>;
  #closed = false;

  constructor(socket: BunUdpSocket, events: Queue<DatagramEvent>) {
    this.#socket = socket;
    this.#events = events;
  }

  address(): Address {
    const a = this.#socket.address;
    return address(a.address, a.port, a.family);
  }

  async send(data: Uint8Array, to?: Endpoint): Promise<void> {
    if (to !== undefined && "path" in to) throw new TypeError("Bun.udpSocket has no Unix-domain datagrams");
    let sent: boolean;
    try {
      // Without a destination: send() on a connected socket (Bun throws on an unconnected one).
      sent = to === undefined
        ? (this.#socket as unknown as udp.ConnectedSocket<"uint8array">).send(data)
        : this.#socket.send(data, to.port, to.hostname);
    } catch (err) {
      throw toSocketError("send", err);
    }
    // `false`: not sent, and Bun gives no error with it.
    if (!sent) throw toSocketError("send", sent);
  }

  async receive(): Promise<Datagram | null> {
    if (this.#closed) return null;
    const event = await this.#events.shift();
    if (event === null || this.#closed) return null;
    if ("error" in event) throw toSocketError("receive", event.error);
    return event.datagram;
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#socket.close();
      this.#events.end();
    }
    return Promise.resolve();
  }
}

const capabilities = new Set<Capability>(["halfClose", "abortiveClose", "ipv6Only", "udp", "udpConnect", "unixStream"]);

/** The UDP handlers: datagrams and later errors into one queue, in arrival order. */
function udpHandlers(events: Queue<DatagramEvent>) {
  return {
    data: (_socket: unknown, data: Uint8Array, port: number, host: string, flags?: { ipv6?: boolean; truncated?: boolean }) => {
      const from = address(host, port, flags?.ipv6 === undefined ? undefined : flags.ipv6 ? "IPv6" : "IPv4");
      const datagram: Datagram = { data: new Uint8Array(data), from };
      if (flags?.truncated !== undefined) datagram.truncated = flags.truncated;
      events.push({ datagram });
    },
    // Bun passes the error alone (the socket is `this`); its types say (socket, error).
    error: (...args: unknown[]) => events.push({ error: args.length > 1 ? args[1] : args[0] }),
  };
}

/**
 * The adapter for Bun's native socket API, `Bun.connect` / `Bun.listen` /
 * `Bun.udpSocket`: TCP with half-close, RST and IPV6_V6ONLY, UDP (connected at creation),
 * Unix-domain stream sockets.
 *
 * @example
 * ```ts
 * import { adapter } from "./adapter.ts";
 * const listener = await adapter.tcp.listen({ hostname: "127.0.0.1", port: 0 });
 * const conn = await adapter.tcp.connect(listener.addr);
 * await conn.close();
 * await listener.close();
 * ```
 */
export const adapter: Adapter = {
  api: "Bun.connect/Bun.listen/Bun.udpSocket",
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
      // Bun's types carry `ipv6Only` on the connect options only; Bun.listen applies it.
      const listenOptions: TCPSocketListenOptions<Events> & { ipv6Only?: boolean } = {
        hostname: options.hostname,
        port: options.port,
        allowHalfOpen: true,
        socket: listenHandlers(connections, false),
      };
      if (options.ipv6Only !== undefined) listenOptions.ipv6Only = options.ipv6Only;
      try {
        const server = Bun.listen<Events>(listenOptions);
        return Promise.resolve(new BunListener(server, connections, address(server.hostname, server.port)));
      } catch (err) {
        return Promise.reject(toSocketError("listen", err));
      }
    },
  },

  udp: {
    async bind(options: { hostname: string; port: number }): Promise<DatagramSocket> {
      const events = new Queue<DatagramEvent>();
      try {
        const socket = await Bun.udpSocket({
          hostname: options.hostname,
          port: options.port,
          binaryType: "uint8array",
          socket: udpHandlers(events),
        });
        return new BunDatagramSocket(socket, events);
      } catch (err) {
        throw toSocketError("bind", err);
      }
    },

    async openConnected(to: { hostname: string; port: number }): Promise<DatagramSocket> {
      const events = new Queue<DatagramEvent>();
      try {
        const socket = await Bun.udpSocket({
          binaryType: "uint8array",
          connect: { hostname: to.hostname, port: to.port },
          socket: udpHandlers(events),
        });
        return new BunDatagramSocket(socket as unknown as BunUdpSocket, events);
      } catch (err) {
        throw toSocketError("connect", err);
      }
    },
  },

  unix: {
    async connect(path: string): Promise<Conn> {
      const events = new Events();
      try {
        const socket = await Bun.connect<Events>({
          unix: path,
          allowHalfOpen: true,
          data: events,
          socket: connHandlers,
        });
        return new BunConn(socket, events, true);
      } catch (err) {
        throw toSocketError("connect", err);
      }
    },

    listen(path: string): Promise<Listener> {
      const connections = new Queue<Conn>();
      try {
        const server = Bun.listen<Events>({
          unix: path,
          allowHalfOpen: true,
          socket: listenHandlers(connections, true),
        });
        return Promise.resolve(new BunListener(server, connections, unixAddress(server.unix)));
      } catch (err) {
        return Promise.reject(toSocketError("listen", err));
      }
    },
  },
};
