/**
 * The reference peer's wire protocol: one JSON object per line, requests on
 * the peer's stdin, responses (and one `ready` line first) on its stdout.
 * Requests carry an id and may be answered in any order, so a pending
 * `read` or `accept` holds back nothing else. Bytes travel as base64.
 *
 * Shared by the client (Node, Deno, Bun) and the peer process (Deno): no
 * runtime-specific API here.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Address, Endpoint } from "../core/adapter.ts";
import { type RawError, SocketError } from "../core/errors.ts";
import { type PeerReady, UnavailableError, type ViewStatus } from "../core/peer.ts";

export { UnavailableError, type ViewStatus };

/** The peer's first line. */
export interface Ready {
  ready: { pid: number; columnView: ViewStatus };
}

/** A socket found among the column process's descriptors. */
export interface ColumnSocketRef {
  pid: number;
  fd: number;
  inode: number;
}

/** What a request names: the handle of a socket in the peer, or a column socket. */
export interface HandleArgs {
  handle: number;
}

/** The answer a datagram operation carries: the socket's address now, or why address() fails. */
export type AddressState = { address: Address } | { addressError: WireSocketError };

/** A connection as the peer made it. */
export interface ConnInfo {
  handle: number;
  localAddr: Address;
  remoteAddr: Address;
}

/** Each operation: its arguments and its result. */
export interface Operations {
  "tcp.connect": { args: { hostname: string; port: number; aborted?: boolean }; result: ConnInfo };
  "tcp.listen": {
    args: { hostname: string; port: number; backlog?: number; ipv6Only?: boolean };
    result: { handle: number; addr: Address };
  };
  "accept": { args: HandleArgs; result: ConnInfo | null };
  "read": { args: HandleArgs; result: string | null };
  "write": { args: HandleArgs & { data: string }; result: null };
  "closeWrite": { args: HandleArgs; result: null };
  "close": { args: HandleArgs; result: null };
  "abort": { args: HandleArgs; result: null };
  "udp.bind": { args: { hostname: string; port: number }; result: { handle: number; state: AddressState } };
  "udp.open": { args: { family: "IPv4" | "IPv6" }; result: { handle: number; state: AddressState } };
  "send": {
    args: HandleArgs & { data: string; to?: Endpoint };
    result: AddressState;
  };
  "receive": {
    args: HandleArgs & { bufferSize?: number };
    result: { data: string; from: Address; truncated?: boolean; state: AddressState } | null;
  };
  "udp.connect": { args: HandleArgs & { to: Endpoint }; result: AddressState };
  "dgram.close": { args: HandleArgs; result: AddressState };
  /** Aborts the pending `tcp.connect` request `target`. */
  "cancel": { args: { target: number }; result: null };
  "inq": { args: HandleArgs; result: number };
  "outq": { args: HandleArgs; result: number };
  "soError": { args: HandleArgs; result: number };
  "tcpInfo": { args: HandleArgs; result: Record<string, number | string> };
  "column.find": {
    args: {
      pid?: number;
      protocol: "tcp" | "udp";
      local: { hostname: string; port: number };
      remote?: { hostname: string; port: number };
    };
    result: ColumnSocketRef;
  };
  "column.options": { args: ColumnSocketRef; result: Record<string, number> };
  "column.tcpInfo": { args: ColumnSocketRef; result: Record<string, number | string> };
  "column.inq": { args: ColumnSocketRef; result: number };
  "column.outq": { args: ColumnSocketRef; result: number };
  /** The column process's resident memory (VmRSS, VmHWM) in bytes; `resetPeak` restarts the peak afterwards. */
  "column.memory": { args: { pid?: number; resetPeak?: boolean }; result: MemoryFigures };
  // The bulk loops (peer/_bulk.ts): one request runs a whole workload of the performance lane.
  "bulk.echo": { args: HandleArgs & BulkLimit; result: { bytes: number } };
  "bulk.sink": { args: HandleArgs & BulkLimit & { marks: number[] }; result: { bytes: number; marksMs: number[] } };
  "bulk.source": {
    args: HandleArgs & BulkLimit & { bytes: number; chunkBytes: number };
    result: { bytes: number; ms: number };
  };
  "bulk.accept": { args: HandleArgs & BulkLimit; result: { accepted: number } };
  "bulk.connect": {
    args: BulkLimit & { hostname: string; port: number; concurrency: number };
    result: { connected: number; closed: number };
  };
  "bulk.udpSink": { args: HandleArgs & BulkLimit; result: { datagrams: number; bytes: number } };
  "bulk.udpSource": { args: HandleArgs & BulkLimit & { size: number; count: number }; result: { sent: number } };
  /** Asks the running bulk request `target` to stop; it then answers with what it counted. */
  "bulk.stop": { args: { target: number }; result: null };
  /**
   * Whether the bulk request `target` is running. Requests are taken in the
   * order they arrive, so once this answers, `target`'s loop has begun.
   */
  "bulk.running": { args: { target: number }; result: boolean };
}

/** How long a bulk loop may run before it gives up with an error (ms). */
export interface BulkLimit {
  limitMs: number;
}

/** A process's resident memory, in bytes. */
export interface MemoryFigures {
  /** VmRSS: resident now. */
  rss: number;
  /** VmHWM: the peak since the process started or since the last reset. */
  peak: number;
}

export type Op = keyof Operations;

/** One request line. */
export interface Request<K extends Op = Op> {
  id: number;
  op: K;
  args: Operations[K]["args"];
}

/**
 * What carries requests to the peer and brings its answers back: the peer
 * process's stdin and stdout (_process.ts), or a bridge to them.
 */
export interface PeerChannel {
  /** Settles once the peer runs; rejects with an {@linkcode UnavailableError} when it cannot start. */
  readonly ready: Promise<PeerReady>;
  /** The peer process's id, once spawned. */
  readonly pid: number | undefined;
  /** Sends a request; its id (to cancel it) and its answer. */
  request<K extends Op>(op: K, args: Operations[K]["args"]): { id: number; result: Promise<Operations[K]["result"]> };
  /** Sends a request and awaits its answer. */
  call<K extends Op>(op: K, args: Operations[K]["args"]): Promise<Operations[K]["result"]>;
  /** Ends the peer (or the channel's use of it). */
  close(): Promise<void>;
}

/** A SocketError as it travels. */
export interface WireSocketError {
  kind: "socket";
  op: string;
  code: string;
  raw: RawError;
}

/** Any failure as it travels: a socket error, a view that cannot be had, a bad request. */
export type WireError = WireSocketError | { kind: "unavailable"; reason: string } | { kind: "peer"; message: string };

/** One response line. */
export type Response = { id: number; result: unknown } | { id: number; error: WireError };

/** Bytes as base64 text. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** base64 text as a fresh Uint8Array. */
export function fromBase64(text: string): Uint8Array {
  const buffer = Buffer.from(text, "base64");
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** Any thrown value as it travels; a SocketError keeps its op, code and raw error. */
export function toWireError(err: unknown): WireError {
  if (err instanceof SocketError) return { kind: "socket", op: err.op, code: err.code, raw: err.raw };
  if (err instanceof UnavailableError) return { kind: "unavailable", reason: err.reason };
  return { kind: "peer", message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
}

/** The error a response carried, as the client throws it. */
export function fromWireError(error: WireError): Error {
  if (error.kind === "socket") return new SocketError(error.op, error.code, error.raw);
  if (error.kind === "unavailable") return new UnavailableError(error.reason);
  return new Error(`reference peer: ${error.message}`);
}
