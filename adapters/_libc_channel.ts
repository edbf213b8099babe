/**
 * The libc adapter's channel between a process and its hand-off child: one
 * end of a Unix SOCK_SEQPACKET socket pair, each message one JSON text in
 * one packet, a socket handed over travelling beside it as SCM_RIGHTS (UNP
 * 15.7). Both sides use it; every call is synchronous on the JavaScript
 * thread, and only the readiness waits sleep, as in the adapter.
 *
 * @module
 */
import { closedError, EAGAIN, errno, errnoError, POLLIN, POLLOUT, recvWithDescriptor, sendWithDescriptor, Socket } from "./_libc.ts";

/** The largest message either side sends is far below this. */
const PACKET_SIZE = 64 * 1024;

/** One end of the socket pair. */
export class Channel {
  #socket: Socket;

  constructor(fd: number) {
    this.#socket = new Socket(fd);
  }

  /** Sends `message`, with `passed` (a descriptor) beside it when given. */
  async post(message: unknown, passed?: number): Promise<void> {
    const data = new TextEncoder().encode(JSON.stringify(message));
    for (;;) {
      if (this.#socket.closed) throw closedError("send", "sendmsg");
      if (sendWithDescriptor(this.#socket.fd, data, passed) >= 0) return;
      const e = errno();
      if (e !== EAGAIN) throw errnoError("send", "sendmsg", e);
      if (!await this.#socket.wait("send", POLLOUT)) throw closedError("send", "sendmsg");
    }
  }

  /**
   * Hands every message that arrives to `receive`, with the descriptor that
   * came beside it, until the other end is closed (resolves) or this one is.
   */
  async receive(receive: (message: unknown, passed?: number) => void): Promise<void> {
    const buffer = new Uint8Array(PACKET_SIZE);
    for (;;) {
      if (this.#socket.closed) return;
      const { n, passed } = recvWithDescriptor(this.#socket.fd, buffer);
      if (n > 0) {
        receive(JSON.parse(new TextDecoder().decode(buffer.subarray(0, n))), passed);
        continue;
      }
      if (n === 0) return;
      const e = errno();
      if (e !== EAGAIN) throw errnoError("receive", "recvmsg", e);
      if (!await this.#socket.wait("receive", POLLIN)) return;
    }
  }

  close(): Promise<void> {
    return this.#socket.close("close");
  }
}
