/**
 * The child process of the libc adapter's `handOff`: Deno with FFI alone,
 * given its end of the socket pair as its only argument (a descriptor it
 * inherited). Requests arrive on it, a socket handed over as SCM_RIGHTS
 * beside its request, adopted by the libc adapter itself. The child ends
 * when the channel does: when the parent kills it, or dies.
 *
 * @module
 */
import type { HandOffReply, HandOffRequest } from "../core/hand_off.ts";
import { serveParent } from "../core/hand_off_child.ts";
import { Channel } from "./_libc_channel.ts";
import { adoptConn, adoptListener } from "./libc.ts";

const channel = new Channel(Number(Deno.args[0]));

serveParent({
  onRequest(receive) {
    channel.receive((message, passed) => receive(message as HandOffRequest, passed))
      .then(() => Deno.exit(0), (err) => { console.error("receive failed", err); Deno.exit(1); });
  },
  send(message) {
    channel.post(message as HandOffReply).catch((err) => { console.error("post failed", err); Deno.exit(1); });
  },
}, {
  conn: (handle) => adoptConn(handle as number),
  listener: (handle) => adoptListener(handle as number),
});
