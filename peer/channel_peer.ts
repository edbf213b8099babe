/**
 * The reference peer as a case sees it, over any channel that carries the
 * peer's requests (peer/_protocol.ts): the adapter contract, served by the
 * kernel adapter (libc through Deno's FFI) in a process of its own, plus the
 * kernel's view of the peer's sockets and of the column's own. The channel
 * is the peer process's stdin and stdout (client.ts), or a bridge to them
 * from a runtime that cannot start processes (the workerd host's worker).
 *
 * Every object is a handle in the peer process; every operation is one
 * request, answered when the kernel adapter settles it, so a pending `read`
 * or `accept` holds back nothing else. What each operation does is what the
 * kernel adapter does (adapters/libc.ts says it call by call);
 * this file only carries it. The differences a case can see:
 * - `connect`'s `signal`: an abort cancels the connect in the peer, which
 *   rejects with the peer's own abort reason (a DOMException `AbortError`),
 *   not the caller's reason object.
 * - `DatagramSocket.address()` is synchronous in the contract: it answers
 *   from the address the peer sent with the last answer for that socket
 *   (every datagram operation carries it), which is the socket's address
 *   since only the peer's own operations change it.
 * - No Unix-domain sockets.
 *
 * @module
 */
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
} from "../core/adapter.ts";
import {
  type Backlog,
  type ColumnSocket,
  type ColumnSocketQuery,
  type Peer as KernelPeer,
  type SocketOptionName,
  type SocketOptions,
  type TcpInfo,
  UnavailableError,
} from "../core/peer.ts";
import { NO_REPORTS } from "../core/report_log.ts";
import { bulkApi, type PeerBulk } from "./_bulk_client.ts";
import {
  type AddressState,
  type ColumnSocketRef,
  type ConnInfo,
  fromBase64,
  fromWireError,
  type MemoryFigures,
  type PeerChannel,
  toBase64,
} from "./_protocol.ts";

export type { Backlog, ColumnSocket, ColumnSocketQuery, SocketOptionName, SocketOptions };

const CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>([
  "tcpListen",
  "halfClose",
  "abortiveClose",
  "connectAbort",
  "listenBacklog",
  "udp",
  "udpConnect",
  "udpRecvBuffer",
  "udpUnbound",
  "ipv6Only",
  "acceptOnDemand",
  "pendingRead",
  "pendingReceive",
]);

/**
 * Each peer socket object's handle in the peer, under a symbol: read as a
 * property, so it is found through the runner's wrappers (proxies) too.
 */
const HANDLE: unique symbol = Symbol("reference peer handle");

class PeerConn implements Conn {
  readonly [HANDLE]: number;
  readonly reports = NO_REPORTS;
  readonly localAddr: Address;
  readonly remoteAddr: Address;
  #peer: PeerChannel;
  #handle: number;

  constructor(peer: PeerChannel, info: ConnInfo) {
    this.#peer = peer;
    this.#handle = info.handle;
    this.localAddr = info.localAddr;
    this.remoteAddr = info.remoteAddr;
    this[HANDLE] = info.handle;
  }

  async read(): Promise<Uint8Array | null> {
    const data = await this.#peer.call("read", { handle: this.#handle });
    return data === null ? null : fromBase64(data);
  }
  async write(data: Uint8Array): Promise<void> {
    await this.#peer.call("write", { handle: this.#handle, data: toBase64(data) });
  }
  async closeWrite(): Promise<void> {
    await this.#peer.call("closeWrite", { handle: this.#handle });
  }
  async close(): Promise<void> {
    await this.#peer.call("close", { handle: this.#handle });
  }
  async abort(): Promise<void> {
    await this.#peer.call("abort", { handle: this.#handle });
  }
}

class PeerListener implements Listener {
  readonly [HANDLE]: number;
  readonly reports = NO_REPORTS;
  readonly addr: Address;
  #peer: PeerChannel;
  #handle: number;

  constructor(peer: PeerChannel, handle: number, addr: Address) {
    this.#peer = peer;
    this.#handle = handle;
    this.addr = addr;
    this[HANDLE] = handle;
  }

  async accept(): Promise<Conn | null> {
    const info = await this.#peer.call("accept", { handle: this.#handle });
    return info && new PeerConn(this.#peer, info);
  }
  async close(): Promise<void> {
    await this.#peer.call("close", { handle: this.#handle });
  }
}

class PeerDatagram implements DatagramSocket {
  readonly [HANDLE]: number;
  readonly reports = NO_REPORTS;
  #peer: PeerChannel;
  #handle: number;
  #state: AddressState;

  constructor(peer: PeerChannel, handle: number, state: AddressState) {
    this.#peer = peer;
    this.#handle = handle;
    this.#state = state;
    this[HANDLE] = handle;
  }

  address(): Address {
    if ("address" in this.#state) return this.#state.address;
    throw fromWireError(this.#state.addressError);
  }
  async send(data: Uint8Array, to?: Endpoint): Promise<void> {
    this.#state = await this.#peer.call("send", { handle: this.#handle, data: toBase64(data), to });
  }
  async receive(options?: { bufferSize?: number }): Promise<Datagram | null> {
    const got = await this.#peer.call("receive", { handle: this.#handle, bufferSize: options?.bufferSize });
    if (!got) return null;
    this.#state = got.state;
    const datagram: Datagram = { data: fromBase64(got.data), from: got.from };
    if (got.truncated !== undefined) datagram.truncated = got.truncated;
    return datagram;
  }
  async connect(to: Endpoint): Promise<void> {
    this.#state = await this.#peer.call("udp.connect", { handle: this.#handle, to });
  }
  async close(): Promise<void> {
    this.#state = await this.#peer.call("dgram.close", { handle: this.#handle });
  }
}

class PeerColumnSocket implements ColumnSocket {
  readonly pid: number;
  readonly fd: number;
  readonly inode: number;
  #peer: PeerChannel;

  constructor(peer: PeerChannel, ref: ColumnSocketRef) {
    this.#peer = peer;
    ({ pid: this.pid, fd: this.fd, inode: this.inode } = ref);
  }

  #ref(): ColumnSocketRef {
    return { pid: this.pid, fd: this.fd, inode: this.inode };
  }
  options(): Promise<SocketOptions> {
    return this.#peer.call("column.options", this.#ref());
  }
  async tcpInfo(): Promise<TcpInfo> {
    return await this.#peer.call("column.tcpInfo", this.#ref()) as unknown as TcpInfo;
  }
  async backlog(): Promise<Backlog> {
    const info = await this.tcpInfo();
    if (info.state !== "LISTEN") throw new Error(`socket ${this.inode} is not listening: ${info.state}`);
    // For a listener the kernel reports the accept queue in two reused fields (tcp_get_info).
    return { limit: info.sacked, queued: info.unacked };
  }
  inq(): Promise<number> {
    return this.#peer.call("column.inq", this.#ref());
  }
  outq(): Promise<number> {
    return this.#peer.call("column.outq", this.#ref());
  }
}

function handleOf(socket: object): number {
  const handle = (socket as { [HANDLE]?: unknown })[HANDLE];
  if (typeof handle !== "number") throw new TypeError("not a socket of the reference peer");
  return handle;
}

/**
 * The peer as this process starts it: the contract of core/peer.ts (what a
 * case gets as `ctx.peer`), plus what the performance lane uses.
 */
export interface Peer extends KernelPeer {
  /**
   * The column process's resident memory as the kernel counts it (VmRSS,
   * VmHWM from /proc, in bytes); `resetPeak` then restarts the peak from the
   * current RSS (clear_refs), so the next reading's peak covers only what
   * happened in between.
   */
  columnMemory(options?: { resetPeak?: boolean }): Promise<MemoryFigures>;
  /**
   * Loops that run inside the peer, for the performance lane: one request
   * echoes, sinks or sources a whole transfer, or opens and accepts
   * connections until stopped, so the peer protocol is not what is measured.
   */
  readonly bulk: PeerBulk;
}

function tcpApi(peer: PeerChannel): Peer["tcp"] {
  return {
    async connect(options: ConnectOptions): Promise<Conn> {
      const { signal } = options;
      const sent = peer.request("tcp.connect", {
        hostname: options.hostname,
        port: options.port,
        aborted: signal?.aborted,
      });
      const onAbort = () => peer.call("cancel", { target: sent.id }).catch(() => {});
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        return new PeerConn(peer, await sent.result);
      } finally {
        signal?.removeEventListener("abort", onAbort);
      }
    },
    async listen(options: ListenOptions): Promise<Listener> {
      const { hostname, port, backlog, ipv6Only } = options;
      const { handle, addr } = await peer.call("tcp.listen", { hostname, port, backlog, ipv6Only });
      return new PeerListener(peer, handle, addr);
    },
  };
}

function udpApi(peer: PeerChannel): Peer["udp"] {
  return {
    async bind(options: { hostname: string; port: number }): Promise<DatagramSocket> {
      const { handle, state } = await peer.call("udp.bind", { hostname: options.hostname, port: options.port });
      return new PeerDatagram(peer, handle, state);
    },
    async open(options: { family: "IPv4" | "IPv6" }): Promise<DatagramSocket> {
      const { handle, state } = await peer.call("udp.open", { family: options.family });
      return new PeerDatagram(peer, handle, state);
    },
  };
}

/**
 * The reference peer whose requests travel on `channel`.
 *
 * @example
 * ```ts
 * import { peerOver } from "./channel_peer.ts";
 * import type { PeerChannel } from "./_protocol.ts";
 * declare const channel: PeerChannel;
 * const peer = peerOver(channel);
 * const listener = await peer.tcp.listen({ hostname: "127.0.0.1", port: 0 });
 * await listener.close();
 * ```
 */
export function peerOver(peer: PeerChannel): Peer {
  const view = async (op: "inq" | "outq" | "soError", socket: object) =>
    await peer.call(op, { handle: handleOf(socket) });
  return {
    api: "libc (BSD sockets via FFI), in the reference peer process",
    capabilities: CAPABILITIES,
    reference: true,
    tcp: tcpApi(peer),
    udp: udpApi(peer),
    get pid() {
      return peer.pid;
    },
    ready: () => peer.ready,
    inq: (socket) => view("inq", socket),
    outq: (socket) => view("outq", socket),
    soError: (socket) => view("soError", socket),
    async tcpInfo(socket) {
      return await peer.call("tcpInfo", { handle: handleOf(socket) }) as unknown as TcpInfo;
    },
    async columnSocket(query) {
      const { columnView } = await peer.ready;
      if (!columnView.ok) throw new UnavailableError(columnView.reason);
      const { protocol = "tcp", local, remote, pid } = query;
      const find = { protocol, local: { hostname: local.hostname, port: local.port }, pid } as const;
      const ref = await peer.call(
        "column.find",
        remote ? { ...find, remote: { hostname: remote.hostname, port: remote.port } } : find,
      );
      return new PeerColumnSocket(peer, ref);
    },
    columnMemory: (options) => peer.call("column.memory", { resetPeak: options?.resetPeak }),
    bulk: bulkApi(peer, handleOf),
    close: () => peer.close(),
  };
}
