/**
 * The adapter for Deno's native socket API, used by the `deno` column.
 *
 * Contract → Deno:
 * - tcp.connect → `Deno.connect({ hostname, port, transport: "tcp", signal })`;
 *   a host name goes to Deno unchanged, and Deno looks it up itself (its
 *   permissions name each host: deno.json lists the lab's names). A failed
 *   lookup is a plain `Error` with no class or code: UNKNOWN
 * - tcp.listen with a host name → `Deno.listen` with the name, unchanged
 * - tcp.listen → `Deno.listen({ hostname, port, transport: "tcp", tcpBacklog, reusePort })`
 *   (`reusePort` is unstable: `--unstable-net`)
 * - accept → `listener.accept()`; once this side closed the listener, Deno
 *   rejects the pending accept (`Interrupted`) and later ones (`BadResource`):
 *   those rejections are what the accept gives
 * - read → `conn.read(buf)` into a 64 KiB buffer, Deno's ordinary way (it
 *   reads only when asked); its `null` is EOF. Once this side closed the
 *   connection, Deno rejects a pending read (`Interrupted`) and a later one
 *   (`BadResource`), and so does the read
 * - write → `conn.write(bytes)` repeated until every byte is taken: Deno's
 *   write may take part of the buffer and returns how much it took
 * - closeWrite → `conn.closeWrite()` (shutdown(SHUT_WR))
 * - close → `conn.close()`, once (Deno throws `BadResource` on a second close).
 *   Deno issues shutdown(SHUT_WR) before close(2), so the peer sees a FIN
 *   even where the close then sends RST (unread data): a finding, kept as is
 * - setNoDelay → `conn.setNoDelay(on)` (`Deno.TcpConn`, synchronous: its
 *   throw is the failure)
 * - listener.close → `listener.close()`, once
 * - close of a connection, listener or datagram socket resolves once the
 *   reads, accepts or receives pending on it have settled: Deno releases the
 *   descriptor only when its cancelled operations let go of it
 * - udp.bind → `Deno.listenDatagram({ transport: "udp", hostname, port })`
 *   (unstable: needs `--unstable-net`). `errorListener: false` changes
 *   nothing: Deno reports failures only as operations' results
 * - joinGroup → `conn.joinMulticastV4(group, interface)` (IP_ADD_MEMBERSHIP)
 * - datagram address → `conn.addr` (fixed at bind)
 * - send → `conn.send(bytes, { transport: "udp", hostname, port })`, or
 *   `{ transport: "unixpacket", path }` for a path
 * - receive → `conn.receive()`, or `conn.receive(new Uint8Array(bufferSize))`
 *   when a buffer size is given; `[data, addr]` becomes `{ data, from }`.
 *   Deno returns the first `bufferSize` bytes of a longer datagram and says
 *   nothing of the cut, so `truncated` is left absent. Once this side
 *   closed the socket, Deno rejects a pending receive (`Interrupted`) and a
 *   later one (`BadResource`), and so does the receive
 * - datagram close → `conn.close()`, once
 * - unix.connect → `Deno.connect({ transport: "unix", path })`; a path
 *   with a leading NUL is an abstract name, which Deno passes on (Linux)
 * - unix.listen → `Deno.listen({ transport: "unix", path })`; connections
 *   and listeners as for TCP, addresses `{ hostname: "", port: 0, family:
 *   "Unix", path }` (Deno's `null` path of an unnamed socket becomes `""`)
 * - unix.bindDatagram → `Deno.listenDatagram({ transport: "unixpacket", path })`
 *   (a SOCK_DGRAM socket on Linux, despite the name; unstable as above)
 *
 * Not offered: abortive close (Deno has no SO_LINGER / RST primitive),
 * IPV6_V6ONLY (Deno.listen and Deno.listenDatagram have no such option), `connect()` on a UDP socket
 * (DatagramConn has no connect), hence no disconnect, a UDP socket left
 * unbound until its first send (Deno.listenDatagram always binds),
 * SO_BROADCAST and IP_TTL (no such options; a membership's `setTTL` is
 * IP_MULTICAST_TTL), IP_RECVTTL, and SO_REUSEPORT on UDP (listenDatagram's
 * `reuseAddress` sets SO_REUSEADDR only: measured, a second socket bound
 * with it takes every datagram), an idle timeout and byte counters
 * (Deno.Conn has neither), keep-alive with an initial delay
 * (`TcpConn.setKeepAlive(on)` takes no delay: it sets SO_KEEPALIVE alone
 * and leaves TCP_KEEPIDLE at net.ipv4.tcp_keepalive_time, so the idle time
 * the program asks for cannot be expressed), SO_RCVBUF and SO_SNDBUF on a
 * UDP socket (DatagramConn has no such options).
 *
 * Errors keep Deno's own `.code` where it gives one (it sets the errno name
 * for OS errors); the class table below is the fallback for errors that
 * carry only their class.
 *
 * @module
 */
import type { Adapter, Address, Conn, Datagram, DatagramSocket, Endpoint, Listener } from "../core/adapter.ts";
import { ipAddress, unixAddress } from "../core/address.ts";
import { closeOnce } from "../core/close_once.ts";
import { ApiMissingError, toSocketError } from "../core/errors.ts";
import { NO_REPORTS } from "../core/report_log.ts";
import { attempt } from "../core/settle.ts";

/**
 * Deno error classes whose errno is one-to-one by Deno's own definition
 * (each comes from a single Rust `io::ErrorKind`, which Deno maps back to
 * exactly this errno name). Left out on purpose: `PermissionDenied` (EACCES
 * or EPERM), `WouldBlock` (EAGAIN or EWOULDBLOCK), `Interrupted` and
 * `BadResource` (Deno also raises them for its own cancellation and closed
 * resources), `NetworkUnreachable` (Deno gives no errno for the class itself).
 */
const DENO_ERROR_CLASSES: Readonly<Record<string, string>> = {
  ConnectionRefused: "ECONNREFUSED",
  ConnectionReset: "ECONNRESET",
  ConnectionAborted: "ECONNABORTED",
  NotConnected: "ENOTCONN",
  AddrInUse: "EADDRINUSE",
  AddrNotAvailable: "EADDRNOTAVAIL",
  BrokenPipe: "EPIPE",
  TimedOut: "ETIMEDOUT",
};

const READ_SIZE = 64 * 1024;

/** An asynchronous Deno call whose rejection (or throw) becomes a SocketError. */
async function call<T>(op: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw toSocketError(op, err, DENO_ERROR_CLASSES);
  }
}

/** A synchronous Deno call whose throw becomes a rejected SocketError. */
function callSync<T>(op: string, operation: () => T): Promise<T> {
  return attempt(op, operation, DENO_ERROR_CLASSES);
}

function address(addr: Deno.Addr): Address {
  switch (addr.transport) {
    case "tcp":
    case "udp":
      return ipAddress(addr.hostname, addr.port);
    case "unix":
    case "unixpacket":
      return unixAddress(addr.path ?? "");
    default:
      throw new TypeError(`unexpected address transport ${JSON.stringify(addr.transport)}`);
  }
}

/**
 * The operations pending on one resource. Deno's close cancels them, and the
 * descriptor is released once each has let go of it.
 */
class Pending {
  #ops = new Set<Promise<unknown>>();

  track<T>(op: Promise<T>): Promise<T> {
    this.#ops.add(op);
    const forget = () => this.#ops.delete(op);
    op.then(forget, forget);
    return op;
  }

  async settled(): Promise<void> {
    await Promise.allSettled([...this.#ops]);
  }
}

/** Closes a Deno resource once (Deno throws `BadResource` on a second close), then waits for its pending operations. */
function closeResource(resource: { close(): void }, pending: Pending): () => Promise<void> {
  return closeOnce(async () => {
    await callSync("close", () => resource.close());
    await pending.settled();
  });
}

class DenoConn implements Conn {
  readonly reports = NO_REPORTS;
  readonly localAddr: Address;
  readonly remoteAddr: Address;
  readonly close: () => Promise<void>;
  #conn: Deno.Conn;
  #reads = new Pending();

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
    this.localAddr = address(conn.localAddr);
    this.remoteAddr = address(conn.remoteAddr);
    this.close = closeResource(conn, this.#reads);
  }

  async read(): Promise<Uint8Array | null> {
    // A buffer per read: a second read may be pending on the same connection.
    const buf = new Uint8Array(READ_SIZE);
    const n = await call("read", () => this.#reads.track(this.#conn.read(buf)));
    return n === null ? null : buf.slice(0, n);
  }

  write(data: Uint8Array): Promise<void> {
    return call("write", async () => {
      let written = 0;
      while (written < data.length) written += await this.#conn.write(data.subarray(written));
    });
  }

  closeWrite(): Promise<void> {
    return call("closeWrite", () => this.#conn.closeWrite());
  }

  setNoDelay(on: boolean): Promise<void> {
    // Only a TCP connection (Deno.TcpConn) has it.
    const conn = this.#conn as Partial<Deno.TcpConn>;
    if (typeof conn.setNoDelay !== "function") return Promise.reject(new ApiMissingError("Deno.TcpConn.setNoDelay"));
    return callSync("setNoDelay", () => conn.setNoDelay!(on));
  }
}

class DenoListener implements Listener {
  readonly reports = NO_REPORTS;
  readonly addr: Address;
  readonly close: () => Promise<void>;
  #listener: Deno.Listener;
  #accepts = new Pending();

  constructor(listener: Deno.Listener) {
    this.#listener = listener;
    this.addr = address(listener.addr);
    this.close = closeResource(listener, this.#accepts);
  }

  async accept(): Promise<Conn | null> {
    return new DenoConn(await call("accept", () => this.#accepts.track(this.#listener.accept())));
  }
}

/** Deno's address for a datagram's destination. */
function destination(to: Endpoint): Deno.Addr {
  return "path" in to
    ? { transport: "unixpacket", path: to.path }
    : { transport: "udp", hostname: to.hostname, port: to.port };
}

class DenoDatagramSocket implements DatagramSocket {
  readonly reports = NO_REPORTS;
  readonly close: () => Promise<void>;
  #conn: Deno.DatagramConn;
  #receives = new Pending();

  constructor(conn: Deno.DatagramConn) {
    this.#conn = conn;
    this.close = closeResource(conn, this.#receives);
  }

  address(): Address {
    return address(this.#conn.addr);
  }

  async send(data: Uint8Array, to?: Endpoint): Promise<void> {
    // No connect on a DatagramConn, so every send names its destination.
    if (to === undefined) throw new TypeError("send without a destination needs udpConnect, which Deno lacks");
    await call("send", () => this.#conn.send(data, destination(to)));
  }

  async receive(options?: { bufferSize?: number }): Promise<Datagram | null> {
    const buf = options?.bufferSize === undefined ? undefined : new Uint8Array(options.bufferSize);
    const [data, from] = await call("receive", () => this.#receives.track(this.#conn.receive(buf)));
    return { data, from: address(from) };
  }

  async joinGroup(membership: { group: string; interface: string }): Promise<void> {
    // The membership object only leaves or tunes the group; closing the socket leaves it.
    await call("joinGroup", () => this.#conn.joinMulticastV4(membership.group, membership.interface));
  }
}

/**
 * The adapter for Deno's native socket API (`Deno.connect`, `Deno.listen`,
 * `Deno.listenDatagram`). Capabilities: half-close (`conn.closeWrite`),
 * connect abort (the `signal` option), the listen backlog (`tcpBacklog`),
 * UDP with a caller-chosen receive buffer, Unix stream and datagram sockets.
 *
 * @example
 * ```ts
 * import { adapter } from "./deno.ts";
 * const listener = await adapter.tcp.listen({ hostname: "127.0.0.1", port: 0 });
 * const conn = await adapter.tcp.connect(listener.addr);
 * await conn.close();
 * await listener.close();
 * ```
 */
export const adapter: Adapter = {
  api: "Deno.connect/Deno.listen/Deno.listenDatagram",
  capabilities: new Set([
    "tcpListen",
    "halfClose",
    "connectAbort",
    "listenBacklog",
    "reusePort",
    "udp",
    "udpRecvBuffer",
    // Deno has no error channel: every failure is an operation's result.
    "udpNoErrorListener",
    "udpMulticast",
    "unixStream",
    "unixDgram",
    "unixAbstract",
    "acceptOnDemand",
    "pendingRead",
    "pendingReceive",
    "noDelay",
  ]),
  tcp: {
    connect: async ({ hostname, port, signal }) =>
      new DenoConn(await call("connect", () => Deno.connect({ hostname, port, transport: "tcp", signal }))),
    listen: ({ hostname, port, backlog, reusePort }) =>
      callSync(
        "listen",
        () => new DenoListener(Deno.listen({ hostname, port, transport: "tcp", tcpBacklog: backlog, reusePort })),
      ),
  },
  udp: {
    bind: ({ hostname, port }) =>
      callSync("bind", () => new DenoDatagramSocket(Deno.listenDatagram({ transport: "udp", hostname, port }))),
  },
  unix: {
    connect: async (path) => new DenoConn(await call("connect", () => Deno.connect({ transport: "unix", path }))),
    listen: (path) => callSync("listen", () => new DenoListener(Deno.listen({ transport: "unix", path }))),
    bindDatagram: (path) =>
      callSync("bind", () => new DenoDatagramSocket(Deno.listenDatagram({ transport: "unixpacket", path }))),
  },
};
