/**
 * The child process of the node:net adapter's `handOff`, started by
 * `child_process.fork` in the parent's runtime: requests arrive as IPC
 * messages (`process.on("message")`, with the socket or server node hands
 * over beside a `hold` request), replies leave by `process.send`. Each
 * socket is adopted by the node:net adapter itself. The child ends when its
 * channel does: when the parent kills it, or dies.
 *
 * @module
 */
import type net from "node:net";
import process from "node:process";
import type { HandOffRequest } from "../core/hand_off.ts";
import { serveParent } from "../core/hand_off_child.ts";
import { adoptServer, adoptSocket } from "./node.ts";

process.on("disconnect", () => process.exit(0));

serveParent({
  onRequest(receive) {
    process.on("message", (message, handle) => receive(message as HandOffRequest, handle));
  },
  send(message) {
    process.send!(message);
  },
}, {
  conn: (handle) => adoptSocket(handle as net.Socket),
  listener: (handle) => adoptServer(handle as net.Server),
});
