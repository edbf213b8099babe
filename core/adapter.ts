/**
 * The adapter contract: a small socket vocabulary at the level a JavaScript
 * runtime exposes BSD sockets. An adapter measures; it never shapes:
 *
 * - **Reads are pulled.** It takes bytes from the runtime only while a
 *   `read()` is pending, through the API's own flow control (node:net paused
 *   mode or its async iterator, Bun `socket.pause()`/`resume()`, Deno
 *   `read()`), and holds at most the one chunk the runtime handed it. What
 *   the runtime itself reads ahead of the kernel is the runtime's behaviour.
 * - **No adapter-made outcomes.** It never settles an operation the runtime
 *   did not settle: ending its own queue on close is not the runtime
 *   settling a pending accept. Where the API has no such operation, the
 *   capability (`acceptOnDemand`, `pendingRead`, `pendingReceive`) is
 *   absent and the case is `unsupported`.
 * - **Every report visible.** A failure the runtime reports on a channel of
 *   its own (an `error` event or handler) is added to that socket's
 *   {@linkcode ReportLog}; one failure reported twice (a throw and an
 *   `error` handler) stays two reports. An operation rejects only with the
 *   error the runtime gave that operation.
 * - No emulated half-close, no retries, no parsed messages, no synthesized
 *   codes. Every failure is thrown as a {@linkcode SocketError}.
 *
 * @module
 */
import type { SocketError } from "./errors.ts";
import type { SocketsApi } from "./sockets_api.ts";

/** An endpoint as the runtime reports it. */
export interface Address {
  /** Numeric host as reported, e.g. `127.0.0.1`, `::1`, `::ffff:127.0.0.1`; `""` for Unix. */
  hostname: string;
  /** 0 for Unix-domain sockets. */
  port: number;
  /** `IPv4` or `IPv6` as the runtime reports it (or derived from the hostname); `Unix` for a path. */
  family: "IPv4" | "IPv6" | "Unix";
  /** The socket file's path, for Unix-domain sockets (`""` when unnamed). */
  path?: string;
}

/** Where to send or connect: an IP host and port, or a Unix socket path. */
export type Endpoint = { hostname: string; port: number } | { path: string };

/**
 * Optional abilities an API may lack. A case that requires one the adapter
 * does not declare is reported `unsupported`, never `fail`.
 */
export type Capability =
  /**
   * A TCP listener: `tcp.listen`, and the cases whose column side listens or
   * accepts. Client-only APIs (the WinterTC sockets API) have no listener.
   */
  | "tcpListen"
  /**
   * The WinterTC sockets API itself (`Adapter.socketsApi`): the
   * specification's own semantics, beyond the BSD-socket contract.
   */
  | "socketsApi"
  /** `shutdown(SHUT_WR)`: send FIN and keep reading. */
  | "halfClose"
  /** Close with SO_LINGER 0, sending RST. */
  | "abortiveClose"
  /** Abort a pending connect through the API's own means (AbortSignal, cancel). */
  | "connectAbort"
  /** Choose the listen backlog. */
  | "listenBacklog"
  /** UDP sockets. */
  | "udp"
  /**
   * Connected UDP: `connect()` on a UDP socket (`DatagramSocket.connect`), or
   * a socket created connected (`UdpApi.openConnected`) where that is the
   * API's only way.
   */
  | "udpConnect"
  /** Choose the receive buffer so truncation (MSG_TRUNC) can be observed. */
  | "udpRecvBuffer"
  /** A UDP socket that is not bound until its first send (implicit bind). */
  | "udpUnbound"
  /**
   * A UDP socket opened with no listener of the adapter's on the API's own
   * error channel (`UdpBindOptions.errorListener: false`): what the API does
   * with a failure nobody listens for is then its own. APIs with no such
   * channel (every failure is an operation's result) have it as is.
   */
  | "udpNoErrorListener"
  /** SO_BROADCAST: `DatagramSocket.setBroadcast`. */
  | "udpBroadcast"
  /** IP_ADD_MEMBERSHIP: `DatagramSocket.joinGroup` (IPv4 multicast). */
  | "udpMulticast"
  /** IP_TTL on outgoing datagrams: `DatagramSocket.setTtl`. */
  | "udpTtl"
  /** IP_RECVTTL: a socket bound with `recvTtl` reports each datagram's TTL (`Datagram.ttl`). */
  | "udpRecvTtl"
  /** SO_REUSEPORT before bind: `UdpBindOptions.reusePort`. */
  | "udpReusePort"
  /** connect() with AF_UNSPEC, which dissolves a UDP association: `DatagramSocket.disconnect`. */
  | "udpDisconnect"
  /** Unix-domain stream sockets. */
  | "unixStream"
  /** Unix-domain datagram sockets. */
  | "unixDgram"
  /** IPV6_V6ONLY on a listener. */
  | "ipv6Only"
  /** IPV6_V6ONLY on a UDP socket, set before it binds. */
  | "udpIpv6Only"
  /** SO_REUSEPORT on a listener, set before it binds: listeners sharing one port. */
  | "reusePort"
  /** Linux abstract Unix socket names (a leading NUL byte): no file in any directory. */
  | "unixAbstract"
  /**
   * An idle timeout in milliseconds on a connection, whose firing the
   * runtime reports (node:net `setTimeout` and its `timeout` event). A
   * JavaScript contract: the kernel has no idle timer.
   */
  | "idleTimeout"
  /** The runtime counts a connection's bytes read and written (node:net `bytesRead`, `bytesWritten`). */
  | "byteCounters"
  /** TCP_NODELAY on a connection, both ways: `Conn.setNoDelay`. */
  | "noDelay"
  /**
   * SO_KEEPALIVE on a connection together with the idle time before the
   * first probe (TCP_KEEPIDLE): `Conn.setKeepAlive`. An API that turns
   * keep-alive on but cannot choose that time lacks it.
   */
  | "keepAlive"
  /** SO_RCVBUF and SO_SNDBUF on a UDP socket: `DatagramSocket.setRecvBufferSize`, `setSendBufferSize`. */
  | "udpBufferSizes"
  /**
   * The API accepts only when asked: a listener with no accept pending
   * leaves completed connections in the kernel's queue, and an accept can be
   * pending (Deno `listener.accept()`, libc `accept`). node:net and Bun
   * accept on readiness and hand connections over as events.
   */
  | "acceptOnDemand"
  /** A read is an operation of the API that can be pending (Deno `conn.read()`, node:net's async iterator). */
  | "pendingRead"
  /** A receive is an operation of the API that can be pending (Deno `conn.receive()`); not datagram events. */
  | "pendingReceive"
  /**
   * A connection or listener can be handed to a child process running the
   * same adapter in the same runtime (`Adapter.handOff`): node:net's
   * `child.send(message, socket)`, libc's SCM_RIGHTS over a Unix socket.
   */
  | "handOff";

/**
 * A failure the runtime reported on a channel of its own rather than as the
 * result of an operation: an `error` event, an `error` handler call.
 */
export interface Report {
  /** The channel in the API's own words, e.g. `"error" event`, `error handler`. */
  channel: string;
  error: SocketError;
}

/** How many times the runtime reported an event that carries no error (an idle timeout). */
export interface EventCount {
  /** The reports so far. */
  readonly count: number;
  /** Resolves once at least `count` reports have been made. */
  reached(count: number): Promise<void>;
}

/** Every {@linkcode Report} the runtime made for one socket, in order. */
export interface ReportLog {
  /** The reports so far. */
  readonly list: readonly Report[];
  /** Resolves once at least `count` reports have been made. */
  reached(count: number): Promise<void>;
}

/** One TCP (or Unix stream) connection. */
export interface Conn {
  readonly localAddr: Address;
  readonly remoteAddr: Address;
  /**
   * The next bytes received, in the runtime's own chunking; `null` at EOF
   * (the peer's FIN) or where the runtime ends its stream once this side has
   * closed. Rejects with a SocketError (e.g. ECONNRESET). What a read gives
   * after this side's close is the runtime's answer, never the adapter's.
   */
  read(): Promise<Uint8Array | null>;
  /**
   * Writes every byte; resolves once the runtime has handed them all to the
   * kernel (so a peer that does not read holds the writer back).
   */
  write(data: Uint8Array): Promise<void>;
  /** `shutdown(SHUT_WR)`. Present only with the `halfClose` capability. */
  closeWrite?(): Promise<void>;
  /** `close()`. Resolves once the descriptor is released. Idempotent. */
  close(): Promise<void>;
  /** SO_LINGER 0 then close (RST). Present only with `abortiveClose`. */
  abort?(): Promise<void>;
  /** Failures the runtime reported for this connection outside an operation's result. */
  readonly reports: ReportLog;
  /**
   * Sets the runtime's idle timeout to `ms` (0 disables it). Present only
   * with `idleTimeout`; the adapter relays the runtime's timer, never runs
   * one of its own.
   */
  setIdleTimeout?(ms: number): void;
  /** Every time the runtime reported the idle timeout firing (`idleTimeout`). */
  readonly idleTimeouts?: EventCount;
  /** The runtime's own count of this connection's bytes (`byteCounters`). */
  byteCounts?(): { read: number; written: number };
  /**
   * setsockopt(TCP_NODELAY): `true` turns Nagle's algorithm off, `false`
   * on again (`noDelay`). Resolves once the runtime has made the call.
   */
  setNoDelay?(on: boolean): Promise<void>;
  /**
   * setsockopt(SO_KEEPALIVE) and, when turning it on, the idle time before
   * the first probe, in milliseconds as the APIs take it (TCP_KEEPIDLE is in
   * whole seconds) (`keepAlive`).
   */
  setKeepAlive?(on: boolean, initialDelayMs: number): Promise<void>;
}

/** A listening TCP (or Unix stream) socket. */
export interface Listener {
  readonly addr: Address;
  /**
   * The next completed connection, in the order the runtime hands them over.
   * Resolves `null` where the runtime ends its stream of connections, or
   * rejects with the runtime's error; never settled by the adapter itself.
   */
  accept(): Promise<Conn | null>;
  /** Stops listening. Resolves once the descriptor is released. Idempotent. */
  close(): Promise<void>;
  /** Failures the runtime reported for this listener outside an operation's result. */
  readonly reports: ReportLog;
}

export interface ConnectOptions {
  /**
   * A numeric IPv4 or IPv6 address, or a host name. The adapter passes it to
   * the API unchanged; a name is looked up by the API itself (node:net by
   * `dns.lookup`, getaddrinfo; Deno and Bun by their own lookups; the libc
   * adapter by getaddrinfo, trying each address in its order as UNP 11.12's
   * tcp_connect does). A failed lookup rejects with getaddrinfo's error name
   * (`EAI_NONAME`, `EAI_AGAIN`, ...). Cases use names only inside the lab,
   * whose own names files answer them (lab/names.ts).
   */
  hostname: string;
  port: number;
  /** Aborts a pending connect; only with the `connectAbort` capability. */
  signal?: AbortSignal;
}

export interface ListenOptions {
  /** A numeric address, a wildcard, or a host name passed to the API unchanged (as for {@linkcode ConnectOptions}). */
  hostname: string;
  /** 0 asks the kernel for an ephemeral port. */
  port: number;
  /** Only with the `listenBacklog` capability. */
  backlog?: number;
  /** IPV6_V6ONLY; only with the `ipv6Only` capability. */
  ipv6Only?: boolean;
  /** SO_REUSEPORT; only with the `reusePort` capability. */
  reusePort?: boolean;
  /**
   * SO_REUSEADDR before bind(): may bind a port whose only other users are
   * in TIME_WAIT. Where the API has no such option the adapter passes
   * nothing (runtimes that set it on every listener do so anyway: measured
   * by `tcp.options.reuseaddr-listener`).
   */
  reuseAddress?: boolean;
}

export interface TcpApi {
  connect(options: ConnectOptions): Promise<Conn>;
  listen(options: ListenOptions): Promise<Listener>;
}

/** One datagram received, with the sender's address (recvfrom). */
export interface Datagram {
  data: Uint8Array;
  from: Address;
  /**
   * `true` when the API reported that the datagram was larger than the
   * buffer and was cut (MSG_TRUNC); `false` when it reported it was not;
   * absent when the API does not say.
   */
  truncated?: boolean;
  /**
   * The TTL of the IP header the datagram arrived with (IP_RECVTTL), on a
   * socket bound with `recvTtl` (`udpRecvTtl`); absent otherwise.
   */
  ttl?: number;
}

/** A UDP or Unix datagram socket. */
export interface DatagramSocket {
  /** The socket's own address now (getsockname): it changes with an implicit bind. */
  address(): Address;
  /**
   * sendto(): one datagram to `to`; without `to`, send() on a connected
   * socket (`udpConnect`). Resolves once the runtime handed it to the kernel.
   */
  send(data: Uint8Array, to?: Endpoint): Promise<void>;
  /**
   * recvfrom(): the next datagram. `bufferSize` chooses the receive buffer
   * (`udpRecvBuffer`). Rejects with a SocketError (ECONNREFUSED on a connected
   * socket after an ICMP port unreachable) the runtime gave this receive;
   * resolves `null` where the runtime ends its stream once this side closed.
   */
  receive(options?: { bufferSize?: number }): Promise<Datagram | null>;
  /** connect(): fixes the peer (`udpConnect`). */
  connect?(to: Endpoint): Promise<void>;
  /**
   * connect() with an address of family AF_UNSPEC: dissolves the
   * association, so the socket sends to any address and receives from any
   * sender again (`udpDisconnect`).
   */
  disconnect?(): Promise<void>;
  /** setsockopt(SO_BROADCAST): whether sends to a broadcast address are allowed (`udpBroadcast`). */
  setBroadcast?(on: boolean): Promise<void>;
  /**
   * setsockopt(IP_ADD_MEMBERSHIP): joins the IPv4 multicast `group` on the
   * interface that has the address `interface` (`udpMulticast`). Left when
   * the socket closes.
   */
  joinGroup?(membership: { group: string; interface: string }): Promise<void>;
  /** setsockopt(IP_TTL): the TTL of the datagrams this socket sends (`udpTtl`). */
  setTtl?(ttl: number): Promise<void>;
  /** setsockopt(SO_RCVBUF): the receive buffer's size in bytes, as the program asks it (`udpBufferSizes`). */
  setRecvBufferSize?(bytes: number): Promise<void>;
  /** setsockopt(SO_SNDBUF): the send buffer's size in bytes, as the program asks it (`udpBufferSizes`). */
  setSendBufferSize?(bytes: number): Promise<void>;
  /** Resolves once the descriptor is released. Idempotent. */
  close(): Promise<void>;
  /** Failures the runtime reported for this socket outside an operation's result (e.g. ICMP errors as `error` events). */
  readonly reports: ReportLog;
}

/** How to open a bound UDP socket. */
export interface UdpBindOptions {
  hostname: string;
  /** 0 asks the kernel for an ephemeral port. */
  port: number;
  /** SO_REUSEPORT before bind(); only with `udpReusePort`. */
  reusePort?: boolean;
  /** IP_RECVTTL, so each datagram received reports its TTL; only with `udpRecvTtl`. */
  recvTtl?: boolean;
  /**
   * `false`: the adapter attaches nothing to the API's own error channel
   * (node's `error` event, Bun's `error` handler), as a program that
   * registers no handler would; the socket's `reports` then stays empty.
   * Only with `udpNoErrorListener`. A failure the API raises as an uncaught
   * exception instead ends the process unless something catches it.
   */
  errorListener?: boolean;
  /** IPV6_V6ONLY, set before bind; only with the `udpIpv6Only` capability. */
  ipv6Only?: boolean;
}

export interface UdpApi {
  /** A socket bound to `hostname:port` (port 0: ephemeral). */
  bind(options: UdpBindOptions): Promise<DatagramSocket>;
  /** A socket not bound yet, for `family` (`udpUnbound`). */
  open?(options: { family: "IPv4" | "IPv6" }): Promise<DatagramSocket>;
  /**
   * socket() + connect(): a new socket connected to `to`, bound implicitly
   * (`udpConnect`, for APIs that connect a UDP socket only when creating it).
   */
  openConnected?(to: { hostname: string; port: number }): Promise<DatagramSocket>;
}

export interface UnixApi {
  /** Connects a stream socket to `path` (`unixStream`). */
  connect(path: string): Promise<Conn>;
  /** Listens on a new socket file at `path` (`unixStream`). */
  listen(path: string): Promise<Listener>;
  /** A datagram socket bound to `path` (`unixDgram`). */
  bindDatagram?(path: string): Promise<DatagramSocket>;
}

/**
 * A child process the adapter started, running the same adapter in the same
 * runtime, to which a connection or listener can be handed (`handOff`).
 * After a hand-off the socket has a descriptor in each process: one socket,
 * two descriptors (UNP 4.8, 4.9). The child does nothing with what it holds
 * until told; each instruction is a message it answers once it has acted.
 * It dies with this process (its channel to it ends).
 */
export interface ChildProcess {
  /** The child's process id. */
  readonly pid: number;
  /**
   * Hands `conn` to the child, which gets a descriptor of its own for the
   * same socket; this process keeps its own until it closes it. Resolves
   * once the child holds it.
   */
  sendConn(conn: Conn): Promise<HeldConn>;
  /** Hands `listener` to the child in the same way. */
  sendListener(listener: Listener): Promise<HeldListener>;
  /**
   * Kills the child (SIGKILL) and resolves once it has exited and the
   * channel to it is closed: its descriptors close with it. Idempotent.
   */
  close(): Promise<void>;
}

/** The child's descriptor of a connection handed to it. */
export interface HeldConn {
  /**
   * The child reads the connection and writes each line back upper-cased
   * (UNP 5.2's echo server, upper-casing so the reply is told from the
   * request); at EOF it closes its descriptor. Resolves with the number of
   * lines echoed once it has; rejects with the child's error.
   */
  echoUpper(): Promise<number>;
  /** `shutdown(SHUT_WR)` through the child's descriptor. */
  closeWrite(): Promise<void>;
  /** `close()` of the child's descriptor; resolves at once if the child has exited (it closed with it). */
  close(): Promise<void>;
}

/** The child's descriptor of a listener handed to it. */
export interface HeldListener {
  /**
   * The child accepts on its descriptor and echoes every connection it
   * accepts as {@linkcode HeldConn.echoUpper} does, until its descriptor is
   * closed. Resolves once it has started.
   */
  serve(): Promise<void>;
  /** How many connections the child has accepted on its descriptor so far. */
  accepted(): Promise<number>;
  /** `close()` of the child's descriptor; resolves at once if the child has exited (it closed with it). */
  close(): Promise<void>;
}

/** Handing sockets to another process (`handOff`). */
export interface HandOffApi {
  /**
   * Starts a child process running this adapter in this runtime. Resolves
   * once it is ready for a socket; rejects (having killed it) if it exits
   * or is not ready within a bounded time.
   */
  spawnChild(): Promise<ChildProcess>;
}

/**
 * What a socket API offers, translated to the contract.
 *
 * @example
 * ```ts
 * import type { Adapter } from "./adapter.ts";
 * declare const adapter: Adapter;
 * const listener = await adapter.tcp.listen({ hostname: "127.0.0.1", port: 0 });
 * const conn = await adapter.tcp.connect(listener.addr);
 * await conn.close();
 * await listener.close();
 * ```
 */
export interface Adapter {
  /** The socket API, e.g. `node:net`, `Deno.connect/Deno.listen`. */
  readonly api: string;
  /** What the adapter can express beyond plain TCP. */
  readonly capabilities: ReadonlySet<Capability>;
  readonly tcp: TcpApi;
  /** Present with the `udp` capability. */
  readonly udp?: UdpApi;
  /** Present with `unixStream` or `unixDgram`. */
  readonly unix?: UnixApi;
  /** Present with `handOff`. */
  readonly handOff?: HandOffApi;
  /** Present with `socketsApi`: the WinterTC sockets API as the runtime offers it, unchanged. */
  readonly socketsApi?: SocketsApi;
  /**
   * The kernel reference: runtime-level cases (a pending promise settles)
   * state a JavaScript contract the kernel has no counterpart for, so they
   * are `unsupported` on it.
   */
  readonly reference?: boolean;
}
