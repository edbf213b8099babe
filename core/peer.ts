/**
 * The reference peer's contract, as a case sees it: the other end of a
 * connection, run by the kernel adapter (libc) in a process of its own, and
 * the kernel's view of its sockets and of the column's own. A case whose
 * `sides` is `column+peer` gets one as `ctx.peer`; `peer/` implements it.
 *
 * Every socket operation is the adapter contract's (core/adapter.ts), so a
 * body drives the peer as it drives the column. Beyond it:
 * - the peer's own sockets: `inq` / `outq` (SIOCINQ / SIOCOUTQ: bytes
 *   unread, bytes unacknowledged), `tcpInfo` (TCP_INFO), `soError` (SO_ERROR);
 * - the column's own sockets: `columnSocket({ local, remote? })` finds one
 *   by its endpoints and reads what the runtime set and holds (pidfd_getfd
 *   and getsockopt; the `peerColumnView` fixture says whether it may).
 *
 * @module
 */
import type { Adapter, Conn, DatagramSocket, Listener } from "./adapter.ts";

/** Whether the column's own sockets can be read, and if not, why. */
export type ViewStatus = { ok: true } | { ok: false; reason: string };

/** What the peer says once it runs. */
export interface PeerReady {
  /** The peer process's id. */
  pid: number;
  /** Whether the column's own sockets can be read (pidfd_getfd), and if not, why. */
  columnView: ViewStatus;
  /** From the spawn to the peer's first line, in ms. */
  startMs: number;
}

/**
 * The peer cannot be had here (it cannot start: no Deno binary, no
 * permission to run it), or the column's socket view cannot (no permission,
 * an old kernel): a case turns this into `skipped`, with the reason.
 *
 * @example
 * ```ts
 * import { UnavailableError } from "./peer.ts";
 * const err = new UnavailableError("pidfd_getfd: EPERM");
 * err.message; // "unavailable: pidfd_getfd: EPERM"
 * ```
 */
export class UnavailableError extends Error {
  override name = "UnavailableError";
  constructor(readonly reason: string) {
    super(`unavailable: ${reason}`);
  }
}

/**
 * A TCP socket's state as the kernel keeps it: the fields of
 * `struct tcp_info` without their `tcpi_` prefix, in camel case; times in
 * microseconds (`rto`, `rtt`) or milliseconds (`lastDataSent`) as the
 * kernel gives them. On a listening socket the kernel reuses two fields:
 * `unacked` is the number of connections waiting for accept() and `sacked`
 * the accept queue's limit (the backlog after the somaxconn clamp).
 */
export interface TcpInfo {
  /** `ESTABLISHED`, `LISTEN`, `CLOSE_WAIT`, ... */
  state: string;
  caState: number;
  /** Retransmissions of the current unacknowledged segment (timeouts in a row). */
  retransmits: number;
  /** Zero-window probes or keepalive probes sent without an answer. */
  probes: number;
  backoff: number;
  /** TCPI_OPT_* bits: 1 timestamps, 2 SACK, 4 window scaling, 8 ECN, ... */
  options: number;
  sndWscale: number;
  rcvWscale: number;
  rto: number;
  ato: number;
  sndMss: number;
  rcvMss: number;
  unacked: number;
  sacked: number;
  lost: number;
  retrans: number;
  lastDataSent: number;
  lastDataRecv: number;
  lastAckRecv: number;
  pmtu: number;
  rcvSsthresh: number;
  rtt: number;
  rttvar: number;
  sndSsthresh: number;
  sndCwnd: number;
  advmss: number;
  reordering: number;
  rcvRtt: number;
  rcvSpace: number;
  totalRetrans: number;
  bytesAcked?: number;
  bytesReceived?: number;
  segsOut?: number;
  segsIn?: number;
  /** Bytes written but not yet sent. */
  notsentBytes?: number;
  minRtt?: number;
  dataSegsIn?: number;
  dataSegsOut?: number;
  delivered?: number;
  bytesSent?: number;
  bytesRetrans?: number;
  /** The peer's advertised receive window after scaling, in bytes. */
  sndWnd?: number;
  /** This side's advertised receive window after scaling, in bytes. */
  rcvWnd?: number;
}

/** Socket options the column-socket view reads, by their C names. */
export type SocketOptionName =
  | "SO_REUSEADDR"
  | "SO_REUSEPORT"
  | "SO_KEEPALIVE"
  | "SO_BROADCAST"
  | "SO_RCVBUF"
  | "SO_SNDBUF"
  | "IP_RECVERR"
  | "TCP_NODELAY"
  | "TCP_KEEPIDLE"
  | "TCP_KEEPINTVL"
  | "TCP_KEEPCNT"
  | "IPV6_V6ONLY"
  | "IPV6_RECVERR";

/**
 * The options of one socket as getsockopt reads them (ints: 0/1 for flags,
 * bytes for buffers, seconds for keepalive times). Only the options that
 * apply to the socket's kind are present: `TCP_*` on TCP sockets, `IPV6_*`
 * on IPv6 sockets.
 */
export type SocketOptions = Partial<Record<SocketOptionName, number>>;

/** A listening socket's accept queue, from TCP_INFO (the figures `ss -lt` shows). */
export interface Backlog {
  /** The queue's limit: the backlog passed to listen(), clamped to net.core.somaxconn. */
  limit: number;
  /** Connections completed and waiting for accept(). */
  queued: number;
}

/** How a case names one of the column's sockets. */
export interface ColumnSocketQuery {
  /** `tcp` by default. */
  protocol?: "tcp" | "udp";
  /** The socket's own address, as the column's API reported it. */
  local: { hostname: string; port: number };
  /**
   * The other end of a connection. Without it, the socket is one with no
   * other end: a listener, or an unconnected UDP socket.
   */
  remote?: { hostname: string; port: number };
  /** The process holding the socket; the column process (the peer's parent) by default. */
  pid?: number;
}

/**
 * One of the column process's sockets, found by its endpoints. Each read
 * copies the descriptor into the peer (pidfd_getfd), checks it is still the
 * same socket, reads, and closes the copy at once. Reads only: nothing here
 * changes the socket (SO_ERROR, which reading clears, is left out).
 */
export interface ColumnSocket {
  readonly pid: number;
  /** The descriptor number in the column process. */
  readonly fd: number;
  /** The socket's inode (`socket:[inode]`). */
  readonly inode: number;
  /** The socket options as the runtime left them. */
  options(): Promise<SocketOptions>;
  /** getsockopt TCP_INFO. */
  tcpInfo(): Promise<TcpInfo>;
  /** The accept queue of a listening TCP socket. */
  backlog(): Promise<Backlog>;
  /** Bytes the kernel holds that the runtime has not read yet (SIOCINQ). */
  inq(): Promise<number>;
  /** Bytes the runtime wrote that the other side has not acknowledged yet (SIOCOUTQ). */
  outq(): Promise<number>;
}

/** The reference peer: the adapter contract served by the kernel adapter in a process of its own, and the kernel's view. */
export interface Peer extends Adapter {
  readonly udp: NonNullable<Adapter["udp"]>;
  /** The peer process's id, once spawned. */
  readonly pid: number | undefined;
  /** Resolves once the peer runs; rejects with an {@linkcode UnavailableError} when it cannot start. */
  ready(): Promise<PeerReady>;
  /** Bytes received on a peer socket and not read yet (SIOCINQ; on UDP, the next datagram's size). */
  inq(socket: Conn | DatagramSocket): Promise<number>;
  /** Bytes written on a peer socket and not acknowledged yet, sent or not (SIOCOUTQ). */
  outq(socket: Conn | DatagramSocket): Promise<number>;
  /** getsockopt TCP_INFO of a peer socket. */
  tcpInfo(socket: Conn | Listener): Promise<TcpInfo>;
  /** The pending error of a peer socket as an errno number, 0 for none (SO_ERROR; reading clears it). */
  soError(socket: Conn | Listener | DatagramSocket): Promise<number>;
  /**
   * One of the column process's sockets, found by its endpoints in the
   * kernel's socket table and the column's descriptors. Rejects with an
   * {@linkcode UnavailableError} where the peer may not read another
   * process's descriptors, and with an Error when no socket, or more than
   * one, matches.
   */
  columnSocket(query: ColumnSocketQuery): Promise<ColumnSocket>;
  /** Ends the peer process; resolves once it has exited. Idempotent. */
  close(): Promise<void>;
}
