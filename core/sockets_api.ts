/**
 * The WinterTC sockets API's shapes, as the specification's IDL gives them
 * (https://sockets-api.proposal.wintertc.org/, `index.bs`): `connect()` and
 * the `Socket` it returns. An adapter for that API hands its `connect`
 * over as `Adapter.socketsApi` (the `socketsApi` capability), so that the
 * cases of the specification's own semantics drive it as it is.
 *
 * @module
 */

/** `SocketAddress`: a host name (or IP literal) and a port. */
export interface SocketAddress {
  hostname: string;
  port: number;
}

/** `SocketOptions`. */
export interface SocketsApiOptions {
  /** `"off"` (the default), `"on"` (TLS from the start) or `"starttls"` (TLS later, through `startTls()`). */
  secureTransport?: "off" | "on" | "starttls";
  /** Whether the writable side stays open after the readable side ends; `false` by default. */
  allowHalfOpen?: boolean;
}

/** `SocketInfo`: what `opened` resolves with. */
export interface SocketInfo {
  remoteAddress?: string | null;
  localAddress?: string | null;
  alpn?: string | null;
}

/** `Socket`. */
export interface Socket {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly opened: Promise<SocketInfo>;
  readonly closed: Promise<void>;
  close(reason?: unknown): Promise<void>;
  startTls(): Socket;
}

/**
 * The specification's `connect(address, options)`: an address is a
 * `SocketAddress` or a string `"host:port"`.
 */
export type Connect = (address: SocketAddress | string, options?: SocketsApiOptions) => Socket;

/**
 * The API itself, handed over by an adapter with the `socketsApi` capability.
 *
 * @example
 * ```ts
 * import type { SocketsApi } from "./sockets_api.ts";
 * declare const api: SocketsApi;
 * const socket = api.connect({ hostname: "127.0.0.1", port: 7 });
 * console.log(await socket.opened);
 * await socket.close();
 * ```
 */
export interface SocketsApi {
  readonly connect: Connect;
}
