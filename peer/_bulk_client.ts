/**
 * The peer's bulk loops as the column process drives them (`peer.bulk`):
 * one request starts a loop that runs inside the peer on one of its sockets
 * (peer/_bulk.ts says how each loop reads, writes and waits), and answers
 * once with what it counted. A loop that runs until told to stop comes as a
 * {@linkcode BulkRun}. Every loop has a time limit (`limitMs`, 30 s by
 * default); one that reaches it rejects.
 *
 * @module
 */
import type { Conn, DatagramSocket, Listener } from "../core/adapter.ts";
import type { Op, Operations, PeerChannel } from "./_protocol.ts";

const DEFAULT_LIMIT_MS = 30_000;

/** A loop that runs until stopped: its answer, and the way to stop it. */
export interface BulkRun<T> {
  /**
   * Resolves once the loop has begun in the peer. Until then nothing
   * drains the socket: a runtime whose sends all complete at once may never
   * let its event loop write the request out before a burst is over.
   */
  readonly started: Promise<void>;
  /** What the loop counted; settles once it has stopped (or failed). */
  readonly result: Promise<T>;
  /** Asks the loop to stop; resolves once the request is sent and answered (the loop may still be draining). */
  stop(): Promise<void>;
}

/** Every bulk loop takes a time limit. */
export interface BulkOptions {
  /** The loop gives up, rejecting, after this long (ms); 30000 by default. */
  limitMs?: number;
}

/** The peer's bulk loops, each on one of the peer's own sockets. */
export interface PeerBulk {
  /** Sends back every byte that arrives on `conn`, until EOF: the peer side of a ping-pong. */
  echo(conn: Conn, options?: BulkOptions): Promise<{ bytes: number }>;
  /**
   * Reads `conn` in 1 MiB gulps until EOF; `marksMs` are the peer's clock
   * (ms) when the byte count first reached each of `marks` (ascending), so
   * their differences time the windows on the receiving side.
   */
  sink(conn: Conn, options: BulkOptions & { marks: number[] }): Promise<{ bytes: number; marksMs: number[] }>;
  /** Sends `bytes` bytes on `conn` in `chunkBytes` writes (1 MiB by default), then shuts down writing. */
  source(conn: Conn, options: BulkOptions & { bytes: number; chunkBytes?: number }): Promise<{ bytes: number; ms: number }>;
  /** Accepts every connection reaching `listener` and closes it at once, until stopped. */
  acceptLoop(listener: Listener, options?: BulkOptions): BulkRun<{ accepted: number }>;
  /**
   * Connects to `to` (numeric IPv4) `concurrency` connections at a time, each
   * closed once the other side has closed it, until stopped.
   */
  connectLoop(
    to: { hostname: string; port: number },
    options?: BulkOptions & { concurrency?: number },
  ): BulkRun<{ connected: number; closed: number }>;
  /** Receives datagrams on `socket` until stopped, counting them (what is queued at the stop included). */
  udpSink(socket: DatagramSocket, options?: BulkOptions): BulkRun<{ datagrams: number; bytes: number }>;
  /**
   * Sends `count` datagrams of `size` bytes on `socket`, which must be
   * connected (`socket.connect(to)`), as fast as the kernel takes them, or
   * until stopped.
   */
  udpSource(socket: DatagramSocket, options: BulkOptions & { size: number; count: number }): BulkRun<{ sent: number }>;
}

/** The client side of the bulk loops; `handleOf` names a peer socket's handle. */
export function bulkApi(peer: PeerChannel, handleOf: (socket: object) => number): PeerBulk {
  const limit = (options?: BulkOptions) => options?.limitMs ?? DEFAULT_LIMIT_MS;
  const stoppable = <K extends Op>(op: K, args: Operations[K]["args"]): BulkRun<Operations[K]["result"]> => {
    const { id, result } = peer.request(op, args);
    result.catch(() => {}); // seen by whoever awaits it; never unhandled
    // Taken after the loop's own request: its answer means the loop has begun (or already ended).
    const started = peer.call("bulk.running", { target: id }).then(() => {});
    started.catch(() => {});
    return { started, result, stop: async () => void await peer.call("bulk.stop", { target: id }) };
  };
  return {
    echo: (conn, options) => peer.call("bulk.echo", { handle: handleOf(conn), limitMs: limit(options) }),
    sink: (conn, options) => peer.call("bulk.sink", { handle: handleOf(conn), limitMs: limit(options), marks: options.marks }),
    source: (conn, options) =>
      peer.call("bulk.source", {
        handle: handleOf(conn),
        limitMs: limit(options),
        bytes: options.bytes,
        chunkBytes: options.chunkBytes ?? 1024 * 1024,
      }),
    acceptLoop: (listener, options) => stoppable("bulk.accept", { handle: handleOf(listener), limitMs: limit(options) }),
    connectLoop: (to, options) =>
      stoppable("bulk.connect", {
        hostname: to.hostname,
        port: to.port,
        concurrency: options?.concurrency ?? 4,
        limitMs: limit(options),
      }),
    udpSink: (socket, options) => stoppable("bulk.udpSink", { handle: handleOf(socket), limitMs: limit(options) }),
    udpSource: (socket, options) =>
      stoppable("bulk.udpSource", { handle: handleOf(socket), limitMs: limit(options), size: options.size, count: options.count }),
  };
}
