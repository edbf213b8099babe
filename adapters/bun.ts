/**
 * The adapter for Bun's native socket API (`Bun.connect`, `Bun.listen`,
 * `Bun.udpSocket`), the `bun` column.
 *
 * Contract → Bun:
 * - tcp.connect → `Bun.connect({ hostname, port, allowHalfOpen: true, socket })`,
 *   settled by its promise (a refused connect has released its descriptor
 *   when the promise rejects). A host name goes to Bun unchanged: Bun looks
 *   it up itself. Bun's `ENOTFOUND` (node's code for a name with no
 *   address, with c-ares' number as `errno`) is EAI_NONAME, as for node:net
 * - tcp.listen → `Bun.listen({ hostname, port, allowHalfOpen: true, ipv6Only, reusePort, socket })`
 * - accept → the listener's `open` handler. Bun accepts on readiness and
 *   hands each connection to `open`; the adapter keeps them in arrival order
 *   until asked. Bun has no accept operation, so no `acceptOnDemand`, and it
 *   reports nothing when its listener stops: an accept pending (or asked for
 *   later, with none handed over) stays pending
 * - read → pulled through Bun's flow control: every socket is paused with
 *   `socket.pause()` in its `open` handler; a `read()` with nothing held
 *   calls `socket.resume()`, and the `data` handler pauses the socket again
 *   as soon as a chunk arrives with no other read waiting. A chunk Bun hands
 *   over while no read is pending (Bun's own doing, after `pause()`) is held
 *   for the next read. `end` → EOF; `close` with an error, or an `error`
 *   handler call, → that error; `close` without one → EOF. These are Bun's
 *   reports, and they end a pending read; the adapter's own `close()` never
 *   does (Bun calls `close` when it has closed the socket). Bun has no
 *   pending read operation: no `pendingRead`
 * - write → `socket.write(data, offset, length)`, which returns the bytes
 *   taken; the rest is written when `drain` (or `close`) fires. -1 (closed or
 *   shut down) comes with no error: the write rejects `UNKNOWN` with that -1
 *   as raw
 * - closeWrite → `socket.shutdown()` (shutdown(SHUT_WR)), after earlier writes
 * - close → `socket.close()` (close(2)), settled by the `close` handler
 * - abort → `socket.terminate()` (SO_LINGER 0, then close(2): RST)
 * - setNoDelay → `socket.setNoDelay(on)`; setKeepAlive →
 *   `socket.setKeepAlive(on, initialDelayMs)`. Each returns whether it
 *   succeeded: `false` comes with no error and rejects `UNKNOWN` with that
 *   `false` as raw
 * - reports (connection) → every `error` handler call (channel `error
 *   handler`) and every `close` handler call that carries an error (channel
 *   `close handler`), each once, beside ending the read stream
 * - listener.close → `listener.stop()` (without `true`, which would also
 *   close the accepted connections); a listener has no report channel
 * - udp.bind → `Bun.udpSocket({ hostname, port, binaryType: "uint8array", socket })`
 *   (Bun throws or rejects on a failed bind; both become the SocketError)
 * - datagram address → `socket.address` (`{ address, family, port }`)
 * - send → `socket.send(data, port, address)`. It throws on an immediate
 *   failure (EMSGSIZE carries its errno) and the send rejects with that;
 *   `false` means not sent and comes with no error, so the send rejects
 *   `UNKNOWN` with that `false` as raw
 * - receive → the `data(socket, data, port, address, flags)` handler. Bun
 *   reads datagrams on readiness and has no pause for UDP, so the adapter
 *   keeps what it hands over, in arrival order; `flags.truncated`
 *   (MSG_TRUNC) becomes `truncated`, `flags.ipv6` the sender's family.
 *   Once Bun says the socket is closed (`socket.closed`), `null`; a receive
 *   pending when this side closes stays pending (Bun reports nothing): no
 *   `pendingReceive`
 * - reports (datagram socket) → every `error` handler call (channel `error
 *   handler`): the ICMP and local errors Bun reads from the socket's error
 *   queue, and failures it also threw from `send` (EMSGSIZE: two reports of
 *   one failure, kept two). They reject no receive and no send
 * - udp.bind with `errorListener: false` → the same, with no `error`
 *   handler: what Bun does with an error nobody handles is Bun's (it
 *   raises it as an uncaught exception); `reports` stays empty
 * - setBroadcast → `socket.setBroadcast(on)`; setTtl → `socket.setTTL(ttl)`;
 *   joinGroup → `socket.addMembership(group, interface)`. Each throws on
 *   failure; a `false` from addMembership comes with no error and rejects
 *   `UNKNOWN` with that `false` as raw
 * - udp.openConnected → `Bun.udpSocket({ connect: { hostname, port }, socket })`
 *   (Bun connects a UDP socket only when creating it); send without `to` →
 *   `socket.send(data)` on it
 * - datagram close → `socket.close()` (releases the port before it returns)
 * - unix.connect → `Bun.connect({ unix: path, allowHalfOpen: true, socket })`;
 *   a path with a leading NUL is an abstract name, which Bun passes on (Linux)
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
 * `ipv6Only` and `reusePort` are declared on Bun's connect options, not its
 * listen options, yet `Bun.listen` applies them (IPV6_V6ONLY, SO_REUSEPORT
 * on the listening socket).
 *
 * Not offered: a listen backlog and cancelling a pending connect (Bun has
 * neither option); `connect()` on an existing UDP socket (re-creating the
 * bound socket connected would drop its queued datagrams and release its
 * port for a moment, an emulation, not connect(2): connected UDP is
 * `openConnected` instead); an unbound UDP
 * socket (`Bun.udpSocket` always binds, to an ephemeral port if none is
 * given); disconnecting a connected UDP socket (no such method);
 * SO_REUSEPORT on UDP (`Bun.udpSocket` has no `reusePort` option: measured,
 * it is ignored and a second bind fails EADDRINUSE); IPV6_V6ONLY on a UDP
 * socket (no such option: measured, an `ipv6Only: true` is ignored and IPv4
 * datagrams still arrive); IP_RECVTTL; a caller-chosen receive buffer; SO_RCVBUF and SO_SNDBUF
 * on a UDP socket (`Bun.udpSocket` has no such options or methods); Unix
 * datagram sockets
 * (`Bun.udpSocket` is UDP only); pending accept, read and receive
 * operations (above); an idle timeout in milliseconds (`socket.timeout()`
 * takes whole seconds: measured, `timeout(0.2)` never fires and
 * `timeout(1)` fires after 4 s); byte counters (a Socket has
 * `bytesWritten` but no `bytesRead`).
 *
 * @module
 */
import type { Socket, SocketHandler, SocketListener, udp } from "bun";
import type { Adapter, Address, Conn, Datagram, DatagramSocket, Endpoint, Listener, ReportLog } from "../core/adapter.ts";
import { ipAddress, unixAddress } from "../core/address.ts";
import { closeOnce } from "../core/close_once.ts";
import { SocketError, toSocketError } from "../core/errors.ts";
import { Queue } from "../core/queue.ts";
import { NO_REPORTS, Reports } from "../core/report_log.ts";
import { attempt } from "../core/settle.ts";

/** Bun's code for a name lookup that found no address, as node's (see the header). */
const BUN_CODES: Readonly<Record<string, string>> = { ENOTFOUND: "EAI_NONAME" };

type Reader = { resolve: (chunk: Uint8Array | null) => void; reject: (err: SocketError) => void };

/**
 * What Bun's handlers report for one connection, kept as the socket's
 * `data`; reads are pulled from it.
 */
class Stream {
  readonly reports = new Reports();
  socket: BunSocket | undefined;
  closed = false;
  /** Chunks Bun handed over while no read was pending. */
  #held: Uint8Array[] = [];
  #readers: Reader[] = [];
  /** How Bun ended the stream: EOF (`null`) or an error. */
  #ended: { error: SocketError | null } | undefined;
  #onClose: (() => void)[] = [];
  #onDrain: (() => void)[] = [];

  /** Bun's `open`: no bytes are taken until a read asks for them. */
  open(socket: BunSocket): void {
    this.socket = socket;
    socket.pause();
  }

  read(): Promise<Uint8Array | null> {
    const chunk = this.#held.shift();
    if (chunk) return Promise.resolve(chunk);
    if (this.#ended) {
      const { error } = this.#ended;
      return error ? Promise.reject(error) : Promise.resolve(null);
    }
    return new Promise((resolve, reject) => {
      this.#readers.push({ resolve, reject });
      if (this.#readers.length === 1) this.socket?.resume();
    });
  }

  /** Bun's `data`: to the waiting read, else held; paused again unless another read waits. */
  data(chunk: Uint8Array): void {
    // Bun may reuse the buffer it hands over: copy it.
    const copy = new Uint8Array(chunk);
    const reader = this.#readers.shift();
    if (reader) reader.resolve(copy);
    else this.#held.push(copy);
    if (this.#readers.length === 0) this.socket?.pause();
  }

  /** Bun's `end`, `close` or `error`: the first of them ends the stream. */
  end(error: SocketError | null): void {
    if (this.#ended) return;
    this.#ended = { error };
    for (const r of this.#readers.splice(0)) error ? r.reject(error) : r.resolve(null);
  }

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

  /** Bun's `close`: the stream ends, waiting writes learn it from their next write. */
  close(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    if (error) this.reports.add("close handler", toSocketError("close", error));
    this.end(error ? toSocketError("read", error) : null);
    for (const fn of [...this.#onDrain.splice(0), ...this.#onClose.splice(0)]) fn();
  }
}

type BunSocket = Socket<Stream>;

/** Handlers shared by every socket; the per-socket state is `socket.data`. */
const connHandlers: SocketHandler<Stream> = {
  open: (socket) => socket.data.open(socket),
  data: (socket, chunk) => socket.data.data(chunk),
  end: (socket) => socket.data.end(null),
  drain: (socket) => socket.data.drain(),
  close: (socket, error) => socket.data.close(error),
  error: (socket, error) => {
    socket.data.reports.add("error handler", toSocketError("error", error));
    socket.data.end(toSocketError("read", error));
  },
};

class BunConn implements Conn {
  readonly localAddr: Address;
  readonly remoteAddr: Address;
  #socket: BunSocket;
  #stream: Stream;
  #closed: Promise<void>;
  /** Writes (and the FIN after them) go out in call order. */
  #writing: Promise<unknown> = Promise.resolve();

  constructor(socket: BunSocket, stream: Stream, unix = false) {
    this.#socket = socket;
    this.#stream = stream;
    // Bun reports no address for a Unix-domain connection.
    this.localAddr = unix ? unixAddress() : ipAddress(socket.localAddress, socket.localPort, socket.localFamily);
    this.remoteAddr = unix ? unixAddress() : ipAddress(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
    this.#closed = new Promise((resolve) => stream.whenClosed(resolve));
  }

  get reports(): Reports {
    return this.#stream.reports;
  }

  read(): Promise<Uint8Array | null> {
    return this.#stream.read();
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
          // What Bun returned is all it said about this write (-1: closed or shut down).
          if (n < 0 || (n === 0 && this.#stream.closed)) return reject(toSocketError("write", n));
          if (n === 0) return this.#stream.waitDrain(step);
          offset += n;
        }
        resolve();
      };
      step();
    });
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
    if (!this.#stream.closed) this.#socket.close();
    return this.#closed;
  }

  abort(): Promise<void> {
    if (!this.#stream.closed) this.#socket.terminate();
    return this.#closed;
  }

  setNoDelay(on: boolean): Promise<void> {
    return succeeded("setNoDelay", () => this.#socket.setNoDelay(on));
  }

  setKeepAlive(on: boolean, initialDelayMs: number): Promise<void> {
    return succeeded("setKeepAlive", () => this.#socket.setKeepAlive(on, initialDelayMs));
  }
}

/** A Bun call that returns whether it succeeded: its throw is the failure, and so is a `false`, which Bun gives no error with. */
function succeeded(op: string, call: () => unknown): Promise<void> {
  return attempt(op, () => {
    const result = call();
    if (result === false) throw toSocketError(op, result);
  });
}

class BunListener implements Listener {
  /** Bun's listener has no handler of its own for failures. */
  readonly reports = NO_REPORTS;
  readonly addr: Address;
  #server: SocketListener<Stream>;
  #connections: Queue<Conn>;

  constructor(server: SocketListener<Stream>, connections: Queue<Conn>, addr: Address) {
    this.#server = server;
    this.#connections = connections;
    this.addr = addr;
  }

  /** The next connection Bun handed to `open`; Bun reports no end of them, so none is made up. */
  accept(): Promise<Conn | null> {
    return this.#connections.shift();
  }

  // stop() closes the listening descriptor before it returns.
  close = closeOnce(() => Promise.resolve(this.#server.stop()));
}

/** Handlers for a listener; each accepted socket gets its own Stream. */
function listenHandlers(connections: Queue<Conn>, unix: boolean): SocketHandler<Stream> {
  return {
    ...connHandlers,
    open: (socket) => {
      socket.data = new Stream();
      socket.data.open(socket);
      connections.push(new BunConn(socket, socket.data, unix));
    },
  };
}

type BunUdpSocket = udp.Socket<"uint8array">;

class BunDatagramSocket implements DatagramSocket {
  readonly reports: ReportLog;
  #socket: BunUdpSocket;
  #datagrams: Queue<Datagram>;

  constructor(socket: BunUdpSocket, datagrams: Queue<Datagram>, reports: ReportLog) {
    this.#socket = socket;
    this.#datagrams = datagrams;
    this.reports = reports;
  }

  address(): Address {
    const a = this.#socket.address;
    return ipAddress(a.address, a.port, a.family);
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

  /** The next datagram Bun handed to `data`; `null` once Bun says the socket is closed. */
  receive(): Promise<Datagram | null> {
    return this.#socket.closed ? Promise.resolve(null) : this.#datagrams.shift();
  }

  setBroadcast(on: boolean): Promise<void> {
    return this.#option("setBroadcast", () => this.#socket.setBroadcast(on));
  }

  joinGroup(membership: { group: string; interface: string }): Promise<void> {
    return this.#option("joinGroup", () => this.#socket.addMembership(membership.group, membership.interface));
  }

  setTtl(ttl: number): Promise<void> {
    return this.#option("setTtl", () => this.#socket.setTTL(ttl));
  }

  /** A socket option call: its throw is the failure; `false` is a failure Bun gave no error for. */
  #option(op: string, call: () => unknown): Promise<void> {
    return succeeded(op, call);
  }

  close(): Promise<void> {
    if (!this.#socket.closed) this.#socket.close();
    return Promise.resolve();
  }
}

/**
 * The UDP handlers: datagrams in arrival order, and every `error` handler
 * call as a report; with `reports` absent, no `error` handler at all.
 */
function udpHandlers(datagrams: Queue<Datagram>, reports?: Reports) {
  return {
    data: (_socket: unknown, data: Uint8Array, port: number, host: string, flags?: { ipv6?: boolean; truncated?: boolean }) => {
      const from = ipAddress(host, port, flags?.ipv6 === undefined ? undefined : flags.ipv6 ? "IPv6" : "IPv4");
      const datagram: Datagram = { data: new Uint8Array(data), from };
      if (flags?.truncated !== undefined) datagram.truncated = flags.truncated;
      datagrams.push(datagram);
    },
    // Bun passes the error alone (the socket is `this`); its types say (socket, error).
    ...reports && {
      error: (...args: unknown[]) => reports.add("error handler", toSocketError("error", args.length > 1 ? args[1] : args[0])),
    },
  };
}

/** Opens a UDP socket through `open` with the adapter's handlers (without its `error` handler if `errorListener` is false). */
async function udpSocket(
  op: string,
  open: (handlers: ReturnType<typeof udpHandlers>) => Promise<unknown>,
  errorListener = true,
): Promise<DatagramSocket> {
  const datagrams = new Queue<Datagram>();
  const reports = errorListener ? new Reports() : undefined;
  try {
    const socket = await open(udpHandlers(datagrams, reports));
    return new BunDatagramSocket(socket as BunUdpSocket, datagrams, reports ?? NO_REPORTS);
  } catch (err) {
    throw toSocketError(op, err);
  }
}

/** What every connect gives `Bun.connect` besides the address: the handlers and the socket's state. */
type ConnectBase = { allowHalfOpen: true; data: Stream; socket: SocketHandler<Stream> };

/** A connection `start`ed with the adapter's handlers and a fresh Stream. */
async function connect(unix: boolean, start: (base: ConnectBase) => Promise<BunSocket>): Promise<Conn> {
  const stream = new Stream();
  try {
    return new BunConn(await start({ allowHalfOpen: true, data: stream, socket: connHandlers }), stream, unix);
  } catch (err) {
    throw toSocketError("connect", err, BUN_CODES);
  }
}

/** A listener `start`ed with the adapter's handlers; its address as Bun reports it. */
function listen<L extends SocketListener<Stream>>(
  unix: boolean,
  start: (socket: SocketHandler<Stream>) => L,
  addressOf: (server: L) => Address,
): Promise<Listener> {
  const connections = new Queue<Conn>();
  return attempt("listen", () => {
    const server = start(listenHandlers(connections, unix));
    return new BunListener(server, connections, addressOf(server));
  }, BUN_CODES);
}

/**
 * The adapter for Bun's native socket API, `Bun.connect` / `Bun.listen` /
 * `Bun.udpSocket`: TCP with half-close, RST and IPV6_V6ONLY, UDP (connected at creation),
 * Unix-domain stream sockets.
 *
 * @example
 * ```ts
 * import { adapter } from "./bun.ts";
 * const listener = await adapter.tcp.listen({ hostname: "127.0.0.1", port: 0 });
 * const conn = await adapter.tcp.connect(listener.addr);
 * await conn.close();
 * await listener.close();
 * ```
 */
export const adapter: Adapter = {
  api: "Bun.connect/Bun.listen/Bun.udpSocket",
  capabilities: new Set([
    "tcpListen",
    "halfClose",
    "abortiveClose",
    "ipv6Only",
    "reusePort",
    "udp",
    "udpConnect",
    "udpNoErrorListener",
    "udpBroadcast",
    "udpMulticast",
    "udpTtl",
    "unixStream",
    "unixAbstract",
    "noDelay",
    "keepAlive",
  ]),
  tcp: {
    connect: ({ hostname, port }) => connect(false, (base) => Bun.connect<Stream>({ hostname, port, ...base })),
    listen: ({ hostname, port, ipv6Only, reusePort }) => {
      // Bun's types carry `ipv6Only` and `reusePort` on the connect options only; Bun.listen applies them.
      const options = { ...ipv6Only === undefined ? {} : { ipv6Only }, ...reusePort === undefined ? {} : { reusePort } };
      const start = (socket: SocketHandler<Stream>) => Bun.listen<Stream>({ hostname, port, allowHalfOpen: true, socket, ...options });
      return listen(false, start, (server) => ipAddress(server.hostname, server.port));
    },
  },
  udp: {
    bind: ({ hostname, port, errorListener }) =>
      udpSocket("bind", (socket) => Bun.udpSocket({ hostname, port, binaryType: "uint8array", socket }), errorListener ?? true),
    openConnected: ({ hostname, port }) =>
      udpSocket("connect", (socket) => Bun.udpSocket({ binaryType: "uint8array", connect: { hostname, port }, socket })),
  },
  unix: {
    connect: (path) => connect(true, (base) => Bun.connect<Stream>({ unix: path, ...base })),
    listen: (path) =>
      listen(true, (socket) => Bun.listen<Stream>({ unix: path, allowHalfOpen: true, socket }), (server) => unixAddress(server.unix)),
  },
};
